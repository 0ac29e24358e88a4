//go:build acceptance

// Package acceptance checks issues' acceptance criteria end to end: the real
// steward binary, started the way the README says, driven by the command
// line and by the outside tools customers use (Debian's curl and aria2).
// Run them with
//
//	go test -count=1 -tags acceptance ./test/acceptance/...
//
// (scripts/test.sh does, after installing curl and aria2 when they are
// missing). A missing tool fails the test; it never skips.
package acceptance

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	demoPassword = "steward-demo-2026"
	patchSize    = 64 << 20
	patchNumber  = "PT-ACC-0001"
	patchFile    = "PT-ACC-0001.zip"
)

// server is a steward serve --demo process on a free loopback port.
type server struct {
	bin  string // the steward binary
	base string // http://127.0.0.1:PORT
	logs *logBuffer
}

// logBuffer keeps the server's log lines (JSON, one per request) as they
// come, for the test to read while the server runs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// statuses returns the status of each logged GET of path, in order, once
// there are at least n of them: the server logs a request when its handler
// returns, which may be a moment after the client is done. After a few
// seconds it returns what there is.
func (l *logBuffer) statuses(path string, n int) []int {
	var out []int
	for deadline := time.Now().Add(5 * time.Second); len(out) < n && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out = out[:0]
		for _, line := range strings.Split(l.String(), "\n") {
			var r struct {
				Msg, Method, Path string
				Status            int
			}
			if json.Unmarshal([]byte(line), &r) == nil && r.Msg == "request" && r.Method == http.MethodGet && r.Path == path {
				out = append(out, r.Status)
			}
		}
	}
	return out
}

// startServer builds the binary and starts it with a fresh data directory;
// the server is stopped when the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "steward")
	if out, err := exec.Command("go", "build", "-o", bin, "steward.dev/steward/cmd/steward").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	cmd.Env = environ()
	logs := &logBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- line
		io.Copy(io.Discard, r)
	}()
	select {
	case line := <-first:
		base, ok := strings.CutPrefix(strings.TrimSpace(line), "Steward is running at ")
		if !ok {
			t.Fatalf("serve printed %q", line)
		}
		return &server{bin: bin, base: strings.TrimSuffix(base, "/"), logs: logs}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within a minute")
	}
	return nil
}

// api sends a JSON request and decodes the JSON answer into out; it returns
// the status.
func (s *server) api(t *testing.T, method, path, token string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		raw, _ := json.Marshal(in)
		body = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, s.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode
}

func (s *server) login(t *testing.T, email string) string {
	t.Helper()
	var answer struct{ Token string }
	if status := s.api(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": demoPassword}, &answer); status != 200 || answer.Token == "" {
		t.Fatalf("login %s: %d", email, status)
	}
	return answer.Token
}

// steward runs the binary and returns its stdout and stderr.
func (s *server) steward(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// environ is the test's environment without STEWARD_* variables, so that
// the server and the CLI get only what the test gives them (no PostgreSQL
// or S3 store of the developer's shell).
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STEWARD_") {
			env = append(env, kv)
		}
	}
	return env
}

// tool finds an outside program; a missing one fails the test.
func tool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is missing: install Debian's %s package (scripts/test.sh does)", name, debianPackage)
	}
	return path
}

// writePatchFile writes patchSize reproducible random bytes; it returns the
// path and the SHA-256.
func writePatchFile(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), patchFile)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rand.NewChaCha8([32]byte{5}), patchSize); err != nil {
		t.Fatal(err)
	}
	return path, hex.EncodeToString(h.Sum(nil))
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

type publishedFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	KeyID  string `json:"key_id"`
	Size   int64  `json:"size"`
}

