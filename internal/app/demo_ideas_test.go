package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/ideas"
)

// shownIdea is what the test reads of an idea in a list or on its own.
type shownIdea struct {
	ID        string
	Status    string
	Modules   []string
	Votes     int
	Comments  int
	ShippedIn *struct{ Kind, URL string } `json:"shipped_in"`
	History   []struct {
		To          string
		Explanation string
		By          struct{ Name string }
	} `json:"status_history"`
}

func ideaList(t *testing.T, e *apptest.Env, query string) []shownIdea {
	t.Helper()
	res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/ideas?limit=200&" + query})
	var page struct{ Items []shownIdea }
	if err := json.Unmarshal(res.Body, &page); err != nil || res.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/ideas?%s: %d %.300s", query, res.Status, res.Body)
	}
	return page.Items
}

func ideaIDs(list []shownIdea, n int) []string {
	var ids []string
	for _, it := range list[:min(n, len(list))] {
		ids = append(ids, it.ID)
	}
	return ids
}

// TestDemoIdeasInEveryStatusLoadedOnce: the demo square holds a dozen ideas
// or more in each status, voted for by several customers, each step of their
// history explained by the product manager; a shipped idea links a page that
// exists; the modules are the demo product's, so the module filter finds
// them; the three orders differ; a merged duplicate leads to its survivor; and
// a second start changes nothing.
func TestDemoIdeasInEveryStatusLoadedOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		first := ideaList(t, e, "sort=new")
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		all := ideaList(t, e, "sort=new")
		if !reflect.DeepEqual(first, all) {
			t.Errorf("a second start changed the square: %d ideas before, %d after", len(first), len(all))
		}
		for _, status := range ideas.Statuses {
			if n := len(ideaList(t, e, "status="+status)); n < 12 {
				t.Errorf("%d ideas %s, want at least 12", n, status)
			}
		}
		voters := map[int]int{}
		for _, it := range all {
			voters[it.Votes]++
			for _, m := range it.Modules {
				if !app.DemoProduct.HasModule(m) {
					t.Errorf("%s is tagged %q, not a module of %s", it.ID, m, app.DemoProduct.Code)
				}
			}
		}
		if n := len(ideaList(t, e, "module=exp")); n < 3 {
			t.Errorf("%d ideas about expense claims, want the demo's", n)
		}
		if voters[1] == len(all) || voters[5]+voters[6] == 0 {
			t.Errorf("votes per idea spread %v: want ideas voted for by several customers", voters)
		}
		trending, top := ideaList(t, e, "sort=trending"), ideaList(t, e, "sort=top")
		if a, b, c := ideaIDs(trending, 5), ideaIDs(top, 5), ideaIDs(all, 5); slices.Equal(a, b) || slices.Equal(a, c) || slices.Equal(b, c) {
			t.Errorf("the first five of trending %v, top %v and new %v should differ", a, b, c)
		}
		kinds := map[string]bool{}
		for _, it := range ideaList(t, e, "status=shipped") {
			if it.ShippedIn == nil {
				t.Errorf("%s is shipped without saying where", it.ID)
				continue
			}
			kinds[it.ShippedIn.Kind] = true
			if res := e.Do(apptest.Request{Method: "GET", Path: it.ShippedIn.URL}); res.Status != http.StatusOK {
				t.Errorf("%s shipped in %s, which answers %d", it.ID, it.ShippedIn.URL, res.Status)
			}
		}
		if !kinds[ideas.ShippedInPatch] || !kinds[ideas.ShippedInVersion] {
			t.Errorf("shipped ideas name %v, want a patch and a version", kinds)
		}
		for _, it := range all {
			res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/ideas/" + it.ID})
			var full shownIdea
			if err := json.Unmarshal(res.Body, &full); err != nil || res.Status != http.StatusOK {
				t.Fatalf("%s: %d %.300s", it.ID, res.Status, res.Body)
			}
			if it.Status != ideas.StatusOpen && (len(full.History) == 0 || full.History[len(full.History)-1].To != it.Status) {
				t.Errorf("%s is %s but its history does not lead there: %+v", it.ID, it.Status, full.History)
			}
			for _, h := range full.History {
				if h.Explanation == "" || h.By.Name != "产品经理 陈静" {
					t.Errorf("%s: the step to %s explained %q by %q", it.ID, h.To, h.Explanation, h.By.Name)
				}
			}
		}
		// The duplicate of the fully digital invoice leads to the survivor,
		// which counts its voters once.
		res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/ideas/idea-tax-fully-digital-invoice"})
		if res.Status != http.StatusPermanentRedirect || res.Header.Get("Location") != "/api/v1/ideas/idea-tax-invoice-digital-issue" {
			t.Errorf("the merged duplicate answers %d to %q", res.Status, res.Header.Get("Location"))
		}
		for _, it := range all {
			// The survivor's author and its 4 voters, and member@gangxin
			// from the duplicate, whose author and other voter voted for
			// both.
			if it.ID == "idea-tax-invoice-digital-issue" && it.Votes != 6 {
				t.Errorf("the survivor has %d votes, want 6 distinct voters", it.Votes)
			}
		}
	})
}
