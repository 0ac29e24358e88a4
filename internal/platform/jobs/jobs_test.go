package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

var start = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

func newRunner(d *db.DB, c clock.Clock) *Runner {
	return NewRunner(d, c, slog.New(slog.DiscardHandler))
}

func state(t *testing.T, d *db.DB, kind string) (string, int) {
	t.Helper()
	var s string
	var attempts int
	if err := d.QueryRow(context.Background(), "SELECT state, attempts FROM jobs WHERE kind = ?", kind).Scan(&s, &attempts); err != nil {
		t.Fatal(err)
	}
	return s, attempts
}

func TestTwoInstancesRunAScheduledJobOncePerDueTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(start)
		var mu sync.Mutex
		runs := map[time.Time]int{}
		count := func(_ context.Context, j Job) error {
			mu.Lock()
			runs[j.RunAt.UTC()]++
			mu.Unlock()
			return nil
		}
		a, b := newRunner(d, c), newRunner(dbtest.Reopen(t, d), c)
		a.Every("purge", time.Hour, count)
		b.Every("purge", time.Hour, count)
		for hour := range 6 {
			var wg sync.WaitGroup
			for _, r := range []*Runner{a, b, a, b} {
				wg.Go(func() {
					if _, err := r.RunDue(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if hour < 5 {
				c.Advance(time.Hour)
			}
		}
		if len(runs) != 6 {
			t.Fatalf("ran at %d due times, want 6: %v", len(runs), runs)
		}
		for due, n := range runs {
			if n != 1 {
				t.Errorf("due %v ran %d times", due, n)
			}
		}
	})
}

func TestAJobOfADeadInstanceIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewManual(start)
		dead, alive := newRunner(d, c), newRunner(dbtest.Reopen(t, d), c)
		var ran atomic.Int32
		alive.Handle("report", func(context.Context, Job) error { ran.Add(1); return nil })
		if err := Enqueue(ctx, d, c.Now(), "report", map[string]string{"org": "o_1"}, c.Now(), ""); err != nil {
			t.Fatal(err)
		}
		// The first instance claims the job and dies before finishing it.
		if _, ok, err := dead.claim(ctx); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if n, _ := alive.RunDue(ctx); n != 0 {
			t.Fatal("a job under a live lease was run by another instance")
		}
		c.Advance(DefaultLease + time.Second)
		if n, err := alive.RunDue(ctx); n != 1 || err != nil || ran.Load() != 1 {
			t.Fatalf("after the lease ran out: ran %d (%v), handler called %d times", n, err, ran.Load())
		}
		if s, attempts := state(t, d, "report"); s != Done || attempts != 2 {
			t.Fatalf("job is %s after %d attempts, want done after 2", s, attempts)
		}
	})
}

func TestFailedJobsRetryWithBackoffThenStop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewManual(start)
		r := newRunner(d, c)
		var calls atomic.Int32
		r.Handle("flaky", func(context.Context, Job) error {
			if calls.Add(1) == 3 {
				panic("boom")
			}
			return errors.New("mail server down")
		})
		if err := Enqueue(ctx, d, c.Now(), "flaky", nil, c.Now(), "only-once"); err != nil {
			t.Fatal(err)
		}
		if err := Enqueue(ctx, d, c.Now(), "flaky", nil, c.Now(), "only-once"); err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= DefaultMaxAttempts; attempt++ {
			if n, _ := r.RunDue(ctx); n != 1 {
				t.Fatalf("attempt %d: ran %d jobs, want 1 (the duplicate must not exist)", attempt, n)
			}
			if n, _ := r.RunDue(ctx); n != 0 {
				t.Fatalf("attempt %d: retried before its backoff", attempt)
			}
			c.Advance(Backoff(attempt))
		}
		if s, attempts := state(t, d, "flaky"); s != Failed || attempts != DefaultMaxAttempts {
			t.Fatalf("after %d failures the job is %s (%d attempts)", DefaultMaxAttempts, s, attempts)
		}
		if n, _ := r.RunDue(ctx); n != 0 {
			t.Fatal("a failed job ran again")
		}
	})
}

func TestBackoffDoubles(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Backoff(30) != time.Hour {
		t.Errorf("Backoff(30) = %v, want the one-hour cap", Backoff(30))
	}
}
