package license

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of licenses; every customer-facing read is limited by the
// actor's scope, so another organisation's license is not found.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

const columns = "id, org_id, contract_id, product, version, deployment, modules, users, valid_from, valid_until, " +
	"supersedes, superseded_by, key_id, status, issued_at, issued_by, revoked_at, revoked_reason, file"

func scan(row db.Scanner) (License, error) {
	var (
		l                               License
		modules, file                   string
		until, supersedes, supersededBy sql.NullString
		revokedAt                       sql.NullTime
	)
	err := row.Scan(&l.ID, &l.OrgID, &l.ContractID, &l.Product, &l.Version, &l.Deployment, &modules, &l.Users, &l.ValidFrom,
		&until, &supersedes, &supersededBy, &l.KeyID, &l.stored, &l.IssuedAt, &l.IssuedBy, &revokedAt, &l.RevokedReason, &file)
	if errors.Is(err, sql.ErrNoRows) {
		return License{}, problem.ErrNotFound
	}
	if err != nil {
		return License{}, err
	}
	l.ValidUntil, l.Supersedes, l.SupersededBy = until.String, supersedes.String, supersededBy.String
	l.IssuedAt = l.IssuedAt.UTC()
	if revokedAt.Valid {
		at := revokedAt.Time.UTC()
		l.RevokedAt = &at
	}
	l.file = []byte(file)
	l.FilePath = "/api/v1/licenses/" + l.ID + "/file"
	return l, json.Unmarshal([]byte(modules), &l.Modules)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Insert stores a new license with the key and request of the upgrade that
// made it (both empty otherwise).
func (s *Store) Insert(ctx context.Context, tx *db.Tx, l License, idempotencyKey, request string) error {
	modules, err := json.Marshal(l.Modules)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO licenses ("+columns+", idempotency_key, request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		l.ID, l.OrgID, l.ContractID, l.Product, l.Version, l.Deployment, string(modules), l.Users, l.ValidFrom,
		nullable(l.ValidUntil), nullable(l.Supersedes), nil, l.KeyID, l.stored, l.IssuedAt, l.IssuedBy, nil, "", string(l.file),
		nullable(idempotencyKey), request)
	return err
}

// MarkSuperseded records that the active license id was replaced by newID;
// false when it is no longer active (another upgrade came first).
func (s *Store) MarkSuperseded(ctx context.Context, tx *db.Tx, id, newID string) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE licenses SET status = ?, superseded_by = ? WHERE id = ? AND status = ?", Superseded, newID, id, Active)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkRevoked records a revocation.
func (s *Store) MarkRevoked(ctx context.Context, tx *db.Tx, id string, at time.Time, reason string) error {
	_, err := tx.Exec(ctx, "UPDATE licenses SET status = ?, revoked_at = ?, revoked_reason = ? WHERE id = ?", Revoked, at, reason, id)
	return err
}

// Get returns a license within the scope.
func (s *Store) Get(ctx context.Context, q db.Querier, scope actor.Scope, id string) (License, error) {
	clause, args := scope.Clause("org_id")
	return scan(q.QueryRow(ctx, "SELECT "+columns+" FROM licenses WHERE id = ? AND "+clause, append([]any{id}, args...)...))
}

// List returns an organisation's licenses within the scope, newest first,
// after the cursor (a license id) and up to limit.
func (s *Store) List(ctx context.Context, scope actor.Scope, orgID, after string, limit int) ([]License, error) {
	clause, args := scope.Clause("org_id")
	query := "SELECT " + columns + " FROM licenses WHERE org_id = ? AND " + clause
	args = append([]any{orgID}, args...)
	if after != "" {
		query += " AND id < ?"
		args = append(args, after)
	}
	return db.QueryAll(ctx, s.db, scan, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
}

// ByContract returns the licenses issued from a contract (system use).
func (s *Store) ByContract(ctx context.Context, q db.Querier, contractID string) ([]License, error) {
	return db.QueryAll(ctx, q, scan, "SELECT "+columns+" FROM licenses WHERE contract_id = ? ORDER BY id", contractID)
}

// ByIdempotencyKey returns the license an upgrade with key made in the
// organisation, and what that upgrade asked for.
func (s *Store) ByIdempotencyKey(ctx context.Context, q db.Querier, orgID, key string) (License, string, error) {
	var request string
	l, err := scan(scanWith(q.QueryRow(ctx, "SELECT "+columns+", request FROM licenses WHERE org_id = ? AND idempotency_key = ?", orgID, key), &request))
	return l, request, err
}

// scanWith reads one more column after a license's.
type extraScanner struct {
	row   db.Scanner
	extra any
}

func scanWith(row db.Scanner, extra any) db.Scanner { return extraScanner{row, extra} }

func (e extraScanner) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra)...) }

// Revoked lists every revoked license (for the revocation list).
func (s *Store) Revoked(ctx context.Context, q db.Querier) ([]License, error) {
	return db.QueryAll(ctx, q, scan, "SELECT "+columns+" FROM licenses WHERE status = ? ORDER BY id", Revoked)
}

// NextRevocationSequence takes the next sequence number of the revocation
// list. The UPDATE locks the row until the transaction ends, so concurrent
// revocations on one PostgreSQL get consecutive numbers.
func (s *Store) NextRevocationSequence(ctx context.Context, tx *db.Tx) (int64, error) {
	var seq int64
	err := tx.QueryRow(ctx, "UPDATE license_revocations SET sequence = sequence + 1 WHERE id = 1 RETURNING sequence").Scan(&seq)
	return seq, err
}

// SaveRevocationList stores the signed list document.
func (s *Store) SaveRevocationList(ctx context.Context, tx *db.Tx, document []byte) error {
	_, err := tx.Exec(ctx, "UPDATE license_revocations SET document = ? WHERE id = 1", string(document))
	return err
}

// RevocationList returns the stored list document (empty before the first
// revocation).
func (s *Store) RevocationList(ctx context.Context) ([]byte, error) {
	var doc string
	err := s.db.QueryRow(ctx, "SELECT document FROM license_revocations WHERE id = 1").Scan(&doc)
	return []byte(doc), err
}
