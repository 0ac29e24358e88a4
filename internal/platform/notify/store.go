package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// store is the SQL of channels, preferences and the delivery log.
type store struct{ db *db.DB }

const channelColumns = "id, COALESCE(org_id, ''), type, name, url, secret, kinds, enabled, created_at, updated_at"

func scanChannel(row db.Scanner) (Channel, error) {
	var c Channel
	var kinds string
	if err := row.Scan(&c.ID, &c.OrgID, &c.Type, &c.Name, &c.URL, &c.Secret, &kinds, &c.Enabled, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return Channel{}, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, json.Unmarshal([]byte(kinds), &c.Kinds)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func kindsJSON(kinds []string) string {
	if kinds == nil {
		kinds = []string{}
	}
	raw, _ := json.Marshal(kinds) // a []string always marshals
	return string(raw)
}

// receivers are the enabled channels an event of orgID reaches: the vendor's
// and that organisation's own.
func (s *store) receivers(ctx context.Context, q db.Querier, orgID string) ([]Channel, error) {
	return db.QueryAll(ctx, q, scanChannel, "SELECT "+channelColumns+" FROM notify_channels WHERE enabled = ? AND (org_id IS NULL OR org_id = ?) ORDER BY id", true, orgID)
}

// channels lists the vendor's channels (orgID empty) or an organisation's
// within the actor's scope.
func (s *store) channels(ctx context.Context, scope actor.Scope, orgID string) ([]Channel, error) {
	if orgID == "" {
		return db.QueryAll(ctx, s.db, scanChannel, "SELECT "+channelColumns+" FROM notify_channels WHERE org_id IS NULL ORDER BY id")
	}
	where, args := scope.Clause("org_id")
	return db.QueryAll(ctx, s.db, scanChannel, "SELECT "+channelColumns+" FROM notify_channels WHERE org_id = ? AND "+where+" ORDER BY id", append([]any{orgID}, args...)...)
}

// channel returns one channel of the vendor (orgID empty) or of an
// organisation within the scope; anything else is not found.
func (s *store) channel(ctx context.Context, q db.Querier, scope actor.Scope, orgID, id string) (Channel, error) {
	var c Channel
	var err error
	if orgID == "" {
		c, err = scanChannel(q.QueryRow(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE id = ? AND org_id IS NULL", id))
	} else {
		where, args := scope.Clause("org_id")
		c, err = scanChannel(q.QueryRow(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE id = ? AND org_id = ? AND "+where, append([]any{id, orgID}, args...)...))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, problem.ErrNotFound
	}
	return c, err
}

// channelByID reads a channel for sending, whoever owns it.
func (s *store) channelByID(ctx context.Context, id string) (Channel, bool, error) {
	c, err := scanChannel(s.db.QueryRow(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, false, nil
	}
	return c, err == nil, err
}

func (s *store) insertChannel(ctx context.Context, tx *db.Tx, c Channel) error {
	_, err := tx.Exec(ctx, "INSERT INTO notify_channels (id, org_id, type, name, url, secret, kinds, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		c.ID, nullable(c.OrgID), c.Type, c.Name, c.URL, c.Secret, kindsJSON(c.Kinds), c.Enabled, c.CreatedAt, c.UpdatedAt)
	return err
}

func (s *store) updateChannel(ctx context.Context, tx *db.Tx, c Channel) error {
	_, err := tx.Exec(ctx, "UPDATE notify_channels SET name = ?, url = ?, secret = ?, kinds = ?, enabled = ?, updated_at = ? WHERE id = ?",
		c.Name, c.URL, c.Secret, kindsJSON(c.Kinds), c.Enabled, c.UpdatedAt, c.ID)
	return err
}

func (s *store) deleteChannel(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.Exec(ctx, "DELETE FROM notify_channels WHERE id = ?", id)
	return err
}

// preferences returns the e-mail kinds of each person of the organisation
// who chose them; people missing from the map get every kind.
func (s *store) preferences(ctx context.Context, q db.Querier, orgID string) (map[string][]string, error) {
	rows, err := q.Query(ctx, "SELECT user_id, kinds FROM notify_preferences WHERE org_id = ?", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var user, kinds string
		if err := rows.Scan(&user, &kinds); err != nil {
			return nil, err
		}
		var list []string
		if err := json.Unmarshal([]byte(kinds), &list); err != nil {
			return nil, err
		}
		out[user] = list
	}
	return out, rows.Err()
}

// replacePreferences stores the organisation's choices in place of the old ones.
func (s *store) replacePreferences(ctx context.Context, tx *db.Tx, orgID string, prefs map[string][]string, at time.Time) error {
	if _, err := tx.Exec(ctx, "DELETE FROM notify_preferences WHERE org_id = ?", orgID); err != nil {
		return err
	}
	for user, kinds := range prefs {
		if _, err := tx.Exec(ctx, "INSERT INTO notify_preferences (org_id, user_id, kinds, updated_at) VALUES (?, ?, ?, ?)", orgID, user, kindsJSON(kinds), at); err != nil {
			return err
		}
	}
	return nil
}

const deliveryColumns = "id, event_key, kind, COALESCE(org_id, ''), channel_type, COALESCE(channel_id, ''), recipient, event, state, attempts, last_status, last_error, created_at, updated_at, sent_at"

func scanDelivery(row db.Scanner) (Delivery, error) {
	var d Delivery
	var event string
	var sent sql.NullTime
	if err := row.Scan(&d.ID, &d.EventKey, &d.Kind, &d.OrgID, &d.ChannelType, &d.ChannelID, &d.Recipient, &event, &d.State,
		&d.Attempts, &d.LastStatus, &d.LastError, &d.CreatedAt, &d.UpdatedAt, &sent); err != nil {
		return Delivery{}, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if sent.Valid {
		at := sent.Time.UTC()
		d.SentAt = &at
	}
	if err := json.Unmarshal([]byte(event), &d.event); err != nil {
		return Delivery{}, err
	}
	d.Title = d.event.Title
	if d.event.To != nil {
		d.email = *d.event.To
	}
	return d, nil
}

// insertDelivery writes a pending delivery unless one with its dedup key
// exists; it reports whether it wrote one.
func (s *store) insertDelivery(ctx context.Context, tx *db.Tx, d Delivery, dedupKey string) (bool, error) {
	event, err := json.Marshal(d.event)
	if err != nil {
		return false, err
	}
	res, err := tx.Exec(ctx, `INSERT INTO notify_deliveries (id, dedup_key, event_key, kind, org_id, channel_type, channel_id, recipient, event, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
		d.ID, dedupKey, d.EventKey, d.Kind, nullable(d.OrgID), d.ChannelType, nullable(d.ChannelID), d.Recipient, string(event), Pending, d.CreatedAt, d.CreatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *store) delivery(ctx context.Context, id string) (Delivery, error) {
	d, err := scanDelivery(s.db.QueryRow(ctx, "SELECT "+deliveryColumns+" FROM notify_deliveries WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, problem.ErrNotFound
	}
	return d, err
}

// recordAttempt writes the outcome of an attempt. The delivery log is
// bookkeeping of the job runner, like the jobs table: no audit record.
func (s *store) recordAttempt(ctx context.Context, d Delivery) error {
	_, err := s.db.Exec(ctx, "UPDATE notify_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ?, sent_at = ? WHERE id = ?",
		d.State, d.Attempts, d.LastStatus, d.LastError, d.UpdatedAt, d.SentAt, d.ID)
	return err
}

// DeliveryFilter narrows the delivery log; empty fields match everything.
type DeliveryFilter struct {
	State, Kind string
}

// deliveries lists the log newest first, after the cursor (an id).
func (s *store) deliveries(ctx context.Context, f DeliveryFilter, before string, limit int) ([]Delivery, error) {
	query, args := "SELECT "+deliveryColumns+" FROM notify_deliveries WHERE 1=1", []any{}
	if f.State != "" {
		query += " AND state = ?"
		args = append(args, f.State)
	}
	if f.Kind != "" {
		query += " AND kind = ?"
		args = append(args, f.Kind)
	}
	if before != "" {
		query += " AND id < ?"
		args = append(args, before)
	}
	return db.QueryAll(ctx, s.db, scanDelivery, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
}
