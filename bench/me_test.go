// Package bench holds Steward's benchmarks. bench/run.sh measures the running
// server with wrk; the Go benchmarks here split the cost of one authenticated
// GET /api/v1/me into its parts, in process and without the network:
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// Add -cpuprofile /tmp/cpu.out for a profile (see docs/benchmarks.md).
package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"

	_ "modernc.org/sqlite" // the "sqlite" driver, for the prepared-statement comparison
)

const (
	benchEmail    = "admin@yunqi.demo"
	benchPassword = "steward-demo-2026"
)

// authQuery is the query of account.Store.Authenticate, copied to compare a
// statement prepared once with one prepared on every call.
const authQuery = "SELECT t.id, u.id, COALESCE(u.org_id, ''), u.email, u.name, u.role, u.locale, u.password_hash, u.created_at, u.updated_at" +
	" FROM tokens t JOIN users u ON u.id = t.user_id" +
	" WHERE t.hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.deleted_at IS NULL"

// newApp builds Steward on a fresh SQLite database with the demo accounts and
// returns it with a session token of benchEmail. logger nil means a JSON
// logger that writes to io.Discard, so formatting is counted but no I/O.
func newApp(b *testing.B, logger *slog.Logger) (*app.App, string) {
	b.Helper()
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: b.TempDir(), Demo: true, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if err := a.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	s, err := a.Accounts.Login(ctx, benchEmail, benchPassword, "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	return a, s.Token
}

// cpuTime is the user+system CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs op in b.Loop and reports, besides ns/op (wall time), cpu-ns/op:
// the process's CPU time per op, garbage collection included. On a machine
// that other work shares, cpu-ns/op is the steadier of the two.
func loop(b *testing.B, op func()) {
	b.Helper()
	b.ReportAllocs()
	var n int
	start := cpuTime()
	for b.Loop() {
		op()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
}

// serveMe runs GET /api/v1/me through h with a request context that can end
// (as net/http gives every request) and, for comparison, with one that cannot.
// With the former the SQLite driver starts a goroutine per query to interrupt
// it when the context ends; run one request at a time, as here, each of those
// goroutines also wakes an idle CPU, which a saturated server mostly avoids.
func serveMe(b *testing.B, h http.Handler, token string) {
	b.Helper()
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{{"request-ctx", cancellable}, {"background-ctx", context.Background()}} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequestWithContext(c.ctx, http.MethodGet, "/api/v1/me", nil)
			req.RemoteAddr = "127.0.0.1:40000"
			req.Header.Set("Authorization", "Bearer "+token)
			loop(b, func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("GET /api/v1/me: %d %s", w.Code, w.Body)
				}
			})
		})
	}
}

// hello is the handler of bench/hello, the baseline.
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(helloBody)
})

var helloBody = []byte("Hello, World!\n")

// BenchmarkHello is the in-process baseline: the handler of bench/hello.
func BenchmarkHello(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	loop(b, func() { hello.ServeHTTP(httptest.NewRecorder(), req) })
}

// BenchmarkMe is the whole middleware chain and handler of GET /api/v1/me.
func BenchmarkMe(b *testing.B) {
	a, token := newApp(b, nil)
	serveMe(b, a.Handler, token)
}

// BenchmarkMeNoLog is BenchmarkMe with the request log switched off, to
// show what formatting the JSON log line costs.
func BenchmarkMeNoLog(b *testing.B) {
	a, token := newApp(b, slog.New(slog.DiscardHandler))
	serveMe(b, a.Handler, token)
}

// BenchmarkAuthenticate is the token lookup every authenticated request
// makes, with a context that cannot end (as in a command) and with one that
// can (as every HTTP request's): for the latter the SQLite driver starts a
// goroutine per query to interrupt it when the context ends.
func BenchmarkAuthenticate(b *testing.B) {
	a, token := newApp(b, nil)
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
	}{{"background-ctx", context.Background()}, {"request-ctx", cancellable}} {
		b.Run(c.name, func(b *testing.B) {
			loop(b, func() {
				if act, err := a.Accounts.Authenticate(c.ctx, token); err != nil || act == nil {
					b.Fatal(act, err)
				}
			})
		})
	}
}

// BenchmarkMeLookup is the second query of GET /api/v1/me: the user by id.
func BenchmarkMeLookup(b *testing.B) {
	a, token := newApp(b, nil)
	ctx := context.Background()
	act, err := a.Accounts.Authenticate(ctx, token)
	if err != nil || act == nil {
		b.Fatal(act, err)
	}
	loop(b, func() {
		if _, err := a.Accounts.Me(ctx, act); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkAuthQuery compares the token query as Steward runs it today (the
// SQL text handed to database/sql, so SQLite parses and plans it on every
// call) with the same query prepared once, on a read-only pool opened like
// Steward's.
func BenchmarkAuthQuery(b *testing.B) {
	a, token := newApp(b, nil)
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)", "query_only(1)"} {
		pragmas.Add("_pragma", p)
	}
	pragmas.Set("_time_format", "sqlite")
	pool, err := sql.Open("sqlite", "file:"+a.DB.Path+"?"+pragmas.Encode())
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	pool.SetMaxOpenConns(1)
	sum := sha256.Sum256([]byte(token))
	hash := hex.EncodeToString(sum[:])
	ctx := context.Background()
	scan := func(row *sql.Row) {
		var tokenID, id, org, email, name, role, locale, pw string
		var created, updated time.Time
		if err := row.Scan(&tokenID, &id, &org, &email, &name, &role, &locale, &pw, &created, &updated); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("unprepared", func(b *testing.B) {
		loop(b, func() { scan(pool.QueryRowContext(ctx, authQuery, hash, time.Now())) })
	})
	b.Run("prepared", func(b *testing.B) {
		stmt, err := pool.PrepareContext(ctx, authQuery)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		loop(b, func() { scan(stmt.QueryRowContext(ctx, hash, time.Now())) })
	})
}

// BenchmarkPasswordHash is one argon2id hash with Steward's parameters: what
// a login costs, and what account.NewService spends at every start on the
// dummy hash it verifies unknown emails against.
func BenchmarkPasswordHash(b *testing.B) {
	loop(b, func() { account.DefaultHasher.Hash("steward-not-a-password") })
}
