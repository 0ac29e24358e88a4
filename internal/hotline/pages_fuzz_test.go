package hotline

import (
	"testing"

	"steward.dev/steward/internal/platform/clock"
)

// FuzzParseSince: whatever a person or a browser sends as the report form's
// "since" either reads as a Beijing wall-clock time, which the form shows
// back the way a datetime-local field sends it and which reads the same
// again, or is refused; it never reads as another zone's time.
func FuzzParseSince(f *testing.F) {
	f.Add("2026-11-27T09:30")
	f.Add("2026-11-27T09:30:15")
	f.Add("2026-11-27 09:30")
	f.Add(" 2026-02-29T25:61 ")
	f.Add("2026-11-27T09:30Z")
	f.Add("0000-01-01 0:00") // Shanghai's local mean time then: seconds in the offset
	f.Fuzz(func(t *testing.T, typed string) {
		at, ok := parseSince(typed)
		if !ok {
			return
		}
		if at.Location() != clock.Shanghai {
			t.Fatalf("%q: read in %v", typed, at.Location())
		}
		shown := at.Format(sinceLayouts[0])
		again, ok := parseSince(shown)
		if !ok || again.Format(sinceLayouts[1]) != shown+":00" {
			t.Fatalf("%q: %v, shown %q, read again %v %v", typed, at, shown, again, ok)
		}
	})
}
