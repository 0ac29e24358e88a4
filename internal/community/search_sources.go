package community

import "steward.dev/steward/internal/platform/search"

// SearchSources are the producers of every kind of document the community
// keeps in the search index, each the same one its live reindexing uses, for
// rebuilding the index (steward search rebuild).
func (s *Service) SearchSources() []search.Source {
	return []search.Source{
		{Type: ArticleDoc, Docs: s.ArticleDocs},
		{Type: QuestionDoc, Docs: s.QuestionDocs},
		{Type: CourseDoc, Docs: s.CourseDocs},
	}
}
