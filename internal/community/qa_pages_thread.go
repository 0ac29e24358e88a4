package community

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// A question's page: the question, its answers (the accepted first) and
// their comments, with the forms to answer, comment, vote, accept, report,
// edit and, for moderators, hide, lock and close as a duplicate.

// postView is a post as the thread shows it, with what the reader may do
// to it. The service decides every action again; these only choose which
// buttons to show.
type postView struct {
	Post
	Comments []postView // shadows Post.Comments
	// Up and Down are what the vote buttons send: 0 takes back the
	// reader's vote of that direction.
	Up, Down  int
	CanVote   bool
	CanEdit   bool
	CanAccept bool
}

// threadData fills the question's page.
type threadData struct {
	web.Invitation
	Question  Question
	Post      postView // the question as a post
	Answers   []postView
	Moderator bool
	Closed    string // the page of the question this one duplicates
	Done      string
	// Failed is where the Errors belong: "answer", "question" (the
	// moderators' forms), or a post's id with the Action refused there;
	// Typed is what was typed into the form.
	Failed, Action, Typed string
	Errors                *web.FormErrors
	Reasons               []string // what a report may give as its reason
}

// threadDone are the ?done= values the page confirms.
var threadDone = []string{"asked", "answers", "comments", "vote", "report", "accept", "hide", "unhide", "edit", "lock", "unlock", "close"}

// postAs is post as reader a sees it on a question asked by asker.
func postAs(a *actor.Actor, post Post, may bool, asker string) postView {
	v := postView{Post: post, Up: 1, Down: -1}
	if post.MyVote == 1 {
		v.Up = 0
	} else if post.MyVote == -1 {
		v.Down = 0
	}
	if a != nil && may {
		mine := post.Author.ID == a.UserID
		v.CanVote = !mine
		v.CanEdit = MayEdit(a, post.Author.ID)
		v.CanAccept = post.Kind == KindAnswer && !post.Accepted && !post.Hidden && MayAccept(a, asker)
	}
	for _, c := range post.Comments {
		v.Comments = append(v.Comments, postAs(a, c, may, asker))
	}
	return v
}

