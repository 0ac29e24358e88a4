package license

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// RevocationListType is the content type of GET /api/v1/licenses/revoked: a
// JSON document {"format","payload","signature"} (docs/license-format.md).
const RevocationListType = "application/json"

// API holds the JSON handlers of licenses.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints. The revocation list is public: verifiers
// fetch it without an account.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/orgs/{org}/licenses", web.Authed(h.list))
	rt.API("POST /api/v1/orgs/{org}/licenses", web.Authed(h.issue))
	rt.API("GET /api/v1/licenses/revoked", h.revoked)
	rt.API("GET /api/v1/licenses/{id}", web.Authed(h.get))
	rt.API("GET /api/v1/licenses/{id}/file", web.Authed(h.file))
	rt.API("POST /api/v1/licenses/{id}/upgrade", web.Authed(h.upgrade))
	rt.API("POST /api/v1/licenses/{id}/revoke", web.Authed(h.revoke))
}

func (h *API) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(after string, limit int) ([]License, error) {
		return h.svc.List(r.Context(), a, r.PathValue("org"), after, limit)
	}, func(l License) string { return l.ID })
}

func (h *API) issue(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if _, err := h.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), actor.IssueLicenses); err != nil {
		return err
	}
	var in IssueInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	l, err := h.svc.Issue(r.Context(), a, r.PathValue("org"), in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/licenses/"+l.ID, l)
}

func (h *API) get(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	l, err := h.svc.Get(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, l, err)
}

func (h *API) file(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	l, file, err := h.svc.File(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+FileName(l)+`"`)
	_, err = w.Write(file)
	return err
}

// FileName is the name a license file is saved under.
func FileName(l License) string { return l.ID + ".license" }

// authorize checks, before the body is read, that the license exists for
// the actor and that the actor holds p in its organisation.
func (h *API) authorize(r *http.Request, a *actor.Actor, p actor.Permission) error {
	l, err := h.svc.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	_, err = h.svc.RequireInOrg(r.Context(), a, l.OrgID, p)
	return err
}

func (h *API) upgrade(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.authorize(r, a, actor.UpgradeLicenses); err != nil {
		return err
	}
	var in UpgradeInput
	if err := web.Decode(r, &in); err != nil { // an empty body asks for the newest version
		return err
	}
	l, _, err := h.svc.Upgrade(r.Context(), a, r.PathValue("id"), in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/licenses/"+l.ID, l)
}

func (h *API) revoke(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.authorize(r, a, actor.IssueLicenses); err != nil {
		return err
	}
	var in RevokeInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	l, err := h.svc.Revoke(r.Context(), a, r.PathValue("id"), in)
	return web.Respond(w, http.StatusOK, l, err)
}

func (h *API) revoked(w http.ResponseWriter, r *http.Request) error {
	doc, err := h.svc.RevocationList(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", RevocationListType)
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(doc)
	return err
}
