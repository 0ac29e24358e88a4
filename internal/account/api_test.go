package account_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

type req = apptest.Request
type check = apptest.Check

const (
	orgA = "org_demo_cloud"
	orgB = "org_demo_hk"
)

func TestLoginAndMe(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		token := e.Login("Admin@YUNQI.demo") // emails match case-insensitively
		e.Run(t, []check{
			{Name: "me", Req: req{Method: "GET", Path: "/api/v1/me", Token: token}, Status: 200,
				Fields: map[string]any{"email": "admin@yunqi.demo", "role": "customer_admin", "org_id": orgA, "locale": "zh-CN"}},
			{Name: "no token", Req: req{Method: "GET", Path: "/api/v1/me"}, Status: 401, Code: "auth.required"},
			{Name: "bad token", Req: req{Method: "GET", Path: "/api/v1/me", Token: "sts_nope"}, Status: 401, Code: "auth.invalid_token"},
			{Name: "wrong password", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "admin@yunqi.demo", "password": "wrong-password"}},
				Status: 401, Code: "auth.invalid_credentials"},
			{Name: "unknown email, same answer", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "nobody@yunqi.demo", "password": "wrong-password"}},
				Status: 401, Code: "auth.invalid_credentials"},
			{Name: "vendor staff have no organisation", Req: req{Method: "GET", Path: "/api/v1/me", Token: e.Login("agent@steward.demo")}, Status: 200,
				Fields: map[string]any{"org_id": nil, "role": "agent"}},
			{Name: "english detail", Req: req{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"}},
				Status: 401, Code: "auth.required", Fields: map[string]any{"detail": "Please log in first."}},
			{Name: "logout", Req: req{Method: "POST", Path: "/api/v1/auth/logout", Token: token}, Status: 204},
			{Name: "token gone after logout", Req: req{Method: "GET", Path: "/api/v1/me", Token: token}, Status: 401, Code: "auth.invalid_token"},
		})
	})
}

func TestLoginThrottlesFailedAttemptsOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		login := func(password, addr string) apptest.Response {
			return e.Do(req{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: addr,
				Body: map[string]string{"email": "member@yunqi.demo", "password": password}})
		}
		// Successes do not count.
		for range 8 {
			if res := login("steward-demo-2026", "198.51.100.1:1000"); res.Status != 200 {
				t.Fatalf("successful login answered %d", res.Status)
			}
		}
		for i := range 5 {
			if res := login("wrong-password", "198.51.100.1:1000"); res.Status != 401 {
				t.Fatalf("failure %d answered %d", i+1, res.Status)
			}
		}
		// The account is now throttled, even with the right password, from any address.
		e.Run(t, []check{{Name: "sixth attempt", Status: 429, Code: "auth.too_many_attempts", Header: map[string]string{"Retry-After": "900"},
			Req: req{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "203.0.113.9:1", Body: map[string]string{"email": "member@yunqi.demo", "password": "steward-demo-2026"}}}})
		// Other accounts are not affected.
		e.Login("admin@yunqi.demo")
		// After the window the account may try again.
		e.Clock.Advance(15*time.Minute + time.Second)
		if res := login("steward-demo-2026", "198.51.100.1:1000"); res.Status != 200 {
			t.Fatalf("after the window: %d %s", res.Status, res.Body)
		}

		// Per address: 20 failures across accounts block that address only.
		for i := range 20 {
			email := []string{"admin@gangxin.demo", "member@gangxin.demo", "admin@huabei.demo", "member@huabei.demo", "nobody@x.demo"}[i%5]
			e.Do(req{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "192.0.2.77:5", Body: map[string]string{"email": email, "password": "wrong-password"}})
		}
		e.Run(t, []check{
			{Name: "address blocked", Status: 429, Code: "auth.too_many_attempts", Header: map[string]string{"Retry-After": "*"},
				Req: req{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "192.0.2.77:6", Body: map[string]string{"email": "admin@lioncity.demo", "password": "steward-demo-2026"}}},
			{Name: "other address fine", Status: 200,
				Req: req{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "192.0.2.78:6", Body: map[string]string{"email": "admin@lioncity.demo", "password": "steward-demo-2026"}}},
		})
	})
}

