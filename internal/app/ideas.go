package app

import (
	"context"
	"errors"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/ideas"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// buildIdeas wires the Innovation Square: its documents share the
// community's search index, its voters and followers are told through the
// inbox and the notification channels, its pictures go to the blob store.
func (a *App) buildIdeas(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Ideas = ideas.NewService(ideas.Deps{Store: ideas.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Index: search.NewDBIndex(a.DB), Entitlements: a.Entitlements, RequireLogin: a.Config.CommunityRequiresLogin,
		Notices: a.Notices, Notify: a.Notify, People: a.communityPeople, Blobs: a.Blobs, KnownProduct: a.knownProduct,
		Shipments: ideaShipments{patches: a.Patches, products: a.Products}, Customers: ideaCustomers{orgs: account.NewStore(a.DB), contracts: a.Contracts}})
	ideas.NewAPI(a.Ideas).Routes(rt)
	ideas.NewAnswersAPI(a.Ideas).Routes(rt)
	ideas.NewPages(a.Ideas, a.Products, pages).Routes(rt)
}

// knownProduct says whether the lifecycle table has a product of that code.
func (a *App) knownProduct(ctx context.Context, code string) (bool, error) {
	_, err := a.Products.Product(ctx, code)
	if errors.Is(err, problem.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
