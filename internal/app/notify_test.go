package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/notify"
)

func TestNotifyChannelsAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin, agent := e.Login("admin@steward.demo"), e.Login("agent@steward.demo")
		customer := e.Login("admin@yunqi.demo")
		hook := map[string]any{"type": "webhook", "name": "运维值班", "url": "https://ops.example/hooks/steward", "secret": "whsec-abcdefgh-1234", "kinds": []string{"rescue.*"}}
		e.Run(t, []apptest.Check{
			{Name: "an agent adds a vendor channel", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: agent, Body: hook}, Status: 403, Code: "role.forbidden"},
			{Name: "a customer reads the vendor's channels", Req: apptest.Request{Method: "GET", Path: "/api/v1/notify/channels", Token: customer}, Status: 404},
			{Name: "a customer reads the delivery log", Req: apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries", Token: customer}, Status: 404},
			{Name: "an ftp address", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
				Body: map[string]any{"type": "webhook", "name": "x", "url": "ftp://ops.example/x", "secret": "whsec-abcdefgh-1234"}}, Status: 400, Code: "request.invalid", Field: "url"},
			{Name: "a password in the address", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
				Body: map[string]any{"type": "wecom", "name": "x", "url": "https://user:pw@robot.example/send"}}, Status: 400, Code: "request.invalid", Field: "url"},
			{Name: "a webhook without its secret", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
				Body: map[string]any{"type": "webhook", "name": "x", "url": "https://ops.example/x"}}, Status: 400, Code: "request.invalid", Field: "secret"},
			{Name: "an unknown type", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
				Body: map[string]any{"type": "slack", "name": "x", "url": "https://ops.example/x"}}, Status: 400, Code: "request.invalid", Field: "type"},
			{Name: "a bad kind", Req: apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
				Body: map[string]any{"type": "wecom", "name": "x", "url": "https://ops.example/x", "kinds": []string{"Rescue Reported"}}}, Status: 400, Code: "request.invalid", Field: "kinds"},
			{Name: "a bad state filter", Req: apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries?status=lost", Token: agent}, Status: 400, Code: "request.invalid", Field: "status"},
		})
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin, Body: hook})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		ch := res.JSON()
		id := ch["id"].(string)
		if strings.Contains(string(res.Body), "whsec-abcdefgh") || strings.Contains(string(res.Body), "/hooks/steward") ||
			ch["secret_hint"] != "…1234" || ch["url_hint"] != "https://ops.example/…ward" || res.Header.Get("Location") != "/api/v1/notify/channels/"+id {
			t.Errorf("the secret or the address leaked, or the hints are wrong: %s %v", res.Body, res.Header)
		}
		e.Run(t, []apptest.Check{
			{Name: "an engineer reads it", Req: apptest.Request{Method: "GET", Path: "/api/v1/notify/channels/" + id, Token: e.Login("engineer@steward.demo")}, Status: 200,
				Fields: map[string]any{"name": "运维值班", "type": "webhook", "enabled": true}},
			{Name: "an agent switches it off", Req: apptest.Request{Method: "PATCH", Path: "/api/v1/notify/channels/" + id, Token: agent, Body: map[string]any{"enabled": false}}, Status: 403, Code: "role.forbidden"},
			{Name: "the admin renames it and changes the secret", Req: apptest.Request{Method: "PATCH", Path: "/api/v1/notify/channels/" + id, Token: admin,
				Body: map[string]any{"name": "值班群", "secret": "whsec-new-secret-9876"}}, Status: 200, Fields: map[string]any{"name": "值班群", "secret_hint": "…9876"}},
			{Name: "an empty name", Req: apptest.Request{Method: "PATCH", Path: "/api/v1/notify/channels/" + id, Token: admin, Body: map[string]any{"name": " "}}, Status: 400, Code: "request.invalid", Field: "name"},
		})
		audit := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit", Token: admin}).Items()
		var actions []string
		for _, entry := range audit {
			if a, _ := entry["action"].(string); strings.HasPrefix(a, "notify.") {
				actions = append(actions, a)
			}
		}
		if strings.Join(actions, ",") != "notify.channel.update,notify.channel.create" || strings.Contains(string(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit", Token: admin}).Body), "whsec-") {
			t.Errorf("audit of channel changes: %v (secrets must not appear)", actions)
		}
		if res := e.Do(apptest.Request{Method: "DELETE", Path: "/api/v1/notify/channels/" + id, Token: admin}); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if items := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/channels", Token: admin}).Items(); len(items) != 0 {
			t.Errorf("after delete: %v", items)
		}
	})
}

func TestOrgChannelsAndPreferencesAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const org = "org_demo_cloud"
		admin, member := e.Login("admin@yunqi.demo"), e.Login("member@yunqi.demo")
		robot := map[string]any{"type": "dingtalk", "name": "钉钉运维群", "url": "https://robot.example/send?access_token=tok-0123456789", "secret": "SEC0123456789abcdef"}
		e.Run(t, []apptest.Check{
			{Name: "a member adds a robot", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/notify/channels", Token: member, Body: robot}, Status: 403, Code: "role.forbidden"},
			{Name: "a member reads the preferences", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: member}, Status: 403, Code: "role.forbidden"},
		})
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/notify/channels", Token: admin, Body: robot})
		if res.Status != http.StatusCreated || res.JSON()["org_id"] != org || strings.Contains(string(res.Body), "tok-0123") {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		if items := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/notify/channels", Token: member}).Items(); len(items) != 1 || items[0]["name"] != "钉钉运维群" {
			t.Errorf("the member reads: %v", items)
		}
		if items := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/channels", Token: e.Login("admin@steward.demo")}).Items(); len(items) != 0 {
			t.Errorf("an organisation's channel is listed as the vendor's: %v", items)
		}

		prefs := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: admin}).Items()
		if len(prefs) < 2 {
			t.Fatalf("preferences list %d people", len(prefs))
		}
		var memberID string
		for _, p := range prefs {
			if p["kinds"] != nil {
				t.Errorf("before any choice %v must get every kind (null)", p)
			}
			if p["email"] == "member@yunqi.demo" {
				memberID = p["user_id"].(string)
			}
		}
		e.Run(t, []apptest.Check{
			{Name: "someone of another organisation", Req: apptest.Request{Method: "PUT", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: admin,
				Body: map[string]any{"items": []any{map[string]any{"user_id": "usr_nobody", "kinds": []string{}}}}}, Status: 400, Code: "request.invalid", Field: "items[0].user_id"},
			{Name: "a bad kind", Req: apptest.Request{Method: "PUT", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: admin,
				Body: map[string]any{"items": []any{map[string]any{"user_id": memberID, "kinds": []string{"RESCUE"}}}}}, Status: 400, Code: "request.invalid", Field: "items[0].kinds"},
			{Name: "a member chooses", Req: apptest.Request{Method: "PUT", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: member,
				Body: map[string]any{"items": []any{}}}, Status: 403, Code: "role.forbidden"},
		})
		res = e.Do(apptest.Request{Method: "PUT", Path: "/api/v1/orgs/" + org + "/notify/preferences", Token: admin,
			Body: map[string]any{"items": []any{map[string]any{"user_id": memberID, "kinds": []string{"rescue.resolved"}}}}})
		if res.Status != http.StatusOK {
			t.Fatalf("set preferences: %d %s", res.Status, res.Body)
		}

		// The member now gets only resolved rescues by e-mail; the admin
		// everything addressed to them.
		publish(t, e, notify.Event{Kind: "rescue.reported", Key: "k1", OrgID: org, Title: notify.Text{Zh: "报告", En: "Reported"},
			Emails: []notify.Address{{Email: "member@yunqi.demo", UserID: memberID}, {Email: "admin@yunqi.demo", UserID: "someone-else"}}})
		publish(t, e, notify.Event{Kind: "rescue.resolved", Key: "k2", OrgID: org, Title: notify.Text{Zh: "已解决", En: "Resolved"},
			Emails: []notify.Address{{Email: "member@yunqi.demo", UserID: memberID}}})
		log := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries", Token: e.Login("agent@steward.demo")}).Items()
		got := map[string]bool{}
		for _, d := range log {
			got[d["kind"].(string)+" "+d["recipient"].(string)] = true
		}
		want := []string{"rescue.reported admin@yunqi.demo", "rescue.resolved member@yunqi.demo", "rescue.reported 钉钉运维群", "rescue.resolved 钉钉运维群"}
		for _, w := range want {
			if !got[w] {
				t.Errorf("delivery log lacks %q: %v", w, got)
			}
		}
		if got["rescue.reported member@yunqi.demo"] || len(log) != len(want) {
			t.Errorf("the member's preference was not honoured: %v", got)
		}

		e.Run(t, []apptest.Check{
			{Name: "a member deletes the robot", Req: apptest.Request{Method: "DELETE", Path: "/api/v1/orgs/" + org + "/notify/channels/" + e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + org + "/notify/channels", Token: admin}).Items()[0]["id"].(string), Token: member}, Status: 403, Code: "role.forbidden"},
		})
	})
}

// publish publishes e as a room would, in its own audited transaction.
func publish(t *testing.T, e *apptest.Env, ev notify.Event) {
	t.Helper()
	err := e.App.DB.InTx(context.Background(), func(tx *db.Tx) error {
		tx.MarkAudited() // the room's own change carries the audit record
		return e.App.Notify.Publish(context.Background(), tx, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeliveryLogShowsRetriesAndTheTestButton(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			if calls.Add(1) == 1 {
				http.Error(w, "busy", http.StatusInternalServerError)
				return
			}
			io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
		}))
		defer srv.Close()
		admin := e.Login("admin@steward.demo")
		ch := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notify/channels", Token: admin,
			Body: map[string]any{"type": "wecom", "name": "企业微信值班群", "url": srv.URL + "/cgi-bin/webhook/send?key=k-0123456789"}}).JSON()
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notify/channels/" + ch["id"].(string) + "/test", Token: admin})
		if res.Status != http.StatusOK || res.JSON()["ok"] != false || res.JSON()["status"] != float64(500) {
			t.Fatalf("test against a busy receiver: %d %s", res.Status, res.Body)
		}
		res = e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notify/channels/" + ch["id"].(string) + "/test", Token: admin})
		if res.JSON()["ok"] != true {
			t.Fatalf("test against a ready receiver: %s", res.Body)
		}
		calls.Store(0)
		publish(t, e, notify.Event{Kind: "rescue.reported", Key: "r1", Title: notify.Text{Zh: "报告", En: "Reported"}})
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		engineer := e.Login("engineer@steward.demo")
		pending := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries?status=pending", Token: engineer}).Items()
		if len(pending) != 1 || pending[0]["attempts"] != float64(1) || pending[0]["last_status"] != float64(500) || !strings.Contains(pending[0]["last_error"].(string), "busy") {
			t.Fatalf("pending after the 500: %v", pending)
		}
		e.Clock.Advance(jobs.Backoff(1))
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		sent := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries?status=sent", Token: engineer}).Items()
		if len(sent) != 1 || sent[0]["attempts"] != float64(2) || sent[0]["sent_at"] == nil {
			t.Errorf("sent after the retry: %v", sent)
		}
		if none := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/deliveries?kind=rescue.updated", Token: engineer}).Items(); len(none) != 0 {
			t.Errorf("kind filter: %v", none)
		}
	})
}
