package app_test

import (
	"context"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestDemoPatchesAreIdempotent: a second start changes nothing, and the
// demo files are small real zips signed like any other.
func TestDemoPatchesAreIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		list := func() []map[string]any {
			return e.Do(apptest.Request{Method: "GET", Path: "/api/v1/patches?product=k3cloud", Token: e.Login("pm@steward.demo")}).Items()
		}
		first := list()
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		again := list()
		if len(first) != 8 || len(again) != len(first) {
			t.Fatalf("demo patches: %d, after another start %d", len(first), len(again))
		}
		statuses := map[string]int{}
		for i, p := range again {
			statuses[p["status"].(string)]++
			files := p["files"].([]any)
			if p["id"] != first[i]["id"] || len(files) != 1 {
				t.Errorf("patch %v changed or lacks its file", p["number"])
				continue
			}
			f := files[0].(map[string]any)
			if size := f["size"].(float64); size < 512 || size > 8<<10 || f["signature"] == "" {
				t.Errorf("%v: file %v", p["number"], f)
			}
		}
		if statuses["published"] != 7 || statuses["withdrawn"] != 1 {
			t.Errorf("statuses %v", statuses)
		}
	})
}
