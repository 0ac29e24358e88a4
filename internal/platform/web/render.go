package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// NavItem is one link of the portal's or the console's navigation.
type NavItem struct {
	Href  string
	Label string // i18n key
}

// Chrome is what the layout shows around every page of a logged-in person:
// their navigation and the count of their unread notices (the header's badge).
type Chrome struct {
	Nav    []NavItem
	Unread int
}

// View is what every page template receives; .Nav and .Unread come from Chrome.
type View struct {
	Lang  i18n.Lang
	Actor *actor.Actor
	Path  string
	Chrome
	Status int
	Data   any
}

// T translates key into the page's language; kv are placeholder name/value pairs.
func (v View) T(key string, kv ...any) string {
	var args map[string]any
	if len(kv) > 1 {
		args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return i18n.T(v.Lang, key, args)
}

// OtherLang is the language the switch offers.
func (v View) OtherLang() i18n.Lang {
	if v.Lang == i18n.English {
		return i18n.Chinese
	}
	return i18n.English
}

// Renderer renders the embedded page templates inside the shared layout.
type Renderer struct {
	pages  map[string]*template.Template
	chrome ChromeFunc
	served func(path string) bool
}

// ChromeFunc gives the chrome of a logged-in person's page. It runs on every
// page, error pages included, so it must stay cheap (one indexed query).
type ChromeFunc func(r *http.Request, a *actor.Actor) Chrome

// NewRenderer parses templates/layout.html and templates/partials/*.html with
// each templates/pages/NAME.html; pages are rendered by NAME. chrome gives
// what the layout shows around a logged-in person's page; nil shows none.
func NewRenderer(fsys fs.FS, chrome ChromeFunc) (*Renderer, error) {
	pageFiles, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/layout.html"}
	partials, _ := fs.Glob(fsys, "templates/partials/*.html")
	shared = append(shared, partials...)
	rd := &Renderer{pages: map[string]*template.Template{}, chrome: chrome}
	// served tells a template whether a link leads to a page that exists yet
	// (channels of the catalog are built one by one).
	served := template.FuncMap{"served": func(p string) bool { return rd.served == nil || rd.served(p) }}
	// The layout and partials are parsed once and each page added to a copy:
	// parsing them again for every page made building a renderer ten times dearer.
	base, err := template.New("layout").Funcs(funcs).Funcs(served).ParseFS(fsys, shared...)
	if err != nil {
		return nil, fmt.Errorf("layout and partials: %w", err)
	}
	for _, file := range pageFiles {
		name := strings.TrimSuffix(path.Base(file), ".html")
		t, err := base.Clone()
		if err == nil {
			_, err = t.ParseFS(fsys, file)
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		rd.pages[name] = t
	}
	return rd, nil
}

// SetServed gives templates the router's knowledge of which pages exist.
func (rd *Renderer) SetServed(served func(path string) bool) { rd.served = served }

var funcs = template.FuncMap{
	// dict passes several values to a shared template: dict "K" v "K2" v2.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	// beijing shows an instant as Beijing time, the zone of every service clock.
	"beijing": func(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") },
}

// Render writes page name with data and the status.
func (rd *Renderer) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := rd.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	a := actor.From(r.Context())
	v := View{Lang: Lang(r.Context()), Actor: a, Path: r.URL.Path, Status: status, Data: data}
	if a != nil && rd.chrome != nil {
		v.Chrome = rd.chrome(r, a)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(v.Lang))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// ErrorData is what the error page shows.
type ErrorData struct {
	Code      string
	Detail    string
	Fields    []problem.Field
	RequestID string
}

// Error shows err as a page in the request's language; a request that needs a
// login is sent to the login page instead.
func (rd *Renderer) Error(w http.ResponseWriter, r *http.Request, err error) {
	p, extra := ToProblem(r, err)
	if p.Status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	SetRetryAfter(w, extra)
	if rerr := rd.Render(w, r, p.Status, "error", ErrorData{Code: p.Code, Detail: p.Detail, Fields: p.Errors, RequestID: p.RequestID}); rerr != nil {
		slog.ErrorContext(r.Context(), "render error page", "err", rerr)
		http.Error(w, p.Detail, p.Status)
	}
}
