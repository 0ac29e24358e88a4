package oncall

import (
	"net/http"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of the rota and escalations (vendor staff).
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/oncall/schedules", web.Authed(h.schedules))
	rt.API("POST /api/v1/oncall/schedules", web.Authed(h.createSchedule))
	rt.API("GET /api/v1/oncall/schedules/{id}", web.Authed(h.schedule))
	rt.API("PATCH /api/v1/oncall/schedules/{id}", web.Authed(h.updateSchedule))
	rt.API("GET /api/v1/oncall/schedules/{id}/oncall", web.Authed(h.onCall))
	rt.API("POST /api/v1/oncall/schedules/{id}/overrides", web.Authed(h.addOverride))
	rt.API("DELETE /api/v1/oncall/schedules/{id}/overrides/{oid}", web.Authed(h.deleteOverride))
	rt.API("GET /api/v1/oncall/policies", web.Authed(h.policies))
	rt.API("POST /api/v1/oncall/policies", web.Authed(h.createPolicy))
	rt.API("GET /api/v1/oncall/policies/{id}", web.Authed(h.policy))
	rt.API("PATCH /api/v1/oncall/policies/{id}", web.Authed(h.updatePolicy))
	rt.API("GET /api/v1/oncall/escalations", web.Authed(h.escalations))
}

// decode reads the body once the actor may edit the rota: authorisation
// comes before validation.
func decode(r *http.Request, a *actor.Actor, v any) error {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return err
	}
	return web.Decode(r, v)
}

func wholeList[T any](w http.ResponseWriter, list []T, err error, idOf func(T) string) error {
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, web.PageRequest{Limit: len(list)}, idOf))
}

func scheduleID(s Schedule) string { return s.ID }
func policyID(p Policy) string     { return p.ID }

func (h *API) schedules(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.svc.Schedules(r.Context(), a)
	return wholeList(w, list, err, scheduleID)
}

func (h *API) schedule(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	s, err := h.svc.Schedule(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, s, err)
}

func (h *API) createSchedule(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in ScheduleInput
	if err := decode(r, a, &in); err != nil {
		return err
	}
	s, err := h.svc.CreateSchedule(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/oncall/schedules/"+s.ID, s)
}

func (h *API) updateSchedule(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var p SchedulePatch
	if err := decode(r, a, &p); err != nil {
		return err
	}
	s, err := h.svc.UpdateSchedule(r.Context(), a, r.PathValue("id"), p)
	return web.Respond(w, http.StatusOK, s, err)
}

// onCallView is who is on call at an instant.
type onCallView struct {
	ScheduleID string       `json:"schedule_id"`
	At         time.Time    `json:"at"`
	Users      []personView `json:"users"`
}

type personView struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func people(users []account.User) []personView {
	out := make([]personView, 0, len(users))
	for _, u := range users {
		out = append(out, personView{ID: u.ID, Name: u.Name, Email: u.Email})
	}
	return out
}

func (h *API) onCall(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	at, err := web.TimeParam(r, "at", h.svc.clock.Now())
	if err != nil {
		return err
	}
	users, err := h.svc.WhoIsOnCall(r.Context(), a, r.PathValue("id"), at)
	return web.Respond(w, http.StatusOK, onCallView{ScheduleID: r.PathValue("id"), At: at.UTC(), Users: people(users)}, err)
}

func (h *API) addOverride(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in OverrideInput
	if err := decode(r, a, &in); err != nil {
		return err
	}
	o, err := h.svc.AddOverride(r.Context(), a, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/oncall/schedules/"+o.ScheduleID+"/overrides/"+o.ID, o)
}

func (h *API) deleteOverride(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.svc.DeleteOverride(r.Context(), a, r.PathValue("id"), r.PathValue("oid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *API) policies(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.svc.Policies(r.Context(), a)
	return wholeList(w, list, err, policyID)
}

func (h *API) policy(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	p, err := h.svc.Policy(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, p, err)
}

func (h *API) createPolicy(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in PolicyInput
	if err := decode(r, a, &in); err != nil {
		return err
	}
	p, err := h.svc.CreatePolicy(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/oncall/policies/"+p.ID, p)
}

func (h *API) updatePolicy(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var p PolicyPatch
	if err := decode(r, a, &p); err != nil {
		return err
	}
	pol, err := h.svc.UpdatePolicy(r.Context(), a, r.PathValue("id"), p)
	return web.Respond(w, http.StatusOK, pol, err)
}

func (h *API) escalations(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	state := r.URL.Query().Get("state")
	return web.ServeList(w, r, func(after string, limit int) ([]Escalation, error) {
		return h.svc.Escalations(r.Context(), a, state, after, limit)
	}, func(e Escalation) string { return e.ID })
}
