package signing

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"fmt"

	"steward.dev/steward/internal/platform/db"
)

// key is a stored signing key, private half included.
type key struct {
	PublicKey
	generation int64
	private    ed25519.PrivateKey
}

const keyColumns = "id, generation, algorithm, public_key, private_key, created_at, retired_at"

func scanKey(row db.Scanner) (key, error) {
	var (
		k       key
		seed    string
		retired sql.NullTime
	)
	if err := row.Scan(&k.ID, &k.generation, &k.Algorithm, &k.PublicKey.PublicKey, &seed, &k.CreatedAt, &retired); err != nil {
		return key{}, err
	}
	raw, err := base64.StdEncoding.DecodeString(seed)
	if err != nil || len(raw) != ed25519.SeedSize {
		return key{}, fmt.Errorf("signing key %s: the stored private key is not a 32-byte seed", k.ID)
	}
	k.private = ed25519.NewKeyFromSeed(raw)
	k.CreatedAt = k.CreatedAt.UTC()
	if retired.Valid {
		at := retired.Time.UTC()
		k.RetiredAt = &at
	}
	return k, nil
}

// loadKeys reads every key, oldest generation first.
func loadKeys(ctx context.Context, q db.Querier) ([]key, error) {
	return db.QueryAll(ctx, q, scanKey, "SELECT "+keyColumns+" FROM signing_keys ORDER BY generation")
}

func insertKey(ctx context.Context, tx *db.Tx, k key) error {
	_, err := tx.Exec(ctx, "INSERT INTO signing_keys ("+keyColumns+") VALUES (?, ?, ?, ?, ?, ?, NULL)",
		k.ID, k.generation, k.Algorithm, k.PublicKey.PublicKey,
		base64.StdEncoding.EncodeToString(k.private.Seed()), k.CreatedAt)
	return err
}

func nextGeneration(ctx context.Context, tx *db.Tx) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(generation), 0) + 1 FROM signing_keys").Scan(&n)
	return n, err
}

func retireKey(ctx context.Context, tx *db.Tx, id string, at any) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE signing_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL", at, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
