package lifecycle

import (
	"context"
	"encoding/json"

	"steward.dev/steward/internal/platform/db"
)

// UpdateDates writes after's dates over before's; false when the row no
// longer holds before's dates (another edit committed in between).
func (s *Store) UpdateDates(ctx context.Context, tx *db.Tx, before, after Version) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE product_versions SET released_on = ?, standard_support_until = ?, extended_support_until = ?
		WHERE product = ? AND name = ? AND released_on = ? AND standard_support_until = ? AND COALESCE(extended_support_until, '') = ?`,
		after.ReleasedOn, after.StandardSupportUntil, orNil(after.ExtendedSupportUntil),
		before.Product, before.Name, before.ReleasedOn, before.StandardSupportUntil, before.ExtendedSupportUntil)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertChange stores an entry of the history.
func (s *Store) InsertChange(ctx context.Context, tx *db.Tx, c Change) error {
	dates, err := json.Marshal(c.Dates)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO lifecycle_changes (id, product, version, kind, changes, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
		c.ID, c.Product, c.Version, c.Kind, string(dates), c.At)
	return err
}

// Changes returns the newest limit entries of the history, newest first:
// of one product, or of all when product is "".
func (s *Store) Changes(ctx context.Context, product string, limit int) ([]Change, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (Change, error) {
		var c Change
		var dates string
		if err := row.Scan(&c.ID, &c.Product, &c.Version, &c.Kind, &dates, &c.At); err != nil {
			return c, err
		}
		c.At = c.At.UTC()
		return c, json.Unmarshal([]byte(dates), &c.Dates)
	}, "SELECT id, product, version, kind, changes, changed_at FROM lifecycle_changes WHERE (? = '' OR product = ?) ORDER BY changed_at DESC, id DESC LIMIT ?",
		product, product, limit)
}
