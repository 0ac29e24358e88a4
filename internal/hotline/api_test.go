package hotline_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

const (
	cloud  = "org_demo_cloud" // 3 of 4 rescues left: the demo has one closed, one downgraded
	hk     = "org_demo_hk"    // 4 of 4 left
	legacy = "org_demo_legacy"
)

// failure is a report body that passes every check.
func failure(e *apptest.Env, title string) map[string]any {
	return map[string]any{"title": title, "description": "Nobody can log in since 09:00.", "users_affected": "all",
		"business_stopped": true, "since": e.Clock.Now().Add(-30 * time.Minute).Format(time.RFC3339),
		"contact": map[string]string{"name": "Zhao Min", "phone": "+86 138 0013 8000"}, "environment": "production 9.0"}
}

func report(e *apptest.Env, token, org string, body any, header map[string]string) apptest.Response {
	return e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/rescues", Token: token, Body: body, Header: header})
}

func act(e *apptest.Env, token, org, id, action string, body any) apptest.Response {
	return e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/rescues/" + id + "/" + action, Token: token, Body: body})
}

func get(e *apptest.Env, token, org, id string) map[string]any {
	return e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/rescues/" + id, Token: token}).JSON()
}

func remaining(t *testing.T, e *apptest.Env, token, org string) float64 {
	t.Helper()
	res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/quota/hotline_rescue", Token: token})
	q, _ := res.JSON()["quota"].(map[string]any)
	if q == nil {
		t.Fatalf("no quota: %d %s", res.Status, res.Body)
	}
	return q["remaining"].(float64)
}

func mustStatus(t *testing.T, what string, res apptest.Response, want int) map[string]any {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s: %d, want %d: %s", what, res.Status, want, res.Body)
	}
	return res.JSON()
}

// timeline returns the timeline's lines as "kind:state:body".
func timeline(r map[string]any) []string {
	var out []string
	for _, x := range r["timeline"].([]any) {
		u := x.(map[string]any)
		state, _ := u["state"].(string)
		out = append(out, u["kind"].(string)+":"+state+":"+u["body"].(string))
	}
	return out
}

