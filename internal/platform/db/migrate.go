package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the migration files of the dialect.
func Migrations(d Dialect) fs.FS {
	sub, err := fs.Sub(migrations, "migrations/"+string(d))
	if err != nil {
		panic(err) // the directories are embedded at build time
	}
	return sub
}

func (d *DB) provider() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	return goose.NewProvider(dialect, d.write, Migrations(d.dialect))
}

// Migrate applies every migration not yet applied and returns how many ran.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	p, err := d.provider()
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("migrate: %w", err)
	}
	return len(results), nil
}

// Pending reports whether some migration has not been applied; /readyz uses it.
func (d *DB) Pending(ctx context.Context) (bool, error) {
	p, err := d.provider()
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

// Backup writes a consistent copy of the SQLite database to path while the
// server keeps running. PostgreSQL has pg_dump for that.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.dialect != SQLite {
		return ErrBackupPostgres
	}
	_, err := d.write.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// ErrBackupPostgres explains what to do instead on PostgreSQL.
var ErrBackupPostgres = fmt.Errorf("backup copies the embedded SQLite database; for PostgreSQL use pg_dump (for example: pg_dump --format=custom --file=steward.dump \"$STEWARD_DATABASE_URL\")")
