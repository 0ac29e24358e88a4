// Package audit keeps the append-only audit trail of every change, written in
// the same transaction as the change itself.
package audit

import (
	"reflect"
	"time"
)

// Entry is one audited change.
type Entry struct {
	ID         string            `json:"id"`
	At         time.Time         `json:"at"`
	ActorID    string            `json:"actor_id"`   // "system" for start-up, the CLI and jobs
	ActorRole  string            `json:"actor_role"` // empty for the system
	OrgID      string            `json:"org_id,omitempty"`
	Action     string            `json:"action"` // e.g. "user.create"
	TargetType string            `json:"target_type"`
	TargetID   string            `json:"target_id"`
	Changes    map[string]Change `json:"changes"`
	RequestID  string            `json:"request_id,omitempty"`
	ClientAddr string            `json:"client_addr,omitempty"`
}

// Change is a field's value before and after; nil on one side for a create
// or a delete.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Fields are the audited fields of an object, by name.
type Fields map[string]any

// Diff returns the fields whose values differ between before and after
// (either may be nil, for a create or a delete).
func Diff(before, after Fields) map[string]Change {
	out := map[string]Change{}
	for k, b := range before {
		if a, ok := after[k]; !ok || !reflect.DeepEqual(a, b) {
			out[k] = Change{Before: b, After: after[k]}
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			out[k] = Change{After: a}
		}
	}
	return out
}

// SystemActor names changes no person made.
const SystemActor = "system"
