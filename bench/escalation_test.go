package bench

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/oncall"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/notify"
)

// openEscalations is how many escalations wait for their next step while
// the lag is measured: each has its timer (a pending job) in the jobs table.
const openEscalations = 10_000

// pagesPerTx batches the set-up's pages, which would otherwise wait for a
// commit each.
const pagesPerTx = 500

// BenchmarkEscalationLag measures how long an escalation step takes from
// the moment it falls due until its notification is recorded (the step's
// transaction committed: inbox notices, the e-mail deliveries, the next
// step's job), with 10,000 escalations open, through the job runner on
// SQLite. Before the timed loop, 10,000 pages go out a millisecond apart on
// a manual clock (each level 1 notified), so their
// second steps fall due a millisecond apart 15 minutes later. Each op moves
// the clock one millisecond, so that exactly one step is due among the
// 10,000 timers, and runs the runner as a polling instance would; each step
// enqueues its next, so 10,000 stay open. lag-ms-mean/p99/max report the
// time from the clock's move to the step's commit; ns/op also counts the
// step's e-mail delivery job run afterwards (no SMTP server configured, so
// it is skipped quickly). Run it with a fixed count, at most 10,000:
//
//	go test -run '^$' -bench EscalationLag -benchtime 2000x ./bench/
func BenchmarkEscalationLag(b *testing.B) {
	ctx := context.Background()
	start := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	a, err := app.New(ctx, app.Config{DataDir: b.TempDir(), Demo: true, Clock: c, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if err := a.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := a.Jobs.RunDue(ctx); err != nil { // the demo's own jobs
		b.Fatal(err)
	}
	firstPage := c.Now().Add(time.Millisecond)
	for batch := 0; batch < openEscalations; batch += pagesPerTx {
		err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			for i := batch; i < batch+pagesPerTx; i++ {
				c.Advance(time.Millisecond)
				err := a.OnCall.Page(ctx, tx, oncall.Page{Key: fmt.Sprintf("bench:%d", i), Title: notify.Text{Zh: "基准测试", En: "Benchmark"},
					Link: "https://steward.example/console/oncall"})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Level 1's e-mails are not what is measured; sending them one by one
	// (skipped without SMTP) would only lengthen the set-up.
	if _, err := a.DB.Exec(ctx, "UPDATE jobs SET state = ? WHERE kind = ? AND state = ?", jobs.Done, notify.JobKind, jobs.Pending); err != nil {
		b.Fatal(err)
	}
	var timers int
	if err := a.DB.QueryRow(ctx, "SELECT count(*) FROM jobs WHERE kind = ? AND state = ?", oncall.StepJob, jobs.Pending).Scan(&timers); err != nil || timers < openEscalations {
		b.Fatalf("%d step timers pending (%v), want %d", timers, err, openEscalations)
	}

	var dueAt time.Time // wall time when the op's step fell due
	var lags []time.Duration
	a.Jobs.Handle(oncall.StepJob, func(ctx context.Context, j jobs.Job) error {
		err := a.OnCall.RunStep(ctx, j)
		if strings.Contains(string(j.Payload), `"bench:`) { // not the demo's rescues
			lags = append(lags, time.Since(dueAt))
		}
		return err
	})
	c.Set(firstPage.Add(15*time.Minute - time.Millisecond)) // nothing of the bench's due yet
	if _, err := a.Jobs.RunDue(ctx); err != nil {
		b.Fatal(err)
	}
	ops := 0
	for b.Loop() {
		if ops++; ops > openEscalations {
			b.Fatalf("at most -benchtime %dx: one step per open escalation", openEscalations)
		}
		c.Advance(time.Millisecond)
		dueAt = time.Now()
		if _, err := a.Jobs.RunDue(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if len(lags) != ops {
		b.Fatalf("%d steps ran in %d ops, want one each", len(lags), ops)
	}
	slices.Sort(lags)
	var sum time.Duration
	for _, l := range lags {
		sum += l
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(sum/time.Duration(len(lags))), "lag-ms-mean")
	b.ReportMetric(ms(lags[len(lags)*99/100]), "lag-ms-p99")
	b.ReportMetric(ms(lags[len(lags)-1]), "lag-ms-max")
}