func TestLifeCycleOfAFatalFailure(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer := e.Login("admin@yunqi.demo"), e.Login("engineer@steward.demo")
		reportedAt := e.Clock.Now()
		r := mustStatus(t, "report", report(e, customer, cloud, failure(e, "ERP down"), nil), http.StatusCreated)
		id := r["id"].(string)
		if !regexp.MustCompile(`^R-2026-\d{4}$`).MatchString(r["number"].(string)) || r["state"] != "reported" {
			t.Fatalf("report: %v", r)
		}
		due := r["due"].(map[string]any)
		if due["ack"] != reportedAt.Add(15*time.Minute).Format(time.RFC3339) || due["update"] != nil {
			t.Errorf("due after the report: %v (7x24: acknowledge within 15 minutes)", due)
		}
		if q := r["quota"].(map[string]any); q["remaining"] != float64(2) || q["limit"] != float64(4) {
			t.Errorf("quota after the report: %v", q)
		}
		notices := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: customer}).Items()
		if len(notices) == 0 || notices[0]["link"] != "/portal/rescues/"+id {
			t.Fatalf("the customer_admin was not told: %v", notices)
		}
		if body := notices[0]["body"].(map[string]any); !strings.Contains(body["en"].(string), "Users affected: all users") ||
			!strings.Contains(body["zh"].(string), "受影响用户：全部用户") {
			t.Errorf("the notice says who is affected in words: %v", body)
		}

		escalation := func(state string) bool {
			for _, x := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/escalations?state=" + state, Token: engineer}).Items() {
				if x["key"] == "rescue:"+id && x["policy_id"] == "hotline" {
					return true
				}
			}
			return false
		}
		if !escalation("open") {
			t.Errorf("the report did not page the hotline rota")
		}

		e.Clock.Advance(5 * time.Minute)
		r = mustStatus(t, "ack", act(e, engineer, cloud, id, "ack", nil), http.StatusOK)
		if !escalation("acknowledged") || escalation("open") {
			t.Errorf("the acknowledgement did not stop the escalation")
		}
		due = r["due"].(map[string]any)
		if r["state"] != "acknowledged" || due["ack"] != nil || due["update"] != e.Clock.Now().Add(time.Hour).Format(time.RFC3339) {
			t.Errorf("after ack: state %v due %v", r["state"], due)
		}
		if b := r["breaches"].([]any); len(b) != 0 {
			t.Errorf("acknowledged within target, breaches %v", b)
		}
		mustStatus(t, "public update", act(e, engineer, cloud, id, "updates", map[string]any{"body": "We are on it.", "public": true}), http.StatusCreated)
		mustStatus(t, "internal note", act(e, engineer, cloud, id, "updates", map[string]any{"body": "db lock on gl_voucher", "public": false}), http.StatusCreated)
		for _, a := range []string{"confirm", "mitigate", "resolve"} {
			mustStatus(t, a, act(e, engineer, cloud, id, a, map[string]any{"note": a + " note"}), http.StatusOK)
		}
		e.Run(t, []apptest.Check{
			{Name: "close without postmortem", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues/" + id + "/close", Token: engineer, Body: "{}"},
				Status: 400, Code: "request.invalid", Field: "postmortem"},
		})
		r = mustStatus(t, "close", act(e, engineer, cloud, id, "close", map[string]any{"postmortem": "## Cause\n\nA lock held <script>x</script> too long."}), http.StatusOK)
		if r["state"] != "closed" || !strings.Contains(r["postmortem_html"].(string), "<h2") || strings.Contains(r["postmortem_html"].(string), "<script") {
			t.Errorf("closed: state %v postmortem %v", r["state"], r["postmortem_html"])
		}

		seen := get(e, customer, cloud, id)
		want := []string{"reported::ERP down", "state:acknowledged:", "update::We are on it.", "state:confirmed_fatal:confirm note",
			"state:mitigated:mitigate note", "state:resolved:resolve note", "state:closed:"}
		if got := timeline(seen); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("the customer's timeline:\n got %q\nwant %q", got, want)
		}
		if got := timeline(get(e, engineer, cloud, id)); len(got) != len(want)+1 || got[3] != "update::db lock on gl_voucher" {
			t.Errorf("the engineer's timeline has the internal note: %q", got)
		}
		if remaining(t, e, customer, cloud) != 2 {
			t.Errorf("a confirmed fatal failure keeps its quota unit")
		}
	})
}

func TestDowngradeRefundsTheQuotaUnit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, agent := e.Login("member@yunqi.demo"), e.Login("agent@steward.demo")
		id := mustStatus(t, "report", report(e, customer, cloud, failure(e, "Printing stopped"), nil), http.StatusCreated)["id"].(string)
		if n := remaining(t, e, customer, cloud); n != 2 {
			t.Fatalf("remaining after the report %v, want 2", n)
		}
		mustStatus(t, "ack", act(e, agent, cloud, id, "ack", nil), http.StatusOK)
		path := "/api/v1/orgs/" + cloud + "/rescues/" + id + "/downgrade"
		e.Run(t, []apptest.Check{
			{Name: "no reason", Req: apptest.Request{Method: "POST", Path: path, Token: agent, Body: "{}"}, Status: 400, Field: "reason"},
			{Name: "excluded without cause", Req: apptest.Request{Method: "POST", Path: path, Token: agent, Body: map[string]any{"reason": "excluded_cause"}}, Status: 400, Field: "cause"},
			{Name: "unknown cause", Req: apptest.Request{Method: "POST", Path: path, Token: agent, Body: map[string]any{"reason": "excluded_cause", "cause": "sunspots"}}, Status: 400, Field: "cause"},
			{Name: "cause with not_fatal", Req: apptest.Request{Method: "POST", Path: path, Token: agent, Body: map[string]any{"reason": "not_fatal", "cause": "virus"}}, Status: 400, Field: "cause"},
			{Name: "customer may not", Req: apptest.Request{Method: "POST", Path: path, Token: customer, Body: map[string]any{"reason": "not_fatal"}}, Status: 403, Code: "role.forbidden"},
		})
		r := mustStatus(t, "downgrade", act(e, agent, cloud, id, "downgrade", map[string]any{"reason": "excluded_cause", "cause": "third_party_product", "note": "the printer driver"}), http.StatusOK)
		if n := remaining(t, e, customer, cloud); n != 3 {
			t.Errorf("remaining after the downgrade %v, want 3 (refunded)", n)
		}
		seen := get(e, customer, cloud, id)
		d, _ := seen["downgrade"].(map[string]any)
		if seen["state"] != "downgraded" || d["reason"] != "excluded_cause" || d["cause"] != "third_party_product" || seen["refund"] == nil ||
			r["refund"] == nil || seen["quota"].(map[string]any)["remaining"] != float64(3) {
			t.Errorf("the customer sees the downgrade and the refund: %v", seen)
		}
		if tl := timeline(seen); tl[len(tl)-1] != "state:downgraded:the printer driver" {
			t.Errorf("timeline: %q", tl)
		}
		// Worked on as a normal issue: resolved and closed, no postmortem needed.
		mustStatus(t, "resolve", act(e, agent, cloud, id, "resolve", nil), http.StatusOK)
		mustStatus(t, "close", act(e, agent, cloud, id, "close", nil), http.StatusOK)
		if n := remaining(t, e, customer, cloud); n != 3 {
			t.Errorf("remaining after closing the downgraded report %v, want 3", n)
		}
	})
}

func TestTheFifthReportOfTheYearIsRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer := e.Login("admin@yunqi.demo"), e.Login("engineer@steward.demo")
		for i := range 3 { // the demo's closed rescue is the first of the year
			id := mustStatus(t, "report", report(e, customer, cloud, failure(e, fmt.Sprint("outage ", i)), nil), http.StatusCreated)["id"].(string)
			mustStatus(t, "ack", act(e, engineer, cloud, id, "ack", nil), http.StatusOK)
			mustStatus(t, "confirm", act(e, engineer, cloud, id, "confirm", nil), http.StatusOK)
		}
		res := report(e, customer, cloud, failure(e, "the fifth"), map[string]string{"Accept-Language": "en"})
		p := mustStatus(t, "fifth", res, http.StatusConflict)
		if p["code"] != "quota.exhausted" || p["period_end"] != "2026-12-31" || !strings.Contains(p["detail"].(string), "2026-12-31") {
			t.Errorf("refusal: %s", res.Body)
		}
		channels, _ := p["channels"].([]any)
		if len(channels) != 3 {
			t.Fatalf("channels to use instead: %v", p["channels"])
		}
		for _, c := range channels {
			name := c.(map[string]any)["name"].(map[string]any)
			if name["zh"] == "" || name["en"] == "" || name["zh"] == name["en"] {
				t.Errorf("channel names in both languages: %v", c)
			}
		}
		list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + cloud + "/rescues", Token: customer}).Items()
		if len(list) != 5 { // two of the demo, three now; the refused one is not there
			t.Errorf("%d rescues listed, want 5", len(list))
		}
		page := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + cloud + "/rescues?limit=3", Token: customer}).JSON()
		cursor, _ := page["next_cursor"].(string)
		rest := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + cloud + "/rescues?limit=3&cursor=" + cursor, Token: customer}).Items()
		if len(page["items"].([]any)) != 3 || len(rest) != 2 || rest[0]["id"] != list[3]["id"] {
			t.Errorf("pages of 3: %v then %v", page, rest)
		}
		// An extra unit granted by an agent lets the next report through.
		agent := e.Login("agent@steward.demo")
		mustStatus(t, "grant", e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/quota/hotline_rescue/grants", Token: agent,
			Body: map[string]any{"count": 1, "reason": "two outages in one week"}}), http.StatusCreated)
		mustStatus(t, "after the grant", report(e, customer, cloud, failure(e, "granted"), nil), http.StatusCreated)
	})
}

