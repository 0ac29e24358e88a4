package account_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

func TestDeletingAUserIsConfirmedRestorableThenPurged(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@yunqi.demo")
		member := e.Login("member@yunqi.demo")
		list := "/api/v1/orgs/org_demo_cloud/users"
		users := list + "/"
		memberPath := users + meID(t, e, member)
		other := e.Do(req{Method: "POST", Path: list, Token: admin,
			Body: map[string]string{"email": "second@yunqi.demo", "name": "第二位", "role": "customer_member", "password": "a-long-password"}}).JSON()
		otherPath := users + other["id"].(string)

		// The first request changes nothing and says what would be lost.
		first := e.Do(req{Method: "DELETE", Path: memberPath, Token: admin})
		if first.Status != http.StatusPreconditionRequired {
			t.Fatalf("unconfirmed delete: %d %s", first.Status, first.Body)
		}
		body := first.JSON()
		impact := body["impact"].(map[string]any)
		if body["code"] != "confirmation.required" || impact["email"] != "member@yunqi.demo" || impact["sessions"] != float64(1) || impact["restore_days"] != float64(30) {
			t.Fatalf("428 body: %s", first.Body)
		}
		token := body["confirm_token"].(string)
		if res := e.Do(req{Method: "GET", Path: "/api/v1/me", Token: member}); res.Status != 200 {
			t.Fatal("the unconfirmed request deleted the user")
		}

		// A token for another object, a malformed one or an expired one is refused, naming the problem.
		e.Run(t, []check{
			{Name: "token of another user", Req: req{Method: "DELETE", Path: otherPath + "?confirm=" + url.QueryEscape(token), Token: admin}, Status: 422, Code: "confirmation.mismatch", Field: "confirm"},
			{Name: "malformed token", Req: req{Method: "DELETE", Path: memberPath + "?confirm=nonsense", Token: admin}, Status: 400, Code: "confirmation.invalid", Field: "confirm"},
		})
		stale := confirmToken(t, e, admin, otherPath)
		e.Clock.Advance(16 * time.Minute)
		e.Run(t, []check{{Name: "expired token", Req: req{Method: "DELETE", Path: otherPath + "?confirm=" + url.QueryEscape(stale), Token: admin}, Status: 422, Code: "confirmation.expired", Field: "confirm"}})
		token = confirmToken(t, e, admin, memberPath)

		// The confirmed request deletes: the user's sessions end, the login fails.
		deleted := e.Do(req{Method: "DELETE", Path: memberPath + "?confirm=" + url.QueryEscape(token), Token: admin})
		if deleted.Status != 200 || deleted.JSON()["restorable_until"] == nil {
			t.Fatalf("confirmed delete: %d %s", deleted.Status, deleted.Body)
		}
		e.Run(t, []check{
			{Name: "session ended", Req: req{Method: "GET", Path: "/api/v1/me", Token: member}, Status: 401},
			{Name: "cannot log in", Req: req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "member@yunqi.demo", "password": "steward-demo-2026"}}, Status: 401},
			{Name: "token reused", Req: req{Method: "DELETE", Path: memberPath + "?confirm=" + url.QueryEscape(token), Token: admin}, Status: 404},
		})
		listed := e.Do(req{Method: "GET", Path: list + "?deleted=true", Token: admin}).Items()
		if len(listed) != 1 || listed[0]["email"] != "member@yunqi.demo" || listed[0]["restorable_until"] == nil {
			t.Fatalf("deleted users: %v", listed)
		}

		// Restore brings the user back with the ability to log in.
		e.Run(t, []check{
			{Name: "restore", Req: req{Method: "POST", Path: memberPath + "/restore", Token: admin}, Status: 200, Fields: map[string]any{"email": "member@yunqi.demo"}},
			{Name: "restore twice", Req: req{Method: "POST", Path: memberPath + "/restore", Token: admin}, Status: 404},
		})
		e.Run(t, []check{{Name: "member restores nobody", Req: req{Method: "POST", Path: otherPath + "/restore", Token: e.Login("member@yunqi.demo")}, Status: 403, Code: "role.forbidden"}})

		// Deleted again, then the window passes: restore is refused and the purge removes the row.
		e.Do(req{Method: "DELETE", Path: otherPath + "?confirm=" + url.QueryEscape(confirmToken(t, e, admin, otherPath)), Token: admin})
		e.Clock.Advance(30*24*time.Hour + time.Minute)
		e.Run(t, []check{{Name: "after the window", Req: req{Method: "POST", Path: otherPath + "/restore", Token: e.Login("admin@yunqi.demo")}, Status: 409, Code: "user.restore_expired"}})
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatalf("jobs: %v", err)
		}
		var rows int
		e.App.DB.QueryRow(context.Background(), "SELECT count(*) FROM users WHERE email_key = 'second@yunqi.demo'").Scan(&rows)
		if rows != 0 {
			t.Fatal("the purge left the user's row")
		}
		trail := e.Do(req{Method: "GET", Path: "/api/v1/audit?target=" + other["id"].(string), Token: e.Login("admin@steward.demo")}).Items()
		if len(trail) == 0 || trail[0]["action"] != "user.purge" {
			t.Fatalf("purge not audited: %v", trail)
		}
	})
}

func TestTheDeletePageAsksToTypeTheName(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		session := cookie(postForm(e, "/login", url.Values{"email": {"admin@gangxin.demo"}, "password": {"steward-demo-2026"}}, &http.Cookie{Name: "steward_lang", Value: "en"}), "steward_session")
		lang := &http.Cookie{Name: "steward_lang", Value: "en"}
		member := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/users", Token: e.Login("admin@gangxin.demo")}).Items()[1]
		page := get(e, "/portal/users/"+member["id"].(string)+"/delete", session, lang)
		html := page.Body.String()
		if page.Code != 200 || !strings.Contains(html, "Type the member&#39;s name") || !strings.Contains(html, "30 days") {
			t.Fatalf("confirmation page: %d %s", page.Code, html)
		}
		token := between(html, `name="confirm" value="`, `"`)
		action := "/portal/users/" + member["id"].(string) + "/delete"
		wrong := postForm(e, action, url.Values{"confirm": {token}, "confirm_name": {"someone else"}}, session, lang)
		if wrong.Code != http.StatusUnprocessableEntity || !strings.Contains(wrong.Body.String(), "does not match the member") {
			t.Fatalf("wrong name: %d", wrong.Code)
		}
		done := postForm(e, action, url.Values{"confirm": {token}, "confirm_name": {member["name"].(string)}}, session, lang)
		if done.Code != http.StatusSeeOther {
			t.Fatalf("right name: %d %s", done.Code, done.Body)
		}
		list := get(e, "/portal/users?done=deleted", session, lang).Body.String()
		if !strings.Contains(list, "Recently deleted members") || !strings.Contains(list, "/restore") {
			t.Fatal("the deleted member is not offered for restore")
		}
		restored := postForm(e, "/portal/users/"+member["id"].(string)+"/restore", nil, session, lang)
		if restored.Code != http.StatusSeeOther || !strings.Contains(get(e, "/portal/users?done=restored", session, lang).Body.String(), "Restored") {
			t.Fatalf("restore: %d", restored.Code)
		}
	})
}

func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}
