package notice

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of the inbox. Every read and change names the user whose
// notices it touches: another user's notice is simply not found.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

const columns = "id, title_zh, title_en, body_zh, body_en, link, created_at, read_at"

func scan(row interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var read sql.NullTime
	err := row.Scan(&n.ID, &n.Title.Zh, &n.Title.En, &n.Body.Zh, &n.Body.En, &n.Link, &n.CreatedAt, &read)
	if read.Valid {
		at := read.Time.UTC()
		n.ReadAt = &at
	}
	n.CreatedAt = n.CreatedAt.UTC()
	return n, err
}

// Insert stores an unread notice for a user inside the caller's transaction.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, userID string, n Notice) error {
	_, err := tx.Exec(ctx, "INSERT INTO notices (id, user_id, title_zh, title_en, body_zh, body_en, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		n.ID, userID, n.Title.Zh, n.Title.En, n.Body.Zh, n.Body.En, n.Link, n.CreatedAt)
	return err
}

// List returns a user's notices, newest first, older than the id before
// (empty for the newest), at most limit; unreadOnly leaves out read ones.
func (s *Store) List(ctx context.Context, userID string, unreadOnly bool, before string, limit int) ([]Notice, error) {
	query, args := "SELECT "+columns+" FROM notices WHERE user_id = ?", []any{userID}
	if unreadOnly {
		query += " AND read_at IS NULL"
	}
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	rows, err := s.db.Query(ctx, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		n, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Get returns one of a user's notices.
func (s *Store) Get(ctx context.Context, q db.Querier, userID, id string) (Notice, error) {
	n, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM notices WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Notice{}, problem.ErrNotFound
	}
	return n, err
}

// CountUnread counts a user's unread notices (the header's badge: one
// query on the notices_user index).
func (s *Store) CountUnread(ctx context.Context, q db.Querier, userID string) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM notices WHERE user_id = ? AND read_at IS NULL", userID).Scan(&n)
	return n, err
}

// MarkRead sets the read time of one of a user's unread notices.
func (s *Store) MarkRead(ctx context.Context, tx *db.Tx, userID, id string, at time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE notices SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", at, id, userID)
	return err
}

// MarkAllRead sets the read time of every unread notice of a user.
func (s *Store) MarkAllRead(ctx context.Context, tx *db.Tx, userID string, at time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL", at, userID)
	return err
}
