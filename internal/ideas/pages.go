package ideas

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the Innovation Square's pages for people: the square with its
// orders and filters, the roadmap, an idea's page and the form to post one;
// product managers' console is in pages_console.go. Anyone may read the
// square unless the community requires a login; every form posts without
// JavaScript and comes back with a redirect, or with its errors in place.
type Pages struct {
	svc      *Service
	products ProductList
	pages    *web.Renderer
}

// ProductList is the lifecycle table (lifecycle.Service): the products an
// idea may be about and their modules' names, for the forms and filters.
type ProductList interface {
	Products(ctx context.Context) ([]lifecycle.Product, error)
}

// NewPages returns the page handlers.
func NewPages(svc *Service, products ProductList, pages *web.Renderer) *Pages {
	return &Pages{svc: svc, products: products, pages: pages}
}

// The pages' paths.
const (
	SquarePath  = "/ideas"
	NewPath     = "/ideas/new"
	SimilarPath = "/ideas/similar"
	RoadmapPath = "/ideas/roadmap"
)

// Page sizes: ideas per page of the square, similar ideas under the title.
const (
	squarePageSize = 20
	similarCount   = 5
)

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET "+SquarePath, p.readable(p.square))
	rt.PageWithLimit("POST "+SquarePath, postFormLimit, web.Authed(p.post))
	rt.Page("GET "+NewPath, web.Authed(p.newPage))
	rt.Page("GET "+SimilarPath, p.readable(p.similarBox))
	rt.Page("GET "+RoadmapPath, p.readable(p.roadmap))
	rt.Page("GET "+SquarePath+"/{id}", p.readable(p.idea))
	rt.Page("POST "+SquarePath+"/{id}/{action}", web.Authed(p.act))
	rt.PageWithLimit("POST "+SquarePath+"/{id}/images", postFormLimit, web.Authed(p.addImage))
	p.consoleRoutes(rt)
}

// readable serves a read of the square to whoever may read it.
func (p *Pages) readable(read web.ActorHandler) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := actor.From(r.Context())
		if err := p.svc.CanRead(a); err != nil {
			return err
		}
		return read(w, r, a)
	}
}

// poster says whether the reader may post, vote, follow and comment, and
// if not why, in words: a visitor is asked to log in (Login), a customer
// whose organisation lacks requirement listening reads the entitlement's
// answer (Refusal).
type poster struct {
	Login   string
	Refusal string
}

// May is true when the reader may take part.
func (c poster) May() bool { return c.Login == "" && c.Refusal == "" }

// mayPost asks the service whether a may take part; back is the page to
// return to after logging in.
func (p *Pages) mayPost(r *http.Request, a *actor.Actor, back string) (poster, error) {
	err := p.svc.CanPost(r.Context(), a)
	if err == nil {
		return poster{}, nil
	}
	if errors.Is(err, problem.ErrUnauthenticated) {
		return poster{Login: "/login?" + url.Values{"next": {back}}.Encode()}, nil
	}
	fe, _, err := web.AsFormErrors(r, err)
	if err != nil {
		return poster{}, err
	}
	return poster{Refusal: fe.Summary}, nil
}

// productView is a product in the reader's language with its modules.
type productView struct {
	Code, Name string
	Modules    []moduleView
}

type moduleView struct {
	Code, Name string
}

// productViews is the products in the reader's language.
type productViews []productView

func (p *Pages) localProducts(ctx context.Context, lang i18n.Lang) (productViews, error) {
	list, err := p.products.Products(ctx)
	if err != nil {
		return nil, err
	}
	out := make(productViews, len(list))
	for i, pr := range list {
		v := productView{Code: pr.Code, Name: textIn(pr.Name, lang)}
		for _, m := range pr.Modules {
			v.Modules = append(v.Modules, moduleView{Code: m.Code, Name: textIn(m.Name, lang)})
		}
		out[i] = v
	}
	return out, nil
}

func textIn(t lifecycle.Text, lang i18n.Lang) string {
	if lang == i18n.English && t.En != "" {
		return t.En
	}
	return t.Zh
}

// product names the product code (the code itself when it is not on the
// lifecycle table).
func (c productViews) product(code string) productView {
	if i := slices.IndexFunc(c, func(v productView) bool { return v.Code == code }); i >= 0 {
		return c[i]
	}
	return productView{Code: code, Name: code}
}

// modules names an idea's modules in its product.
func (c productViews) modules(product string, codes []string) []string {
	known := c.product(product).Modules
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = code
		if j := slices.IndexFunc(known, func(m moduleView) bool { return m.Code == code }); j >= 0 {
			out[i] = known[j].Name
		}
	}
	return out
}

