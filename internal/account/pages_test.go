package account_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// postForm submits a browser form, with the headers a same-origin browser sends.
func postForm(e *apptest.Env, path string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(w, r)
	return w
}

func get(e *apptest.Env, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(w, r)
	return w
}

func cookie(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestBrowserLoginSetsAProtectedSessionCookie(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := postForm(e, "/login", url.Values{"email": {"member@lioncity.demo"}, "password": {"steward-demo-2026"}, "next": {"https://evil.example/"}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
			t.Fatalf("login: %d to %q (an outside next must not be followed)", w.Code, w.Header().Get("Location"))
		}
		session := cookie(w, "steward_session")
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
			t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP", session)
		}
		home := get(e, "/portal", session)
		if home.Code != 200 || !strings.Contains(home.Body.String(), "Welcome") { // this member prefers English
			t.Fatalf("portal: %d", home.Code)
		}
		// Behind a TLS-terminating proxy the cookie is Secure.
		r := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {"member@lioncity.demo"}, "password": {"steward-demo-2026"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Forwarded-Proto", "https")
		tls := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(tls, r)
		if c := cookie(tls, "steward_session"); c == nil || !c.Secure {
			t.Fatalf("behind TLS the session cookie is %+v, want Secure", c)
		}
		// Logging out ends the session.
		postForm(e, "/logout", nil, session)
		if w := get(e, "/portal", session); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Fatalf("after logout /portal answered %d to %q", w.Code, w.Header().Get("Location"))
		}
	})
}

func TestCrossOriginFormPostsAreRefused(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		login := postForm(e, "/login", url.Values{"email": {"admin@yunqi.demo"}, "password": {"steward-demo-2026"}})
		session := cookie(login, "steward_session")
		form := url.Values{"email": {"intruder@evil.demo"}, "name": {"x"}, "role": {"customer_admin"}, "password": {"a-long-password"}}
		r := httptest.NewRequest("POST", "/portal/users", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.AddCookie(session)
		w := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden {
			t.Fatalf("cross-site post answered %d, want 403", w.Code)
		}
		if users := get(e, "/portal/users", session).Body.String(); strings.Contains(users, "intruder@evil.demo") {
			t.Fatal("the cross-site post created a user")
		}
	})
}

func TestLoginFormShowsTheReasonInTheChosenLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := postForm(e, "/login", url.Values{"email": {"admin@yunqi.demo"}, "password": {"wrong-password"}}, &http.Cookie{Name: "steward_lang", Value: "en"})
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "The email or password is not correct") {
			t.Fatalf("wrong password: %d %s", w.Code, w.Body)
		}
		if !strings.Contains(w.Body.String(), `value="admin@yunqi.demo"`) {
			t.Error("the email typed is lost after a failed login")
		}
	})
}

func TestUserManagementPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		session := cookie(postForm(e, "/login", url.Values{"email": {"admin@huabei.demo"}, "password": {"steward-demo-2026"}}), "steward_session")
		bad := postForm(e, "/portal/users", url.Values{"email": {"new@huabei.demo"}, "name": {"新人"}, "role": {"customer_member"}, "password": {"short"}}, session)
		if bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "密码至少需要 10 个字符") || !strings.Contains(bad.Body.String(), `value="new@huabei.demo"`) {
			t.Fatalf("weak password: %d %s", bad.Code, bad.Body)
		}
		ok := postForm(e, "/portal/users", url.Values{"email": {"new@huabei.demo"}, "name": {"新人"}, "role": {"customer_member"}, "password": {"a-long-password"}}, session)
		if ok.Code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", ok.Code, ok.Body)
		}
		if page := get(e, "/portal/users?done=created", session).Body.String(); !strings.Contains(page, "new@huabei.demo") || !strings.Contains(page, "已创建") {
			t.Fatal("the new member is not listed with a confirmation")
		}
		member := cookie(postForm(e, "/login", url.Values{"email": {"member@huabei.demo"}, "password": {"steward-demo-2026"}}), "steward_session")
		if w := get(e, "/portal/users", member); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "没有权限") {
			t.Fatalf("member on the users page: %d", w.Code)
		}
		if w := get(e, "/console/orgs", member); w.Code != http.StatusForbidden {
			t.Fatalf("customer on the console: %d", w.Code)
		}
	})
}
