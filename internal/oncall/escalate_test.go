package oncall_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/oncall"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/notify"
)

// person is a demo staff member logged in.
type person struct {
	email, id, token string
}

func login(t *testing.T, e *apptest.Env, email string) person {
	t.Helper()
	token := e.Login(email)
	me := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/me", Token: token}).JSON()
	return person{email: email, id: me["id"].(string), token: token}
}

// unread is how many notices of the test's page wait in the person's inbox
// (other rooms' jobs notify the vendor_admin of their own things).
func (p person) unread(t *testing.T, e *apptest.Env) int {
	t.Helper()
	n := 0
	for _, item := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices?limit=200", Token: p.token}).Items() {
		if item["link"] == "/console/rescues/r1" && item["read_at"] == nil {
			n++
		}
	}
	return n
}

// emails counts the e-mails recorded for the person for step of key.
func (p person) emails(t *testing.T, d *db.DB, key string, step int) int {
	t.Helper()
	var n int
	err := d.QueryRow(context.Background(), "SELECT count(*) FROM notify_deliveries WHERE channel_type = 'email' AND recipient = ? AND event_key = ?",
		p.email, fmt.Sprintf("escalation:%s:%d", key, step)).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// channel adds a webhook channel of kinds through the API and returns its id.
func channel(t *testing.T, e *apptest.Env, token, path, kinds string) string {
	t.Helper()
	res := e.Do(apptest.Request{Method: "POST", Path: path, Token: token,
		Body: map[string]any{"type": "webhook", "name": "hook " + kinds, "url": "http://127.0.0.1:9/hook", "secret": "a-secret-of-sixteen-or-more", "kinds": []string{kinds}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("add a channel: %d %s", res.Status, res.Body)
	}
	return res.JSON()["id"].(string)
}

// deliveries counts what the channel was given for step of key.
func deliveries(t *testing.T, d *db.DB, channelID, key string, step int) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM notify_deliveries WHERE channel_id = ? AND event_key = ?",
		channelID, fmt.Sprintf("escalation:%s:%d", key, step)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type staff struct{ admin, engineer, agent person }

func demoStaff(t *testing.T, e *apptest.Env) staff {
	return staff{login(t, e, "admin@steward.demo"), login(t, e, "engineer@steward.demo"), login(t, e, "agent@steward.demo")}
}

// onlyEngineerOnCall makes the hotline rota the engineer alone, so that the
// default policy pages the engineer, then the vendor_admin.
func onlyEngineerOnCall(t *testing.T, e *apptest.Env, s staff) {
	t.Helper()
	res := e.Do(apptest.Request{Method: "PATCH", Path: "/api/v1/oncall/schedules/hotline", Token: s.admin.token,
		Body: map[string]any{"members": []string{s.engineer.id}}})
	if res.Status != http.StatusOK {
		t.Fatalf("set the hotline rota: %d %s", res.Status, res.Body)
	}
}

func page(t *testing.T, e *apptest.Env, key, policyID string) {
	t.Helper()
	err := e.App.DB.InTx(context.Background(), func(tx *db.Tx) error {
		return e.App.OnCall.Page(context.Background(), tx, oncall.Page{Key: key, PolicyID: policyID, OrgID: "",
			Title: notify.Text{Zh: "紧急救援：系统无法登录", En: "Rescue: nobody can log in"}, Body: notify.Text{Zh: "客户报告", En: "Reported by the customer"},
			Link: "https://steward.example/console/rescues/r1"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func acknowledge(t *testing.T, e *apptest.Env, key, userID string) {
	t.Helper()
	err := e.App.DB.InTx(context.Background(), func(tx *db.Tx) error {
		return e.App.OnCall.Acknowledge(context.Background(), tx, key, userID)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func runDue(t *testing.T, e *apptest.Env) {
	t.Helper()
	if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestEscalationNotifiesLevelByLevelUntilAcknowledged: a page reaches the
// on-call engineer at once (inbox and e-mail), the vendor_admin when 15
// minutes pass unacknowledged, the engineer again in the next round; after
// the acknowledgement nobody hears more.
func TestEscalationNotifiesLevelByLevelUntilAcknowledged(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		onlyEngineerOnCall(t, e, s)
		// The vendor's robot hears every step; a customer's, subscribed to
		// everything, hears nothing of the vendor's paging.
		vendorHook := channel(t, e, s.admin.token, "/api/v1/notify/channels", "oncall.*")
		customerHook := channel(t, e, e.Login("admin@yunqi.demo"), "/api/v1/orgs/org_demo_cloud/notify/channels", "*")
		page(t, e, "test:r1", "")
		if s.engineer.unread(t, e) != 1 || s.admin.unread(t, e) != 0 || s.agent.unread(t, e) != 0 {
			t.Fatalf("after the page: engineer %d, admin %d, agent %d notices; want 1, 0, 0", s.engineer.unread(t, e), s.admin.unread(t, e), s.agent.unread(t, e))
		}
		if n := s.engineer.emails(t, e.App.DB, "test:r1", 0); n != 1 {
			t.Fatalf("the engineer has %d e-mails of level 1, want 1", n)
		}
		if v, c := deliveries(t, e.App.DB, vendorHook, "test:r1", 0), deliveries(t, e.App.DB, customerHook, "test:r1", 0); v != 1 || c != 0 {
			t.Fatalf("level 1 reached the vendor's channel %d times, the customer's %d; want 1, 0", v, c)
		}
		page(t, e, "test:r1", "") // the same key again
		if n := s.engineer.unread(t, e); n != 1 {
			t.Fatalf("a repeated page notified again: %d notices", n)
		}

		e.Clock.Advance(14 * time.Minute)
		runDue(t, e)
		if n := s.admin.unread(t, e); n != 0 {
			t.Fatalf("level 2 paged before its 15 minutes: %d", n)
		}
		e.Clock.Advance(time.Minute)
		runDue(t, e)
		if s.admin.unread(t, e) != 1 || s.admin.emails(t, e.App.DB, "test:r1", 1) != 1 || deliveries(t, e.App.DB, vendorHook, "test:r1", 1) != 1 || s.engineer.unread(t, e) != 1 {
			t.Fatalf("after 15 minutes: admin %d notices, engineer %d; want 1, 1", s.admin.unread(t, e), s.engineer.unread(t, e))
		}
		e.Clock.Advance(15 * time.Minute)
		runDue(t, e)
		if n := s.engineer.unread(t, e); n != 2 {
			t.Fatalf("round 2 did not page the engineer again: %d notices", n)
		}

		acknowledge(t, e, "test:r1", s.engineer.id)
		acknowledge(t, e, "test:r1", s.admin.id) // again: nothing changes
		acknowledge(t, e, "rescue:unknown", s.admin.id)
		for range 4 {
			e.Clock.Advance(15 * time.Minute)
			runDue(t, e)
		}
		if s.engineer.unread(t, e) != 2 || s.admin.unread(t, e) != 1 {
			t.Fatalf("paging went on after the acknowledgement: engineer %d, admin %d", s.engineer.unread(t, e), s.admin.unread(t, e))
		}
		open := escalations(t, e, s.agent.token, "open")
		acked := escalations(t, e, s.agent.token, "acknowledged")
		if len(open) != 0 || len(acked) != 1 || acked[0]["acknowledged_by"] != s.engineer.id || acked[0]["next_at"] != nil {
			t.Fatalf("open %v, acknowledged %v", open, acked)
		}
	})
}

// TestEscalationStopsAfterItsRepeats: unacknowledged, the hotline policy
// (two levels, repeated twice) pages six times in all, then stays open
// without a next step.
func TestEscalationStopsAfterItsRepeats(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		onlyEngineerOnCall(t, e, s)
		page(t, e, "test:r2", oncall.DefaultPolicyID)
		for range 10 {
			e.Clock.Advance(15 * time.Minute)
			runDue(t, e)
		}
		if s.engineer.unread(t, e) != 3 || s.admin.unread(t, e) != 3 {
			t.Fatalf("engineer %d, admin %d notices; want 3 each", s.engineer.unread(t, e), s.admin.unread(t, e))
		}
		open := escalations(t, e, s.engineer.token, "open")
		if len(open) != 1 || open[0]["step"] != 5.0 || open[0]["level"] != 2.0 || open[0]["round"] != 3.0 || open[0]["next_at"] != nil {
			t.Fatalf("open escalations: %v", open)
		}
	})
}

// escalations lists the test's escalations (key test:…) in a state; the
// demo's rescues have their own.
func escalations(t *testing.T, e *apptest.Env, token, state string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, item := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/escalations?limit=200&state=" + state, Token: token}).Items() {
		if strings.HasPrefix(item["key"].(string), "test:") {
			out = append(out, item)
		}
	}
	return out
}

// stepsAudited counts the escalation steps the audit trail recorded.
func stepsAudited(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT count(*) FROM audit_log a JOIN escalations e ON e.id = a.target_id WHERE a.action = 'escalation.step' AND e.page_key LIKE 'test:%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTwoInstancesNotifyEachStepOnce: two app instances on one database
// run the due jobs at the same moments (each twice over); every step of the
// escalation still notifies once.
func TestTwoInstancesNotifyEachStepOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		s := demoStaff(t, one)
		onlyEngineerOnCall(t, one, s)
		page(t, other, "test:r3", "")
		for range 7 {
			one.Clock.Advance(15 * time.Minute)
			apptest.AtOnce(t, []*apptest.Env{one, other, one, other}, func(e *apptest.Env) error {
				_, err := e.App.Jobs.RunDue(context.Background())
				return err
			})
		}
		if s.engineer.unread(t, one) != 3 || s.admin.unread(t, one) != 3 || stepsAudited(t, d) != 5 {
			t.Fatalf("engineer %d, admin %d notices, %d steps audited; want 3, 3, 5", s.engineer.unread(t, one), s.admin.unread(t, one), stepsAudited(t, d))
		}
		for step := range 6 {
			who := s.engineer
			if step%2 == 1 {
				who = s.admin
			}
			if n := who.emails(t, d, "test:r3", step); n != 1 {
				t.Errorf("step %d: %d e-mails to %s, want 1", step, n, who.email)
			}
		}
	})
}

// TestACrashedInstancesStepIsTakenOver: an instance claims the due step and
// dies; another takes the step over once the claim's lease runs out and
// notifies once. A step whose instance died after notifying, before
// marking the job done, is not notified again when taken over.
func TestACrashedInstancesStepIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		alive := apptest.New(t, d)
		s := demoStaff(t, alive)
		onlyEngineerOnCall(t, alive, s)
		page(t, alive, "test:r4", "")
		alive.Clock.Advance(15 * time.Minute)
		claimDead := func() {
			t.Helper()
			now := alive.Clock.Now()
			_, err := d.Exec(ctx, "UPDATE jobs SET state = ?, lease_owner = 'inst_dead', lease_until = ?, attempts = attempts + 1 WHERE dedup_key = ?",
				jobs.Running, now.Add(jobs.DefaultLease), "escalation:test:r4:1")
			if err != nil {
				t.Fatal(err)
			}
		}
		claimDead()
		runDue(t, alive)
		if n := s.admin.unread(t, alive); n != 0 {
			t.Fatalf("a step under a live lease ran on another instance: %d notices", n)
		}
		alive.Clock.Advance(jobs.DefaultLease + time.Second)
		runDue(t, alive)
		if n := s.admin.unread(t, alive); n != 1 {
			t.Fatalf("after the lease ran out: admin has %d notices, want 1", n)
		}
		claimDead() // as if the instance that notified died before marking the job done
		alive.Clock.Advance(jobs.DefaultLease + time.Second)
		runDue(t, alive)
		if n := s.admin.unread(t, alive); n != 1 || stepsAudited(t, d) != 1 {
			t.Fatalf("a taken-over step notified again: admin %d notices, %d steps audited", n, stepsAudited(t, d))
		}
	})
}
