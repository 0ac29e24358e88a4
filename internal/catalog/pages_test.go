package catalog_test

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/catalog"
)

// page gets a page in lang with an optional token.
func page(e *apptest.Env, path, lang, token string) apptest.Response {
	return e.Do(req{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept-Language": lang}})
}

// form posts a browser form with the token.
func form(e *apptest.Env, path, token string, values url.Values) apptest.Response {
	return e.Do(req{Method: "POST", Path: path, Token: token, Body: values.Encode(),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
}

func contains(t *testing.T, name string, res apptest.Response, status int, want ...string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("%s: status %d, want %d; %.400s", name, res.Status, status, res.Body)
		return
	}
	for _, w := range want {
		if !strings.Contains(string(res.Body), w) && !strings.Contains(string(res.Body), template.HTMLEscapeString(w)) {
			t.Errorf("%s: page lacks %q", name, w)
		}
	}
}

func TestPublicCatalogPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		next := draft(t, e, pm, "2026-12-27", func(items []catalog.Item) []catalog.Item {
			items[6].Quota.Count = 6
			return items
		})
		e.Run(t, []check{{Req: req{Method: "POST", Path: announcePath(next), Token: pm, Body: map[string]string{"effective_from": "2026-12-27"}}, Status: 200}})
		contains(t, "zh", page(e, "/catalog", "zh-CN", ""), 200,
			"标准成功服务内容清单", "自助服务", "金蝶云社区", "公有云运维", "不含配置调整及测试服务", "每服务年度不超过 4 次",
			"15 分钟内受理", "7×24 小时", "即将生效的变更", "还有 30 天", "2026-12-27 起生效", "次数", "中国内地、香港、澳门")
		contains(t, "en", page(e, "/catalog", "en", ""), 200,
			"Standard success service catalog", "Self-service", "Public cloud operations", "Excluding configuration adjustment and testing",
			"At most 4 times per service year", "Changes coming", "in 30 days", "Hotline service", "Allowance",
			"Mainland China, Hong Kong, Macau")
		// A channel not built yet gets no link that would lead to a 404;
		// a built one is linked.
		body := string(page(e, "/catalog", "en", "").Body)
		if strings.Contains(body, `href="/assistant"`) {
			t.Error("the catalog links to the service robot, which is not served yet")
		}
		if !strings.Contains(body, `href="/community"`) {
			t.Error("the catalog does not link the community, which is served")
		}
		if !strings.Contains(body, `href="/rescues"`) {
			t.Error("the catalog does not link the hotline rescue, which is served")
		}
		// The day before: the countdown is in Beijing days.
		e.Clock.Set(time.Date(2026, 12, 25, 16, 0, 0, 0, time.UTC)) // 12-26 00:00 Beijing
		contains(t, "tomorrow", page(e, "/catalog", "en", ""), 200, "tomorrow")
		e.Clock.Set(time.Date(2026, 12, 26, 16, 0, 0, 0, time.UTC))
		res := page(e, "/catalog", "en", "")
		contains(t, "on the day", res, 200, "At most 6 times per service year", "Version 2026-12-27")
		if strings.Contains(string(res.Body), "Changes coming") {
			t.Error("the version in effect is still listed as upcoming")
		}
		contains(t, "login links to the catalog", page(e, "/login", "zh-CN", ""), 200, `href="/catalog"`)
		contains(t, "a customer's navigation", page(e, "/portal", "zh-CN", e.Login("member@yunqi.demo")), 200, `href="/catalog"`)
	})
}

func TestAtomFeed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		next := draft(t, e, pm, "2027 edition", func(items []catalog.Item) []catalog.Item { return items[:6] })
		withdrawn := draft(t, e, pm, "withdrawn", nil)
		e.Run(t, []check{
			{Req: req{Method: "POST", Path: announcePath(next), Token: pm, Body: map[string]string{"effective_from": "2027-01-01"}}, Status: 200},
			{Req: req{Method: "POST", Path: announcePath(withdrawn), Token: pm, Body: map[string]string{"effective_from": "2027-02-01"}}, Status: 200},
			{Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + withdrawn.ID + "/withdraw", Token: pm}, Status: 200},
		})
		draft(t, e, pm, "a draft is not in the feed", nil)
		f := e.Feed("/catalog/changes.atom", "en")
		if f.ID != catalog.FeedID || !strings.Contains(f.Title, "服务目录") || !strings.Contains(f.Title, "Service catalog") {
			t.Errorf("feed id %q title %q", f.ID, f.Title)
		}
		if len(f.Entries) != 3 {
			t.Fatalf("%d entries, want the withdrawn one, the 2027 edition and the default", len(f.Entries))
		}
		for _, en := range f.Entries {
			if _, err := time.Parse(time.RFC3339, en.Updated); err != nil || !strings.HasPrefix(en.ID, "urn:steward:catalog:version:") {
				t.Errorf("entry id %q updated %q", en.ID, en.Updated)
			}
			if !strings.Contains(en.Title, "服务目录") || !strings.Contains(en.Title, "Service catalog") {
				t.Errorf("entry title not in both languages: %q", en.Title)
			}
		}
		if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
			t.Errorf("feed updated %q", f.Updated)
		}
		got := map[string]string{}
		for _, en := range f.Entries {
			got[strings.TrimPrefix(en.ID, "urn:steward:catalog:version:")] = en.Title + "\n" + en.Content
		}
		if s := got[next.ID]; !strings.Contains(s, "2027-01-01") || !strings.Contains(s, "取消：热线服务") || !strings.Contains(s, "Removed: Hotline service") {
			t.Errorf("the 2027 entry: %s", s)
		}
		if s := got[withdrawn.ID]; !strings.Contains(s, "已撤回") || !strings.Contains(s, "withdrawn (was to take effect on 2027-02-01)") {
			t.Errorf("the withdrawn entry: %s", s)
		}
		if _, ok := got[catalog.DefaultID]; !ok {
			t.Error("the default catalog's announcement is missing")
		}
	})
}

