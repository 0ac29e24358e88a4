package lifecycle_test

import (
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

const v80 = "/api/v1/products/k3cloud/versions/8.0"

// notices returns the titles and bodies of a user's notices, both languages.
func notices(e *apptest.Env, token string) []string {
	var out []string
	for _, n := range e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: token}).Items() {
		title, body := n["title"].(map[string]any), n["body"].(map[string]any)
		out = append(out, strings.Join([]string{title["zh"].(string), title["en"].(string), body["zh"].(string), body["en"].(string), n["link"].(string)}, "\n"))
	}
	return out
}

// serviceUntil returns the valid_until of an entitlement of the organisation.
func serviceUntil(t *testing.T, e *apptest.Env, token, org, service string) string {
	t.Helper()
	res := e.Do(req{Method: "GET", Path: "/api/v1/orgs/" + org + "/entitlements", Token: token})
	if res.Status != 200 {
		t.Fatalf("entitlements: %d %s", res.Status, res.Body)
	}
	for _, it := range res.Items() {
		if it["service"] == service {
			until, _ := it["valid_until"].(string)
			if until == "" {
				t.Logf("%s", res.Body)
			}
			return until
		}
	}
	t.Fatalf("no %s entitlement: %s", service, res.Body)
	return ""
}

func TestEditVersionDates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, admin := e.Login("pm@steward.demo"), e.Login("admin@steward.demo")
		agent, customer := e.Login("agent@steward.demo"), e.Login("admin@huabei.demo")
		other := e.Login("admin@yunqi.demo") // on 9.0, not 8.0
		service := firstService(t, e, customer)
		if got := serviceUntil(t, e, customer, "org_demo_perpetual", service); got != "2026-12-31" {
			t.Fatalf("before: %s until %s, want 2026-12-31", service, got)
		}
		e.Run(t, []check{
			{Name: "anonymous", Req: req{Method: "PATCH", Path: v80, Body: map[string]any{"standard_support_until": "2027-06-30"}}, Status: 401, Code: "auth.required"},
			{Name: "customer", Req: req{Method: "PATCH", Path: v80, Token: customer, Body: "not json"}, Status: 403, Code: "role.forbidden"},
			{Name: "agent", Req: req{Method: "PATCH", Path: v80, Token: agent, Body: map[string]any{"standard_support_until": "2027-06-30"}}, Status: 403, Code: "role.forbidden"},
			{Name: "unknown product", Req: req{Method: "PATCH", Path: "/api/v1/products/nope/versions/8.0", Token: pm, Body: map[string]any{}}, Status: 404, Code: "not_found"},
			{Name: "unknown version", Req: req{Method: "PATCH", Path: "/api/v1/products/k3cloud/versions/8.1", Token: pm, Body: map[string]any{}}, Status: 404, Code: "not_found"},
			{Name: "unknown field", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"name": "8.0.1"}}, Status: 400, Code: "request.invalid", Field: "name"},
			{Name: "not a date", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2027-02-30"}}, Status: 400, Field: "standard_support_until"},
			{Name: "a number", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"released_on": 20210901}}, Status: 400, Field: "released_on"},
			{Name: "cannot clear the standard date", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": nil}}, Status: 400, Field: "standard_support_until"},
			{Name: "before release", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2021-08-31"}}, Status: 400, Field: "standard_support_until"},
			{Name: "extended before standard", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"extended_support_until": "2026-12-30"}}, Status: 400, Field: "extended_support_until"},
			{Name: "release after the new end", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"released_on": "2027-01-01"}}, Status: 400, Field: "standard_support_until"},
		})
		if n := notices(e, customer); len(n) != 0 {
			t.Fatalf("refused edits left notices: %v", n)
		}

		e.Run(t, []check{
			{Name: "move the end of standard service", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2027-06-30", "extended_support_until": "2028-06-30"}},
				Status: 200, Fields: map[string]any{"name": "8.0", "released_on": "2021-09-01", "standard_support_until": "2027-06-30", "extended_support_until": "2028-06-30"}},
		})
		// The perpetual customer's services follow at once (the engine's
		// cache forgot the lifecycle table).
		if got := serviceUntil(t, e, customer, "org_demo_perpetual", service); got != "2027-06-30" {
			t.Errorf("after: %s until %s, want 2027-06-30: %s", service, got, e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/entitlements", Token: customer}).Body)
		}
		got := notices(e, customer)
		if len(got) != 1 {
			t.Fatalf("customer_admin on 8.0 has %d notices, want 1: %v", len(got), got)
		}
		for _, want := range []string{"金蝶云星空 8.0", "Kingdee Cloud Galaxy 8.0", "停止标服服务日期：2026-12-31 → 2027-06-30",
			"End of standard service: 2026-12-31 → 2027-06-30", "延长服务截止日期：（无） → 2028-06-30", "End of extended service: (none) → 2028-06-30", "/lifecycle/k3cloud"} {
			if !strings.Contains(got[0], want) {
				t.Errorf("notice lacks %q:\n%s", want, got[0])
			}
		}
		if n := notices(e, other); len(n) != 0 {
			t.Errorf("a customer on 9.0 was told: %v", n)
		}
		if n := notices(e, e.Login("member@huabei.demo")); len(n) != 0 {
			t.Errorf("a customer_member was told: %v", n)
		}

		// Clearing the extended date with null; correcting only the release
		// date tells nobody; the same dates again change nothing.
		e.Run(t, []check{
			{Name: "clear extended", Req: req{Method: "PATCH", Path: v80, Token: admin, Body: map[string]any{"extended_support_until": nil}}, Status: 200,
				Fields: map[string]any{"standard_support_until": "2027-06-30", "extended_support_until": nil}},
			{Name: "release date", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"released_on": "2021-09-15"}}, Status: 200, Fields: map[string]any{"released_on": "2021-09-15"}},
			{Name: "same again", Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"released_on": "2021-09-15"}}, Status: 200},
		})
		if got := notices(e, customer); len(got) != 2 || !strings.Contains(got[0], "End of extended service: 2028-06-30 → (none)") {
			t.Errorf("after clearing, want a second notice saying so: %v", got)
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?action=product.version_dates", Token: admin})
		if items := audit.Items(); len(items) != 3 {
			t.Errorf("%d audit entries, want 3: %s", len(items), audit.Body)
		} else if !strings.Contains(string(audit.Body), `"standard_support_until":{"before":"2026-12-31","after":"2027-06-30"}`) {
			t.Errorf("audit lacks before/after: %s", audit.Body)
		}
	})
}

