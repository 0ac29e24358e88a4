package oncall

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Store is the SQL of rotas, policies and escalations. They are the
// vendor's own: no organisation scope applies.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB returns the database, for transactions.
func (s *Store) DB() *db.DB { return s.db }

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return problem.ErrNotFound
	}
	return err
}

const scheduleColumns = "id, name, members, handover_weekday, handover_time, starts_on, created_at, updated_at"

func scanSchedule(row db.Scanner) (Schedule, error) {
	var s Schedule
	var members string
	var weekday int
	err := row.Scan(&s.ID, &s.Name, &members, &weekday, &s.HandoverTime, &s.StartsOn, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, err
	}
	for name, wd := range weekdays {
		if int(wd) == weekday {
			s.HandoverWeekday = name
		}
	}
	s.TimeZone = "Asia/Shanghai"
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, json.Unmarshal([]byte(members), &s.Members)
}

func scheduleArgs(s Schedule) []any {
	members, _ := json.Marshal(s.Members) // a []string always marshals
	return []any{s.Name, string(members), int(weekdays[s.HandoverWeekday]), s.HandoverTime, s.StartsOn}
}

// InsertSchedule stores a new schedule; false when its id is taken (a
// default another instance created first).
func (s *Store) InsertSchedule(ctx context.Context, tx *db.Tx, sc Schedule) (bool, error) {
	res, err := tx.Exec(ctx, "INSERT INTO oncall_schedules ("+scheduleColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
		append(append([]any{sc.ID}, scheduleArgs(sc)...), sc.CreatedAt, sc.UpdatedAt)...)
	return inserted(res, err)
}

func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UpdateSchedule stores a changed schedule.
func (s *Store) UpdateSchedule(ctx context.Context, tx *db.Tx, sc Schedule) error {
	_, err := tx.Exec(ctx, "UPDATE oncall_schedules SET name = ?, members = ?, handover_weekday = ?, handover_time = ?, starts_on = ?, updated_at = ? WHERE id = ?",
		append(scheduleArgs(sc), sc.UpdatedAt, sc.ID)...)
	return err
}

// Schedule returns one schedule without its overrides.
func (s *Store) Schedule(ctx context.Context, q db.Querier, id string) (Schedule, error) {
	sc, err := scanSchedule(q.QueryRow(ctx, "SELECT "+scheduleColumns+" FROM oncall_schedules WHERE id = ?", id))
	return sc, notFound(err)
}

// Schedules lists the schedules by id (a vendor has a handful).
func (s *Store) Schedules(ctx context.Context) ([]Schedule, error) {
	return db.QueryAll(ctx, s.db, scanSchedule, "SELECT "+scheduleColumns+" FROM oncall_schedules ORDER BY id")
}

// LockSchedule takes the schedule's row for the rest of tx (bumping its
// change time), so that two overrides added at once cannot both pass the
// overlap check; false when there is no such schedule.
func (s *Store) LockSchedule(ctx context.Context, tx *db.Tx, id string, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE oncall_schedules SET updated_at = ? WHERE id = ?", now, id)
	return inserted(res, err)
}

const overrideColumns = "id, schedule_id, user_id, starts_at, ends_at, created_at"

func scanOverride(row db.Scanner) (Override, error) {
	var o Override
	err := row.Scan(&o.ID, &o.ScheduleID, &o.UserID, &o.StartsAt, &o.EndsAt, &o.CreatedAt)
	o.StartsAt, o.EndsAt, o.CreatedAt = o.StartsAt.UTC(), o.EndsAt.UTC(), o.CreatedAt.UTC()
	return o, err
}

// Overrides lists a schedule's overrides that end after from and start
// before to, in time order.
func (s *Store) Overrides(ctx context.Context, q db.Querier, scheduleID string, from, to time.Time) ([]Override, error) {
	return db.QueryAll(ctx, q, scanOverride, "SELECT "+overrideColumns+" FROM oncall_overrides WHERE schedule_id = ? AND ends_at > ? AND starts_at < ? ORDER BY starts_at, id",
		scheduleID, from, to)
}

// InsertOverride stores an override.
func (s *Store) InsertOverride(ctx context.Context, tx *db.Tx, o Override) error {
	_, err := tx.Exec(ctx, "INSERT INTO oncall_overrides ("+overrideColumns+") VALUES (?, ?, ?, ?, ?, ?)",
		o.ID, o.ScheduleID, o.UserID, o.StartsAt, o.EndsAt, o.CreatedAt)
	return err
}

// Override returns one override of a schedule.
func (s *Store) Override(ctx context.Context, q db.Querier, scheduleID, id string) (Override, error) {
	o, err := scanOverride(q.QueryRow(ctx, "SELECT "+overrideColumns+" FROM oncall_overrides WHERE id = ? AND schedule_id = ?", id, scheduleID))
	return o, notFound(err)
}

// DeleteOverride removes an override.
func (s *Store) DeleteOverride(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.Exec(ctx, "DELETE FROM oncall_overrides WHERE id = ?", id)
	return err
}

const policyColumns = "id, name, levels, repeats, created_at, updated_at"

