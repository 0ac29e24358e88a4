package ideas

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// The form to post an idea with the similar ideas shown while its title is
// typed, and an idea's page with its votes, followers, history and comments.

// postFormLimit bounds a posted idea with its picture, or a picture added
// later: a picture and as much text as any page's form.
const postFormLimit = MaxImageSize + web.DefaultBodyLimit

// ideaForm is the form to post an idea as typed.
type ideaForm struct {
	Title, Body, Product string
	Modules              []string
}

// Has says whether the module was ticked.
func (f ideaForm) Has(module string) bool { return slices.Contains(f.Modules, module) }

func (f ideaForm) input() Input {
	return Input{Title: f.Title, Body: f.Body, Product: f.Product, Modules: f.Modules}
}

// similarRow is an idea like the title being typed.
type similarRow struct {
	ID, Title, Status string
	Votes             int
	URL               string
}

type similarData struct {
	Title string // as typed; nothing is looked up for an empty title
	Ideas []similarRow
}

type newData struct {
	web.Invitation
	Form     ideaForm
	Products productViews
	Similar  similarData
	Errors   *web.FormErrors
}

// similar looks up the ideas like the title, for the form and its box.
func (p *Pages) similar(r *http.Request, a *actor.Actor, title string) (similarData, error) {
	d := similarData{Title: strings.TrimSpace(title)}
	if d.Title == "" {
		return d, nil
	}
	list, err := p.svc.Similar(r.Context(), a, d.Title, similarCount)
	for _, it := range list {
		d.Ideas = append(d.Ideas, similarRow{ID: it.ID, Title: it.Title, Status: it.Status, Votes: it.Votes, URL: IdeaURL(it.ID)})
	}
	return d, err
}

func (p *Pages) renderNew(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d newData) error {
	var err error
	if d.Invitation, err = p.mayPost(r, a, NewPath); err != nil {
		return err
	}
	if d.Products, err = p.localProducts(r.Context(), web.Lang(r.Context())); err != nil {
		return err
	}
	if d.Form.Product == "" && len(d.Products) == 1 {
		d.Form.Product = d.Products[0].Code
	}
	if d.Similar, err = p.similar(r, a, d.Form.Title); err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "idea_new", d)
}

// newPage shows the form; what is in the address (the form's "look for
// similar ideas" button without JavaScript) is filled in.
func (p *Pages) newPage(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	q := r.URL.Query()
	return p.renderNew(w, r, a, http.StatusOK, newData{Form: ideaForm{Title: q.Get("title"), Body: q.Get("body"),
		Product: q.Get("product"), Modules: q["modules"]}})
}

// post creates the idea from the form and adds its picture, if one was
// chosen. A picture refused after the idea was posted does not undo the
// idea: its page says so and offers to add another.
func (p *Pages) post(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	form, err := readIdeaForm(r)
	if err == nil {
		var it Idea
		if it, err = p.svc.Create(r.Context(), a, form.input()); err == nil {
			done := "posted"
			if p.attach(r, a, it.ID) != nil {
				done = "posted_image_refused"
			}
			http.Redirect(w, r, IdeaURL(it.ID)+"?done="+done, http.StatusSeeOther)
			return nil
		}
	}
	fe, status, err := web.AsFormErrors(r, tooLarge(err))
	if err != nil {
		return err
	}
	return p.renderNew(w, r, a, status, newData{Form: form, Errors: fe})
}

// readIdeaForm reads the form, sent as multipart when it carries a picture.
func readIdeaForm(r *http.Request) (ideaForm, error) {
	if err := r.ParseMultipartForm(postFormLimit); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return ideaForm{}, err
	}
	v := r.PostFormValue
	return ideaForm{Title: v("title"), Body: v("body"), Product: v("product"), Modules: r.PostForm["modules"]}, nil
}

// tooLarge words a body over the form's limit as the problem a person reads.
func tooLarge(err error) error {
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return errImageTooLarge()
	}
	return err
}

// attach adds the form's picture to the idea; no picture chosen is no error.
func (p *Pages) attach(r *http.Request, a *actor.Actor, id string) error {
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil
	} else if err != nil {
		return err
	}
	defer file.Close()
	_, err = p.svc.AddImage(r.Context(), a, id, header.Filename, header.Header.Get("Content-Type"), file)
	return err
}

// similarBox answers the title field as it is typed: htmx takes the box out
// of the page (hx-select); without JavaScript it is a page of its own.
func (p *Pages) similarBox(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	d, err := p.similar(r, a, r.URL.Query().Get("title"))
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "idea_similar", d)
}

