package community

import (
	"net/http"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// The console's help editor: the help center's writers (others 403), plain
// forms that work without JavaScript.

// editorData fills the editor: every article (drafts too) with its
// readers' counts, and the form of a new article or of the one being edited
// (ID set, with what its readers said).
type editorData struct {
	Articles   []ArticleLink
	Counts     map[string]FeedbackSummary
	Categories []Category
	ID         string
	Form       ArticleInput
	Errors     *web.FormErrors
	Feedback   *FeedbackSummary
}

// editorLimit bounds the editor's list; older articles are reached through
// their category pages.
const editorLimit = 200

func (p *Pages) writer(r *http.Request) (*actor.Actor, error) {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return nil, err
	}
	return a, p.svc.Authorize(a)
}

func (p *Pages) editorPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, data editorData) error {
	cats, err := p.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	list, err := p.svc.Articles(r.Context(), a, ArticleFilter{Limit: editorLimit})
	if err != nil {
		return err
	}
	if data.Counts, err = p.svc.FeedbackCounts(r.Context(), a); err != nil {
		return err
	}
	data.Categories, data.Articles = cats, links(list, web.Lang(r.Context()))
	return p.pages.Render(w, r, status, "help_console", data)
}

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, http.StatusOK, editorData{Form: ArticleInput{Status: Draft}})
}

func (p *Pages) editForm(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	art, err := p.svc.ArticleDetail(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, http.StatusOK, editorData{ID: art.ID, Feedback: art.Feedback, Form: ArticleInput{Title: art.Title,
		Body: art.Body, Category: art.Category, Product: art.Product, Versions: art.Versions, Tags: art.Tags, Status: art.Status}})
}

// historyData is an article's history with one revision and its diff.
type historyData struct {
	ID        string
	Title     string
	Revisions []ArticleRevision
	Shown     ArticleRevisionDiff
	// Fields are the diff's texts in the order shown.
	Fields []string
}

// revisions shows an article's history and the diff of the revision in
// the path (the newest without one).
func (p *Pages) revisions(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	revs, err := p.svc.ArticleRevisions(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	number := revs[0].Number
	if r.PathValue("rev") != "" {
		if number, err = revisionNumber(r); err != nil {
			return err
		}
	}
	shown, err := p.svc.ArticleRevision(r.Context(), a, r.PathValue("id"), number)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "help_revisions", historyData{ID: r.PathValue("id"), Title: revs[0].Title.In(web.Lang(r.Context())),
		Revisions: revs, Shown: shown, Fields: []string{"title.zh", "title.en", "status", "body.zh", "body.en"}})
}

// formInput reads the editor's fields; tags and versions are comma-separated.
func formInput(r *http.Request) ArticleInput {
	list := func(name string) []string {
		return strings.FieldsFunc(r.PostFormValue(name), func(c rune) bool { return c == ',' || c == '，' })
	}
	return ArticleInput{
		Title:    Text{Zh: r.PostFormValue("title_zh"), En: r.PostFormValue("title_en")},
		Body:     Text{Zh: r.PostFormValue("body_zh"), En: r.PostFormValue("body_en")},
		Category: r.PostFormValue("category"), Product: r.PostFormValue("product"),
		Versions: list("versions"), Tags: list("tags"), Status: r.PostFormValue("status"),
	}
}

// save creates an article (no id in the path) or changes one, then shows it.
func (p *Pages) save(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	in := formInput(r)
	var art Article
	if id := r.PathValue("id"); id == "" {
		art, err = p.svc.CreateArticle(r.Context(), a, in)
	} else {
		art, err = p.svc.UpdateArticle(r.Context(), a, id, ArticlePatch{Title: &in.Title, Body: &in.Body, Category: &in.Category,
			Product: &in.Product, Versions: &in.Versions, Tags: &in.Tags, Status: &in.Status})
	}
	if err == nil {
		http.Redirect(w, r, art.URL(), http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, status, editorData{ID: r.PathValue("id"), Form: in, Errors: fe})
}
