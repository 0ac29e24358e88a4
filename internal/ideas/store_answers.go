package ideas

import (
	"context"
	"fmt"
	"time"

	"steward.dev/steward/internal/platform/db"
)

// recipient is a person told of an idea's news and the organisation whose
// channels and e-mail preferences apply ("" for vendor staff).
type recipient struct {
	UserID, OrgID string
}

// Recipients are the idea's voters and followers, each once, with the
// organisation kept on their vote or follow.
func (s *Store) Recipients(ctx context.Context, q db.Querier, ideaID string) ([]recipient, error) {
	return db.QueryAll(ctx, q, func(row db.Scanner) (recipient, error) {
		var r recipient
		return r, row.Scan(&r.UserID, &r.OrgID)
	}, `SELECT p.user_id, MAX(p.org_id) FROM (
		SELECT v.user_id, v.org_id FROM idea_votes v WHERE v.idea_id = ?
		UNION ALL
		SELECT f.user_id, f.org_id FROM idea_followers f WHERE f.idea_id = ?
	) p GROUP BY p.user_id ORDER BY p.user_id`, ideaID, ideaID)
}

// SetStatus moves the idea to status; shippedKind and shippedRef say where a
// shipped idea can be had ("" otherwise).
func (s *Store) SetStatus(ctx context.Context, tx *db.Tx, id, status, shippedKind, shippedRef string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE ideas SET status = ?, status_at = ?, shipped_kind = ?, shipped_ref = ?, updated_at = ? WHERE id = ?`,
		status, at, shippedKind, shippedRef, at, id)
	return err
}

// InsertStatusChange adds a step to the idea's public history.
func (s *Store) InsertStatusChange(ctx context.Context, tx *db.Tx, ideaID string, c StatusChange) error {
	var kind, ref string
	if c.ShippedIn != nil {
		kind, ref = c.ShippedIn.Kind, c.ShippedIn.Ref
	}
	_, err := tx.Exec(ctx, `INSERT INTO idea_status_changes (id, idea_id, from_status, to_status, explanation, shipped_kind, shipped_ref, by_id, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, ideaID, c.From, c.To, c.Explanation, kind, ref, c.By.ID, c.By.Name, c.At)
	return err
}

// Absorb moves a duplicate's votes, followers and comments to the idea it is
// merged into and marks it merged. A person who voted for (or follows) both
// keeps the survivor's vote (or follow), so nobody counts twice; the
// duplicate keeps none. The caller recounts both ideas.
func (s *Store) Absorb(ctx context.Context, tx *db.Tx, duplicate, into string, at time.Time) error {
	for _, q := range []string{
		`INSERT INTO idea_votes (idea_id, user_id, org_id, voted_at) SELECT ?, d.user_id, d.org_id, d.voted_at FROM idea_votes d
			WHERE d.idea_id = ? AND NOT EXISTS (SELECT 1 FROM idea_votes s WHERE s.idea_id = ? AND s.user_id = d.user_id)`,
		`INSERT INTO idea_followers (idea_id, user_id, org_id, since) SELECT ?, d.user_id, d.org_id, d.since FROM idea_followers d
			WHERE d.idea_id = ? AND NOT EXISTS (SELECT 1 FROM idea_followers s WHERE s.idea_id = ? AND s.user_id = d.user_id)`,
	} {
		if _, err := tx.Exec(ctx, q, into, duplicate, into); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`DELETE FROM idea_votes WHERE idea_id = ?`,
		`DELETE FROM idea_followers WHERE idea_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, duplicate); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE idea_comments SET idea_id = ? WHERE idea_id = ?`, into, duplicate); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE ideas SET merged_into = ?, updated_at = ? WHERE id = ?`, into, at, duplicate)
	return err
}

// wanting are the customer organisations behind an idea (its author's and
// its voters', never vendor staff, who have none), with how many of each
// voted.
const wantingQuery = `SELECT w.idea_id, w.org_id, SUM(w.voter) FROM (
		SELECT i.id AS idea_id, i.author_org AS org_id, 0 AS voter FROM ideas i WHERE i.id IN (%s)
		UNION ALL
		SELECT v.idea_id, v.org_id, 1 FROM idea_votes v WHERE v.idea_id IN (%s)
	) w WHERE w.org_id <> '' GROUP BY w.idea_id, w.org_id`

// orgVotes is one organisation wanting an idea and its number of voters.
type orgVotes struct {
	IdeaID, OrgID string
	Voters        int
}

// Wanting reads the organisations wanting each of the ideas, in one query.
func (s *Store) Wanting(ctx context.Context, ideaIDs []string) ([]orgVotes, error) {
	if len(ideaIDs) == 0 {
		return nil, nil
	}
	in, args := inList(ideaIDs)
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (orgVotes, error) {
		var o orgVotes
		return o, row.Scan(&o.IdeaID, &o.OrgID, &o.Voters)
	}, fmt.Sprintf(wantingQuery, in, in), append(args, args...)...)
}