func TestAPITokens(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		session := e.Login("member@yunqi.demo")
		res := e.Do(req{Method: "POST", Path: "/api/v1/tokens", Token: session,
			Body: map[string]any{"name": "nightly export", "expires_at": apptest.Start.Add(48 * time.Hour).Format(time.RFC3339)}})
		if res.Status != 201 || res.Header.Get("Location") == "" {
			t.Fatalf("create token: %d %s", res.Status, res.Body)
		}
		tok := res.JSON()
		secret := tok["token"].(string)
		if !strings.HasPrefix(secret, "stp_") {
			t.Fatalf("token %q lacks its prefix", secret)
		}
		e.Run(t, []check{
			{Name: "token works", Req: req{Method: "GET", Path: "/api/v1/me", Token: secret}, Status: 200, Fields: map[string]any{"email": "member@yunqi.demo"}},
			{Name: "list hides the secret", Req: req{Method: "GET", Path: "/api/v1/tokens", Token: session}, Status: 200},
			{Name: "past expiry", Req: req{Method: "POST", Path: "/api/v1/tokens", Token: session, Body: map[string]any{"name": "x", "expires_at": "2020-01-01T00:00:00Z"}},
				Status: 400, Code: "request.invalid", Field: "expires_at"},
			{Name: "no name", Req: req{Method: "POST", Path: "/api/v1/tokens", Token: session, Body: map[string]any{}}, Status: 400, Code: "request.invalid", Field: "name"},
			{Name: "bad time", Req: req{Method: "POST", Path: "/api/v1/tokens", Token: session, Body: `{"name":"x","expires_at":"tomorrow"}`}, Status: 400, Code: "request.invalid", Field: "expires_at"},
			{Name: "a date is not an instant", Req: req{Method: "POST", Path: "/api/v1/tokens", Token: session, Body: `{"name":"x","expires_at":"2027-01-02"}`}, Status: 400, Field: "expires_at"},
			{Name: "a number is not an instant", Req: req{Method: "POST", Path: "/api/v1/tokens", Token: session, Body: `{"name":"x","expires_at":12}`}, Status: 400, Field: "expires_at"},
		})
		list := e.Do(req{Method: "GET", Path: "/api/v1/tokens", Token: session})
		if strings.Contains(string(list.Body), secret) || len(list.Items()) != 1 {
			t.Errorf("token list: %s", list.Body)
		}
		// Only the hash is stored.
		var stored int
		e.App.DB.QueryRow(t.Context(), "SELECT count(*) FROM tokens WHERE hash = ?", secret).Scan(&stored)
		if stored != 0 {
			t.Error("the token secret is stored in clear")
		}
		e.Clock.Advance(49 * time.Hour)
		e.Run(t, []check{{Name: "expired", Req: req{Method: "GET", Path: "/api/v1/me", Token: secret}, Status: 401, Code: "auth.invalid_token"}})
		e.Run(t, []check{{Name: "revoke", Req: req{Method: "DELETE", Path: "/api/v1/tokens/" + tok["id"].(string), Token: session}, Status: 204}})
	})
}

func TestOrganisations(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent, admin, pm, customer := e.Login("agent@steward.demo"), e.Login("admin@steward.demo"), e.Login("pm@steward.demo"), e.Login("admin@yunqi.demo")
		e.Run(t, []check{
			{Name: "agent creates", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: map[string]string{"name": "澳门新濠科技", "region": "mo"}},
				Status: 201, Fields: map[string]any{"name": "澳门新濠科技", "region": "MO"}, Header: map[string]string{"Location": "*"}},
			{Name: "vendor admin creates", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: admin, Body: map[string]string{"name": "Tokyo KK", "region": "JP"}}, Status: 201},
			{Name: "product manager may not", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: pm, Body: map[string]string{"name": "x", "region": "CN"}}, Status: 403, Code: "role.forbidden"},
			{Name: "customer may not, checked before the body", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: customer, Body: "{not json"}, Status: 403, Code: "role.forbidden"},
			{Name: "region not two letters", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: map[string]string{"name": "x", "region": "CHN"}}, Status: 400, Code: "request.invalid", Field: "region"},
			{Name: "region with digits", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: map[string]string{"name": "x", "region": "C1"}}, Status: 400, Field: "region"},
			{Name: "name missing", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: map[string]string{"region": "CN"}}, Status: 400, Field: "name"},
			{Name: "unknown field", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: `{"name":"x","region":"CN","tier":"gold"}`}, Status: 400, Code: "request.invalid", Field: "tier"},
			{Name: "wrong type", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: `{"name":42,"region":"CN"}`}, Status: 400, Field: "name"},
			{Name: "malformed", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: `{"name":"x",`}, Status: 400, Code: "request.invalid"},
			{Name: "oversized", Req: req{Method: "POST", Path: "/api/v1/orgs", Token: agent, Body: `{"name":"` + strings.Repeat("x", 1<<20) + `","region":"CN"}`}, Status: 413, Code: "request.too_large"},
			{Name: "customer sees its own", Req: req{Method: "GET", Path: "/api/v1/orgs/" + orgA, Token: customer}, Status: 200, Fields: map[string]any{"id": orgA}},
			{Name: "bad limit", Req: req{Method: "GET", Path: "/api/v1/orgs?limit=500", Token: agent}, Status: 400, Field: "limit"},
		})
		// Vendor staff list every organisation, page by page: a page of
		// four and then the rest give each organisation once, in order.
		all := e.Do(req{Method: "GET", Path: "/api/v1/orgs?limit=100", Token: pm}).Items()
		if len(all) <= 4 {
			t.Fatalf("too few organisations to page through: %d", len(all))
		}
		first := e.Do(req{Method: "GET", Path: "/api/v1/orgs?limit=4", Token: pm})
		cursor, _ := first.JSON()["next_cursor"].(string)
		if len(first.Items()) != 4 || cursor == "" {
			t.Fatalf("first page: %s", first.Body)
		}
		second := e.Do(req{Method: "GET", Path: "/api/v1/orgs?limit=100&cursor=" + cursor, Token: pm})
		paged := append(first.Items(), second.Items()...)
		if len(paged) != len(all) || second.JSON()["next_cursor"] != "" {
			t.Fatalf("second page: %s", second.Body)
		}
		for i, o := range paged {
			if o["id"] != all[i]["id"] {
				t.Fatalf("page order differs from the whole list at %d: %v, want %v", i, o["id"], all[i]["id"])
			}
		}
	})
}

