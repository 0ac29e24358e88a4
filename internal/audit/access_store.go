package audit

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// AccessStore is the SQL of grants, lawful requests and the data-access log.
// Reads of an organisation's rows are limited by the actor's scope.
type AccessStore struct{ db *db.DB }

// NewAccessStore returns the store on d.
func NewAccessStore(d *db.DB) *AccessStore { return &AccessStore{db: d} }

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return problem.ErrNotFound
	}
	return err
}

// page appends "AND id < before" when before is set, then the newest-first order and limit.
func page(query string, args []any, before string, limit int) (string, []any) {
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	return query + " ORDER BY id DESC LIMIT ?", append(args, limit)
}

const grantColumns = "id, org_id, scope, note, until, created_by, created_at, revoked_at, revoked_by"

func scanGrant(row db.Scanner) (Grant, error) {
	var g Grant
	var revokedAt sql.NullTime
	var revokedBy sql.NullString
	err := row.Scan(&g.ID, &g.OrgID, &g.Scope, &g.Note, &g.Until, &g.CreatedBy, &g.CreatedAt, &revokedAt, &revokedBy)
	if revokedAt.Valid {
		g.RevokedAt = &revokedAt.Time
	}
	if revokedBy.Valid {
		g.RevokedBy = &revokedBy.String
	}
	return g, err
}

// InsertGrant stores a new grant.
func (s *AccessStore) InsertGrant(ctx context.Context, tx *db.Tx, g Grant) error {
	_, err := tx.Exec(ctx, "INSERT INTO access_grants ("+grantColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
		g.ID, g.OrgID, g.Scope, g.Note, g.Until, g.CreatedBy, g.CreatedAt)
	return err
}

// Grant returns one grant of organisation org within scope.
func (s *AccessStore) Grant(ctx context.Context, q db.Querier, scope actor.Scope, org, id string) (Grant, error) {
	where, args := scope.Clause("org_id")
	g, err := scanGrant(q.QueryRow(ctx, "SELECT "+grantColumns+" FROM access_grants WHERE id = ? AND org_id = ? AND "+where,
		append([]any{id, org}, args...)...))
	return g, notFound(err)
}

// Grants lists an organisation's grants within scope, newest first.
func (s *AccessStore) Grants(ctx context.Context, scope actor.Scope, org, before string, limit int) ([]Grant, error) {
	where, args := scope.Clause("org_id")
	query, args := page("SELECT "+grantColumns+" FROM access_grants WHERE org_id = ? AND "+where, append([]any{org}, args...), before, limit)
	return db.QueryAll(ctx, s.db, scanGrant, query, args...)
}

// RevokeGrant ends a grant that is not revoked yet.
func (s *AccessStore) RevokeGrant(ctx context.Context, tx *db.Tx, id, by string, at time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE access_grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL", at, by, id)
	return err
}

// ActiveGrant returns the id of a grant of org that covers dataScope at now.
func (s *AccessStore) ActiveGrant(ctx context.Context, q db.Querier, org, dataScope string, now time.Time) (string, bool, error) {
	return firstID(q.QueryRow(ctx, `SELECT id FROM access_grants
		WHERE org_id = ? AND revoked_at IS NULL AND until > ? AND scope IN (?, ?) ORDER BY until DESC, id LIMIT 1`,
		org, now, dataScope, ScopeAll))
}

const lawfulColumns = "id, org_id, authority, reference, scope, note, until, disclose_on, created_by, created_at"

func scanLawful(row db.Scanner) (LawfulRequest, error) {
	var l LawfulRequest
	err := row.Scan(&l.ID, &l.OrgID, &l.Authority, &l.Reference, &l.Scope, &l.Note, &l.Until, &l.DiscloseOn, &l.CreatedBy, &l.CreatedAt)
	return l, err
}