func TestRefusalsAndConflicts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer, pm := e.Login("admin@yunqi.demo"), e.Login("engineer@steward.demo"), e.Login("pm@steward.demo")
		id := mustStatus(t, "report", report(e, customer, cloud, failure(e, "down"), nil), http.StatusCreated)["id"].(string)
		path := func(a string) string { return "/api/v1/orgs/" + cloud + "/rescues/" + id + a }
		e.Run(t, []apptest.Check{
			{Name: "expired entitlement", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + legacy + "/rescues", Token: e.Login("admin@xiling.demo"), Body: failure(e, "old")},
				Status: 403, Code: "entitlement.expired"},
			{Name: "confirm before ack", Req: apptest.Request{Method: "POST", Path: path("/confirm"), Token: engineer}, Status: 409, Code: "state.conflict",
				Fields: map[string]any{"state": "reported", "action": "confirm"}},
			{Name: "close before resolve", Req: apptest.Request{Method: "POST", Path: path("/close"), Token: engineer, Body: map[string]any{"postmortem": "x"}}, Status: 409, Code: "state.conflict",
				Fields: map[string]any{"state": "reported"}},
			{Name: "customer acks", Req: apptest.Request{Method: "POST", Path: path("/ack"), Token: customer}, Status: 403, Code: "role.forbidden"},
			{Name: "product manager acks", Req: apptest.Request{Method: "POST", Path: path("/ack"), Token: pm}, Status: 403, Code: "role.forbidden"},
			{Name: "product manager reports", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues", Token: pm, Body: failure(e, "x")}, Status: 403, Code: "role.forbidden"},
			{Name: "ack", Req: apptest.Request{Method: "POST", Path: path("/ack"), Token: engineer, Body: "{}"}, Status: 200, Fields: map[string]any{"state": "acknowledged"}},
			{Name: "ack twice", Req: apptest.Request{Method: "POST", Path: path("/ack"), Token: engineer, Header: map[string]string{"Accept-Language": "en"}},
				Status: 409, Code: "state.conflict", Fields: map[string]any{"state": "acknowledged",
					"detail": "This rescue is now “Acknowledged”, so it cannot be acknowledged. Reload to see where it stands."}},
			{Name: "mitigate unconfirmed", Req: apptest.Request{Method: "POST", Path: path("/mitigate"), Token: engineer}, Status: 409, Code: "state.conflict"},
			{Name: "another org's rescue", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + hk + "/rescues/" + id, Token: e.Login("admin@gangxin.demo")}, Status: 404},
			{Name: "the right org, the wrong path", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + hk + "/rescues/" + id, Token: engineer}, Status: 404},
			{Name: "queue for customers", Req: apptest.Request{Method: "GET", Path: "/api/v1/rescues", Token: customer}, Status: 403, Code: "role.forbidden"},
			{Name: "queue bad state", Req: apptest.Request{Method: "GET", Path: "/api/v1/rescues?state=lost", Token: engineer}, Status: 400, Field: "state"},
		})
		queue := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/rescues?state=acknowledged", Token: engineer}).Items()
		if len(queue) != 1 || queue[0]["id"] != id {
			t.Errorf("queue of acknowledged: %v", queue)
		}
	})
}

