package lifecycle

import (
	"context"
	"encoding/json"
	"time"

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

// EndingBetween returns the versions whose standard service ends on a day
// from from to to, inclusive.
func (s *Store) EndingBetween(ctx context.Context, from, to string) ([]Version, error) {
	return db.QueryAll(ctx, s.db, scanVersion, "SELECT "+versionColumns+" FROM product_versions WHERE standard_support_until >= ? AND standard_support_until <= ? ORDER BY product, name",
		from, to)
}

// RecordReminder records that v's reminder for threshold days before its
// current end of standard service is sent; false when it was already.
func (s *Store) RecordReminder(ctx context.Context, tx *db.Tx, v Version, threshold int, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO lifecycle_reminders (product, version, standard_support_until, days, sent_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (product, version, standard_support_until, days) DO NOTHING`, v.Product, v.Name, v.StandardSupportUntil, threshold, at)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReminderSent reports whether v's reminder for threshold days before its
// current end of standard service was sent.
func (s *Store) ReminderSent(ctx context.Context, v Version, threshold int) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT count(*) FROM lifecycle_reminders WHERE product = ? AND version = ? AND standard_support_until = ? AND days = ?",
		v.Product, v.Name, v.StandardSupportUntil, threshold).Scan(&n)
	return n > 0, err
}
