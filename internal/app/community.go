package app

import (
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// buildCommunity wires the help center's API and public pages, searchable through the index in the
// application's database.
func (a *App) buildCommunity(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Community = community.NewService(community.Deps{Store: community.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Index: search.NewDBIndex(a.DB), Entitlements: a.Entitlements, RequireLogin: a.Config.CommunityRequiresLogin,
		Blobs: a.Blobs})
	community.NewAPI(a.Community).Routes(rt)
	community.NewCourseAPI(a.Community).Routes(rt)
	community.NewPages(a.Community, pages).Routes(rt)
	community.NewCoursePages(a.Community, pages).Routes(rt)
	community.NewQAPages(a.Community, pages).Routes(rt)
}
