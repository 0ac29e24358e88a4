package audit

import (
	"context"
	"encoding/json"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/web"
)

// Recorder writes audit records; every room that changes data holds one.
type Recorder struct{ clock clock.Clock }

// NewRecorder returns a recorder on the clock.
func NewRecorder(c clock.Clock) *Recorder { return &Recorder{clock: c} }

// Record writes e inside tx, filling in the time, the request and (unless e
// names one) the actor from ctx. The transaction does not commit without it (db.ErrUnaudited).
func (r *Recorder) Record(ctx context.Context, tx *db.Tx, e Entry) error {
	e.ID = id.New("aud", r.clock.Now())
	e.At = r.clock.Now()
	if e.ActorID == "" { // a login names the person it authenticates
		e.ActorID = SystemActor
		if a := actor.From(ctx); a != nil {
			e.ActorID, e.ActorRole = a.UserID, string(a.Role)
		}
	}
	e.RequestID = web.RequestID(ctx)
	e.ClientAddr = web.ClientAddrOf(ctx)
	if e.Changes == nil {
		e.Changes = map[string]Change{}
	}
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return err
	}
	var org any
	if e.OrgID != "" {
		org = e.OrgID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_role, org_id, action, target_type, target_id, changes, request_id, client_addr)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, e.ActorID, e.ActorRole, org, e.Action, e.TargetType, e.TargetID, string(changes), e.RequestID, e.ClientAddr)
	if err != nil {
		return err
	}
	tx.MarkAudited()
	return nil
}
