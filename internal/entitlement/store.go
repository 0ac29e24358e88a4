package entitlement

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Kinds of ledger entries.
const (
	KindConsume = "consume" // one use of the quota
	KindRefund  = "refund"  // a use given back (Refunds names it)
	KindGrant   = "grant"   // extra allowance for the period, from vendor staff
)

// Entry is one line of the quota ledger. Every entry is visible to the
// organisation's staff with its reason.
type Entry struct {
	ID             string    `json:"id"`
	OrgID          string    `json:"org_id"`
	Service        string    `json:"service"`
	Kind           string    `json:"kind"`
	Count          int       `json:"count"`
	IdempotencyKey string    `json:"idempotency_key"`
	Reason         string    `json:"reason"`
	Refunds        string    `json:"refunds,omitempty"` // the consume entry a refund gives back
	PeriodStart    string    `json:"period_start"`      // the first day of the quota period it counts in
	ActorID        string    `json:"actor_id"`
	ActorRole      string    `json:"actor_role,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Usage is what the ledger holds for one quota period.
type Usage struct {
	Used    int // consumed minus refunded
	Granted int // extra allowance
}

// usageKey names a service's period.
type usageKey struct{ service, periodStart string }

// Store is the SQL of the quota ledger. Reads of an organisation's entries
// are limited by the actor's scope.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database.
func (s *Store) DB() *db.DB { return s.db }

const entryColumns = "id, org_id, service, kind, count, idempotency_key, reason, refunds, period_start, actor_id, actor_role, created_at"

func scanEntry(row db.Scanner) (Entry, error) {
	var e Entry
	var refunds sql.NullString
	err := row.Scan(&e.ID, &e.OrgID, &e.Service, &e.Kind, &e.Count, &e.IdempotencyKey, &e.Reason, &refunds,
		&e.PeriodStart, &e.ActorID, &e.ActorRole, &e.CreatedAt)
	e.Refunds = refunds.String
	e.CreatedAt = e.CreatedAt.UTC()
	if errors.Is(err, sql.ErrNoRows) {
		return e, problem.ErrNotFound
	}
	return e, err
}

// Lock serialises ledger writes for one organisation's service until tx
// ends. PostgreSQL takes a transaction-scoped advisory lock on a hash of the
// pair (a collision only serialises two unrelated pairs); SQLite's single
// writer, which the transaction holds from its start, serialises already.
func (s *Store) Lock(ctx context.Context, tx *db.Tx, orgID, service string) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	var ok bool
	return tx.QueryRow(ctx, "SELECT pg_advisory_xact_lock(hashtext(? || '/' || ?)) IS NULL", orgID, service).Scan(&ok)
}

// ByKey returns the entry with the idempotency key.
func (s *Store) ByKey(ctx context.Context, q db.Querier, orgID, service, key string) (Entry, error) {
	return scanEntry(q.QueryRow(ctx, "SELECT "+entryColumns+" FROM quota_entries WHERE org_id = ? AND service = ? AND idempotency_key = ?",
		orgID, service, key))
}

// Get returns one entry within scope.
func (s *Store) Get(ctx context.Context, q db.Querier, scope actor.Scope, entryID string) (Entry, error) {
	where, args := scope.Clause("org_id")
	return scanEntry(q.QueryRow(ctx, "SELECT "+entryColumns+" FROM quota_entries WHERE id = ? AND "+where, append([]any{entryID}, args...)...))
}

// Usage sums one period of an organisation's service.
func (s *Store) Usage(ctx context.Context, q db.Querier, orgID, service, periodStart string) (Usage, error) {
	var u Usage
	err := q.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE kind WHEN 'consume' THEN count WHEN 'refund' THEN -count ELSE 0 END), 0),
		COALESCE(SUM(CASE kind WHEN 'grant' THEN count ELSE 0 END), 0)
		FROM quota_entries WHERE org_id = ? AND service = ? AND period_start = ?`, orgID, service, periodStart).Scan(&u.Used, &u.Granted)
	return u, err
}

// OrgUsage sums every period of every service of an organisation: one
// indexed query, whose answer the service caches until the ledger changes.
func (s *Store) OrgUsage(ctx context.Context, orgID string) (map[usageKey]Usage, error) {
	rows, err := s.db.Query(ctx, `SELECT service, period_start,
		COALESCE(SUM(CASE kind WHEN 'consume' THEN count WHEN 'refund' THEN -count ELSE 0 END), 0),
		COALESCE(SUM(CASE kind WHEN 'grant' THEN count ELSE 0 END), 0)
		FROM quota_entries WHERE org_id = ? GROUP BY service, period_start`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[usageKey]Usage{}
	for rows.Next() {
		var k usageKey
		var u Usage
		if err := rows.Scan(&k.service, &k.periodStart, &u.Used, &u.Granted); err != nil {
			return nil, err
		}
		out[k] = u
	}
	return out, rows.Err()
}

// Insert adds an entry.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, e Entry) error {
	var refunds any
	if e.Refunds != "" {
		refunds = e.Refunds
	}
	_, err := tx.Exec(ctx, "INSERT INTO quota_entries ("+entryColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, e.OrgID, e.Service, e.Kind, e.Count, e.IdempotencyKey, e.Reason, refunds, e.PeriodStart, e.ActorID, e.ActorRole, e.CreatedAt)
	return err
}

// List returns an organisation's entries for a service within scope, oldest
// first, after the cursor: up to limit rows.
func (s *Store) List(ctx context.Context, scope actor.Scope, orgID, service, after string, limit int) ([]Entry, error) {
	where, args := scope.Clause("org_id")
	return db.QueryAll(ctx, s.db, scanEntry,
		"SELECT "+entryColumns+" FROM quota_entries WHERE org_id = ? AND service = ? AND id > ? AND "+where+" ORDER BY id LIMIT ?",
		append(append([]any{orgID, service, after}, args...), limit)...)
}
