package app_test

import (
	"context"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestDemoRescues: the public-cloud demo customer has a downgraded rescue
// (its unit refunded) and a closed one with its postmortem, 3 of 4 rescues
// left, and a restart adds nothing.
func TestDemoRescues(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		token := e.Login("admin@yunqi.demo")
		check := func(when string) {
			list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/rescues", Token: token}).Items()
			states := map[string]map[string]any{}
			for _, r := range list {
				full := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/rescues/" + r["id"].(string), Token: token}).JSON()
				states[r["state"].(string)] = full
			}
			down, closed := states["downgraded"], states["closed"]
			if len(list) != 2 || down == nil || closed == nil {
				t.Fatalf("%s: demo rescues %v", when, list)
			}
			if down["refund"] == nil || down["downgrade"].(map[string]any)["cause"] != "customer_operation" {
				t.Errorf("%s: the downgraded rescue: %v", when, down)
			}
			if closed["postmortem_html"] == "" || closed["confirmed_at"] == nil {
				t.Errorf("%s: the closed rescue: %v", when, closed)
			}
			if q := closed["quota"].(map[string]any); q["remaining"] != float64(3) || q["limit"] != float64(4) {
				t.Errorf("%s: quota %v, want 3 of 4 left", when, q)
			}
		}
		check("first start")
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		check("restart")
		if n := len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: token}).Items()); n != 0 {
			t.Errorf("the demo's past rescues sent %d notices", n)
		}
	})
}
