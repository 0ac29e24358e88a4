package community

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// The Q&A: customers help each other and vendor staff answer. Everything is
// public to every reader; posting needs the community service (CanPost).
// Hidden posts are seen by moderators only and are never in the index.

// Notification kinds of the Q&A.
const (
	KindAnswered = "community.answered" // the asker: a new answer to their question
	KindAccepted = "community.accepted" // the answerer: their answer was accepted
)

func authorOf(a *actor.Actor) Author { return Author{ID: a.UserID, Name: a.Name, Staff: a.IsVendor()} }

func moderator(a *actor.Actor) bool { return a.Can(actor.Moderate) }

// MayEdit says whether a may edit a post written by authorID: its author or
// a moderator. Pages ask it to offer the edit button; EditPost enforces it.
func MayEdit(a *actor.Actor, authorID string) bool {
	return a != nil && (authorID == a.UserID || moderator(a))
}

// MayAccept says whether a may accept answers to a question asked by
// askerID: the asker, or staff holding actor.AcceptAnswers.
func MayAccept(a *actor.Actor, askerID string) bool {
	return a != nil && (askerID == a.UserID || a.Can(actor.AcceptAnswers))
}

// AskQuestion posts a question and indexes it at once.
func (s *Service) AskQuestion(ctx context.Context, a *actor.Actor, in QuestionInput) (Question, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Question{}, err
	}
	in, err := checkQuestion(in)
	if err != nil {
		return Question{}, err
	}
	now := s.Clock.Now()
	questionID := id.New("q", now)
	q := Question{Post: Post{ID: questionID, Kind: KindQuestion, QuestionID: questionID, Title: in.Title, Body: in.Body,
		Author: authorOf(a), CreatedAt: now, authorOrg: a.OrgID}, Product: in.Product, Tags: in.Tags, ActiveAt: now, URL: QuestionURL(questionID)}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.InsertPost(ctx, tx, q); err != nil {
			return err
		}
		if err := s.reindexQuestion(ctx, tx, q.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.ask", TargetType: KindQuestion, TargetID: q.ID, OrgID: a.OrgID,
			Changes: map[string]audit.Change{"title": {After: q.Title}, "product": {After: q.Product}}})
	})
	if err != nil {
		return Question{}, err
	}
	q.HTML = markdown.Render(q.Body)
	return q, nil
}

// Questions lists a page of questions (Limit of them) in f's order.
func (s *Service) Questions(ctx context.Context, a *actor.Actor, f QuestionFilter) ([]Question, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	list, err := s.Store.Questions(ctx, f, moderator(a))
	if err != nil {
		return nil, err
	}
	posts := make([]*Post, len(list))
	for i := range list {
		posts[i] = &list[i].Post
	}
	return list, s.decorate(ctx, a, posts)
}

// Question returns a question with its answers (the accepted first, then by
// votes) and the comments on each; hidden posts only for moderators.
func (s *Service) Question(ctx context.Context, a *actor.Actor, questionID string) (QuestionThread, error) {
	if err := s.CanRead(a); err != nil {
		return QuestionThread{}, err
	}
	q, err := s.visible(ctx, a, questionID)
	if err != nil || q.Kind != KindQuestion {
		return QuestionThread{}, cmp.Or[error](err, problem.ErrNotFound)
	}
	rest, err := s.Store.ThreadPosts(ctx, s.Store.DB(), q.ID, moderator(a))
	if err != nil {
		return QuestionThread{}, err
	}
	t := QuestionThread{Question: q, Answers: []Post{}}
	comments := map[string][]Comment{}
	for _, p := range rest {
		if p.Kind == KindAnswer {
			p.Accepted = p.ID == q.AcceptedID
			t.Answers = append(t.Answers, p.Post)
		} else {
			comments[p.ParentID] = append(comments[p.ParentID], p.Post)
		}
	}
	slices.SortStableFunc(t.Answers, func(x, y Post) int {
		if x.Accepted != y.Accepted {
			if x.Accepted {
				return -1
			}
			return 1
		}
		return y.Votes - x.Votes
	})
	posts := []*Post{&t.Question.Post}
	t.Question.Comments = comments[q.ID]
	for i := range t.Question.Comments {
		posts = append(posts, &t.Question.Comments[i])
	}
	for i := range t.Answers {
		t.Answers[i].Comments = comments[t.Answers[i].ID]
		posts = append(posts, &t.Answers[i])
		for j := range t.Answers[i].Comments {
			posts = append(posts, &t.Answers[i].Comments[j])
		}
	}
	return t, s.decorate(ctx, a, posts)
}

