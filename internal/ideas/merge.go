package ideas

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// maxMergeChain bounds the walk along merged ideas to the one that lives; a
// chain is one hop long unless merges raced, so this is only a guard.
const maxMergeChain = 32

// Merge merges a duplicate (ideaID) into another idea (in.Into), which
// survives (product managers): the duplicate's votes and followers move
// without counting anyone twice, its comments move, the survivor is
// recounted and re-indexed, the duplicate leaves the search and its history
// says where it went, and its voters and followers are told. Both rows are
// locked in the order of their ids, so two merges never wait on each other
// crosswise. It returns the survivor.
func (s *Service) Merge(ctx context.Context, a *actor.Actor, ideaID string, in MergeInput) (Idea, error) {
	if err := s.CanManage(a); err != nil {
		return Idea{}, err
	}
	into := strings.TrimSpace(in.Into)
	if into == "" {
		return Idea{}, problem.InvalidField("into", "field.required")
	}
	now := s.Clock.Now()
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		dup, target, err := s.lockPair(ctx, tx, ideaID, into)
		if err != nil {
			return err
		}
		// The duplicate's people, read under its lock and before they move.
		told, err := s.told(ctx, tx, a, dup.ID)
		if err != nil {
			return err
		}
		if err := s.Store.Absorb(ctx, tx, dup.ID, target.ID, now); err != nil {
			return err
		}
		for _, ideaID := range []string{dup.ID, target.ID} {
			if err := s.Store.Recount(ctx, tx, ideaID); err != nil {
				return err
			}
		}
		note := mergeNote(target)
		if err := s.Store.InsertStatusChange(ctx, tx, dup.ID, StatusChange{ID: id.New("isc", now), From: dup.Status, To: dup.Status,
			Explanation: note, By: authorOf(a), At: now}); err != nil {
			return err
		}
		survivor, err := s.Store.Idea(ctx, tx, target.ID)
		if err != nil {
			return err
		}
		if err := s.recordMerge(ctx, tx, dup, target, survivor); err != nil {
			return err
		}
		if err := s.index(ctx, tx, survivor); err != nil {
			return err
		}
		if err := s.unindex(ctx, tx, dup.ID); err != nil {
			return err
		}
		args := map[string]any{"title": clip(dup.Title, newsQuoteRunes), "into": clip(target.Title, newsQuoteRunes)}
		return s.deps.Notices.Post(ctx, tx, told.userIDs, notice.Message{
			Title: notice.Text{Zh: newsTitle(i18n.Chinese, "idea.news.merged_title", args), En: newsTitle(i18n.English, "idea.news.merged_title", args)},
			Body:  notice.Text{Zh: i18n.T(i18n.Chinese, "idea.news.merged", args), En: i18n.T(i18n.English, "idea.news.merged", args)},
			Link:  IdeaURL(target.ID)})
	})
	if err != nil {
		return Idea{}, err
	}
	return s.Get(ctx, a, into)
}

// lockPair locks the duplicate and the idea it is to merge into, in the
// order of their ids, and reads them: 404 for an unknown duplicate, 400
// naming into for an unknown target, 409 when the duplicate is merged
// already, is the target itself, or the target is merged (idea.merge_cycle
// names the idea to merge into instead).
func (s *Service) lockPair(ctx context.Context, tx *db.Tx, ideaID, into string) (dup, target Idea, err error) {
	ids := []string{ideaID, into}
	slices.Sort(ids)
	for _, lock := range slices.Compact(ids) {
		err := s.Store.Lock(ctx, tx, lock)
		if errors.Is(err, problem.ErrNotFound) && lock == into && into != ideaID {
			return Idea{}, Idea{}, problem.InvalidField("into", "field.idea_into_unknown")
		} else if err != nil {
			return Idea{}, Idea{}, err
		}
	}
	if dup, err = s.Store.Idea(ctx, tx, ideaID); err != nil {
		return Idea{}, Idea{}, err
	}
	switch {
	case dup.MergedInto != "":
		return Idea{}, Idea{}, errMerged(dup.MergedInto)
	case into == ideaID:
		return Idea{}, Idea{}, problem.New(http.StatusConflict, "idea.merge_self")
	}
	if target, err = s.Store.Idea(ctx, tx, into); err != nil {
		return Idea{}, Idea{}, err
	}
	if target.MergedInto != "" {
		return Idea{}, Idea{}, s.mergeCycle(ctx, tx, ideaID, target)
	}
	return dup, target, nil
}

// mergeCycle refuses a merge into an idea that was itself merged: the detail
// names the live idea at the end of its chain to merge into instead, or says
// the target was merged into the duplicate, which would close a cycle.
func (s *Service) mergeCycle(ctx context.Context, tx *db.Tx, ideaID string, target Idea) error {
	end := target
	for range maxMergeChain {
		if end.MergedInto == "" {
			break
		}
		next, err := s.Store.Idea(ctx, tx, end.MergedInto)
		if err != nil {
			return err
		}
		end = next
	}
	refusal := &problem.Error{Status: http.StatusConflict, Code: "idea.merge_cycle", Args: map[string]any{"into": target.ID, "instead": end.ID}}
	if end.ID == ideaID {
		refusal.Message = "idea.merge_cycle_back"
		return refusal
	}
	refusal.Extra = map[string]any{"merge_into": end.ID}
	return refusal
}

// mergeNote is the duplicate's history entry, in both languages since a
// product manager writes no explanation for a merge.
func mergeNote(target Idea) string {
	args := map[string]any{"id": target.ID, "title": clip(target.Title, newsQuoteRunes)}
	return i18n.T(i18n.Chinese, "idea.merge_note", args) + " / " + i18n.T(i18n.English, "idea.merge_note", args)
}

// recordMerge audits both sides of a merge: where the duplicate went, and
// what the survivor gained.
func (s *Service) recordMerge(ctx context.Context, tx *db.Tx, dup, before, after Idea) error {
	if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.merge", TargetType: Doc, TargetID: dup.ID,
		Changes: map[string]audit.Change{"merged_into": {Before: "", After: after.ID}}}); err != nil {
		return err
	}
	fields := func(it Idea) audit.Fields {
		return audit.Fields{"votes": it.Votes, "followers": it.Followers, "comments": it.Comments}
	}
	changes := audit.Diff(fields(before), fields(after))
	changes["merged_from"] = audit.Change{After: dup.ID}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.absorb", TargetType: Doc, TargetID: after.ID, Changes: changes})
}
