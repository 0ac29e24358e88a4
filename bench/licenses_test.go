package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkUpgrade measures license upgrades over HTTP on loopback, one at a
// time: each op is POST /api/v1/licenses/{id}/upgrade, by the public-cloud
// demo customer's admin, of a license issued just before outside the timer,
// through the whole handler on SQLite (entitlement check, signing, the
// transaction that supersedes the old license and moves the contract). The
// sub-benchmark hello-world is the baseline in the same run: bench/hello's
// handler behind the same kind of server and client. Besides ns/op (wall
// time) both report cpu-ns/op, the process's CPU time per op (client and
// server, as both run here), and upgrade reports upgrades/s.
//
//	go test -run '^$' -bench Upgrade -cpu 1 ./bench/
func BenchmarkUpgrade(b *testing.B) {
	b.Run("hello-world", func(b *testing.B) {
		srv := httptest.NewServer(hello)
		b.Cleanup(srv.Close)
		timed(b, nil, func() {
			res, err := srv.Client().Get(srv.URL)
			if err != nil || res.StatusCode != http.StatusOK {
				b.Fatalf("GET /: %v", err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		})
	})
	b.Run("upgrade", func(b *testing.B) {
		a, admin := newApp(b, nil)
		s, err := a.Accounts.Login(context.Background(), "agent@steward.demo", benchPassword, "127.0.0.1")
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler)
		b.Cleanup(srv.Close)
		call := func(method, path, token string, body any, want int) map[string]any {
			b.Helper()
			var in io.Reader
			if body != nil {
				j, _ := json.Marshal(body)
				in = bytes.NewReader(j)
			}
			req, _ := http.NewRequest(method, srv.URL+path, in)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			res, err := srv.Client().Do(req)
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != want {
				b.Fatalf("%s %s: %d %v %v", method, path, res.StatusCode, out, err)
			}
			return out
		}
		// A fresh license to upgrade: the contract, moved to the newest
		// version by the last upgrade, goes back to 9.0 and the agent issues
		// a license on it.
		var license string
		fresh := func() {
			call("PATCH", "/api/v1/orgs/org_demo_cloud/contracts/ctr_demo_cloud", s.Token, map[string]any{"version": "9.0"}, http.StatusOK)
			license = call("POST", "/api/v1/orgs/org_demo_cloud/licenses", s.Token, map[string]any{"contract_id": "ctr_demo_cloud"}, http.StatusCreated)["id"].(string)
		}
		timed(b, fresh, func() {
			if got := call("POST", "/api/v1/licenses/"+license+"/upgrade", admin, nil, http.StatusCreated); got["supersedes"] != license {
				b.Fatalf("the upgrade of %s: %v", license, got)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "upgrades/s")
	})
}

// timed runs op in b.Loop, each time after setup (when not nil) with the
// timer stopped, and reports cpu-ns/op: the process's CPU time in op alone.
func timed(b *testing.B, setup, op func()) {
	b.Helper()
	b.ReportAllocs()
	var n int
	var cpu time.Duration
	for b.Loop() {
		if setup != nil {
			b.StopTimer()
			setup()
			b.StartTimer()
		}
		start := cpuTime()
		op()
		cpu += cpuTime() - start
		n++
	}
	b.ReportMetric(float64(cpu)/float64(n), "cpu-ns/op")
}
