package ideas

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

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

// InsertIdea stores a new idea with its modules and counts as given (the
// author's own vote and follow are rows of their tables, added apart).
func (s *Store) InsertIdea(ctx context.Context, tx *db.Tx, it Idea, trend float64) error {
	modules, err := json.Marshal(it.Modules)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ideas (id, title, body, product, modules, author_id, author_name, author_staff, author_org,
		status, status_at, votes, followers, comments, trend, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.Title, it.Body, it.Product, string(modules), it.Author.ID, it.Author.Name, it.Author.Staff, it.authorOrg,
		it.Status, it.StatusAt, it.Votes, it.Followers, it.Comments, trend, it.CreatedAt, it.UpdatedAt); err != nil {
		return err
	}
	for _, m := range it.Modules {
		if _, err := tx.Exec(ctx, `INSERT INTO idea_modules (idea_id, module) VALUES (?, ?)`, it.ID, m); err != nil {
			return err
		}
	}
	return nil
}

// Lock takes the idea's row for the transaction: votes, follows, comments,
// status changes and merges of one idea then run one after the other across
// instances (a row lock on PostgreSQL; SQLite has a single writer anyway).
// problem.ErrNotFound when there is no such idea.
func (s *Store) Lock(ctx context.Context, tx *db.Tx, id string) error {
	found, err := affected(tx.Exec(ctx, `UPDATE ideas SET votes = votes WHERE id = ?`, id))
	if err == nil && !found {
		return problem.ErrNotFound
	}
	return err
}

// Trend reads the idea's stored trending weight (see Trend).
func (s *Store) Trend(ctx context.Context, q db.Querier, id string) (float64, error) {
	var trend float64
	err := q.QueryRow(ctx, `SELECT trend FROM ideas WHERE id = ?`, id).Scan(&trend)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.ErrNotFound
	}
	return trend, err
}

// AddVote records userID's vote (orgID: their organisation, "" for vendor
// staff) and says whether it is new; an existing vote is left as it was.
func (s *Store) AddVote(ctx context.Context, tx *db.Tx, ideaID, userID, orgID string, at time.Time) (bool, error) {
	return affected(tx.Exec(ctx, `INSERT INTO idea_votes (idea_id, user_id, org_id, voted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (idea_id, user_id) DO NOTHING`, ideaID, userID, orgID, at))
}

// RemoveVote takes userID's vote back and says whether there was one.
func (s *Store) RemoveVote(ctx context.Context, tx *db.Tx, ideaID, userID string) (bool, error) {
	return affected(tx.Exec(ctx, `DELETE FROM idea_votes WHERE idea_id = ? AND user_id = ?`, ideaID, userID))
}

// CountVote adds one vote to the idea's count with its new trend.
func (s *Store) CountVote(ctx context.Context, tx *db.Tx, ideaID string, trend float64) error {
	_, err := tx.Exec(ctx, `UPDATE ideas SET votes = votes + 1, trend = ? WHERE id = ?`, trend, ideaID)
	return err
}

// AddFollower makes userID (of orgID, "" for vendor staff) follow the idea
// and says whether they did not yet.
func (s *Store) AddFollower(ctx context.Context, tx *db.Tx, ideaID, userID, orgID string, at time.Time) (bool, error) {
	return affected(tx.Exec(ctx, `INSERT INTO idea_followers (idea_id, user_id, org_id, since) VALUES (?, ?, ?, ?)
		ON CONFLICT (idea_id, user_id) DO NOTHING`, ideaID, userID, orgID, at))
}

// RemoveFollower stops userID following the idea and says whether they did.
func (s *Store) RemoveFollower(ctx context.Context, tx *db.Tx, ideaID, userID string) (bool, error) {
	return affected(tx.Exec(ctx, `DELETE FROM idea_followers WHERE idea_id = ? AND user_id = ?`, ideaID, userID))
}

