package attachment

import (
	"context"
	"database/sql"
	"errors"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of attachments; every read is limited by the actor's scope.
type Store struct{ db *db.DB }

// NewStore returns the store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const columns = "id, org_id, name, size, sha256, content_type, owner_kind, owner_id, created_by, created_at"

func scan(row db.Scanner) (Attachment, error) {
	var a Attachment
	var ownerKind, ownerID sql.NullString
	err := row.Scan(&a.ID, &a.OrgID, &a.Name, &a.Size, &a.SHA256, &a.ContentType, &ownerKind, &ownerID, &a.CreatedBy, &a.CreatedAt)
	if ownerKind.Valid && ownerID.Valid {
		a.OwnerKind, a.OwnerID = &ownerKind.String, &ownerID.String
	}
	if errors.Is(err, sql.ErrNoRows) {
		return a, problem.ErrNotFound
	}
	return a, err
}

// Insert stores a new attachment; idempotencyKey may be empty. A repeated
// key of the same uploader in the organisation is ErrDuplicate.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, a Attachment, idempotencyKey string) error {
	var key any
	if idempotencyKey != "" {
		key = idempotencyKey
	}
	_, err := tx.Exec(ctx, "INSERT INTO attachments ("+columns+", idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.OrgID, a.Name, a.Size, a.SHA256, a.ContentType, a.OwnerKind, a.OwnerID, a.CreatedBy, a.CreatedAt, key)
	if db.IsUniqueViolation(err) {
		return errDuplicate
	}
	return err
}

var errDuplicate = errors.New("attachment: idempotency key used before")

// Get returns a live attachment within scope.
func (s *Store) Get(ctx context.Context, scope actor.Scope, id string) (Attachment, error) {
	where, args := scope.Clause("org_id")
	return scan(s.db.QueryRow(ctx, "SELECT "+columns+" FROM attachments WHERE id = ? AND deleted_at IS NULL AND "+where, append([]any{id}, args...)...))
}

// ByIdempotencyKey returns the attachment a user uploaded to org with key.
func (s *Store) ByIdempotencyKey(ctx context.Context, scope actor.Scope, org, createdBy, key string) (Attachment, error) {
	where, args := scope.Clause("org_id")
	return scan(s.db.QueryRow(ctx, "SELECT "+columns+" FROM attachments WHERE org_id = ? AND created_by = ? AND idempotency_key = ? AND "+where,
		append([]any{org, createdBy, key}, args...)...))
}

// List returns an organisation's live attachments within scope, newest first.
func (s *Store) List(ctx context.Context, scope actor.Scope, org, before string, limit int) ([]Attachment, error) {
	where, args := scope.Clause("org_id")
	query, args := "SELECT "+columns+" FROM attachments WHERE org_id = ? AND deleted_at IS NULL AND "+where, append([]any{org}, args...)
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	return db.QueryAll(ctx, s.db, scan, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
}

// DB returns the database, for the service's transactions.
func (s *Store) DB() *db.DB { return s.db }
