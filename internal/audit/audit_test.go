package audit_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestAChangeWithoutItsAuditRecordDoesNotCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES ('org_sneaky', 'x', 'CN', ?, ?)", now, now)
			return err
		})
		if !errors.Is(err, db.ErrUnaudited) {
			t.Fatalf("unaudited change: got %v, want db.ErrUnaudited", err)
		}
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM orgs WHERE id = 'org_sneaky'").Scan(&n)
		if n != 0 {
			t.Fatal("the unaudited change was committed")
		}
		// With its record, the same change commits.
		rec := audit.NewRecorder(clockAt(now))
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES ('org_ok', 'x', 'CN', ?, ?)", now, now); err != nil {
				return err
			}
			return rec.Record(ctx, tx, audit.Entry{OrgID: "org_ok", Action: "org.create", TargetType: "org", TargetID: "org_ok"})
		})
		if err != nil {
			t.Fatalf("audited change: %v", err)
		}
	})
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time  { return time.Time(c) }
func clockAt(t time.Time) fixedClock { return fixedClock(t) }

func TestTheTrailIsAppendOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		var n int
		e.App.DB.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&n)
		if n == 0 {
			t.Fatal("loading the demo data wrote no audit records")
		}
		for _, stmt := range []string{"UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"} {
			if _, err := e.App.DB.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: got %v, want the database to refuse", stmt, err)
			}
		}
		var after int
		e.App.DB.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&after)
		if after != n {
			t.Fatalf("audit_log had %d rows, now %d", n, after)
		}
	})
}

func TestNoRouteChangesTheTrail(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, rt := range e.App.Router.Routes() {
			if (strings.Contains(rt.Path, "/audit") || strings.Contains(rt.Path, "/access-log")) && rt.Method != http.MethodGet {
				t.Errorf("%s %s changes a log", rt.Method, rt.Path)
			}
		}
	})
}

func TestUserChangesAreAuditedWithWhoWhatAndWhence(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@yunqi.demo")
		users := "/api/v1/orgs/org_demo_cloud/users"
		created := e.Do(apptest.Request{Method: "POST", Path: users, Token: admin, RemoteAddr: "203.0.113.4:5000",
			Header: map[string]string{"X-Request-Id": "req-create-1"},
			Body:   map[string]string{"email": "audited@yunqi.demo", "name": "审计", "role": "customer_member", "password": "a-long-password"}})
		id := created.JSON()["id"].(string)
		e.Do(apptest.Request{Method: "PATCH", Path: users + "/" + id, Token: admin, Body: map[string]string{"name": "审计二", "password": "another-password"}})

		trail := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit?target=" + id, Token: e.Login("admin@steward.demo")})
		items := trail.Items()
		if len(items) != 2 {
			t.Fatalf("audit for the user: %s", trail.Body)
		}
		update, create := items[0], items[1]
		if create["action"] != "user.create" || create["request_id"] != "req-create-1" || create["client_addr"] != "203.0.113.4" || create["org_id"] != "org_demo_cloud" || create["actor_role"] != "customer_admin" {
			t.Errorf("create entry: %v", create)
		}
		changes := update["changes"].(map[string]any)
		name := changes["name"].(map[string]any)
		if update["action"] != "user.update" || name["before"] != "审计" || name["after"] != "审计二" || changes["password"] == nil {
			t.Errorf("update entry: %v", update)
		}
		if _, leaked := changes["role"]; leaked {
			t.Errorf("unchanged fields are recorded as changes: %v", changes)
		}
		if strings.Contains(string(trail.Body), "argon2") || strings.Contains(string(trail.Body), "another-password") {
			t.Error("the trail holds a password or its hash")
		}

		// A customer_admin sees its own organisation's trail only; a member none.
		own := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit", Token: e.Login("admin@gangxin.demo")}).Items()
		for _, entry := range own {
			if entry["org_id"] != "org_demo_hk" {
				t.Fatalf("a customer_admin of org_demo_hk sees %v", entry)
			}
		}
		if len(own) == 0 {
			t.Error("a customer_admin sees nothing of its own trail")
		}
		e.Run(t, []apptest.Check{{Req: apptest.Request{Method: "GET", Path: "/api/v1/audit", Token: e.Login("member@yunqi.demo")}, Status: 403, Code: "role.forbidden"}})
	})
}
