package license_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestPortalLicensesPage: the public-cloud customer sees its license with
// the plain explanation, upgrades it from the page (a form sent twice
// upgrades once) and downloads the new file; the perpetual customer sees
// why it cannot upgrade and what to do instead.
func TestPortalLicensesPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		releaseVersions(t, e)
		admin := e.Browser("admin@yunqi.demo", "zh-CN")
		if w := admin.Get("/portal"); !strings.Contains(w.Body.String(), `href="/portal/licenses"`) {
			t.Errorf("the portal menu has no licenses entry")
		}
		w := admin.Get("/portal/licenses")
		body := w.Body.String()
		for _, want := range []string{`data-license="lic_demo_cloud" data-status="active"`, "2025-01-01 – 2027-12-31", "<code>inv</code>", ">120<",
			"升级到 9.5", "不包含：", "升级实施服务", "第三方产品", `href="/api/v1/licenses/lic_demo_cloud/file"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the portal page (%d) lacks %q", w.Code, want)
			}
		}
		key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(body)
		if key == nil {
			t.Fatalf("no idempotency key in the upgrade form")
		}
		for range 2 { // a double click
			if w := admin.PostForm("/portal/licenses/lic_demo_cloud/upgrade", url.Values{"idempotency_key": {key[1]}}); w.Code != http.StatusSeeOther ||
				w.Header().Get("Location") != "/portal/licenses?done=upgraded" {
				t.Fatalf("upgrade from the page: %d %s", w.Code, w.Body)
			}
		}
		body = e.Browser("admin@yunqi.demo", "en").Get("/portal/licenses?done=upgraded").Body.String()
		if strings.Count(body, "data-license=") != 2 || !strings.Contains(body, `data-status="superseded"`) || !strings.Contains(body, "replaces lic_demo_cloud") ||
			!strings.Contains(body, "License upgraded") || !strings.Contains(body, "k3cloud 9.5") {
			t.Errorf("after the upgrade the page shows:\n%s", body)
		}
		if res := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/contracts/ctr_demo_cloud", Token: e.Login("admin@yunqi.demo")}).JSON(); res["version"] != "9.5" {
			t.Errorf("the contract after the page's upgrade: %v", res["version"])
		}

		perpetual := e.Browser("admin@huabei.demo", "en").Get("/portal/licenses").Body.String()
		if !strings.Contains(perpetual, `data-testid="refusal"`) || !strings.Contains(perpetual, "perpetual license, contact your account manager") ||
			strings.Contains(perpetual, `data-testid="upgrade"`) {
			t.Errorf("the perpetual customer's page does not explain the refusal:\n%s", perpetual)
		}
		if w := e.Browser("member@yunqi.demo", "zh-CN").Get("/portal/licenses"); w.Code != 200 || strings.Contains(w.Body.String(), `data-testid="upgrade"`) {
			t.Errorf("a member sees an upgrade button: %d", w.Code)
		}
	})
}

// TestConsoleLicensesPage: vendor staff issue from a contract and revoke
// with a reason; without a reason the form says so.
func TestConsoleLicensesPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		page := "/console/orgs/org_demo_hk/licenses"
		agent := e.Browser("agent@steward.demo", "en")
		if w := agent.Get("/console/orgs/org_demo_hk"); !strings.Contains(w.Body.String(), `href="`+page+`"`) {
			t.Errorf("the organisation page has no link to its licenses")
		}
		if w := agent.Get(page); w.Code != 200 || !strings.Contains(w.Body.String(), `data-testid="issue"`) || !strings.Contains(w.Body.String(), "GX-2025-0701") {
			t.Fatalf("console page: %d", w.Code)
		}
		if w := agent.PostForm(page, url.Values{"contract_id": {"ctr_demo_cloud"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "no contract ctr_demo_cloud") {
			t.Errorf("issue on another organisation's contract: %d", w.Code)
		}
		if w := agent.PostForm(page, url.Values{"contract_id": {"ctr_demo_hk"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != page+"?done=issued" {
			t.Fatalf("issue: %d %s", w.Code, w.Body)
		}
		if w := agent.PostForm(page+"/lic_demo_hk/revoke", url.Values{"reason": {" "}}); w.Code != http.StatusBadRequest {
			t.Errorf("revoke without a reason: %d", w.Code)
		}
		if w := agent.PostForm("/console/orgs/org_demo_cloud/licenses/lic_demo_hk/revoke", url.Values{"reason": {"x"}}); w.Code != http.StatusNotFound {
			t.Errorf("revoke through another organisation's page: %d", w.Code)
		}
		if w := agent.PostForm(page+"/lic_demo_hk/revoke", url.Values{"reason": {"contract cancelled"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", w.Code, w.Body)
		}
		body := agent.Get(page + "?done=revoked").Body.String()
		if strings.Count(body, "data-license=") != 2 || !strings.Contains(body, `data-license="lic_demo_hk" data-status="revoked"`) || !strings.Contains(body, "contract cancelled") {
			t.Errorf("after issuing and revoking:\n%s", body)
		}
		if w := e.Browser("engineer@steward.demo", "en").Get(page); w.Code != 200 || strings.Contains(w.Body.String(), `data-testid="revoke"`) {
			t.Errorf("an engineer sees revoke forms: %d", w.Code)
		}
		if w := e.Browser("admin@gangxin.demo", "en").Get(page); w.Code != http.StatusForbidden {
			t.Errorf("a customer in the console: %d", w.Code)
		}
	})
}
