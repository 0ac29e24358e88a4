// Package db opens the embedded SQLite database or PostgreSQL, hides the few
// differences between them, and runs the migrations.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database in use.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier runs SQL written with ? placeholders; both *DB and *Tx are one.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// DB is the application's database. On SQLite, writes go through a single
// connection (SQLite has one writer) and reads through a pool of read-only
// connections; on PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// stmts holds a prepared statement per read query text: parsing SQL
	// is most of a simple read's cost on SQLite. The query texts are
	// constants of the code, so the map stays small.
	stmts sync.Map // string → *sql.Stmt
	// Path is the SQLite file; empty on PostgreSQL.
	Path string
	// url is the PostgreSQL connection string, for Listen's own connection.
	url string
	// listeners are the Listen loops, stopped by Close.
	listeners listeners
}

// Open connects to PostgreSQL when databaseURL is set, else to the SQLite file
// steward.db inside dataDir (created if missing).
func Open(ctx context.Context, dataDir, databaseURL string) (*DB, error) {
	if databaseURL != "" {
		return openPostgres(ctx, databaseURL)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, "steward.db"))
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	pool, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(20)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{dialect: Postgres, write: pool, read: pool, url: databaseURL}, nil
}

// uriPath escapes what a SQLite URI's path may not hold as such.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// OpenSQLite opens (creating if needed) the SQLite database at path.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	pragmas := url.Values{}
	// mmap: reads come from the page cache without a system call per page,
	// which was a quarter of a search's time over 100,000 documents.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)", "mmap_size(1073741824)"} {
		pragmas.Add("_pragma", p)
	}
	// Times are written as "2006-01-02 15:04:05.999999999+00:00", all in UTC,
	// so that SQL comparisons of timestamps compare instants.
	pragmas.Set("_time_format", "sqlite")
	// The path is part of a URI: a '#' or '?' in a directory name would
	// otherwise end it and open another, empty, database.
	file := "file:" + uriPath.Replace(path)
	writeDSN := file + "?" + pragmas.Encode() + "&_txlock=immediate"
	pragmas.Add("_pragma", "query_only(1)")
	readDSN := file + "?" + pragmas.Encode()

	write, err := sql.Open("sqlite", writeDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", readDSN)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	readers := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	return &DB{dialect: SQLite, write: write, read: read, Path: path}, nil
}

// Close closes every connection.
func (d *DB) Close() error {
	d.listeners.stop()
	d.stmts.Range(func(_, stmt any) bool {
		stmt.(*sql.Stmt).Close()
		return true
	})
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Dialect returns which database this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Exec runs a statement outside any transaction and without an audit record:
// for housekeeping tables (jobs) and tests. Changes people make go through InTx.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, rebind(d.dialect, query), args...)
}

// Query runs a read.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := d.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}

// QueryRow runs a read that returns at most one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	stmt, err := d.prepared(ctx, query)
	if err != nil {
		// Let the error surface from Scan, as QueryRowContext would.
		return d.read.QueryRowContext(ctx, rebind(d.dialect, query), args...)
	}
	return stmt.QueryRowContext(ctx, args...)
}

func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := d.stmts.Load(query); ok {
		return stmt.(*sql.Stmt), nil
	}
	stmt, err := d.read.PrepareContext(context.WithoutCancel(ctx), rebind(d.dialect, query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := d.stmts.LoadOrStore(query, stmt); loaded {
		stmt.Close()
		return prev.(*sql.Stmt), nil
	}
	return stmt, nil
}

// Tx is a transaction; on SQLite it holds the write lock from its start.
// A transaction that changes anything must also write its audit record
// (MarkAudited), or it does not commit.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	wrote   bool
	audited bool
}

// ErrUnaudited refuses to commit a change that wrote no audit record.
var ErrUnaudited = errors.New("db: refusing to commit a change without its audit record")

// MarkAudited records that the transaction wrote its audit record.
func (t *Tx) MarkAudited() { t.audited = true }

// Dialect returns which database this is.
func (t *Tx) Dialect() Dialect { return t.dialect }

// Exec runs a statement inside the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.wrote = true
	return t.tx.ExecContext(ctx, rebind(t.dialect, query), args...)
}

// Query runs a read inside the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, rebind(t.dialect, query), args...)
}

// QueryRow runs a single-row read inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, rebind(t.dialect, query), args...)
}

// InTx runs fn in a transaction, committing when it returns nil and every
// change it made is audited.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, dialect: d.dialect}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(sqlTx.Rollback()))
	}
	if tx.wrote && !tx.audited {
		return errors.Join(ErrUnaudited, ignoreDone(sqlTx.Rollback()))
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// rebind turns ? placeholders into PostgreSQL's $1, $2, … . Queries are
// written without ? inside string literals, so a plain scan is enough.
func rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// SkipLocked is the locking clause of a claim query: PostgreSQL lets several
// instances claim different rows at once; SQLite has a single writer anyway.
func (d *DB) SkipLocked() string {
	if d.dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// QueryRowWrite runs a single-row statement that changes data (UPDATE …
// RETURNING) on the write connection.
func (d *DB) QueryRowWrite(ctx context.Context, query string, args ...any) *sql.Row {
	return d.write.QueryRowContext(ctx, rebind(d.dialect, query), args...)
}
