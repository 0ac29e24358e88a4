package clock

import (
	"testing"
	"time"
)

func TestBeijingDateIsTheDayInShanghai(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2026, 11, 26, 15, 59, 59, 0, time.UTC): "2026-11-26",
		time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC):   "2026-11-27",
		time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC):   "2027-01-01",
	}
	for at, want := range cases {
		if got := BeijingDate(at); got != want {
			t.Errorf("BeijingDate(%v) = %s, want %s", at, got, want)
		}
	}
}

func TestManualClockMovesOnlyWhenTold(t *testing.T) {
	c := NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	if c.Now().Location() != time.UTC || c.Now().Hour() != 0 {
		t.Fatalf("manual clock does not hold UTC: %v", c.Now())
	}
	c.Advance(90 * time.Minute)
	if got := c.Now(); got.Hour() != 1 || got.Minute() != 30 {
		t.Fatalf("after advancing: %v", got)
	}
}
