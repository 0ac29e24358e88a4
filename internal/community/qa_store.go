package community

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

// The Q&A is public, so no query is scoped by organisation; the service
// chooses whether hidden posts are included (moderators only).

const postColumns = "p.id, p.kind, p.question_id, p.parent_id, p.author_id, p.author_name, p.author_staff, p.author_org, p.title, p.body, " +
	"p.product, p.tags, p.score, p.accepted_id, p.duplicate_of, p.locked, p.hidden, p.hidden_note, p.created_at, p.edited_at, p.active_at, " +
	"(SELECT COUNT(*) FROM qa_posts a WHERE a.question_id = p.id AND a.kind = 'answer' AND NOT a.hidden)"

func scanPost(row db.Scanner) (Question, error) {
	var q Question
	var tags string
	var edited sql.NullTime
	if err := row.Scan(&q.ID, &q.Kind, &q.QuestionID, &q.ParentID, &q.Author.ID, &q.Author.Name, &q.Author.Staff, &q.authorOrg,
		&q.Title, &q.Body, &q.Product, &tags, &q.Votes, &q.AcceptedID, &q.DuplicateOf, &q.Locked, &q.Hidden, &q.HiddenNote,
		&q.CreatedAt, &edited, &q.ActiveAt, &q.Answers); err != nil {
		return Question{}, err
	}
	q.CreatedAt, q.ActiveAt = q.CreatedAt.UTC(), q.ActiveAt.UTC()
	if edited.Valid {
		at := edited.Time.UTC()
		q.EditedAt, q.Edited = &at, true
	}
	if err := json.Unmarshal([]byte(tags), &q.Tags); err != nil {
		return Question{}, fmt.Errorf("post %s: tags: %w", q.ID, err)
	}
	if q.Kind == KindQuestion {
		q.URL = QuestionURL(q.ID)
	}
	return q, nil
}

// InsertPost stores a new question, answer or comment (a question's tags
// too); authorOrg is the author's organisation ("" for vendor staff).
func (s *Store) InsertPost(ctx context.Context, tx *db.Tx, p Question) error {
	if _, err := tx.Exec(ctx, `INSERT INTO qa_posts (id, kind, question_id, parent_id, author_id, author_name, author_staff, author_org,
		title, body, product, tags, score, accepted_id, created_at, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Kind, p.QuestionID, p.ParentID, p.Author.ID, p.Author.Name, p.Author.Staff, p.authorOrg,
		p.Title, p.Body, p.Product, encodeList(p.Tags), p.Votes, p.AcceptedID, p.CreatedAt, p.ActiveAt); err != nil {
		return err
	}
	return s.putTags(ctx, tx, p.ID, p.Tags)
}

func (s *Store) putTags(ctx context.Context, tx *db.Tx, questionID string, tags []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM qa_tags WHERE question_id = ?`, questionID); err != nil {
		return err
	}
	for _, t := range tags {
		if _, err := tx.Exec(ctx, `INSERT INTO qa_tags (question_id, tag) VALUES (?, ?)`, questionID, t); err != nil {
			return err
		}
	}
	return nil
}