func TestConsoleCatalogEditor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		for _, c := range []struct {
			who    string
			status int
		}{{"agent@steward.demo", 403}, {"engineer@steward.demo", 403}, {"admin@yunqi.demo", 403}} {
			if res := page(e, "/console/catalog", "zh-CN", e.Login(c.who)); res.Status != c.status {
				t.Errorf("%s: /console/catalog %d, want %d", c.who, res.Status, c.status)
			}
		}
		if res := page(e, "/console/catalog", "zh-CN", ""); res.Status != http.StatusSeeOther {
			t.Errorf("anonymous: %d, want a redirect to log in", res.Status)
		}
		contains(t, "list zh", page(e, "/console/catalog", "zh-CN", pm), 200, "2025-07-01", "生效中", "新建草稿")
		contains(t, "list en", page(e, "/console/catalog", "en", admin(e)), 200, "In effect", "New draft")

		res := form(e, "/console/catalog", pm, url.Values{"name": {""}, "based_on": {catalog.DefaultID}})
		contains(t, "no name", res, 400, "field-error")
		res = form(e, "/console/catalog", pm, url.Values{"name": {"2027-01-01"}, "based_on": {catalog.DefaultID}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create draft: %d %s", res.Status, res.Body)
		}
		path := strings.TrimSuffix(res.Header.Get("Location"), "?done=created")
		contains(t, "draft page", page(e, path, "zh-CN", pm), 200, "草稿", `"code": "hotline_rescue"`, "最早可于 2026-12-27 生效", `min="2026-12-27"`)
		contains(t, "draft page en", page(e, path, "en", pm), 200, "Draft", "2026-12-27 at the earliest")

		// Bad items are shown field by field, and nothing is saved.
		res = form(e, path, pm, url.Values{"name": {"2027-01-01"}, "items": {`[{"code":"x","category":"gold"}]`}})
		contains(t, "bad items", res, 400, "items[0].code", "items[0].category", "items[0].applies_to", `"category":"gold"`)
		res = form(e, path, pm, url.Values{"name": {"2027-01-01"}, "items": {`[{"code": 5}]`}})
		contains(t, "malformed items", res, 400, "items")
		// A good edit.
		v := versionOf(t, e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions/" + strings.TrimPrefix(path, "/console/catalog/")}))
		v.Items[6].Quota.Count = 5
		b, _ := json.Marshal(v.Items)
		raw := string(b)
		if res = form(e, path, pm, url.Values{"name": {"2027 edition"}, "items": {raw}}); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		// Announcing too early shows the earliest day; then the right day.
		contains(t, "29 days", form(e, path+"/announce", pm, url.Values{"effective_from": {"2026-12-26"}}), 422, "2026-12-27")
		if res = form(e, path+"/announce", pm, url.Values{"effective_from": {"2026-12-27"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("announce: %d %s", res.Status, res.Body)
		}
		contains(t, "announced", page(e, path, "zh-CN", pm), 200, "已公告", "撤回")
		// Side by side.
		contains(t, "diff", page(e, "/console/catalog/diff?a="+catalog.DefaultID+"&b="+v.ID, "zh-CN", pm), 200,
			`data-kind="changed"`, `data-code="hotline_rescue"`, "次数", `"count": 4`, `"count": 5`)
		contains(t, "diff en", page(e, "/console/catalog/diff?a="+catalog.DefaultID+"&b="+v.ID, "en", pm), 200, "Allowance", "Compare versions")
		if res = form(e, path+"/withdraw", pm, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %s", res.Status, res.Body)
		}
		contains(t, "withdrawn", page(e, path, "en", pm), 200, "Withdrawn")
		contains(t, "withdraw twice", form(e, path+"/withdraw", pm, nil), 409)
	})
}

func admin(e *apptest.Env) string { return e.Login("admin@steward.demo") }
