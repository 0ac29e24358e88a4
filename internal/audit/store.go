package audit

import (
	"context"
	"encoding/json"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// Store reads the trail; writing is Recorder's alone.
type Store struct{ db *db.DB }

// NewStore returns the store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Filter narrows a listing of the trail.
type Filter struct {
	OrgID  string // only this organisation's entries
	Action string // e.g. "user.delete"
	Target string // a target id
}

// List returns entries within scope, newest first, before the id `before`
// (empty for the first page), at most limit.
func (s *Store) List(ctx context.Context, scope actor.Scope, f Filter, before string, limit int) ([]Entry, error) {
	where, args := scope.Clause("org_id")
	query := "SELECT id, at, actor_id, actor_role, COALESCE(org_id, ''), action, target_type, target_id, changes, request_id, client_addr FROM audit_log WHERE " + where
	for _, cond := range []struct{ sql, value string }{{"org_id = ?", f.OrgID}, {"action = ?", f.Action}, {"target_id = ?", f.Target}, {"id < ?", before}} {
		if cond.value != "" {
			query += " AND " + cond.sql
			args = append(args, cond.value)
		}
	}
	rows, err := s.db.Query(ctx, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var changes string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorRole, &e.OrgID, &e.Action, &e.TargetType, &e.TargetID, &changes, &e.RequestID, &e.ClientAddr); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
