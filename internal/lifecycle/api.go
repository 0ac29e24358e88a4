package lifecycle

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of the lifecycle table. Reading is public, like
// the vendor's product lifecycle page; changes need ManageProducts.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/products", h.list)
	rt.API("POST /api/v1/products", web.Authed(h.create))
	rt.API("GET /api/v1/products/{code}", h.get)
	rt.API("POST /api/v1/products/{code}/versions", web.Authed(h.addVersion))
	rt.API("PATCH /api/v1/products/{code}/versions/{name}", web.Authed(h.editDates))
	rt.API("GET /api/v1/lifecycle", h.eolList)
	rt.API("GET /api/v1/lifecycle/{product}", h.eolProduct)
}

func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Products(r.Context())
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, web.PageRequest{Limit: len(list)}, func(p Product) string { return p.Code }))
}

func (h *API) get(w http.ResponseWriter, r *http.Request) error {
	d, err := h.svc.Detail(r.Context(), r.PathValue("code"))
	return web.Respond(w, http.StatusOK, d, err)
}

// decode reads the body into v once the actor may change the table:
// authorisation comes before validation.
func decode(r *http.Request, a *actor.Actor, v any) error {
	if !a.Can(actor.ManageProducts) {
		return problem.ErrForbidden
	}
	return web.Decode(r, v)
}

func (h *API) create(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in Product
	if err := decode(r, a, &in); err != nil {
		return err
	}
	p, err := h.svc.CreateProduct(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/products/"+p.Code, p)
}

func (h *API) addVersion(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in struct {
		Name                 string `json:"name"`
		ReleasedOn           string `json:"released_on"`
		StandardSupportUntil string `json:"standard_support_until"`
		ExtendedSupportUntil string `json:"extended_support_until"`
	}
	if err := decode(r, a, &in); err != nil {
		return err
	}
	code := r.PathValue("code")
	v, err := h.svc.AddVersion(r.Context(), a, code, Version{Name: in.Name, ReleasedOn: in.ReleasedOn,
		StandardSupportUntil: in.StandardSupportUntil, ExtendedSupportUntil: in.ExtendedSupportUntil})
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/products/"+code, v)
}

func (h *API) editDates(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in DatesEdit
	if err := decode(r, a, &in); err != nil {
		return err
	}
	v, err := h.svc.EditDates(r.Context(), a, r.PathValue("code"), r.PathValue("name"), in)
	return web.Respond(w, http.StatusOK, v, err)
}
