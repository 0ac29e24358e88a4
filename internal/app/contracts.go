package app

import (
	"context"
	"slices"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// seedItemCodes are the codes of the default catalog, which contract
// overrides are checked against until the catalog room answers for the
// catalog in effect.
var seedItemCodes = []string{"community", "smart_service", "cloud_ops", "patch_download", "requirement_listening", "license_upgrade", "hotline_rescue"}

// buildContracts wires the lifecycle table (products and versions) and
// contracts, which check overrides against the catalog in effect.
func (a *App) buildContracts(rec *audit.Recorder, rt *web.Router) {
	a.Products = lifecycle.NewService(lifecycle.NewStore(a.DB), rec, a.Config.Clock)
	items := func(context.Context, time.Time) (func(string) bool, error) {
		return func(code string) bool { return slices.Contains(seedItemCodes, code) }, nil
	}
	orgs := func(ctx context.Context, who *actor.Actor, orgID string) (string, error) {
		o, err := a.Accounts.Org(ctx, who, orgID)
		return o.Name, err
	}
	a.Contracts = contract.NewService(contract.Deps{Store: contract.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Products: a.Products, Items: items, Orgs: orgs})
	lifecycle.NewAPI(a.Products).Routes(rt)
	contract.NewAPI(a.Contracts).Routes(rt)
}
