package app_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestDemoHelpCenterIsSearchableAndIdempotent: the shipped categories and
// articles are there once after two starts, in English too, and a customer's
// question in their own words finds the right one.
func TestDemoHelpCenterIsSearchableAndIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		count := func() (cats, arts int) {
			cats = len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/help/categories"}).Items())
			arts = len(e.Do(apptest.Request{Method: "GET", Path: "/api/v1/help/articles?limit=200"}).Items())
			return
		}
		cats, arts := count()
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c, a := count(); cats < 10 || arts < 30 || c != cats || a != arts {
			t.Fatalf("demo help center: %d categories and %d articles, after another start %d and %d", cats, arts, c, a)
		}
		var ids []string
		for _, h := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/search?q=" + url.QueryEscape("月底关账之前需要做哪些检查")}).Items() {
			ids = append(ids, h["id"].(string))
		}
		if i := slices.Index(ids, "art-close-checklist"); i < 0 || i > 2 {
			t.Errorf("the period-close checklist is not in the top 3: %v", ids)
		}
		res := e.Do(apptest.Request{Method: "GET", Path: "/help/articles/art-voucher-entry", Header: map[string]string{"Accept-Language": "en"}})
		if res.Status != 200 || !strings.Contains(string(res.Body), "Entering vouchers") {
			t.Errorf("demo article in English: %d %.300s", res.Status, res.Body)
		}
	})
}
