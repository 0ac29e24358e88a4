// Package dbtest runs a store test on every supported database: SQLite always,
// and PostgreSQL when STEWARD_TEST_PG holds the URL of a server the tests may
// create databases on. Each test gets a fresh, migrated database copied from a
// template that is migrated once per test binary.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
)

// PostgresEnv names the variable that holds the PostgreSQL server for tests.
const PostgresEnv = "STEWARD_TEST_PG"

// Each runs fn once per database as a subtest named after the dialect.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// OnPostgres runs fn for behaviour that exists only with several instances on one
// PostgreSQL (SQLite runs one instance). Like Each, it runs when
// STEWARD_TEST_PG is set, which the test command always does.
func OnPostgres(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

var (
	sqliteOnce     sync.Once
	sqliteTemplate string
	sqliteErr      error
)

// SQLite returns a fresh migrated SQLite database in the test's temp dir.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	sqliteOnce.Do(func() { sqliteTemplate, sqliteErr = buildSQLiteTemplate() })
	if sqliteErr != nil {
		t.Fatalf("sqlite template: %v", sqliteErr)
	}
	path := filepath.Join(t.TempDir(), "steward.db")
	if err := copyFile(sqliteTemplate, path); err != nil {
		t.Fatal(err)
	}
	d, err := db.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func buildSQLiteTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "steward-dbtest-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "template.db")
	d, err := db.OpenSQLite(context.Background(), path)
	if err != nil {
		return "", err
	}
	defer d.Close()
	if _, err := d.Migrate(context.Background()); err != nil {
		return "", err
	}
	// Fold the write-ahead log into the file so that a plain copy is complete.
	if _, err := d.Exec(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return "", err
	}
	return path, nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

var (
	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
)

// Postgres returns a fresh migrated database on the server in STEWARD_TEST_PG.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	url := PostgresURL(t)
	d, err := db.Open(context.Background(), "", url)
	if err != nil {
		t.Fatal(err)
	}
	postgresURLs.Store(d, url)
	t.Cleanup(func() { d.Close() })
	return d
}

// PostgresURL creates a fresh migrated database on the server in
// STEWARD_TEST_PG and returns its URL, for a whole application to open (the
// browser journeys); it is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	serverURL := os.Getenv(PostgresEnv)
	if serverURL == "" {
		t.Fatalf("%s is not set: the test command starts PostgreSQL and sets it", PostgresEnv)
	}
	pgOnce.Do(func() { pgTemplate, pgErr = buildPostgresTemplate(serverURL) })
	if pgErr != nil {
		t.Fatalf("postgres template: %v", pgErr)
	}
	name := "steward_t_" + strings.ToLower(id.Secret(8))
	if err := adminExec(serverURL, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgTemplate)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := adminExec(serverURL, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(serverURL, name)
}

// postgresURLs remembers the URL of each test database for Reopen.
var postgresURLs sync.Map

// Reopen opens a second, independent handle on the same database, as a second
// app instance would.
func Reopen(t *testing.T, d *db.DB) *db.DB {
	t.Helper()
	var (
		other *db.DB
		err   error
	)
	if u, ok := postgresURLs.Load(d); ok {
		other, err = db.Open(context.Background(), "", u.(string))
	} else {
		other, err = db.OpenSQLite(context.Background(), d.Path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func buildPostgresTemplate(serverURL string) (string, error) {
	name := "steward_tpl_" + strings.ToLower(id.Secret(8))
	if err := adminExec(serverURL, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	d, err := db.Open(context.Background(), "", withDatabase(serverURL, name))
	if err != nil {
		return "", err
	}
	// A template must have no open connections when it is copied.
	defer d.Close()
	if _, err := d.Migrate(context.Background()); err != nil {
		return "", err
	}
	return name, nil
}

func adminExec(serverURL, statement string) error {
	conn, err := sql.Open("pgx", serverURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Exec(statement)
	return err
}

func withDatabase(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return serverURL
	}
	u.Path = "/" + name
	return u.String()
}
