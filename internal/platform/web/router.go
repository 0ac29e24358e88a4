// Package web is the HTTP machinery every room uses: the router with its
// middleware, JSON decoding and RFC 9457 problems, page rendering, sessions'
// cookies, and the health and metrics endpoints. It knows no business rules.
package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// HandlerFunc is a handler that may fail; the router turns the error into a
// problem+json response (API routes) or an error page (pages).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one registered method and path.
type Route struct {
	Method string
	Path   string
	API    bool
}

// DefaultBodyLimit is the largest request body a route takes unless it says otherwise.
const DefaultBodyLimit = 1 << 20

// Router registers routes on a ServeMux and remembers them, so the OpenAPI
// document can be checked against what is really served.
type Router struct {
	mux     *http.ServeMux
	routes  []Route
	metrics *Metrics
	pages   *Renderer
}

// NewRouter returns an empty router.
func NewRouter(metrics *Metrics, pages *Renderer) *Router {
	return &Router{mux: http.NewServeMux(), metrics: metrics, pages: pages}
}

// API registers a JSON endpoint: "METHOD /path".
func (rt *Router) API(pattern string, h HandlerFunc) {
	rt.handle(pattern, true, DefaultBodyLimit, h)
}

// APIWithLimit registers a JSON endpoint whose body may be up to limit bytes (uploads).
func (rt *Router) APIWithLimit(pattern string, limit int64, h HandlerFunc) {
	rt.handle(pattern, true, limit, h)
}

// Page registers an HTML endpoint.
func (rt *Router) Page(pattern string, h HandlerFunc) {
	rt.handle(pattern, false, DefaultBodyLimit, h)
}

// PageWithLimit registers an HTML endpoint whose body may be up to limit
// bytes (forms that upload files).
func (rt *Router) PageWithLimit(pattern string, limit int64, h HandlerFunc) {
	rt.handle(pattern, false, limit, h)
}

// Raw registers a plain handler (static files, metrics) outside the route list.
func (rt *Router) Raw(pattern string, h http.Handler) {
	rt.mux.Handle(pattern, rt.metrics.instrument(pattern, h))
}

func (rt *Router) handle(pattern string, api bool, limit int64, h HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	rt.routes = append(rt.routes, Route{Method: method, Path: path, API: api})
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := h(w, r); err != nil {
			if api {
				WriteProblem(w, r, err)
			} else {
				rt.pages.Error(w, r, err)
			}
		}
	})
	rt.mux.Handle(pattern, rt.metrics.instrument(pattern, wrapped))
}

// Routes returns the registered routes, sorted by path then method.
func (rt *Router) Routes() []Route {
	out := append([]Route(nil), rt.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ServeHTTP dispatches to the matching route; requests that match none get a
// localised 404 or 405 in the shape the client expects.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern != "" {
		rt.mux.ServeHTTP(w, r)
		return
	}
	probe := &statusRecorder{header: http.Header{}}
	rt.mux.ServeHTTP(probe, r)
	err := ErrRouteNotFound
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		err = ErrMethodNotAllowed
	}
	if IsAPI(r) {
		WriteProblem(w, r, err)
	} else {
		rt.pages.Error(w, r, err)
	}
}

// Serves reports whether a GET of path reaches a registered page or endpoint.
func (rt *Router) Serves(path string) bool {
	u, err := url.Parse(path)
	if err != nil {
		return false
	}
	_, pattern := rt.mux.Handler(&http.Request{Method: http.MethodGet, URL: u, Host: "localhost"})
	return pattern != ""
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// statusRecorder captures what the mux would answer to an unmatched request.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int)        { s.status = code }
