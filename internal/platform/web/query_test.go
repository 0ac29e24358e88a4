package web

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/problem"
)

func TestTimeParamNamesTheParameter(t *testing.T) {
	def := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		query string
		want  time.Time
		bad   bool
	}{
		{"", def, false},
		{"at=2026-12-31T16:00:00Z", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), false},
		{"at=" + url.QueryEscape("2027-01-01T00:00:00+08:00"), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), false},
		{"at=2026-12-31", time.Time{}, true},
		{"at=yesterday", time.Time{}, true},
	}
	for _, c := range cases {
		got, err := TimeParam(httptest.NewRequest("GET", "/x?"+c.query, nil), "at", def)
		if c.bad {
			pe, ok := problem.As(err)
			if !ok || pe.Status != 400 || len(pe.Fields) != 1 || pe.Fields[0].Field != "at" {
				t.Errorf("%q: %v, want a 400 naming at", c.query, err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%q: %v %v, want %v", c.query, got, err, c.want)
		}
	}
}

func FuzzTimeParam(f *testing.F) {
	for _, s := range []string{"2026-12-31T16:00:00Z", "2026-12-31", "", "\x00", "2026-13-01T00:00:00+08:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.RawQuery = url.Values{"at": {s}}.Encode()
		def := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
		got, err := TimeParam(r, "at", def)
		if err != nil {
			if pe, ok := problem.As(err); !ok || pe.Status != 400 || pe.Fields[0].Field != "at" {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if s == "" && !got.Equal(def) {
			t.Fatalf("an absent at gave %v", got)
		}
	})
}
