package audit_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/clock"
)

const (
	orgA = "org_demo_cloud" // 云启制造: admin@yunqi.demo, member@yunqi.demo
	orgB = "org_demo_hk"    // 港新貿易: admin@gangxin.demo
)

// people logs in the demo accounts the tests use.
type people struct{ member, admin, adminB, agent, engineer, vendorAdmin string }

func logins(e *apptest.Env) people {
	return people{
		member: e.Login("member@yunqi.demo"), admin: e.Login("admin@yunqi.demo"), adminB: e.Login("admin@gangxin.demo"),
		agent: e.Login("agent@steward.demo"), engineer: e.Login("engineer@steward.demo"), vendorAdmin: e.Login("admin@steward.demo"),
	}
}

func upload(e *apptest.Env, token, org, name, body string) apptest.Response {
	return e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/attachments?name=" + url.QueryEscape(name), Token: token, Body: body})
}

func uploaded(t *testing.T, e *apptest.Env, token, org, name, body string) string {
	t.Helper()
	res := upload(e, token, org, name, body)
	if res.Status != 201 {
		t.Fatalf("upload %s: %d %s", name, res.Status, res.Body)
	}
	return res.JSON()["id"].(string)
}

func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }

func grant(t *testing.T, e *apptest.Env, token, org string, body map[string]any) map[string]any {
	t.Helper()
	res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/access-grants", Token: token, Body: body})
	if res.Status != 201 {
		t.Fatalf("grant: %d %s", res.Status, res.Body)
	}
	return res.JSON()
}

func read(e *apptest.Env, token, id string) apptest.Response {
	return e.Do(apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: token})
}

func list(e *apptest.Env, token, path string) []map[string]any {
	return e.Do(apptest.Request{Method: "GET", Path: path, Token: token}).Items()
}

// TestAVendorReadsACustomersFileOnlyWithItsGrant is the acceptance:
// refused without a basis, allowed once the customer_admin grants access,
// the read in the customer's log with its basis, and refused again once the
// grant is revoked or has expired.
func TestAVendorReadsACustomersFileOnlyWithItsGrant(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		const body = "2026-11-27 09:58:01 ERROR 月结凭证生成失败\n"
		id := uploaded(t, e, p.member, orgA, "月结日志.txt", body)

		e.Run(t, []apptest.Check{{Name: "no basis", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: p.agent}, Status: 403, Code: "access.no_basis"}})
		if got := list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log"); len(got) != 0 {
			t.Fatalf("a refused read is in the log: %v", got)
		}

		g := grant(t, e, p.admin, orgA, map[string]any{"until": rfc3339(e.Clock.Now().Add(72 * time.Hour)), "scope": "attachments", "note": "工单 1234"})
		if g["active"] != true || g["revoked_at"] != nil || g["scope"] != "attachments" {
			t.Fatalf("grant: %v", g)
		}
		res := read(e, p.agent, id)
		if res.Status != 200 || string(res.Body) != body {
			t.Fatalf("read with a grant: %d %q", res.Status, res.Body)
		}

		log := list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log")
		if len(log) != 1 {
			t.Fatalf("access log: %v", log)
		}
		rec, basis := log[0], log[0]["basis"].(map[string]any)
		if rec["object_kind"] != "attachment" || rec["object_id"] != id || rec["object_label"] != "月结日志.txt" ||
			rec["actor_name"] != "客服专员 李娜" || rec["actor_role"] != "agent" || rec["org_id"] != orgA ||
			basis["kind"] != "access_grant" || basis["id"] != g["id"] || rec["at"] != rfc3339(e.Clock.Now()) {
			t.Fatalf("record: %v", rec)
		}
		// The record's write is audited too, in the customer's own trail.
		trail := list(e, p.admin, "/api/v1/audit?action=data.read")
		if len(trail) != 1 || trail[0]["target_id"] != id {
			t.Fatalf("audit of the read: %v", trail)
		}

		// The customer's own staff read freely, without a record.
		for _, token := range []string{p.member, p.admin} {
			if res := read(e, token, id); res.Status != 200 {
				t.Fatalf("own staff read: %d", res.Status)
			}
		}
		if n := len(list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log")); n != 1 {
			t.Fatalf("customer reads were logged: %d records", n)
		}

		// Revoked: no basis any more; revoking again changes nothing.
		revoke := "/api/v1/orgs/" + orgA + "/access-grants/" + g["id"].(string) + "/revoke"
		e.Run(t, []apptest.Check{
			{Name: "revoke", Req: apptest.Request{Method: "POST", Path: revoke, Token: p.admin}, Status: 200, Fields: map[string]any{"active": false, "revoked_at": rfc3339(e.Clock.Now())}},
			{Name: "revoked grant", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: p.agent}, Status: 403, Code: "access.no_basis"},
			{Name: "revoke again", Req: apptest.Request{Method: "POST", Path: revoke, Token: p.admin, Body: "{}"}, Status: 200, Fields: map[string]any{"revoked_at": rfc3339(e.Clock.Now())}},
		})

		// An expired grant is no basis either; one for "all" covers attachments.
		grant(t, e, p.admin, orgA, map[string]any{"until": rfc3339(e.Clock.Now().Add(time.Hour)), "scope": "all"})
		if res := read(e, p.engineer, id); res.Status != 200 {
			t.Fatalf("read on an \"all\" grant: %d %s", res.Status, res.Body)
		}
		e.Clock.Advance(time.Hour)
		e.Run(t, []apptest.Check{{Name: "expired grant", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: p.engineer}, Status: 403, Code: "access.no_basis"}})
		grants := list(e, p.agent, "/api/v1/orgs/"+orgA+"/access-grants")
		if len(grants) != 2 || grants[0]["active"] != false || grants[1]["revoked_at"] == nil {
			t.Fatalf("grants as vendor staff see them: %v", grants)
		}
	})
}

