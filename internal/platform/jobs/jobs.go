// Package jobs runs background work stored as rows: one-off jobs and jobs on a
// schedule. An instance claims a due job with a lease; several instances on one
// PostgreSQL run each job once, and a job whose instance died is taken over
// when its lease runs out. Failures are retried with exponential backoff.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
)

// Job is one claimed run.
type Job struct {
	ID       string
	Kind     string
	Payload  json.RawMessage
	RunAt    time.Time // when it was due
	Attempts int       // including this one
}

// Handler does a job's work; an error schedules a retry.
type Handler func(ctx context.Context, j Job) error

// States of a job row.
const (
	Pending = "pending"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// Defaults.
const (
	DefaultLease       = 2 * time.Minute
	DefaultMaxAttempts = 5
	firstRetry         = 30 * time.Second
	maxRetry           = time.Hour
)

type schedule struct {
	kind  string
	every time.Duration
}

// Runner claims and runs due jobs.
type Runner struct {
	db       *db.DB
	clock    clock.Clock
	log      *slog.Logger
	owner    string // this instance
	lease    time.Duration
	mu       sync.RWMutex
	handlers map[string]Handler
	sched    []schedule
}

// NewRunner returns a runner for this instance.
func NewRunner(d *db.DB, c clock.Clock, log *slog.Logger) *Runner {
	return &Runner{db: d, clock: c, log: log, owner: id.New("inst", c.Now()), lease: DefaultLease, handlers: map[string]Handler{}}
}

// SetLease changes how long a claim lasts without renewal (tests shorten it).
func (r *Runner) SetLease(d time.Duration) { r.lease = d }

// Owner names this instance in the jobs it claims.
func (r *Runner) Owner() string { return r.owner }

// Handle registers the handler of a kind of job.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

// Every runs h at every multiple of interval since the Unix epoch, once per due
// time across all instances.
func (r *Runner) Every(kind string, interval time.Duration, h Handler) {
	r.Handle(kind, h)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sched = append(r.sched, schedule{kind, interval})
}

// Enqueue adds a one-off job due at runAt. A non-empty dedupKey makes a
// repeat a no-op. q lets the caller enqueue inside its own transaction.
func Enqueue(ctx context.Context, q db.Querier, now time.Time, kind string, payload any, runAt time.Time, dedupKey string) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	var key any
	if dedupKey != "" {
		key = dedupKey
	}
	_, err = q.Exec(ctx, `INSERT INTO jobs (id, kind, payload, dedup_key, run_at, state, attempts, max_attempts, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
		id.New("job", now), kind, string(raw), key, runAt.UTC(), Pending, DefaultMaxAttempts, now, now)
	return err
}

// Run polls for due jobs until ctx ends, then waits for the job in hand.
func (r *Runner) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue plans the next run of every schedule, then claims and runs due jobs
// one by one until none is left; it returns how many ran.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	if err := r.plan(ctx); err != nil {
		return 0, err
	}
	ran := 0
	for ctx.Err() == nil {
		j, ok, err := r.claim(ctx)
		if err != nil || !ok {
			return ran, err
		}
		r.run(ctx, j)
		ran++
	}
	return ran, nil
}

// plan makes sure each schedule has a row for its current due time; the dedup
// key makes that row unique across instances.
func (r *Runner) plan(ctx context.Context) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	now := r.clock.Now()
	for _, s := range r.sched {
		due := now.Truncate(s.every)
		if err := Enqueue(ctx, r.db, now, s.kind, struct{}{}, due, s.kind+"@"+due.UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("plan %s: %w", s.kind, err)
		}
	}
	return nil
}

// claim takes the oldest due job: pending and due, or running with a lease
// that ran out (its instance died).
func (r *Runner) claim(ctx context.Context) (Job, bool, error) {
	now := r.clock.Now()
	var j Job
	var payload string
	err := r.db.QueryRowWrite(ctx, `UPDATE jobs SET state = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
		WHERE id = (SELECT id FROM jobs WHERE (state = ? AND run_at <= ?) OR (state = ? AND lease_until < ?)
		            ORDER BY run_at, id LIMIT 1`+r.db.SkipLocked()+`)
		RETURNING id, kind, payload, run_at, attempts`,
		Running, r.owner, now.Add(r.lease), now, Pending, now, Running, now).Scan(&j.ID, &j.Kind, &payload, &j.RunAt, &j.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("claim: %w", err)
	}
	j.Payload = json.RawMessage(payload)
	return j, true, nil
}

func (r *Runner) run(ctx context.Context, j Job) {
	r.mu.RLock()
	h := r.handlers[j.Kind]
	r.mu.RUnlock()
	var err error
	if h == nil {
		err = fmt.Errorf("no handler for job kind %q", j.Kind)
	} else {
		stop := r.keepLease(ctx, j.ID)
		err = safely(ctx, h, j)
		stop()
	}
	// The bookkeeping must land even when shutdown cancelled ctx meanwhile,
	// or the finished job would run again once its lease ran out.
	ctx = context.WithoutCancel(ctx)
	now := r.clock.Now()
	if err == nil {
		_, err := r.db.Exec(ctx, "UPDATE jobs SET state = ?, finished_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL, last_error = '' WHERE id = ? AND lease_owner = ?",
			Done, now, now, j.ID, r.owner)
		if err != nil {
			r.log.Error("job done", "job", j.ID, "err", err)
		}
		return
	}
	r.log.Warn("job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
	_, uerr := r.db.Exec(ctx, `UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN ? ELSE ? END,
		run_at = ?, last_error = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?`,
		Failed, Pending, now.Add(Backoff(j.Attempts)), err.Error(), now, j.ID, r.owner)
	if uerr != nil {
		r.log.Error("job failed", "job", j.ID, "err", uerr)
	}
}

// safely runs h, turning a panic into an error so one bad job cannot stop the runner.
func safely(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return h(ctx, j)
}

// keepLease renews the claim while a long job runs; the returned func stops it.
func (r *Runner) keepLease(ctx context.Context, jobID string) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(r.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				r.db.Exec(ctx, "UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?", r.clock.Now().Add(r.lease), jobID, r.owner)
			}
		}
	}()
	return func() { close(done) }
}

// Backoff is the wait before retry n+1: 30 s, 1 min, 2 min, … up to an hour.
func Backoff(attempt int) time.Duration {
	d := firstRetry
	for i := 1; i < attempt && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// Row is a job as the console lists it.
type Row struct {
	ID, Kind, State, LastError string
	RunAt, UpdatedAt           time.Time
	Attempts, MaxAttempts      int
	LeaseOwner                 string
}

// Recent lists the latest jobs, newest due first.
func Recent(ctx context.Context, d *db.DB, limit int) ([]Row, error) {
	rows, err := d.Query(ctx, "SELECT id, kind, state, last_error, run_at, updated_at, attempts, max_attempts, COALESCE(lease_owner, '') FROM jobs ORDER BY run_at DESC, id DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var j Row
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.LastError, &j.RunAt, &j.UpdatedAt, &j.Attempts, &j.MaxAttempts, &j.LeaseOwner); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
