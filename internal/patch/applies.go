package patch

import (
	"strconv"
	"strings"
)

// CompareVersions compares dotted numeric versions part by part,
// numerically: "8.10" > "8.9", and missing parts count as 0, so "8.0" ==
// "8.0.0". It returns -1, 0 or +1.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y uint64
		if i < len(as) {
			x, _ = strconv.ParseUint(as[i], 10, 64)
		}
		if i < len(bs) {
			y, _ = strconv.ParseUint(bs[i], 10, 64)
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// ValidVersion reports whether s is one or more dot-separated decimal parts.
func ValidVersion(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 8 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 32); err != nil || p == "" || p[0] == '+' {
			return false
		}
	}
	return true
}

// AppliesTo is a parsed applicability string.
type AppliesTo struct {
	alts [][]comparison
}

type comparison struct {
	op      string
	version string
}

// SyntaxError says where and why an applicability string is wrong.
type SyntaxError struct {
	Offset int
	Code   string
	Text   string
}

func (e *SyntaxError) Error() string { return e.Code }

// ParseAppliesTo parses an applicability string.
func ParseAppliesTo(s string) (AppliesTo, error) {
	var a AppliesTo
	for _, alt := range strings.Split(s, "||") {
		var cs []comparison
		for _, f := range strings.Fields(alt) {
			op := strings.TrimRight(f, "0123456789.")
			cs = append(cs, comparison{op, f[len(op):]})
		}
		a.alts = append(a.alts, cs)
	}
	return a, nil
}

// Matches reports whether version satisfies a.
func (a AppliesTo) Matches(version string) bool {
	for _, alt := range a.alts {
		ok := true
		for _, c := range alt {
			d := CompareVersions(version, c.version)
			switch c.op {
			case ">=":
				ok = ok && d >= 0
			case "<=":
				ok = ok && d <= 0
			case ">":
				ok = ok && d > 0
			case "<":
				ok = ok && d < 0
			default:
				ok = ok && d == 0
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// String returns the canonical form.
func (a AppliesTo) String() string {
	var alts []string
	for _, alt := range a.alts {
		var cs []string
		for _, c := range alt {
			cs = append(cs, c.op+c.version)
		}
		alts = append(alts, strings.Join(cs, " "))
	}
	return strings.Join(alts, " || ")
}

// IsZero reports whether a was never parsed.
func (a AppliesTo) IsZero() bool { return len(a.alts) == 0 }
