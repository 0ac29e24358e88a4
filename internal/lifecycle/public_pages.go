package lifecycle

import (
	"net/http"
	"slices"
	"strings"

	"steward.dev/steward/internal/platform/clock"
)

// The public lifecycle pages, read without login: every product (filtered
// by ?q=) and one product's versions with their phase today in Beijing.

// PhasedVersion is a version with its phase on the page's day and, on a
// product's page, its latest patch (nil when none).
type PhasedVersion struct {
	Version
	Phase  string
	Latest *Latest
}

// PublicProduct is a product on the public pages.
type PublicProduct struct {
	Product
	Versions []PhasedVersion
}

// HasLatest reports whether any version has a published patch: the product
// page shows the latest patch column only then.
func (p PublicProduct) HasLatest() bool {
	return slices.ContainsFunc(p.Versions, func(v PhasedVersion) bool { return v.Latest != nil })
}

type lifecycleData struct {
	Query    string
	Today    string // the Beijing day the phases are for
	Products []PublicProduct
}

// Matches reports whether p's code or a name contains q, ignoring case.
func (p Product) Matches(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	for _, s := range []string{p.Code, p.Name.Zh, p.Name.En} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

func phased(d Detail, today string) PublicProduct {
	out := PublicProduct{Product: d.Product, Versions: make([]PhasedVersion, 0, len(d.Versions))}
	for _, v := range d.Versions {
		out.Versions = append(out.Versions, PhasedVersion{Version: v, Phase: v.Phase(today)})
	}
	return out
}

func (p *Pages) lifecycle(w http.ResponseWriter, r *http.Request) error {
	all, err := p.svc.Details(r.Context())
	if err != nil {
		return err
	}
	data := lifecycleData{Query: strings.TrimSpace(r.URL.Query().Get("q")), Today: clock.BeijingDate(p.svc.clock.Now())}
	for _, d := range all {
		if d.Product.Matches(data.Query) {
			data.Products = append(data.Products, phased(d, data.Today))
		}
	}
	return p.pages.Render(w, r, http.StatusOK, "lifecycle", data)
}

// productFormats serve /lifecycle/{product}.{ext}: the router matches
// whole path segments, so the product page dispatches on the suffix.
var productFormats = map[string]func(p *Pages, w http.ResponseWriter, r *http.Request, code string) error{
	".ics":  (*Pages).calendar,
	".atom": (*Pages).productFeed,
}

func (p *Pages) lifecycleProduct(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("product")
	for ext, serve := range productFormats {
		if c, ok := strings.CutSuffix(code, ext); ok {
			return serve(p, w, r, c)
		}
	}
	d, err := p.svc.Detail(r.Context(), code)
	if err != nil {
		return err
	}
	today := clock.BeijingDate(p.svc.clock.Now())
	product := phased(d, today)
	for i, v := range product.Versions {
		if product.Versions[i].Latest, err = p.svc.Latest(r.Context(), v.Product, v.Name); err != nil {
			return err
		}
	}
	return p.pages.Render(w, r, http.StatusOK, "lifecycle_product", lifecycleData{Today: today, Products: []PublicProduct{product}})
}