// decorate fills what depends on the reader and on other posts: the HTML,
// the reader's own votes and the authors' reputation.
func (s *Service) decorate(ctx context.Context, a *actor.Actor, posts []*Post) error {
	var ids, authors []string
	for _, p := range posts {
		p.HTML = markdown.Render(p.Body)
		ids = append(ids, p.ID)
		if !slices.Contains(authors, p.Author.ID) {
			authors = append(authors, p.Author.ID)
		}
	}
	userID := ""
	if a != nil {
		userID = a.UserID
	}
	mine, err := s.Store.MyVotes(ctx, userID, ids)
	if err != nil {
		return err
	}
	rep, err := s.Store.Reputation(ctx, authors)
	for _, p := range posts {
		p.MyVote, p.Author.Reputation = mine[p.ID], rep[p.Author.ID]
	}
	return err
}

// visible returns a post the reader may see: a hidden post, or any post of
// a hidden question, is not found except by moderators.
func (s *Service) visible(ctx context.Context, a *actor.Actor, postID string) (Question, error) {
	p, err := s.Store.Post(ctx, s.Store.DB(), postID)
	if err != nil || moderator(a) {
		return p, err
	}
	if p.Hidden {
		return Question{}, problem.ErrNotFound
	}
	if p.Kind != KindQuestion {
		q, err := s.Store.Post(ctx, s.Store.DB(), p.QuestionID)
		if err != nil {
			return Question{}, err
		}
		if q.Hidden {
			return Question{}, problem.ErrNotFound
		}
	}
	return p, nil
}

// stateConflict is a 409 explained by the message key, with args.
func stateConflict(key string, args map[string]any) error {
	return problem.ErrConflict.Explained(key, args)
}

// openFor refuses new answers and comments on a locked question.
func openFor(q Question) error {
	if q.Locked {
		return stateConflict("qa.locked", nil)
	}
	return nil
}

// Answer posts an answer and tells the asker (inbox and e-mail) in the same
// transaction.
func (s *Service) Answer(ctx context.Context, a *actor.Actor, questionID string, in AnswerInput) (Post, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Post{}, err
	}
	q, err := s.visible(ctx, a, questionID)
	if err != nil || q.Kind != KindQuestion {
		return Post{}, cmp.Or[error](err, problem.ErrNotFound)
	}
	if err := openFor(q); err != nil {
		return Post{}, err
	}
	if q.DuplicateOf != "" {
		return Post{}, stateConflict("qa.closed_duplicate", map[string]any{"id": q.DuplicateOf})
	}
	var bad problem.Invalid
	body := strings.TrimSpace(in.Body)
	checkBody(&bad, body, maxPostBody)
	if err := bad.Err(); err != nil {
		return Post{}, err
	}
	var asker []notify.Address
	if q.Author.ID != a.UserID {
		if asker, err = s.deps.People(ctx, []string{q.Author.ID}); err != nil {
			return Post{}, err
		}
	}
	now := s.Clock.Now()
	ans := Question{Post: Post{ID: id.New("a", now), Kind: KindAnswer, QuestionID: q.ID, ParentID: q.ID, Body: body,
		Author: authorOf(a), CreatedAt: now, authorOrg: a.OrgID}, ActiveAt: now}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.InsertPost(ctx, tx, ans); err != nil {
			return err
		}
		if err := s.Store.Touch(ctx, tx, q.ID, now); err != nil {
			return err
		}
		if err := s.reindexQuestion(ctx, tx, q.ID); err != nil {
			return err
		}
		if q.Author.ID != a.UserID {
			args := map[string]any{"name": ans.Author.Name, "title": q.Title}
			if err := s.tell(ctx, tx, q.Author.ID, q.authorOrg, asker, KindAnswered, ans.ID, "qa.news.answered", args, q.ID); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.answer", TargetType: KindAnswer, TargetID: ans.ID, OrgID: a.OrgID,
			Changes: map[string]audit.Change{"question": {After: q.ID}}})
	})
	if err != nil {
		return Post{}, err
	}
	ans.HTML = markdown.Render(ans.Body)
	return ans.Post, nil
}

