package oncall

import (
	"context"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// TestDefaultsAreCreatedOnceByInstancesStartingTogether: four starts at the
// same moment, on two database handles, create the hotline schedule and
// policy once each, with one audit record each.
func TestDefaultsAreCreatedOnceByInstancesStartingTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		other := dbtest.Reopen(t, d)
		var wg sync.WaitGroup
		for _, h := range []*db.DB{d, other, d, other} {
			s := NewService(Deps{Store: NewStore(h), Audit: audit.NewRecorder(c), Clock: c})
			wg.Go(func() {
				if err := s.EnsureDefaults(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for action, want := range map[string]int{"oncall.schedule.create": 1, "escalation_policy.create": 1} {
			var n int
			if err := d.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE action = ? AND target_id = 'hotline'", action).Scan(&n); err != nil || n != want {
				t.Errorf("%s audited %d times (%v), want %d", action, n, err, want)
			}
		}
		p, err := NewStore(d).Policy(context.Background(), d, DefaultPolicyID)
		if err != nil || len(p.Levels) != 2 || p.Repeats != 2 || p.Levels[1].Targets[0] != (Target{TargetRole, "vendor_admin"}) || p.Levels[0].DelayMinutes != 15 {
			t.Fatalf("hotline policy %+v (%v)", p, err)
		}
	})
}
