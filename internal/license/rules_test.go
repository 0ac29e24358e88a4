package license

import (
	"strings"
	"testing"

	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/problem"
)

var versions = []lifecycle.Version{{Name: "8.0", ReleasedOn: "2021-09-01"}, {Name: "10.0", ReleasedOn: "2027-03-01"},
	{Name: "9.0", ReleasedOn: "2025-09-01"}, {Name: "9.10", ReleasedOn: "2026-11-27"}}

func TestUpgradeTo(t *testing.T) {
	for _, tt := range []struct {
		current, asked, want, code string
	}{
		{"8.0", "", "9.10", ""}, // numeric order, not text order; released today counts
		{"8.0", "9.0", "9.0", ""},
		{"9.10", "", "", "license.no_newer_version"},
		{"9.0", "10.0", "", "license.unreleased_version"},
		{"9.0", "8.0", "", "license.not_newer"},
		{"9.0", "9.0", "", "license.not_newer"},
		{"9.0", "9.5", "", "license.unknown_version"},
	} {
		v, err := upgradeTo(versions, tt.current, tt.asked, "2026-11-27")
		switch {
		case tt.code == "" && (err != nil || v.Name != tt.want):
			t.Errorf("%s → %q: %v %v, want %s", tt.current, tt.asked, v.Name, err, tt.want)
		case tt.code != "" && (err == nil || !hasCode(err, tt.code)):
			t.Errorf("%s → %q: %v, want %s", tt.current, tt.asked, err, tt.code)
		}
	}
}

func hasCode(err error, code string) bool {
	pe, ok := problem.As(err)
	return ok && pe.Code == code
}

func TestStatusOn(t *testing.T) {
	for _, tt := range []struct{ stored, until, today, want string }{
		{Active, "2026-12-31", "2026-12-31", Active},
		{Active, "2026-12-31", "2027-01-01", Expired},
		{Superseded, "2026-12-31", "2027-01-01", Expired},
		{Revoked, "2026-12-31", "2027-01-01", Revoked},
		{Active, "", "2099-01-01", Active},
	} {
		if got := statusOn(tt.stored, tt.until, tt.today); got != tt.want {
			t.Errorf("statusOn(%s, %q, %s) = %s, want %s", tt.stored, tt.until, tt.today, got, tt.want)
		}
	}
}

// FuzzUpgradeTo: whatever a client sends as to_version, the answer is a
// released version newer than the current one, or a refusal naming
// to_version; never a panic.
func FuzzUpgradeTo(f *testing.F) {
	for _, s := range []string{"", "9.0", "10.0", "8", "9.10.0", "x", "9..0", "９.0"} {
		f.Add("8.0", s)
	}
	f.Fuzz(func(t *testing.T, current, asked string) {
		v, err := upgradeTo(versions, current, asked, "2026-11-27")
		if err != nil {
			if pe, ok := problem.As(err); !ok || !strings.HasPrefix(pe.Code, "license.") || pe.Fields[0].Field != "to_version" {
				t.Fatalf("%q → %q: %v", current, asked, err)
			}
			return
		}
		if v.ReleasedOn > "2026-11-27" || patch.CompareVersions(v.Name, current) <= 0 {
			t.Fatalf("%q → %q gave %+v", current, asked, v)
		}
	})
}
