package ideas

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
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
	read := NewAPI(p.svc).read // whoever may read the square
	rt.Page("GET "+SquarePath, read(p.square))
	rt.PageWithLimit("POST "+SquarePath, postFormLimit, web.Authed(p.post))
	rt.Page("GET "+NewPath, web.Authed(p.newPage))
	rt.Page("GET "+SimilarPath, read(p.similarBox))
	rt.Page("GET "+RoadmapPath, read(p.roadmap))
	rt.Page("GET "+SquarePath+"/{id}", read(p.idea))
	rt.Page("POST "+SquarePath+"/{id}/{action}", web.Authed(p.act))
	rt.PageWithLimit("POST "+SquarePath+"/{id}/images", postFormLimit, web.Authed(p.addImage))
	p.consoleRoutes(rt)
}

// mayPost asks the service whether a may post, vote, follow and comment;
// back is the page to return to after logging in.
func (p *Pages) mayPost(r *http.Request, a *actor.Actor, back string) (web.Invitation, error) {
	return web.Invite(r, p.svc.CanPost(r.Context(), a), back)
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
	web.Invitation
	Filter   Filter
	Sorts    []tab
	Statuses []tab // "" is every status
	Products productViews
	Rows     []ideaRow
	More     string // the next page's address, "" on the last
	Filtered bool   // a status or product narrows the list
	Back     string // this page, where the vote buttons come back to
}

// listURL is the address of a page of a list at path (the square, the
// console, the CSV export) with the filter f; trending, the default order,
// goes unsaid.
func listURL(path string, f Filter) string {
	v := url.Values{}
	if f.Sort != SortTrending {
		v.Set("sort", f.Sort)
	}
	for k, s := range map[string]string{"status": f.Status, "product": f.Product, "module": f.Module, "org": f.Org,
		"deployment": f.Deployment, "cursor": f.Cursor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// listPage is a page of ideas as the address asks for it, each as a row in
// the reader's language; Next is the next page's filter, nil on the last.
type listPage struct {
	Filter   Filter
	Products productViews
	Rows     []ideaRow
	Next     *Filter
}

func (p *Pages) listPage(r *http.Request, a *actor.Actor) (listPage, error) {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return listPage{}, err
	}
	lang := web.Lang(r.Context())
	cat, err := p.localProducts(r.Context(), lang)
	if err != nil {
		return listPage{}, err
	}
	f.Limit = squarePageSize
	list, next, err := p.svc.List(r.Context(), a, f)
	if err != nil {
		return listPage{}, err
	}
	lp := listPage{Filter: f, Products: cat}
	if next != "" {
		nf := f
		nf.Cursor = next
		lp.Next = &nf
	}
	now := p.svc.Clock.Now()
	for _, it := range list {
		lp.Rows = append(lp.Rows, cat.row(it, now, lang))
	}
	return lp, nil
}

func (p *Pages) square(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	lp, err := p.listPage(r, a)
	if err != nil {
		return err
	}
	f := lp.Filter
	d := squareData{Filter: f, Products: lp.Products, Rows: lp.Rows, Filtered: f.Status != "" || f.Product != "", Back: listURL(SquarePath, f)}
	if d.Invitation, err = p.mayPost(r, a, d.Back); err != nil {
		return err
	}
	if lp.Next != nil {
		d.More = listURL(SquarePath, *lp.Next)
	}
	for _, s := range squareSorts {
		d.Sorts = append(d.Sorts, tab{Value: s, URL: listURL(SquarePath, Filter{Sort: s, Status: f.Status, Product: f.Product}), Current: s == f.Sort})
	}
	for _, s := range append([]string{""}, Statuses...) {
		d.Statuses = append(d.Statuses, tab{Value: s, URL: listURL(SquarePath, Filter{Sort: f.Sort, Status: s, Product: f.Product}), Current: s == f.Status})
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
