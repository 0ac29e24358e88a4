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
