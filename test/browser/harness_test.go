//go:build browser

// Package browser holds the browser tests: a real Steward on loopback, driven
// by Debian's headless Chromium through chromedp. They assert what a person
// sees. Run them with
//
//	STEWARD_CHROMIUM=/usr/bin/chromium go test -tags browser ./test/browser/...
//
// (scripts/test.sh does, after installing Chromium when it is missing).
package browser

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// chromiumEnv names the variable that holds the Chromium binary.
const chromiumEnv = "STEWARD_CHROMIUM"

// chromiumFlags are the only flags Chromium gets, besides a fresh
// --user-data-dir that chromedp creates and removes, and the
// --remote-debugging-pipe and about:blank that chromedp adds to talk to it.
var chromiumFlags = []string{
	"headless",
	"no-sandbox",
	"disable-gpu",
	"disable-background-networking",
	"disable-component-update",
	"disable-sync",
	"no-first-run",
}

// actionTimeout bounds one step in a tab: a navigation, a click, a query.
const actionTimeout = 20 * time.Second

// shared is the one browser every test of the package uses; each test opens
// its own tabs in their own browser contexts (separate cookies).
var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	args   []string
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel() // closes Chromium and removes its user data dir
	}
	os.Exit(code)
}

// browser returns the shared browser, starting it on first use. A missing
// Chromium fails the test: the browser tests never skip.
func browser(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(startBrowser)
	if shared.err != nil {
		t.Fatalf("browser: %v", shared.err)
	}
	return shared.ctx
}

func startBrowser() {
	path := os.Getenv(chromiumEnv)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		shared.err = fmt.Errorf("no Chromium at %s (%v): install Debian's chromium package "+
			"(apt-get install chromium; scripts/test.sh does) or set %s to the binary", path, err, chromiumEnv)
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) { shared.args = cmd.Args }),
	}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	shared.cancel = func() { cancelCtx(); cancelAlloc() }
	// The first run starts the browser; it must not have a timeout, which
	// would end the browser with it.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			shared.err = fmt.Errorf("start %s: %w", path, err)
		}
	case <-time.After(time.Minute):
		shared.err = fmt.Errorf("start %s: no answer within a minute", path)
	}
	shared.ctx = ctx
}

// TestChromiumFlags checks that Chromium runs with exactly the agreed flags.
func TestChromiumFlags(t *testing.T) {
	browser(t)
	t.Logf("chromium: %s", strings.Join(shared.args, " "))
	want := map[string]bool{"--remote-debugging-pipe": true, "about:blank": true}
	for _, f := range chromiumFlags {
		want["--"+f] = true
	}
	var dataDirs int
	for _, arg := range shared.args[1:] {
		switch {
		case strings.HasPrefix(arg, "--user-data-dir="):
			dataDirs++
		case !want[arg]:
			t.Errorf("unexpected argument %q", arg)
		default:
			delete(want, arg)
		}
	}
	if dataDirs != 1 {
		t.Errorf("%d --user-data-dir arguments, want 1", dataDirs)
	}
	for arg := range want {
		t.Errorf("argument %q missing", arg)
	}
}

// site is a real Steward serving on loopback with the demo data.
type site struct {
	URL string
}

// startSite builds the app in-process on a fresh SQLite database, loads the
// demo data and serves it on 127.0.0.1; the test's cleanup stops it.
func startSite(t *testing.T) *site {
	t.Helper()
	return startSiteAt(t, nil)
}

// startSiteAt is startSite on the clock c (the real clock when nil), for
// journeys that depend on the date.
func startSiteAt(t *testing.T, c clock.Clock) *site {
	t.Helper()
	return startSiteWith(t, c, nil)
}

