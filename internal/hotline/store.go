package hotline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of rescues. Every read of a customer's rescue is limited
// by the actor's scope: another organisation's rescue is not found.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

const columns = "id, org_id, number, state, title, description, users_affected, business_stopped, since, contact_name, contact_phone, " +
	"environment, reported_via, caller_name, caller_phone, reported_by, reporter_name, quota_entry, refund_entry, refunded_at, " +
	"downgrade_reason, downgrade_cause, downgrade_note, downgraded_at, postmortem, calendar, ack_minutes, update_minutes, " +
	"ack_due, update_due, breaches, created_at, updated_at, acknowledged_at, acknowledged_by, confirmed_at, mitigated_at, resolved_at, closed_at"

func scan(row db.Scanner) (Rescue, error) {
	var (
		r                                                              Rescue
		callerName, callerPhone, breaches, reason, cause, note         string
		refundedAt, downgradedAt, ackDue, updateDue                    sql.NullTime
		acknowledgedAt, confirmedAt, mitigatedAt, resolvedAt, closedAt sql.NullTime
		refundEntry                                                    string
	)
	err := row.Scan(&r.ID, &r.OrgID, &r.Number, &r.State, &r.Title, &r.Description, &r.UsersAffected, &r.BusinessStopped, &r.Since,
		&r.Contact.Name, &r.Contact.Phone, &r.Environment, &r.ReportedVia, &callerName, &callerPhone, &r.ReportedBy, &r.ReporterName,
		&r.QuotaEntry, &refundEntry, &refundedAt, &reason, &cause, &note, &downgradedAt, &r.Postmortem, &r.SLA.Calendar,
		&r.SLA.AckMinutes, &r.SLA.UpdateMinutes, &ackDue, &updateDue, &breaches, &r.CreatedAt, &r.UpdatedAt,
		&acknowledgedAt, &r.AcknowledgedBy, &confirmedAt, &mitigatedAt, &resolvedAt, &closedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Rescue{}, problem.ErrNotFound
	}
	if err != nil {
		return Rescue{}, err
	}
	r.Since, r.CreatedAt, r.UpdatedAt = r.Since.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if r.ReportedVia == ViaPhone {
		r.Caller = &Contact{Name: callerName, Phone: callerPhone}
	}
	if refundedAt.Valid {
		r.Refund = &Refund{EntryID: refundEntry, At: refundedAt.Time.UTC()}
	}
	if downgradedAt.Valid {
		r.Downgrade = &DowngradeInfo{Reason: reason, Cause: cause, Note: note, At: downgradedAt.Time.UTC()}
	}
	r.Due = Due{Ack: timePtr(ackDue), Update: timePtr(updateDue)}
	r.AcknowledgedAt, r.ConfirmedAt, r.MitigatedAt = timePtr(acknowledgedAt), timePtr(confirmedAt), timePtr(mitigatedAt)
	r.ResolvedAt, r.ClosedAt = timePtr(resolvedAt), timePtr(closedAt)
	return r, json.Unmarshal([]byte(breaches), &r.Breaches)
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NextNumber takes the next rescue number of the Beijing year inside tx: the
// row's lock keeps concurrent reports (on any instance) apart, and a
// rollback gives the number back.
func (s *Store) NextNumber(ctx context.Context, tx *db.Tx, year int) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO rescue_numbers (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = rescue_numbers.last + 1 RETURNING last`, year).Scan(&n)
	return n, err
}

// Insert adds a new rescue with the reporter's idempotency key (or none).
func (s *Store) Insert(ctx context.Context, tx *db.Tx, r Rescue, idempotencyKey string) error {
	breaches, err := json.Marshal(r.Breaches)
	if err != nil {
		return err
	}
	var caller Contact
	if r.Caller != nil {
		caller = *r.Caller
	}
	_, err = tx.Exec(ctx, "INSERT INTO rescues ("+columns+", idempotency_key) VALUES "+
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.OrgID, r.Number, r.State, r.Title, r.Description, r.UsersAffected, r.BusinessStopped, r.Since,
		r.Contact.Name, r.Contact.Phone, r.Environment, r.ReportedVia, caller.Name, caller.Phone, r.ReportedBy, r.ReporterName,
		r.QuotaEntry, "", nil, "", "", "", nil, "", r.SLA.Calendar, r.SLA.AckMinutes, r.SLA.UpdateMinutes,
		nullTime(r.Due.Ack), nullTime(r.Due.Update), string(breaches), r.CreatedAt, r.UpdatedAt,
		nil, "", nil, nil, nil, nil, nullable(idempotencyKey))
	if db.IsUniqueViolation(err) {
		return errDuplicateKey
	}
	return err
}

// errDuplicateKey: a report with the same idempotency key committed first.
var errDuplicateKey = errors.New("hotline: idempotency key already used")

// Save writes what a step changed, provided the rescue is still in state
// from; false when another step moved it first.
func (s *Store) Save(ctx context.Context, tx *db.Tx, r Rescue, from State) (bool, error) {
	breaches, err := json.Marshal(r.Breaches)
	if err != nil {
		return false, err
	}
	var reason, cause, note string
	var downgradedAt, refundedAt *time.Time
	refundEntry := ""
	if r.Downgrade != nil {
		reason, cause, note, downgradedAt = r.Downgrade.Reason, r.Downgrade.Cause, r.Downgrade.Note, &r.Downgrade.At
	}
	if r.Refund != nil {
		refundEntry, refundedAt = r.Refund.EntryID, &r.Refund.At
	}
	res, err := tx.Exec(ctx, `UPDATE rescues SET state = ?, refund_entry = ?, refunded_at = ?, downgrade_reason = ?, downgrade_cause = ?,
		downgrade_note = ?, downgraded_at = ?, postmortem = ?, ack_due = ?, update_due = ?, breaches = ?, ack_breaches = ?, update_breaches = ?,
		updated_at = ?, acknowledged_at = ?, acknowledged_by = ?, confirmed_at = ?, mitigated_at = ?, resolved_at = ?, closed_at = ?
		WHERE id = ? AND state = ?`,
		r.State, refundEntry, nullTime(refundedAt), reason, cause, note, nullTime(downgradedAt), r.Postmortem,
		nullTime(r.Due.Ack), nullTime(r.Due.Update), string(breaches), countBreaches(r.Breaches, BreachAck), countBreaches(r.Breaches, BreachUpdate),
		r.UpdatedAt, nullTime(r.AcknowledgedAt), r.AcknowledgedBy, nullTime(r.ConfirmedAt), nullTime(r.MitigatedAt),
		nullTime(r.ResolvedAt), nullTime(r.ClosedAt), r.ID, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func countBreaches(list []Breach, kind string) int {
	n := 0
	for _, b := range list {
		if b.Kind == kind {
			n++
		}
	}
	return n
}

// Get returns one rescue of the organisation within scope.
func (s *Store) Get(ctx context.Context, q db.Querier, scope actor.Scope, orgID, id string) (Rescue, error) {
	where, args := scope.Clause("org_id")
	return scan(q.QueryRow(ctx, "SELECT "+columns+" FROM rescues WHERE id = ? AND org_id = ? AND "+where,
		append([]any{id, orgID}, args...)...))
}

// ByKey returns the rescue a reporter filed with the idempotency key.
func (s *Store) ByKey(ctx context.Context, q db.Querier, orgID, reportedBy, key string) (Rescue, error) {
	return scan(q.QueryRow(ctx, "SELECT "+columns+" FROM rescues WHERE org_id = ? AND reported_by = ? AND idempotency_key = ?",
		orgID, reportedBy, key))
}

// OwnerOpen reports whether the organisation has the rescue and it is not
// closed: the basis on which vendor staff read its attachments.
func (s *Store) OwnerOpen(ctx context.Context, q db.Querier, orgID, id string) (bool, error) {
	var state State
	err := q.QueryRow(ctx, "SELECT state FROM rescues WHERE id = ? AND org_id = ?", id, orgID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && state != Closed, err
}

// List returns the organisation's rescues within scope, newest first,
// before the cursor: up to limit rows.
func (s *Store) List(ctx context.Context, scope actor.Scope, orgID, before string, limit int) ([]Rescue, error) {
	where, args := scope.Clause("org_id")
	return db.QueryAll(ctx, s.db, scan, "SELECT "+columns+" FROM rescues WHERE org_id = ? AND (? = '' OR id < ?) AND "+where+
		" ORDER BY id DESC LIMIT ?", append(append([]any{orgID, before, before}, args...), limit)...)
}

// Queue returns the rescues in the states of every organisation, oldest
// first, after the cursor: the vendor's work queue.
func (s *Store) Queue(ctx context.Context, states []State, after string, limit int) ([]Rescue, error) {
	query := "SELECT " + columns + " FROM rescues WHERE id > ? AND state IN (?" + strings.Repeat(", ?", len(states)-1) + ") ORDER BY id LIMIT ?"
	args := []any{after}
	for _, st := range states {
		args = append(args, st)
	}
	return db.QueryAll(ctx, s.db, scan, query, append(args, limit)...)
}

const updateColumns = "id, rescue_id, kind, public, body, state, attachment_id, author_id, author_name, author_role, created_at"

func scanUpdate(row db.Scanner) (Update, error) {
	var u Update
	err := row.Scan(&u.ID, &u.RescueID, &u.Kind, &u.Public, &u.Body, &u.State, &u.AttachmentID, &u.AuthorID, &u.AuthorName, &u.AuthorRole, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// InsertUpdate adds a line to a rescue's timeline.
func (s *Store) InsertUpdate(ctx context.Context, tx *db.Tx, u Update) error {
	_, err := tx.Exec(ctx, "INSERT INTO rescue_updates ("+updateColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		u.ID, u.RescueID, u.Kind, u.Public, u.Body, u.State, u.AttachmentID, u.AuthorID, u.AuthorName, u.AuthorRole, u.CreatedAt)
	return err
}

// HasAttachment reports whether the rescue's timeline lists the attachment.
func (s *Store) HasAttachment(ctx context.Context, q db.Querier, rescueID, attachmentID string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM rescue_updates WHERE rescue_id = ? AND attachment_id = ?", rescueID, attachmentID).Scan(&n)
	return n > 0, err
}

// Timeline returns a rescue's timeline, oldest first; internal notes only
// when internal is true (vendor staff).
func (s *Store) Timeline(ctx context.Context, q db.Querier, rescueID string, internal bool) ([]Update, error) {
	return db.QueryAll(ctx, q, scanUpdate, "SELECT "+updateColumns+" FROM rescue_updates WHERE rescue_id = ? AND (public = ? OR ?) ORDER BY id",
		rescueID, true, internal)
}

// Stats are the figures of the metrics: open rescues by state, those whose
// acknowledgement or update is overdue at the instant, and every breach
// recorded so far by kind.
type Stats struct {
	Open     map[State]int
	Overdue  map[string]int
	Breaches map[string]int
}

// Stats reads the metrics' figures at now.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	st := Stats{Open: map[State]int{}, Overdue: map[string]int{}, Breaches: map[string]int{}}
	rows, err := s.db.Query(ctx, "SELECT state, COUNT(*) FROM rescues WHERE state <> ? GROUP BY state", Closed)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var state State
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return st, err
		}
		st.Open[state] = n
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	var ackLate, updateLate, ackTotal, updateTotal int
	err = s.db.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN ack_due < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN update_due < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(ack_breaches), 0), COALESCE(SUM(update_breaches), 0) FROM rescues`, now, now).
		Scan(&ackLate, &updateLate, &ackTotal, &updateTotal)
	st.Overdue[BreachAck], st.Overdue[BreachUpdate] = ackLate, updateLate
	st.Breaches[BreachAck], st.Breaches[BreachUpdate] = ackTotal, updateTotal
	return st, err
}
