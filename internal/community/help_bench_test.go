package community_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/search"
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
	bases := map[string]func(testing.TB) *db.DB{"sqlite": dbtest.SQLite}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		bases["postgres"] = dbtest.Postgres
	}
	for name, open := range bases {
		b.Run(name, func(b *testing.B) {
			a, err := app.Build(app.Config{Demo: true, Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher,
				DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)}, open(b))
			if err != nil {
				b.Fatal(err)
			}
			if err := a.Prepare(context.Background()); err != nil {
				b.Fatal(err)
			}
			search.Warm()
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
}