func (p *QAPages) renderThread(w http.ResponseWriter, r *http.Request, status int, d threadData) error {
	a := actor.From(r.Context())
	t, err := p.svc.Question(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := t.Question
	if d.Invitation, err = p.mayPost(r, a, QuestionURL(q.ID)); err != nil {
		return err
	}
	asker := q.Author.ID
	d.Question, d.Post = q, postAs(a, q.Post, d.May(), asker)
	for _, ans := range t.Answers {
		d.Answers = append(d.Answers, postAs(a, ans, d.May(), asker))
	}
	d.Moderator, d.Reasons = a != nil && moderator(a), ReportReasons
	if q.DuplicateOf != "" {
		d.Closed = QuestionURL(q.DuplicateOf)
	}
	if done := r.URL.Query().Get("done"); slices.Contains(threadDone, done) {
		d.Done = "qa_pages.done." + done
	}
	return p.pages.Render(w, r, status, "qa_thread", d)
}

func (p *QAPages) thread(w http.ResponseWriter, r *http.Request, _ *actor.Actor) error {
	return p.renderThread(w, r, http.StatusOK, threadData{})
}

// backTo sends the browser to the question's page after a change, at the
// post it changed, saying what was done.
func backTo(w http.ResponseWriter, r *http.Request, questionID, done, postID string) {
	to := QuestionURL(url.PathEscape(questionID)) + "?done=" + done
	if postID != "" {
		to += "#post-" + url.PathEscape(postID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// failed shows the question's page again with the refusal beside the form
// that caused it; failures of the server go to the error page.
func (p *QAPages) failed(w http.ResponseWriter, r *http.Request, err error, form, action, typed string) error {
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderThread(w, r, status, threadData{Failed: form, Action: action, Typed: typed, Errors: fe})
}

func (p *QAPages) answer(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	questionID, body := r.PathValue("id"), r.PostFormValue("body")
	ans, err := p.svc.Answer(r.Context(), a, questionID, AnswerInput{Body: body})
	if err != nil {
		return p.failed(w, r, err, "answer", "", body)
	}
	backTo(w, r, questionID, "answers", ans.ID)
	return nil
}

// moderate locks, unlocks or closes the question as a duplicate.
func (p *QAPages) moderate(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	questionID, action := r.PathValue("id"), r.PathValue("action")
	typed := r.PostFormValue("duplicate_of")
	switch action {
	case "lock":
		_, err = p.svc.Lock(r.Context(), a, questionID)
	case "unlock":
		_, err = p.svc.Unlock(r.Context(), a, questionID)
	case "close":
		_, err = p.svc.CloseAsDuplicate(r.Context(), a, questionID, duplicateID(typed))
	default:
		return problem.ErrNotFound
	}
	if err != nil {
		return p.failed(w, r, err, "question", action, typed)
	}
	backTo(w, r, questionID, action, "")
	return nil
}

// act does one thing to a post of the question: vote, comment, report,
// accept, and for moderators hide or show again.
func (p *QAPages) act(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	ctx, questionID, postID, action := r.Context(), r.PathValue("id"), r.PathValue("post"), r.PathValue("action")
	typed := r.PostFormValue("body")
	switch action {
	case "vote":
		err = p.vote(r, a, postID)
	case "comments":
		_, err = p.svc.Comment(ctx, a, postID, CommentInput{Body: typed})
	case "report":
		typed = r.PostFormValue("note")
		_, err = p.svc.Report(ctx, a, postID, ReportInput{Reason: r.PostFormValue("reason"), Note: typed})
	case "accept":
		_, err = p.svc.Accept(ctx, a, postID)
	case "hide":
		typed = r.PostFormValue("reason")
		_, err = p.svc.Hide(ctx, a, postID, typed)
	case "unhide":
		_, err = p.svc.Unhide(ctx, a, postID)
	default:
		return problem.ErrNotFound
	}
	if err != nil {
		return p.failed(w, r, err, postID, action, typed)
	}
	backTo(w, r, questionID, action, postID)
	return nil
}

// vote reads the vote button's value (1, -1, or 0 to take a vote back).
func (p *QAPages) vote(r *http.Request, a *actor.Actor, postID string) error {
	value, err := strconv.Atoi(r.PostFormValue("value"))
	if err != nil {
		return problem.InvalidField("value", "field.qa_vote")
	}
	_, err = p.svc.Vote(r.Context(), a, postID, value)
	return err
}

// duplicateID reads the question a moderator names as the original: its id,
// or its page's address pasted whole.
func duplicateID(typed string) string { return web.PastedID(typed, QuestionsPath) }

// editForm is the edit form as typed: title and tags belong to questions.
type editForm struct {
	Title, Body, Tags string
}

type editData struct {
	Question Question
	Post     Post
	Form     editForm
	Errors   *web.FormErrors
}

// findPost returns the post of the question's thread, which the reader
// may see (404 otherwise).
func findPost(t QuestionThread, postID string) (Post, bool) {
	all := append([]Post{t.Question.Post}, t.Question.Comments...)
	for _, ans := range t.Answers {
		all = append(append(all, ans), ans.Comments...)
	}
	i := slices.IndexFunc(all, func(p Post) bool { return p.ID == postID })
	if i < 0 {
		return Post{}, false
	}
	return all[i], true
}

func (p *QAPages) renderEdit(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d editData) error {
	t, err := p.svc.Question(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	post, ok := findPost(t, r.PathValue("post"))
	if !ok {
		return problem.ErrNotFound
	}
	if !MayEdit(a, post.Author.ID) {
		return problem.ErrForbidden.Explained("qa.edit_forbidden", nil)
	}
	d.Question, d.Post = t.Question, post
	if d.Form == (editForm{}) {
		d.Form = editForm{Title: post.Title, Body: post.Body}
		if post.Kind == KindQuestion {
			d.Form.Tags = strings.Join(t.Question.Tags, ", ")
		}
	}
	return p.pages.Render(w, r, status, "qa_edit", d)
}

func (p *QAPages) editPage(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	return p.renderEdit(w, r, a, http.StatusOK, editData{})
}

func (p *QAPages) edit(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	form := editForm{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Tags: r.PostFormValue("tags")}
	patch := PostPatch{Body: &form.Body}
	// Only a question's form has a title; an answer's or a comment's sends none.
	if r.PostForm.Has("title") {
		tags := commaList(form.Tags)
		patch.Title, patch.Tags = &form.Title, &tags
	}
	post, err := p.svc.EditPost(r.Context(), a, r.PathValue("post"), patch)
	if err == nil {
		backTo(w, r, r.PathValue("id"), "edit", post.ID)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderEdit(w, r, a, status, editData{Form: form, Errors: fe})
}

type revisionsData struct {
	Question  Question
	Post      Post
	Revisions []Revision
}

// revisions shows what a post said before each of its edits, newest first,
// under what it says now.
func (p *QAPages) revisions(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	t, err := p.svc.Question(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	post, ok := findPost(t, r.PathValue("post"))
	if !ok {
		return problem.ErrNotFound
	}
	list, err := p.svc.Revisions(r.Context(), a, post.ID)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_revisions", revisionsData{Question: t.Question, Post: post, Revisions: list})
}
