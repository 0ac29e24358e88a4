package attachment

import (
	"io"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of attachments.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints; an upload may be up to the service's limit.
func (h *API) Routes(rt *web.Router) {
	rt.APIWithLimit("POST /api/v1/orgs/{org}/attachments", h.svc.MaxSize(), h.upload)
	rt.API("GET /api/v1/orgs/{org}/attachments", h.list)
	rt.API("GET /api/v1/attachments/{id}", h.download)
}

// upload takes the raw body as the file: POST …/attachments?name=FILE.
func (h *API) upload(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	if err := h.svc.RequireInOrg(r.Context(), a, org, actor.AttachFiles); err != nil {
		return err
	}
	if r.ContentLength > h.svc.MaxSize() {
		return h.svc.TooLarge()
	}
	att, err := h.svc.Create(r.Context(), a, org, Upload{Name: r.URL.Query().Get("name"), Body: r.Body,
		IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/attachments/"+att.ID, att)
}

func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := h.svc.List(r.Context(), a, r.PathValue("org"), page.After, page.Limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, page, func(a Attachment) string { return a.ID }))
}

func (h *API) download(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	att, body, err := h.svc.Open(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	Serve(w, r, att, body)
	return nil
}

// Serve sends an attachment's bytes as a download and closes body: never
// shown inline, never sniffed by the browser, Range requests answered.
func Serve(w http.ResponseWriter, r *http.Request, att Attachment, body io.ReadSeekCloser) {
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", ContentDisposition(att.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", `"`+att.SHA256+`"`)
	http.ServeContent(w, r, "", att.CreatedAt, body)
}
