package patch_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func numbers(items []map[string]any, key string) []string {
	var out []string
	for _, it := range items {
		out = append(out, it[key].(string))
	}
	return out
}

func asItems(v any) []map[string]any {
	var out []map[string]any
	for _, it := range v.([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// TestDemoPatchesForEachCustomer is what each demo customer sees of the
// demo patches: the patches for its contracts' versions and the
// installation plan with a prerequisite, a cumulative patch, a withdrawn
// one left out and a conflict named.
func TestDemoPatchesForEachCustomer(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		perpetual := e.Login("member@huabei.demo")
		got := numbers(e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches", Token: perpetual}).Items(), "number")
		want := []string{"PT-2025-0101", "PT-2025-0102", "PT-2025-0103", "PT-2025-0110", "PT-2025-0120"}
		if !slices.Equal(got, want) {
			t.Errorf("perpetual (8.0, 7.5) sees %v, want %v (not the withdrawn 0104)", got, want)
		}
		if got := numbers(e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/patches", Token: e.Login("admin@gangxin.demo")}).Items(), "number"); !slices.Equal(got, []string{"PT-2025-0120", "PT-2025-0150"}) {
			t.Errorf("HK (8.2) sees %v", got)
		}
		if got := numbers(e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/patches", Token: e.Login("member@yunqi.demo")}).Items(), "number"); !slices.Equal(got, []string{"PT-2026-0201"}) {
			t.Errorf("cloud (9.0) sees %v", got)
		}
		e.Run(t, []apptest.Check{
			{Name: "another organisation's patches", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/patches", Token: perpetual}, Status: 404},
			{Name: "another organisation's plan", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/patches/plan", Token: perpetual}, Status: 404},
			{Name: "anonymous", Req: req{Method: "GET", Path: "/api/v1/orgs/org_demo_hk/patches"}, Status: 401},
		})

		plan := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan?version=8.0", Token: perpetual})
		if plan.Status != http.StatusOK {
			t.Fatalf("plan: %d %s", plan.Status, plan.Body)
		}
		p := plan.JSON()
		steps := asItems(p["steps"])
		if got := numbers(steps, "number"); !slices.Equal(got, []string{"PT-2025-0101", "PT-2025-0110", "PT-2025-0120"}) {
			t.Errorf("steps %v: the prerequisite first, the cumulative patch in place of 0102 and 0103, 0104 left out", got)
		}
		for _, s := range steps {
			if s["number"] == "PT-2025-0110" && !slices.Equal(s["replaces"].([]any), []any{"PT-2025-0102", "PT-2025-0103"}) {
				t.Errorf("0110 replaces %v", s["replaces"])
			}
			if title := s["title"].(map[string]any); title["en"] == "" || len(s["files"].([]any)) != 1 {
				t.Errorf("step without title or files: %v", s)
			}
		}
		conflicts := asItems(p["conflicts"])
		if len(conflicts) != 1 || !slices.Contains([]any{conflicts[0]["number"], conflicts[0]["with"]}, "PT-2025-0110") ||
			!slices.Contains([]any{conflicts[0]["number"], conflicts[0]["with"]}, "PT-2025-0120") {
			t.Errorf("conflicts %v, want 0110 and 0120 named", conflicts)
		}
		// With the cumulative patch installed, only the conflicting one is left,
		// and the conflict names the installed side.
		p = e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_perpetual/patches/plan?product=k3cloud&version=8.0&installed=PT-2025-0101,PT-2025-0110", Token: perpetual}).JSON()
		if got := numbers(asItems(p["steps"]), "number"); !slices.Equal(got, []string{"PT-2025-0120"}) {
			t.Errorf("steps after installing 0110: %v", got)
		}
		if c := asItems(p["conflicts"]); len(c) != 1 || c[0]["installed"] != true {
			t.Errorf("conflict with the installed 0110: %v", c)
		}
		// The version defaults to the only contract's.
		if p := e.Do(req{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/patches/plan", Token: e.Login("member@yunqi.demo")}).JSON(); p["version"] != "9.0" {
			t.Errorf("default version %v", p["version"])
		}

		// The lifecycle table shows each version's latest patch.
		eol := e.Do(req{Method: "GET", Path: "/api/v1/lifecycle/k3cloud"}).JSON()["result"].(map[string]any)
		latest := map[string]any{}
		for _, r := range asItems(eol["releases"]) {
			latest[r["name"].(string)] = r["latest"]
		}
		if l, _ := latest["8.0"].(map[string]any); l["name"] != "PT-2025-0120" || l["link"] != "http://example.com/patches/k3cloud/PT-2025-0120" {
			t.Errorf("latest of 8.0: %v", latest["8.0"])
		}
		if latest["7.5"] != nil {
			t.Errorf("latest of 7.5: %v", latest["7.5"])
		}
	})
}

func TestScrubQuarantinesChangedFiles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		id := published(t, e, pm, "PT-T-0400", ">=8.0", nil)
		content := "content of PT-T-0400"
		res, err := e.App.Patches.Scrub(t.Context())
		if err != nil || res.Quarantined != 0 || res.Checked == 0 {
			t.Fatalf("scrub of intact files: %+v %v", res, err)
		}
		// Corrupt the stored bytes on disk, the same size.
		h := sum(content)
		path := filepath.Join(e.App.Config.DataDir, "blobs", h[len(h)-2:], h)
		if err := os.WriteFile(path, []byte(strings.ToUpper(content)), 0o600); err != nil {
			t.Fatal(err)
		}
		for range 5 { // every content comes round; the corrupted one among them
			if res, err = e.App.Patches.Scrub(t.Context()); err != nil {
				t.Fatal(err)
			}
			if res.Quarantined > 0 {
				break
			}
		}
		if res.Quarantined != 1 {
			t.Fatalf("scrub after corruption: %+v", res)
		}
		p := e.Do(req{Method: "GET", Path: "/api/v1/patches/" + id}).JSON()
		if f := asItems(p["files"])[0]; f["status"] != "quarantined" {
			t.Errorf("file after the scrub: %v", f)
		}
		member := e.Login("member@huabei.demo")
		e.Run(t, []apptest.Check{
			{Name: "quarantined", Req: req{Method: "GET", Path: "/api/v1/patches/" + id + "/files/PT-T-0400.zip", Token: member}, Status: 503, Code: "patch.file_quarantined"},
		})
		admin := e.Login("admin@steward.demo")
		notices := e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: admin}).Items()
		if len(notices) == 0 || !strings.Contains(notices[0]["body"].(map[string]any)["en"].(string), "PT-T-0400") || notices[0]["link"] != "/console/patches/"+id {
			t.Errorf("vendor_admin notices: %v", notices)
		}
		if n := e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: pm}).Items(); len(n) != 0 {
			t.Errorf("the product manager got %d notices; the vendor_admins are told", len(n))
		}
	})
}