// firstService is a service the organisation is entitled to through its
// perpetual contract on 8.0.
func firstService(t *testing.T, e *apptest.Env, token string) string {
	t.Helper()
	for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/entitlements", Token: token}).Items() {
		if until, _ := it["valid_until"].(string); until == "2026-12-31" {
			return it["service"].(string)
		}
	}
	t.Fatal("no entitlement of org_demo_perpetual runs until 2026-12-31")
	return ""
}

func TestOnlyActiveContractsAreTold(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, agent, gangxin := e.Login("pm@steward.demo"), e.Login("agent@steward.demo"), e.Login("admin@gangxin.demo") // on 8.2
		move := func(day string) {
			t.Helper()
			e.Run(t, []check{{Req: req{Method: "PATCH", Path: "/api/v1/products/k3cloud/versions/8.2", Token: pm, Body: map[string]any{"standard_support_until": day}}, Status: 200}})
		}
		move("2029-06-30")
		if n := notices(e, gangxin); len(n) != 1 {
			t.Fatalf("active contract on 8.2: %d notices, want 1", len(n))
		}
		e.Run(t, []check{{Req: req{Method: "POST", Path: "/api/v1/orgs/org_demo_hk/contracts/ctr_demo_hk/terminate", Token: agent}, Status: 200}})
		move("2029-12-31")
		if n := notices(e, gangxin); len(n) != 1 {
			t.Errorf("after termination: %d notices, want still 1", len(n))
		}
	})
}
