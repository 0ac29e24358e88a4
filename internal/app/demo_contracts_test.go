package app_test

import (
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
)

// TestDemoContractsAreIdempotent: the demo product, its versions and a
// contract for every demo organisation exist, and loading the demo data again
// changes nothing (no new rows, no audit records).
func TestDemoContractsAreIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		count := func() (audit int) {
			if err := e.App.DB.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&audit); err != nil {
				t.Fatal(err)
			}
			return audit
		}
		before := count()
		if err := e.App.Prepare(ctx); err != nil {
			t.Fatal(err)
		}
		if after := count(); after != before {
			t.Errorf("loading the demo again wrote %d audit records", after-before)
		}

		d := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/products/k3cloud"}).JSON()
		if vs, _ := d["versions"].([]any); len(vs) != len(app.DemoVersions) {
			t.Errorf("k3cloud versions = %v", d["versions"])
		}
		agent := e.Login("agent@steward.demo")
		for _, o := range app.DemoOrgs {
			list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + o.ID + "/contracts", Token: agent}).Items()
			if len(list) == 0 || list[0]["deployment"] != o.Deployment || list[0]["status"] != "active" {
				t.Errorf("%s: contracts %v, want an active %s one", o.ID, list, o.Deployment)
			}
		}
		old := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/contracts/ctr_demo_perpetual_old", Token: agent}).JSON()
		if old["version"] != "7.5" || old["ends_on"] != nil {
			t.Errorf("the older perpetual contract: %v", old)
		}
	})
}