func TestSignatureLookup(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		id := draft(t, e, pm, "PT-T-0500", ">=8.0", nil)
		f := upload(t, e, pm, id, "same.bin", "shared bytes")
		path := "/api/v1/signatures/" + sum("shared bytes")
		if res := e.Do(req{Method: "GET", Path: path}); res.Status != http.StatusNotFound {
			t.Errorf("a draft's file is looked up: %d", res.Status)
		}
		e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm})
		sig := e.Do(req{Method: "GET", Path: "/api/v1/signatures/" + strings.ToUpper(sum("shared bytes"))}).JSON() // either case
		if sig["sha256"] != sum("shared bytes") || sig["size"] != float64(12) || sig["signature"] != f["signature"] || sig["key_id"] != f["key_id"] {
			t.Errorf("signature lookup: %v", sig)
		}
		if files := asItems(sig["files"]); len(files) != 1 || files[0]["number"] != "PT-T-0500" || files[0]["name"] != "same.bin" || files[0]["status"] != "available" {
			t.Errorf("files: %v", sig["files"])
		}
	})
}

func TestFeed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.Feed("/patches/k3cloud.atom", "en") // no login
		if len(f.Entries) != 8 || f.Self() != "http://example.com/patches/k3cloud.atom" || f.ID != "urn:steward:patches:k3cloud" {
			t.Fatalf("feed: %d entries, self %q, id %q", len(f.Entries), f.Self(), f.ID)
		}
		byTitle := map[string]string{}
		for _, en := range f.Entries {
			if !strings.HasPrefix(en.ID, "urn:steward:patch:pat_") || !strings.HasPrefix(en.Link.Href, "http://example.com/patches/k3cloud/PT-") {
				t.Errorf("entry %q: id %q, link %q", en.Title, en.ID, en.Link.Href)
			}
			byTitle[en.Title] = en.Content
		}
		if c := byTitle["PT-2025-0110 8.1 累积升级包 1 · 8.1 cumulative upgrade 1"]; !strings.Contains(c, "supersedes: PT-2025-0102, PT-2025-0103") ||
			!strings.Contains(c, "pt-2025-0110.zip") {
			t.Errorf("cumulative patch's entry: %q", c)
		}
		if c, ok := byTitle["【已撤回 Withdrawn】PT-2025-0104 应付：付款单打印模板修复 · Payables: payment slip print template fixed"]; !ok || !strings.Contains(c, "Incompatible with some printer drivers") {
			t.Errorf("withdrawn patch's entry: %v %q", ok, c)
		}
		for _, path := range []string{"/patches/nosuch.atom", "/patches/nosuch", "/patches/k3cloud/PT-NOSUCH"} {
			if res := e.Do(req{Method: "GET", Path: path}); res.Status != http.StatusNotFound {
				t.Errorf("%s: %d", path, res.Status)
			}
		}
	})
}
