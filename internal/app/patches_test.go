package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

// TestServedDownloadsAndCountsAtShutdown downloads a demo patch over a real
// connection through a signed link, whole and in four ranged pieces at once
// as aria2c -x4 does, and finds the counts in the database once Serve has
// stopped: the last flush runs at shutdown.
func TestServedDownloadsAndCountsAtShutdown(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := e.Login("member@yunqi.demo") // org_demo_cloud, 9.0
		list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches?product=k3cloud&number=PT-2026-0201"}).Items()
		if len(list) != 1 {
			t.Fatalf("demo patch PT-2026-0201: %v", list)
		}
		id := list[0]["id"].(string)
		file := list[0]["files"].([]any)[0].(map[string]any)
		size := int64(file["size"].(float64))
		link := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/patches/" + id + "/files/" + file["name"].(string) + "/link", Token: member}).JSON()
		u, err := url.Parse(fmt.Sprint(link["url"]))
		if err != nil {
			t.Fatal(err)
		}

		addr, stop := serve(t, e)
		base := "http://" + addr + u.RequestURI()

		get := func(rng string) ([]byte, int) {
			req, _ := http.NewRequest("GET", base, nil)
			if rng != "" {
				req.Header.Set("Range", rng)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			return body, res.StatusCode
		}
		whole, status := get("")
		if h := sha256.Sum256(whole); status != 200 || hex.EncodeToString(h[:]) != file["sha256"] {
			t.Fatalf("whole download: %d, %d bytes", status, len(whole))
		}
		pieces := make([][]byte, 4)
		var wg sync.WaitGroup
		for i := range pieces {
			wg.Go(func() {
				from, to := int64(i)*size/4, int64(i+1)*size/4-1
				var st int
				pieces[i], st = get(fmt.Sprintf("bytes=%d-%d", from, to))
				if st != http.StatusPartialContent {
					t.Errorf("piece %d: %d", i, st)
				}
			})
		}
		wg.Wait()
		var joined []byte
		for _, p := range pieces {
			joined = append(joined, p...)
		}
		if string(joined) != string(whole) {
			t.Errorf("the four pieces differ from the whole file")
		}

		stop()
		stats := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches/" + id + "/stats", Token: e.Login("agent@steward.demo")}).JSON()
		// The whole download and the piece from byte 0: one each.
		if stats["total"] != float64(2) {
			t.Errorf("stats after shutdown: %v", stats)
		}
	})
}

// serve runs the app on a free loopback port until stop, which waits until
// Serve has returned (graceful shutdown done) and fails the test if it did
// not return cleanly within 25 seconds.
func serve(t *testing.T, e *apptest.Env) (addr string, stop func()) {
	t.Helper()
	e.App.Config.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	served, ready := make(chan error, 1), make(chan string, 1)
	go func() { served <- e.App.Serve(ctx, func(addr string) { ready <- addr }) }()
	select {
	case addr = <-ready:
	case err := <-served:
		t.Fatalf("Serve: %v", err)
	}
	return addr, func() {
		t.Helper()
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Fatalf("Serve: %v", err)
			}
		case <-time.After(25 * time.Second):
			t.Fatal("Serve did not stop")
		}
	}
}