func TestReportValidationNamesEachField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, agent := e.Login("member@yunqi.demo"), e.Login("agent@steward.demo")
		with := func(k string, v any) map[string]any {
			b := failure(e, "down")
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
			return b
		}
		checks := []apptest.Check{}
		for _, field := range []string{"title", "description", "users_affected", "business_stopped", "since", "contact.name", "contact.phone"} {
			checks = append(checks, apptest.Check{Name: "empty body names " + field, Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues", Token: customer, Body: "{}"},
				Status: 400, Code: "request.invalid", Field: field})
		}
		bad := []struct {
			name  string
			body  any
			field string
			token string
		}{
			{"title too long", with("title", strings.Repeat("断", 201)), "title", customer},
			{"description too long", with("description", strings.Repeat("x", 10001)), "description", customer},
			{"since ahead", with("since", e.Clock.Now().Add(time.Hour).Format(time.RFC3339)), "since", customer},
			{"since not a time", with("since", "yesterday"), "since", customer},
			{"users", with("users_affected", "everyone"), "users_affected", customer},
			{"phone", with("contact", map[string]string{"name": "Zhao", "phone": "call me"}), "contact.phone", customer},
			{"phone too long", with("contact", map[string]string{"name": "Zhao", "phone": strings.Repeat("1", 41)}), "contact.phone", customer},
			{"unknown field", with("severity", "p1"), "severity", customer},
			{"customer by phone", with("reported_via", "phone"), "reported_via", customer},
			{"customer names a caller", with("caller", map[string]string{"name": "x", "phone": "12345"}), "caller", customer},
			{"staff not by phone", failure(e, "down"), "reported_via", agent},
			{"staff without caller", with("reported_via", "phone"), "caller.phone", agent},
		}
		for _, b := range bad {
			checks = append(checks, apptest.Check{Name: b.name, Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues", Token: b.token, Body: b.body},
				Status: 400, Code: "request.invalid", Field: b.field})
		}
		e.Run(t, checks)
		if n := remaining(t, e, customer, cloud); n != 3 {
			t.Errorf("refused reports consumed quota: %v left", n)
		}
		// Staff file by phone for the customer, naming the caller.
		phone := with("reported_via", "phone")
		phone["caller"] = map[string]string{"name": "Zhao Min", "phone": "010-12345678"}
		r := mustStatus(t, "by phone", report(e, agent, cloud, phone, nil), http.StatusCreated)
		if r["reported_via"] != "phone" || r["caller"].(map[string]any)["name"] != "Zhao Min" {
			t.Errorf("phone report: %v", r)
		}
	})
}

func TestInternalNotesAreHiddenFromTheCustomer(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer := e.Login("member@yunqi.demo"), e.Login("engineer@steward.demo")
		id := mustStatus(t, "report", report(e, customer, cloud, failure(e, "down"), nil), http.StatusCreated)["id"].(string)
		mustStatus(t, "ack", act(e, engineer, cloud, id, "ack", nil), http.StatusOK)
		mustStatus(t, "note", act(e, engineer, cloud, id, "updates", map[string]any{"body": "customer's DBA dropped an index", "public": false}), http.StatusCreated)
		e.Run(t, []apptest.Check{
			{Name: "customer may not post", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues/" + id + "/updates", Token: customer,
				Body: map[string]any{"body": "x", "public": true}}, Status: 403, Code: "role.forbidden"},
			{Name: "public is required", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues/" + id + "/updates", Token: engineer,
				Body: map[string]any{"body": "x"}}, Status: 400, Field: "public"},
		})
		for _, line := range timeline(get(e, customer, cloud, id)) {
			if strings.Contains(line, "DBA") {
				t.Errorf("the customer sees the internal note: %q", line)
			}
		}
		if !strings.Contains(strings.Join(timeline(get(e, engineer, cloud, id)), "|"), "DBA") {
			t.Errorf("the engineer does not see the internal note")
		}
		// Notices told the customer of the ack, not of the note.
		for _, n := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: e.Login("admin@yunqi.demo")}).Items() {
			if strings.Contains(fmt.Sprint(n["body"]), "DBA") {
				t.Errorf("a notice carries the internal note: %v", n)
			}
		}
	})
}

