package ideas

import "steward.dev/steward/internal/platform/db"

// Store is the SQL of the ideas square. Ideas, votes, comments and the status
// history are public, so reads are not scoped by organisation; the
// organisations behind an idea (author_org, idea_votes.org_id) leave the
// store only for product managers' demand and filters.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }
