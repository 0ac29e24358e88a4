package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
)

// TestLicenseVerify checks a demo license online and offline, flags before
// and after the file, and each way it can fail: revoked, expired, damaged,
// nothing to verify with.
func TestLicenseVerify(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		srv := serveApp(t, e, "")
		dir := t.TempDir()
		save := func(name string, body []byte) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}
		agent := e.Login("agent@steward.demo")
		get := func(path string) []byte {
			res := e.Do(apptest.Request{Method: "GET", Path: path, Token: agent})
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			return res.Body
		}
		file := save("cloud.license", get("/api/v1/licenses/lic_demo_cloud/file"))
		keys := save("keys.json", get("/api/v1/keys"))
		revoked := save("revoked.json", get("/api/v1/licenses/revoked"))
		now := e.Clock.Now().Format(time.RFC3339)

		out, err := steward(t, "", "license", "verify", file, "--server", srv.URL, "--at", now)
		if err != nil {
			t.Fatalf("online: %v\n%s", err, out)
		}
		for _, want := range []string{"OK  " + file, "云启制造有限公司 (org_demo_cloud)", "k3cloud 9.0, public_cloud", "ap, ar, gl, inv",
			"Users:        120", "2025-01-01 to 2027-12-31 (Beijing days, inclusive)", "Key:", "checked against list 0"} {
			if !strings.Contains(out, want) {
				t.Errorf("online output lacks %q:\n%s", want, out)
			}
		}
		out, err = steward(t, "", "license", "verify", "--keys", keys, "--revoked", revoked, "--at", now, file)
		if err != nil || !strings.Contains(out, "OK  ") {
			t.Errorf("offline: %v\n%s", err, out)
		}

		// The HK subscription customer upgrades 8.2 to the demo's newest version;
		// the new file verifies with the same modules and users and names the
		// license it replaces.
		newest := app.DemoVersions[len(app.DemoVersions)-1].Name
		up := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/licenses/lic_demo_hk/upgrade", Token: e.Login("admin@gangxin.demo")})
		if up.Status != http.StatusCreated {
			t.Fatalf("upgrade: %d %s", up.Status, up.Body)
		}
		upgraded := save("hk.license", get("/api/v1/licenses/"+up.JSON()["id"].(string)+"/file"))
		out, err = steward(t, "", "license", "verify", "--server", srv.URL, "--at", now, upgraded)
		for _, want := range []string{"OK  ", "k3cloud " + newest + ", private_cloud_subscription", "Modules:      ap, ar, gl", "Users:        40", "Supersedes:   lic_demo_hk"} {
			if err != nil || !strings.Contains(out, want) {
				t.Errorf("the upgraded license: %v, output lacks %q:\n%s", err, want, out)
			}
		}

		tampered := []byte(strings.Replace(string(get("/api/v1/licenses/lic_demo_cloud/file")), "-----SIGNATURE-----\n", "-----SIGNATURE-----\nA", 1))
		if res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/licenses/lic_demo_cloud/revoke", Token: agent,
			Body: map[string]any{"reason": "contract ended early"}}); res.Status != http.StatusOK {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		failures := []struct {
			name string
			args []string
			want string
		}{
			{"revoked, online", []string{"--server", srv.URL, "--at", now, file}, "revoked"},
			{"revoked, online: the reason", []string{"--server", srv.URL, "--at", now, file}, "contract ended early"},
			{"expired", []string{"--keys", keys, "--revoked", revoked, "--at", "2028-01-01T00:00:00+08:00", file}, "expired"},
			{"damaged", []string{"--keys", keys, "--at", now, save("tampered.license", tampered)}, "FAILED"},
			{"nothing to verify with", []string{file}, "give --server"},
			{"a bad instant", []string{"--keys", keys, "--at", "tomorrow", file}, "--at"},
			{"two files", []string{"--keys", keys, file, file}, "one license file"},
		}
		for _, f := range failures {
			out, err := steward(t, "", append([]string{"license", "verify"}, f.args...)...)
			if err == nil || !strings.Contains(err.Error(), f.want) {
				t.Errorf("%s: %v (output %s), want an error saying %q", f.name, err, out, f.want)
			}
		}
		// Offline with the list saved before the revocation, it still passes:
		// the list a verifier holds is what it knows.
		if _, err := steward(t, "", "license", "verify", "--keys", keys, "--revoked", revoked, "--at", now, file); err != nil {
			t.Errorf("offline with the older list: %v", err)
		}
	})
}