// Post returns one post of any kind, hidden or not.
func (s *Store) Post(ctx context.Context, q db.Querier, id string) (Question, error) {
	p, err := scanPost(q.QueryRow(ctx, "SELECT "+postColumns+" FROM qa_posts p WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, problem.ErrNotFound
	}
	return p, err
}

// Questions lists a page of questions in f's order; hidden ones only when
// withHidden.
func (s *Store) Questions(ctx context.Context, f QuestionFilter, withHidden bool) ([]Question, error) {
	query := "SELECT " + postColumns + " FROM qa_posts p WHERE p.kind = 'question'"
	var args []any
	if !withHidden {
		query += " AND NOT p.hidden"
	}
	if f.Tag != "" {
		query += " AND EXISTS (SELECT 1 FROM qa_tags t WHERE t.question_id = p.id AND t.tag = ?)"
		args = append(args, f.Tag)
	}
	if f.Product != "" {
		query += " AND p.product = ?"
		args = append(args, f.Product)
	}
	if f.Sort == SortUnanswered {
		query += " AND NOT EXISTS (SELECT 1 FROM qa_posts a WHERE a.question_id = p.id AND a.kind = 'answer' AND NOT a.hidden)"
	}
	// The cursor is the previous page's last question: the page continues
	// after its place in the order.
	key := map[string]string{SortActive: "active_at", SortVotes: "score"}[f.Sort]
	if key == "" {
		if f.After != "" {
			query += " AND p.id < ?"
			args = append(args, f.After)
		}
		query += " ORDER BY p.id DESC LIMIT ?"
	} else {
		if f.After != "" {
			at := "(SELECT c." + key + " FROM qa_posts c WHERE c.id = ?)"
			query += " AND (p." + key + " < " + at + " OR (p." + key + " = " + at + " AND p.id < ?))"
			args = append(args, f.After, f.After, f.After)
		}
		query += " ORDER BY p." + key + " DESC, p.id DESC LIMIT ?"
	}
	return db.QueryAll(ctx, s.db, scanPost, query, append(args, f.Limit)...)
}

// ThreadPosts returns the answers and comments of a question, oldest first;
// hidden ones only when withHidden.
func (s *Store) ThreadPosts(ctx context.Context, q db.Querier, questionID string, withHidden bool) ([]Question, error) {
	query := "SELECT " + postColumns + " FROM qa_posts p WHERE p.question_id = ? AND p.kind <> 'question'"
	if !withHidden {
		query += " AND NOT p.hidden"
	}
	return db.QueryAll(ctx, q, scanPost, query+" ORDER BY p.id", questionID)
}

// UpdatePost writes an edited post after keeping before as a revision by
// editor at after.EditedAt.
func (s *Store) UpdatePost(ctx context.Context, tx *db.Tx, revisionID string, editor Author, before, after Question) error {
	if _, err := tx.Exec(ctx, `INSERT INTO qa_revisions (id, post_id, title, body, tags, edited_by, editor_name, edited_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, revisionID, before.ID, before.Title, before.Body, encodeList(before.Tags),
		editor.ID, editor.Name, after.EditedAt); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE qa_posts SET title = ?, body = ?, tags = ?, edited_at = ? WHERE id = ?`,
		after.Title, after.Body, encodeList(after.Tags), after.EditedAt, after.ID); err != nil {
		return err
	}
	if after.Kind != KindQuestion {
		return nil
	}
	return s.putTags(ctx, tx, after.ID, after.Tags)
}

// Revisions lists what a post said before each edit, newest first.
func (s *Store) Revisions(ctx context.Context, postID string) ([]Revision, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Revision, error) {
		var r Revision
		var tags string
		if err := row.Scan(&r.ID, &r.PostID, &r.Title, &r.Body, &tags, &r.EditedBy, &r.EditedAt); err != nil {
			return Revision{}, err
		}
		r.EditedAt = r.EditedAt.UTC()
		return r, json.Unmarshal([]byte(tags), &r.Tags)
	}, `SELECT id, post_id, title, body, tags, editor_name, edited_at FROM qa_revisions WHERE post_id = ? ORDER BY id DESC`, postID)
}

// Lock takes the post's row for the rest of tx, so that votes and accepts on
// it happen one after another; a missing post is ErrNotFound.
func (s *Store) Lock(ctx context.Context, tx *db.Tx, id string) error {
	res, err := tx.Exec(ctx, `UPDATE qa_posts SET score = score WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return problem.ErrNotFound
	}
	return nil
}

// SetVote records userID's vote on a post (0 removes it) and moves the
// post's score by the difference; it returns the new score. Call Lock first.
func (s *Store) SetVote(ctx context.Context, tx *db.Tx, postID, userID string, value int, at time.Time) (int, error) {
	var old int
	err := tx.QueryRow(ctx, `SELECT value FROM qa_votes WHERE post_id = ? AND user_id = ?`, postID, userID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	switch {
	case value == old:
	case value == 0:
		_, err = tx.Exec(ctx, `DELETE FROM qa_votes WHERE post_id = ? AND user_id = ?`, postID, userID)
	case old == 0:
		_, err = tx.Exec(ctx, `INSERT INTO qa_votes (post_id, user_id, value, voted_at) VALUES (?, ?, ?, ?)`, postID, userID, value, at)
	default:
		_, err = tx.Exec(ctx, `UPDATE qa_votes SET value = ?, voted_at = ? WHERE post_id = ? AND user_id = ?`, value, at, postID, userID)
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE qa_posts SET score = score + ? WHERE id = ?`, value-old, postID); err != nil {
		return 0, err
	}
	var score int
	return score, tx.QueryRow(ctx, `SELECT score FROM qa_posts WHERE id = ?`, postID).Scan(&score)
}

// MyVotes returns userID's votes on the posts named, by post id.
func (s *Store) MyVotes(ctx context.Context, userID string, ids []string) (map[string]int, error) {
	if userID == "" || len(ids) == 0 {
		return map[string]int{}, nil
	}
	return s.sums(ctx, "SELECT post_id, value FROM qa_votes WHERE user_id = ? AND post_id IN ("+placeholders(len(ids))+")",
		append([]any{userID}, anys(ids)...)...)
}

// Reputation computes the reputation of the users named, by user id: +5 for
// each upvote of their questions, +10 of their answers, -2 for each
// downvote of either, +15 for each of their answers accepted. Both halves
// start from the authors' posts (an index), so the cost follows what those
// people wrote, not the number of questions.
func (s *Store) Reputation(ctx context.Context, ids []string) (map[string]int, error) {
	if len(ids) == 0 {
		return map[string]int{}, nil
	}
	in := placeholders(len(ids))
	return s.sums(ctx, `SELECT p.author_id, SUM(CASE WHEN v.value < 0 THEN -2 WHEN p.kind = 'answer' THEN 10 ELSE 5 END)
		FROM qa_votes v JOIN qa_posts p ON p.id = v.post_id
		WHERE p.kind IN ('question', 'answer') AND p.author_id IN (`+in+`) GROUP BY p.author_id
		UNION ALL
		SELECT a.author_id, 15 * COUNT(*) FROM qa_posts a
		WHERE a.kind = 'answer' AND a.author_id IN (`+in+`)
		AND EXISTS (SELECT 1 FROM qa_posts q WHERE q.id = a.question_id AND q.accepted_id = a.id)
		GROUP BY a.author_id`, append(anys(ids), anys(ids)...)...)
}

