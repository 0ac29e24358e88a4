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
	// Boost multiplies the rank: Vetted (or 0: help articles and courses,
	// written by the vendor, are), StaffAnswered, or Unvetted.
	Boost     float64
	URL       string
	UpdatedAt time.Time
}

// The boosts that say how far a document has been vouched for, the same
// scale for every room: a help article and a question with an accepted answer
// are vetted alike (neither should bury the other), a question a staff member
// answered but nobody accepted comes a little after, an unanswered one last.
const (
	Vetted        = 1.5
	StaffAnswered = 1.2
	Unvetted      = 1.0
)

// Query is one search. Empty filters do not filter; OrgID adds that
// organisation's own documents to the public ones.
type Query struct {
	Text, Type, Product, Version, OrgID string
	// Limit is the page size: 20 when 0, at most MaxLimit.
	Limit  int
	Cursor string
	// MinShare, above 0, leaves out the page's hits whose document holds
	// less than this share of the query's own distinct words (a synonym or a
	// span the search added counts as the word it stands for): suggestions
	// had better be none than documents sharing one stray character. Such a
	// page may hold fewer than Limit hits.
	MinShare float64
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
	// Clear removes every document of docType and says how many there were.
	Clear(ctx context.Context, tx *db.Tx, docType string) (int, error)
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
type DBIndex struct {
	db    *db.DB
	stats statsCache
	// budget bounds the documents one search ranks (estimated); see plan.
	budget int
}

// NewDBIndex returns the index stored in d (migrations 00018 and 00023).
func NewDBIndex(d *db.DB) *DBIndex {
	budget := sqliteBudget
	if d.Dialect() == db.Postgres {
		budget = postgresBudget
	}
	return &DBIndex{db: d, budget: budget}
}

// How many matching documents a search may rank, by the estimate of its terms'
// document counts (see plan): ranking is what a search spends its time on,
// roughly linearly in the matches. PostgreSQL reads each match's row and its
// compressed tsvector to rank it, several times what FTS5's bm25 costs.
// Measured at 100,000 documents (docs/benchmarks.md "Search").
const (
	sqliteBudget   = 2500
	postgresBudget = 600
)

// titleWeight is how much more a term in the title counts than one in the
// body on SQLite; PostgreSQL's ts_rank_cd weighs A (title) 1.0 and B 0.4.
const titleWeight = 2.5

// Put adds d or replaces the document of the same type and id.
func (x *DBIndex) Put(ctx context.Context, tx *db.Tx, d Doc) error {
	boost := d.Boost
	if boost <= 0 {
		boost = Vetted
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
	if _, err := tx.Exec(ctx, `INSERT INTO search_rank (seq, type, org_id, product, versions, boost)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO UPDATE SET type = excluded.type, org_id = excluded.org_id,
		product = excluded.product, versions = excluded.versions, boost = excluded.boost`,
		seq, d.Type, d.OrgID, d.Product, versions, boost); err != nil {
		return fmt.Errorf("index %s %s: %w", d.Type, d.ID, err)
	}
	return nil
}

// Delete removes a document; deleting one that is not there is not an error.
func (x *DBIndex) Delete(ctx context.Context, tx *db.Tx, docType, id string) error {
	if _, err := remove(ctx, tx, `type = ? AND id = ?`, docType, id); err != nil {
		return fmt.Errorf("unindex %s %s: %w", docType, id, err)
	}
	return nil
}

// Clear removes every document of docType.
func (x *DBIndex) Clear(ctx context.Context, tx *db.Tx, docType string) (int, error) {
	n, err := remove(ctx, tx, `type = ?`, docType)
	if err != nil {
		return 0, fmt.Errorf("unindex the %s documents: %w", docType, err)
	}
	return n, nil
}

// remove deletes the documents matching where, from every table that holds them.
func remove(ctx context.Context, tx *db.Tx, where string, args ...any) (int, error) {
	if tx.Dialect() == db.SQLite {
		for _, table := range []string{"search_fts WHERE rowid", "search_rank WHERE seq"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` IN (SELECT seq FROM search_docs WHERE `+where+`)`, args...); err != nil {
				return 0, err
			}
		}
	}
	res, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE `+where, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Search ORs the query's terms, so that a question asked in other words still
// matches, and lets the ranking put the documents sharing the most (and the
// rarest, and title) terms first. On a large index it looks for the common
// terms in titles only, or not at all (see plan).
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
	stats, err := x.stats.get(ctx, x.db)
	if err != nil {
		return Results{}, err
	}
	from, rank, matchArgs := x.matching(plan(terms, stats, x.budget))
	where, args := filters(q)
	// Rank every match by its sequence number alone, then read the text of
	// the page's rows only: sorting the bodies of thousands of matches is
	// what made a query over frequent words slow.
	rows, err := x.db.Query(ctx, `SELECT doc.type, doc.id, doc.title, doc.body, doc.url, doc.updated_at, page.score,
		doc.title_terms, doc.body_terms
		FROM (SELECT d.seq, `+rank+` * d.boost AS score FROM `+from+where+`
			ORDER BY score DESC, d.seq LIMIT ? OFFSET ?) page
		JOIN search_docs doc ON doc.seq = page.seq ORDER BY page.score DESC, page.seq`,
		append(append(matchArgs, args...), limit+1, offset)...)
	if err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var res Results
	var bodies []string
	// For MinShare: how many distinct words the query has (of those searched,
	// for a pasted page), and every term searched, each standing for one.
	own, searched := 0, map[string]bool{}
	if q.MinShare > 0 {
		own = min(len(uniqueFields(strings.Join(Terms(q.Text), " "))), len(terms))
		for _, t := range terms {
			searched[t] = true
		}
	}
	for n := 0; rows.Next(); n++ {
		var h Hit
		var body, titleTerms, bodyTerms string
		if err := rows.Scan(&h.Type, &h.ID, &h.Title, &body, &h.URL, &h.UpdatedAt, &h.Score, &titleTerms, &bodyTerms); err != nil {
			return Results{}, fmt.Errorf("search: %w", err)
		}
		if n == limit {
			res.NextCursor = strconv.Itoa(offset + limit)
			break
		}
		if q.MinShare > 0 && share(own, searched, titleTerms+" "+bodyTerms) < q.MinShare {
			continue
		}
		res.Items = append(res.Items, h)
		bodies = append(bodies, body)
	}
	if err := rows.Err(); err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	for i := range res.Items {
		res.Items[i].Snippet = Snippet(bodies[i], terms)
	}
	return res, nil
}

// share is how much of a query of own distinct words a document's terms
// hold: the searched terms among them (words, synonyms, spans) over own, at
// most 1.
func share(own int, searched map[string]bool, docTerms string) float64 {
	if own == 0 {
		return 1
	}
	held := 0
	for _, t := range uniqueFields(docTerms) {
		if searched[t] {
			held++
		}
	}
	return min(1, float64(held)/float64(own))
}

// matching returns the FROM … WHERE clause of the documents a plan matches,
// the expression that ranks them, and their arguments in the order they
// appear (the rank's first).
func (x *DBIndex) matching(p queryPlan) (from, rank string, matchArgs []any) {
	if x.db.Dialect() == db.SQLite {
		from = `search_fts JOIN search_rank d ON d.seq = search_fts.rowid WHERE search_fts MATCH ?`
		rank = fmt.Sprintf(`-bm25(search_fts, %g, 1.0)`, titleWeight)
		match := orTerms(p.anywhere, `"`, " OR ", "")
		if len(p.titles) > 0 {
			match += ` OR title_terms : (` + orTerms(p.titles, `"`, " OR ", "") + `)`
		}
		matchArgs = []any{match}
	} else {
		// Normalisation 1 divides by 1 + log(length), so long bodies do not
		// win by repeating common words; a common term counts in titles only
		// (weight A), as it is searched.
		all := orTerms(p.anywhere, `'`, " | ", "")
		if len(p.titles) > 0 {
			all += " | " + orTerms(p.titles, `'`, " | ", ":A")
		}
		from = `search_docs d WHERE d.terms @@ to_tsquery('simple', ?)`
		matchArgs = []any{all, orTerms(p.anywhere, `'`, " | ", "")}
		if len(p.titles) > 0 {
			// The title's own GIN index finds them without reading every
			// document that holds a common term somewhere.
			from = `search_docs d WHERE (d.terms @@ to_tsquery('simple', ?) OR
				to_tsvector('simple', d.title_terms) @@ to_tsquery('simple', ?))`
			matchArgs = append(matchArgs, orTerms(p.titles, `'`, " | ", ""))
		}
		rank = `ts_rank_cd(d.terms, to_tsquery('simple', ?), 1)`
	}
	return from, rank, matchArgs
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