// TestALawfulRequestIsABasisHiddenUntilItsDisclosureDate: the vendor reads
// on it; the customer sees neither the request nor the reads (nor a trace in
// its audit trail) before the date, then sees both and its admins have a notice.
func TestALawfulRequestIsABasisHiddenUntilItsDisclosureDate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		id := uploaded(t, e, p.member, orgA, "export.csv", "voucher,amount\n1,100\n")
		discloseOn := clock.BeijingDate(e.Clock.Now().AddDate(0, 0, 10))
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgA + "/lawful-requests", Token: p.vendorAdmin, Body: map[string]any{
			"authority": "上海市公安局", "reference": "沪公(网)调字[2026]0042号", "scope": "attachments",
			"until": rfc3339(e.Clock.Now().AddDate(0, 1, 0)), "disclose_on": discloseOn, "note": "case 42"}})
		if res.Status != 201 || res.JSON()["disclosed"] != false || res.JSON()["disclose_on"] != discloseOn || res.Header.Get("Location") == "" {
			t.Fatalf("lawful request: %d %s", res.Status, res.Body)
		}
		lawfulID := res.JSON()["id"].(string)

		if res := read(e, p.agent, id); res.Status != 200 {
			t.Fatalf("read on a lawful request: %d %s", res.Status, res.Body)
		}
		vendorLog := list(e, p.vendorAdmin, "/api/v1/orgs/"+orgA+"/access-log")
		if len(vendorLog) != 1 || vendorLog[0]["basis"].(map[string]any)["id"] != lawfulID {
			t.Fatalf("the vendor_admin's log: %v", vendorLog)
		}

		hidden := func(when string) {
			t.Helper()
			if got := list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log"); len(got) != 0 {
				t.Errorf("%s: the customer's log shows %v", when, got)
			}
			if got := list(e, p.admin, "/api/v1/orgs/"+orgA+"/lawful-requests"); len(got) != 0 {
				t.Errorf("%s: the customer sees the request %v", when, got)
			}
			trail := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit", Token: p.admin})
			if strings.Contains(string(trail.Body), lawfulID) || strings.Contains(string(trail.Body), "data.read") || strings.Contains(string(trail.Body), "lawful") {
				t.Errorf("%s: the customer's audit trail gives it away: %s", when, trail.Body)
			}
			if n := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: p.admin}).JSON()["unread"]; n != float64(0) {
				t.Errorf("%s: the admin has %v unread notices", when, n)
			}
		}
		hidden("at once")

		// The job runs at the start of the disclosure date in Beijing time, not before.
		start, _ := time.ParseInLocation(time.DateOnly, discloseOn, clock.Shanghai)
		e.Clock.Set(start.Add(-time.Minute))
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		hidden("a minute before the date")

		e.Clock.Set(start)
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-log"); len(got) != 1 || got[0]["basis"].(map[string]any)["kind"] != "lawful_request" {
			t.Errorf("on the date the customer's log shows %v", got)
		}
		requests := list(e, p.admin, "/api/v1/orgs/"+orgA+"/lawful-requests")
		if len(requests) != 1 || requests[0]["reference"] != "沪公(网)调字[2026]0042号" || requests[0]["disclosed"] != true {
			t.Errorf("on the date the customer sees %v", requests)
		}
		notices := list(e, p.admin, "/api/v1/notices")
		if len(notices) != 1 || !strings.Contains(notices[0]["body"].(map[string]any)["zh"].(string), "沪公(网)调字[2026]0042号") ||
			!strings.Contains(notices[0]["title"].(map[string]any)["en"].(string), "lawful request") || notices[0]["link"] != "/portal/access" {
			t.Errorf("the customer_admin's notices: %v", notices)
		}
		if got := list(e, p.member, "/api/v1/notices"); len(got) != 0 {
			t.Errorf("a member was told: %v", got)
		}
		// Once only, however often the runner looks.
		e.Clock.Advance(24 * time.Hour)
		e.App.Jobs.RunDue(context.Background())
		if got := list(e, p.admin, "/api/v1/notices"); len(got) != 1 {
			t.Errorf("%d notices after another run", len(got))
		}
	})
}

