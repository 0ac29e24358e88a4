package ideas

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of the ideas square. Ideas, votes, comments and the status
// history are public, so reads are not scoped by organisation; the
// organisations behind an idea (author_org, idea_votes.org_id) leave the
// store only for product managers' demand and filters.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

// ideaColumns are the columns scanIdea reads, in its order, of table alias i.
const ideaColumns = "i.id, i.title, i.body, i.product, i.modules, i.author_id, i.author_name, i.author_staff, i.author_org, " +
	"i.status, i.status_at, i.shipped_kind, i.shipped_ref, i.merged_into, i.votes, i.followers, i.comments, i.created_at, i.updated_at"

// scanIdea reads a row of ideaColumns. ShippedIn carries the kind and the
// reference; its URL is the service's to fill.
func scanIdea(row db.Scanner) (Idea, error) {
	var (
		it                     Idea
		modules                string
		shippedKind, shippedIn string
	)
	err := row.Scan(&it.ID, &it.Title, &it.Body, &it.Product, &modules, &it.Author.ID, &it.Author.Name, &it.Author.Staff, &it.authorOrg,
		&it.Status, &it.StatusAt, &shippedKind, &shippedIn, &it.MergedInto, &it.Votes, &it.Followers, &it.Comments, &it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return Idea{}, err
	}
	if err := json.Unmarshal([]byte(modules), &it.Modules); err != nil {
		return Idea{}, fmt.Errorf("idea %s: modules: %w", it.ID, err)
	}
	if shippedKind != "" {
		it.ShippedIn = &ShippedIn{Kind: shippedKind, Product: it.Product, Ref: shippedIn}
	}
	it.StatusAt, it.CreatedAt, it.UpdatedAt = it.StatusAt.UTC(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	return it, nil
}

// Idea reads one idea, merged or not; problem.ErrNotFound when there is none.
func (s *Store) Idea(ctx context.Context, q db.Querier, id string) (Idea, error) {
	it, err := scanIdea(q.QueryRow(ctx, `SELECT `+ideaColumns+` FROM ideas i WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Idea{}, problem.ErrNotFound
	}
	return it, err
}
