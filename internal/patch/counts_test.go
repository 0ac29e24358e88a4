package patch

import (
	"context"
	"strconv"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// TestCounterFlush: counts reach the database in batches, add up across
// flushes, and a failed flush keeps them for the next.
func TestCounterFlush(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		c := clock.NewManual(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		store := NewStore(d)
		for _, q := range []string{
			"INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES ('org_a', 'A', 'CN', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			"INSERT INTO products (code, name_zh, name_en, deployments, created_at, updated_at) VALUES ('p', 'P', 'P', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			`INSERT INTO patches (id, product, number, type, title_zh, title_en, notes_zh, notes_en, applies_to, requires, supersedes,
				conflicts_with, status, created_at, updated_at) VALUES ('pat_1', 'p', 'N1', 'defect_fix', 't', 't', '', '', '>=1', '[]', '[]', '[]', 'published', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if _, err := d.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		counter := NewCounter(store, c)
		for i := range flushRows + 5 { // more rows than one statement takes
			counter.Add("pat_1", "f"+strconv.Itoa(i), "org_a")
		}
		counter.Add("pat_1", "f0", "org_a")
		if err := counter.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		counter.Add("pat_1", "f0", "org_a")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := counter.Flush(cancelled); err == nil {
			t.Fatal("a flush without a database succeeded")
		}
		if n := counter.n[counterKey{"pat_1", "f0", "org_a"}]; n == nil || n.Count != 1 {
			t.Errorf("the failed flush's count was not kept: %+v", n)
		}
		if err := counter.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := store.Downloads(ctx, "pat_1")
		if err != nil {
			t.Fatal(err)
		}
		total := int64(0)
		for _, g := range got {
			total += g.Count
		}
		if len(got) != flushRows+5 || total != flushRows+7 {
			t.Errorf("%d rows, %d downloads; want %d and %d", len(got), total, flushRows+5, flushRows+7)
		}
	})
}
