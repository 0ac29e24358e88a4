package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/patch"
)

// writeRandomFile writes size reproducible random bytes and returns the
// file's path and SHA-256.
func writeRandomFile(t *testing.T, dir, name string, size int, seed byte) (string, string) {
	t.Helper()
	b := make([]byte, size)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return path, hex.EncodeToString(sum[:])
}

// faultyServer serves the app, but cuts the connection half way through
// the body of the next failures PUTs of the file named flaky.
type faultyServer struct {
	*httptest.Server
	flaky    string
	failures atomic.Int64
	puts     atomic.Int64
}

func serveApp(t *testing.T, e *apptest.Env, flaky string) *faultyServer {
	s := &faultyServer{flaky: flaky}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			s.puts.Add(1)
			if filepath.Base(r.URL.Path) == s.flaky && s.failures.Add(-1) >= 0 {
				io.CopyN(io.Discard, r.Body, r.ContentLength/2)
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
		}
		e.App.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestPatchPublishResumesAndVerifies(t *testing.T) {
	uploadBackoff = 10 * time.Millisecond
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		srv := serveApp(t, e, "PT-CLI-0001.zip")
		pm := e.Login("pm@steward.demo")
		dir := t.TempDir()
		small, smallSum := writeRandomFile(t, dir, "readme.txt", 3000, 1)
		big, bigSum := writeRandomFile(t, dir, "PT-CLI-0001.zip", 3<<20, 2)
		notes := filepath.Join(dir, "notes.md")
		os.WriteFile(notes, []byte("Fixes **posting** of vouchers."), 0o644)
		publish := func(extra ...string) (string, error) {
			args := append([]string{"patch", "publish", small, "--server", srv.URL, "--token", pm, "--product", "k3cloud",
				"--number", "PT-CLI-0001", "--type", "defect_fix", "--title-zh", "凭证过账修复", "--title-en", "Voucher posting fix",
				"--notes-en", notes, "--applies-to", ">=8.0", "--requires", ""}, extra...)
			return steward(t, "", args...)
		}

		// The big file's connection drops every time: the command gives up
		// after its retries with the small file already on the server.
		srv.failures.Store(uploadAttempts)
		out, err := publish(big)
		if err == nil || !strings.Contains(err.Error(), "Run the same command again") {
			t.Fatalf("failing uploads: %v\n%s", err, out)
		}
		if got := srv.puts.Load(); got != 1+uploadAttempts {
			t.Fatalf("%d PUTs, want 1 for the small file and %d tries of the big one", got, uploadAttempts)
		}
		if !strings.Contains(out, "created draft") {
			t.Fatalf("first run: %s", out)
		}

		// Run again, with a corrected title: the draft takes it, the small file
		// is skipped, the big one fails once and is retried, then the patch is
		// published.
		srv.puts.Store(0)
		srv.failures.Store(1)
		out, err = publish(big, "--title-en", "Fix for voucher posting")
		if err != nil {
			t.Fatalf("second run: %v\n%s", err, out)
		}
		if got := srv.puts.Load(); got != 2 {
			t.Fatalf("%d PUTs on the second run, want 2 tries of the big file only", got)
		}
		for _, want := range []string{"continuing draft", "readme.txt: already uploaded (sha256:" + smallSum + "), skipped",
			"k3cloud PT-CLI-0001  published", "readme.txt  sha256:" + smallSum + "  size 3000  key ",
			"PT-CLI-0001.zip  sha256:" + bigSum + "  size 3145728  key "} {
			if !strings.Contains(out, want) {
				t.Errorf("second run lacks %q:\n%s", want, out)
			}
		}
		list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches?product=k3cloud&number=PT-CLI-0001", Token: pm}).Items()
		if len(list) != 1 || list[0]["status"] != "published" || list[0]["notes"].(map[string]any)["en"] != "Fixes **posting** of vouchers." ||
			list[0]["title"].(map[string]any)["en"] != "Fix for voucher posting" {
			t.Fatalf("the server holds %v", list)
		}

		// Once published the same files are fine (nothing to do); other bytes are not.
		srv.puts.Store(0)
		if out, err := publish(big); err != nil || srv.puts.Load() != 0 {
			t.Fatalf("re-run after publishing: %v, %d PUTs\n%s", err, srv.puts.Load(), out)
		}
		changed, _ := writeRandomFile(t, t.TempDir(), "PT-CLI-0001.zip", 100, 3)
		if _, err := publish(changed); err == nil || !strings.Contains(err.Error(), "already published") {
			t.Fatalf("changed file after publishing: %v", err)
		}

		testVerify(t, e, srv.URL, big, bigSum)
	})
}