// InsertLawfulRequest stores a new lawful request.
func (s *AccessStore) InsertLawfulRequest(ctx context.Context, tx *db.Tx, l LawfulRequest) error {
	_, err := tx.Exec(ctx, "INSERT INTO lawful_requests ("+lawfulColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		l.ID, l.OrgID, l.Authority, l.Reference, l.Scope, l.Note, l.Until, l.DiscloseOn, l.CreatedBy, l.CreatedAt)
	return err
}

// LawfulRequest returns one lawful request regardless of organisation: for
// the disclosure job, never for a customer's request.
func (s *AccessStore) LawfulRequest(ctx context.Context, q db.Querier, id string) (LawfulRequest, error) {
	l, err := scanLawful(q.QueryRow(ctx, "SELECT "+lawfulColumns+" FROM lawful_requests WHERE id = ?", id))
	return l, notFound(err)
}

// LawfulRequests lists an organisation's lawful requests within scope, newest
// first; with disclosedBy set, only those disclosed on or before that Beijing date.
func (s *AccessStore) LawfulRequests(ctx context.Context, scope actor.Scope, org, disclosedBy, before string, limit int) ([]LawfulRequest, error) {
	where, args := scope.Clause("org_id")
	query, args := "SELECT "+lawfulColumns+" FROM lawful_requests WHERE org_id = ? AND "+where, append([]any{org}, args...)
	if disclosedBy != "" {
		query += " AND disclose_on <= ?"
		args = append(args, disclosedBy)
	}
	query, args = page(query, args, before, limit)
	return db.QueryAll(ctx, s.db, scanLawful, query, args...)
}

// ActiveLawfulRequest returns the id of a lawful request on org that covers dataScope at now.
func (s *AccessStore) ActiveLawfulRequest(ctx context.Context, q db.Querier, org, dataScope string, now time.Time) (string, bool, error) {
	return firstID(q.QueryRow(ctx, `SELECT id FROM lawful_requests
		WHERE org_id = ? AND until > ? AND scope IN (?, ?) ORDER BY until DESC, id LIMIT 1`,
		org, now, dataScope, ScopeAll))
}

func firstID(row *sql.Row) (string, bool, error) {
	var id string
	err := row.Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, err
}

const recordColumns = "id, at, org_id, actor_id, actor_name, actor_role, object_kind, object_id, object_label, basis_kind, basis_id, request_id, client_addr"

func scanRecord(row db.Scanner) (Record, error) {
	var r Record
	err := row.Scan(&r.ID, &r.At, &r.OrgID, &r.ActorID, &r.ActorName, &r.ActorRole, &r.ObjectKind, &r.ObjectID, &r.ObjectLabel,
		&r.Basis.Kind, &r.Basis.ID, &r.RequestID, &r.ClientAddr)
	return r, err
}

// InsertRecord appends a read to the data-access log.
func (s *AccessStore) InsertRecord(ctx context.Context, tx *db.Tx, r Record) error {
	_, err := tx.Exec(ctx, "INSERT INTO access_log ("+recordColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.At, r.OrgID, r.ActorID, r.ActorName, r.ActorRole, r.ObjectKind, r.ObjectID, r.ObjectLabel, r.Basis.Kind, r.Basis.ID, r.RequestID, r.ClientAddr)
	return err
}

// Records lists an organisation's data-access log within scope, newest first.
// With disclosedBy set (a Beijing date), reads on a lawful request whose
// disclosure date is later are left out.
func (s *AccessStore) Records(ctx context.Context, scope actor.Scope, org, disclosedBy, before string, limit int) ([]Record, error) {
	where, args := scope.Clause("org_id")
	query, args := "SELECT "+recordColumns+" FROM access_log WHERE org_id = ? AND "+where, append([]any{org}, args...)
	if disclosedBy != "" {
		query += " AND NOT (basis_kind = ? AND basis_id IN (SELECT id FROM lawful_requests WHERE disclose_on > ?))"
		args = append(args, BasisLawfulRequest, disclosedBy)
	}
	query, args = page(query, args, before, limit)
	return db.QueryAll(ctx, s.db, scanRecord, query, args...)
}
