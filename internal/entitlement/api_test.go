package entitlement_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// statuses returns service → entitlement of an organisation, as the API says.
func entitlements(t *testing.T, e *apptest.Env, token, org, at string) map[string]map[string]any {
	t.Helper()
	path := "/api/v1/orgs/" + org + "/entitlements"
	if at != "" {
		path += "?at=" + url.QueryEscape(at)
	}
	res := e.Do(apptest.Request{Method: "GET", Path: path, Token: token})
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	out := map[string]map[string]any{}
	for _, it := range res.Items() {
		out[it["service"].(string)] = it
	}
	if len(out) != 7 {
		t.Fatalf("%d services, want the default catalog's 7: %s", len(out), res.Body)
	}
	return out
}

func firstReason(it map[string]any) string {
	rs, _ := it["reasons"].([]any)
	if len(rs) == 0 {
		return ""
	}
	return rs[0].(map[string]any)["code"].(string)
}

// TestDemoOrganisationsSeeTheRightServices is the acceptance with the
// demo data, on 2026-11-27 (apptest.Start).
func TestDemoOrganisationsSeeTheRightServices(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent := e.Login("agent@steward.demo")

		sg := entitlements(t, e, e.Login("member@lioncity.demo"), "org_demo_sg", "")
		for code, it := range sg {
			if it["status"] != "not_applicable_region" || firstReason(it) != "entitlement.region" {
				t.Errorf("SG %s: %v %v", code, it["status"], it["reasons"])
			}
		}

		perpetual := entitlements(t, e, e.Login("member@huabei.demo"), "org_demo_perpetual", "")
		for _, code := range []string{"community", "patch_download", "hotline_rescue"} {
			if it := perpetual[code]; it["status"] != "active" || it["valid_until"] != "2026-12-31" {
				t.Errorf("perpetual %s: %v until %v, want active until 8.0's end of standard service", code, it["status"], it["valid_until"])
			}
		}
		if it := perpetual["license_upgrade"]; it["status"] != "not_entitled" || firstReason(it) != "entitlement.not_in_contract" {
			t.Errorf("perpetual license_upgrade: %v", it)
		}
		// The day after 8.0's end of standard service, in Beijing time.
		after := entitlements(t, e, agent, "org_demo_perpetual", "2027-01-01T00:00:00+08:00")
		if it := after["patch_download"]; it["status"] != "expired" || it["valid_until"] != "2026-12-31" || firstReason(it) != "entitlement.expired" {
			t.Errorf("perpetual after its end of standard service: %v", it)
		}
		if it := entitlements(t, e, agent, "org_demo_perpetual", "2026-12-31T23:59:59+08:00")["patch_download"]; it["status"] != "active" {
			t.Errorf("perpetual on its last Beijing day: %v", it["status"])
		}

		withCloudOps := map[string]bool{}
		for _, org := range []string{"org_demo_cloud", "org_demo_hk", "org_demo_perpetual", "org_demo_sg"} {
			if entitlements(t, e, agent, org, "")["cloud_ops"]["status"] == "active" {
				withCloudOps[org] = true
			}
		}
		if len(withCloudOps) != 1 || !withCloudOps["org_demo_cloud"] {
			t.Errorf("cloud_ops active for %v, want only the public-cloud customer", withCloudOps)
		}

		cloud := entitlements(t, e, agent, "org_demo_cloud", "")
		q, _ := cloud["hotline_rescue"]["quota"].(map[string]any)
		// The demo's rescues: one closed uses a unit, one downgraded gave its unit back.
		if q["limit"] != float64(4) || q["remaining"] != float64(3) || q["period_start"] != "2026-01-01" || q["period_end"] != "2026-12-31" {
			t.Errorf("cloud rescue quota: %v", q)
		}
		if hk := entitlements(t, e, agent, "org_demo_hk", ""); hk["license_upgrade"]["status"] != "active" || hk["cloud_ops"]["status"] != "not_entitled" {
			t.Errorf("HK subscription: license_upgrade %v, cloud_ops %v", hk["license_upgrade"]["status"], hk["cloud_ops"]["status"])
		}
	})
}

func TestEntitlementAndQuotaAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const org = "org_demo_cloud"
		member, admin := e.Login("member@yunqi.demo"), e.Login("admin@yunqi.demo")
		agent, engineer, vadmin := e.Login("agent@steward.demo"), e.Login("engineer@steward.demo"), e.Login("admin@steward.demo")
		ents := "/api/v1/orgs/" + org + "/entitlements"
		ledger := "/api/v1/orgs/" + org + "/quota/hotline_rescue"
		grants := ledger + "/grants"
		grant := map[string]any{"count": 2, "reason": "版本升级期间额外支持"}
		e.Run(t, []apptest.Check{
			{Name: "at not RFC 3339", Req: apptest.Request{Method: "GET", Path: ents + "?at=2026-11-27", Token: member}, Status: 400, Code: "request.invalid", Field: "at"},
			{Name: "another organisation", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/entitlements?at=bad", Token: member}, Status: 404, Code: "not_found"},
			{Name: "no such organisation", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_nope/entitlements", Token: agent}, Status: 404, Code: "not_found"},
			{Name: "anonymous", Req: apptest.Request{Method: "GET", Path: ents}, Status: 401, Code: "auth.required"},
			{Name: "the ledger", Req: apptest.Request{Method: "GET", Path: ledger, Token: member}, Status: 200, Fields: map[string]any{"service": "hotline_rescue", "status": "active", "next_cursor": ""}},
			{Name: "unknown service in the ledger", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/quota/nope", Token: member}, Status: 400, Code: "request.invalid", Field: "service"},
			{Name: "a customer may not grant", Req: apptest.Request{Method: "POST", Path: grants, Token: admin, Body: map[string]any{"count": -1}}, Status: 403, Code: "role.forbidden"},
			{Name: "an engineer may not grant", Req: apptest.Request{Method: "POST", Path: grants, Token: engineer, Body: grant}, Status: 403, Code: "role.forbidden"},
			{Name: "a negative count", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: map[string]any{"count": -1, "reason": "x"}}, Status: 400, Code: "request.invalid", Field: "count"},
			{Name: "a count that is not a number", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: map[string]any{"count": "2", "reason": "x"}}, Status: 400, Code: "request.invalid", Field: "count"},
			{Name: "no reason", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: map[string]any{"count": 1}}, Status: 400, Code: "request.invalid", Field: "reason"},
			{Name: "an unknown field", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: map[string]any{"count": 1, "reason": "x", "extra": 1}}, Status: 400, Code: "request.invalid", Field: "extra"},
			{Name: "unknown service", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/quota/nope/grants", Token: agent, Body: grant}, Status: 400, Code: "request.invalid", Field: "service"},
			{Name: "a service without quota", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/quota/community/grants", Token: agent, Body: grant}, Status: 422, Code: "quota.not_applicable"},
			{Name: "a grant", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: grant, Header: map[string]string{"Idempotency-Key": "g-1"}}, Status: 201,
				Fields: map[string]any{"kind": "grant", "count": float64(2), "period_start": "2026-01-01", "reason": "版本升级期间额外支持"}, Header: map[string]string{"Location": ledger}},
			{Name: "the same grant again", Req: apptest.Request{Method: "POST", Path: grants, Token: agent, Body: grant, Header: map[string]string{"Idempotency-Key": "g-1"}}, Status: 200, Fields: map[string]any{"kind": "grant"}},
			{Name: "a vendor_admin grants", Req: apptest.Request{Method: "POST", Path: grants, Token: vadmin, Body: map[string]any{"count": 1, "reason": "补偿"}}, Status: 201},
		})
		l := e.Do(apptest.Request{Method: "GET", Path: ledger, Token: member})
		items, q := l.Items(), l.JSON()["quota"].(map[string]any)
		// After the demo's rescues (two uses, one refunded) come the grants.
		if len(items) != 5 || items[3]["reason"] != "版本升级期间额外支持" || q["limit"] != float64(7) || q["granted"] != float64(3) || q["remaining"] != float64(6) {
			t.Errorf("ledger after grants: %d items, quota %v", len(items), q)
		}
		if q := entitlements(t, e, member, org, "")["hotline_rescue"]["quota"].(map[string]any); q["remaining"] != float64(6) {
			t.Errorf("entitlements after the grants: %v", q)
		}
		var audited int
		if err := e.App.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'quota.grant' AND org_id = ?", org).Scan(&audited); err != nil || audited != 2 {
			t.Errorf("%d grant audit records (%v), want 2", audited, err)
		}

		// A contract change shows at once on this instance.
		if res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/contracts/ctr_demo_cloud/terminate", Token: agent}); res.Status != 200 {
			t.Fatalf("terminate: %d %s", res.Status, res.Body)
		}
		if it := entitlements(t, e, member, org, "")["cloud_ops"]; it["status"] != "not_entitled" {
			t.Errorf("after termination: %v", it["status"])
		}
	})
}

