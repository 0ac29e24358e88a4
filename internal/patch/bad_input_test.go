package patch_test

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// smallLimit is the file size limit of the bad input test's app.
const smallLimit = 8 << 10

// withSmallLimit runs fn against an app with demo data whose patch files
// may be at most smallLimit bytes, on every database.
func withSmallLimit(t *testing.T, fn func(t *testing.T, e *apptest.Env)) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		a, err := app.Build(app.Config{Demo: true, Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher,
			DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), PatchMaxBytes: smallLimit}, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, apptest.Wrap(t, a))
	})
}

// blobs lists the files in the app's blob store.
func blobs(t *testing.T, e *apptest.Env) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(e.App.Config.DataDir, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, filepath.Base(path))
		}
		return nil
	})
	return out
}

func TestBadInput(t *testing.T) {
	withSmallLimit(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		base := draft(t, e, pm, "PT-T-0300", ">=8.0", nil)
		upload(t, e, pm, base, "base.zip", "base")
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + base + "/publish", Token: pm})
		gone := published(t, e, pm, "PT-T-0301", ">=8.0", nil)
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + gone + "/withdraw", Token: pm, Body: map[string]any{"reason": "broken"}})
		a := draft(t, e, pm, "PT-T-0302", ">=8.0", map[string]any{"requires": []string{"PT-T-0300"}})
		b := draft(t, e, pm, "PT-T-0303", ">=8.0", map[string]any{"requires": []string{"PT-T-0302"}})
		// A draft whose prerequisite is withdrawn before it is published.
		prereq := published(t, e, pm, "PT-T-0304", ">=8.0", nil)
		orphan := draft(t, e, pm, "PT-T-0305", ">=8.0", map[string]any{"requires": []string{"PT-T-0304"}})
		upload(t, e, pm, orphan, "orphan.zip", "orphan")
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + prereq + "/withdraw", Token: pm, Body: map[string]any{"reason": "broken"}})
		valid := func(change map[string]any) map[string]any {
			body := map[string]any{"number": "PT-T-0399", "product": "k3cloud", "type": "defect_fix",
				"title": map[string]string{"zh": "标题", "en": "Title"}, "applies_to": ">=8.0"}
			for k, v := range change {
				body[k] = v
			}
			return body
		}
		create := func(change map[string]any) req {
			return req{Method: "POST", Path: "/api/v1/patches", Token: pm, Body: valid(change)}
		}
		files := "/api/v1/patches/" + b + "/files/"
		before := blobs(t, e)
		e.Run(t, []apptest.Check{
			{Name: "invalid range", Req: create(map[string]any{"applies_to": ">=8.0 <<8.2"}), Status: 400, Field: "applies_to"},
			{Name: "empty range", Req: create(map[string]any{"applies_to": ""}), Status: 400, Field: "applies_to"},
			{Name: "swapped range", Req: create(map[string]any{"applies_to": ">=9 <8"}), Status: 400, Field: "applies_to"},
			{Name: "unknown product", Req: create(map[string]any{"product": "nosuch"}), Status: 400, Field: "product"},
			{Name: "unknown type", Req: create(map[string]any{"type": "hotfix"}), Status: 400, Field: "type"},
			{Name: "bad number", Req: create(map[string]any{"number": "../PT"}), Status: 400, Field: "number"},
			{Name: "number taken", Req: create(map[string]any{"number": "PT-T-0300"}), Status: 409, Code: "patch.number_taken", Field: "number"},
			{Name: "title missing", Req: create(map[string]any{"title": map[string]string{"zh": "只有中文"}}), Status: 400, Field: "title.en"},
			{Name: "unknown field", Req: create(map[string]any{"status": "published"}), Status: 400, Field: "status"},
			{Name: "unknown prerequisite", Req: create(map[string]any{"requires": []string{"PT-NONE"}}), Status: 422, Field: "requires[0]"},
			{Name: "requiring a withdrawn patch", Req: create(map[string]any{"requires": []string{"PT-T-0301"}}), Status: 422, Field: "requires[0]"},
			{Name: "a cycle in requires", Req: req{Method: "PATCH", Path: "/api/v1/patches/" + a, Token: pm,
				Body: map[string]any{"requires": []string{"PT-T-0300", "PT-T-0303"}}}, Status: 422},
			{Name: "a cycle in supersedes", Req: req{Method: "PATCH", Path: "/api/v1/patches/" + a, Token: pm,
				Body: map[string]any{"supersedes": []string{"PT-T-0303"}}}, Status: 422},
			{Name: "publishing after the prerequisite's withdrawal", Req: req{Method: "POST", Path: "/api/v1/patches/" + orphan + "/publish", Token: pm},
				Status: 422, Code: "patch.invalid", Field: "requires[0]"},
			{Name: "listed twice", Req: create(map[string]any{"conflicts_with": []string{"PT-T-0300", "PT-T-0300"}}), Status: 400, Field: "conflicts_with[1]"},
			{Name: "dot-dot name", Req: req{Method: "PUT", Path: files + "a..b", Token: pm, Body: "x"}, Status: 400, Field: "name"},
			{Name: "encoded slash", Req: req{Method: "PUT", Path: files + "a%2Fb", Token: pm, Body: "x"}, Status: 400, Field: "name"},
			{Name: "encoded backslash", Req: req{Method: "PUT", Path: files + "a%5Cb", Token: pm, Body: "x"}, Status: 400, Field: "name"},
			{Name: "hidden file", Req: req{Method: "PUT", Path: files + ".env", Token: pm, Body: "x"}, Status: 400, Field: "name"},
			{Name: "long name", Req: req{Method: "PUT", Path: files + strings.Repeat("a", 129), Token: pm, Body: "x"}, Status: 400, Field: "name"},
			{Name: "over the limit", Req: req{Method: "PUT", Path: files + "big.zip", Token: pm, Body: strings.Repeat("x", smallLimit+1)}, Status: 413, Code: "patch.too_large"},
			{Name: "checksum mismatch", Req: req{Method: "PUT", Path: files + "sum.zip", Token: pm, Body: "abc",
				Header: map[string]string{"X-Checksum-Sha256": sum("abd")}}, Status: 422, Code: "patch.checksum_mismatch"},
			{Name: "checksum garbled", Req: req{Method: "PUT", Path: files + "sum.zip", Token: pm, Body: "abc",
				Header: map[string]string{"X-Checksum-Sha256": "abc"}}, Status: 400, Field: "X-Checksum-Sha256"},
			{Name: "customer uploads", Req: req{Method: "PUT", Path: files + "x.zip", Token: e.Login("admin@huabei.demo"), Body: "x"}, Status: 403, Code: "role.forbidden"},
			{Name: "plan: bad version", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan?product=k3cloud&version=8.x", Token: pm}, Status: 400, Field: "version"},
			{Name: "plan: unknown product", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan?product=nosuch", Token: pm}, Status: 400, Field: "product"},
			{Name: "plan: two versions, none given", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan", Token: pm}, Status: 400, Field: "version"},
			{Name: "plan: bad installed", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan?version=8.0&installed=PT-T-0300,../x", Token: pm}, Status: 400, Field: "installed"},
			{Name: "signature: not a hash", Req: req{Method: "GET", Path: "/api/v1/signatures/xyz"}, Status: 400, Field: "sha256"},
			{Name: "signature: unknown", Req: req{Method: "GET", Path: "/api/v1/signatures/" + sum("never uploaded")}, Status: 404},
		})
		// The checksum mismatch matches the base64 form as well.
		e.Run(t, []apptest.Check{{Name: "base64 checksum", Req: req{Method: "PUT", Path: files + "ok.zip", Token: pm, Body: "abc",
			Header: map[string]string{"X-Checksum-Sha256": "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="}}, Status: 200,
			Fields: map[string]any{"sha256": sum("abc")}}})

		// Path traversal never reaches a file: the router cleans dot
		// segments (redirecting elsewhere) and a raw slash is another route.
		for _, p := range []string{"../x", "..%2Fx", "%2e%2e", "%2e%2e%2fx", "a/b"} {
			res := e.Do(req{Method: "PUT", Path: files + p, Token: pm, Body: "x"})
			if res.Status < 300 || res.Status == http.StatusInternalServerError {
				t.Errorf("PUT …/files/%s: %d", p, res.Status)
			}
		}

		// Without Content-Length: 411, nothing read.
		r := httptest.NewRequest("PUT", files+"chunked.zip", strings.NewReader("abc"))
		r.ContentLength = -1
		r.Header.Set("Authorization", "Bearer "+pm)
		w := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(w, r)
		if w.Code != http.StatusLengthRequired || !strings.Contains(w.Body.String(), "patch.length_required") {
			t.Errorf("no Content-Length: %d %s", w.Code, w.Body)
		}

		// Nothing of the refused uploads is stored: no row, no bytes.
		got := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + b, Token: pm}).JSON()["files"].([]any)
		if len(got) != 1 || got[0].(map[string]any)["name"] != "ok.zip" {
			t.Errorf("files after the refused uploads: %v", got)
		}
		if after, want := blobs(t, e), append(before, sum("abc")); !sameSet(after, want) {
			t.Errorf("blob store holds %v, want %v", after, want)
		}
	})
}

func sameSet(a, b []string) bool {
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
