package hotline

import (
	"context"
	"io"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of rescues.
type API struct {
	svc     *Service
	maxFile int64 // the attachment room's limit
}

// NewAPI returns the handlers on svc; attachments may be up to maxFile bytes.
func NewAPI(svc *Service, maxFile int64) *API { return &API{svc: svc, maxFile: maxFile} }

// Routes registers the endpoints. A report is never rate limited: a
// customer in trouble is not told to wait.
func (h *API) Routes(rt *web.Router) {
	const one = "/api/v1/orgs/{org}/rescues/{id}"
	rt.API("POST /api/v1/orgs/{org}/rescues", web.Authed(h.report))
	rt.API("GET /api/v1/orgs/{org}/rescues", web.Authed(h.list))
	rt.API("GET "+one, web.Authed(h.get))
	rt.API("POST "+one+"/ack", web.Authed(h.action(h.svc.Ack)))
	rt.API("POST "+one+"/confirm", web.Authed(h.action(h.svc.Confirm)))
	rt.API("POST "+one+"/mitigate", web.Authed(h.action(h.svc.Mitigate)))
	rt.API("POST "+one+"/resolve", web.Authed(h.action(h.svc.Resolve)))
	rt.API("POST "+one+"/downgrade", web.Authed(h.downgrade))
	rt.API("POST "+one+"/close", web.Authed(h.close))
	rt.API("POST "+one+"/updates", web.Authed(h.update))
	rt.APIWithLimit("POST "+one+"/attachments", h.maxFile, web.Authed(h.attach))
	rt.API("GET /api/v1/rescues", web.Authed(h.queue))
}

// reportBody is the wire form of ReportInput: a bad since is named.
type reportBody struct {
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	UsersAffected   string    `json:"users_affected"`
	BusinessStopped *bool     `json:"business_stopped"`
	Since           *web.Time `json:"since"`
	Contact         *Contact  `json:"contact"`
	Environment     string    `json:"environment"`
	ReportedVia     string    `json:"reported_via"`
	Caller          *Contact  `json:"caller"`
}

// decodeReport reads a report body; unknown fields and wrong types are
// named. The service checks the values.
func decodeReport(body io.Reader) (ReportInput, error) {
	var b reportBody
	if err := web.DecodeReader(body, &b); err != nil {
		return ReportInput{}, err
	}
	return ReportInput{Title: b.Title, Description: b.Description, UsersAffected: b.UsersAffected, BusinessStopped: b.BusinessStopped,
		Since: b.Since.Ptr(), Contact: b.Contact, Environment: b.Environment, ReportedVia: b.ReportedVia, Caller: b.Caller}, nil
}

func (h *API) report(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	org := r.PathValue("org")
	if err := h.svc.RequireInOrg(r.Context(), a, org, actor.ReportRescue); err != nil {
		return err
	}
	in, err := decodeReport(r.Body)
	if err != nil {
		return err
	}
	res, created, err := h.svc.Report(r.Context(), a, org, in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if !created {
		return web.JSON(w, http.StatusOK, res)
	}
	return web.Created(w, APIPath(org, res.ID), res)
}

func (h *API) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(before string, limit int) ([]Rescue, error) {
		return h.svc.List(r.Context(), a, r.PathValue("org"), before, limit)
	}, func(x Rescue) string { return x.ID })
}

func (h *API) queue(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(after string, limit int) ([]Rescue, error) {
		return h.svc.Queue(r.Context(), a, State(r.URL.Query().Get("state")), after, limit)
	}, func(x Rescue) string { return x.ID })
}

func (h *API) get(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	res, err := h.svc.Get(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, res, err)
}

// before checks, ahead of the body, that the actor may work the
// organisation's rescues.
func (h *API) before(r *http.Request, a *actor.Actor) error {
	return h.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), actor.WorkRescues)
}

type actionFunc func(ctx context.Context, a *actor.Actor, orgID, rescueID string, in ActionInput) (Rescue, error)

// action serves ack, confirm, mitigate and resolve: an empty body, {} or
// {"note"}.
func (h *API) action(fn actionFunc) web.ActorHandler {
	return func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := h.before(r, a); err != nil {
			return err
		}
		var in ActionInput
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		res, err := fn(r.Context(), a, r.PathValue("org"), r.PathValue("id"), in)
		return web.Respond(w, http.StatusOK, res, err)
	}
}

func (h *API) downgrade(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.before(r, a); err != nil {
		return err
	}
	var in DowngradeInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	res, err := h.svc.Downgrade(r.Context(), a, r.PathValue("org"), r.PathValue("id"), in)
	return web.Respond(w, http.StatusOK, res, err)
}

func (h *API) close(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.before(r, a); err != nil {
		return err
	}
	var in CloseInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	res, err := h.svc.Close(r.Context(), a, r.PathValue("org"), r.PathValue("id"), in)
	return web.Respond(w, http.StatusOK, res, err)
}

func (h *API) update(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.before(r, a); err != nil {
		return err
	}
	var in UpdateInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	org, id := r.PathValue("org"), r.PathValue("id")
	u, err := h.svc.AddUpdate(r.Context(), a, org, id, in)
	if err != nil {
		return err
	}
	return web.Created(w, APIPath(org, id), u)
}

// attach takes the raw body as the file: POST …/attachments?name=FILE.
func (h *API) attach(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	org := r.PathValue("org")
	if err := h.svc.RequireInOrg(r.Context(), a, org, actor.AttachFiles); err != nil {
		return err
	}
	att, err := h.svc.AddAttachment(r.Context(), a, org, r.PathValue("id"), r.URL.Query().Get("name"), r.Body, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/attachments/"+att.ID, att)
}
