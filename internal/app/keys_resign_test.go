package app_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/signing"
)

// TestRetiringAKeyResignsPatchFiles: patch files are signed once, at upload;
// after the vendor rotates and retires that key, `steward patch verify` must
// still accept them, so retirement signs them again with the current key.
func TestRetiringAKeyResignsPatchFiles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@steward.demo")
		var shas []string
		for _, p := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches?product=k3cloud", Token: e.Login("pm@steward.demo")}).Items() {
			if p["status"] == "published" {
				for _, f := range p["files"].([]any) {
					shas = append(shas, f.(map[string]any)["sha256"].(string))
				}
			}
		}
		if len(shas) == 0 {
			t.Fatal("the demo has no published patch file")
		}
		// verify checks every file the way `steward patch verify` does: its
		// signature lookup, against the published keys.
		verify := func(step, wantKey string) {
			t.Helper()
			var keys struct{ Items []signing.PublicKey }
			if err := json.Unmarshal(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/keys"}).Body, &keys); err != nil {
				t.Fatal(err)
			}
			for _, sha := range shas {
				res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/signatures/" + sha})
				var got struct {
					Size      int64  `json:"size"`
					Signature string `json:"signature"`
					KeyID     string `json:"key_id"`
				}
				if err := json.Unmarshal(res.Body, &got); res.Status != http.StatusOK || err != nil {
					t.Fatalf("%s: signature of %s: %d %s", step, sha, res.Status, res.Body)
				}
				sig, err := base64.StdEncoding.DecodeString(got.Signature)
				if err != nil {
					t.Fatalf("%s: signature of %s is not base64: %q", step, sha, got.Signature)
				}
				if got.KeyID != wantKey {
					t.Errorf("%s: %s is signed by %s, want %s", step, sha, got.KeyID, wantKey)
				}
				if err := signing.Verify(keys.Items, got.KeyID, signing.FileStatement(sha, got.Size), sig); err != nil {
					t.Errorf("%s: %s does not verify: %v", step, sha, err)
				}
			}
		}

		k1 := e.App.Keys.Public()[0].ID
		verify("before rotation", k1)
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/keys/rotate", Token: admin, Body: map[string]any{}})
		if res.Status != http.StatusCreated {
			t.Fatalf("rotate: %d %s", res.Status, res.Body)
		}
		k2 := res.JSON()["id"].(string)
		verify("after rotation", k1) // the old key is still trusted: nothing is signed again yet
		if res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/keys/" + k1 + "/retire", Token: admin}); res.Status != http.StatusOK {
			t.Fatalf("retire: %d %s", res.Status, res.Body)
		}
		verify("after retiring the old key", k2)
		audited := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit?action=patch.file_resign&limit=100", Token: admin}).Items()
		if len(audited) < len(shas) {
			t.Errorf("the audit log has %d re-signed files, want at least the %d published ones", len(audited), len(shas))
		}
	})
}
