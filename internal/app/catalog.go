package app

import (
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/platform/web"
)

// buildCatalog wires the service catalog: its API, public pages and feed, and
// the console's editor. Announcements notify every customer_admin, whom the
// account room lists; the entitlement engine sets a.Catalog.OnChange.
func (a *App) buildCatalog(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Catalog = catalog.NewService(catalog.Deps{Store: catalog.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Notices: a.Notices, CustomerAdmins: a.Accounts.AllCustomerAdminIDs})
	catalog.NewAPI(a.Catalog).Routes(rt)
	catalog.NewPages(a.Catalog, pages).Routes(rt)
}
