package lifecycle

import (
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// FuzzDatesEdit feeds PATCH bodies through decoding and the version rules:
// every body is either refused with a problem naming what is wrong, or
// leaves a version whose dates are calendar days in order.
func FuzzDatesEdit(f *testing.F) {
	for _, seed := range []string{`{}`, `{"standard_support_until":"2027-06-30"}`, `{"extended_support_until":null}`,
		`{"released_on":20210901}`, `{"released_on":"2021-02-30"}`, `{"name":"x"}`, `{"extended_support_until":"2020-01-01"}`, `[`, `null`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var e DatesEdit
		if err := web.DecodeReader(strings.NewReader(body), &e); err != nil {
			if _, ok := problem.As(err); !ok {
				t.Fatalf("decoding %q: %v is not a problem", body, err)
			}
			return
		}
		v := e.apply(Version{Product: "p", Name: "1.0", ReleasedOn: "2020-01-01", StandardSupportUntil: "2025-12-31"})
		if err := v.normalize(); err != nil {
			if _, ok := problem.As(err); !ok {
				t.Fatalf("checking %q: %v is not a problem", body, err)
			}
			return
		}
		if !ValidDate(v.ReleasedOn) || !ValidDate(v.StandardSupportUntil) || v.StandardSupportUntil < v.ReleasedOn ||
			(v.ExtendedSupportUntil != "" && (!ValidDate(v.ExtendedSupportUntil) || v.ExtendedSupportUntil < v.StandardSupportUntil)) {
			t.Fatalf("%q was accepted with dates %+v", body, v)
		}
	})
}
