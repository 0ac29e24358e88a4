package catalog

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/web"
)

// The Atom 1.0 feed of catalog announcements (RFC 4287). Ids are URNs that
// never change for a version; a withdrawn announcement stays in the feed,
// updated and titled as withdrawn. Texts carry both languages, Chinese first.

// FeedID is the feed's own id.
const FeedID = "urn:steward:catalog:changes"

// feedSince is the feed's updated time before any announcement.
var feedSince = time.Date(2025, 6, 30, 16, 0, 0, 0, time.UTC)

// feed writes the announcements, newest first.
func (p *Pages) feed(w http.ResponseWriter, r *http.Request) error {
	all, err := p.svc.Versions(r.Context())
	if err != nil {
		return err
	}
	base := web.SiteURL(r)
	f := web.AtomFeed{
		Lang: "zh-CN", ID: FeedID,
		Title: "服务目录变更公告 · Service catalog announcements",
		Self:  base + "/catalog/changes.atom", Alternate: base + "/catalog", Since: feedSince,
	}
	var previous Version
	slices.SortStableFunc(all, func(a, b Version) int { return strings.Compare(a.EffectiveFrom, b.EffectiveFrom) })
	for _, v := range all {
		if v.AnnouncedAt == nil {
			continue
		}
		updated := *v.AnnouncedAt
		if v.State == Withdrawn {
			updated = v.UpdatedAt
		}
		f.Entries = append(f.Entries, web.AtomEntry{
			ID: "urn:steward:catalog:version:" + v.ID, Title: entryTitle(v),
			Updated: updated, Published: *v.AnnouncedAt,
			Link:    base + "/catalog#v-" + v.ID,
			Content: entryContent(v, Compare(previous, v)),
		})
		if v.State != Withdrawn {
			previous = v
		}
	}
	slices.Reverse(f.Entries)
	return web.WriteAtom(w, f)
}

func entryTitle(v Version) string {
	if v.State == Withdrawn {
		return fmt.Sprintf("已撤回：服务目录 %s（原定 %s 生效）· Service catalog %s withdrawn (was to take effect on %s)", v.Name, v.EffectiveFrom, v.Name, v.EffectiveFrom)
	}
	return fmt.Sprintf("服务目录 %s 自 %s 起生效 · Service catalog %s takes effect on %s", v.Name, v.EffectiveFrom, v.Name, v.EffectiveFrom)
}

// entryContent says in both languages what the version changes against the
// one before it.
func entryContent(v Version, d Diff) string {
	var zh, en []string
	names := func(items []Item) (string, string) {
		var z, e []string
		for _, it := range items {
			z, e = append(z, it.Name.Zh), append(e, it.Name.En)
		}
		return strings.Join(z, "、"), strings.Join(e, ", ")
	}
	if z, e := names(d.Added); z != "" {
		zh, en = append(zh, "新增："+z), append(en, "Added: "+e)
	}
	if z, e := names(d.Removed); z != "" {
		zh, en = append(zh, "取消："+z), append(en, "Removed: "+e)
	}
	for _, c := range d.Changed {
		var fields []string
		for _, f := range c.Fields {
			fields = append(fields, f.Field)
		}
		zh = append(zh, fmt.Sprintf("变更：%s（%s）", c.Name.Zh, strings.Join(fields, ", ")))
		en = append(en, fmt.Sprintf("Changed: %s (%s)", c.Name.En, strings.Join(fields, ", ")))
	}
	head := fmt.Sprintf("服务目录「%s」自 %s（北京时间）起生效。", v.Name, v.EffectiveFrom)
	headEn := fmt.Sprintf("Service catalog \"%s\" takes effect on %s (Beijing time).", v.Name, v.EffectiveFrom)
	if v.State == Withdrawn {
		head = fmt.Sprintf("原定于 %s 生效的服务目录「%s」已撤回。", v.EffectiveFrom, v.Name)
		headEn = fmt.Sprintf("Service catalog \"%s\", which was to take effect on %s, has been withdrawn.", v.Name, v.EffectiveFrom)
	}
	return strings.Join(append([]string{head}, zh...), "\n") + "\n\n" + strings.Join(append([]string{headEn}, en...), "\n")
}
