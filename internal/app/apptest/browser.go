package apptest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"steward.dev/steward/internal/app"
)

// Browser is a person logged in through the login form: its requests carry
// the session cookie, the headers a same-origin browser sends, and its language.
type Browser struct {
	e       *Env
	Session *http.Cookie
	Lang    string // Accept-Language
}

// Browser logs in email with the demo password through the login form.
func (e *Env) Browser(email, lang string) *Browser {
	e.t.Helper()
	b := &Browser{e: e, Lang: lang}
	w := b.PostForm("/login", url.Values{"email": {email}, "password": {app.DemoPassword}})
	for _, c := range w.Result().Cookies() {
		if c.Name == "steward_session" {
			b.Session = c
		}
	}
	if b.Session == nil {
		e.t.Fatalf("browser login %s: %d", email, w.Code)
	}
	return b
}

// Do sends a request with a body of contentType (none when body is nil).
func (b *Browser) Do(method, path, contentType string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, body)
	if body != nil {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	if b.Lang != "" {
		r.Header.Set("Accept-Language", b.Lang)
	}
	if b.Session != nil {
		r.AddCookie(b.Session)
	}
	w := httptest.NewRecorder()
	b.e.App.Handler.ServeHTTP(w, r)
	return w
}

// Get loads a page.
func (b *Browser) Get(path string) *httptest.ResponseRecorder { return b.Do("GET", path, "", nil) }

// PostForm submits a form.
func (b *Browser) PostForm(path string, form url.Values) *httptest.ResponseRecorder {
	return b.Do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}
