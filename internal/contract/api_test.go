package contract_test

import (
	"net/http"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

type req = apptest.Request
type check = apptest.Check

const (
	orgA      = "org_demo_cloud"
	orgB      = "org_demo_hk"
	contracts = "/api/v1/orgs/" + orgA + "/contracts"
)

// setup adds a product of every deployment kind with modules gl and ar and
// versions 1.0 and 2.0, which the demo data does not have.
func setup(t *testing.T, e *apptest.Env) {
	t.Helper()
	pm := e.Login("pm@steward.demo")
	name := func(zh, en string) map[string]string { return map[string]string{"zh": zh, "en": en} }
	steps := []req{
		{Method: "POST", Path: "/api/v1/products", Token: pm, Body: map[string]any{"code": "testerp", "name": name("测试ERP", "Test ERP"),
			"deployments": []string{"public_cloud", "private_cloud_subscription", "private_cloud_perpetual"},
			"modules":     []map[string]any{{"code": "gl", "name": name("总账", "General ledger")}, {"code": "ar", "name": name("应收", "Receivables")}}}},
		{Method: "POST", Path: "/api/v1/products", Token: pm, Body: map[string]any{"code": "cloudonly", "name": name("云产品", "Cloud only"),
			"deployments": []string{"public_cloud"}}},
		{Method: "POST", Path: "/api/v1/products/testerp/versions", Token: pm, Body: map[string]any{"name": "1.0", "released_on": "2022-01-01", "standard_support_until": "2026-12-31"}},
		{Method: "POST", Path: "/api/v1/products/testerp/versions", Token: pm, Body: map[string]any{"name": "2.0", "released_on": "2025-01-01", "standard_support_until": "2029-12-31"}},
	}
	for _, s := range steps {
		if res := e.Do(s); res.Status != http.StatusCreated {
			t.Fatalf("%s %s: %d %s", s.Method, s.Path, res.Status, res.Body)
		}
	}
}

// ours leaves out the demo data's contracts.
func ours(list []map[string]any) []map[string]any {
	var out []map[string]any
	for _, c := range list {
		if c["product"] == "testerp" {
			out = append(out, c)
		}
	}
	return out
}

// valid is a public-cloud subscription; change edits a copy.
func valid(change ...func(map[string]any)) map[string]any {
	c := map[string]any{"product": "testerp", "deployment": "public_cloud", "version": "2.0", "starts_on": "2026-01-01",
		"ends_on": "2027-12-31", "modules": []string{"gl", "ar"}, "users": 50, "reference": "HT-2026-001",
		"overrides": map[string]any{"add": []string{"hotline_rescue"}, "remove": []string{"requirement_listening"}, "quota": map[string]int{"hotline_rescue": 6}}}
	for _, f := range change {
		f(c)
	}
	return c
}

func set(k string, v any) func(map[string]any) { return func(c map[string]any) { c[k] = v } }

func TestContractLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		setup(t, e)
		agent := e.Login("agent@steward.demo")
		changes := map[string]int{}
		e.App.Contracts.OnChange = func(org string) { changes[org]++ }

		res := e.Do(req{Method: "POST", Path: contracts, Token: agent, Body: valid()})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		c := res.JSON()
		id := c["id"].(string)
		if c["status"] != "active" || c["org_id"] != orgA || c["ends_on"] != "2027-12-31" || res.Header.Get("Location") != contracts+"/"+id {
			t.Errorf("created %s, Location %q", res.Body, res.Header.Get("Location"))
		}
		one := contracts + "/" + id
		e.Run(t, []check{
			{Name: "the customer reads it", Req: req{Method: "GET", Path: one, Token: e.Login("member@yunqi.demo")}, Status: 200,
				Fields: map[string]any{"id": id, "version": "2.0", "users": float64(50), "reference": "HT-2026-001"}},
			{Name: "an engineer reads it", Req: req{Method: "GET", Path: one, Token: e.Login("engineer@steward.demo")}, Status: 200},
			{Name: "a second contract", Req: req{Method: "POST", Path: contracts, Token: e.Login("admin@steward.demo"),
				Body: valid(set("deployment", "private_cloud_perpetual"), set("ends_on", nil), set("version", "1.0"))}, Status: 201},
			{Name: "patch", Req: req{Method: "PATCH", Path: one, Token: agent, Body: map[string]any{"version": "1.0", "users": 80, "ends_on": "2028-06-30",
				"overrides": map[string]any{"add": []string{}, "remove": []string{}, "quota": map[string]int{"hotline_rescue": 0}}}}, Status: 200,
				Fields: map[string]any{"version": "1.0", "users": float64(80), "ends_on": "2028-06-30", "starts_on": "2026-01-01", "reference": "HT-2026-001"}},
			{Name: "patch must keep the rules", Req: req{Method: "PATCH", Path: one, Token: agent, Body: map[string]any{"ends_on": "2025-12-31"}},
				Status: 400, Code: "request.invalid", Field: "ends_on"},
			{Name: "patch an unknown version", Req: req{Method: "PATCH", Path: one, Token: agent, Body: map[string]any{"version": "9.9"}},
				Status: 400, Code: "request.invalid", Field: "version"},
			{Name: "patch cannot move the product", Req: req{Method: "PATCH", Path: one, Token: agent, Body: map[string]any{"product": "cloudonly"}},
				Status: 400, Code: "request.invalid", Field: "product"},
			{Name: "terminate", Req: req{Method: "POST", Path: one + "/terminate", Token: agent}, Status: 200, Fields: map[string]any{"status": "terminated"}},
			{Name: "terminate again changes nothing", Req: req{Method: "POST", Path: one + "/terminate", Token: agent, Body: "{}"}, Status: 200, Fields: map[string]any{"status": "terminated"}},
			{Name: "a terminated contract stays as it is", Req: req{Method: "PATCH", Path: one, Token: agent, Body: map[string]any{"users": 90}},
				Status: 409, Code: "contract.terminated"},
			{Name: "unknown contract", Req: req{Method: "GET", Path: contracts + "/ctr_nope", Token: agent}, Status: 404, Code: "not_found"},
			{Name: "unknown organisation", Req: req{Method: "POST", Path: "/api/v1/orgs/org_nope/contracts", Token: agent, Body: valid()}, Status: 404, Code: "not_found"},
		})

		list := ours(e.Do(req{Method: "GET", Path: contracts, Token: e.Login("admin@yunqi.demo")}).Items())
		if len(list) != 2 || list[0]["id"] != id || list[0]["status"] != "terminated" || list[1]["status"] != "active" {
			t.Errorf("list = %v", list)
		}
		if all, err := e.App.Contracts.OrgContracts(t.Context(), orgA); err != nil || len(all) != 3 {
			t.Errorf("OrgContracts = %d, %v; want the demo contract and both of these, terminated included", len(all), err)
		}
		// create, second create, patch, terminate; not the refusals nor the repeated terminate.
		if changes[orgA] != 4 || len(changes) != 1 {
			t.Errorf("OnChange calls = %v, want 4 for %s", changes, orgA)
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target=" + id, Token: e.Login("admin@steward.demo")}).Items()
		if len(audit) != 3 {
			t.Errorf("audit of the contract has %d entries, want create, update, terminate: %v", len(audit), audit)
		}
	})
}