func testVerify(t *testing.T, e *apptest.Env, server, file, sum string) {
	out, err := steward(t, "", "patch", "verify", file, "--server", server)
	want := fmt.Sprintf("OK  %s  sha256:%s  size 3145728  key ", file, sum)
	if err != nil || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "  patch PT-CLI-0001\n") {
		t.Fatalf("verify: %v\n%s", err, out)
	}

	// Offline: the signature and key id as the patch lists them, the keys saved.
	var sig patch.Signature
	json.Unmarshal(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/signatures/" + sum}).Body, &sig)
	keys := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/keys"})
	keysFile := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(keysFile, keys.Body, 0o644)
	offline := func(file, signature, keyID, keys string) (string, error) {
		return steward(t, "", "patch", "verify", "--signature", signature, "--key-id", keyID, "--keys", keys, file)
	}
	if out, err := offline(file, sig.Signature, sig.KeyID, keysFile); err != nil || !strings.HasPrefix(out, want) {
		t.Fatalf("offline verify: %v\n%s", err, out)
	}
	if out, err := offline(file, sig.Signature, sig.KeyID, server+"/api/v1/keys"); err != nil || !strings.HasPrefix(out, want) {
		t.Fatalf("verify with the keys' URL: %v\n%s", err, out)
	}

	tampered := filepath.Join(t.TempDir(), "tampered.zip")
	b, _ := os.ReadFile(file)
	b[len(b)/2] ^= 1
	os.WriteFile(tampered, b, 0o644)
	retired := strings.Replace(string(keys.Body), `"created_at"`, `"retired_at":"2026-11-01T00:00:00Z","created_at"`, 1)
	retiredFile := filepath.Join(t.TempDir(), "retired.json")
	os.WriteFile(retiredFile, []byte(retired), 0o644)
	failures := []struct {
		name string
		err  func() error
		want string
	}{
		{"a file the server never published", func() error {
			_, err := steward(t, "", "patch", "verify", "--server", server, tampered)
			return err
		}, "unknown file"},
		{"another file's signature", func() error {
			_, err := offline(tampered, sig.Signature, sig.KeyID, keysFile)
			return err
		}, "bad signature"},
		{"a key the vendor never had", func() error { _, err := offline(file, sig.Signature, "key_other", keysFile); return err },
			"which is not among the vendor's public keys"},
		{"a retired key", func() error { _, err := offline(file, sig.Signature, sig.KeyID, retiredFile); return err },
			"retired"},
		{"no server and nothing to verify offline", func() error { _, err := steward(t, "", "patch", "verify", file); return err },
			"give --server"},
	}
	for _, f := range failures {
		if err := f.err(); err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("%s: %v, want an error saying %q", f.name, err, f.want)
		}
	}
}

func TestPatchPublishExplainsRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		srv := serveApp(t, e, "")
		file, _ := writeRandomFile(t, t.TempDir(), "fix.zip", 10, 4)
		publish := func(token string, extra ...string) error {
			args := append([]string{"patch", "publish", "--server", srv.URL, "--token", token, "--product", "k3cloud",
				"--number", "PT-CLI-0002", "--title-zh", "修复", "--title-en", "Fix", file}, extra...)
			_, err := steward(t, "", args...)
			return err
		}
		cases := []struct {
			name  string
			err   error
			want  string
			usage bool
		}{
			{"an unknown type names its flag", publish(e.Login("pm@steward.demo"), "--type", "hotfix"), "--type: ", false},
			{"a customer may not publish", publish(e.Login("admin@yunqi.demo"), "--type", "defect_fix"), "HTTP 403, role.forbidden", false},
			{"a bad token", publish("nope", "--type", "defect_fix"), "HTTP 401", false},
			{"missing flags", func() error { _, err := steward(t, "", "patch", "publish", file); return err }(),
				"missing --server, --token, --product, --number", true},
			{"no files", func() error {
				_, err := steward(t, "", "patch", "publish", "--server", srv.URL, "--token", "t", "--product", "k3cloud", "--number", "N")
				return err
			}(), "name the patch's files", true},
			{"two files of one name", publish("t", filepath.Join(t.TempDir(), "fix.zip")), "would both be named fix.zip", true},
			{"an unknown flag", publish("t", "--colour"), "flag provided but not defined", true},
			{"a server that is not a URL", func() error {
				_, err := steward(t, "", "patch", "publish", "--server", "localhost:1", "--token", "t", "--product", "k3cloud", "--number", "N", file)
				return err
			}(), "--server must be the server's URL", true},
		}
		for _, c := range cases {
			if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
				t.Errorf("%s: %v, want %q", c.name, c.err, c.want)
			} else if errors.Is(c.err, errUsage) != c.usage {
				t.Errorf("%s: usage error %v, want %v", c.name, errors.Is(c.err, errUsage), c.usage)
			}
		}
	})
}

func TestPatchHelpSaysHowToResume(t *testing.T) {
	out, err := steward(t, "", "patch", "publish", "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "Run the same command again") || !strings.Contains(out, "-draft") {
		t.Fatalf("publish --help: %v\n%s", err, out)
	}
	out, err = steward(t, "", "patch", "verify", "-h")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "--keys") {
		t.Fatalf("verify --help: %v\n%s", err, out)
	}
	if _, err := steward(t, "", "patch", "sign"); !errors.Is(err, errUsage) {
		t.Fatalf("unknown patch command: %v", err)
	}
}

func TestProgress(t *testing.T) {
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var log bytes.Buffer
	p := newProgress(&log, false, "big.zip", 100<<20)
	p.now = func() time.Time { return at }
	p.started, p.shown = at, at
	r := p.reader(bytes.NewReader(make([]byte, 100<<20)))
	read := func(n int, after time.Duration) {
		at = at.Add(after)
		io.ReadFull(r, make([]byte, n))
	}
	read(10<<20, time.Second) // too soon for a line
	read(40<<20, 9*time.Second)
	read(10<<20, time.Second)
	p.finish()
	want := "big.zip: 50% (50.0 MiB of 100.0 MiB)  5.0 MiB/s\nbig.zip: 60% (60.0 MiB of 100.0 MiB)  5.5 MiB/s\n"
	if log.String() != want {
		t.Fatalf("log lines:\n%q\nwant\n%q", log.String(), want)
	}

	var term bytes.Buffer
	p = newProgress(&term, true, "big.zip", 4)
	p.reader(strings.NewReader("abcd")).Read(make([]byte, 4))
	p.finish()
	if got := term.String(); !strings.HasPrefix(got, "\rbig.zip [") || !strings.Contains(got, "] 100%") || !strings.HasSuffix(got, "\n") {
		t.Fatalf("terminal bar: %q", got)
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := newFlagSet("x", io.Discard)
	v := fs.Bool("v", false, "")
	n := fs.String("n", "", "")
	got, err := parseInterspersed(fs, []string{"a", "-v", "b", "-n", "x", "c", "--", "-d", "e"})
	if err != nil || strings.Join(got, " ") != "a b c -d e" || !*v || *n != "x" {
		t.Fatalf("got %q %v %v %q", got, err, *v, *n)
	}
}

func FuzzServerError(f *testing.F) {
	f.Add(400, []byte(`{"code":"request.invalid","detail":"Check the fields.","errors":[{"field":"title.zh","message":"required"}]}`))
	f.Add(502, []byte("<html>Bad gateway</html>"))
	f.Add(403, []byte(""))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		err := readServerError(&http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body))})
		msg := err.Error()
		if !strings.Contains(msg, fmt.Sprintf("HTTP %d", status)) {
			t.Fatalf("%q does not name the status", msg)
		}
	})
}
