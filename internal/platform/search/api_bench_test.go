package search_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/search"
)

// BenchmarkSearchAPI is BenchmarkSearch through GET /api/v1/search of the
// whole app (middleware, the community service, JSON), in process, as a
// visitor without login (a page of 20 hits, as BenchmarkSearch): what a
// person's browser waits for, less the network.
func BenchmarkSearchAPI(b *testing.B) {
	search.SearchBenchmark(b, func(d *db.DB) func(q string) error {
		a, err := app.Build(app.Config{Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher,
			DataDir: b.TempDir(), Logger: slog.New(slog.DiscardHandler)}, d)
		if err != nil {
			b.Fatal(err)
		}
		return func(q string) error {
			w := httptest.NewRecorder()
			a.Handler.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/search?q="+url.QueryEscape(q), nil))
			if w.Code != http.StatusOK {
				return fmt.Errorf("GET /api/v1/search: %d %s", w.Code, w.Body)
			}
			return nil
		}
	})
}
