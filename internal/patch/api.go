package patch

import (
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of patches. Published patches are readable
// without login (they are release notes); changes need ManageProducts;
// downloads need vendor staff, an entitled customer or a signed link.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints; an upload may be up to the configured
// file size limit.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/patches", h.list)
	rt.API("POST /api/v1/patches", web.Authed(h.create))
	rt.API("GET /api/v1/patches/{id}", h.get)
	rt.API("PATCH /api/v1/patches/{id}", web.Authed(h.update))
	rt.API("POST /api/v1/patches/{id}/publish", web.Authed(h.publish))
	rt.API("POST /api/v1/patches/{id}/withdraw", web.Authed(h.withdraw))
	rt.API("GET /api/v1/patches/{id}/stats", web.Authed(h.stats))
	rt.APIWithLimit("PUT /api/v1/patches/{id}/files/{name}", h.svc.MaxFileSize(), web.Authed(h.upload))
	rt.API("GET /api/v1/patches/{id}/files/{name}", h.download)
	rt.API("POST /api/v1/patches/{id}/files/{name}/link", web.Authed(h.link))
	rt.API("GET /api/v1/orgs/{org}/patches", web.Authed(h.orgPatches))
	rt.API("GET /api/v1/orgs/{org}/patches/plan", web.Authed(h.plan))
	rt.API("GET /api/v1/signatures/{sha256}", h.signature)
}

func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Product: q.Get("product"), Number: q.Get("number"), Status: q.Get("status")}
	who := actor.From(r.Context())
	return web.ServeList(w, r, func(after string, limit int) ([]Patch, error) {
		return h.svc.List(r.Context(), who, f, after, limit)
	}, func(p Patch) string { return p.ID })
}

func (h *API) get(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.Get(r.Context(), actor.From(r.Context()), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, p, err)
}

// decode reads the body once the actor may change patches: authorisation
// comes before validation.
func decode(r *http.Request, a *actor.Actor, v any) error {
	if err := manage(a); err != nil {
		return err
	}
	return web.Decode(r, v)
}

func (h *API) create(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in Input
	if err := decode(r, a, &in); err != nil {
		return err
	}
	p, err := h.svc.Create(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/patches/"+p.ID, p)
}

func (h *API) update(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var e Edit
	if err := decode(r, a, &e); err != nil {
		return err
	}
	p, err := h.svc.Update(r.Context(), a, r.PathValue("id"), e)
	return web.Respond(w, http.StatusOK, p, err)
}

func (h *API) publish(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var none struct{}
	if err := decode(r, a, &none); err != nil {
		return err
	}
	p, err := h.svc.Publish(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, p, err)
}

func (h *API) withdraw(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, a, &in); err != nil {
		return err
	}
	p, err := h.svc.Withdraw(r.Context(), a, r.PathValue("id"), in.Reason)
	return web.Respond(w, http.StatusOK, p, err)
}

// uploadRate is the slowest upload speed a file's read deadline allows for
// (on top of the server's usual 5 minutes): a 4 GiB file at 256 KiB/s.
const uploadRate = 256 << 10

// allowUpload gives a body of up to limit bytes the time it needs: a large
// file takes longer than the server's read timeout.
func allowUpload(w http.ResponseWriter, r *http.Request, limit int64) {
	if r.ContentLength > 0 && r.ContentLength <= limit {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(5*time.Minute + time.Duration(r.ContentLength/uploadRate)*time.Second))
	}
}

func (h *API) upload(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := manage(a); err != nil {
		return err
	}
	allowUpload(w, r, h.svc.MaxFileSize())
	f, err := h.svc.PutFile(r.Context(), a, r.PathValue("id"), Upload{Name: r.PathValue("name"), Body: r.Body,
		Size: r.ContentLength, Checksum: r.Header.Get("X-Checksum-Sha256")})
	return web.Respond(w, http.StatusOK, f, err)
}

// download serves a file to a logged-in person or through a signed link
// (the link's query; no token needed). Without either it is 401.
func (h *API) download(w http.ResponseWriter, r *http.Request) error {
	ctx, id, name := r.Context(), r.PathValue("id"), r.PathValue("name")
	if q := r.URL.Query(); IsLink(q) {
		org, p, f, body, err := h.svc.OpenLinked(ctx, q, id, name)
		if err != nil {
			return err
		}
		h.svc.Serve(w, r, org, p, f, body)
		return nil
	}
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	p, f, body, err := h.svc.Open(ctx, a, id, name)
	if err != nil {
		return err
	}
	h.svc.Serve(w, r, a.OrgID, p, f, body)
	return nil
}

func (h *API) link(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in struct {
		TTLSeconds int64 `json:"ttl_seconds"`
	}
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	l, err := h.svc.Link(r.Context(), a, r.PathValue("id"), r.PathValue("name"), time.Duration(in.TTLSeconds)*time.Second)
	if err != nil {
		return err
	}
	l.URL = web.SiteURL(r) + l.URL
	return web.JSON(w, http.StatusCreated, l)
}

func (h *API) stats(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	st, err := h.svc.Stats(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, st, err)
}

func (h *API) orgPatches(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.svc.OrgPatches(r.Context(), a, r.PathValue("org"))
	return web.Respond(w, http.StatusOK, list, err)
}

func (h *API) plan(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	q := r.URL.Query()
	var installed []string
	if s := strings.TrimSpace(q.Get("installed")); s != "" {
		installed = strings.Split(s, ",")
	}
	p, err := h.svc.OrgPlan(r.Context(), a, r.PathValue("org"), PlanRequest{Product: q.Get("product"), Version: q.Get("version"),
		Installed: installed})
	return web.Respond(w, http.StatusOK, p, err)
}

func (h *API) signature(w http.ResponseWriter, r *http.Request) error {
	sig, err := h.svc.Signature(r.Context(), r.PathValue("sha256"))
	return web.Respond(w, http.StatusOK, sig, err)
}