// tell posts a notice to one person and publishes the same news for their
// e-mail (to, read before the transaction) as kind, once per post.
func (s *Service) tell(ctx context.Context, tx *db.Tx, userID, orgID string, to []notify.Address, kind, postID, key string,
	args map[string]any, questionID string) error {
	title, body := bilingual(key+"_title", args), bilingual(key, args)
	link := QuestionURL(questionID) + "#" + postID
	if err := s.deps.Notices.Post(ctx, tx, []string{userID}, notice.Message{Title: notice.Text(title), Body: notice.Text(body), Link: link}); err != nil {
		return err
	}
	return s.deps.Notify.Publish(ctx, tx, notify.Event{Kind: kind, Key: kind + ":" + postID, OrgID: orgID,
		Title: notify.Text(title), Body: notify.Text(body), Link: link, Severity: notify.SeverityInfo, Emails: to})
}

func bilingual(key string, args map[string]any) Text {
	return Text{Zh: i18n.T(i18n.Chinese, key, args), En: i18n.T(i18n.English, key, args)}
}

// Accept makes an answer the question's accepted answer (moving it from
// another), reindexes the question and tells the answerer. The asker may
// accept; so may staff with actor.AcceptAnswers.
func (s *Service) Accept(ctx context.Context, a *actor.Actor, answerID string) (QuestionThread, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return QuestionThread{}, err
	}
	ans, err := s.visible(ctx, a, answerID)
	if err != nil || ans.Kind != KindAnswer {
		return QuestionThread{}, cmp.Or[error](err, problem.ErrNotFound)
	}
	q, err := s.Store.Post(ctx, s.Store.DB(), ans.QuestionID)
	if err != nil {
		return QuestionThread{}, err
	}
	if !MayAccept(a, q.Author.ID) {
		return QuestionThread{}, problem.ErrForbidden.Explained("qa.accept_forbidden", nil)
	}
	if ans.Hidden {
		return QuestionThread{}, stateConflict("qa.accept_hidden", nil)
	}
	if q.AcceptedID != ans.ID {
		var answerer []notify.Address
		if ans.Author.ID != a.UserID {
			if answerer, err = s.deps.People(ctx, []string{ans.Author.ID}); err != nil {
				return QuestionThread{}, err
			}
		}
		err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
			if err := s.Store.SetAccepted(ctx, tx, q.ID, ans.ID, s.Clock.Now()); err != nil {
				return err
			}
			if err := s.reindexQuestion(ctx, tx, q.ID); err != nil {
				return err
			}
			if ans.Author.ID != a.UserID {
				args := map[string]any{"title": q.Title}
				if err := s.tell(ctx, tx, ans.Author.ID, ans.authorOrg, answerer, KindAccepted, ans.ID, "qa.news.accepted", args, q.ID); err != nil {
					return err
				}
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.accept", TargetType: KindQuestion, TargetID: q.ID,
				Changes: map[string]audit.Change{"accepted_answer": {Before: q.AcceptedID, After: ans.ID}}})
		})
		if err != nil {
			return QuestionThread{}, err
		}
	}
	return s.Question(ctx, a, q.ID)
}

// Vote records the reader's vote on a post: 1 or -1, the same again changes
// nothing, the other switches, 0 withdraws. Nobody votes on their own post.
func (s *Service) Vote(ctx context.Context, a *actor.Actor, postID string, value int) (VoteResult, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return VoteResult{}, err
	}
	if err := checkVote(value); err != nil {
		return VoteResult{}, err
	}
	p, err := s.visible(ctx, a, postID)
	if err != nil {
		return VoteResult{}, err
	}
	if p.Author.ID == a.UserID && value != 0 {
		return VoteResult{}, stateConflict("qa.own_vote", nil)
	}
	res := VoteResult{PostID: p.ID, MyVote: value}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.Lock(ctx, tx, p.ID); err != nil {
			return err
		}
		var err error
		if res.Votes, err = s.Store.SetVote(ctx, tx, p.ID, a.UserID, value, s.Clock.Now()); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.vote", TargetType: p.Kind, TargetID: p.ID,
			Changes: map[string]audit.Change{"vote": {After: value}}})
	})
	return res, err
}