// startSiteWith is startSiteAt with configure changing the configuration
// first (a mail server, a quicker job poll), for journeys that need it.
func startSiteWith(t *testing.T, c clock.Clock, configure func(*app.Config)) *site {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := app.Config{
		DataDir: t.TempDir(),
		Addr:    "127.0.0.1:0",
		Demo:    true,
		Clock:   c,
		Hasher:  account.Hasher{Memory: 1024, Time: 1, Threads: 1},
		Logger:  slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if configure != nil {
		configure(&cfg)
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	if err := a.Prepare(ctx); err != nil {
		cancel()
		a.Close()
		t.Fatalf("prepare: %v", err)
	}
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-served:
		cancel()
		a.Close()
		t.Fatalf("serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return &site{URL: "http://" + addr}
}

// eachDatabase runs a journey on a demo site on SQLite, then on one on
// PostgreSQL (a fresh database on the test command's server).
func eachDatabase(t *testing.T, journey func(t *testing.T, s *site)) {
	t.Run("sqlite", func(t *testing.T) { journey(t, startSite(t)) })
	t.Run("postgres", func(t *testing.T) {
		url := dbtest.PostgresURL(t)
		journey(t, startSiteWith(t, nil, func(cfg *app.Config) { cfg.DatabaseURL = url }))
	})
}

// testWriter sends the server's warnings and errors to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// tab is one browser tab in a browser context of its own: a person who has
// just opened the browser, with no cookies.
type tab struct {
	t    *testing.T
	ctx  context.Context
	site *site
}

func (s *site) newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("open a tab: %v", err)
	}
	return &tab{t: t, ctx: ctx, site: s}
}

// phone opens a tab on a phone-sized screen (390×844, like an iPhone
// 12–15) and logs email in, in lang.
func (s *site) phone(t *testing.T, lang, email string) *tab {
	t.Helper()
	p := s.newTab(t)
	run(p, "phone viewport", chromedp.EmulateViewport(390, 844,
		chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	p.openInLang("/login", lang)
	p.login(email, demoPassword)
	return p
}

// run runs one action with a timeout and fails the test on error.
func run[T any](p *tab, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v (page %s)", what, err, p.where())
	}
	return v
}

// where describes the current page for failure messages.
func (p *tab) where() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// open loads path and returns the response of the page it ends on.
func (p *tab) open(path string) *network.Response {
	p.t.Helper()
	return run(p, "open "+path, chromedp.NavigateResponse(p.site.URL+path))
}

// click clicks the element and waits for the page it leads to.
func (p *tab) click(sel string) *network.Response {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("click %s: %v (page %s)", sel, err, p.where())
	}
	return resp
}

// typeInto types text into the field as a person would.
func (p *tab) typeInto(sel, text string) {
	p.t.Helper()
	run(p, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// text returns the visible text of the element.
func (p *tab) text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(run(p, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *tab, expr string) T {
	p.t.Helper()
	return run(p, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// waitUntil waits until the JavaScript expression is true, across a
// navigation the page starts by itself (an evaluation that meets one is
// tried again on the next page).
func (p *tab) waitUntil(what, expr string) {
	p.t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: still not true after %s: %s (last error %v, page %s)", what, actionTimeout, expr, err, p.where())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// has reports whether an element matches sel now, without waiting.
func (p *tab) has(sel string) bool {
	p.t.Helper()
	return eval[bool](p, fmt.Sprintf("document.querySelector(%q) !== null", sel))
}

// path returns the path of the page shown.
func (p *tab) path() string { p.t.Helper(); return eval[string](p, "location.pathname") }

// lang returns the language the page says it is in (<html lang>).
func (p *tab) lang() string { p.t.Helper(); return eval[string](p, "document.documentElement.lang") }

// browserLanguage makes the tab send Accept-Language: header, as a browser
// set up in that language does.
func (p *tab) browserLanguage(header string) {
	p.t.Helper()
	run(p, "set Accept-Language", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": header}})
		return err
	}))
}

// switchLang clicks the header's language switch, which must lead to lang,
// and checks that it stays on the same page.
func (p *tab) switchLang(lang string) {
	p.t.Helper()
	if got := p.lang(); got == lang {
		p.t.Fatalf("the page is in %q already, before the switch", got)
	}
	if got := p.text(`[data-testid="lang-switch"]`); got != langNames[lang] {
		p.t.Errorf("the language switch says %q, want %q", got, langNames[lang])
	}
	from := p.path()
	p.click(`[data-testid="lang-switch"]`)
	if got := p.lang(); got != lang {
		p.t.Fatalf("after the language switch the page is in %q, want %q", got, lang)
	}
	if got := p.path(); got != from {
		p.t.Errorf("the language switch went from %s to %s, want to stay", from, got)
	}
}

// langNames is what the switch says to offer a language.
var langNames = map[string]string{"zh-CN": "中文", "en": "English"}

// openInLang opens path in a browser set up in the other language and picks
// lang with the switch, as a person reading that page would.
func (p *tab) openInLang(path, lang string) *network.Response {
	p.t.Helper()
	other := "zh-CN,zh;q=0.9"
	if lang == "zh-CN" {
		other = "en-US,en;q=0.9"
	}
	p.browserLanguage(other)
	resp := p.open(path)
	p.switchLang(lang)
	return resp
}

// login fills and submits the login form on the current page.
func (p *tab) login(email, password string) *network.Response {
	p.t.Helper()
	p.typeInto(`input[name="email"]`, email)
	p.typeInto(`input[name="password"]`, password)
	return p.click(`form[action="/login"] button[type="submit"]`)
}

// mustStatus fails unless the response has the status.
func mustStatus(t *testing.T, what string, resp *network.Response, want int64) {
	t.Helper()
	if resp == nil {
		t.Fatalf("%s: no response", what)
	}
	if resp.Status != want {
		t.Errorf("%s: status %d, want %d (%s)", what, resp.Status, want, resp.URL)
	}
}
