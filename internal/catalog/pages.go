package catalog

import (
	"net/http"

	"steward.dev/steward/internal/platform/web"
)

// Pages holds the catalog's HTML handlers: the public catalog and its Atom
// feed of announcements, and the console's editor (pages_console.go).
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /catalog", p.catalog)
	rt.Page("GET /catalog/changes.atom", p.feed)
	rt.Page("GET /console/catalog", p.console)
	rt.Page("POST /console/catalog", p.createDraft)
	rt.Page("GET /console/catalog/diff", p.diff)
	rt.Page("GET /console/catalog/{id}", p.versionPage)
	rt.Page("POST /console/catalog/{id}", p.saveDraft)
	rt.Page("POST /console/catalog/{id}/announce", p.announce)
	rt.Page("POST /console/catalog/{id}/withdraw", p.withdraw)
}

// ItemGroup is the items of one category, for the public page.
type ItemGroup struct {
	Category string
	Items    []Item
}

// Upcoming is an announced version that has not taken effect yet, with the
// Beijing days left until it does and what it changes.
type Upcoming struct {
	Version Version
	Days    int
	Changes Diff
}

// catalogData fills the public catalog page.
type catalogData struct {
	Version  Version
	Groups   []ItemGroup
	Upcoming []Upcoming
}

// Groups sorts items by category, in the order of Categories; empty
// categories are left out.
func Groups(items []Item) []ItemGroup {
	var out []ItemGroup
	for _, c := range Categories {
		g := ItemGroup{Category: c}
		for _, it := range items {
			if it.Category == c {
				g.Items = append(g.Items, it)
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// catalog shows the catalog in effect, by category, and the announced
// changes to come with a countdown in Beijing days. No login needed.
func (p *Pages) catalog(w http.ResponseWriter, r *http.Request) error {
	now := p.svc.Clock.Now()
	current, err := p.svc.InEffect(r.Context(), now)
	if err != nil {
		return err
	}
	upcoming, err := p.svc.Upcoming(r.Context(), now)
	if err != nil {
		return err
	}
	data := catalogData{Version: current, Groups: Groups(current.Items)}
	before := current
	for _, v := range upcoming {
		data.Upcoming = append(data.Upcoming, Upcoming{Version: v, Days: DaysUntil(now, v.EffectiveFrom), Changes: Compare(before, v)})
		before = v
	}
	return p.pages.Render(w, r, http.StatusOK, "catalog", data)
}