// TestWhoMayDoWhat covers the role table's rows of data access, and that
// authorisation comes before the body is looked at.
func TestWhoMayDoWhat(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		grants, lawful, log := "/api/v1/orgs/"+orgA+"/access-grants", "/api/v1/orgs/"+orgA+"/lawful-requests", "/api/v1/orgs/"+orgA+"/access-log"
		forbidden := func(name, method, path, token string) apptest.Check {
			return apptest.Check{Name: name, Req: apptest.Request{Method: method, Path: path, Token: token, Body: "{not json"}, Status: 403, Code: "role.forbidden"}
		}
		ok := func(name, path, token string) apptest.Check {
			return apptest.Check{Name: name, Req: apptest.Request{Method: "GET", Path: path, Token: token}, Status: 200}
		}
		e.Run(t, []apptest.Check{
			forbidden("a member grants", "POST", grants, p.member),
			forbidden("an agent grants", "POST", grants, p.agent),
			forbidden("the vendor_admin grants", "POST", grants, p.vendorAdmin),
			forbidden("a member lists grants", "GET", grants, p.member),
			forbidden("a customer_admin records a lawful request", "POST", lawful, p.admin),
			forbidden("an agent records a lawful request", "POST", lawful, p.agent),
			forbidden("an agent lists lawful requests", "GET", lawful, p.agent),
			forbidden("a member lists lawful requests", "GET", lawful, p.member),
			forbidden("a member reads the log", "GET", log, p.member),
			forbidden("an agent reads the log", "GET", log, p.agent),
			forbidden("an engineer reads the log", "GET", log, p.engineer),
			ok("the customer_admin lists grants", grants, p.admin),
			ok("an agent lists grants", grants, p.agent),
			ok("the customer_admin lists lawful requests", lawful, p.admin),
			ok("the vendor_admin lists lawful requests", lawful, p.vendorAdmin),
			ok("the customer_admin reads the log", log, p.admin),
			ok("the vendor_admin reads the log", log, p.vendorAdmin),
			{Name: "unauthenticated", Req: apptest.Request{Method: "GET", Path: log}, Status: 401, Code: "auth.required"},
			{Name: "another org's admin", Req: apptest.Request{Method: "GET", Path: log, Token: p.adminB}, Status: 404, Code: "not_found"},
			{Name: "an unknown org", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_nope/access-log", Token: p.vendorAdmin}, Status: 404, Code: "not_found"},
		})
	})
}

