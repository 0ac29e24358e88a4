package catalog

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the catalog's JSON handlers. Reading is public; changing needs
// actor.EditCatalog, checked before the body is read.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/catalog", h.inEffect)
	rt.API("GET /api/v1/catalog/versions", h.versions)
	rt.API("POST /api/v1/catalog/versions", edit(h, func(r *http.Request, a *actor.Actor, in DraftInput) (Version, error) {
		return h.svc.CreateDraft(r.Context(), a, in)
	}))
	rt.API("GET /api/v1/catalog/versions/{id}", h.version)
	rt.API("PUT /api/v1/catalog/versions/{id}", edit(h, func(r *http.Request, a *actor.Actor, in DraftPatch) (Version, error) {
		return h.svc.UpdateDraft(r.Context(), a, r.PathValue("id"), in)
	}))
	rt.API("POST /api/v1/catalog/versions/{id}/announce", edit(h, func(r *http.Request, a *actor.Actor, in AnnounceInput) (Version, error) {
		return h.svc.Announce(r.Context(), a, r.PathValue("id"), in)
	}))
	rt.API("POST /api/v1/catalog/versions/{id}/withdraw", edit(h, func(r *http.Request, a *actor.Actor, _ struct{}) (Version, error) {
		return h.svc.Withdraw(r.Context(), a, r.PathValue("id"))
	}))
	rt.API("GET /api/v1/catalog/versions/{a}/diff/{b}", h.diff)
}

func (h *API) inEffect(w http.ResponseWriter, r *http.Request) error {
	at, err := web.TimeParam(r, "at", h.svc.Clock.Now())
	if err != nil {
		return err
	}
	v, err := h.svc.InEffect(r.Context(), at)
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) versions(w http.ResponseWriter, r *http.Request) error {
	return web.ServeList(w, r, func(after string, limit int) ([]Version, error) {
		all, err := h.svc.Versions(r.Context())
		if err != nil {
			return nil, err
		}
		start := 0
		if after != "" {
			start = len(all)
			for i, v := range all {
				if v.ID == after {
					start = i + 1
				}
			}
		}
		return all[start:min(len(all), start+limit+1)], nil
	}, func(v Version) string { return v.ID })
}

func (h *API) version(w http.ResponseWriter, r *http.Request) error {
	v, err := h.svc.Version(r.Context(), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) diff(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.Diff(r.Context(), r.PathValue("a"), r.PathValue("b"))
	return web.Respond(w, http.StatusOK, d, err)
}

// edit is a change of the catalog: the editor's permission is checked before
// the body (of type In; an action takes an empty body or {}) is decoded, then
// the use case runs. A new version answers 201 with its Location.
func edit[In any](h *API, do func(r *http.Request, a *actor.Actor, in In) (Version, error)) web.HandlerFunc {
	return web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := h.svc.Authorize(a); err != nil {
			return err
		}
		var in In
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		v, err := do(r, a, in)
		if err != nil {
			return err
		}
		if r.Method == http.MethodPost && r.PathValue("id") == "" {
			return web.Created(w, "/api/v1/catalog/versions/"+v.ID, v)
		}
		return web.JSON(w, http.StatusOK, v)
	})
}