func affected(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Recount sets the idea's votes, followers and comments from their tables
// and its trend from its votes' times: after a vote is taken back, or votes,
// followers and comments moved in a merge.
func (s *Store) Recount(ctx context.Context, tx *db.Tx, id string) error {
	times, err := db.QueryAll(ctx, tx, func(row db.Scanner) (time.Time, error) {
		var t time.Time
		return t, row.Scan(&t)
	}, `SELECT voted_at FROM idea_votes WHERE idea_id = ?`, id)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE ideas SET votes = ?,
		followers = (SELECT COUNT(*) FROM idea_followers f WHERE f.idea_id = ideas.id),
		comments = (SELECT COUNT(*) FROM idea_comments c WHERE c.idea_id = ideas.id),
		trend = ? WHERE id = ?`, len(times), Trend(times), id)
	return err
}

// Reader says whether userID has voted for and follows each of the ideas.
func (s *Store) Reader(ctx context.Context, q db.Querier, userID string, ideaIDs []string) (voted, following map[string]bool, err error) {
	voted, following = map[string]bool{}, map[string]bool{}
	if userID == "" || len(ideaIDs) == 0 {
		return voted, following, nil
	}
	in, args := inList(ideaIDs)
	args = append([]any{userID}, args...)
	for table, into := range map[string]map[string]bool{"idea_votes": voted, "idea_followers": following} {
		ids, err := db.QueryAll(ctx, q, scanString, `SELECT idea_id FROM `+table+` WHERE user_id = ? AND idea_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			into[id] = true
		}
	}
	return voted, following, nil
}

func scanString(row db.Scanner) (string, error) {
	var v string
	return v, row.Scan(&v)
}

// inList is the placeholders and arguments of an IN (…) of values.
func inList(values []string) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}

// listQuery selects a page of live ideas in an order: Orgs, when not nil,
// keeps the ideas one of those organisations posted or voted for (none when
// empty). After is the previous page's last idea.
type listQuery struct {
	Sort, Status, Product, Module string
	Orgs                          []string
	After                         string
	Limit                         int
}

// sortKeys are the column each order sorts by before the id; each has an
// index led by merged_into, alone or with the status or the product.
var sortKeys = map[string]string{SortTrending: "trend", SortTop: "votes", SortNew: "created_at"}

// List reads a page of live ideas (never merged ones) in q's order, the
// keyset continuing after q.After's place in it.
func (s *Store) List(ctx context.Context, q listQuery) ([]Idea, error) {
	if q.Orgs != nil && len(q.Orgs) == 0 {
		return nil, nil
	}
	query, args, err := listSQL(q)
	if err != nil {
		return nil, err
	}
	return db.QueryAll(ctx, s.db, scanIdea, query, args...)
}

// listSQL is the query of List: each order with the status or the product
// filter reads its page off an index (see migration 00026).
func listSQL(q listQuery) (string, []any, error) {
	key := sortKeys[q.Sort]
	if key == "" {
		return "", nil, fmt.Errorf("ideas: unknown sort %q", q.Sort)
	}
	query := `SELECT ` + ideaColumns + ` FROM ideas i WHERE i.merged_into = ''`
	var args []any
	if q.Status != "" {
		query += ` AND i.status = ?`
		args = append(args, q.Status)
	}
	if q.Product != "" {
		query += ` AND i.product = ?`
		args = append(args, q.Product)
	}
	if q.Module != "" {
		query += ` AND EXISTS (SELECT 1 FROM idea_modules m WHERE m.idea_id = i.id AND m.module = ?)`
		args = append(args, q.Module)
	}
	if len(q.Orgs) > 0 {
		in, orgs := inList(q.Orgs)
		query += ` AND (i.author_org IN (` + in + `) OR EXISTS (SELECT 1 FROM idea_votes v WHERE v.idea_id = i.id AND v.org_id IN (` + in + `)))`
		args = append(append(args, orgs...), orgs...)
	}
	if q.After != "" {
		query += ` AND (i.` + key + `, i.id) < (SELECT c.` + key + `, c.id FROM ideas c WHERE c.id = ?)`
		args = append(args, q.After)
	}
	query += ` ORDER BY i.` + key + ` DESC, i.id DESC LIMIT ?`
	return query, append(args, q.Limit), nil
}

// Live reads the live ideas among ids, in no particular order.
func (s *Store) Live(ctx context.Context, ids []string) ([]Idea, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	return db.QueryAll(ctx, s.db, scanIdea, `SELECT `+ideaColumns+` FROM ideas i WHERE i.merged_into = '' AND i.id IN (`+in+`)`, args...)
}

// LivePage reads up to limit live ideas after the id after, by id: the
// search rebuild's walk.
func (s *Store) LivePage(ctx context.Context, after string, limit int) ([]Idea, error) {
	return db.QueryAll(ctx, s.db, scanIdea, `SELECT `+ideaColumns+` FROM ideas i WHERE i.merged_into = '' AND i.id > ? ORDER BY i.id LIMIT ?`,
		after, limit)
}

// Column reads live ideas of one status (and product, unless "") for the
// roadmap: the most voted first, or the latest to reach it when byStatusAt.
func (s *Store) Column(ctx context.Context, status, product string, byStatusAt bool, limit int) ([]Idea, error) {
	query, args := columnSQL(status, product, byStatusAt, limit)
	return db.QueryAll(ctx, s.db, scanIdea, query, args...)
}