func scanPolicy(row db.Scanner) (Policy, error) {
	var p Policy
	var levels string
	if err := row.Scan(&p.ID, &p.Name, &levels, &p.Repeats, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, json.Unmarshal([]byte(levels), &p.Levels)
}

func levelsJSON(levels []Level) string {
	b, _ := json.Marshal(levels) // plain structs always marshal
	return string(b)
}

// InsertPolicy stores a new policy; false when its id is taken.
func (s *Store) InsertPolicy(ctx context.Context, tx *db.Tx, p Policy) (bool, error) {
	res, err := tx.Exec(ctx, "INSERT INTO escalation_policies ("+policyColumns+") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
		p.ID, p.Name, levelsJSON(p.Levels), p.Repeats, p.CreatedAt, p.UpdatedAt)
	return inserted(res, err)
}

// UpdatePolicy stores a changed policy.
func (s *Store) UpdatePolicy(ctx context.Context, tx *db.Tx, p Policy) error {
	_, err := tx.Exec(ctx, "UPDATE escalation_policies SET name = ?, levels = ?, repeats = ?, updated_at = ? WHERE id = ?",
		p.Name, levelsJSON(p.Levels), p.Repeats, p.UpdatedAt, p.ID)
	return err
}

// Policy returns one policy.
func (s *Store) Policy(ctx context.Context, q db.Querier, id string) (Policy, error) {
	p, err := scanPolicy(q.QueryRow(ctx, "SELECT "+policyColumns+" FROM escalation_policies WHERE id = ?", id))
	return p, notFound(err)
}

// Policies lists the policies by id.
func (s *Store) Policies(ctx context.Context) ([]Policy, error) {
	return db.QueryAll(ctx, s.db, scanPolicy, "SELECT "+policyColumns+" FROM escalation_policies ORDER BY id")
}

const escalationColumns = `id, page_key, policy_id, org_id, title_zh, title_en, body_zh, body_en, link, levels, repeats,
	step, notified_at, next_at, COALESCE(acknowledged_by, ''), acknowledged_at, created_at`

func scanEscalation(row db.Scanner) (Escalation, error) {
	var e Escalation
	var levels string
	var next, acked sql.NullTime
	err := row.Scan(&e.ID, &e.Key, &e.PolicyID, &e.OrgID, &e.Title.Zh, &e.Title.En, &e.Body.Zh, &e.Body.En, &e.Link, &levels, &e.repeats,
		&e.Step, &e.NotifiedAt, &next, &e.AcknowledgedBy, &acked, &e.CreatedAt)
	if err != nil {
		return e, err
	}
	e.NotifiedAt, e.CreatedAt = e.NotifiedAt.UTC(), e.CreatedAt.UTC()
	e.NextAt, e.AcknowledgedAt = utcPtr(next), utcPtr(acked)
	e.State = StateOpen
	if e.AcknowledgedAt != nil {
		e.State = StateAcknowledged
	}
	if err := json.Unmarshal([]byte(levels), &e.levels); err != nil {
		return e, err
	}
	e.Level, e.Round = position(e.Step, len(e.levels))
	return e, nil
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// InsertEscalation stores a new escalation; false when its key was paged
// before (the first page stands).
func (s *Store) InsertEscalation(ctx context.Context, tx *db.Tx, e Escalation) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO escalations (id, page_key, policy_id, org_id, title_zh, title_en, body_zh, body_en, link, levels, repeats, step, notified_at, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (page_key) DO NOTHING`,
		e.ID, e.Key, e.PolicyID, e.OrgID, e.Title.Zh, e.Title.En, e.Body.Zh, e.Body.En, e.Link, levelsJSON(e.levels), e.repeats,
		e.Step, e.NotifiedAt, e.NextAt, e.CreatedAt)
	return inserted(res, err)
}

// Escalation returns the escalation of a key.
func (s *Store) Escalation(ctx context.Context, q db.Querier, key string) (Escalation, error) {
	e, err := scanEscalation(q.QueryRow(ctx, "SELECT "+escalationColumns+" FROM escalations WHERE page_key = ?", key))
	return e, notFound(err)
}

// Advance moves an open escalation from step to step+1, once: it reports
// false when another run already did, or someone acknowledged meanwhile.
// The conditional update is what makes each step notify once across
// instances and a re-run of a job whose instance died.
func (s *Store) Advance(ctx context.Context, tx *db.Tx, key string, step int, at time.Time, next *time.Time) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE escalations SET step = ?, notified_at = ?, next_at = ? WHERE page_key = ? AND step = ? AND acknowledged_at IS NULL",
		step+1, at, next, key, step)
	return inserted(res, err)
}

// Acknowledge marks an open escalation acknowledged; false when it was
// already (or does not exist).
func (s *Store) Acknowledge(ctx context.Context, tx *db.Tx, key, userID string, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE escalations SET acknowledged_by = ?, acknowledged_at = ?, next_at = NULL WHERE page_key = ? AND acknowledged_at IS NULL",
		userID, at, key)
	return inserted(res, err)
}

// Escalations lists escalations newest first, before the id after (empty
// for the newest), in one state or any (""), at most limit.
func (s *Store) Escalations(ctx context.Context, state, after string, limit int) ([]Escalation, error) {
	query, args := "SELECT "+escalationColumns+" FROM escalations WHERE 1 = 1", []any{}
	switch state {
	case StateOpen:
		query += " AND acknowledged_at IS NULL"
	case StateAcknowledged:
		query += " AND acknowledged_at IS NOT NULL"
	}
	if after != "" {
		query += " AND id < ?"
		args = append(args, after)
	}
	return db.QueryAll(ctx, s.db, scanEscalation, query+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
}
