package ideas

import (
	"context"
	"strings"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/search"
)

// index puts a live idea's search document in the community's index as it
// stands, or takes a merged idea's out: call it in every transaction that
// changes what the document holds.
func (s *Service) index(ctx context.Context, tx *db.Tx, it Idea) error {
	if it.MergedInto != "" {
		return s.unindex(ctx, tx, it.ID)
	}
	return s.Index.Put(ctx, tx, ideaDoc(it))
}

// unindex takes an idea's search document out (a merged duplicate).
func (s *Service) unindex(ctx context.Context, tx *db.Tx, ideaID string) error {
	return s.Index.Delete(ctx, tx, Doc, ideaID)
}

// ideaDoc is an idea's search document: its title, and its body as plain
// text with its modules. Ideas are customers' wishes, not vetted answers.
func ideaDoc(it Idea) search.Doc {
	body := append([]string{markdown.Text(it.Body)}, it.Modules...)
	return search.Doc{Type: Doc, ID: it.ID, Title: it.Title, Body: strings.Join(body, "\n"), Product: it.Product,
		Boost: search.Unvetted, URL: IdeaURL(it.ID), UpdatedAt: it.UpdatedAt}
}

// docsPage is how many ideas SearchDocs reads at a time.
const docsPage = 500

// SearchDocs gives every live idea's search document to put, as index
// writes it: the rebuild's producer (steward search rebuild).
func (s *Service) SearchDocs(ctx context.Context, put func(search.Doc) error) error {
	for after := ""; ; {
		page, err := s.Store.LivePage(ctx, after, docsPage)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := put(ideaDoc(it)); err != nil {
				return err
			}
		}
		if len(page) < docsPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// SearchSource is the square's producer for rebuilding the search index.
func (s *Service) SearchSource() search.Source { return search.Source{Type: Doc, Docs: s.SearchDocs} }
