package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
	webfiles "steward.dev/steward/web"
)

type noAuth struct{}

func (noAuth) Authenticate(context.Context, string) (*actor.Actor, error) { return nil, nil }

func newServer(t *testing.T, register func(rt *web.Router)) http.Handler {
	t.Helper()
	pages, err := web.NewRenderer(webfiles.Files, nil)
	if err != nil {
		t.Fatal(err)
	}
	metrics := web.NewMetrics()
	rt := web.NewRouter(metrics, pages)
	register(rt)
	rt.Raw("GET /metrics", metrics.Handler())
	mw := &web.Middleware{Auth: noAuth{}, Metrics: metrics, Pages: pages, Logger: slog.New(slog.DiscardHandler)}
	return mw.Wrap(rt)
}

func do(h http.Handler, method, path, body, lang string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if lang != "" {
		r.Header.Set("Accept-Language", lang)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestFailuresNeverLeakInternals(t *testing.T) {
	h := newServer(t, func(rt *web.Router) {
		rt.API("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) error {
			return errors.New(`pq: relation "users" does not exist at /srv/steward/internal/account/store.go:42`)
		})
		rt.API("GET /api/v1/panic", func(http.ResponseWriter, *http.Request) error { panic("nil map in store.go") })
		rt.Page("GET /panic", func(http.ResponseWriter, *http.Request) error { panic("nil map in store.go") })
	})
	for _, c := range []struct{ path, lang, want string }{
		{"/api/v1/boom", "zh-CN", "服务器出了点问题"},
		{"/api/v1/panic", "en", "Something went wrong on our side"},
		{"/panic", "zh-CN", "服务器错误"},
		{"/panic", "en", "Server error"},
	} {
		w := do(h, "GET", c.path, "", c.lang)
		body := w.Body.String()
		if w.Code != 500 || !strings.Contains(body, c.want) {
			t.Errorf("%s (%s): %d, want 500 saying %q: %s", c.path, c.lang, w.Code, c.want, body)
		}
		for _, secret := range []string{"relation", "store.go", "nil map", "goroutine"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s leaks %q to the client", c.path, secret)
			}
		}
		if id := w.Header().Get("X-Request-Id"); id == "" || !strings.Contains(body, id) {
			t.Errorf("%s: the answer does not show the request id to quote to support", c.path)
		}
	}
}

func TestBodyLimitsAnswer413(t *testing.T) {
	h := newServer(t, func(rt *web.Router) {
		read := func(w http.ResponseWriter, r *http.Request) error {
			var v map[string]any
			if err := web.Decode(r, &v); err != nil {
				return err
			}
			w.WriteHeader(204)
			return nil
		}
		rt.API("POST /api/v1/small", read)
		rt.APIWithLimit("POST /api/v1/upload", 4<<20, func(w http.ResponseWriter, r *http.Request) error {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				return err
			}
			w.WriteHeader(204)
			return nil
		})
	})
	big := `{"x":"` + strings.Repeat("a", 2<<20) + `"}`
	if w := do(h, "POST", "/api/v1/small", big, "en"); w.Code != 413 || !strings.Contains(w.Body.String(), `"code":"request.too_large"`) {
		t.Errorf("2 MiB JSON: %d %s", w.Code, w.Body)
	}
	if w := do(h, "POST", "/api/v1/upload", big, ""); w.Code != 204 {
		t.Errorf("2 MiB upload under a 4 MiB limit: %d", w.Code)
	}
	if w := do(h, "POST", "/api/v1/upload", strings.Repeat("a", 5<<20), ""); w.Code != 413 {
		t.Errorf("5 MiB upload over a 4 MiB limit: %d", w.Code)
	}
}

func TestRequestIDsAndMetricsByRoute(t *testing.T) {
	h := newServer(t, func(rt *web.Router) {
		rt.API("GET /api/v1/things/{id}", func(w http.ResponseWriter, r *http.Request) error {
			return web.JSON(w, 200, map[string]string{"id": r.PathValue("id")})
		})
	})
	r := httptest.NewRequest("GET", "/api/v1/things/a1", nil)
	r.Header.Set("X-Request-Id", "trace-42")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Header().Get("X-Request-Id") != "trace-42" {
		t.Errorf("a sane client request id is not kept: %q", w.Header().Get("X-Request-Id"))
	}
	r.Header.Set("X-Request-Id", "<script>")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); got == "<script>" || got == "" {
		t.Errorf("an unsafe request id is echoed: %q", got)
	}
	do(h, "GET", "/api/v1/things/b2", "", "")
	metrics := do(h, "GET", "/metrics", "", "").Body.String()
	if !strings.Contains(metrics, `steward_http_requests_total{code="200",method="GET",route="/api/v1/things/{id}"} 3`) {
		t.Errorf("metrics do not count by route pattern:\n%s", grep(metrics, "steward_http_requests_total"))
	}
	if !strings.Contains(metrics, `steward_http_request_duration_seconds_count{method="GET",route="/api/v1/things/{id}"} 3`) {
		t.Errorf("no durations by route:\n%s", grep(metrics, "duration_seconds_count"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func TestServesKnowsWhichPagesExist(t *testing.T) {
	pages, err := web.NewRenderer(webfiles.Files, nil)
	if err != nil {
		t.Fatal(err)
	}
	rt := web.NewRouter(web.NewMetrics(), pages)
	rt.Page("GET /catalog", func(http.ResponseWriter, *http.Request) error { return nil })
	rt.Page("GET /orgs/{org}/files", func(http.ResponseWriter, *http.Request) error { return nil })
	for path, want := range map[string]bool{"/catalog": true, "/orgs/o_1/files": true, "/community": false, "/catalog/x": false, "": false} {
		if got := rt.Serves(path); got != want {
			t.Errorf("Serves(%q) = %v, want %v", path, got, want)
		}
	}
}
