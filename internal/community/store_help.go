package community

import (
	"context"
	"encoding/json"
	"strings"

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