// TestPatchPublishedDownloadedAndVerified is issue 5's acceptance: a patch
// published through the CLI is downloaded by curl -C - after an interrupted
// transfer and by aria2c -x4, both copies match the published SHA-256 and
// pass steward patch verify; customers who are not entitled are refused
// with the entitlement's reason.
func TestPatchPublishedDownloadedAndVerified(t *testing.T) {
	curl := tool(t, "curl", "curl")
	aria2c := tool(t, "aria2c", "aria2")
	began := time.Now()
	s := startServer(t)
	t.Logf("%4.1fs  built steward and started it at %s", time.Since(began).Seconds(), s.base)
	local, sum := writePatchFile(t)

	// The product manager publishes with the CLI, the token from the environment.
	pm := s.login(t, "pm@steward.demo")
	out, errOut, err := s.steward(t, []string{"STEWARD_TOKEN=" + pm}, "patch", "publish", "--server", s.base,
		"--product", "k3cloud", "--number", patchNumber, "--type", "defect_fix",
		"--title-zh", "验收补丁", "--title-en", "Acceptance patch", "--applies-to", ">=8.0", local)
	if err != nil {
		t.Fatalf("patch publish: %v\n%s\n%s", err, out, errOut)
	}
	id := strings.Fields(out[strings.Index(out, "patch "):])[1]
	var p struct {
		Status string
		Files  []publishedFile
	}
	s.api(t, "GET", "/api/v1/patches/"+id, pm, nil, &p)
	if p.Status != "published" || len(p.Files) != 1 || p.Files[0].SHA256 != sum || p.Files[0].Size != patchSize || p.Files[0].KeyID == "" {
		t.Fatalf("published patch %s: %+v, want one file of %d bytes with sha256 %s", id, p, patchSize, sum)
	}
	if !strings.Contains(out, patchFile+"  sha256:"+sum+"  size 67108864  key "+p.Files[0].KeyID) {
		t.Fatalf("publish did not print the file's SHA-256 and key:\n%s", out)
	}
	filePath := "/api/v1/patches/" + id + "/files/" + patchFile
	fileURL := s.base + filePath
	t.Logf("%4.1fs  published %s as %s (sha256 %s, key %s)", time.Since(began).Seconds(), patchFile, id, sum, p.Files[0].KeyID)
	dir := t.TempDir()

	// A customer entitled to patch downloads, on 9.0 (the patch applies to >=8.0).
	customer := s.login(t, "admin@yunqi.demo")
	auth := "Authorization: Bearer " + customer

	// curl, cut off after a second at 16 MiB/s, then resumed with -C -.
	byCurl := filepath.Join(dir, "curl-"+patchFile)
	cut := exec.Command(curl, "-sS", "--fail", "--limit-rate", "16M", "--max-time", "1", "-H", auth, "-o", byCurl, fileURL)
	if out, err := cut.CombinedOutput(); cut.ProcessState.ExitCode() != 28 {
		t.Fatalf("the cut-off curl: %v (want exit code 28, timed out)\n%s", err, out)
	}
	st, err := os.Stat(byCurl)
	if err != nil || st.Size() == 0 || st.Size() >= patchSize {
		t.Fatalf("the cut-off curl left %v bytes (%v), want part of %d", st.Size(), err, patchSize)
	}
	partial := st.Size()
	resumed, err := exec.Command(curl, "-sS", "--fail", "-C", "-", "-H", auth, "-o", byCurl,
		"-w", "%{http_code} %{size_download}", fileURL).CombinedOutput()
	if want := fmt.Sprintf("206 %d", patchSize-partial); err != nil || string(resumed) != want {
		t.Fatalf("curl -C -: %v %q, want %q (a 206 with only the rest after %d bytes)", err, resumed, want, partial)
	}
	if got := s.logs.statuses(filePath, 2); len(got) != 2 || got[1] != http.StatusPartialContent {
		t.Fatalf("the server logged %v for the two curl runs, want a range answer (206) last", got)
	}
	t.Logf("%4.1fs  curl was cut off after %d bytes and resumed with a 206 of the other %d", time.Since(began).Seconds(), partial, patchSize-partial)

	// aria2c with four connections on a signed link that needs no token.
	var link struct {
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}
	if status := s.api(t, "POST", filePath+"/link", customer, nil, &link); status != http.StatusCreated || !strings.HasPrefix(link.URL, fileURL+"?") {
		t.Fatalf("signed link: %d %+v, want a 201 with a URL of the file", status, link)
	}
	byAria := filepath.Join(dir, "aria2-"+patchFile)
	if out, err := exec.Command(aria2c, "-x4", "-s4", "-k1M", "--file-allocation=none", "--allow-overwrite=true",
		"--auto-file-renaming=false", "--console-log-level=warn", "--summary-interval=0",
		"-d", dir, "-o", filepath.Base(byAria), link.URL).CombinedOutput(); err != nil {
		t.Fatalf("aria2c: %v\n%s", err, out)
	}
	ranged, got := 0, s.logs.statuses(filePath, 4)
	for _, status := range got[2:] {
		if status == http.StatusPartialContent {
			ranged++
		}
	}
	if ranged < 2 {
		t.Fatalf("aria2c -x4 made %d range requests, want several connections: %v", ranged, got)
	}
	t.Logf("%4.1fs  aria2c downloaded the signed link in %d ranges", time.Since(began).Seconds(), ranged)

	// Both copies are the published bytes, and steward patch verify says so.
	for _, copy := range []string{byCurl, byAria} {
		if got := fileSHA256(t, copy); got != sum {
			t.Errorf("%s: sha256 %s, published %s", filepath.Base(copy), got, sum)
		}
		out, errOut, err := s.steward(t, nil, "patch", "verify", "--server", s.base, copy)
		want := fmt.Sprintf("OK  %s  sha256:%s  size %d  key %s  patch %s\n", copy, sum, patchSize, p.Files[0].KeyID, patchNumber)
		if err != nil || out != want {
			t.Errorf("patch verify %s: %v\n%q\nwant %q\n%s", filepath.Base(copy), err, out, want, errOut)
		}
	}
	// A copy with one byte changed is refused with exit code 1.
	tampered, _ := os.ReadFile(byAria)
	tampered[len(tampered)/3] ^= 0x40
	os.WriteFile(byAria, tampered, 0o644)
	if _, errOut, err := s.steward(t, nil, "patch", "verify", "--server", s.base, byAria); exitCode(err) != 1 || !strings.Contains(errOut, "unknown file") {
		t.Errorf("verify of a changed copy: %v %s", err, errOut)
	}

	// Customers who may not download are refused with their entitlement's reason.
	s.downloadFollowsEntitlement(t, "admin@lioncity.demo", "org_demo_sg", fileURL, "entitlement.region")
	s.downloadFollowsEntitlement(t, "admin@xiling.demo", "org_demo_legacy", fileURL, "entitlement.expired")
	s.downloadFollowsEntitlement(t, "admin@huabei.demo", "org_demo_perpetual", fileURL, "")
}