func TestContractRoles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		setup(t, e)
		id := e.Do(req{Method: "POST", Path: contracts, Token: e.Login("agent@steward.demo"), Body: valid()}).JSON()["id"].(string)
		one := contracts + "/" + id
		var checks []check
		for _, who := range []string{"admin@yunqi.demo", "member@yunqi.demo", "pm@steward.demo", "engineer@steward.demo"} {
			token := e.Login(who)
			checks = append(checks,
				check{Name: who + " creates", Req: req{Method: "POST", Path: contracts, Token: token, Body: "not even json"}, Status: 403, Code: "role.forbidden"},
				check{Name: who + " patches", Req: req{Method: "PATCH", Path: one, Token: token, Body: map[string]any{"users": 1}}, Status: 403, Code: "role.forbidden"},
				check{Name: who + " terminates", Req: req{Method: "POST", Path: one + "/terminate", Token: token}, Status: 403, Code: "role.forbidden"},
				check{Name: who + " reads", Req: req{Method: "GET", Path: one, Token: token}, Status: 200})
		}
		customerB := e.Login("admin@gangxin.demo")
		checks = append(checks,
			check{Name: "another organisation's contract", Req: req{Method: "GET", Path: one, Token: customerB}, Status: 404, Code: "not_found"},
			check{Name: "under its own organisation's path", Req: req{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/contracts/" + id, Token: customerB}, Status: 404},
			check{Name: "nor under another organisation's path for vendor staff", Req: req{Method: "GET", Path: "/api/v1/orgs/" + orgB + "/contracts/" + id,
				Token: e.Login("agent@steward.demo")}, Status: 404},
			check{Name: "another organisation's list", Req: req{Method: "GET", Path: contracts, Token: customerB}, Status: 404},
			check{Name: "anonymous", Req: req{Method: "GET", Path: contracts}, Status: 401, Code: "auth.required"},
		)
		e.Run(t, checks)
	})
}

