package app_test

import (
	"context"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// TestTwoInstancesRunEachScheduledJobOncePerDueTime starts two whole app
// instances on one database and lets both poll for due jobs at the same
// moments over six hours of the app's hourly purge: each due time runs once.
func TestTwoInstancesRunEachScheduledJobOncePerDueTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		const hours = 6
		for hour := range hours {
			apptest.AtOnce(t, []*apptest.Env{one, other, one, other}, func(e *apptest.Env) error {
				_, err := e.App.Jobs.RunDue(context.Background())
				return err
			})
			if hour < hours-1 {
				one.Clock.Advance(time.Hour)
			}
		}
		var rows, runs, done int
		err := d.QueryRow(context.Background(),
			"SELECT count(*), COALESCE(SUM(attempts), 0), COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0) FROM jobs WHERE kind = 'users.purge'").
			Scan(&rows, &runs, &done)
		if err != nil {
			t.Fatal(err)
		}
		if rows != hours || runs != hours || done != hours {
			t.Fatalf("over %d due times: %d job rows, %d runs, %d done; want %d each", hours, rows, runs, done, hours)
		}
	})
}
