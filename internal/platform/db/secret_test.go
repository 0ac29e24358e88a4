package db_test

import (
	"bytes"
	"context"
	"testing"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// A secret is made once and then read by every caller; another name is
// another key.
func TestSecretIsMadeOnceAndKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		first, err := db.Secret(ctx, d, "test_key", 32)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.Secret(ctx, d, "test_key", 32)
		if err != nil {
			t.Fatal(err)
		}
		other, err := db.Secret(ctx, d, "other_key", 32)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != 32 || !bytes.Equal(first, again) {
			t.Fatalf("first %x, again %x: want the same 32 bytes", first, again)
		}
		if bytes.Equal(first, other) {
			t.Fatal("two names share one key")
		}
	})
}