func TestSLABreachesShowAndCount(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer := e.Login("admin@yunqi.demo"), e.Login("engineer@steward.demo")
		id := mustStatus(t, "report", report(e, customer, cloud, failure(e, "down"), nil), http.StatusCreated)["id"].(string)
		e.Clock.Advance(20 * time.Minute)
		b := get(e, customer, cloud, id)["breaches"].([]any)
		if len(b) != 1 || b[0].(map[string]any)["kind"] != "ack" || b[0].(map[string]any)["met_at"] != nil {
			t.Errorf("an overdue acknowledgement: %v", b)
		}
		metrics := e.Do(apptest.Request{Method: "GET", Path: "/metrics", RemoteAddr: "127.0.0.1:5000"})
		for _, want := range []string{`steward_rescues_open{state="reported"} 1`, `steward_rescues_overdue{kind="ack"} 1`, `steward_rescues_open{state="downgraded"} 1`} {
			if !strings.Contains(string(metrics.Body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		r := mustStatus(t, "late ack", act(e, engineer, cloud, id, "ack", nil), http.StatusOK)
		b = r["breaches"].([]any)
		if len(b) != 1 || b[0].(map[string]any)["met_at"] != e.Clock.Now().Format(time.RFC3339) {
			t.Errorf("the late acknowledgement stays a breach, met now: %v", b)
		}
		e.Clock.Advance(61 * time.Minute)
		mustStatus(t, "late update", act(e, engineer, cloud, id, "updates", map[string]any{"body": "still digging", "public": true}), http.StatusCreated)
		metrics = e.Do(apptest.Request{Method: "GET", Path: "/metrics", RemoteAddr: "127.0.0.1:5000"})
		for _, want := range []string{`steward_rescue_breaches_total{kind="ack"} 1`, `steward_rescue_breaches_total{kind="update"} 1`, `steward_rescues_overdue{kind="ack"} 0`} {
			if !strings.Contains(string(metrics.Body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

func TestIdempotentReports(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin, member := e.Login("admin@yunqi.demo"), e.Login("member@yunqi.demo")
		key := map[string]string{"Idempotency-Key": "outage-2026-11-27"}
		first := mustStatus(t, "first", report(e, admin, cloud, failure(e, "down"), key), http.StatusCreated)
		again := mustStatus(t, "again", report(e, admin, cloud, failure(e, "down, retried"), key), http.StatusOK)
		if again["id"] != first["id"] || again["title"] != "down" {
			t.Errorf("a repeat returns the first rescue: %v", again)
		}
		if n := remaining(t, e, admin, cloud); n != 2 {
			t.Errorf("a repeat consumed quota: %v left", n)
		}
		other := mustStatus(t, "another person's key", report(e, member, cloud, failure(e, "down too"), key), http.StatusCreated)
		if other["id"] == first["id"] {
			t.Errorf("another person's report with the same key was taken for the first")
		}
		e.Run(t, []apptest.Check{{Name: "bad key", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues", Token: admin,
			Body: failure(e, "x"), Header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}}, Status: 400, Field: "Idempotency-Key"}})
	})
}

// TestFiftyReportsAtOnceCreateExactlyTheQuota: 50 reports at the same moment,
// through two instances on one database, for an organisation with 4 left
// create exactly 4 rescues; the 46 others are refused with quota.exhausted.
// Ten reports of another organisation (3 left) race them: every number is
// given once.
func TestFiftyReportsAtOnceCreateExactlyTheQuota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		hkAdmin, cloudAdmin := one.Login("admin@gangxin.demo"), one.Login("admin@yunqi.demo")
		if n := remaining(t, one, hkAdmin, hk); n != 4 {
			t.Fatalf("remaining before %v, want 4", n)
		}
		envs := make([]*apptest.Env, 60)
		for i := range envs {
			envs[i] = []*apptest.Env{one, other}[i%2]
		}
		var n atomic.Int32
		type result struct {
			org    string
			status int
		}
		results := make(chan result, len(envs))
		apptest.AtOnce(t, envs, func(e *apptest.Env) error {
			org, token := hk, hkAdmin
			if n.Add(1)%6 == 0 {
				org, token = cloud, cloudAdmin
			}
			res := report(e, token, org, failure(e, "at once"), nil)
			if res.Status == http.StatusConflict && res.JSON()["code"] != "quota.exhausted" {
				return fmt.Errorf("409 %s", res.Body)
			}
			results <- result{org, res.Status}
			return nil
		})
		close(results)
		count := map[result]int{}
		for r := range results {
			count[r]++
		}
		want := map[result]int{{hk, 201}: 4, {hk, 409}: 46, {cloud, 201}: 3, {cloud, 409}: 7}
		if fmt.Sprint(count) != fmt.Sprint(want) {
			t.Errorf("statuses %v, want %v", count, want)
		}
		numbers := map[string]bool{}
		for _, org := range []struct{ id, token string }{{hk, hkAdmin}, {cloud, cloudAdmin}} {
			for _, r := range one.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org.id + "/rescues", Token: org.token}).Items() {
				numbers[r["number"].(string)] = true
			}
		}
		if len(numbers) != 9 { // 4 + 3 now, and the demo's 2
			t.Errorf("%d distinct numbers, want 9: %v", len(numbers), numbers)
		}
		// The ledger itself (each instance's cached sums hear of the other's
		// writes only on PostgreSQL, which runs several instances).
		consumed := 0
		for _, entry := range one.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + hk + "/quota/hotline_rescue", Token: hkAdmin}).Items() {
			if entry["kind"] == "consume" {
				consumed++
			}
		}
		if consumed != 4 {
			t.Errorf("%d ledger entries consume the quota, want 4", consumed)
		}
	})
}

