package app

import (
	"context"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/license"
	"steward.dev/steward/internal/platform/web"
)

// buildLicenses wires the license room on the contracts (terms and the
// version an upgrade moves), the lifecycle table (released versions), the
// entitlement engine (who may upgrade) and the signing keys. Call it after
// buildEntitlements and buildKeys.
func (a *App) buildLicenses(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Licenses = license.NewService(license.Deps{Store: license.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Contracts: a.Contracts, Products: a.Products, Sign: a.Keys.Sign,
		Entitled: func(ctx context.Context, orgID string, at time.Time) error {
			_, err := a.Entitlements.Check(ctx, orgID, license.UpgradeService, at)
			return err
		}})
	license.NewAPI(a.Licenses).Routes(rt)
	license.NewPages(a.Licenses, pages).Routes(rt)
}