// TestBadAccessInputNamesTheField: each mistake is a 400 naming its field.
func TestBadAccessInputNamesTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		now := e.Clock.Now()
		grants, lawful := "/api/v1/orgs/"+orgA+"/access-grants", "/api/v1/orgs/"+orgA+"/lawful-requests"
		inAWeek := rfc3339(now.AddDate(0, 0, 7))
		lawfulBody := func(change map[string]any) map[string]any {
			b := map[string]any{"authority": "公安局", "reference": "No. 42", "scope": "all", "until": inAWeek}
			for k, v := range change {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		bad := func(name, path, token string, body any, field string) apptest.Check {
			return apptest.Check{Name: name, Req: apptest.Request{Method: "POST", Path: path, Token: token, Body: body}, Status: 400, Code: "request.invalid", Field: field}
		}
		e.Run(t, []apptest.Check{
			bad("grant in the past", grants, p.admin, map[string]any{"until": rfc3339(now.Add(-time.Minute)), "scope": "attachments"}, "until"),
			bad("grant ending now", grants, p.admin, map[string]any{"until": rfc3339(now), "scope": "attachments"}, "until"),
			bad("grant longer than a year", grants, p.admin, map[string]any{"until": rfc3339(now.AddDate(1, 0, 1)), "scope": "attachments"}, "until"),
			bad("grant without until", grants, p.admin, map[string]any{"scope": "attachments"}, "until"),
			bad("grant until not RFC 3339", grants, p.admin, map[string]any{"until": "next friday", "scope": "attachments"}, "until"),
			bad("grant until of the wrong type", grants, p.admin, map[string]any{"until": 1764000000, "scope": "attachments"}, "until"),
			bad("grant of a wrong scope", grants, p.admin, map[string]any{"until": inAWeek, "scope": "everything"}, "scope"),
			bad("grant without scope", grants, p.admin, map[string]any{"until": inAWeek}, "scope"),
			bad("grant note too long", grants, p.admin, map[string]any{"until": inAWeek, "scope": "all", "note": strings.Repeat("长", 1001)}, "note"),
			bad("grant with an unknown field", grants, p.admin, map[string]any{"until": inAWeek, "scope": "all", "org_id": orgB}, "org_id"),
			bad("lawful request without reference", lawful, p.vendorAdmin, lawfulBody(map[string]any{"reference": nil}), "reference"),
			bad("lawful request with a blank reference", lawful, p.vendorAdmin, lawfulBody(map[string]any{"reference": "   "}), "reference"),
			bad("lawful request without authority", lawful, p.vendorAdmin, lawfulBody(map[string]any{"authority": nil}), "authority"),
			bad("lawful request of a wrong scope", lawful, p.vendorAdmin, lawfulBody(map[string]any{"scope": "attachment"}), "scope"),
			bad("lawful request without until", lawful, p.vendorAdmin, lawfulBody(map[string]any{"until": nil}), "until"),
			bad("lawful request in the past", lawful, p.vendorAdmin, lawfulBody(map[string]any{"until": rfc3339(now.Add(-time.Hour))}), "until"),
			bad("lawful request disclosed on a malformed date", lawful, p.vendorAdmin, lawfulBody(map[string]any{"disclose_on": "2026/12/01"}), "disclose_on"),
			bad("lawful request disclosed on an impossible date", lawful, p.vendorAdmin, lawfulBody(map[string]any{"disclose_on": "2026-02-30"}), "disclose_on"),
			bad("lawful request disclosed yesterday", lawful, p.vendorAdmin, lawfulBody(map[string]any{"disclose_on": clock.BeijingDate(now.AddDate(0, 0, -1))}), "disclose_on"),
		})
		// Nothing was stored by any of them; disclose_on defaults to today in Beijing.
		if got := list(e, p.admin, grants); len(got) != 0 {
			t.Fatalf("bad grants were stored: %v", got)
		}
		res := e.Do(apptest.Request{Method: "POST", Path: lawful, Token: p.vendorAdmin, Body: lawfulBody(nil)})
		if res.Status != 201 || res.JSON()["disclose_on"] != clock.BeijingDate(now) || res.JSON()["disclosed"] != true {
			t.Fatalf("lawful request with the default date: %d %s", res.Status, res.Body)
		}
		// Another organisation's grant is not found under this one.
		g := grant(t, e, p.adminB, orgB, map[string]any{"until": inAWeek, "scope": "all"})
		e.Run(t, []apptest.Check{
			{Name: "B's grant under A", Req: apptest.Request{Method: "POST", Path: grants + "/" + g["id"].(string) + "/revoke", Token: p.admin}, Status: 404, Code: "not_found"},
		})
	})
}
