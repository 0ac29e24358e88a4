package lifecycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/lifecycle"
)

func TestLatestPatchFromTheSource(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var asked []string
		e.App.Products.UseLatest(func(_ context.Context, product, version string) (*lifecycle.Latest, error) {
			asked = append(asked, product+"/"+version)
			if product == "k3cloud" && version == "8.2" {
				return &lifecycle.Latest{Name: "PT-2026-0042", Date: "2026-10-15", Link: "/portal/patches/pat_42"}, nil
			}
			return nil, nil
		})
		res := e.Do(req{Method: "GET", Path: "/api/v1/lifecycle/k3cloud"})
		var p lifecycle.EOLProductResponse
		if err := json.Unmarshal(res.Body, &p); res.Status != 200 || err != nil {
			t.Fatalf("%d %v %s", res.Status, err, res.Body)
		}
		for _, r := range p.Result.Releases {
			switch {
			case r.Name == "8.2" && (r.Latest == nil || r.Latest.Name != "PT-2026-0042" || *r.Latest.Date != "2026-10-15" ||
				*r.Latest.Link != "http://example.com/portal/patches/pat_42"):
				t.Errorf("8.2 latest = %+v", r.Latest)
			case r.Name != "8.2" && r.Latest != nil:
				t.Errorf("%s latest = %+v, want null", r.Name, r.Latest)
			}
		}
		if len(asked) != len(app.DemoVersions) {
			t.Errorf("asked the source for %v, want the demo's %d versions", asked, len(app.DemoVersions))
		}

		for lang, heading := range map[string]string{"zh-CN": "最新补丁", "en": "Latest patch"} {
			body := string(e.Do(req{Method: "GET", Path: "/lifecycle/k3cloud", Header: map[string]string{"Accept-Language": lang}}).Body)
			row := body[strings.Index(body, `data-version="8.2"`):]
			row = row[:strings.Index(row, "</tr>")]
			if !strings.Contains(body, heading) || !strings.Contains(row, `<a href="/portal/patches/pat_42">PT-2026-0042</a>`) || !strings.Contains(row, "2026-10-15") {
				t.Errorf("%s page: want %q and the patch in 8.2's row: %s", lang, heading, row)
			}
		}

		// A failing source is a failing answer, not a silently missing patch.
		e.App.Products.UseLatest(func(context.Context, string, string) (*lifecycle.Latest, error) { return nil, errors.New("down") })
		if res := e.Do(req{Method: "GET", Path: "/api/v1/lifecycle/k3cloud"}); res.Status != 500 {
			t.Errorf("failing source: %d", res.Status)
		}
	})
}

func TestNoLatestColumnWithoutPatches(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.App.Products.UseLatest(func(context.Context, string, string) (*lifecycle.Latest, error) { return nil, nil })
		if body := string(e.Do(req{Method: "GET", Path: "/lifecycle/k3cloud", Header: map[string]string{"Accept-Language": "en"}}).Body); strings.Contains(body, "Latest patch") {
			t.Error("the page shows a latest patch column though no version has a patch")
		}
	})
}
