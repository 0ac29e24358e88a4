package community

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// Pages holds the help center's public pages. No login is needed unless the
// community's setting requires one; vendor staff who write the help center
// also see drafts.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /help", readable(p.svc, p.home))
	rt.Page("GET /help/search", readable(p.svc, p.search))
	rt.Page("GET /help/articles/{id}", readable(p.svc, p.article))
	rt.Page("POST /help/articles/{id}/feedback", web.Authed(p.giveFeedback))
	rt.Page("GET /help/{category}", readable(p.svc, p.category))
	rt.Page("GET /console/help", p.console)
	rt.Page("POST /console/help", p.save)
	rt.Page("GET /console/help/{id}", p.editForm)
	rt.Page("POST /console/help/{id}", p.save)
	rt.Page("GET /console/help/{id}/revisions", p.revisions)
	rt.Page("GET /console/help/{id}/revisions/{rev}", p.revisions)
}

// recentCount is how many articles the help center's home lists.
const recentCount = 10

// CategoryView is a category in the reader's language, with its subcategories.
type CategoryView struct {
	Slug, Name string
	Children   []CategoryView
}

// ArticleLink is an article in a list, in the reader's language.
type ArticleLink struct {
	ID, Title, Status string
	Category          string
	UpdatedAt         time.Time
}

// ArticleView is an article's page in the reader's language.
type ArticleView struct {
	Article  ArticleDetail
	Title    string
	Body     template.HTML
	English  bool // the English text is shown
	Category CategoryView
	Related  []ArticleLink
	Feedback *FeedbackForm // published articles only
}

// FeedbackForm is the article page's "was this helpful?": a visitor is
// asked to sign in, someone who may not post is told why, others answer
// (and may change their answer).
type FeedbackForm struct {
	Visitor bool
	Refusal string
	Mine    *Feedback
	Reasons []string
	Reason  string // picked in a form shown again
	Note    string
	Errors  *web.FormErrors
}

// Hit is a search result with its snippet marked up.
type Hit struct {
	Title, URL string
	Snippet    template.HTML
}

type homeData struct {
	Categories []CategoryView
	Recent     []ArticleLink
}

type categoryData struct {
	Category CategoryView
	Parent   *CategoryView
	Articles []ArticleLink
}

type searchData struct {
	Query      string
	Hits       []Hit
	NextCursor string
}

func (p *Pages) home(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	lang := web.Lang(r.Context())
	cats, err := p.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	recent, err := p.svc.Articles(r.Context(), a, ArticleFilter{Limit: recentCount})
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "help", homeData{Categories: tree(cats, lang), Recent: links(recent, lang)})
}

func (p *Pages) category(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	lang := web.Lang(r.Context())
	c, err := p.svc.Category(r.Context(), r.PathValue("category"))
	if err != nil {
		return err
	}
	cats, err := p.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	data := categoryData{Category: view(c, lang)}
	for _, v := range tree(cats, lang) {
		if v.Slug == c.Slug {
			data.Category = v
		} else if v.Slug == c.Parent {
			data.Parent = &v
		}
	}
	list, err := p.svc.Articles(r.Context(), a, ArticleFilter{Category: c.Slug, Limit: 200})
	if err != nil {
		return err
	}
	data.Articles = links(list, lang)
	return p.pages.Render(w, r, http.StatusOK, "help_category", data)
}

func (p *Pages) article(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := p.articleView(r, a)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "help_article", v)
}

// giveFeedback takes the answer to "was this helpful?" (helpful=yes|no,
// reason, note) and goes back to the article, or shows it again with the
// fault beside the form.
func (p *Pages) giveFeedback(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := p.svc.CanPost(r.Context(), a); err != nil {
		return err
	}
	in := FeedbackInput{Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
	if answer := r.PostFormValue("helpful"); answer == "yes" || answer == "no" {
		helpful := answer == "yes"
		in.Helpful = &helpful
	}
	f, err := p.svc.GiveFeedback(r.Context(), a, r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, Article{ID: f.ArticleID}.URL()+"#feedback", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	v, err := p.articleView(r, a)
	if err != nil {
		return err
	}
	if v.Feedback != nil {
		v.Feedback.Errors, v.Feedback.Reason, v.Feedback.Note = fe, in.Reason, in.Note
	}
	return p.pages.Render(w, r, status, "help_article", v)
}

// articleView is the article of the request's path in the reader's language.
func (p *Pages) articleView(r *http.Request, a *actor.Actor) (ArticleView, error) {
	lang := web.Lang(r.Context())
	art, err := p.svc.ArticleDetail(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return ArticleView{}, err
	}
	c, err := p.svc.Category(r.Context(), art.Category)
	if err != nil {
		return ArticleView{}, err
	}
	english := lang == i18n.English && art.Body.En != ""
	v := ArticleView{Article: art, Title: art.Title.Zh, Body: art.HTML.Zh, Category: view(c, lang), English: english}
	if english {
		v.Title, v.Body = art.Title.In(lang), art.HTML.En
	}
	for _, rel := range art.Related {
		v.Related = append(v.Related, ArticleLink{ID: rel.ID, Title: rel.Title.In(lang)})
	}
	if art.Status != Published {
		return v, nil
	}
	v.Feedback = &FeedbackForm{Visitor: a == nil, Mine: art.MyFeedback, Reasons: FeedbackReasons}
	if a != nil {
		if err := p.svc.CanPost(r.Context(), a); err != nil {
			refusal, _ := web.ToProblem(r, err)
			v.Feedback.Refusal = refusal.Detail
		}
	}
	return v, nil
}

func (p *Pages) search(w http.ResponseWriter, r *http.Request, _ *actor.Actor) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := searchData{Query: q}
	if q != "" {
		res, err := p.svc.Search(r.Context(), search.Query{Text: q, Cursor: r.URL.Query().Get("cursor")}, web.Lang(r.Context()))
		if err != nil {
			return err
		}
		for _, h := range res.Items {
			// The index escapes the snippet's text and adds only <mark>.
			data.Hits = append(data.Hits, Hit{Title: h.Title, URL: h.URL, Snippet: template.HTML(h.Snippet)})
		}
		data.NextCursor = res.NextCursor
	}
	return p.pages.Render(w, r, http.StatusOK, "help_search", data)
}

func view(c Category, lang i18n.Lang) CategoryView {
	return CategoryView{Slug: c.Slug, Name: c.Name.In(lang)}
}

// tree nests the categories (listed parents first) one level deep.
func tree(cats []Category, lang i18n.Lang) []CategoryView {
	var top []CategoryView
	at := map[string]int{}
	for _, c := range cats {
		if i, ok := at[c.Parent]; ok && c.Parent != "" {
			top[i].Children = append(top[i].Children, view(c, lang))
			continue
		}
		at[c.Slug] = len(top)
		top = append(top, view(c, lang))
	}
	return top
}

func links(list []Article, lang i18n.Lang) []ArticleLink {
	out := make([]ArticleLink, len(list))
	for i, a := range list {
		out[i] = ArticleLink{ID: a.ID, Title: a.Title.In(lang), Status: a.Status, Category: a.Category, UpdatedAt: a.UpdatedAt}
	}
	return out
}