// Comment adds a comment to a question or an answer.
func (s *Service) Comment(ctx context.Context, a *actor.Actor, postID string, in CommentInput) (Comment, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Comment{}, err
	}
	p, err := s.visible(ctx, a, postID)
	if err != nil {
		return Comment{}, err
	}
	if p.Kind == KindComment {
		return Comment{}, stateConflict("qa.comment_on_comment", nil)
	}
	q, err := s.Store.Post(ctx, s.Store.DB(), p.QuestionID)
	if err != nil {
		return Comment{}, err
	}
	if err := openFor(q); err != nil {
		return Comment{}, err
	}
	var bad problem.Invalid
	body := strings.TrimSpace(in.Body)
	checkBody(&bad, body, maxCommentBody)
	if err := bad.Err(); err != nil {
		return Comment{}, err
	}
	now := s.Clock.Now()
	c := Question{Post: Post{ID: id.New("cm", now), Kind: KindComment, QuestionID: q.ID, ParentID: p.ID, Body: body,
		Author: authorOf(a), CreatedAt: now, authorOrg: a.OrgID}, ActiveAt: now}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.InsertPost(ctx, tx, c); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.comment", TargetType: KindComment, TargetID: c.ID, OrgID: a.OrgID,
			Changes: map[string]audit.Change{"on": {After: p.ID}}})
	})
	c.HTML = markdown.Render(c.Body)
	return c.Post, err
}

// EditPost changes a post, keeping what it said as a revision: its author or
// a moderator may. Title and tags belong to questions.
func (s *Service) EditPost(ctx context.Context, a *actor.Actor, postID string, patch PostPatch) (Post, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Post{}, err
	}
	before, err := s.visible(ctx, a, postID)
	if err != nil {
		return Post{}, err
	}
	if !MayEdit(a, before.Author.ID) {
		return Post{}, problem.ErrForbidden.Explained("qa.edit_forbidden", nil)
	}
	after := before
	var bad problem.Invalid
	if before.Kind != KindQuestion {
		if patch.Title != nil {
			bad.Add("title", "field.qa_question_only")
		}
		if patch.Tags != nil {
			bad.Add("tags", "field.qa_question_only")
		}
		setIf(&after.Body, patch.Body)
		after.Body = strings.TrimSpace(after.Body)
		checkBody(&bad, after.Body, map[string]int{KindAnswer: maxPostBody, KindComment: maxCommentBody}[after.Kind])
		if err := bad.Err(); err != nil {
			return Post{}, err
		}
	} else {
		in := QuestionInput{Title: before.Title, Body: before.Body, Product: before.Product, Tags: before.Tags}
		setIf(&in.Title, patch.Title)
		setIf(&in.Body, patch.Body)
		setIf(&in.Tags, patch.Tags)
		if in, err = checkQuestion(in); err != nil {
			return Post{}, err
		}
		after.Title, after.Body, after.Tags = in.Title, in.Body, in.Tags
	}
	if after.Title == before.Title && after.Body == before.Body && slices.Equal(after.Tags, before.Tags) {
		return s.shown(ctx, a, before)
	}
	now := s.Clock.Now()
	after.EditedAt, after.Edited = &now, true
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.UpdatePost(ctx, tx, id.New("qrev", now), authorOf(a), before, after); err != nil {
			return err
		}
		if err := s.reindexQuestion(ctx, tx, after.QuestionID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.edit", TargetType: after.Kind, TargetID: after.ID,
			Changes: audit.Diff(audit.Fields{"title": before.Title, "body": len(before.Body), "tags": strings.Join(before.Tags, ",")},
				audit.Fields{"title": after.Title, "body": len(after.Body), "tags": strings.Join(after.Tags, ",")})})
	})
	if err != nil {
		return Post{}, err
	}
	return s.shown(ctx, a, after)
}

