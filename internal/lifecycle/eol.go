package lifecycle

import (
	"context"
	"net/http"
	"slices"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/web"
)

// The lifecycle table in the shape of endoflife.date's API v1, so that the
// tools that read endoflife.date read it: GET /api/v1/lifecycle lists the
// products, GET /api/v1/lifecycle/{product} gives one with its releases.
// Dates are YYYY-MM-DD Asia/Shanghai days exactly as stored.

// EOLSchemaVersion is the endoflife.date schema version the shapes follow.
const EOLSchemaVersion = "1.0.0"

// EOLProductSummary is an entry of the product list.
type EOLProductSummary struct {
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases"`
	Label    string   `json:"label"`
	Category string   `json:"category"`
	Tags     []string `json:"tags"`
	URI      string   `json:"uri"`
}

// EOLProductList is the answer of GET /api/v1/lifecycle.
type EOLProductList struct {
	SchemaVersion string              `json:"schema_version"`
	Total         int                 `json:"total"`
	Result        []EOLProductSummary `json:"result"`
}

// EOLLabels names the phases' ends.
type EOLLabels struct {
	Eoas string `json:"eoas"`
	Eol  string `json:"eol"`
}

// EOLLatest is a release's latest patch level.
type EOLLatest struct {
	Name string  `json:"name"`
	Date *string `json:"date"`
	Link *string `json:"link"`
}

// EOLRelease is one version.
type EOLRelease struct {
	Name         string     `json:"name"`
	Label        string     `json:"label"`
	ReleaseDate  string     `json:"releaseDate"`
	IsEoas       bool       `json:"isEoas"`
	EoasFrom     string     `json:"eoasFrom"`
	IsEol        bool       `json:"isEol"`
	EolFrom      string     `json:"eolFrom"`
	IsMaintained bool       `json:"isMaintained"`
	Latest       *EOLLatest `json:"latest"` // null while the version has no published patch
}

// EOLProduct is a product with its releases, newest first.
type EOLProduct struct {
	Name     string       `json:"name"`
	Label    string       `json:"label"`
	Category string       `json:"category"`
	Labels   EOLLabels    `json:"labels"`
	Releases []EOLRelease `json:"releases"`
}

// EOLProductResponse is the answer of GET /api/v1/lifecycle/{product}.
type EOLProductResponse struct {
	SchemaVersion string     `json:"schema_version"`
	Result        EOLProduct `json:"result"`
}

// eolCategory is the endoflife.date category of every product here.
const eolCategory = "app"

// Release is v as an endoflife.date release on the Beijing day today:
// isEoas once today is after standard_support_until, isEol once it is
// after the end of life (extended, or standard when there is none).
func (v Version) Release(today string) EOLRelease {
	eol := v.EndOfLife()
	return EOLRelease{Name: v.Name, Label: v.Name, ReleaseDate: v.ReleasedOn,
		IsEoas: today > v.StandardSupportUntil, EoasFrom: v.StandardSupportUntil,
		IsEol: today > eol, EolFrom: eol, IsMaintained: today <= eol}
}

func label(t Text, lang i18n.Lang) string { return t.In(lang) }

func eolLabels(lang i18n.Lang) EOLLabels {
	if lang == i18n.English {
		return EOLLabels{Eoas: "Standard service", Eol: "Extended service"}
	}
	return EOLLabels{Eoas: "标准服务", Eol: "延长服务"}
}

// EOL returns a product in endoflife.date's shape on today's Beijing day,
// labels in lang, patch links under site; problem.ErrNotFound for an unknown
// product.
func (s *Service) EOL(ctx context.Context, code string, lang i18n.Lang, site string) (EOLProduct, error) {
	d, err := s.Detail(ctx, code)
	if err != nil {
		return EOLProduct{}, err
	}
	today := clock.BeijingDate(s.clock.Now())
	out := EOLProduct{Name: d.Product.Code, Label: label(d.Product.Name, lang), Category: eolCategory,
		Labels: eolLabels(lang), Releases: make([]EOLRelease, 0, len(d.Versions))}
	for _, v := range slices.Backward(d.Versions) {
		rel := v.Release(today)
		latest, err := s.Latest(ctx, v.Product, v.Name)
		if err != nil {
			return EOLProduct{}, err
		}
		rel.Latest = latest.eol(site)
		out.Releases = append(out.Releases, rel)
	}
	return out, nil
}

func (h *API) eolList(w http.ResponseWriter, r *http.Request) error {
	list, err := h.svc.Products(r.Context())
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	out := EOLProductList{SchemaVersion: EOLSchemaVersion, Total: len(list), Result: make([]EOLProductSummary, 0, len(list))}
	for _, p := range list {
		out.Result = append(out.Result, EOLProductSummary{Name: p.Code, Aliases: []string{}, Label: label(p.Name, lang),
			Category: eolCategory, Tags: []string{}, URI: web.SiteURL(r) + "/api/v1/lifecycle/" + p.Code})
	}
	return web.JSON(w, http.StatusOK, out)
}

func (h *API) eolProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := h.svc.EOL(r.Context(), r.PathValue("product"), web.Lang(r.Context()), web.SiteURL(r))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, EOLProductResponse{SchemaVersion: EOLSchemaVersion, Result: p})
}
