package lifecycle_test

import (
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

type req = apptest.Request
type check = apptest.Check

// product is a product the demo data does not have.
func product() map[string]any {
	return map[string]any{"code": "testerp", "name": map[string]string{"zh": "测试ERP", "en": "Test ERP"},
		"deployments": []string{"public_cloud", "private_cloud_perpetual"},
		"modules":     []map[string]any{{"code": "gl", "name": map[string]string{"zh": "总账", "en": "General ledger"}}}}
}

func version(name, released, standard, extended string) map[string]any {
	v := map[string]any{"name": name, "released_on": released, "standard_support_until": standard}
	if extended != "" {
		v["extended_support_until"] = extended
	}
	return v
}

func TestProductsAndVersions(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, admin := e.Login("pm@steward.demo"), e.Login("admin@steward.demo")
		customer, agent := e.Login("admin@yunqi.demo"), e.Login("agent@steward.demo")
		with := func(change func(map[string]any)) map[string]any {
			p := product()
			change(p)
			return p
		}
		versions := "/api/v1/products/testerp/versions"
		e.Run(t, []check{
			{Name: "customer may not add a product", Req: req{Method: "POST", Path: "/api/v1/products", Token: customer, Body: "not json"}, Status: 403, Code: "role.forbidden"},
			{Name: "nor an agent", Req: req{Method: "POST", Path: "/api/v1/products", Token: agent, Body: product()}, Status: 403, Code: "role.forbidden"},
			{Name: "anonymous", Req: req{Method: "POST", Path: "/api/v1/products", Body: product()}, Status: 401, Code: "auth.required"},
			{Name: "product manager adds it", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: product()}, Status: 201,
				Fields: map[string]any{"code": "testerp"}, Header: map[string]string{"Location": "/api/v1/products/testerp"}},
			{Name: "same code again", Req: req{Method: "POST", Path: "/api/v1/products", Token: admin, Body: product()}, Status: 409, Code: "product.exists"},
			{Name: "bad code", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) { p["code"] = "Bad Code" })},
				Status: 400, Code: "request.invalid", Field: "code"},
			{Name: "no english name", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) { p["name"] = map[string]string{"zh": "测试"} })},
				Status: 400, Code: "request.invalid", Field: "name.en"},
			{Name: "unknown deployment", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) { p["deployments"] = []string{"public_cloud", "on_prem"} })},
				Status: 400, Code: "request.invalid", Field: "deployments[1]"},
			{Name: "no deployments", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) { p["deployments"] = []string{} })},
				Status: 400, Code: "request.invalid", Field: "deployments"},
			{Name: "module twice", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) {
				m := map[string]any{"code": "ar", "name": map[string]string{"zh": "应收", "en": "Receivables"}}
				p["code"], p["modules"] = "other", []any{m, m}
			})}, Status: 400, Code: "request.invalid", Field: "modules[1].code"},
			{Name: "unknown field", Req: req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: with(func(p map[string]any) { p["colour"] = "red" })},
				Status: 400, Code: "request.invalid", Field: "colour"},

			{Name: "version", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "2028-12-31")}, Status: 201,
				Fields: map[string]any{"product": "testerp", "name": "1.0", "extended_support_until": "2028-12-31"}},
			{Name: "version without extended support", Req: req{Method: "POST", Path: versions, Token: admin, Body: version("2.0", "2025-01-01", "2027-12-31", "")}, Status: 201},
			{Name: "same version again", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "")}, Status: 409, Code: "product.version_exists"},
			{Name: "customer may not add a version", Req: req{Method: "POST", Path: versions, Token: customer, Body: "{"}, Status: 403, Code: "role.forbidden"},
			{Name: "unknown product", Req: req{Method: "POST", Path: "/api/v1/products/nope/versions", Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "")}, Status: 404, Code: "not_found"},
			{Name: "no name", Req: req{Method: "POST", Path: versions, Token: pm, Body: version(" ", "2024-01-01", "2026-12-31", "")}, Status: 400, Field: "name"},
			{Name: "not a date", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("3.0", "2024-02-30", "2026-12-31", "")}, Status: 400, Field: "released_on"},
			{Name: "no standard support date", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("3.0", "2024-01-01", "", "")}, Status: 400, Field: "standard_support_until"},
			{Name: "standard support ends before release", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("3.0", "2024-01-01", "2023-12-31", "")},
				Status: 400, Field: "standard_support_until"},
			{Name: "extended ends before standard", Req: req{Method: "POST", Path: versions, Token: pm, Body: version("3.0", "2024-01-01", "2026-12-31", "2026-12-30")},
				Status: 400, Field: "extended_support_until"},
			{Name: "read without login", Req: req{Method: "GET", Path: "/api/v1/products/testerp"}, Status: 200, Fields: map[string]any{"code": "testerp"}},
			{Name: "unknown product read", Req: req{Method: "GET", Path: "/api/v1/products/nope"}, Status: 404, Code: "not_found"},
		})

		got := e.Do(req{Method: "GET", Path: "/api/v1/products/testerp"}).JSON()
		if vs, _ := got["versions"].([]any); len(vs) != 2 || vs[0].(map[string]any)["name"] != "1.0" {
			t.Errorf("versions = %v, want 1.0 then 2.0", got["versions"])
		}
		if ms, _ := got["modules"].([]any); len(ms) != 1 {
			t.Errorf("modules = %v", got["modules"])
		}
		found := false
		for _, p := range e.Do(req{Method: "GET", Path: "/api/v1/products", Token: customer}).Items() {
			found = found || p["code"] == "testerp"
		}
		if !found {
			t.Error("the product list lacks testerp")
		}
	})
}

func TestOnChangeFollowsEveryCommittedChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		calls := 0
		e.App.Products.OnChange = func() { calls++ }
		pm := e.Login("pm@steward.demo")
		e.Do(req{Method: "POST", Path: "/api/v1/products", Token: pm, Body: product()})
		e.Do(req{Method: "POST", Path: "/api/v1/products/testerp/versions", Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "")})
		e.Do(req{Method: "POST", Path: "/api/v1/products/testerp/versions", Token: pm, Body: version("1.0", "2024-01-01", "2026-12-31", "")}) // refused
		edit := "/api/v1/products/testerp/versions/1.0"
		e.Do(req{Method: "PATCH", Path: edit, Token: pm, Body: map[string]any{"standard_support_until": "2027-12-31"}})
		e.Do(req{Method: "PATCH", Path: edit, Token: pm, Body: map[string]any{"standard_support_until": "2027-12-31"}}) // no change
		e.Do(req{Method: "PATCH", Path: edit, Token: pm, Body: map[string]any{"standard_support_until": "2020-12-31"}}) // refused
		if calls != 3 {
			t.Errorf("OnChange called %d times, want 3", calls)
		}
	})
}