func TestOrganisationUsers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin, member, vendorAdmin, agent := e.Login("admin@yunqi.demo"), e.Login("member@yunqi.demo"), e.Login("admin@steward.demo"), e.Login("agent@steward.demo")
		users := "/api/v1/orgs/" + orgA + "/users"
		newUser := func(email, password, role string) map[string]string {
			return map[string]string{"email": email, "name": "测试用户", "role": role, "password": password, "locale": "en"}
		}
		created := e.Do(req{Method: "POST", Path: users, Token: admin, Body: newUser("new.person@yunqi.demo", "a-long-password", "customer_member")})
		if created.Status != 201 {
			t.Fatalf("create: %d %s", created.Status, created.Body)
		}
		newID := created.JSON()["id"].(string)
		e.Run(t, []check{
			{Name: "new user logs in", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "new.person@yunqi.demo", "password": "a-long-password"}}, Status: 200},
			{Name: "email taken, any case", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("NEW.Person@yunqi.demo", "a-long-password", "customer_member")}, Status: 409, Code: "user.email_taken", Field: "email"},
			{Name: "weak password", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("p@yunqi.demo", "short", "customer_member")}, Status: 400, Field: "password"},
			{Name: "password equals email", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("p1234567@yunqi.demo", "P1234567@yunqi.demo", "customer_member")}, Status: 400, Field: "password"},
			{Name: "invalid email", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("not-an-email", "a-long-password", "customer_member")}, Status: 400, Field: "email"},
			{Name: "unknown role", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("r@yunqi.demo", "a-long-password", "owner")}, Status: 400, Field: "role"},
			{Name: "vendor role in an org", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("r@yunqi.demo", "a-long-password", "vendor_admin")}, Status: 400, Field: "role"},
			{Name: "bad locale", Req: req{Method: "POST", Path: users, Token: admin, Body: map[string]string{"email": "l@yunqi.demo", "name": "x", "role": "customer_member", "password": "a-long-password", "locale": "fr"}}, Status: 400, Field: "locale"},
			{Name: "member may not manage", Req: req{Method: "POST", Path: users, Token: member, Body: newUser("m@yunqi.demo", "a-long-password", "customer_member")}, Status: 403, Code: "role.forbidden"},
			{Name: "member may not list", Req: req{Method: "GET", Path: users, Token: member}, Status: 403, Code: "role.forbidden"},
			{Name: "agent reads account data", Req: req{Method: "GET", Path: users, Token: agent}, Status: 200},
			{Name: "agent may not manage", Req: req{Method: "PATCH", Path: users + "/" + newID, Token: agent, Body: map[string]string{"name": "x"}}, Status: 403, Code: "role.forbidden"},
			{Name: "vendor admin manages any", Req: req{Method: "PATCH", Path: users + "/" + newID, Token: vendorAdmin, Body: map[string]string{"role": "customer_admin"}}, Status: 200, Fields: map[string]any{"role": "customer_admin"}},
			{Name: "patch bad role", Req: req{Method: "PATCH", Path: users + "/" + newID, Token: admin, Body: map[string]string{"role": "agent"}}, Status: 400, Field: "role"},
			{Name: "patch unknown field", Req: req{Method: "PATCH", Path: users + "/" + newID, Token: admin, Body: map[string]string{"email": "x@y.z"}}, Status: 400, Field: "email"},
			{Name: "cannot delete yourself", Req: req{Method: "DELETE", Path: users + "/" + meID(t, e, admin), Token: admin}, Status: 409, Code: "user.self_delete"},
			{Name: "delete", Req: req{Method: "DELETE", Path: users + "/" + newID + "?confirm=" + confirmToken(t, e, admin, users+"/"+newID), Token: admin}, Status: 200},
			{Name: "deleted user cannot log in", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "new.person@yunqi.demo", "password": "a-long-password"}}, Status: 401},
			{Name: "deleted user is gone", Req: req{Method: "GET", Path: users + "/" + newID, Token: admin}, Status: 404},
			{Name: "email is free again", Req: req{Method: "POST", Path: users, Token: admin, Body: newUser("new.person@yunqi.demo", "a-long-password", "customer_member")}, Status: 201},
		})
	})
}

