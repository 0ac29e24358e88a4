package app

import (
	"context"
	"errors"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// buildCommunity wires the help center's API and public pages, searchable through the index in the
// application's database.
func (a *App) buildCommunity(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Community = community.NewService(community.Deps{Store: community.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Index: search.NewDBIndex(a.DB), Entitlements: a.Entitlements, RequireLogin: a.Config.CommunityRequiresLogin,
		Notices: a.Notices, Notify: a.Notify, People: a.communityPeople,
		Blobs: a.Blobs})
	community.NewAPI(a.Community).Routes(rt)
	community.NewQAAPI(a.Community).Routes(rt)
	community.NewCourseAPI(a.Community).Routes(rt)
	community.NewPages(a.Community, pages).Routes(rt)
	community.NewCoursePages(a.Community, pages).Routes(rt)
	community.NewQAPages(a.Community, pages).Routes(rt)
}

// communityPeople are the live users named, to e-mail about their questions
// and answers (a system read: the Q&A's authors may be of any organisation).
func (a *App) communityPeople(ctx context.Context, userIDs []string) ([]notify.Address, error) {
	users := account.NewStore(a.DB)
	var out []notify.Address
	for _, id := range userIDs {
		u, err := users.UserByID(ctx, a.DB, id)
		if errors.Is(err, problem.ErrNotFound) {
			continue // deleted since they posted
		} else if err != nil {
			return nil, err
		}
		out = append(out, notify.Address{Email: u.Email, Name: u.Name, Locale: u.Locale, UserID: u.ID})
	}
	return out, nil
}