// sums runs a query of (key, number) rows and adds the numbers up by key.
func (s *Store) sums(ctx context.Context, query string, args ...any) (map[string]int, error) {
	type row struct {
		key string
		n   int
	}
	rows, err := db.QueryAll(ctx, s.db, func(sc db.Scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.key, &r.n)
	}, query, args...)
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.key] += r.n
	}
	return out, err
}

// SetAccepted makes answerID the accepted answer of a question.
func (s *Store) SetAccepted(ctx context.Context, tx *db.Tx, questionID, answerID string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE qa_posts SET accepted_id = ?, active_at = ? WHERE id = ?`, answerID, at, questionID)
	return err
}

// Touch marks a question active now (a new answer).
func (s *Store) Touch(ctx context.Context, tx *db.Tx, questionID string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE qa_posts SET active_at = ? WHERE id = ?`, at, questionID)
	return err
}

// SetHidden hides a post with a note, or shows it again.
func (s *Store) SetHidden(ctx context.Context, tx *db.Tx, id string, hidden bool, note string) error {
	_, err := tx.Exec(ctx, `UPDATE qa_posts SET hidden = ?, hidden_note = ? WHERE id = ?`, hidden, note, id)
	return err
}

// SetLocked locks or unlocks a question.
func (s *Store) SetLocked(ctx context.Context, tx *db.Tx, id string, locked bool) error {
	_, err := tx.Exec(ctx, `UPDATE qa_posts SET locked = ? WHERE id = ?`, locked, id)
	return err
}

// SetDuplicate closes a question as a duplicate of another.
func (s *Store) SetDuplicate(ctx context.Context, tx *db.Tx, id, duplicateOf string) error {
	_, err := tx.Exec(ctx, `UPDATE qa_posts SET duplicate_of = ? WHERE id = ?`, duplicateOf, id)
	return err
}

// PutReport stores a report unless its reporter already reported the post,
// and returns the report standing (the first one).
func (s *Store) PutReport(ctx context.Context, tx *db.Tx, r Report, reporterID string) (Report, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO qa_reports (id, post_id, reporter_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (post_id, reporter_id) DO NOTHING`, r.ID, r.PostID, reporterID, r.Reason, r.Note, r.CreatedAt); err != nil {
		return Report{}, err
	}
	err := tx.QueryRow(ctx, `SELECT id, reason, note, created_at FROM qa_reports WHERE post_id = ? AND reporter_id = ?`, r.PostID, reporterID).
		Scan(&r.ID, &r.Reason, &r.Note, &r.CreatedAt)
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err
}

// ResolveReports closes the open reports of a post.
func (s *Store) ResolveReports(ctx context.Context, tx *db.Tx, postID, by string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE qa_reports SET resolved_at = ?, resolved_by = ? WHERE post_id = ? AND resolved_at IS NULL`, at, by, postID)
	return err
}

// OpenReports lists a page of open reports, oldest first, after the report
// After.
func (s *Store) OpenReports(ctx context.Context, after string, limit int) ([]Report, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Report, error) {
		var r Report
		err := row.Scan(&r.ID, &r.PostID, &r.QuestionID, &r.PostKind, &r.Excerpt, &r.Reason, &r.Note, &r.CreatedAt)
		r.CreatedAt = r.CreatedAt.UTC()
		return r, err
	}, `SELECT r.id, r.post_id, p.question_id, p.kind, CASE WHEN p.title <> '' THEN p.title ELSE p.body END, r.reason, r.note, r.created_at
		FROM qa_reports r JOIN qa_posts p ON p.id = r.post_id
		WHERE r.resolved_at IS NULL AND r.id > ? ORDER BY r.id LIMIT ?`, after, limit)
}

// VisibleAnswers returns the visible answers of the questions named, oldest
// first.
func (s *Store) VisibleAnswers(ctx context.Context, q db.Querier, questionIDs []string) ([]Question, error) {
	return db.QueryAll(ctx, q, scanPost, "SELECT "+postColumns+` FROM qa_posts p
		WHERE p.kind = 'answer' AND NOT p.hidden AND p.question_id IN (`+placeholders(len(questionIDs))+") ORDER BY p.id", anys(questionIDs)...)
}

// VisibleQuestions returns every visible question, a page after the
// question after, for indexing them all.
func (s *Store) VisibleQuestions(ctx context.Context, after string, limit int) ([]Question, error) {
	return db.QueryAll(ctx, s.db, scanPost, "SELECT "+postColumns+
		" FROM qa_posts p WHERE p.kind = 'question' AND NOT p.hidden AND p.id > ? ORDER BY p.id LIMIT ?", after, limit)
}

func placeholders(n int) string { return "?" + strings.Repeat(", ?", n-1) }
