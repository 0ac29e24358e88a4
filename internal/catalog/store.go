package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of the catalog. Catalog versions belong to the vendor and
// are public, so no query is scoped by organisation.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

const columns = "id, name, state, based_on, announced_at, effective_from, items, created_at, updated_at"

func scan(row db.Scanner) (Version, error) {
	var (
		v         Version
		announced sql.NullTime
		items     string
	)
	if err := row.Scan(&v.ID, &v.Name, &v.State, &v.BasedOn, &announced, &v.EffectiveFrom, &items, &v.CreatedAt, &v.UpdatedAt); err != nil {
		return Version{}, err
	}
	if announced.Valid {
		at := announced.Time.UTC()
		v.AnnouncedAt = &at
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(items), &v.Items); err != nil {
		return Version{}, fmt.Errorf("catalog version %s: items: %w", v.ID, err)
	}
	return v, nil
}

func encodeItems(items []Item) (string, error) {
	raw, err := json.Marshal(items)
	return string(raw), err
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// Insert stores a new version.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, v Version) error {
	items, err := encodeItems(v.Items)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO catalog_versions ("+columns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		v.ID, v.Name, v.State, v.BasedOn, nullTime(v.AnnouncedAt), v.EffectiveFrom, items, v.CreatedAt, v.UpdatedAt)
	return err
}

// Get returns one version as stored (its state is draft, announced or withdrawn).
func (s *Store) Get(ctx context.Context, q db.Querier, id string) (Version, error) {
	v, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM catalog_versions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, problem.ErrNotFound
	}
	return v, err
}

// All lists every version in creation order.
func (s *Store) All(ctx context.Context) ([]Version, error) {
	return db.QueryAll(ctx, s.db, scan, "SELECT "+columns+" FROM catalog_versions ORDER BY created_at, id")
}

// Announced lists the announced versions (withdrawn ones left out) by effective day.
func (s *Store) Announced(ctx context.Context) ([]Version, error) {
	return db.QueryAll(ctx, s.db, scan, "SELECT "+columns+" FROM catalog_versions WHERE state = ? ORDER BY effective_from", Announced)
}

// UpdateDraft writes a draft's name and items; it reports false when the
// version is no longer a draft.
func (s *Store) UpdateDraft(ctx context.Context, tx *db.Tx, v Version) (bool, error) {
	items, err := encodeItems(v.Items)
	if err != nil {
		return false, err
	}
	return affected(tx.Exec(ctx, "UPDATE catalog_versions SET name = ?, items = ?, updated_at = ? WHERE id = ? AND state = ?",
		v.Name, items, v.UpdatedAt, v.ID, Draft))
}

// Announce turns a draft into an announced version; it reports false when the
// version is no longer a draft. Another announced version taking effect on
// the same day is ErrEffectiveTaken.
func (s *Store) Announce(ctx context.Context, tx *db.Tx, id, effectiveFrom string, at time.Time) (bool, error) {
	ok, err := affected(tx.Exec(ctx, "UPDATE catalog_versions SET state = ?, effective_from = ?, announced_at = ?, updated_at = ? WHERE id = ? AND state = ?",
		Announced, effectiveFrom, at, at, id, Draft))
	if db.IsUniqueViolation(err) {
		return false, ErrEffectiveTaken.With("effective_from", effectiveFrom)
	}
	return ok, err
}

// Withdraw withdraws an announced version that takes effect after today (a
// Beijing day); it reports false otherwise.
func (s *Store) Withdraw(ctx context.Context, tx *db.Tx, id, today string, at time.Time) (bool, error) {
	return affected(tx.Exec(ctx, "UPDATE catalog_versions SET state = ?, updated_at = ? WHERE id = ? AND state = ? AND effective_from > ?",
		Withdrawn, at, id, Announced, today))
}

func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
