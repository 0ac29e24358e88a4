package patch

import (
	"fmt"
	"strconv"
	"strings"
)

// maxVersionParts bounds a version's length: real product versions have
// three or four parts, and the bound keeps a stored range small.
const maxVersionParts = 8

// CompareVersions compares dotted numeric versions part by part,
// numerically: "8.10" > "8.9", and a missing part counts as 0, so "8.0" ==
// "8.0.0". It returns -1, 0 or +1. Parts are compared as decimal strings
// (leading zeros dropped, then the longer one is larger), so no part can
// overflow and nothing is allocated; strings that are not ValidVersion
// still get a consistent order, though not a meaningful one.
func CompareVersions(a, b string) int {
	for a != "" || b != "" {
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if d := comparePart(x, y); d != 0 {
			return d
		}
	}
	return 0
}

// comparePart compares two decimal numbers written as strings; an empty
// part is 0.
func comparePart(x, y string) int {
	x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

// ValidVersion reports whether s is a version Steward can compare: one to
// eight dot-separated decimal parts, each of ASCII digits only and at most
// 4294967295. "8", "8.1.3" and "10.0.2.17" are versions; "", "v8", "8.x",
// "8..1", "+8" and "8.1-beta" are not.
func ValidVersion(s string) bool {
	parts := 0
	for {
		part, rest, more := strings.Cut(s, ".")
		if !validPart(part) {
			return false
		}
		if parts++; parts > maxVersionParts {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func validPart(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseUint(p, 10, 32)
	return err == nil
}

// canonicalVersion writes a valid version without leading zeros in its
// parts ("08.01" → "8.1"), keeping the number of parts a person wrote.
func canonicalVersion(v string) string {
	parts := strings.Split(v, ".")
	for i, p := range parts {
		if p = strings.TrimLeft(p, "0"); p == "" {
			p = "0"
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// AppliesTo is a parsed applicability string: the versions of its product a
// patch can be installed on. Space-separated comparisons are ANDed and `||`
// separates alternatives, so ">=8.0 <8.2" is every 8.0.x and 8.1.x, and
// "8.1.3 || >=9.0" is 8.1.3 and everything from 9.0 on. The zero AppliesTo
// matches no version.
type AppliesTo struct {
	alternatives [][]comparison
}

type comparison struct {
	op      operator
	version string // valid and canonical
}

type operator uint8

const (
	opEqual operator = iota
	opAtLeast
	opAtMost
	opAbove
	opBelow
)

// operators maps what a person writes to the operator. A bare version means
// opEqual; "=" is accepted and written back as the bare version.
var operators = map[string]operator{"=": opEqual, ">=": opAtLeast, "<=": opAtMost, ">": opAbove, "<": opBelow}

var operatorText = [...]string{opEqual: "", opAtLeast: ">=", opAtMost: "<=", opAbove: ">", opBelow: "<"}

func (c comparison) holds(version string) bool {
	d := CompareVersions(version, c.version)
	switch c.op {
	case opAtLeast:
		return d >= 0
	case opAtMost:
		return d <= 0
	case opAbove:
		return d > 0
	case opBelow:
		return d < 0
	}
	return d == 0
}

// SyntaxError says why an applicability string was refused. Code is the
// i18n key of the reason, worded to follow the field's name
// ("patch.applies_to.bad_version"); Offset is the byte offset in the string
// where the fault starts and Text the piece at fault.
type SyntaxError struct {
	Offset int
	Code   string
	Text   string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("applies_to: %s at byte %d (%q)", e.Code, e.Offset, e.Text)
}

// Reasons a ParseAppliesTo refuses a string; each is an i18n key.
const (
	errEmpty            = "patch.applies_to.empty"             // nothing but spaces
	errEmptyAlternative = "patch.applies_to.empty_alternative" // `>=8.0 ||`, `|| 9`, `8 |||| 9`
	errUnknownOperator  = "patch.applies_to.unknown_operator"  // `=>8`, `~8`, `^8`, `!=8`, `==8`, a single `|`
	errMissingVersion   = "patch.applies_to.missing_version"   // `>=` with nothing after it
	errBadVersion       = "patch.applies_to.bad_version"       // `8..1`, `v8`, `8.x`, `8.1-beta`
	errNeverMatches     = "patch.applies_to.never_matches"     // `>=9 <8`, `>8 <8`, `8 9`
)

// ParseAppliesTo parses an applicability string. Spaces (and tabs or line
// breaks) around comparisons, around `||` and between an operator and its
// version are ignored. It refuses, with a *SyntaxError, an empty string, an
// empty alternative, an operator other than >=, <=, >, < and =, a version
// that is not ValidVersion, and an alternative that no version can satisfy
// because its lower bound lies above its upper bound (">=9 <8"), or meets it
// with one side exclusive (">8 <=8"): such a range is always a typing
// mistake, and a patch published with it would silently apply to nothing.
func ParseAppliesTo(s string) (AppliesTo, error) {
	if strings.TrimSpace(s) == "" {
		return AppliesTo{}, &SyntaxError{Offset: 0, Code: errEmpty, Text: s}
	}
	var a AppliesTo
	p := parser{s: s}
	for {
		start := p.skipSpace()
		alt, err := p.alternative()
		if err != nil {
			return AppliesTo{}, err
		}
		if len(alt) == 0 {
			return AppliesTo{}, &SyntaxError{Offset: p.pos, Code: errEmptyAlternative, Text: "||"}
		}
		if !satisfiable(alt) {
			return AppliesTo{}, &SyntaxError{Offset: start, Code: errNeverMatches, Text: strings.TrimSpace(s[start:p.pos])}
		}
		a.alternatives = append(a.alternatives, alt)
		if p.pos == len(s) {
			return a, nil
		}
		p.pos += len("||") // alternative stops only at the end or at "||"
	}
}

type parser struct {
	s   string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isOperatorByte(c byte) bool { return strings.IndexByte("<>=!~^", c) >= 0 }

func (p *parser) skipSpace() int {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
	return p.pos
}

// alternative reads comparisons up to the end of the string or the next
// "||", which it leaves unread.
func (p *parser) alternative() ([]comparison, error) {
	var alt []comparison
	for p.skipSpace() < len(p.s) {
		if p.s[p.pos] == '|' {
			if strings.HasPrefix(p.s[p.pos:], "||") {
				return alt, nil
			}
			return nil, &SyntaxError{Offset: p.pos, Code: errUnknownOperator, Text: "|"}
		}
		c, err := p.comparison()
		if err != nil {
			return nil, err
		}
		alt = append(alt, c)
	}
	return alt, nil
}

func (p *parser) comparison() (comparison, error) {
	start := p.pos
	for p.pos < len(p.s) && isOperatorByte(p.s[p.pos]) {
		p.pos++
	}
	opText := p.s[start:p.pos]
	op, known := opEqual, true
	if opText != "" {
		op, known = operators[opText]
	}
	if !known {
		return comparison{}, &SyntaxError{Offset: start, Code: errUnknownOperator, Text: opText}
	}
	at := p.skipSpace()
	for p.pos < len(p.s) && !isSpace(p.s[p.pos]) && p.s[p.pos] != '|' {
		p.pos++
	}
	v := p.s[at:p.pos]
	switch {
	case v == "":
		return comparison{}, &SyntaxError{Offset: start, Code: errMissingVersion, Text: opText}
	case !ValidVersion(v):
		return comparison{}, &SyntaxError{Offset: at, Code: errBadVersion, Text: v}
	}
	return comparison{op: op, version: canonicalVersion(v)}, nil
}

// satisfiable reports whether some version lies within all of alt's
// bounds. It compares the tightest lower bound with the tightest upper one.
func satisfiable(alt []comparison) bool {
	var low, high *comparison // nil: unbounded
	for i := range alt {
		c := &alt[i]
		if c.op != opAtMost && c.op != opBelow && tighterLow(c, low) {
			low = c
		}
		if c.op != opAtLeast && c.op != opAbove && tighterHigh(c, high) {
			high = c
		}
	}
	if low == nil || high == nil {
		return true
	}
	d := CompareVersions(low.version, high.version)
	return d < 0 || d == 0 && low.op != opAbove && high.op != opBelow
}

func tighterLow(c, than *comparison) bool {
	if than == nil {
		return true
	}
	d := CompareVersions(c.version, than.version)
	return d > 0 || d == 0 && c.op == opAbove
}

func tighterHigh(c, than *comparison) bool {
	if than == nil {
		return true
	}
	d := CompareVersions(c.version, than.version)
	return d < 0 || d == 0 && c.op == opBelow
}

// Matches reports whether a patch with this applicability can be installed
// on version. A version that is not ValidVersion matches nothing.
func (a AppliesTo) Matches(version string) bool {
	return ValidVersion(version) && a.matchesValid(version)
}

// matchesValid is Matches for a version already known to be valid, so that
// a plan checks the version once rather than once per patch.
func (a AppliesTo) matchesValid(version string) bool {
	for _, alt := range a.alternatives {
		if allHold(alt, version) {
			return true
		}
	}
	return false
}

func allHold(alt []comparison, version string) bool {
	for _, c := range alt {
		if !c.holds(version) {
			return false
		}
	}
	return true
}

// String is the canonical form: comparisons in the order written, one
// space apart, each operator written against its version, "=" left out,
// versions without leading zeros, and " || " between alternatives
// (">= 08.0  <8.2||=9" → ">=8.0 <8.2 || 9"). ParseAppliesTo(a.String())
// gives a again; the zero AppliesTo is "".
func (a AppliesTo) String() string {
	var b strings.Builder
	for i, alt := range a.alternatives {
		if i > 0 {
			b.WriteString(" || ")
		}
		for j, c := range alt {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(operatorText[c.op])
			b.WriteString(c.version)
		}
	}
	return b.String()
}

// IsZero reports whether a is the zero AppliesTo, which no parse returns.
func (a AppliesTo) IsZero() bool { return len(a.alternatives) == 0 }
