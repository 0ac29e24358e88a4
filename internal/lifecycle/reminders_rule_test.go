package lifecycle

import "testing"

func TestDueThreshold(t *testing.T) {
	for left, want := range map[int]int{
		400: 0, 181: 0, // none crossed yet
		180: 180, 179: 180, 91: 180,
		90: 90, 34: 90, 31: 90, // 34: the demo's 8.0 on the tests' day
		30: 30, 8: 30,
		7: 7, 1: 7, 0: 7, // the last day of standard service still counts
		-1: 0, // ended: never
	} {
		got, ok := dueThreshold(left)
		if got != want || ok != (want != 0) {
			t.Errorf("%d days left: %d %v, want %d", left, got, ok, want)
		}
	}
}
