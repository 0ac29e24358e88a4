package app

import (
	"context"
	"errors"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/web"
)

// buildContracts wires the lifecycle table (products and versions) with its
// hourly end-of-service reminders, and contracts, which check override codes
// against the catalog in effect, with their console pages. It runs after
// buildCatalog.
func (a *App) buildContracts(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Products = lifecycle.NewService(lifecycle.Deps{Store: lifecycle.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Notices: a.Notices, AffectedAdmins: a.adminsOnVersion})
	items := func(ctx context.Context, at time.Time) (func(string) bool, error) {
		v, err := a.Catalog.InEffect(ctx, at)
		if errors.Is(err, catalog.ErrNoneInEffect) {
			err = nil // no catalog yet: no code is an item
		}
		return func(code string) bool { _, ok := v.Item(code); return ok }, err
	}
	a.Contracts = contract.NewService(contract.Deps{Store: contract.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Products: a.Products, Items: items, Orgs: a.orgName})
	a.Jobs.Every("lifecycle.reminders", time.Hour, func(ctx context.Context, _ jobs.Job) error {
		_, err := a.Products.SendReminders(ctx)
		return err
	})
	lifecycle.NewAPI(a.Products).Routes(rt)
	contract.NewAPI(a.Contracts).Routes(rt)
	lifecycle.NewPages(a.Products, pages).Routes(rt)
	contract.NewPages(a.Contracts, pages).Routes(rt)
}

// adminsOnVersion lists the customer_admins of every organisation with an
// active contract on the product's version: whom a change of its dates or
// an end-of-service reminder concerns.
func (a *App) adminsOnVersion(ctx context.Context, q db.Querier, product, version string) ([]string, error) {
	orgs, err := a.Contracts.OrgsOnVersion(ctx, q, product, version)
	if err != nil {
		return nil, err
	}
	var admins []string
	for _, orgID := range orgs {
		ids, err := a.Accounts.OrgAdminIDs(ctx, orgID)
		if err != nil {
			return nil, err
		}
		admins = append(admins, ids...)
	}
	return admins, nil
}

// orgName is the audit.OrgCheck rooms use: the organisation's name, or 404
// unless it exists and the actor may see it.
func (a *App) orgName(ctx context.Context, who *actor.Actor, orgID string) (string, error) {
	o, err := a.Accounts.Org(ctx, who, orgID)
	return o.Name, err
}
