package contract

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of contracts.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints. Terminate takes an empty body or {}.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/orgs/{org}/contracts", web.Authed(h.list))
	rt.API("POST /api/v1/orgs/{org}/contracts", web.Authed(h.create))
	rt.API("GET /api/v1/orgs/{org}/contracts/{id}", web.Authed(h.get))
	rt.API("PATCH /api/v1/orgs/{org}/contracts/{id}", web.Authed(h.update))
	rt.API("POST /api/v1/orgs/{org}/contracts/{id}/terminate", web.Authed(h.terminate))
}

func (h *API) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.svc.List(r.Context(), a, r.PathValue("org"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, web.PageRequest{Limit: len(list)}, func(c Contract) string { return c.ID }))
}

func (h *API) get(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	c, err := h.svc.Get(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, c, err)
}

// decode reads the body into v once the actor may change the organisation's
// contracts: authorisation comes before validation.
func (h *API) decode(r *http.Request, a *actor.Actor, v any) error {
	if _, err := h.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), actor.ManageContracts); err != nil {
		return err
	}
	return web.Decode(r, v)
}

func (h *API) create(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in Input
	if err := h.decode(r, a, &in); err != nil {
		return err
	}
	c, err := h.svc.Create(r.Context(), a, r.PathValue("org"), in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/orgs/"+c.OrgID+"/contracts/"+c.ID, c)
}

func (h *API) update(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var p Patch
	if err := h.decode(r, a, &p); err != nil {
		return err
	}
	c, err := h.svc.Update(r.Context(), a, r.PathValue("org"), r.PathValue("id"), p)
	return web.Respond(w, http.StatusOK, c, err)
}

func (h *API) terminate(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.decode(r, a, &struct{}{}); err != nil {
		return err
	}
	c, err := h.svc.Terminate(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, c, err)
}