// shown is one post as the reader sees it.
func (s *Service) shown(ctx context.Context, a *actor.Actor, p Question) (Post, error) {
	err := s.decorate(ctx, a, []*Post{&p.Post})
	return p.Post, err
}

// Revisions lists what a post said before each edit, newest first.
func (s *Service) Revisions(ctx context.Context, a *actor.Actor, postID string) ([]Revision, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	if _, err := s.visible(ctx, a, postID); err != nil {
		return nil, err
	}
	return s.Store.Revisions(ctx, postID)
}

// Report tells the moderators about a post; a person's second report of the
// same post leaves the first standing (and returns it).
func (s *Service) Report(ctx context.Context, a *actor.Actor, postID string, in ReportInput) (Report, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Report{}, err
	}
	p, err := s.visible(ctx, a, postID)
	if err != nil {
		return Report{}, err
	}
	if in, err = checkReport(in); err != nil {
		return Report{}, err
	}
	now := s.Clock.Now()
	r := Report{ID: id.New("qrep", now), PostID: p.ID, QuestionID: p.QuestionID, PostKind: p.Kind, Excerpt: cmp.Or(p.Title, p.Body),
		Reason: in.Reason, Note: in.Note, CreatedAt: now}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = s.Store.PutReport(ctx, tx, r, a.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.report", TargetType: p.Kind, TargetID: p.ID, OrgID: a.OrgID,
			Changes: map[string]audit.Change{"reason": {After: in.Reason}, "report": {After: r.ID}}})
	})
	return r, err
}

// Reports lists a page of open reports, oldest first (moderators).
func (s *Service) Reports(ctx context.Context, a *actor.Actor, after string, limit int) ([]Report, error) {
	if err := actor.Require(a, actor.Moderate); err != nil {
		return nil, err
	}
	return s.Store.OpenReports(ctx, after, limit)
}

// Hide takes a post out of sight and out of the index (moderators), with a
// note saying why; the post's open reports are settled.
func (s *Service) Hide(ctx context.Context, a *actor.Actor, postID, reason string) (Post, error) {
	return s.setHidden(ctx, a, postID, true, strings.TrimSpace(reason))
}

// Unhide shows a hidden post again (moderators); its open reports are
// settled as kept.
func (s *Service) Unhide(ctx context.Context, a *actor.Actor, postID string) (Post, error) {
	return s.setHidden(ctx, a, postID, false, "")
}

func (s *Service) setHidden(ctx context.Context, a *actor.Actor, postID string, hidden bool, note string) (Post, error) {
	if err := actor.Require(a, actor.Moderate); err != nil {
		return Post{}, err
	}
	if len([]rune(note)) > maxReportNote {
		return Post{}, problem.InvalidField("reason", "field.too_long")
	}
	p, err := s.Store.Post(ctx, s.Store.DB(), postID)
	if err != nil {
		return Post{}, err
	}
	action := map[bool]string{true: "qa.hide", false: "qa.unhide"}[hidden]
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.SetHidden(ctx, tx, p.ID, hidden, note); err != nil {
			return err
		}
		if err := s.Store.ResolveReports(ctx, tx, p.ID, a.UserID, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.reindexQuestion(ctx, tx, p.QuestionID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: p.Kind, TargetID: p.ID,
			Changes: map[string]audit.Change{"hidden": {Before: p.Hidden, After: hidden}, "note": {Before: p.HiddenNote, After: note}}})
	})
	if err != nil {
		return Post{}, err
	}
	p.Hidden, p.HiddenNote = hidden, note
	return s.shown(ctx, a, p)
}

// Lock stops new answers and comments on a question (moderators).
func (s *Service) Lock(ctx context.Context, a *actor.Actor, questionID string) (Question, error) {
	return s.moderateQuestion(ctx, a, questionID, "qa.lock", func(tx *db.Tx, q *Question) error {
		q.Locked = true
		return s.Store.SetLocked(ctx, tx, q.ID, true)
	})
}