// downloadFollowsEntitlement checks that the customer's download answer is
// its patch_download entitlement's answer: a 403 carrying the entitlement's
// reason code (and that code is want, when want is not ""), or the file when
// it is active. The legacy customer's only version, 7.5, left standard
// service in 2024, so it is refused today; the other perpetual customer's 8.0
// license keeps its services until 8.0's end of standard service
// (2026-12-31) and is refused from the next day on.
func (s *server) downloadFollowsEntitlement(t *testing.T, email, org, fileURL, want string) {
	t.Helper()
	token := s.login(t, email)
	var ents struct {
		Items []struct {
			Service, Status string
			Reasons         []struct{ Code string }
		}
	}
	s.api(t, "GET", "/api/v1/orgs/"+org+"/entitlements", token, nil, &ents)
	var status, reason string
	for _, it := range ents.Items {
		if it.Service == "patch_download" {
			status = it.Status
			if len(it.Reasons) > 0 {
				reason = it.Reasons[0].Code
			}
		}
	}
	if want != "" && reason != want {
		t.Fatalf("%s: patch_download is %s (%s), want refused with %s", email, status, reason, want)
	}
	req, _ := http.NewRequest("GET", fileURL, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Range", "bytes=0-0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var problem struct{ Code, Detail string }
	json.NewDecoder(res.Body).Decode(&problem)
	switch {
	case status == "active":
		if res.StatusCode != http.StatusPartialContent {
			t.Errorf("%s: patch_download is active but the download answered %d %+v", email, res.StatusCode, problem)
		}
	case res.StatusCode != http.StatusForbidden || problem.Code != reason || problem.Detail == "":
		t.Errorf("%s: download answered %d %+v, want 403 with %s (patch_download is %s)", email, res.StatusCode, problem, reason, status)
	}
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
