package app_test

import (
	"slices"
	"strings"
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

// TestTheLegacyDemoCustomerIsRefusedPatchesToday: the perpetual customer
// whose only version (7.5) left standard service in 2024 is refused a demo
// patch download today with the reason in words, while the perpetual
// customer on 8.0 still downloads it.
func TestTheLegacyDemoCustomerIsRefusedPatchesToday(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		found := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches?product=k3cloud&number=PT-2025-0101", Token: pm}).Items()
		if len(found) != 1 {
			t.Fatalf("demo patch PT-2025-0101: %v", found)
		}
		file := "/api/v1/patches/" + found[0]["id"].(string) + "/files/pt-2025-0101.zip"

		legacy := e.Do(apptest.Request{Method: "GET", Path: file, Token: e.Login("admin@xiling.demo"), Header: map[string]string{"Accept-Language": "zh-CN"}})
		problem := legacy.JSON()
		if legacy.Status != 403 || problem["code"] != "entitlement.expired" {
			t.Fatalf("legacy customer's download: %d %s", legacy.Status, legacy.Body)
		}
		reasons, _ := problem["reasons"].([]any)
		if len(reasons) == 0 {
			t.Fatalf("the refusal carries no reasons: %s", legacy.Body)
		}
		words, _ := reasons[0].(map[string]any)["text"].(map[string]any)
		for _, lang := range []string{"zh", "en"} {
			if text, _ := words[lang].(string); !strings.Contains(text, "k3cloud 7.5") || !strings.Contains(text, "2024-06-30") {
				t.Errorf("the %s reason does not say which version ended when: %q", lang, text)
			}
		}
		if res := e.Do(apptest.Request{Method: "GET", Path: file, Token: e.Login("admin@huabei.demo")}); res.Status != 200 {
			t.Errorf("the perpetual customer on 8.0: %d %s", res.Status, res.Body)
		}
	})
}

// TestDemoVersionsReachAnExistingDatabase: a demo database made before the
// demo's newest version existed gets it at the next start, once, with its
// audit record, and then nothing more; the versions already there stay.
func TestDemoVersionsReachAnExistingDatabase(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		newest := app.DemoVersions[len(app.DemoVersions)-1]
		// Housekeeping SQL stands in for a database from before the release.
		if _, err := e.App.DB.Exec(ctx, "DELETE FROM product_versions WHERE product = ? AND name = ?", app.DemoProduct.Code, newest.Name); err != nil {
			t.Fatal(err)
		}
		versions := func() []string {
			d := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/products/" + app.DemoProduct.Code}).JSON()
			var names []string
			for _, v := range d["versions"].([]any) {
				names = append(names, v.(map[string]any)["name"].(string))
			}
			slices.Sort(names)
			return names
		}
		if got := versions(); slices.Contains(got, newest.Name) || len(got) != len(app.DemoVersions)-1 {
			t.Fatalf("before the restart: %v", got)
		}
		created := func() (n int) {
			if err := e.App.DB.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = ? AND target_id = ?",
				"product.version_create", app.DemoProduct.Code+"/"+newest.Name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := created()
		for range 2 {
			if err := e.App.Prepare(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var want []string
		for _, v := range app.DemoVersions {
			want = append(want, v.Name)
		}
		slices.Sort(want)
		if got := versions(); !slices.Equal(got, want) {
			t.Errorf("after two restarts: %v, want %v", got, want)
		}
		if n := created() - before; n != 1 {
			t.Errorf("%d audit records of %s's creation by the restarts, want 1", n, newest.Name)
		}
	})
}
