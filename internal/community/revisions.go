package community

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// ArticleRevisions returns an article's history, newest first, for the help
// center's writers: number 1 as first written, the highest the article now.
// Each revision says who wrote it and when.
func (s *Service) ArticleRevisions(ctx context.Context, a *actor.Actor, articleID string) ([]ArticleRevision, error) {
	revs, err := s.history(ctx, a, articleID)
	for i, j := 0, len(revs)-1; i < j; i, j = i+1, j-1 {
		revs[i], revs[j] = revs[j], revs[i]
	}
	return revs, err
}

// ArticleRevision returns revision number of an article with its body and a line
// diff of each text against the revision before it.
func (s *Service) ArticleRevision(ctx context.Context, a *actor.Actor, articleID string, number int) (ArticleRevisionDiff, error) {
	revs, err := s.history(ctx, a, articleID)
	if err != nil {
		return ArticleRevisionDiff{}, err
	}
	if number < 1 || number > len(revs) {
		return ArticleRevisionDiff{}, problem.ErrNotFound
	}
	rev, prev := revs[number-1], ArticleRevision{}
	if number > 1 {
		prev = revs[number-2]
	}
	return ArticleRevisionDiff{ArticleRevision: rev, Body: rev.body, Previous: prev.Number, Diff: map[string][]DiffLine{
		"title.zh": LineDiff(prev.Title.Zh, rev.Title.Zh), "title.en": LineDiff(prev.Title.En, rev.Title.En),
		"body.zh": LineDiff(prev.body.Zh, rev.body.Zh), "body.en": LineDiff(prev.body.En, rev.body.En),
		"status": LineDiff(prev.Status, rev.Status),
	}}, nil
}

// history numbers an article's revisions, oldest first. A kept row is the
// article before a change, so it was written by whoever made the change
// before that one (the article's creator for the first).
func (s *Service) history(ctx context.Context, a *actor.Actor, articleID string) ([]ArticleRevision, error) {
	if err := s.Authorize(a); err != nil {
		return nil, err
	}
	art, err := s.Store.Article(ctx, s.Store.DB(), articleID)
	if err != nil {
		return nil, err
	}
	kept, err := s.Store.ArticleRevisions(ctx, art.ID)
	if err != nil {
		return nil, err
	}
	revs := make([]ArticleRevision, 0, len(kept)+1)
	by, at := art.CreatedBy, art.CreatedAt
	for _, k := range kept {
		revs = append(revs, ArticleRevision{Number: len(revs) + 1, Title: k.Title, body: k.Body, Status: k.Status, WrittenBy: by, WrittenAt: at})
		by, at = k.EditedBy, k.EditedAt
	}
	return append(revs, ArticleRevision{Number: len(revs) + 1, Title: art.Title, body: art.Body, Status: art.Status,
		WrittenBy: art.UpdatedBy, WrittenAt: art.UpdatedAt, Current: true}), nil
}
