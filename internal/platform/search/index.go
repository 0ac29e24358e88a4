package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/db"
)

// Doc is one searchable thing: an article, a question with its accepted
// answer, a course. Title and Body are plain text (render Markdown away
// first); they are kept for the snippets.
type Doc struct {
	Type, ID string
	// OrgID limits the document to one organisation's searches; "" is public.
	OrgID       string
	Title, Body string
	Product     string
	// Versions the document applies to; none means every version.
	Versions []string
	// Boost multiplies the rank: above 1 for accepted and staff answers; 0 counts as 1.
	Boost     float64
	URL       string
	UpdatedAt time.Time
}

// Query is one search. Empty filters do not filter; OrgID adds that
// organisation's own documents to the public ones.
type Query struct {
	Text, Type, Product, Version, OrgID string
	// Limit is the page size: 20 when 0, at most MaxLimit.
	Limit  int
	Cursor string
}

// Hit is one result. Snippet is HTML: the text around the matched terms,
// escaped, with <mark> around each match.
type Hit struct {
	Type, ID, Title, Snippet, URL string
	Score                         float64
	UpdatedAt                     time.Time
}

// Results is one page of hits, best first; NextCursor is "" on the last page.
type Results struct {
	Items      []Hit
	NextCursor string
}

// Index keeps documents searchable. Put and Delete write in the caller's
// transaction, so a document is found as soon as that transaction commits, by
// every instance sharing the database.
type Index interface {
	Put(ctx context.Context, tx *db.Tx, d Doc) error
	Delete(ctx context.Context, tx *db.Tx, docType, id string) error
	Search(ctx context.Context, q Query) (Results, error)
}

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// maxQueryTerms bounds the terms one query ORs together.
const maxQueryTerms = 64

// ErrBadCursor is returned for a cursor this index did not hand out.
var ErrBadCursor = errors.New("search: bad cursor")

// DBIndex is the Index inside the application's database: FTS5 with bm25 on
// SQLite, a tsvector with a GIN index and ts_rank_cd on PostgreSQL.
type DBIndex struct{ db *db.DB }

// NewDBIndex returns the index stored in d (migration 00018).
func NewDBIndex(d *db.DB) *DBIndex { return &DBIndex{db: d} }

// titleWeight is how much more a term in the title counts than one in the
// body on SQLite; PostgreSQL's ts_rank_cd weighs A (title) 1.0 and B 0.4.
const titleWeight = 2.5

// Put adds d or replaces the document of the same type and id.
func (x *DBIndex) Put(ctx context.Context, tx *db.Tx, d Doc) error {
	boost := d.Boost
	if boost <= 0 {
		boost = 1
	}
	versions := ""
	if len(d.Versions) > 0 {
		versions = " " + strings.Join(d.Versions, " ") + " "
	}
	titleTerms := strings.Join(Terms(d.Title), " ")
	bodyTerms := strings.Join(Terms(d.Body), " ")
	if _, err := tx.Exec(ctx, `INSERT INTO search_docs
		(type, id, org_id, title, body, product, versions, boost, url, updated_at, title_terms, body_terms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (type, id) DO UPDATE SET org_id = excluded.org_id, title = excluded.title,
		body = excluded.body, product = excluded.product, versions = excluded.versions,
		boost = excluded.boost, url = excluded.url, updated_at = excluded.updated_at,
		title_terms = excluded.title_terms, body_terms = excluded.body_terms`,
		d.Type, d.ID, d.OrgID, d.Title, d.Body, d.Product, versions, boost, d.URL, d.UpdatedAt.UTC(),
		titleTerms, bodyTerms); err != nil {
		return fmt.Errorf("index %s %s: %w", d.Type, d.ID, err)
	}
	if tx.Dialect() != db.SQLite {
		return nil // the tsvector column follows the terms by itself
	}
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM search_docs WHERE type = ? AND id = ?`, d.Type, d.ID).Scan(&seq); err != nil {
		return fmt.Errorf("index %s %s: %w", d.Type, d.ID, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, seq); err != nil {
		return fmt.Errorf("index %s %s: %w", d.Type, d.ID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO search_fts (rowid, title_terms, body_terms) VALUES (?, ?, ?)`,
		seq, titleTerms, bodyTerms); err != nil {
		return fmt.Errorf("index %s %s: %w", d.Type, d.ID, err)
	}
	return nil
}

