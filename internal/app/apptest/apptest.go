// Package apptest runs the whole app in-process for API scenario tests, on
// every database dbtest offers, with a manual clock and demo data loaded.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// Start is where every test's clock stands: a Friday morning in Beijing.
var Start = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// Env is a running app with its clock.
type Env struct {
	t     *testing.T
	App   *app.App
	Clock *clock.Manual
}

// FastHasher keeps tests quick; production uses account.DefaultHasher.
var FastHasher = account.Hasher{Memory: 1024, Time: 1, Threads: 1}

// Each runs fn against a fresh app with demo data on every database.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, d *db.DB) { fn(t, New(t, d)) })
}

// New builds the app with demo data on d.
func New(t *testing.T, d *db.DB) *Env {
	t.Helper()
	return start(t, d, clock.NewManual(Start))
}

// Another starts a second app instance on d (another handle on the same
// database, from dbtest.Reopen) that shares e's clock.
func (e *Env) Another(t *testing.T, d *db.DB) *Env {
	t.Helper()
	return start(t, d, e.Clock)
}

func start(t *testing.T, d *db.DB, c *clock.Manual) *Env {
	t.Helper()
	a, err := app.Build(app.Config{Demo: true, Clock: c, Hasher: FastHasher, DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)}, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &Env{t: t, App: a, Clock: c}
}

// Wrap makes an Env of an app a test built itself.
func Wrap(t *testing.T, a *app.App) *Env {
	c, _ := a.Config.Clock.(*clock.Manual)
	return &Env{t: t, App: a, Clock: c}
}

// Response is what a request returned.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r Response) JSON() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

// Items returns the items of a list response.
func (r Response) Items() []map[string]any {
	var l struct {
		Items []map[string]any `json:"items"`
	}
	json.Unmarshal(r.Body, &l)
	return l.Items
}

// Request describes one request: Token authenticates it; Body is encoded as
// JSON unless it is a string, which is sent as is.
type Request struct {
	Method, Path, Token string
	Body                any
	Header              map[string]string
	RemoteAddr          string
}

// Do sends the request through the full middleware chain.
func (e *Env) Do(req Request) Response {
	e.t.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	r := httptest.NewRequest(req.Method, req.Path, body)
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	if req.RemoteAddr != "" {
		r.RemoteAddr = req.RemoteAddr
	}
	w := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(w, r)
	return Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

// Login logs in with the demo password (or password) and returns the token.
func (e *Env) Login(email string, password ...string) string {
	e.t.Helper()
	pw := app.DemoPassword
	if len(password) > 0 {
		pw = password[0]
	}
	res := e.Do(Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": email, "password": pw}})
	if res.Status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", email, res.Status, res.Body)
	}
	return res.JSON()["token"].(string)
}

// Check is one row of a scenario table: the request and what must come back.
type Check struct {
	Name   string
	Req    Request
	Status int
	Code   string            // the problem code, for errors
	Field  string            // a field the problem must name
	Fields map[string]any    // top-level JSON fields that must equal these values
	Header map[string]string // headers that must be present with these values ("*": any value)
}

// Run performs every check in order.
func (e *Env) Run(t *testing.T, checks []Check) {
	t.Helper()
	for _, c := range checks {
		res := e.Do(c.Req)
		name := c.Name
		if name == "" {
			name = c.Req.Method + " " + c.Req.Path
		}
		if res.Status != c.Status {
			t.Errorf("%s: status %d, want %d; body %s", name, res.Status, c.Status, res.Body)
			continue
		}
		got := res.JSON()
		if c.Code != "" {
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q, want application/problem+json", name, ct)
			}
			if got["code"] != c.Code {
				t.Errorf("%s: code %v, want %s; body %s", name, got["code"], c.Code, res.Body)
			}
			if d, _ := got["detail"].(string); d == "" || d == c.Code {
				t.Errorf("%s: no localised detail: %s", name, res.Body)
			}
		}
		if c.Field != "" && !namesField(got, c.Field) {
			t.Errorf("%s: problem does not name field %q: %s", name, c.Field, res.Body)
		}
		for k, want := range c.Fields {
			if got[k] != want {
				t.Errorf("%s: %s = %v, want %v", name, k, got[k], want)
			}
		}
		for k, want := range c.Header {
			if v := res.Header.Get(k); v == "" || (want != "*" && v != want) {
				t.Errorf("%s: header %s = %q, want %q", name, k, v, want)
			}
		}
	}
}

func namesField(problem map[string]any, field string) bool {
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok && m["field"] == field && m["message"] != "" {
			return true
		}
	}
	return false
}

// AtOnce runs work on every instance in envs at the same moment (an
// instance may be listed twice to race itself too) and fails the test on
// any error: how tests check that several instances do a thing once.
func AtOnce(t *testing.T, envs []*Env, work func(e *Env) error) {
	t.Helper()
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Go(func() {
			if err := work(e); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