type ideaData struct {
	web.Invitation
	Row      ideaRow
	Comments []Comment
	Manager  bool // the reader is a product manager: a link to the console
	Author   bool // the reader posted it: may add pictures
	Done     string
	// Failed is the form the Errors belong to ("vote", "follow",
	// "comments", "images"); Typed is the comment as typed.
	Failed, Typed string
	Errors        *web.FormErrors
}

// ideaDone are the ?done= values the idea's page confirms.
var ideaDone = []string{"posted", "posted_image_refused", "vote", "unvote", "follow", "unfollow", "comments", "images", "status", "merged"}

func (p *Pages) renderIdea(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d ideaData) error {
	ctx := r.Context()
	row, err := p.live(w, r, a, IdeaURL)
	if err != nil || row.ID == "" {
		return err
	}
	it := row.Idea
	if d.Comments, err = p.svc.Comments(ctx, a, it.ID); err != nil {
		return err
	}
	if d.Invitation, err = p.mayPost(r, a, IdeaURL(it.ID)); err != nil {
		return err
	}
	d.Row = row
	d.Manager = a != nil && p.svc.CanManage(a) == nil
	d.Author = a != nil && a.UserID == it.Author.ID
	if done := r.URL.Query().Get("done"); slices.Contains(ideaDone, done) {
		d.Done = "ideas_pages.done." + done
	}
	return p.pages.Render(w, r, status, "idea", d)
}

// live reads the idea of the path as a row in the reader's language. A
// merged idea's address leads for good (301) to its survivor's page at; it
// then returns no row and no error.
func (p *Pages) live(w http.ResponseWriter, r *http.Request, a *actor.Actor, at func(id string) string) (ideaRow, error) {
	ctx := r.Context()
	it, err := p.svc.Get(ctx, a, r.PathValue("id"))
	if err != nil {
		return ideaRow{}, err
	}
	if it.MergedInto != "" {
		http.Redirect(w, r, at(it.MergedInto), http.StatusMovedPermanently)
		return ideaRow{}, nil
	}
	lang := web.Lang(ctx)
	cat, err := p.localProducts(ctx, lang)
	return cat.row(it, p.svc.Clock.Now(), lang), err
}

func (p *Pages) idea(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return p.renderIdea(w, r, a, http.StatusOK, ideaData{})
}

// act votes, follows (or takes either back) or comments, then goes back to
// where the button was (the square's row or the idea's page); a refusal is
// shown on the idea's page beside the form.
func (p *Pages) act(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	ctx, id, action := r.Context(), r.PathValue("id"), r.PathValue("action")
	typed := r.PostFormValue("body")
	var err error
	switch action {
	case "vote":
		_, err = p.svc.Vote(ctx, a, id)
	case "unvote":
		_, err = p.svc.Unvote(ctx, a, id)
	case "follow":
		_, err = p.svc.Follow(ctx, a, id)
	case "unfollow":
		_, err = p.svc.Unfollow(ctx, a, id)
	case "comments":
		_, err = p.svc.Comment(ctx, a, id, typed)
	default:
		return problem.ErrNotFound
	}
	if err != nil {
		return p.failed(w, r, a, err, strings.TrimPrefix(action, "un"), typed)
	}
	back := IdeaURL(id) + "?done=" + action
	if action == "comments" {
		back += "#comments"
	}
	http.Redirect(w, r, web.LocalPath(r.PostFormValue("next"), back), http.StatusSeeOther)
	return nil
}

// failed shows the idea's page again with the refusal beside the form that
// caused it; failures of the server go to the error page.
func (p *Pages) failed(w http.ResponseWriter, r *http.Request, a *actor.Actor, err error, form, typed string) error {
	fe, status, err := web.AsFormErrors(r, tooLarge(err))
	if err != nil {
		return err
	}
	return p.renderIdea(w, r, a, status, ideaData{Failed: form, Typed: typed, Errors: fe})
}

// addImage adds a picture to the idea from its page.
func (p *Pages) addImage(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	id := r.PathValue("id")
	err := r.ParseMultipartForm(postFormLimit)
	if err == nil {
		_, _, err = r.FormFile("file")
		if errors.Is(err, http.ErrMissingFile) {
			err = problem.InvalidField("file", "field.required")
		}
	}
	if err == nil {
		err = p.attach(r, a, id)
	}
	if err != nil {
		return p.failed(w, r, a, err, "images", "")
	}
	http.Redirect(w, r, IdeaURL(id)+"?done=images", http.StatusSeeOther)
	return nil
}
