package ideas

import (
	"math"
	"testing"
	"time"
)

func TestTrendFavoursRecentVotes(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	old := Trend([]time.Time{days(60), days(61), days(62), days(63), days(64), days(65), days(66), days(67)})
	fresh := Trend([]time.Time{days(1), days(2)})
	if fresh <= old {
		t.Errorf("two votes this week (%v) should trend above eight votes two months ago (%v)", fresh, old)
	}
	// Two votes a half-life apart weigh 1 + 1/2 of the newer: three votes of
	// the older's age weigh the same.
	a := Trend([]time.Time{now, now.Add(-HalfLife)})
	b := Trend([]time.Time{now.Add(-HalfLife), now.Add(-HalfLife), now.Add(-HalfLife)})
	if math.Abs(a-b) > 1e-9 {
		t.Errorf("1+½ of a vote now = %v, want the same as 3 votes a half-life ago = %v", a, b)
	}
	if Trend(nil) != 0 {
		t.Errorf("no votes trend %v, want 0", Trend(nil))
	}
}

func TestWithVoteMatchesTrend(t *testing.T) {
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	var times []time.Time
	trend := 0.0
	for i := range 50 {
		at := start.Add(time.Duration(i*i) * time.Hour)
		trend = WithVote(trend, len(times), at)
		times = append(times, at)
		if want := Trend(times); math.Abs(trend-want) > 1e-9 {
			t.Fatalf("after %d votes WithVote gives %v, Trend %v", i+1, trend, want)
		}
	}
}
