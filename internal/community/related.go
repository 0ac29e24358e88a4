package community

import (
	"context"
	"sort"

	"steward.dev/steward/internal/platform/search"
)

// relatedCount is how many related articles an article offers.
const relatedCount = 5

// RelatedArticle is an article offered beside another.
type RelatedArticle struct {
	ID    string `json:"id"`
	Title Text   `json:"title"`
	URL   string `json:"url"`
}

// related finds a few published articles near art: those sharing its tags
// or category first (more shared tags first, then the newest), then what
// the search index finds for its title; never art itself.
func (s *Service) related(ctx context.Context, art Article) ([]RelatedArticle, error) {
	near, err := s.Store.Neighbours(ctx, art, neighbourPool)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(near, func(i, j int) bool { return closeness(art, near[i]) > closeness(art, near[j]) })
	out := make([]RelatedArticle, 0, relatedCount)
	seen := map[string]bool{art.ID: true}
	for _, n := range near {
		if len(out) == relatedCount {
			return out, nil
		}
		seen[n.ID] = true
		out = append(out, RelatedArticle{ID: n.ID, Title: n.Title, URL: n.URL()})
	}
	res, err := s.Index.Search(ctx, search.Query{Text: art.Title.Zh + " " + art.Title.En, Type: ArticleDoc, Limit: 2 * relatedCount})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range res.Items {
		if !seen[h.ID] && len(out)+len(ids) < relatedCount {
			seen[h.ID] = true
			ids = append(ids, h.ID)
		}
	}
	titles, err := s.Store.Titles(ctx, ids)
	for _, articleID := range ids {
		if t, ok := titles[articleID]; ok {
			out = append(out, RelatedArticle{ID: articleID, Title: t, URL: Article{ID: articleID}.URL()})
		}
	}
	return out, err
}

// closeness ranks a neighbour: each shared tag counts more than sharing
// the category.
func closeness(art, n Article) int {
	score := 0
	if n.Category == art.Category {
		score = 1
	}
	for _, t := range n.Tags {
		for _, mine := range art.Tags {
			if t == mine {
				score += 2
			}
		}
	}
	return score
}
