package ideas

import (
	"context"
	"errors"
	"fmt"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Act is one past action on an imported idea: who, and when.
type Act struct {
	By *actor.Actor
	At time.Time
}

// ImportedComment is a past comment; a staff member's is an official reply.
type ImportedComment struct {
	Act
	Body string
}

// ImportedStep is a past status change, by a product manager.
type ImportedStep struct {
	Act
	StatusInput
}

// ImportedMerge says that an imported idea was merged as a duplicate into
// another idea of the same import.
type ImportedMerge struct {
	Act
	Into string
}

// Imported is an idea with its past, as shipped content (the demo) holds it:
// posted by Author at At, voted for at the times given, commented, moved
// through its statuses, perhaps merged. The author's own vote and follow are
// added at At, as posting does.
type Imported struct {
	ID       string
	Author   *actor.Actor
	At       time.Time
	Input    Input
	Votes    []Act
	Comments []ImportedComment
	Steps    []ImportedStep
	Merge    *ImportedMerge
}

// Import writes shipped ideas under their own ids (links stay stable) with
// their votes, comments, status history and merges, skipping those already
// there, in one transaction; the same rules as the live actions hold (the
// input, the explanations, where a shipped idea shipped, no vote on a closed
// idea, every step after the one before), counts and trend come from the
// rows written, and nobody is told of the past.
func (s *Service) Import(ctx context.Context, list []Imported) error {
	var fresh []Imported
	for _, im := range list {
		if _, err := s.Store.Idea(ctx, s.Store.DB(), im.ID); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		fresh = append(fresh, im)
	}
	if len(fresh) == 0 {
		return nil
	}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		for _, im := range fresh {
			if err := s.importIdea(ctx, tx, im); err != nil {
				return fmt.Errorf("idea %s: %w", im.ID, err)
			}
		}
		for _, im := range fresh {
			if im.Merge == nil {
				continue
			}
			if err := s.importMerge(ctx, tx, im); err != nil {
				return fmt.Errorf("idea %s: %w", im.ID, err)
			}
		}
		for _, im := range fresh {
			if err := s.Store.Recount(ctx, tx, im.ID); err != nil {
				return err
			}
			it, err := s.Store.Idea(ctx, tx, im.ID)
			if err != nil {
				return err
			}
			if err := s.index(ctx, tx, it); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.import", TargetType: Doc, TargetID: fresh[0].ID,
			Changes: map[string]audit.Change{"ideas": {After: len(fresh)}}})
	})
	if db.IsUniqueViolation(err) { // another instance imported them meanwhile
		return nil
	}
	return err
}

// importIdea writes one idea as posted, its votes and comments, then its
// steps in order.
func (s *Service) importIdea(ctx context.Context, tx *db.Tx, im Imported) error {
	in, bad := checkInput(im.Input)
	if err := bad.Err(); err != nil {
		return err
	}
	a := im.Author
	it := Idea{ID: im.ID, Title: in.Title, Body: in.Body, Product: in.Product, Modules: in.Modules, Author: authorOf(a),
		Status: StatusOpen, StatusAt: im.At, CreatedAt: im.At, UpdatedAt: im.At, authorOrg: a.OrgID}
	if err := s.Store.InsertIdea(ctx, tx, it, 0); err != nil {
		return err
	}
	if _, err := s.Store.AddFollower(ctx, tx, it.ID, a.UserID, a.OrgID, im.At); err != nil {
		return err
	}
	closedAt := time.Time{} // from when it takes no votes: shipped, declined or merged
	for _, st := range im.Steps {
		if st.Status == StatusShipped || st.Status == StatusDeclined {
			closedAt = st.At
		} else {
			closedAt = time.Time{}
		}
	}
	if im.Merge != nil {
		if n := len(im.Steps); n > 0 && !im.Steps[n-1].At.Before(im.Merge.At) {
			return errors.New("a status change after the idea was merged")
		}
		closedAt = im.Merge.At
	}
	for _, v := range append([]Act{{By: a, At: im.At}}, im.Votes...) {
		switch {
		case v.At.Before(im.At):
			return fmt.Errorf("a vote by %s before the idea was posted", v.By.Email)
		case !closedAt.IsZero() && !v.At.Before(closedAt):
			return fmt.Errorf("a vote by %s after the idea closed", v.By.Email)
		}
		if added, err := s.Store.AddVote(ctx, tx, it.ID, v.By.UserID, v.By.OrgID, v.At); err != nil {
			return err
		} else if !added {
			return fmt.Errorf("%s votes twice", v.By.Email)
		}
	}
	for _, c := range im.Comments {
		body, err := checkComment(c.Body)
		if err != nil {
			return err
		}
		if c.At.Before(im.At) {
			return fmt.Errorf("a comment by %s before the idea was posted", c.By.Email)
		}
		if err := s.Store.InsertComment(ctx, tx, Comment{ID: id.New("ic", c.At), IdeaID: it.ID, Body: body, Author: authorOf(c.By),
			CreatedAt: c.At}, c.By.OrgID); err != nil {
			return err
		}
	}
	from, last := StatusOpen, im.At
	for _, st := range im.Steps {
		change, err := s.statusChange(ctx, it.Product, st.StatusInput)
		if err != nil {
			return err
		}
		switch {
		case !st.At.After(last):
			return fmt.Errorf("the step to %s is not after the step before it", change.To)
		case change.To == from:
			return fmt.Errorf("moves to %s, where it is already", from)
		case s.CanManage(st.By) != nil:
			return fmt.Errorf("%s may not change statuses", st.By.Email)
		}
		change.ID, change.From, change.By, change.At = id.New("isc", st.At), from, authorOf(st.By), st.At
		var kind, ref string
		if change.ShippedIn != nil {
			kind, ref = change.ShippedIn.Kind, change.ShippedIn.Ref
		}
		if err := s.Store.SetStatus(ctx, tx, it.ID, change.To, kind, ref, st.At); err != nil {
			return err
		}
		if err := s.Store.InsertStatusChange(ctx, tx, it.ID, change); err != nil {
			return err
		}
		from, last = change.To, st.At
	}
	return nil
}

// importMerge merges an imported duplicate into its survivor as Merge does,
// its history saying where it went.
func (s *Service) importMerge(ctx context.Context, tx *db.Tx, im Imported) error {
	m := im.Merge
	dup, err := s.Store.Idea(ctx, tx, im.ID)
	if err != nil {
		return err
	}
	target, err := s.Store.Idea(ctx, tx, m.Into)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return fmt.Errorf("merged into %s, which is not there", m.Into)
	case err != nil:
		return err
	case target.MergedInto != "" || target.ID == dup.ID:
		return fmt.Errorf("merged into %s, itself merged or the same idea", m.Into)
	case s.CanManage(m.By) != nil:
		return fmt.Errorf("%s may not merge ideas", m.By.Email)
	case !m.At.After(dup.CreatedAt) || !m.At.After(target.CreatedAt):
		return errors.New("merged before both ideas were posted")
	}
	if err := s.Store.Absorb(ctx, tx, dup.ID, target.ID, m.At); err != nil {
		return err
	}
	return s.Store.InsertStatusChange(ctx, tx, dup.ID, StatusChange{ID: id.New("isc", m.At), From: dup.Status, To: dup.Status,
		Explanation: mergeNote(target), By: authorOf(m.By), At: m.At})
}