func columnSQL(status, product string, byStatusAt bool, limit int) (string, []any) {
	query := `SELECT ` + ideaColumns + ` FROM ideas i WHERE i.merged_into = '' AND i.status = ?`
	args := []any{status}
	if product != "" {
		query += ` AND i.product = ?`
		args = append(args, product)
	}
	order := ` ORDER BY i.votes DESC, i.id DESC`
	if byStatusAt {
		order = ` ORDER BY i.status_at DESC, i.id DESC`
	}
	return query + order + ` LIMIT ?`, append(args, limit)
}

// InsertComment stores a comment and counts it on its idea.
func (s *Store) InsertComment(ctx context.Context, tx *db.Tx, c Comment, authorOrg string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO idea_comments (id, idea_id, author_id, author_name, author_staff, author_org, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.IdeaID, c.Author.ID, c.Author.Name, c.Author.Staff, authorOrg, c.Body, c.CreatedAt); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE ideas SET comments = comments + 1 WHERE id = ?`, c.IdeaID)
	return err
}

// Comments reads an idea's comments, oldest first.
func (s *Store) Comments(ctx context.Context, ideaID string) ([]Comment, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Comment, error) {
		var c Comment
		err := row.Scan(&c.ID, &c.IdeaID, &c.Author.ID, &c.Author.Name, &c.Author.Staff, &c.Body, &c.CreatedAt)
		c.Official, c.CreatedAt = c.Author.Staff, c.CreatedAt.UTC()
		return c, err
	}, `SELECT id, idea_id, author_id, author_name, author_staff, body, created_at FROM idea_comments
		WHERE idea_id = ? ORDER BY created_at, id`, ideaID)
}

// StatusHistory reads an idea's status changes, oldest first. ShippedIn
// carries the kind and the reference; its URL is the service's to fill.
func (s *Store) StatusHistory(ctx context.Context, q db.Querier, ideaID string) ([]StatusChange, error) {
	return db.QueryAll(ctx, q, func(row db.Scanner) (StatusChange, error) {
		var (
			c                StatusChange
			shippedKind, ref string
		)
		err := row.Scan(&c.ID, &c.From, &c.To, &c.Explanation, &shippedKind, &ref, &c.By.ID, &c.By.Name, &c.At)
		if shippedKind != "" {
			c.ShippedIn = &ShippedIn{Kind: shippedKind, Ref: ref}
		}
		c.By.Staff, c.At = true, c.At.UTC()
		return c, err
	}, `SELECT id, from_status, to_status, explanation, shipped_kind, shipped_ref, by_id, by_name, at FROM idea_status_changes
		WHERE idea_id = ? ORDER BY at, id`, ideaID)
}

// storedImage is an image's row: the blob key is its SHA-256.
type storedImage struct {
	Image
	SHA256    string
	CreatedAt time.Time
}

// Images reads an idea's images in the order they were added.
func (s *Store) Images(ctx context.Context, q db.Querier, ideaID string) ([]storedImage, error) {
	return db.QueryAll(ctx, q, scanImage, `SELECT name, content_type, size, sha256, created_at FROM idea_images
		WHERE idea_id = ? ORDER BY created_at, name`, ideaID)
}

// Image reads one image of an idea; problem.ErrNotFound when there is none.
func (s *Store) Image(ctx context.Context, ideaID, name string) (storedImage, error) {
	img, err := scanImage(s.db.QueryRow(ctx, `SELECT name, content_type, size, sha256, created_at FROM idea_images
		WHERE idea_id = ? AND name = ?`, ideaID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return storedImage{}, problem.ErrNotFound
	}
	return img, err
}

func scanImage(row db.Scanner) (storedImage, error) {
	var img storedImage
	err := row.Scan(&img.Name, &img.ContentType, &img.Size, &img.SHA256, &img.CreatedAt)
	img.CreatedAt = img.CreatedAt.UTC()
	return img, err
}

// InsertImage stores an image's row.
func (s *Store) InsertImage(ctx context.Context, tx *db.Tx, ideaID string, img storedImage) error {
	_, err := tx.Exec(ctx, `INSERT INTO idea_images (idea_id, name, content_type, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		ideaID, img.Name, img.ContentType, img.Size, img.SHA256, img.CreatedAt)
	return err
}

// CountFollowers moves the idea's follower count by delta.
func (s *Store) CountFollowers(ctx context.Context, tx *db.Tx, ideaID string, delta int) error {
	_, err := tx.Exec(ctx, `UPDATE ideas SET followers = followers + ? WHERE id = ?`, delta, ideaID)
	return err
}
