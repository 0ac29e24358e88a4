package account_test

import (
	"net/http"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestChangesToAUserTakeEffectAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@gangxin.demo")
		second := e.Do(req{Method: "POST", Path: "/api/v1/orgs/org_demo_hk/users", Token: admin,
			Body: map[string]string{"email": "deputy@gangxin.demo", "name": "Deputy", "role": "customer_admin", "password": "a-long-password"}}).JSON()
		deputy := e.Login("deputy@gangxin.demo", "a-long-password")
		e.Run(t, []check{{Name: "deputy manages", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/users", Token: deputy}, Status: 200}})
		e.Do(req{Method: "PATCH", Path: "/api/v1/orgs/org_demo_hk/users/" + second["id"].(string), Token: admin, Body: map[string]string{"role": "customer_member"}})
		e.Run(t, []check{
			{Name: "demoted at once", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/users", Token: deputy}, Status: 403, Code: "role.forbidden"},
			{Name: "me shows the new role", Req: req{Method: "GET", Path: "/api/v1/me", Token: deputy}, Status: 200, Fields: map[string]any{"role": "customer_member"}},
		})
	})
}

// Another instance on the same database learns of a logout within the
// cache's few seconds.
func TestAnotherInstanceRefusesAnEndedSessionWithinSeconds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		token := one.Login("member@lioncity.demo")
		if res := other.Do(req{Method: "GET", Path: "/api/v1/me", Token: token}); res.Status != http.StatusOK {
			t.Fatalf("the other instance refuses a live session: %d", res.Status)
		}
		one.Do(req{Method: "POST", Path: "/api/v1/auth/logout", Token: token})
		if res := one.Do(req{Method: "GET", Path: "/api/v1/me", Token: token}); res.Status != http.StatusUnauthorized {
			t.Fatalf("the instance that logged out still accepts the token: %d", res.Status)
		}
		one.Clock.Advance(5 * time.Second)
		if res := other.Do(req{Method: "GET", Path: "/api/v1/me", Token: token}); res.Status != http.StatusUnauthorized {
			t.Fatalf("5 s after the logout, the other instance still accepts the token: %d", res.Status)
		}
	})
}
