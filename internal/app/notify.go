package app

import (
	"context"

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
	a.Notify = notify.New(notify.Deps{DB: a.DB, Clock: a.Config.Clock, Jobs: a.Jobs, SMTP: a.Config.SMTP, Log: a.Config.Logger,
		Audit: func(ctx context.Context, tx *db.Tx, orgID, action, targetID string, changes map[string][2]any) error {
			e := audit.Entry{OrgID: orgID, Action: action, TargetType: "notify_channel", TargetID: targetID, Changes: map[string]audit.Change{}}
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
