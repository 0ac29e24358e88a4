package apptest

import (
	"strings"
	"testing"
)

// MustContain fails the test for each of want that body (a page, what names
// it) lacks.
func MustContain(t testing.TB, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q", what, w)
		}
	}
}

// MustLack fails the test for each of unwanted that body shows.
func MustLack(t testing.TB, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: page shows %q", what, w)
		}
	}
}