// TestContractBadInput is the table of bad input: each is 400
// request.invalid naming the field.
func TestContractBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		setup(t, e)
		agent := e.Login("agent@steward.demo")
		overrides := func(o map[string]any) func(map[string]any) { return set("overrides", o) }
		cases := []struct {
			name, field string
			body        map[string]any
		}{
			{"ends_on before starts_on", "ends_on", valid(set("ends_on", "2025-12-31"))},
			{"missing version", "version", valid(set("version", nil))},
			{"empty version", "version", valid(set("version", ""))},
			{"unknown product", "product", valid(set("product", "nope"))},
			{"missing product", "product", valid(set("product", nil))},
			{"unknown version", "version", valid(set("version", "9.9"))},
			{"unknown module", "modules[1]", valid(set("modules", []string{"gl", "hr"}))},
			{"module twice", "modules[1]", valid(set("modules", []string{"gl", "gl"}))},
			{"unknown deployment", "deployment", valid(set("deployment", "on_prem"))},
			{"deployment the product lacks", "deployment", valid(set("product", "cloudonly"), set("deployment", "private_cloud_subscription"), set("modules", nil))},
			{"no users", "users", valid(set("users", 0))},
			{"negative users", "users", valid(set("users", -5))},
			{"starts_on not a date", "starts_on", valid(set("starts_on", "2026-13-01"))},
			{"missing starts_on", "starts_on", valid(set("starts_on", nil))},
			{"ends_on not a date", "ends_on", valid(set("ends_on", "31/12/2027"))},
			{"subscription without ends_on", "ends_on", valid(set("ends_on", nil))},
			{"private subscription without ends_on", "ends_on", valid(set("deployment", "private_cloud_subscription"), set("ends_on", ""))},
			{"perpetual with ends_on", "ends_on", valid(set("deployment", "private_cloud_perpetual"))},
			{"unknown item added", "overrides.add[1]", valid(overrides(map[string]any{"add": []string{"community", "massage"}}))},
			{"unknown item removed", "overrides.remove[0]", valid(overrides(map[string]any{"remove": []string{"massage"}}))},
			{"unknown item's quota", "overrides.quota.massage", valid(overrides(map[string]any{"quota": map[string]int{"massage": 1}}))},
			{"item added twice", "overrides.add[1]", valid(overrides(map[string]any{"add": []string{"cloud_ops", "cloud_ops"}}))},
			{"item removed twice", "overrides.remove[1]", valid(overrides(map[string]any{"remove": []string{"community", "community"}}))},
			{"item added and removed", "overrides.remove[0]", valid(overrides(map[string]any{"add": []string{"cloud_ops"}, "remove": []string{"cloud_ops"}}))},
			{"negative quota", "overrides.quota.hotline_rescue", valid(overrides(map[string]any{"quota": map[string]int{"hotline_rescue": -1}}))},
			{"quota not a number", "overrides.quota", valid(overrides(map[string]any{"quota": map[string]any{"hotline_rescue": "four"}}))},
			{"unknown override field", "extra", valid(overrides(map[string]any{"extra": true}))},
			{"unknown field", "status", valid(set("status", "terminated"))},
			{"users not a number", "users", valid(set("users", "fifty"))},
		}
		var checks []check
		for _, c := range cases {
			checks = append(checks, check{Name: c.name, Req: req{Method: "POST", Path: contracts, Token: agent, Body: c.body},
				Status: 400, Code: "request.invalid", Field: c.field})
		}
		e.Run(t, checks)
		if list := ours(e.Do(req{Method: "GET", Path: contracts, Token: agent}).Items()); len(list) != 0 {
			t.Errorf("bad input left %d contracts", len(list))
		}
		// A perpetual license without ends_on, and one with "ends_on": "" are fine.
		e.Run(t, []check{
			{Name: "perpetual", Req: req{Method: "POST", Path: contracts, Token: agent, Body: valid(set("deployment", "private_cloud_perpetual"), set("ends_on", nil))}, Status: 201},
			{Name: "perpetual, empty ends_on", Req: req{Method: "POST", Path: contracts, Token: agent, Body: valid(set("deployment", "private_cloud_perpetual"), set("ends_on", ""))}, Status: 201},
			{Name: "no overrides, no modules", Req: req{Method: "POST", Path: contracts, Token: agent, Body: valid(set("overrides", nil), set("modules", nil))}, Status: 201},
		})
	})
}
