package account_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/web"
)

// FuzzLogin posts arbitrary bodies to POST /api/v1/auth/login through the
// whole app, each body `repeat%8+1` times from one client address, after
// moving the clock past the throttle's window so every input starts afresh.
//
// Whatever the body, the answer is never a 5xx and never shows a stack trace
// or SQL. A body the decoder refuses answers 400 each time; a body with the
// right demo credentials answers 200 with a session token each time; any
// other decodable body answers 401 for the first five attempts (the per
// account limit) and 429 with Retry-After after that.
func FuzzLogin(f *testing.F) {
	demo := `{"email":"admin@steward.demo","password":"` + app.DemoPassword + `"}`
	for i, seed := range []struct {
		body   string
		repeat uint8
	}{
		{demo, 0},
		{demo, 7},
		{`{"email":"  Member@YUNQI.demo ","password":"` + app.DemoPassword + `"}`, 1},
		{`{"email":"admin@steward.demo","password":"wrong-password"}`, 0},
		{`{"email":"admin@steward.demo","password":"wrong-password"}`, 7},
		{`{"email":"nobody@steward.demo","password":"wrong-password"}`, 6},
		{`{"email":"admin@steward.demo","password":"` + app.DemoPassword + ` "}`, 0},
		{`{"email":"admin@steward.demo",`, 0},
		{`{"email":"admin@steward.demo","password":"` + app.DemoPassword + `","remember":true}`, 0},
		{`{"email":"admin@steward.demo","password":"` + app.DemoPassword + `"} {}`, 0},
		{`{"EMAIL":"admin@steward.demo","Password":"` + app.DemoPassword + `"}`, 0},
		{`{"email":"x","email":"admin@steward.demo","password":"` + app.DemoPassword + `"}`, 0},
		{`{"email":1,"password":true}`, 0},
		{`{"email":["admin@steward.demo"],"password":null}`, 0},
		{`{"email":null,"password":null}`, 0},
		{``, 0},
		{`null`, 0},
		{`[]`, 0},
		{`"admin@steward.demo"`, 0},
		{`{"email":"` + strings.Repeat("a", 100000) + `@steward.demo","password":"x"}`, 0},
		{`{"email":"admin@steward.demo","password":"` + strings.Repeat("密", 20000) + `"}`, 0},
		{`{"email":"admin@steward.demo' OR '1'='1","password":"' OR '1'='1"}`, 6},
		{`{"email":"admin@steward.demo\u0000","password":"x"}`, 0},
		{"{\"email\":\"\xff\xfe@steward.demo\",\"password\":\"x\"}", 0},
		{`{"sql":"SELECT 1","goroutine":"panic"}`, 0},
	} {
		f.Add([]byte(seed.body), seed.repeat, uint8(i))
	}

	clk := clock.NewManual(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	a, err := app.New(f.Context(), app.Config{
		DataDir: f.TempDir(),
		Demo:    true,
		Clock:   clk,
		Hasher:  account.Hasher{Memory: 1024, Time: 1, Threads: 1},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { a.Close() })
	if err := a.Prepare(f.Context()); err != nil {
		f.Fatal(err)
	}
	demoEmails := map[string]bool{}
	for _, l := range app.DemoLogins() {
		demoEmails[l.Email] = true
	}

	f.Fuzz(func(t *testing.T, body []byte, repeat, addr uint8) {
		clk.Advance(16 * time.Minute) // past the throttle's 15-minute window

		// What the server should make of the body: refused by the decoder,
		// or the credentials it holds.
		var in struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		}
		decodes := web.DecodeReader(bytes.NewReader(body), &in) == nil
		right := decodes && demoEmails[strings.ToLower(strings.TrimSpace(in.Email))] && in.Password == app.DemoPassword

		lang := "zh-CN"
		if addr%2 == 1 {
			lang = "en"
		}
		for attempt := range int(repeat%8) + 1 {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", bytes.NewReader(body))
			r.RemoteAddr = fmt.Sprintf("198.51.100.%d:%d", addr, 40000+attempt)
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Accept-Language", lang)
			w := httptest.NewRecorder()
			a.Handler.ServeHTTP(w, r)

			want, code := http.StatusBadRequest, "request.invalid"
			switch {
			case len(body) > web.DefaultBodyLimit:
				want, code = http.StatusRequestEntityTooLarge, "request.too_large"
			case right:
				want, code = http.StatusOK, ""
			case decodes && attempt < 5:
				want, code = http.StatusUnauthorized, "auth.invalid_credentials"
			case decodes:
				want, code = http.StatusTooManyRequests, "auth.too_many_attempts"
			}
			checkLoginResponse(t, body, attempt, w, want, code)
			if t.Failed() {
				return
			}
		}
	})
}

// checkLoginResponse checks one answer of the login endpoint.
func checkLoginResponse(t *testing.T, body []byte, attempt int, w *httptest.ResponseRecorder, want int, code string) {
	t.Helper()
	res := w.Body.String()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("attempt %d of POST /api/v1/auth/login %q: %s; response %d %.500s",
			attempt+1, body, fmt.Sprintf(format, args...), w.Code, res)
	}
	if w.Code >= 500 {
		fail("server error")
		return
	}
	if w.Code != want {
		fail("status %d, want %d", w.Code, want)
		return
	}
	if w.Code == http.StatusOK {
		var s struct {
			Token string `json:"token"`
			User  struct {
				Email string `json:"email"`
			} `json:"user"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil || !strings.HasPrefix(s.Token, "sts_") || s.User.Email == "" {
			fail("want a session token and the user")
		}
		return
	}

	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		fail("Content-Type %q, want application/problem+json", ct)
	}
	var p struct {
		Type, Title, Code, Detail, Instance string
		Status                              int
		Errors                              []struct{ Field, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		fail("the problem is not JSON: %v", err)
		return
	}
	if p.Code != code || p.Status != w.Code || p.Detail == "" || p.Detail == p.Code {
		fail("want code %q with a localised detail", code)
	}
	if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		fail("429 without Retry-After")
	}
	// Everything the server wrote itself (the errors' field names echo the
	// client's own keys): no SQL, no stack trace, no source paths.
	text := []string{p.Type, p.Title, p.Code, p.Detail, p.Instance}
	for _, e := range p.Errors {
		text = append(text, e.Message)
	}
	for _, s := range text {
		low := strings.ToLower(s)
		for _, leak := range []string{"sql", "goroutine", "panic", "runtime error", ".go:", "/work/", "\tat "} {
			if strings.Contains(low, leak) {
				fail("the problem shows %q", leak)
			}
		}
	}
}