// TestAnotherInstanceSeesAContractChange: two app instances on one
// PostgreSQL; a change on the first reaches the second's cache through
// LISTEN/NOTIFY within a short wait. (SQLite runs one instance.)
func TestAnotherInstanceSeesAContractChange(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		agentOne, agentOther := one.Login("agent@steward.demo"), other.Login("agent@steward.demo")
		const org = "org_demo_hk"
		if it := entitlements(t, other, agentOther, org, "")["cloud_ops"]; it["status"] != "not_entitled" {
			t.Fatalf("before: %v", it["status"])
		}
		patch := map[string]any{"overrides": map[string]any{"add": []string{"cloud_ops"}, "remove": []string{}, "quota": map[string]int{}}}
		if res := one.Do(apptest.Request{Method: "PATCH", Path: "/api/v1/orgs/" + org + "/contracts/ctr_demo_hk", Token: agentOne, Body: patch}); res.Status != 200 {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			status := entitlements(t, other, agentOther, org, "")["cloud_ops"]["status"]
			if status == "active" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the other instance still says %v after 5 s", status)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The ledger too: a grant on one shows in the other's entitlements.
		if res := one.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/quota/hotline_rescue/grants", Token: agentOne,
			Body: map[string]any{"count": 1, "reason": "x"}}); res.Status != 201 {
			t.Fatalf("grant: %d %s", res.Status, res.Body)
		}
		for {
			q := entitlements(t, other, agentOther, org, "")["hotline_rescue"]["quota"].(map[string]any)
			if q["remaining"] == float64(5) {
				break
			}
			if time.Now().After(deadline.Add(5 * time.Second)) {
				t.Fatalf("the other instance's quota after a grant: %v", q)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestServicesPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		zh := e.Browser("member@yunqi.demo", "zh-CN")
		w := zh.Get("/portal/services")
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "我的服务") || !strings.Contains(body, `data-service="cloud_ops" data-status="active"`) ||
			!strings.Contains(body, "剩余 3 / 4 次") || !strings.Contains(body, `href="/portal/services"`) {
			t.Fatalf("portal services in Chinese: %d\n%s", w.Code, body)
		}
		if home := zh.Get("/portal").Body.String(); !strings.Contains(home, `data-testid="services-link"`) {
			t.Error("the portal home does not link to My services")
		}

		en := e.Browser("member@lioncity.demo", "en")
		body = en.Get("/portal/services").Body.String()
		if !strings.Contains(body, "My services") || !strings.Contains(body, "Not offered in your region") ||
			!strings.Contains(body, "mainland China, Hong Kong and Macau") {
			t.Errorf("portal services in English for SG:\n%s", body)
		}
		perp := e.Browser("member@huabei.demo", "zh-CN").Get("/portal/services").Body.String()
		if !strings.Contains(perp, `data-service="license_upgrade" data-status="not_entitled"`) || !strings.Contains(perp, "您的合同不包含此服务") {
			t.Errorf("perpetual customer's page:\n%s", perp)
		}
		if w := zh.Get("/console/orgs/org_demo_cloud/services"); w.Code != 403 {
			t.Errorf("a customer in the console: %d", w.Code)
		}

		agent := e.Browser("agent@steward.demo", "zh-CN")
		w = agent.Get("/console/orgs/org_demo_cloud/services")
		if w.Code != 200 || !strings.Contains(w.Body.String(), `data-testid="grant-hotline_rescue"`) {
			t.Fatalf("console table: %d", w.Code)
		}
		if org := agent.Get("/console/orgs/org_demo_cloud").Body.String(); !strings.Contains(org, `href="/console/orgs/org_demo_cloud/services"`) {
			t.Error("the console's organisation page does not link to its entitlements")
		}
		if w := agent.Get("/portal/services"); w.Code != http.StatusSeeOther {
			t.Errorf("vendor staff on the portal page: %d", w.Code)
		}
		w = agent.PostForm("/console/orgs/org_demo_cloud/services/hotline_rescue/grants", url.Values{"count": {"-1"}, "reason": {""}})
		if w.Code != 400 || !strings.Contains(w.Body.String(), "1 到 1000") {
			t.Errorf("a bad grant form: %d", w.Code)
		}
		form := url.Values{"count": {"1"}, "reason": {"春节期间额外保障"}, "key": {"page:k1"}}
		for range 2 { // a double submit grants once
			if w := agent.PostForm("/console/orgs/org_demo_cloud/services/hotline_rescue/grants", form); w.Code != http.StatusSeeOther {
				t.Fatalf("grant form: %d %s", w.Code, w.Body)
			}
		}
		body = zh.Get("/portal/services").Body.String()
		if !strings.Contains(body, "春节期间额外保障") || !strings.Contains(body, "剩余 4 / 5 次") {
			t.Errorf("the customer does not see the grant and its reason:\n%s", body)
		}
		if w := e.Browser("engineer@steward.demo", "zh-CN").PostForm("/console/orgs/org_demo_cloud/services/hotline_rescue/grants", form); w.Code != 403 {
			t.Errorf("an engineer's grant form: %d", w.Code)
		}
	})
}
