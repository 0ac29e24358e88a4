package community

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// QAPages are the community's pages for people: the hub at /community with
// one search over everything, and the questions and answers. Anyone may
// read them unless the login setting is on; every form posts without
// JavaScript and comes back with a redirect, or with its errors in place.
type QAPages struct {
	svc   *Service
	pages *web.Renderer
}

// NewQAPages returns the page handlers.
func NewQAPages(svc *Service, pages *web.Renderer) *QAPages { return &QAPages{svc: svc, pages: pages} }

// The pages' paths: the community's front door and the ask form.
const (
	HubPath = "/community"
	AskPath = "/community/questions/ask"
)

// Routes registers the pages.
func (p *QAPages) Routes(rt *web.Router) {
	rt.Page("GET "+HubPath, readable(p.svc, p.hub))
	rt.Page("GET "+HubPath+"/search", readable(p.svc, p.search))
	rt.Page("GET "+QuestionsPath, readable(p.svc, p.list))
	rt.Page("POST "+QuestionsPath, p.ask)
	rt.Page("GET "+AskPath, readable(p.svc, p.askPage))
	rt.Page("GET "+QuestionsPath+"/similar", readable(p.svc, p.similarBox))
	rt.Page("GET "+QuestionsPath+"/{id}", readable(p.svc, p.thread))
	rt.Page("POST "+QuestionsPath+"/{id}/answers", p.answer)
	rt.Page("POST "+QuestionsPath+"/{id}/{action}", p.moderate)
	rt.Page("GET "+QuestionsPath+"/{id}/posts/{post}/edit", p.editPage)
	rt.Page("GET "+QuestionsPath+"/{id}/posts/{post}/revisions", readable(p.svc, p.revisions))
	rt.Page("POST "+QuestionsPath+"/{id}/posts/{post}/edit", p.edit)
	rt.Page("POST "+QuestionsPath+"/{id}/posts/{post}/{action}", p.act)
	rt.Page("GET "+ModerationPath, p.moderation)
}

// to; "" is everything.
// hubQuestions is how many of the latest questions the hub lists.
const hubQuestions = 8

type hubData struct {
	Questions  []questionRow
	Categories []CategoryView
}

func (p *QAPages) hub(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	latest, err := p.svc.Questions(r.Context(), a, QuestionFilter{Sort: SortNew, Limit: hubQuestions})
	if err != nil {
		return err
	}
	cats, err := p.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_hub", hubData{Questions: rows(latest), Categories: tree(cats, web.Lang(r.Context()))})
}

// hubHit is one search result on the hub's search page.
type hubHit struct {
	Type, Title, URL string
	Snippet          template.HTML
}

// typeTab is one of the search page's tabs narrowing it to a kind.
type typeTab struct {
	Type, URL string
	Current   bool
}

type hubSearchData struct {
	Query, Type string
	Tabs        []typeTab
	Hits        []hubHit
	More        string // the next page's address, "" on the last
	AskURL      string // the ask form with the words searched as the title
}

// search is the one search over articles, questions and courses. When it
// finds nothing it says so and offers to ask, with the words as the title.
func (p *QAPages) search(w http.ResponseWriter, r *http.Request, _ *actor.Actor) error {
	q := r.URL.Query()
	text, kind := strings.TrimSpace(q.Get("q")), q.Get("type")
	if err := CheckSearchType(kind); err != nil {
		return err
	}
	d := hubSearchData{Query: text, Type: kind, AskURL: AskPath + "?" + url.Values{"title": {text}}.Encode()}
	for _, t := range SearchTypes {
		d.Tabs = append(d.Tabs, typeTab{Type: t, URL: searchURL(text, t, ""), Current: t == kind})
	}
	if text != "" {
		res, err := p.svc.Search(r.Context(), search.Query{Text: text, Type: kind, Cursor: q.Get("cursor")}, web.Lang(r.Context()))
		if err != nil {
			return err
		}
		for _, h := range res.Items {
			// The index escapes the snippet's text and adds only <mark>.
			d.Hits = append(d.Hits, hubHit{Type: h.Type, Title: h.Title, URL: h.URL, Snippet: template.HTML(h.Snippet)})
		}
		if res.NextCursor != "" {
			d.More = searchURL(text, kind, res.NextCursor)
		}
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_search", d)
}

// searchURL is the address of a search page.
func searchURL(text, kind, cursor string) string {
	v := url.Values{"q": {text}}
	if kind != "" {
		v.Set("type", kind)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	return HubPath + "/search?" + v.Encode()
}
