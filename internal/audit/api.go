package audit

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// API serves the trail. There is no route that changes it.
type API struct{ store *Store }

// NewAPI returns the handlers.
func NewAPI(store *Store) *API { return &API{store: store} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/audit", h.list)
}

// list answers GET /api/v1/audit?org=&action=&target=: the vendor_admin sees
// everything, a customer_admin its own organisation's entries.
func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if !a.Can(actor.ReadAudit) {
		return problem.ErrForbidden
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	entries, err := h.store.List(r.Context(), a.Scope(), Filter{OrgID: q.Get("org"), Action: q.Get("action"), Target: q.Get("target")}, page.After, page.Limit+1)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(entries, page, func(e Entry) string { return e.ID }))
}
