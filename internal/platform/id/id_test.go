package id

import (
	"strings"
	"testing"
	"time"
)

func TestIDsSortByCreationAndDoNotRepeat(t *testing.T) {
	start := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	prev := ""
	for i := range 1000 {
		// A clock that stands still half the time, as in tests.
		got := New("usr", start.Add(time.Duration(i/2)*time.Millisecond))
		if !strings.HasPrefix(got, "usr_") || len(got) != len("usr_")+26 {
			t.Fatalf("id %q has the wrong shape", got)
		}
		if got <= prev {
			t.Fatalf("%q sorts before the earlier %q", got, prev)
		}
		if seen[got] {
			t.Fatalf("%q repeated", got)
		}
		seen[got], prev = true, got
	}
}