// Unlock opens a locked question again (moderators).
func (s *Service) Unlock(ctx context.Context, a *actor.Actor, questionID string) (Question, error) {
	return s.moderateQuestion(ctx, a, questionID, "qa.unlock", func(tx *db.Tx, q *Question) error {
		q.Locked = false
		return s.Store.SetLocked(ctx, tx, q.ID, false)
	})
}

// CloseAsDuplicate closes a question as a duplicate of another visible
// question, which its page links to; it takes no new answers (moderators).
func (s *Service) CloseAsDuplicate(ctx context.Context, a *actor.Actor, questionID, duplicateOf string) (Question, error) {
	if err := actor.Require(a, actor.Moderate); err != nil {
		return Question{}, err
	}
	duplicateOf = strings.TrimSpace(duplicateOf)
	switch other, err := s.Store.Post(ctx, s.Store.DB(), duplicateOf); {
	case duplicateOf == "":
		return Question{}, problem.InvalidField("duplicate_of", "field.required")
	case duplicateOf == questionID:
		return Question{}, problem.InvalidField("duplicate_of", "field.qa_duplicate_self")
	case errors.Is(err, problem.ErrNotFound), err == nil && (other.Kind != KindQuestion || other.Hidden):
		return Question{}, problem.InvalidField("duplicate_of", "field.qa_duplicate_unknown")
	case err != nil:
		return Question{}, err
	}
	return s.moderateQuestion(ctx, a, questionID, "qa.close", func(tx *db.Tx, q *Question) error {
		q.DuplicateOf = duplicateOf
		return s.Store.SetDuplicate(ctx, tx, q.ID, duplicateOf)
	})
}

// moderateQuestion changes a question by change, audited as action.
func (s *Service) moderateQuestion(ctx context.Context, a *actor.Actor, questionID, action string, change func(*db.Tx, *Question) error) (Question, error) {
	if err := actor.Require(a, actor.Moderate); err != nil {
		return Question{}, err
	}
	q, err := s.Store.Post(ctx, s.Store.DB(), questionID)
	if err != nil || q.Kind != KindQuestion {
		return Question{}, cmp.Or[error](err, problem.ErrNotFound)
	}
	before := q
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := change(tx, &q); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: KindQuestion, TargetID: q.ID,
			Changes: audit.Diff(audit.Fields{"locked": before.Locked, "duplicate_of": before.DuplicateOf},
				audit.Fields{"locked": q.Locked, "duplicate_of": q.DuplicateOf})})
	})
	if err != nil {
		return Question{}, err
	}
	return q, s.decorate(ctx, a, []*Post{&q.Post})
}

