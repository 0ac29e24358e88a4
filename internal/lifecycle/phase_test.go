package lifecycle

import "testing"

func TestPhaseOnABeijingDay(t *testing.T) {
	withExtended := Version{StandardSupportUntil: "2026-06-30", ExtendedSupportUntil: "2027-06-30"}
	standardOnly := Version{StandardSupportUntil: "2026-06-30"}
	for _, tc := range []struct {
		name string
		v    Version
		day  string
		want string
	}{
		{"well before the end", withExtended, "2025-01-01", PhaseStandard},
		{"the last day of standard service", withExtended, "2026-06-30", PhaseStandard},
		{"the day after", withExtended, "2026-07-01", PhaseExtended},
		{"the last day of extended service", withExtended, "2027-06-30", PhaseExtended},
		{"after extended service", withExtended, "2027-07-01", PhaseEnded},
		{"no extended: last standard day", standardOnly, "2026-06-30", PhaseStandard},
		{"no extended: the day after", standardOnly, "2026-07-01", PhaseEnded},
		{"year boundary", Version{StandardSupportUntil: "2025-12-31"}, "2026-01-01", PhaseEnded},
	} {
		if got := tc.v.Phase(tc.day); got != tc.want {
			t.Errorf("%s: Phase(%s) = %s, want %s", tc.name, tc.day, got, tc.want)
		}
	}
	if got := withExtended.EndOfLife(); got != "2027-06-30" {
		t.Errorf("EndOfLife = %s", got)
	}
	if got := standardOnly.EndOfLife(); got != "2026-06-30" {
		t.Errorf("EndOfLife without extended = %s", got)
	}
}
