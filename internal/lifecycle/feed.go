package lifecycle

import (
	"context"
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/web"
)

// The Atom feeds of the lifecycle table's changes (RFC 4287): of every
// product at /lifecycle/changes.atom and of one at /lifecycle/{product}.atom.
// Entry ids are tag: URIs named by each change's own id, so they never
// change; texts carry both languages, Chinese first.

// feedEntries is how many of the newest changes a feed carries.
const feedEntries = 100

// feedEpoch is when the feeds began: their ids' date, and the updated time
// of a feed without entries.
var feedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Changes returns the newest changes, newest first: of a product, or of
// every product when product is "".
func (s *Service) Changes(ctx context.Context, product string) ([]Change, error) {
	return s.store.Changes(ctx, product, feedEntries)
}

// changesFeed serves /lifecycle/changes.atom.
func (p *Pages) changesFeed(w http.ResponseWriter, r *http.Request) error {
	products, err := p.svc.Products(r.Context())
	if err != nil {
		return err
	}
	base := web.SiteURL(r)
	return p.feed(w, r, products, "", web.AtomFeed{
		ID:    web.TagURI(r, feedEpoch.Format("2006"), "lifecycle/changes"),
		Title: "产品生命周期变更 · Product lifecycle changes",
		Self:  base + "/lifecycle/changes.atom", Alternate: base + "/lifecycle",
	})
}

// productFeed serves /lifecycle/{product}.atom.
func (p *Pages) productFeed(w http.ResponseWriter, r *http.Request, code string) error {
	product, err := p.svc.Product(r.Context(), code)
	if err != nil {
		return err
	}
	base := web.SiteURL(r)
	return p.feed(w, r, []Product{product}, code, web.AtomFeed{
		ID:    web.TagURI(r, feedEpoch.Format("2006"), "lifecycle/"+code+"/changes"),
		Title: product.Name.Zh + " 生命周期变更 · " + product.Name.En + " lifecycle changes",
		Self:  base + "/lifecycle/" + code + ".atom", Alternate: base + "/lifecycle/" + code,
	})
}

// feed fills f with the changes of code ("" for all) and writes it; products
// name the products the changes are of.
func (p *Pages) feed(w http.ResponseWriter, r *http.Request, products []Product, code string, f web.AtomFeed) error {
	changes, err := p.svc.Changes(r.Context(), code)
	if err != nil {
		return err
	}
	names := make(map[string]Text, len(products))
	for _, pr := range products {
		names[pr.Code] = pr.Name
	}
	base := web.SiteURL(r)
	f.Lang, f.Since = "zh-CN", feedEpoch
	for _, c := range changes {
		title, text := c.Title(names[c.Product]), c.Text()
		f.Entries = append(f.Entries, web.AtomEntry{
			ID:      web.TagURI(r, c.At.Format(time.DateOnly), "lifecycle/change/"+c.ID),
			Title:   title.Zh + " · " + title.En,
			Updated: c.At, Published: c.At,
			Link:    base + "/lifecycle/" + c.Product + "#v-" + c.Version,
			Content: strings.Join([]string{title.Zh, text.Zh, "", title.En, text.En}, "\n"),
		})
	}
	return web.WriteAtom(w, f)
}
