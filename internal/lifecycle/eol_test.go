package lifecycle_test

import (
	"encoding/json"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/lifecycle"
)

func TestEndOfLifeDateShape(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.App.Products.UseLatest(nil) // no patch source: latest is null (latest_test.go has one)
		// The last minute of 2026-12-31 in Beijing: 8.0's last day of
		// standard service.
		e.Clock.Set(time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC))

		list := e.Do(req{Method: "GET", Path: "/api/v1/lifecycle", Header: map[string]string{"Accept-Language": "en"}})
		if list.Status != 200 {
			t.Fatalf("list: %d %s", list.Status, list.Body)
		}
		var l lifecycle.EOLProductList
		if err := json.Unmarshal(list.Body, &l); err != nil {
			t.Fatal(err)
		}
		if l.SchemaVersion != "1.0.0" || l.Total != len(l.Result) || l.Total < 1 {
			t.Fatalf("list = %+v", l)
		}
		found := false
		for _, p := range l.Result {
			if p.Name == "k3cloud" {
				found = true
				if p.Label != "Kingdee Cloud Galaxy" || p.URI != "http://example.com/api/v1/lifecycle/k3cloud" {
					t.Errorf("k3cloud = %+v", p)
				}
			}
		}
		if !found {
			t.Fatalf("k3cloud not listed: %s", list.Body)
		}

		get := func() (map[string]any, map[string]lifecycle.EOLRelease) {
			t.Helper()
			res := e.Do(req{Method: "GET", Path: "/api/v1/lifecycle/k3cloud"})
			if res.Status != 200 {
				t.Fatalf("product: %d %s", res.Status, res.Body)
			}
			var raw map[string]any
			json.Unmarshal(res.Body, &raw)
			var p lifecycle.EOLProductResponse
			if err := json.Unmarshal(res.Body, &p); err != nil {
				t.Fatal(err)
			}
			byName := map[string]lifecycle.EOLRelease{}
			for _, r := range p.Result.Releases {
				byName[r.Name] = r
			}
			return raw, byName
		}
		raw, releases := get()
		if raw["schema_version"] != "1.0.0" {
			t.Errorf("schema_version = %v", raw["schema_version"])
		}
		result := raw["result"].(map[string]any)
		if result["name"] != "k3cloud" || result["label"] != "金蝶云星空" {
			t.Errorf("result = %v", result)
		}
		if labels, _ := result["labels"].(map[string]any); labels["eoas"] == "" || labels["eol"] == "" {
			t.Errorf("labels = %v", result["labels"])
		}
		rels := result["releases"].([]any)
		if newest := app.DemoVersions[len(app.DemoVersions)-1].Name; len(rels) != len(app.DemoVersions) || rels[0].(map[string]any)["name"] != newest {
			t.Errorf("releases newest first (%s), want the demo's %d: %v", newest, len(app.DemoVersions), rels)
		}
		first := rels[0].(map[string]any)
		for _, k := range []string{"name", "label", "releaseDate", "isEoas", "eoasFrom", "isEol", "eolFrom", "isMaintained", "latest"} {
			if _, ok := first[k]; !ok {
				t.Errorf("release lacks %q: %v", k, first)
			}
		}
		if first["latest"] != nil {
			t.Errorf("latest = %v, want null without a patch source", first["latest"])
		}
		want := map[string]lifecycle.EOLRelease{
			"7.5": {Name: "7.5", Label: "7.5", ReleaseDate: "2019-06-01", IsEoas: true, EoasFrom: "2024-06-30", IsEol: true, EolFrom: "2024-06-30", IsMaintained: false},
			"8.0": {Name: "8.0", Label: "8.0", ReleaseDate: "2021-09-01", IsEoas: false, EoasFrom: "2026-12-31", IsEol: false, EolFrom: "2026-12-31", IsMaintained: true},
			"9.0": {Name: "9.0", Label: "9.0", ReleaseDate: "2025-09-01", IsEoas: false, EoasFrom: "2030-12-31", IsEol: false, EolFrom: "2030-12-31", IsMaintained: true},
			"9.1": {Name: "9.1", Label: "9.1", ReleaseDate: "2026-11-02", IsEoas: false, EoasFrom: "2031-12-31", IsEol: false, EolFrom: "2031-12-31", IsMaintained: true},
		}
		for name, w := range want {
			if got := releases[name]; got != w {
				t.Errorf("%s = %+v, want %+v", name, got, w)
			}
		}

		// A minute later it is 2027-01-01 in Beijing: 8.0 has ended.
		e.Clock.Set(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC))
		if _, releases = get(); !releases["8.0"].IsEoas || !releases["8.0"].IsEol || releases["8.0"].IsMaintained {
			t.Errorf("8.0 on 2027-01-01 = %+v", releases["8.0"])
		}

		e.Run(t, []check{
			{Name: "unknown product", Req: req{Method: "GET", Path: "/api/v1/lifecycle/nosuch"}, Status: 404, Code: "not_found"},
		})
	})
}

func TestReleaseWithExtendedSupport(t *testing.T) {
	v := lifecycle.Version{Name: "8.2", ReleasedOn: "2023-09-01", StandardSupportUntil: "2028-12-31", ExtendedSupportUntil: "2030-12-31"}
	for day, want := range map[string][3]bool{ // isEoas, isEol, isMaintained
		"2028-12-31": {false, false, true},
		"2029-01-01": {true, false, true},
		"2030-12-31": {true, false, true},
		"2031-01-01": {true, true, false},
	} {
		r := v.Release(day)
		if got := [3]bool{r.IsEoas, r.IsEol, r.IsMaintained}; got != want || r.EoasFrom != "2028-12-31" || r.EolFrom != "2030-12-31" {
			t.Errorf("%s: %+v", day, r)
		}
	}
}