// ideaRow is an idea in a list, as the page shows it.
type ideaRow struct {
	Idea
	ProductName string
	ModuleNames []string
	Age         string // how long ago it was posted, in words
	Closed      bool   // shipped or declined: takes no more votes
}

func (c productViews) row(it Idea, now time.Time, lang i18n.Lang) ideaRow {
	return ideaRow{Idea: it, ProductName: c.product(it.Product).Name, ModuleNames: c.modules(it.Product, it.Modules),
		Age: age(now, it.CreatedAt, lang), Closed: closed(it.Status)}
}

// closed says whether an idea of the status takes no more votes (the team's
// rule: shipped and declined ideas keep their votes but take no new ones).
func closed(status string) bool { return status == StatusShipped || status == StatusDeclined }

// age says how long ago t was, in days, months or years (Beijing days).
func age(now, t time.Time, lang i18n.Lang) string {
	days := int(now.Sub(t).Hours() / 24)
	switch {
	case days < 1:
		return i18n.T(lang, "ideas_pages.age.today", nil)
	case days < 60:
		return i18n.T(lang, "ideas_pages.age.days", map[string]any{"n": days})
	case days < 730:
		return i18n.T(lang, "ideas_pages.age.months", map[string]any{"n": days / 30})
	default:
		return i18n.T(lang, "ideas_pages.age.years", map[string]any{"n": days / 365})
	}
}

// tab is one choice of the square's orders, statuses or products.
type tab struct {
	Value, URL string
	Current    bool
}

// squareSorts are the square's orders, in the order of its tabs.
var squareSorts = []string{SortTrending, SortTop, SortNew}

type squareData struct {
	poster
	Filter   Filter
	Sorts    []tab
	Statuses []tab // "" is every status
	Products productViews
	Rows     []ideaRow
	More     string // the next page's address, "" on the last
	Filtered bool   // a status or product narrows the list
	Back     string // this page, where the vote buttons come back to
}

// squareURL is the address of a page of the square.
func squareURL(f Filter) string {
	v := url.Values{}
	if f.Sort != SortTrending {
		v.Set("sort", f.Sort)
	}
	for k, s := range map[string]string{"status": f.Status, "product": f.Product, "cursor": f.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return SquarePath
	}
	return SquarePath + "?" + v.Encode()
}

func (p *Pages) square(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	cat, err := p.localProducts(r.Context(), lang)
	if err != nil {
		return err
	}
	f.Limit = squarePageSize
	list, next, err := p.svc.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	d := squareData{Filter: f, Products: cat, Filtered: f.Status != "" || f.Product != "", Back: squareURL(f)}
	if d.poster, err = p.mayPost(r, a, d.Back); err != nil {
		return err
	}
	if next != "" {
		d.More = squareURL(Filter{Sort: f.Sort, Status: f.Status, Product: f.Product, Cursor: next})
	}
	now := p.svc.Clock.Now()
	for _, it := range list {
		d.Rows = append(d.Rows, cat.row(it, now, lang))
	}
	for _, s := range squareSorts {
		d.Sorts = append(d.Sorts, tab{Value: s, URL: squareURL(Filter{Sort: s, Status: f.Status, Product: f.Product}), Current: s == f.Sort})
	}
	for _, s := range append([]string{""}, Statuses...) {
		d.Statuses = append(d.Statuses, tab{Value: s, URL: squareURL(Filter{Sort: f.Sort, Status: s, Product: f.Product}), Current: s == f.Status})
	}
	return p.pages.Render(w, r, http.StatusOK, "ideas", d)
}

// roadmapColumns are the roadmap's columns, left to right.
var roadmapColumns = []string{StatusUnderReview, StatusPlanned, StatusInProgress, StatusShipped}

type roadmapColumn struct {
	Status string
	Ideas  []ideaRow
}

type roadmapData struct {
	Product  string
	Products productViews
	Columns  []roadmapColumn
}

func (p *Pages) roadmap(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	product := strings.TrimSpace(r.URL.Query().Get("product"))
	lang := web.Lang(r.Context())
	cat, err := p.localProducts(r.Context(), lang)
	if err != nil {
		return err
	}
	board, err := p.svc.Roadmap(r.Context(), a, product)
	if err != nil {
		return err
	}
	d := roadmapData{Product: product, Products: cat}
	now := p.svc.Clock.Now()
	for _, s := range roadmapColumns {
		col := roadmapColumn{Status: s}
		for _, it := range board[s] {
			col.Ideas = append(col.Ideas, cat.row(it, now, lang))
		}
		d.Columns = append(d.Columns, col)
	}
	return p.pages.Render(w, r, http.StatusOK, "ideas_roadmap", d)
}
