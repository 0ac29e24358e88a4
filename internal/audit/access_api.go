package audit

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// AccessAPI serves grants, lawful requests and the data-access log. No route
// changes a lawful request or the log, and a grant only by revoking it.
type AccessAPI struct{ svc *Access }

// NewAccessAPI returns the handlers.
func NewAccessAPI(svc *Access) *AccessAPI { return &AccessAPI{svc: svc} }

// Routes registers the endpoints.
func (h *AccessAPI) Routes(rt *web.Router) {
	rt.API("GET /api/v1/orgs/{org}/access-grants", h.grants)
	rt.API("POST /api/v1/orgs/{org}/access-grants", h.createGrant)
	rt.API("POST /api/v1/orgs/{org}/access-grants/{id}/revoke", h.revokeGrant)
	rt.API("GET /api/v1/orgs/{org}/lawful-requests", h.lawfulRequests)
	rt.API("POST /api/v1/orgs/{org}/lawful-requests", h.createLawfulRequest)
	rt.API("GET /api/v1/orgs/{org}/access-log", h.log)
}

// decodeFor authorises the actor in the path's organisation, then decodes the
// body: authorisation comes before validation.
func (h *AccessAPI) decodeFor(r *http.Request, p actor.Permission, v any) (*actor.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	if err := h.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), p); err != nil {
		return nil, err
	}
	return a, web.Decode(r, v)
}

func (h *AccessAPI) createGrant(w http.ResponseWriter, r *http.Request) error {
	var in GrantInput
	a, err := h.decodeFor(r, actor.GrantDataAccess, &in)
	if err != nil {
		return err
	}
	g, err := h.svc.CreateGrant(r.Context(), a, r.PathValue("org"), in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/orgs/"+g.OrgID+"/access-grants/"+g.ID, g)
}

func (h *AccessAPI) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	var empty struct{}
	a, err := h.decodeFor(r, actor.GrantDataAccess, &empty)
	if err != nil {
		return err
	}
	g, err := h.svc.RevokeGrant(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, g)
}

func (h *AccessAPI) createLawfulRequest(w http.ResponseWriter, r *http.Request) error {
	var in LawfulRequestInput
	a, err := h.decodeFor(r, actor.RecordLawfulRequests, &in)
	if err != nil {
		return err
	}
	l, err := h.svc.CreateLawfulRequest(r.Context(), a, r.PathValue("org"), in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/orgs/"+l.OrgID+"/lawful-requests/"+l.ID, l)
}

func (h *AccessAPI) grants(w http.ResponseWriter, r *http.Request) error {
	return listFor(w, r, h.svc.Grants, func(g Grant) string { return g.ID })
}

func (h *AccessAPI) lawfulRequests(w http.ResponseWriter, r *http.Request) error {
	return listFor(w, r, h.svc.LawfulRequests, func(l LawfulRequest) string { return l.ID })
}

func (h *AccessAPI) log(w http.ResponseWriter, r *http.Request) error {
	return listFor(w, r, h.svc.Log, func(rec Record) string { return rec.ID })
}

// listFor answers a list of the path's organisation, newest first.
func listFor[T any](w http.ResponseWriter, r *http.Request, list func(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]T, error), idOf func(T) string) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	items, err := list(r.Context(), a, r.PathValue("org"), page.After, page.Limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(items, page, idOf))
}
