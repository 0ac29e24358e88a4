package ideas

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/web"
)

// AnswersAPI holds product managers' JSON handlers: status changes, merges,
// the demand behind an idea and the CSV export. Each refuses anyone else
// (CanManage) before reading a body or a filter.
type AnswersAPI struct{ svc *Service }

// NewAnswersAPI returns the handlers on svc.
func NewAnswersAPI(svc *Service) *AnswersAPI { return &AnswersAPI{svc: svc} }

// Routes registers the endpoints.
func (h *AnswersAPI) Routes(rt *web.Router) {
	rt.API("POST /api/v1/ideas/{id}/status", decide(h, h.svc.ChangeStatus))
	rt.API("POST /api/v1/ideas/{id}/merge", decide(h, h.svc.Merge))
	rt.API("GET /api/v1/ideas/{id}/demand", h.manage(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		d, err := h.svc.Demand(r.Context(), a, r.PathValue("id"))
		return web.Respond(w, http.StatusOK, d, err)
	}))
	rt.API("GET /api/v1/ideas/export", h.manage(h.export))
}

// manage serves a product manager's request, refused before anything is
// read.
func (h *AnswersAPI) manage(do web.ActorHandler) web.HandlerFunc {
	return web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := h.svc.CanManage(a); err != nil {
			return err
		}
		return do(w, r, a)
	})
}

// decide serves a product manager's decision on an idea: the body read
// into In, and the idea as it then stands.
func decide[In any](h *AnswersAPI, do func(context.Context, *actor.Actor, string, In) (Idea, error)) web.HandlerFunc {
	return h.manage(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		var in In
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		it, err := do(r.Context(), a, r.PathValue("id"), in)
		return web.Respond(w, http.StatusOK, it, err)
	})
}

// export sends the list's ideas as a CSV download named after today in
// Beijing; the list's filters apply, its limit and cursor do not.
func (h *AnswersAPI) export(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	name := "ideas-" + h.svc.Clock.Now().In(clock.Shanghai).Format("20060102") + ".csv"
	return h.svc.Export(r.Context(), a, f, &download{w: w, name: name})
}

// download sets a file's headers on its first write, so that an error
// before any byte still answers as a problem.
type download struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (d *download) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		d.w.Header().Set("Content-Disposition", `attachment; filename="`+d.name+`"`)
		d.w.Header().Set("X-Content-Type-Options", "nosniff")
		d.w.Header().Set("Cache-Control", "no-store")
	}
	return d.w.Write(p)
}
