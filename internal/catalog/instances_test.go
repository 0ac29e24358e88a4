package catalog_test

import (
	"context"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// TestAnotherInstancesAnnouncementShows: two instances on one database. What
// was in effect up to today never changes, so one instance answers it from
// its cache; an announcement on the other shows for future instants within
// the cache's 5 seconds. Both instances installing the default keep one copy.
func TestAnotherInstancesAnnouncementShows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		ctx := context.Background()
		future := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{one.Clock.Now(), future} { // fill one's cache
			if v, err := one.App.Catalog.InEffect(ctx, at); err != nil || v.ID != catalog.DefaultID {
				t.Fatalf("in effect at %v: %s %v", at, v.ID, err)
			}
		}
		pm := other.Login("pm@steward.demo")
		next := draft(t, other, pm, "next", nil)
		other.Run(t, []check{{Req: req{Method: "POST", Path: announcePath(next), Token: pm, Body: map[string]string{"effective_from": "2027-01-01"}}, Status: 200}})
		if v, _ := other.App.Catalog.InEffect(ctx, future); v.ID != next.ID {
			t.Errorf("the announcing instance answers %s for 2027-01-02", v.ID)
		}
		one.Clock.Advance(5 * time.Second)
		if v, _ := one.App.Catalog.InEffect(ctx, future); v.ID != next.ID {
			t.Errorf("5 s later the other instance still answers %s for 2027-01-02", v.ID)
		}
		if v, _ := one.App.Catalog.InEffect(ctx, one.Clock.Now()); v.ID != catalog.DefaultID {
			t.Errorf("now: %s", v.ID)
		}
		if list := one.Do(req{Method: "GET", Path: "/api/v1/catalog/versions"}).Items(); len(list) != 2 {
			t.Errorf("%d versions, want the default once and the announced one", len(list))
		}
	})
}