// Similar finds the questions and help articles most like a title being
// typed, so that the asker sees the answers that may already exist.
func (s *Service) Similar(ctx context.Context, a *actor.Actor, title string, limit int) ([]search.Hit, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	if title = strings.TrimSpace(title); title == "" {
		return []search.Hit{}, nil
	}
	// Courses share the index; ask for more to keep limit after leaving them
	// out. A suggestion must hold half the title's words: one shared
	// character is no likeness, and an empty box says "ask away".
	res, err := s.Search(ctx, search.Query{Text: title, Limit: min(3*limit, search.MaxLimit), MinShare: 0.5}, web.Lang(ctx))
	if err != nil {
		return nil, err
	}
	hits := []search.Hit{}
	for _, h := range res.Items {
		if (h.Type == QuestionDoc || h.Type == ArticleDoc) && len(hits) < limit {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// reindexQuestion puts a question in the index as it stands in tx, or takes
// it out when hidden.
func (s *Service) reindexQuestion(ctx context.Context, tx *db.Tx, questionID string) error {
	q, err := s.Store.Post(ctx, tx, questionID)
	if err != nil {
		return err
	}
	if q.Hidden {
		return s.Index.Delete(ctx, tx, QuestionDoc, q.ID)
	}
	answers, err := s.Store.VisibleAnswers(ctx, tx, []string{q.ID})
	if err != nil {
		return err
	}
	return s.Index.Put(ctx, tx, questionDoc(q, answers))
}

// QuestionDocs gives every visible question's search document to put: the
// rebuild command's producer, the same documents the live reindex writes.
func (s *Service) QuestionDocs(ctx context.Context, put func(search.Doc) error) error {
	const page = 500
	after := ""
	for {
		list, err := s.Store.VisibleQuestions(ctx, after, page)
		if err != nil || len(list) == 0 {
			return err
		}
		ids := make([]string, len(list))
		for i, q := range list {
			ids[i] = q.ID
		}
		answers, err := s.Store.VisibleAnswers(ctx, s.Store.DB(), ids)
		if err != nil {
			return err
		}
		byQuestion := map[string][]Question{}
		for _, ans := range answers {
			byQuestion[ans.QuestionID] = append(byQuestion[ans.QuestionID], ans)
		}
		for _, q := range list {
			if err := put(questionDoc(q, byQuestion[q.ID])); err != nil {
				return fmt.Errorf("question %s: %w", q.ID, err)
			}
		}
		after = list[len(list)-1].ID
	}
}

// questionDoc is a question's search document: its title; its body, tags
// and, of its visible answers, the accepted one and the staff's as plain
// text; vetted as a help article is once an answer is accepted (the best sign
// it is settled), a little less with a staff answer alone, least without.
func questionDoc(q Question, answers []Question) search.Doc {
	body := append([]string{markdown.Text(q.Body)}, q.Tags...)
	boost := search.Unvetted
	for _, ans := range answers {
		switch {
		case ans.Kind != KindAnswer:
			continue
		case ans.ID == q.AcceptedID:
			boost = search.Vetted
		case ans.Author.Staff:
			boost = max(boost, search.StaffAnswered)
		default:
			continue
		}
		body = append(body, markdown.Text(ans.Body))
	}
	return search.Doc{Type: QuestionDoc, ID: q.ID, Title: q.Title, Body: strings.Join(body, "\n"), Product: q.Product,
		Boost: boost, URL: QuestionURL(q.ID), UpdatedAt: q.ActiveAt}
}

// ImportQuestions writes shipped questions and answers under their own ids
// (links stay stable), skipping those already there, indexed, in one
// transaction; nobody is notified.
func (s *Service) ImportQuestions(ctx context.Context, list []ImportedQuestion) error {
	var fresh []Question
	for _, iq := range list {
		if _, err := s.Store.Post(ctx, s.Store.DB(), iq.ID); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		in, err := checkQuestion(iq.Input)
		if err != nil {
			return fmt.Errorf("question %s: %w", iq.ID, err)
		}
		q := Question{Post: Post{ID: iq.ID, Kind: KindQuestion, QuestionID: iq.ID, Title: in.Title, Body: in.Body, Author: authorOf(iq.Asker),
			CreatedAt: iq.At, authorOrg: iq.Asker.OrgID}, Product: in.Product, Tags: in.Tags, ActiveAt: iq.At}
		fresh = append(fresh, q)
		for _, ia := range iq.Answers {
			ans := Question{Post: Post{ID: ia.ID, Kind: KindAnswer, QuestionID: q.ID, ParentID: q.ID, Body: strings.TrimSpace(ia.Body),
				Author: authorOf(ia.Author), CreatedAt: ia.At, authorOrg: ia.Author.OrgID}, ActiveAt: ia.At}
			if ans.Body == "" {
				return fmt.Errorf("answer %s: empty body", ia.ID)
			}
			if ia.Accepted {
				fresh[len(fresh)-1].AcceptedID = ia.ID
			}
			if ia.At.After(fresh[len(fresh)-1].ActiveAt) {
				fresh[len(fresh)-1].ActiveAt = ia.At
			}
			fresh = append(fresh, ans)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		for _, p := range fresh {
			if err := s.Store.InsertPost(ctx, tx, p); err != nil {
				return err
			}
		}
		answers := map[string][]Question{}
		for _, p := range fresh {
			answers[p.QuestionID] = append(answers[p.QuestionID], p)
		}
		for _, p := range fresh {
			if p.Kind != KindQuestion {
				continue
			}
			if err := s.Index.Put(ctx, tx, questionDoc(p, answers[p.ID])); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "qa.import", TargetType: KindQuestion, TargetID: fresh[0].ID,
			Changes: map[string]audit.Change{"posts": {After: len(fresh)}}})
	})
	if db.IsUniqueViolation(err) { // another instance imported them meanwhile
		return nil
	}
	return err
}
