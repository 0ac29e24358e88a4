package lifecycle_test

import (
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
)

func TestLifecycleChangeFeeds(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		demo := len(app.DemoVersions)
		start := e.Feed("/lifecycle/k3cloud.atom", "en")
		if len(start.Entries) != demo || !strings.Contains(start.Entries[0].Title, "已加入生命周期表") || !strings.Contains(start.Entries[0].Title, "added to the lifecycle table") {
			t.Fatalf("the demo's %d versions, added at start-up: %+v", demo, start.Entries)
		}

		e.Clock.Advance(time.Hour)
		e.Run(t, []check{
			{Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: product()}, Status: 201},
			{Req: req{Method: "POST", Path: "/api/v1/products/testerp/versions", Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "")}, Status: 201},
		})
		e.Clock.Advance(time.Hour)
		edited := e.Clock.Now()
		e.Run(t, []check{
			{Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2027-06-30"}}, Status: 200},
			{Name: "refused edits leave no entry", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2020-01-01"}}, Status: 400},
			{Name: "nor does the same date again", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2027-06-30"}}, Status: 200},
		})

		f := e.Feed("/lifecycle/k3cloud.atom", "en")
		if f.Self() != "http://example.com/lifecycle/k3cloud.atom" || f.Lang != "zh-CN" || !strings.HasPrefix(f.ID, "tag:example.com,") ||
			!strings.Contains(f.Title, "金蝶云星空") || !strings.Contains(f.Title, "Kingdee Cloud Galaxy") {
			t.Errorf("feed id %q title %q self %q", f.ID, f.Title, f.Self())
		}
		if len(f.Entries) != demo+1 {
			t.Fatalf("%d entries, want the edit and the demo's %d versions", len(f.Entries), demo)
		}
		newest := f.Entries[0]
		if newest.Updated != edited.Format(time.RFC3339) || f.Updated != newest.Updated {
			t.Errorf("entry updated %s, feed updated %s, want %s", newest.Updated, f.Updated, edited.Format(time.RFC3339))
		}
		zh, en := strings.Index(newest.Content, "停止标服服务日期：2026-12-31 → 2027-06-30"), strings.Index(newest.Content, "End of standard service: 2026-12-31 → 2027-06-30")
		if zh < 0 || en < zh || !strings.Contains(newest.Title, "金蝶云星空 8.0") || newest.Link.Href != "http://example.com/lifecycle/k3cloud#v-8.0" {
			t.Errorf("the edit's entry, Chinese first: %+v", newest)
		}
		if !strings.HasPrefix(newest.ID, "tag:example.com,"+edited.Format(time.DateOnly)+":lifecycle/change/") {
			t.Errorf("entry id %q", newest.ID)
		}
		// Ids stay as they were.
		if f.Entries[demo].ID != start.Entries[demo-1].ID || f.Entries[1].ID != start.Entries[0].ID {
			t.Errorf("entry ids changed between reads")
		}

		all := e.Feed("/lifecycle/changes.atom", "en")
		if all.Self() != "http://example.com/lifecycle/changes.atom" || len(all.Entries) != demo+2 || all.ID == f.ID {
			t.Errorf("all products: self %q, %d entries, id %q", all.Self(), len(all.Entries), all.ID)
		}
		if !strings.Contains(all.Entries[1].Title, "测试ERP 1.0") || !strings.Contains(all.Entries[1].Content, "Release date: 2024-01-01") {
			t.Errorf("the added version's entry: %+v", all.Entries[1])
		}

		empty := e.Feed("/lifecycle/testerp.atom", "en")
		if len(empty.Entries) != 1 || empty.Updated == "" {
			t.Errorf("testerp's feed: %+v", empty)
		}
		if res := e.Do(req{Method: "GET", Path: "/lifecycle/nosuch.atom"}); res.Status != 404 {
			t.Errorf("unknown product's feed: %d", res.Status)
		}
		for path, href := range map[string]string{"/lifecycle": "/lifecycle/changes.atom", "/lifecycle/k3cloud": "/lifecycle/k3cloud.atom"} {
			body := string(e.Do(req{Method: "GET", Path: path}).Body)
			if !strings.Contains(body, `<link rel="alternate" type="application/atom+xml"`) || !strings.Contains(body, `<a href="`+href+`" type="application/atom+xml"`) {
				t.Errorf("%s does not link its feed %s", path, href)
			}
		}
		e.Run(t, []check{
			{Name: "the feed's name is not a product code", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm,
				Body: map[string]any{"code": "changes", "name": map[string]string{"zh": "变更", "en": "Changes"}, "deployments": []string{"public_cloud"}}},
				Status: 400, Field: "code"},
		})
	})
}
