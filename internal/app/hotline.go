package app

import (
	"context"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/hotline"
	"steward.dev/steward/internal/oncall"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/web"
)

// buildHotline wires the rescue room on the entitlement engine (the quota),
// the catalog (SLA targets), the calendars (due times), the notice inbox,
// the rota's escalation and the notifier (the outbox), the attachments (a
// rescue owns its files and is the basis on which the staff working it read
// them) and the metrics. Call it after buildEntitlements, buildCalendars,
// buildNotify and buildOnCall.
func (a *App) buildHotline(rec *audit.Recorder, metrics *web.Metrics, pages *web.Renderer, rt *web.Router) error {
	a.Hotline = hotline.NewService(hotline.Deps{Store: hotline.NewStore(a.DB), Audit: rec, Clock: a.Config.Clock,
		Orgs: a.orgName, Entitlements: a.Entitlements, Catalog: catalogInEffect{a.Catalog}.InEffect,
		Calendars: func(ctx context.Context, id string) (hotline.BusinessHours, error) {
			c, err := a.Calendars.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		Notices: a.Notices, OrgPeople: a.rescuePeople, Outbox: rescueOutbox{a.OnCall, a.Notify}, Attachments: a.Attachments})
	a.Access.RegisterOwner(hotline.OwnerKind, a.Hotline.OwnerBasis)
	hotline.NewAPI(a.Hotline, a.Attachments.MaxSize()).Routes(rt)
	hotline.NewPages(a.Hotline, pages, a.rescueOrgs).Routes(rt)
	return metrics.Register(hotline.NewMetrics(a.Hotline, a.Config.Logger))
}

// rescuePeople are an organisation's live users for the rescue room's
// notices and e-mails (a system read).
func (a *App) rescuePeople(ctx context.Context, orgID string) ([]hotline.Person, error) {
	users, err := a.Accounts.OrgPeople(ctx, orgID)
	out := make([]hotline.Person, 0, len(users))
	for _, u := range users {
		out = append(out, hotline.Person{UserID: u.ID, Email: u.Email, Name: u.Name, Locale: u.Locale, Admin: u.Role == actor.CustomerAdmin})
	}
	return out, err
}

// rescueOrgs are the organisations vendor staff may file a phone report for.
func (a *App) rescueOrgs(ctx context.Context, who *actor.Actor) ([]hotline.OrgChoice, error) {
	var out []hotline.OrgChoice
	after := ""
	for {
		orgs, err := a.Accounts.Orgs(ctx, who, after, 200)
		if err != nil {
			return nil, err
		}
		for i, o := range orgs {
			if i == 200 { // Orgs returns one more to say a next page exists
				break
			}
			out = append(out, hotline.OrgChoice{ID: o.ID, Name: o.Name})
		}
		if len(orgs) <= 200 {
			return out, nil
		}
		after = orgs[199].ID
	}
}

// rescueOutbox turns a rescue's news into the oncall room's pages and the
// notifier's events.
type rescueOutbox struct {
	oncall *oncall.Service
	notify *notify.Notifier
}

func (o rescueOutbox) Page(ctx context.Context, tx *db.Tx, n hotline.News) error {
	return o.oncall.Page(ctx, tx, oncall.Page{Key: n.Key, PolicyID: hotline.PolicyID, OrgID: n.OrgID,
		Title: notify.Text(n.Title), Body: notify.Text(n.Body), Link: n.Link})
}

func (o rescueOutbox) Acknowledge(ctx context.Context, tx *db.Tx, key, userID string) error {
	return o.oncall.Acknowledge(ctx, tx, key, userID)
}

func (o rescueOutbox) Publish(ctx context.Context, tx *db.Tx, n hotline.News) error {
	e := notify.Event{Kind: n.Kind, Key: n.Key, OrgID: n.OrgID, Title: notify.Text(n.Title), Body: notify.Text(n.Body), Link: n.Link,
		Severity: notify.SeverityInfo}
	if n.Critical {
		e.Severity = notify.SeverityCritical
	}
	for _, p := range n.Emails {
		e.Emails = append(e.Emails, notify.Address{Email: p.Email, Name: p.Name, Locale: p.Locale, UserID: p.UserID})
	}
	return o.notify.Publish(ctx, tx, e)
}
