package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Secret returns the random key of size bytes stored in the settings table
// under name, making it on first use, so that every instance signs and
// checks with the same key. When instances start together, the first
// insert wins and all of them read that one.
func Secret(ctx context.Context, d *DB, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	rand.Read(fresh) // never fails (crypto/rand since Go 1.24)
	if _, err := d.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", name, hex.EncodeToString(fresh)); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var stored string
	if err := d.QueryRowWrite(ctx, "SELECT value FROM settings WHERE key = ?", name).Scan(&stored); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return key, nil
}