// TestAHangingWebhookDoesNotSlowTheReport: with a vendor channel pointing at
// a listener that accepts and never answers, and the job runner delivering
// to it, a report still returns at once: publishing only enqueues.
func TestAHangingWebhookDoesNotSlowTheReport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		called := make(chan struct{}, 100)
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close() // held open, never answered
				called <- struct{}{}
			}
		}()
		admin := e.Login("admin@steward.demo")
		mustStatus(t, "channel", e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin, Body: map[string]any{
			"type": "webhook", "name": "hangs", "url": "http://" + ln.Addr().String() + "/hook", "secret": "s3cret-s3cret-s3cret"}}), http.StatusCreated)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.App.Jobs.Run(ctx, 10*time.Millisecond); close(done) }()
		defer func() { cancel(); <-done }()

		customer := e.Login("admin@yunqi.demo")
		mustStatus(t, "first report", report(e, customer, cloud, failure(e, "first"), nil), http.StatusCreated)
		select { // the runner is now stuck on the webhook
		case <-called:
		case <-time.After(10 * time.Second):
			t.Fatal("the runner never called the webhook")
		}
		start := time.Now()
		mustStatus(t, "second report", report(e, customer, cloud, failure(e, "second"), nil), http.StatusCreated)
		// A report that waited for the webhook would wait for its attempt's
		// 10-second timeout; half of it leaves room for a busy machine.
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the report took %v while a webhook hangs", took)
		}
		deliveries := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries?kind=rescue.reported", Token: admin}).Items()
		if len(deliveries) == 0 {
			t.Errorf("no delivery of rescue.reported was recorded")
		}
	})
}

func TestAttachmentsOfARescue(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer, engineer := e.Login("member@yunqi.demo"), e.Login("engineer@steward.demo")
		id := mustStatus(t, "report", report(e, customer, cloud, failure(e, "down"), nil), http.StatusCreated)["id"].(string)
		up := func(key string) map[string]any {
			return mustStatus(t, "upload", e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues/" + id + "/attachments?name=error.log",
				Token: customer, Body: "panic: lock wait timeout", Header: map[string]string{"Idempotency-Key": key}}), http.StatusCreated)
		}
		att := up("log-1")
		if again := up("log-1"); again["id"] != att["id"] {
			t.Errorf("a repeated upload made another file")
		}
		lines := timeline(get(e, customer, cloud, id))
		if n := strings.Count(strings.Join(lines, "|"), "attachment::error.log"); n != 1 {
			t.Errorf("the timeline lists the file %d times: %q", n, lines)
		}
		file := "/api/v1/attachments/" + att["id"].(string)
		e.Run(t, []apptest.Check{
			{Name: "the engineer reads it on the rescue", Req: apptest.Request{Method: "GET", Path: file, Token: engineer}, Status: 200},
			{Name: "the product manager has no basis", Req: apptest.Request{Method: "GET", Path: file, Token: e.Login("pm@steward.demo")}, Status: 403, Code: "access.no_basis"},
		})
		for _, a := range []string{"ack", "confirm", "mitigate", "resolve"} {
			mustStatus(t, a, act(e, engineer, cloud, id, a, nil), http.StatusOK)
		}
		mustStatus(t, "close", act(e, engineer, cloud, id, "close", map[string]any{"postmortem": "lock"}), http.StatusOK)
		e.Run(t, []apptest.Check{
			{Name: "closed: no basis left", Req: apptest.Request{Method: "GET", Path: file, Token: engineer}, Status: 403, Code: "access.no_basis"},
			{Name: "closed: no more files", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + cloud + "/rescues/" + id + "/attachments?name=late.log", Token: customer, Body: "x"},
				Status: 409, Code: "state.conflict"},
		})
	})
}