// Delete removes a document; deleting one that is not there is not an error.
func (x *DBIndex) Delete(ctx context.Context, tx *db.Tx, docType, id string) error {
	if tx.Dialect() == db.SQLite {
		if _, err := tx.Exec(ctx, `DELETE FROM search_fts WHERE rowid IN
			(SELECT seq FROM search_docs WHERE type = ? AND id = ?)`, docType, id); err != nil {
			return fmt.Errorf("unindex %s %s: %w", docType, id, err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE type = ? AND id = ?`, docType, id); err != nil {
		return fmt.Errorf("unindex %s %s: %w", docType, id, err)
	}
	return nil
}

// Search ORs the query's terms, so that a question asked in other words still
// matches, and lets the ranking put the documents sharing the most (and the
// rarest, and title) terms first.
func (x *DBIndex) Search(ctx context.Context, q Query) (Results, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n <= 0 {
			return Results{}, ErrBadCursor
		}
		offset = n
	}
	terms := QueryTerms(q.Text)
	if len(terms) == 0 {
		return Results{}, nil
	}
	// A question is a few dozen terms; a pasted page would only make the query slow.
	terms = terms[:min(len(terms), maxQueryTerms)]
	// Terms hold letters and digits only, so quoting them needs no escaping.
	quote, or := `'`, " | "
	if x.db.Dialect() == db.SQLite {
		quote, or = `"`, " OR "
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = quote + t + quote
	}
	match := strings.Join(quoted, or)
	from := `search_fts JOIN search_docs d ON d.seq = search_fts.rowid WHERE search_fts MATCH ?`
	rank := fmt.Sprintf(`-bm25(search_fts, %g, 1.0)`, titleWeight)
	if x.db.Dialect() == db.Postgres {
		from = `search_docs d, to_tsquery('simple', ?) query WHERE d.terms @@ query`
		// Normalisation 1 divides by 1 + log(length), so long bodies do not
		// win by repeating common words.
		rank = `ts_rank_cd(d.terms, query, 1)`
	}
	where, args := filters(q)
	// Rank every match by its sequence number alone, then read the text of
	// the page's rows only: sorting the bodies of thousands of matches is
	// what made a query over frequent words slow.
	rows, err := x.db.Query(ctx, `SELECT doc.type, doc.id, doc.title, doc.body, doc.url, doc.updated_at, page.score
		FROM (SELECT d.seq, `+rank+` * d.boost AS score FROM `+from+where+`
			ORDER BY score DESC, d.seq LIMIT ? OFFSET ?) page
		JOIN search_docs doc ON doc.seq = page.seq ORDER BY page.score DESC, page.seq`,
		append(append([]any{match}, args...), limit+1, offset)...)
	if err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var res Results
	var bodies []string
	for rows.Next() {
		var h Hit
		var body string
		if err := rows.Scan(&h.Type, &h.ID, &h.Title, &body, &h.URL, &h.UpdatedAt, &h.Score); err != nil {
			return Results{}, fmt.Errorf("search: %w", err)
		}
		res.Items = append(res.Items, h)
		bodies = append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	if len(res.Items) > limit {
		res.Items = res.Items[:limit]
		res.NextCursor = strconv.Itoa(offset + limit)
	}
	for i := range res.Items {
		res.Items[i].Snippet = Snippet(bodies[i], terms)
	}
	return res, nil
}

// filters returns the AND clauses of the query's filters and their arguments.
func filters(q Query) (string, []any) {
	var where strings.Builder
	args := []any{q.OrgID}
	where.WriteString(` AND d.org_id IN ('', ?)`)
	if q.Type != "" {
		where.WriteString(` AND d.type = ?`)
		args = append(args, q.Type)
	}
	if q.Product != "" {
		where.WriteString(` AND d.product = ?`)
		args = append(args, q.Product)
	}
	if q.Version != "" {
		where.WriteString(` AND (d.versions = '' OR d.versions LIKE ? ESCAPE '\')`)
		args = append(args, "% "+likeEscaper.Replace(q.Version)+" %")
	}
	return where.String(), args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
