package app

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/web"
)

// buildNotify wires the notifier on the job runner (which sends its
// deliveries), the audit trail and the accounts (organisations and their
// people). Rooms that publish events are built after it.
func (a *App) buildNotify(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Notify = notify.New(notify.Deps{DB: a.DB, Clock: a.Config.Clock, Jobs: a.Jobs, SMTP: a.Config.SMTP, PublicURL: a.Config.PublicURL, Log: a.Config.Logger,
		Audit: func(ctx context.Context, tx *db.Tx, orgID, action, targetType, targetID string, changes map[string][2]any) error {
			e := audit.Entry{OrgID: orgID, Action: action, TargetType: targetType, TargetID: targetID, Changes: map[string]audit.Change{}}
			for field, c := range changes {
				e.Changes[field] = audit.Change{Before: c[0], After: c[1]}
			}
			return rec.Record(ctx, tx, e)
		},
		Orgs: func(ctx context.Context, who *actor.Actor, orgID string) error {
			_, err := a.orgName(ctx, who, orgID)
			return err
		},
		People: a.orgPeople,
	})
	notifyAPI{a.Notify}.routes(rt)
	notifyPages{a.Notify, pages}.routes(rt)
}

// orgPeople lists an organisation's users as the actor may read them.
func (a *App) orgPeople(ctx context.Context, who *actor.Actor, orgID string) ([]notify.Person, error) {
	var out []notify.Person
	after := ""
	for {
		users, err := a.Accounts.OrgUsers(ctx, who, orgID, after, 200)
		if err != nil {
			return nil, err
		}
		for i, u := range users {
			if i == 200 { // OrgUsers returns one more to say a next page exists
				break
			}
			out = append(out, notify.Person{UserID: u.ID, Name: u.Name, Email: u.Email})
		}
		if len(users) <= 200 {
			return out, nil
		}
		after = users[199].ID
	}
}

// notifyAPI holds the JSON handlers of channels, preferences and the
// delivery log; the rules are the notifier's.
type notifyAPI struct{ n *notify.Notifier }

func (h notifyAPI) routes(rt *web.Router) {
	rt.API("GET /api/v1/notify/channels", web.Authed(h.listChannels))
	rt.API("POST /api/v1/notify/channels", web.Authed(h.createChannel))
	rt.API("GET /api/v1/notify/channels/{id}", web.Authed(h.getChannel))
	rt.API("PATCH /api/v1/notify/channels/{id}", web.Authed(h.updateChannel))
	rt.API("DELETE /api/v1/notify/channels/{id}", web.Authed(h.deleteChannel))
	rt.API("POST /api/v1/notify/channels/{id}/test", web.Authed(h.testChannel))
	rt.API("GET /api/v1/notify/deliveries", web.Authed(h.deliveries))
	rt.API("GET /api/v1/orgs/{org}/notify/channels", web.Authed(h.listChannels))
	rt.API("POST /api/v1/orgs/{org}/notify/channels", web.Authed(h.createChannel))
	rt.API("DELETE /api/v1/orgs/{org}/notify/channels/{id}", web.Authed(h.deleteChannel))
	rt.API("GET /api/v1/orgs/{org}/notify/preferences", web.Authed(h.preferences))
	rt.API("PUT /api/v1/orgs/{org}/notify/preferences", web.Authed(h.setPreferences))
}

// channelsPath is where an organisation's channels live ("" for the vendor's).
func channelsPath(orgID string) string {
	if orgID == "" {
		return "/api/v1/notify/channels"
	}
	return "/api/v1/orgs/" + orgID + "/notify/channels"
}

// The vendor's and an organisation's channels share the handlers: the
// {org} path value is empty on the vendor's routes.
func (h notifyAPI) listChannels(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.n.Channels(r.Context(), a, r.PathValue("org"))
	return web.Respond(w, http.StatusOK, web.List[notify.ChannelView]{Items: list}, err)
}

func (h notifyAPI) getChannel(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	c, err := h.n.Channel(r.Context(), a, "", r.PathValue("id"))
	return web.Respond(w, http.StatusOK, c, err)
}

func (h notifyAPI) createChannel(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in notify.ChannelInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	org := r.PathValue("org")
	c, err := h.n.CreateChannel(r.Context(), a, org, in)
	if err != nil {
		return err
	}
	return web.Created(w, channelsPath(org)+"/"+c.ID, c)
}

func (h notifyAPI) updateChannel(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var p notify.ChannelPatch
	if err := web.Decode(r, &p); err != nil {
		return err
	}
	c, err := h.n.UpdateChannel(r.Context(), a, r.PathValue("id"), p)
	return web.Respond(w, http.StatusOK, c, err)
}

func (h notifyAPI) deleteChannel(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.n.DeleteChannel(r.Context(), a, r.PathValue("org"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h notifyAPI) testChannel(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	res, err := h.n.TestChannel(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, res, err)
}

func (h notifyAPI) deliveries(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	f := notify.DeliveryFilter{State: r.URL.Query().Get("status"), Kind: r.URL.Query().Get("kind")}
	return web.ServeList(w, r, func(after string, limit int) ([]notify.Delivery, error) {
		return h.n.Deliveries(r.Context(), a, f, after, limit)
	}, func(d notify.Delivery) string { return d.ID })
}

func (h notifyAPI) preferences(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.n.Preferences(r.Context(), a, r.PathValue("org"))
	return web.Respond(w, http.StatusOK, web.List[notify.Preference]{Items: list}, err)
}

func (h notifyAPI) setPreferences(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in struct {
		Items []notify.PreferenceInput `json:"items"`
	}
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	list, err := h.n.SetPreferences(r.Context(), a, r.PathValue("org"), in.Items)
	return web.Respond(w, http.StatusOK, web.List[notify.Preference]{Items: list}, err)
}