func TestOrganisationKeepsAnAdmin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		vendorAdmin := e.Login("admin@steward.demo")
		admin := e.Login("admin@gangxin.demo")
		adminID := meID(t, e, admin)
		users := "/api/v1/orgs/" + orgB + "/users/"
		e.Run(t, []check{
			{Name: "demote the only admin", Req: req{Method: "PATCH", Path: users + adminID, Token: vendorAdmin, Body: map[string]string{"role": "customer_member"}}, Status: 409, Code: "user.last_admin"},
			{Name: "delete the only admin", Req: req{Method: "DELETE", Path: users + adminID, Token: vendorAdmin}, Status: 409, Code: "user.last_admin"},
		})
	})
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		here, there := e.Login("member@huabei.demo"), e.Login("member@huabei.demo")
		e.Run(t, []check{
			{Name: "wrong current password", Req: req{Method: "PATCH", Path: "/api/v1/me", Token: here, Body: map[string]string{"password": "a-new-password-1", "current_password": "nope"}}, Status: 400, Field: "current_password"},
			{Name: "change", Req: req{Method: "PATCH", Path: "/api/v1/me", Token: here, Body: map[string]string{"password": "a-new-password-1", "current_password": "steward-demo-2026"}}, Status: 200},
			{Name: "this session goes on", Req: req{Method: "GET", Path: "/api/v1/me", Token: here}, Status: 200},
			{Name: "the other ended", Req: req{Method: "GET", Path: "/api/v1/me", Token: there}, Status: 401},
			{Name: "new password works", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "member@huabei.demo", "password": "a-new-password-1"}}, Status: 200},
		})
	})
}

func TestStaff(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		vendorAdmin, agent := e.Login("admin@steward.demo"), e.Login("agent@steward.demo")
		staff := func(role string) map[string]string {
			return map[string]string{"email": "new.staff@steward.demo", "name": "新员工", "role": role, "password": "a-long-password"}
		}
		e.Run(t, []check{
			{Name: "agent may not list", Req: req{Method: "GET", Path: "/api/v1/staff", Token: agent}, Status: 403, Code: "role.forbidden"},
			{Name: "agent may not create", Req: req{Method: "POST", Path: "/api/v1/staff", Token: agent, Body: staff("engineer")}, Status: 403},
			{Name: "customer role is not staff", Req: req{Method: "POST", Path: "/api/v1/staff", Token: vendorAdmin, Body: staff("customer_admin")}, Status: 400, Field: "role"},
			{Name: "create", Req: req{Method: "POST", Path: "/api/v1/staff", Token: vendorAdmin, Body: staff("engineer")}, Status: 201, Fields: map[string]any{"role": "engineer", "org_id": nil}},
		})
		list := e.Do(req{Method: "GET", Path: "/api/v1/staff", Token: vendorAdmin})
		if len(list.Items()) != 5 {
			t.Errorf("staff list has %d, want 4 demo staff and the new one: %s", len(list.Items()), list.Body)
		}
	})
}

func TestUnknownRoutesAnswerInKind(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.Run(t, []check{
			{Req: req{Method: "GET", Path: "/api/v1/nothing-here"}, Status: 404, Code: "not_found"},
			{Req: req{Method: "PUT", Path: "/api/v1/me"}, Status: 405, Code: "request.method_not_allowed", Header: map[string]string{"Allow": "*"}},
		})
		page := e.Do(req{Method: "GET", Path: "/no-such-page", Header: map[string]string{"Accept-Language": "en"}})
		if page.Status != http.StatusNotFound || !strings.Contains(string(page.Body), "Page not found") {
			t.Errorf("404 page: %d %s", page.Status, page.Body)
		}
	})
}

// confirmToken asks to delete path and returns the token of the 428 answer.
func confirmToken(t *testing.T, e *apptest.Env, token, path string) string {
	t.Helper()
	res := e.Do(req{Method: "DELETE", Path: path, Token: token})
	if res.Status != http.StatusPreconditionRequired {
		t.Fatalf("DELETE %s without confirmation: %d %s", path, res.Status, res.Body)
	}
	return res.JSON()["confirm_token"].(string)
}

func meID(t *testing.T, e *apptest.Env, token string) string {
	t.Helper()
	return e.Do(req{Method: "GET", Path: "/api/v1/me", Token: token}).JSON()["id"].(string)
}
