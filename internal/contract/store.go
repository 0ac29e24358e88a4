package contract

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of contracts; every read is limited by the actor's scope,
// so another organisation's contract is not found.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

const columns = "id, org_id, product, deployment, version, starts_on, ends_on, modules, users, reference, status, overrides, created_at, updated_at"

func scan(row db.Scanner) (Contract, error) {
	var c Contract
	var endsOn sql.NullString
	var modules, overrides string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Product, &c.Deployment, &c.Version, &c.StartsOn, &endsOn, &modules, &c.Users,
		&c.Reference, &c.Status, &overrides, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return Contract{}, err
	}
	c.EndsOn = endsOn.String
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(modules), &c.Modules); err != nil {
		return Contract{}, err
	}
	return c, json.Unmarshal([]byte(overrides), &c.Overrides)
}

// encoded returns the columns stored as JSON and the nullable end date.
func encoded(c Contract) (modules, overrides string, endsOn any, err error) {
	m, err := json.Marshal(c.Modules)
	if err != nil {
		return "", "", nil, err
	}
	o, err := json.Marshal(c.Overrides)
	if c.EndsOn != "" {
		endsOn = c.EndsOn
	}
	return string(m), string(o), endsOn, err
}

// Insert stores a new contract.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, c Contract) error {
	modules, overrides, endsOn, err := encoded(c)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO contracts ("+columns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		c.ID, c.OrgID, c.Product, c.Deployment, c.Version, c.StartsOn, endsOn, modules, c.Users, c.Reference, c.Status, overrides,
		c.CreatedAt, c.UpdatedAt)
	return err
}

// Update writes every changeable field of a contract.
func (s *Store) Update(ctx context.Context, tx *db.Tx, c Contract) error {
	modules, overrides, endsOn, err := encoded(c)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE contracts SET version = ?, ends_on = ?, modules = ?, users = ?, reference = ?, status = ?, overrides = ?, updated_at = ? WHERE id = ?",
		c.Version, endsOn, modules, c.Users, c.Reference, c.Status, overrides, c.UpdatedAt, c.ID)
	return err
}

// Get returns one of an organisation's contracts within the scope.
func (s *Store) Get(ctx context.Context, q db.Querier, scope actor.Scope, orgID, id string) (Contract, error) {
	clause, args := scope.Clause("org_id")
	c, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM contracts WHERE id = ? AND org_id = ? AND "+clause,
		append([]any{id, orgID}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Contract{}, problem.ErrNotFound
	}
	return c, err
}

// List returns an organisation's contracts within the scope, oldest first.
func (s *Store) List(ctx context.Context, scope actor.Scope, orgID string) ([]Contract, error) {
	clause, args := scope.Clause("org_id")
	return db.QueryAll(ctx, s.db, scan, "SELECT "+columns+" FROM contracts WHERE org_id = ? AND "+clause+" ORDER BY created_at, id",
		append([]any{orgID}, args...)...)
}
