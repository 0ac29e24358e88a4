package lifecycle_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func TestConsoleProductsPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Browser("pm@steward.demo", "zh-CN")
		w := pm.Get("/console/products")
		body := w.Body.String()
		for _, want := range []string{"金蝶云星空", "2024-06-30", "生产制造", `href="/console/products"`, `action="/console/products/k3cloud/versions"`} {
			if !strings.Contains(body, want) {
				t.Errorf("products page (%d) lacks %q", w.Code, want)
			}
		}
		bad := url.Values{"name": {"9.5"}, "released_on": {"2026-09-01"}, "standard_support_until": {"2026-08-31"}}
		if w := pm.PostForm("/console/products/k3cloud/versions", bad); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "不能早于发布日期") {
			t.Errorf("bad version: %d", w.Code)
		}
		bad.Set("standard_support_until", "2031-12-31")
		if w := pm.PostForm("/console/products/k3cloud/versions", bad); w.Code != http.StatusSeeOther {
			t.Fatalf("add version: %d %s", w.Code, w.Body)
		}
		if w := e.Browser("pm@steward.demo", "en").Get("/console/products?done=version"); !strings.Contains(w.Body.String(), "The version was added.") ||
			!strings.Contains(w.Body.String(), "2031-12-31") {
			t.Errorf("after adding: %d", w.Code)
		}

		// An agent reads without the form and cannot post it.
		agent := e.Browser("agent@steward.demo", "zh-CN")
		if w := agent.Get("/console/products"); w.Code != 200 || strings.Contains(w.Body.String(), `data-testid="version-create"`) || strings.Contains(w.Body.String(), `href="/console/products"`) {
			t.Errorf("agent: %d", w.Code)
		}
		if w := agent.PostForm("/console/products/k3cloud/versions", bad); w.Code != http.StatusForbidden {
			t.Errorf("agent adds a version: %d", w.Code)
		}
	})
}

func TestConsoleEditsVersionDates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Browser("pm@steward.demo", "zh-CN")
		if body := pm.Get("/console/products").Body.String(); !strings.Contains(body, `action="/console/products/k3cloud/versions/8.0"`) || !strings.Contains(body, `value="2026-12-31"`) {
			t.Fatal("no dates form for 8.0 holding its dates")
		}
		bad := url.Values{"released_on": {"2021-09-01"}, "standard_support_until": {"2026-12-31"}, "extended_support_until": {"2026-06-30"}}
		w := pm.PostForm("/console/products/k3cloud/versions/8.0", bad)
		body := w.Body.String()
		form := body[strings.Index(body, `action="/console/products/k3cloud/versions/8.0"`):]
		form = form[:strings.Index(form, "</form>")]
		if w.Code != http.StatusBadRequest || !strings.Contains(form, "field-error") || !strings.Contains(form, `value="2026-06-30"`) {
			t.Errorf("bad dates: %d; the form should show the error and keep the input: %s", w.Code, form)
		}
		if strings.Contains(body[:strings.Index(body, `action="/console/products/k3cloud/versions/8.0"`)], "field-error") {
			t.Error("the error shows on another form too")
		}

		ok := url.Values{"released_on": {"2021-09-01"}, "standard_support_until": {"2027-03-31"}, "extended_support_until": {""}}
		if w := pm.PostForm("/console/products/k3cloud/versions/8.0", ok); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", w.Code, w.Body)
		}
		if body := e.Browser("pm@steward.demo", "en").Get("/console/products?done=dates").Body.String(); !strings.Contains(body, "The version&#39;s dates were saved.") ||
			!strings.Contains(body, "2027-03-31") {
			t.Error("after saving: no confirmation or the new date")
		}
		if got := notices(e, e.Login("admin@huabei.demo")); len(got) != 1 || !strings.Contains(got[0], "2026-12-31 → 2027-03-31") {
			t.Errorf("the customer on 8.0 was not told: %v", got)
		}
		if w := pm.PostForm("/console/products/k3cloud/versions/8.1", ok); w.Code != http.StatusNotFound {
			t.Errorf("unknown version: %d", w.Code)
		}
		agent := e.Browser("agent@steward.demo", "zh-CN")
		if strings.Contains(agent.Get("/console/products").Body.String(), `data-testid="version-dates"`) {
			t.Error("an agent sees the dates form")
		}
		if w := agent.PostForm("/console/products/k3cloud/versions/8.0", ok); w.Code != http.StatusForbidden {
			t.Errorf("agent edits dates: %d", w.Code)
		}
	})
}
