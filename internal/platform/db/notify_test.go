package db_test

import (
	"context"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// A notification sent by one handle (inside a committed transaction, or at
// once) reaches a listener on another handle of the same database; one sent
// in a transaction that rolls back does not. On SQLite both are no-ops.
func TestNotifyReachesAnotherInstance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		other := dbtest.Reopen(t, d)
		got := make(chan string, 16)
		other.Listen(ctx, "steward_test", func(p string) { got <- p })
		if d.Dialect() == db.SQLite {
			if err := d.Notify(ctx, nil, "steward_test", "x"); err != nil {
				t.Fatal(err)
			}
			select {
			case p := <-got:
				t.Fatalf("SQLite delivered %q", p)
			case <-time.After(50 * time.Millisecond):
			}
			return
		}
		expect := func(want string) {
			t.Helper()
			select {
			case p := <-got:
				if p != want {
					t.Fatalf("payload %q, want %q", p, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no notification %q", want)
			}
		}
		expect("") // connected: forget everything
		err := d.InTx(ctx, func(tx *db.Tx) error { return d.Notify(ctx, tx, "steward_test", "committed") })
		if err != nil {
			t.Fatal(err)
		}
		_ = d.InTx(ctx, func(tx *db.Tx) error {
			d.Notify(ctx, tx, "steward_test", "never")
			return context.Canceled
		})
		if err := d.Notify(ctx, nil, "steward_test", "at once"); err != nil {
			t.Fatal(err)
		}
		expect("committed")
		expect("at once")
		other.Close() // stops the listener and waits for it
	})
}
