package lifecycle_test

import (
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

func TestPublicLifecyclePages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.Clock.Set(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)) // 2027-01-01 in Beijing
		page := func(path, lang string) string {
			t.Helper()
			res := e.Do(req{Method: "GET", Path: path, Header: map[string]string{"Accept-Language": lang}})
			if res.Status != 200 {
				t.Fatalf("%s (%s): %d %s", path, lang, res.Status, res.Body)
			}
			return string(res.Body)
		}
		contains := func(name, body string, wants ...string) {
			t.Helper()
			for _, w := range wants {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", name, w)
				}
			}
		}
		// No login needed.
		contains("list zh", page("/lifecycle", "zh-CN"), "产品生命周期", "金蝶云星空", `href="/lifecycle/k3cloud"`, `name="q"`, "2027-01-01")
		contains("list en", page("/lifecycle", "en"), "Product lifecycle", "Kingdee Cloud Galaxy", "Service ended", "Standard service")
		contains("search by name", page("/lifecycle?q=kingdee", "en"), `data-product="k3cloud"`, `value="kingdee"`)
		contains("search by chinese name", page("/lifecycle?q=%E9%87%91%E8%9D%B6", "zh-CN"), `data-product="k3cloud"`)
		if body := page("/lifecycle?q=nosuchthing", "en"); strings.Contains(body, `data-product="k3cloud"`) || !strings.Contains(body, "No product matches.") {
			t.Errorf("a search matching nothing still lists k3cloud")
		}

		zh := page("/lifecycle/k3cloud", "zh-CN")
		contains("product zh", zh, "金蝶云星空", "停止标服服务日期", "2024-06-30", "已停止服务", "标准服务中", `href="/lifecycle/k3cloud.ics"`)
		en := page("/lifecycle/k3cloud", "en")
		for version, phase := range map[string]string{"7.5": "ended", "8.0": "ended", "8.2": "standard", "9.0": "standard"} {
			row := en[strings.Index(en, `data-version="`+version+`"`):]
			row = row[:strings.Index(row, "</tr>")]
			if !strings.Contains(row, `data-phase="`+phase+`"`) {
				t.Errorf("%s: want phase %s in %s", version, phase, row)
			}
		}
		portal := e.Do(req{Method: "GET", Path: "/portal", Token: e.Login("member@yunqi.demo")})
		contains("a customer's navigation", string(portal.Body), `href="/lifecycle"`)
		if res := e.Do(req{Method: "GET", Path: "/lifecycle/nosuch"}); res.Status != 404 {
			t.Errorf("unknown product page: %d", res.Status)
		}
	})
}
