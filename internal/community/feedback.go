package community

import (
	"context"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// "Was this helpful?": one answer per signed-in person per published
// article, which they may change. Visitors are asked to sign in first, so
// that a count is of people and cannot be pumped by clearing cookies; a
// customer's organisation needs the community service, as for any post.

// GiveFeedback records (or changes) a's answer about an article.
func (s *Service) GiveFeedback(ctx context.Context, a *actor.Actor, articleID string, in FeedbackInput) (Feedback, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Feedback{}, err
	}
	art, err := s.Store.Article(ctx, s.Store.DB(), articleID)
	if err != nil {
		return Feedback{}, err
	}
	if art.Status != Published {
		return Feedback{}, problem.ErrNotFound
	}
	f, err := checkFeedback(art.ID, in)
	if err != nil {
		return Feedback{}, err
	}
	f.UpdatedAt = s.Clock.Now()
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, had, err := s.Store.Feedback(ctx, tx, art.ID, a.UserID)
		if err != nil {
			return err
		}
		if err := s.Store.PutFeedback(ctx, tx, a.UserID, f); err != nil {
			return err
		}
		var was audit.Fields // nil: a first answer
		if had {
			was = audit.Fields{"helpful": before.Helpful, "reason": before.Reason, "note": before.Note}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "help.feedback", TargetType: "help_article", TargetID: art.ID,
			Changes: audit.Diff(was, audit.Fields{"helpful": f.Helpful, "reason": f.Reason, "note": f.Note})})
	})
	return f, err
}

// feedbackFor adds to an article what a may see of its feedback: their own
// answer when signed in, everyone's counts when they write the help center.
func (s *Service) feedbackFor(ctx context.Context, a *actor.Actor, d *ArticleDetail) error {
	if a == nil {
		return nil
	}
	mine, had, err := s.Store.Feedback(ctx, s.Store.DB(), d.ID, a.UserID)
	if err != nil {
		return err
	}
	if had {
		d.MyFeedback = &mine
	}
	if !a.Can(actor.WriteHelp) {
		return nil
	}
	sum, err := s.Store.FeedbackSummary(ctx, d.ID)
	d.Feedback = &sum
	return err
}

// FeedbackCounts returns each article's helpful and unhelpful counts for the
// help center's writers.
func (s *Service) FeedbackCounts(ctx context.Context, a *actor.Actor) (map[string]FeedbackSummary, error) {
	if err := s.Authorize(a); err != nil {
		return nil, err
	}
	return s.Store.FeedbackCounts(ctx)
}
