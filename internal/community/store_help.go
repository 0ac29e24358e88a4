package community

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/db"
)

// The help center's SQL beyond articles themselves: neighbours for related
// articles, readers' feedback and the revision history.

// neighbourPool bounds the articles Neighbours reads; the service ranks them.
const neighbourPool = 50

// likeEscaper escapes LIKE's wildcards so a tag matches only itself.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Neighbours returns published articles other than art in its category or
// sharing one of its tags, newest first, with their titles, category and
// tags only. Tags are matched as JSON strings inside the stored list.
func (s *Store) Neighbours(ctx context.Context, art Article, limit int) ([]Article, error) {
	query := `SELECT id, category, tags, title_zh, title_en FROM help_articles WHERE status = ? AND id <> ? AND (category = ?`
	args := []any{Published, art.ID, art.Category}
	for _, t := range art.Tags {
		quoted, _ := json.Marshal(t) // a string always encodes
		query += ` OR tags LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscaper.Replace(string(quoted))+"%")
	}
	query += `) ORDER BY updated_at DESC, id DESC LIMIT ?`
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Article, error) {
		var a Article
		var tags string
		if err := row.Scan(&a.ID, &a.Category, &tags, &a.Title.Zh, &a.Title.En); err != nil {
			return Article{}, err
		}
		return a, json.Unmarshal([]byte(tags), &a.Tags)
	}, query, append(args, limit)...)
}

// PutFeedback stores a reader's feedback on an article, replacing theirs.
func (s *Store) PutFeedback(ctx context.Context, tx *db.Tx, userID string, f Feedback) error {
	_, err := tx.Exec(ctx, `INSERT INTO help_feedback (article_id, user_id, helpful, reason, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (article_id, user_id) DO UPDATE SET helpful = excluded.helpful, reason = excluded.reason,
			note = excluded.note, updated_at = excluded.updated_at`,
		f.ArticleID, userID, f.Helpful, f.Reason, f.Note, f.UpdatedAt, f.UpdatedAt)
	return err
}

func scanFeedback(row db.Scanner) (Feedback, error) {
	var f Feedback
	err := row.Scan(&f.ArticleID, &f.Helpful, &f.Reason, &f.Note, &f.UpdatedAt)
	f.UpdatedAt = f.UpdatedAt.UTC()
	return f, err
}

// Feedback returns a reader's feedback on an article (found false when none).
func (s *Store) Feedback(ctx context.Context, q db.Querier, articleID, userID string) (Feedback, bool, error) {
	f, err := scanFeedback(q.QueryRow(ctx, `SELECT article_id, helpful, reason, note, updated_at FROM help_feedback
		WHERE article_id = ? AND user_id = ?`, articleID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Feedback{}, false, nil
	}
	return f, err == nil, err
}

// feedbackNotes bounds the notes a summary carries.
const feedbackNotes = 50

// FeedbackSummary counts an article's feedback and returns its latest notes.
func (s *Store) FeedbackSummary(ctx context.Context, articleID string) (FeedbackSummary, error) {
	sum := FeedbackSummary{Reasons: map[string]int{}, Notes: []Feedback{}}
	type count struct {
		helpful bool
		reason  string
		n       int
	}
	counts, err := db.QueryAll(ctx, s.db, func(row db.Scanner) (count, error) {
		var c count
		return c, row.Scan(&c.helpful, &c.reason, &c.n)
	}, `SELECT helpful, reason, COUNT(*) FROM help_feedback WHERE article_id = ? GROUP BY helpful, reason`, articleID)
	if err != nil {
		return sum, err
	}
	for _, c := range counts {
		if c.helpful {
			sum.Helpful += c.n
			continue
		}
		sum.NotHelpful += c.n
		sum.Reasons[c.reason] += c.n
	}
	sum.Notes, err = db.QueryAll(ctx, s.db, scanFeedback, `SELECT article_id, helpful, reason, note, updated_at FROM help_feedback
		WHERE article_id = ? AND note <> '' ORDER BY updated_at DESC LIMIT ?`, articleID, feedbackNotes)
	return sum, err
}

// FeedbackCounts returns how many readers found each article helpful and
// not, by article id, for the writers' list.
func (s *Store) FeedbackCounts(ctx context.Context) (map[string]FeedbackSummary, error) {
	type count struct {
		article string
		helpful bool
		n       int
	}
	counts, err := db.QueryAll(ctx, s.db, func(row db.Scanner) (count, error) {
		var c count
		return c, row.Scan(&c.article, &c.helpful, &c.n)
	}, `SELECT article_id, helpful, COUNT(*) FROM help_feedback GROUP BY article_id, helpful`)
	out := make(map[string]FeedbackSummary, len(counts))
	for _, c := range counts {
		sum := out[c.article]
		if c.helpful {
			sum.Helpful = c.n
		} else {
			sum.NotHelpful = c.n
		}
		out[c.article] = sum
	}
	return out, err
}

// ArticleRevisions returns an article's kept revisions, oldest first: each
// is the article as it was before the change made by Edited{By,At}.
func (s *Store) ArticleRevisions(ctx context.Context, articleID string) ([]KeptRevision, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (KeptRevision, error) {
		var k KeptRevision
		err := row.Scan(&k.Title.Zh, &k.Title.En, &k.Body.Zh, &k.Body.En, &k.Status, &k.EditedBy, &k.EditedAt)
		k.EditedAt = k.EditedAt.UTC()
		return k, err
	}, `SELECT title_zh, title_en, body_zh, body_en, status, edited_by, edited_at FROM help_article_revisions
		WHERE article_id = ? ORDER BY edited_at, id`, articleID)
}

// KeptRevision is a row of help_article_revisions.
type KeptRevision struct {
	Title, Body      Text
	Status, EditedBy string
	EditedAt         time.Time
}
