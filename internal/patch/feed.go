package patch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/web"
)

// feedSince is the feed's updated time before any patch is published (RFC
// 4287 requires one): the day Steward's patch room began.
var feedSince = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// Feed returns the Atom feed of a product's published patches, newest first;
// a withdrawn patch stays, retitled, with the reason. site is the absolute
// address of this site. An unknown product is 404.
func (s *Service) Feed(ctx context.Context, product, site string) (web.AtomFeed, error) {
	patches, err := s.Released(ctx, product)
	if err != nil {
		return web.AtomFeed{}, err
	}
	f := web.AtomFeed{ID: "urn:steward:patches:" + product, Lang: "zh-CN",
		Title: product + " 补丁 · " + product + " patches",
		Self:  site + "/patches/" + product + ".atom", Alternate: site + "/patches/" + product, Since: feedSince}
	for _, p := range patches {
		if p.PublishedAt == nil {
			continue // withdrawn before this room recorded publication: never in the feed
		}
		title, updated := p.Number+" "+p.Title.Zh+" · "+p.Title.En, p.UpdatedAt
		if p.Status == Withdrawn {
			title = "【已撤回 Withdrawn】" + title
		}
		f.Entries = append(f.Entries, web.AtomEntry{ID: "urn:steward:patch:" + p.ID, Title: title, Updated: updated,
			Published: *p.PublishedAt, Link: site + PublicPath(product, p.Number), Content: feedContent(p)})
	}
	return f, nil
}

// feedContent is an entry's plain text: what the patch applies to, its
// relations and files, then the notes in both languages.
func feedContent(p Patch) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s · applies to %s\n", p.Number, p.Type, p.AppliesTo)
	if p.Status == Withdrawn {
		fmt.Fprintf(&b, "已撤回 Withdrawn: %s\n", p.WithdrawnReason)
	}
	for _, rel := range []struct {
		label string
		list  []string
	}{{"requires", p.Requires}, {"supersedes", p.Supersedes}, {"conflicts with", p.ConflictsWith}} {
		if len(rel.list) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", rel.label, strings.Join(rel.list, ", "))
		}
	}
	for _, f := range p.Files {
		fmt.Fprintf(&b, "%s (%d bytes, sha256 %s)\n", f.Name, f.Size, f.SHA256)
	}
	fmt.Fprintf(&b, "\n%s\n\n%s\n", p.Notes.Zh, p.Notes.En)
	return b.String()
}

// feed serves /patches/{product}.atom (public, like the release notes).
func (p *PublicPages) feed(w http.ResponseWriter, r *http.Request, product string) error {
	f, err := p.svc.Feed(r.Context(), product, web.SiteURL(r))
	if err != nil {
		return err
	}
	return web.WriteAtom(w, f)
}
