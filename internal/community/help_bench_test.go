package community_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
)

// trivialPage is the page others are measured against: the login form, the
// layout with almost nothing in it and no query.
const trivialPage = "/login"

// BenchmarkArticlePage renders a demo help article (with its related
// articles) for a visitor, as a multiple of the trivial page.
func BenchmarkArticlePage(b *testing.B) { pageAgainstTrivial(b, "/help/articles/art-voucher-audit") }

// BenchmarkQuestionListPage renders the newest questions for a visitor, as a
// multiple of the trivial page.
func BenchmarkQuestionListPage(b *testing.B) { pageAgainstTrivial(b, "/community/questions") }

// pageAgainstTrivial serves path and the trivial page in turn through the
// whole app on the demo content, on each database, and reports the page's
// time (ms/page) and its ratio to the trivial page's (x-trivial): taken in
// the same iterations, the ratio holds on a busy machine where times do not.
func pageAgainstTrivial(b *testing.B, path string) {
	eachDemoApp(b, func(b *testing.B, a *app.App) {
		serve := func(p string) time.Duration {
			start := time.Now()
			w := httptest.NewRecorder()
			a.Handler.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
			if w.Code != http.StatusOK {
				b.Fatalf("GET %s: %d", p, w.Code)
			}
			return time.Since(start)
		}
		var page, trivial time.Duration
		for b.Loop() {
			page += serve(path)
			trivial += serve(trivialPage)
		}
		b.ReportMetric(float64(page)/float64(trivial), "x-trivial")
		b.ReportMetric(float64(page.Microseconds())/1000/float64(b.N), "ms/page")
	})
}
