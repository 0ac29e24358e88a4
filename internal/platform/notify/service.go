package notify

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// Auditor writes the audit record of a change inside its transaction (app
// passes the audit trail's recorder: platform packages import no room).
// changes maps each changed field to its value before and after.
type Auditor func(ctx context.Context, tx *db.Tx, orgID, action, targetID string, changes map[string][2]any) error

// OrgCheck returns problem.ErrNotFound unless the organisation exists and
// the actor may see it.
type OrgCheck func(ctx context.Context, a *actor.Actor, orgID string) error

// Person is someone of a customer organisation who may get e-mail.
type Person struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// People lists an organisation's people as the actor may see them (app reads
// them from accounts, which checks the actor's right to).
type People func(ctx context.Context, a *actor.Actor, orgID string) ([]Person, error)
