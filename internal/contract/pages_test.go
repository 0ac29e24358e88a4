package contract_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func TestConsoleContractsPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		page := "/console/orgs/org_demo_perpetual/contracts"
		agent := e.Browser("agent@steward.demo", "zh-CN")
		if w := agent.Get("/console/orgs/org_demo_perpetual"); !strings.Contains(w.Body.String(), `href="`+page+`"`) {
			t.Errorf("the organisation page has no link to its contracts")
		}
		w := agent.Get(page)
		body := w.Body.String()
		for _, want := range []string{"金蝶云星空", "HB-2022-0301", "HB-2019-1001", "版本停止标服服务日", "私有云（永久许可）", `data-testid="contract-create"`, "8.0 · 标服至 2026-12-31"} {
			if !strings.Contains(body, want) {
				t.Errorf("contracts page (%d) lacks %q", w.Code, want)
			}
		}

		// A form with a mistake answers 400 and names the field; a good one creates.
		form := url.Values{"product": {"k3cloud"}, "deployment": {"private_cloud_perpetual"}, "version": {"9.0"}, "starts_on": {"2026-11-01"},
			"ends_on": {"2027-10-31"}, "users": {"20"}, "modules": {"gl", "mfg"}, "reference": {"HB-2026-1101"}, "overrides_quota": {"hotline_rescue=6"}}
		if w := agent.PostForm(page, form); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "ends_on: 永久许可没有结束日期") {
			t.Errorf("bad form: %d", w.Code)
		}
		form.Set("ends_on", "")
		if w := agent.PostForm(page, form); w.Code != http.StatusSeeOther || w.Header().Get("Location") != page+"?done=created" {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		token := e.Login("agent@steward.demo")
		var created map[string]any
		for _, c := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/contracts", Token: token}).Items() {
			if c["reference"] == "HB-2026-1101" {
				created = c
			}
		}
		if created == nil || created["version"] != "9.0" || created["overrides"].(map[string]any)["quota"].(map[string]any)["hotline_rescue"] != float64(6) {
			t.Fatalf("created from the form: %v", created)
		}
		if w := agent.PostForm(page+"/"+created["id"].(string)+"/terminate", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("terminate: %d", w.Code)
		}
		if w := e.Browser("agent@steward.demo", "en").Get(page + "?done=terminated"); !strings.Contains(w.Body.String(), "The contract was terminated.") ||
			!strings.Contains(w.Body.String(), "Terminated") {
			t.Errorf("after terminating: %d", w.Code)
		}

		// An engineer reads without the form; a customer is refused the console.
		if w := e.Browser("engineer@steward.demo", "zh-CN").Get(page); w.Code != 200 || strings.Contains(w.Body.String(), `data-testid="contract-create"`) {
			t.Errorf("engineer: %d", w.Code)
		}
		if w := e.Browser("engineer@steward.demo", "zh-CN").PostForm(page, form); w.Code != http.StatusForbidden {
			t.Errorf("engineer creates: %d", w.Code)
		}
		if w := e.Browser("admin@huabei.demo", "zh-CN").Get(page); w.Code != http.StatusForbidden {
			t.Errorf("customer in the console: %d", w.Code)
		}
	})
}
