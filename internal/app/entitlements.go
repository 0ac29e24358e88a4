package app

import (
	"context"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// buildEntitlements wires the entitlement engine and the quota ledger on the
// catalog, lifecycle, contract and account rooms. Their OnChange hooks make
// its cache forget (here) and notify the other instances (PostgreSQL), whose
// listeners forget too. Call it after buildCatalog and buildContracts.
func (a *App) buildEntitlements(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	orgs := func(ctx context.Context, who *actor.Actor, orgID string) (string, error) {
		o, err := a.Accounts.Org(ctx, who, orgID)
		return o.Name, err
	}
	a.Entitlements = entitlement.NewService(entitlement.Deps{DB: a.DB, Audit: rec, Clock: a.Config.Clock,
		Catalog: catalogInEffect{a.Catalog}, Contracts: a.Contracts, Lifecycle: a.Products, Orgs: a.Accounts,
		OrgCheck: orgs, Logger: a.Config.Logger})
	a.Catalog.OnChange = a.Entitlements.CatalogChanged
	a.Products.OnChange = a.Entitlements.LifecycleChanged
	a.Contracts.OnChange = a.Entitlements.ContractsChanged
	a.Entitlements.Listen()
	entitlement.NewAPI(a.Entitlements).Routes(rt)
	entitlement.NewPages(a.Entitlements, pages).Routes(rt)
}

// catalogInEffect answers an empty catalog before the first version takes
// effect, rather than an error: nothing is offered then.
type catalogInEffect struct{ s *catalog.Service }

func (c catalogInEffect) InEffect(ctx context.Context, at time.Time) (catalog.Version, error) {
	v, err := c.s.InEffect(ctx, at)
	if pe, ok := problem.As(err); ok && pe.Code == catalog.ErrNoneInEffect.Code {
		return catalog.Version{}, nil
	}
	return v, err
}
