package db_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestTimesRoundTripInUTC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 9, 30, 15, 123456000, time.UTC)
		_, err := d.Exec(ctx, "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", "o_1", "甲", "CN", at, at)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := d.QueryRow(ctx, "SELECT created_at FROM orgs WHERE id = ?", "o_1").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at) {
			t.Fatalf("stored %v, read back %v", at, got)
		}
	})
}

func TestUniqueViolationIsRecognised(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insert := "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES (?, 'x', 'CN', ?, ?)"
		now := time.Now()
		if _, err := d.Exec(ctx, insert, "o_1", now, now); err != nil {
			t.Fatal(err)
		}
		_, err := d.Exec(ctx, insert, "o_1", now, now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("second insert: got %v, want a unique violation", err)
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES ('o_1', 'x', 'CN', ?, ?)", now, now); err != nil {
				return err
			}
			return context.Canceled
		})
		if err == nil {
			t.Fatal("InTx returned nil for a failing function")
		}
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM orgs").Scan(&n)
		if n != 0 {
			t.Fatalf("%d orgs after rollback, want 0", n)
		}
	})
}

func TestMigrationsAreCompleteAndBackupIsReadable(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	pending, err := d.Pending(ctx)
	if err != nil || pending {
		t.Fatalf("pending=%v err=%v after template migration", pending, err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := d.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	b, err := db.OpenSQLite(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if pending, err := b.Pending(ctx); err != nil || pending {
		t.Fatalf("backup: pending=%v err=%v", pending, err)
	}
}

// A data directory may be named anything: a '#' or '?' in it must not cut
// the path short and open an empty database somewhere else.
func TestSQLitePathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site #1?a=b %20", "steward.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := db.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked for: %v", err)
	}
}
