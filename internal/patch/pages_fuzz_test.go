package patch

import (
	"slices"
	"strings"
	"testing"
)

// FuzzNumbers: the lists of patch numbers people type into the plan and
// patch forms split into non-empty entries without separators, and a list
// written back the way the edit form shows it reads the same again.
func FuzzNumbers(f *testing.F) {
	f.Add("PT-2025-0101, PT-2025-0102")
	f.Add("PT-1\nPT-2，PT-3\t PT-4,,")
	f.Add(" , \r\n")
	f.Fuzz(func(t *testing.T, typed string) {
		list := numbers(typed)
		for _, n := range list {
			if n == "" || strings.ContainsAny(n, ", \n\r\t，") {
				t.Fatalf("%q: entry %q", typed, n)
			}
		}
		if again := numbers(strings.Join(list, ", ")); !slices.Equal(again, list) {
			t.Fatalf("%q: %q, written back %q", typed, list, again)
		}
	})
}
