package community

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of the help center. Help content is the vendor's and
// public, so no query is scoped by organisation; drafts are filtered by the
// service's choice of statuses.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

func scanCategory(row db.Scanner) (Category, error) {
	var c Category
	err := row.Scan(&c.Slug, &c.Name.Zh, &c.Name.En, &c.Parent, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// InsertCategory stores a new category; a taken slug is reported as false.
func (s *Store) InsertCategory(ctx context.Context, tx *db.Tx, c Category) (bool, error) {
	_, err := tx.Exec(ctx, `INSERT INTO help_categories (slug, name_zh, name_en, parent, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.Slug, c.Name.Zh, c.Name.En, c.Parent, c.CreatedAt)
	if db.IsUniqueViolation(err) {
		return false, nil
	}
	return err == nil, err
}

// Category returns one category.
func (s *Store) Category(ctx context.Context, q db.Querier, slug string) (Category, error) {
	c, err := scanCategory(q.QueryRow(ctx, `SELECT slug, name_zh, name_en, parent, created_at FROM help_categories WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return Category{}, problem.ErrNotFound
	}
	return c, err
}

// Categories lists every category, parents before their children.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	return db.QueryAll(ctx, s.db, scanCategory, `SELECT slug, name_zh, name_en, parent, created_at FROM help_categories
		ORDER BY CASE WHEN parent = '' THEN slug ELSE parent END, parent <> '', created_at, slug`)
}

const articleColumns = "id, category, product, versions, tags, title_zh, title_en, body_zh, body_en, status, created_at, created_by, updated_at, updated_by"

func scanArticle(row db.Scanner) (Article, error) {
	var a Article
	var versions, tags string
	if err := row.Scan(&a.ID, &a.Category, &a.Product, &versions, &tags, &a.Title.Zh, &a.Title.En, &a.Body.Zh, &a.Body.En,
		&a.Status, &a.CreatedAt, &a.CreatedBy, &a.UpdatedAt, &a.UpdatedBy); err != nil {
		return Article{}, err
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(versions), &a.Versions); err != nil {
		return Article{}, fmt.Errorf("article %s: versions: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return Article{}, fmt.Errorf("article %s: tags: %w", a.ID, err)
	}
	return a, nil
}

func encodeList(l []string) string {
	if l == nil {
		l = []string{}
	}
	raw, _ := json.Marshal(l) // a list of strings always encodes
	return string(raw)
}

// InsertArticle stores a new article.
func (s *Store) InsertArticle(ctx context.Context, tx *db.Tx, a Article) error {
	_, err := tx.Exec(ctx, "INSERT INTO help_articles ("+articleColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.ID, a.Category, a.Product, encodeList(a.Versions), encodeList(a.Tags), a.Title.Zh, a.Title.En, a.Body.Zh, a.Body.En,
		a.Status, a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.UpdatedBy)
	return err
}

// UpdateArticle writes a changed article after keeping before as a revision
// made by a.UpdatedBy at a.UpdatedAt.
func (s *Store) UpdateArticle(ctx context.Context, tx *db.Tx, revisionID string, before, a Article) error {
	if _, err := tx.Exec(ctx, `INSERT INTO help_article_revisions (id, article_id, title_zh, title_en, body_zh, body_en, status, edited_by, edited_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, revisionID, before.ID, before.Title.Zh, before.Title.En, before.Body.Zh, before.Body.En,
		before.Status, a.UpdatedBy, a.UpdatedAt); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE help_articles SET category = ?, product = ?, versions = ?, tags = ?, title_zh = ?, title_en = ?,
		body_zh = ?, body_en = ?, status = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
		a.Category, a.Product, encodeList(a.Versions), encodeList(a.Tags), a.Title.Zh, a.Title.En, a.Body.Zh, a.Body.En,
		a.Status, a.UpdatedAt, a.UpdatedBy, a.ID)
	return err
}

// DeleteArticle removes an article, its revisions and its feedback.
func (s *Store) DeleteArticle(ctx context.Context, tx *db.Tx, id string) error {
	for _, table := range []string{"help_article_revisions", "help_feedback"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE article_id = ?`, id); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `DELETE FROM help_articles WHERE id = ?`, id)
	return err
}

// Article returns one article whatever its status.
func (s *Store) Article(ctx context.Context, q db.Querier, id string) (Article, error) {
	a, err := scanArticle(q.QueryRow(ctx, "SELECT "+articleColumns+" FROM help_articles WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Article{}, problem.ErrNotFound
	}
	return a, err
}

// ArticleFilter selects a page of articles, newest first: those after the
// id After, in Category when set, published only unless Drafts.
type ArticleFilter struct {
	Category, After string
	Drafts          bool
	Limit           int
}

// Articles lists a page of articles by id, newest first.
func (s *Store) Articles(ctx context.Context, f ArticleFilter) ([]Article, error) {
	query := "SELECT " + articleColumns + " FROM help_articles WHERE 1 = 1"
	var args []any
	if !f.Drafts {
		query += " AND status = ?"
		args = append(args, Published)
	}
	if f.Category != "" {
		query += " AND category = ?"
		args = append(args, f.Category)
	}
	if f.After != "" {
		query += " AND id < ?"
		args = append(args, f.After)
	}
	query += " ORDER BY id DESC LIMIT ?"
	return db.QueryAll(ctx, s.db, scanArticle, query, append(args, f.Limit)...)
}

// Titles returns the titles of the articles and courses named, by id (ids
// are unique across both by their prefixes).
func (s *Store) Titles(ctx context.Context, ids []string) (map[string]Text, error) {
	titles := make(map[string]Text, len(ids))
	if len(ids) == 0 {
		return titles, nil
	}
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	type titled struct {
		id    string
		title Text
	}
	rows, err := db.QueryAll(ctx, s.db, func(row db.Scanner) (titled, error) {
		var t titled
		return t, row.Scan(&t.id, &t.title.Zh, &t.title.En)
	}, "SELECT id, title_zh, title_en FROM help_articles WHERE id IN "+in+" UNION ALL SELECT id, title_zh, title_en FROM courses WHERE id IN "+in,
		append(anys(ids), anys(ids)...)...)
	for _, t := range rows {
		titles[t.id] = t.title
	}
	return titles, err
}

func anys(l []string) []any {
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = v
	}
	return out
}
