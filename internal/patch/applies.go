package patch

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxVersionParts bounds a version's length: real product versions have
// three or four parts, and the bound keeps a stored range small.
const maxVersionParts = 8

// CompareVersions compares dotted numeric versions part by part,
// numerically: "8.10" > "8.9", and a missing part counts as 0, so "8.0" ==
// "8.0.0". It returns -1, 0 or +1. So that any two strings have an order, a
// string that is not ValidVersion sorts before every version, and two such
// strings compare as text.
func CompareVersions(a, b string) int {
	x, okA := parseVersion(a)
	y, okB := parseVersion(b)
	switch {
	case okA && okB:
		return x.compare(y)
	case okA:
		return 1
	case okB:
		return -1
	}
	return strings.Compare(a, b)
}

// ValidVersion reports whether s is a version Steward can compare: one to
// eight dot-separated decimal parts, each of ASCII digits only and at most
// 4294967295. "8", "8.1.3" and "10.0.2.17" are versions; "", "v8", "8.x",
// "8..1", "+8" and "8.1-beta" are not.
func ValidVersion(s string) bool {
	_, ok := parseVersion(s)
	return ok
}

// version is a parsed ValidVersion. The parts it does not have are 0, so
// that comparing all parts pads the shorter version with zeros.
type version struct {
	parts [maxVersionParts]uint32
	n     int
}

func parseVersion(s string) (version, bool) {
	var v version
	for {
		part, rest, more := strings.Cut(s, ".")
		if v.n == maxVersionParts || part == "" || strings.TrimLeft(part, "0123456789") != "" {
			return version{}, false
		}
		x, err := strconv.ParseUint(part, 10, 32)
		if err != nil {
			return version{}, false
		}
		v.parts[v.n] = uint32(x)
		v.n++
		if !more {
			return v, true
		}
		s = rest
	}
}

func (v version) compare(w version) int { return slices.Compare(v.parts[:], w.parts[:]) }

// String writes v without leading zeros in its parts ("08.01" → "8.1"),
// keeping the number of parts a person wrote.
func (v version) String() string {
	var b strings.Builder
	for i, x := range v.parts[:v.n] {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	}
	return b.String()
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
	version version
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

func (c comparison) holds(v version) bool {
	d := v.compare(c.version)
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
	text := p.s[at:p.pos]
	if text == "" {
		return comparison{}, &SyntaxError{Offset: start, Code: errMissingVersion, Text: opText}
	}
	v, ok := parseVersion(text)
	if !ok {
		return comparison{}, &SyntaxError{Offset: at, Code: errBadVersion, Text: text}
	}
	return comparison{op: op, version: v}, nil
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
	d := low.version.compare(high.version)
	return d < 0 || d == 0 && low.op != opAbove && high.op != opBelow
}

func tighterLow(c, than *comparison) bool {
	if than == nil {
		return true
	}
	d := c.version.compare(than.version)
	return d > 0 || d == 0 && c.op == opAbove
}

func tighterHigh(c, than *comparison) bool {
	if than == nil {
		return true
	}
	d := c.version.compare(than.version)
	return d < 0 || d == 0 && c.op == opBelow
}

// Matches reports whether a patch with this applicability can be installed
// on version. A version that is not ValidVersion matches nothing.
func (a AppliesTo) Matches(version string) bool {
	v, ok := parseVersion(version)
	return ok && a.matches(v)
}

// matches is Matches for a parsed version, so that a plan parses the
// version once rather than once per patch.
func (a AppliesTo) matches(v version) bool {
	for _, alt := range a.alternatives {
		if allHold(alt, v) {
			return true
		}
	}
	return false
}

func allHold(alt []comparison, v version) bool {
	for _, c := range alt {
		if !c.holds(v) {
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
			b.WriteString(c.version.String())
		}
	}
	return b.String()
}

// IsZero reports whether a is the zero AppliesTo, which no parse returns.
func (a AppliesTo) IsZero() bool { return len(a.alternatives) == 0 }
