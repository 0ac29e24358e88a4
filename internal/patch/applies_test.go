package patch

import (
	"errors"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/i18n"
)

func TestVersionsCompareNumericallyPartByPart(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"8.10", "8.9", 1},
		{"8.9", "8.10", -1},
		{"8.0", "8.0.0", 0},
		{"8", "8.0.0.0", 0},
		{"8.0.1", "8", 1},
		{"8.01", "8.1", 0},
		{"10.0", "9.99.99", 1},
		{"4294967295", "4294967294", 1},
		{"1.2.3", "1.2.3", 0},
		{"0", "0.0.1", -1},
		{"v8", "0", -1},
		{"8", "8.x", 1},
		{"8.x", "8.y", -1},
		{"8.x", "8.x", 0},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestValidVersionIsDottedDecimalNumbers(t *testing.T) {
	valid := []string{"8", "8.0", "8.1.3", "10.0.2.17", "0", "08.1", "4294967295", "1.2.3.4.5.6.7.8"}
	invalid := []string{"", ".", "8.", ".8", "8..1", "v8", "8.x", "+8", "-8", "8.1-beta", "8 .1", " 8", "4294967296",
		"1.2.3.4.5.6.7.8.9", "８", "8,1"}
	for _, v := range valid {
		if !ValidVersion(v) {
			t.Errorf("ValidVersion(%q) = false, want true", v)
		}
	}
	for _, v := range invalid {
		if ValidVersion(v) {
			t.Errorf("ValidVersion(%q) = true, want false", v)
		}
	}
}

func TestAppliesToMatchesTheVersionsItNames(t *testing.T) {
	tests := []struct {
		in, canonical string
		yes, no       []string
	}{
		{">=8.0 <8.2", ">=8.0 <8.2", []string{"8.0", "8.0.0", "8.1", "8.1.99"}, []string{"7.9", "8.2", "8.2.0", "8.10", "9"}},
		{"8.1.3 || >=9.0", "8.1.3 || >=9.0", []string{"8.1.3", "8.1.3.0", "9", "9.0", "12.4"}, []string{"8.1.2", "8.1.4", "8.9"}},
		{"=8.1", "8.1", []string{"8.1", "8.1.0"}, []string{"8.1.1", "8"}},
		{">8 <=8.5", ">8 <=8.5", []string{"8.0.1", "8.5", "8.5.0"}, []string{"8", "8.0", "8.5.1"}},
		{"<7", "<7", []string{"0", "6.99"}, []string{"7", "7.0.0", "8"}},
		{"  >=  08.0\t<8.2 ||9  ", ">=8.0 <8.2 || 9", []string{"8.1", "9.0"}, []string{"9.1", "8.2"}},
		{">=8 <=8", ">=8 <=8", []string{"8.0.0"}, []string{"8.0.1"}},
		{"8.1||8.3", "8.1 || 8.3", []string{"8.1", "8.3"}, []string{"8.2"}},
	}
	for _, tt := range tests {
		a, err := ParseAppliesTo(tt.in)
		if err != nil {
			t.Errorf("ParseAppliesTo(%q): %v", tt.in, err)
			continue
		}
		if got := a.String(); got != tt.canonical {
			t.Errorf("ParseAppliesTo(%q).String() = %q, want %q", tt.in, got, tt.canonical)
		}
		for _, v := range tt.yes {
			if !a.Matches(v) {
				t.Errorf("%q does not match %q, want it to", tt.in, v)
			}
		}
		for _, v := range tt.no {
			if a.Matches(v) {
				t.Errorf("%q matches %q, want it not to", tt.in, v)
			}
		}
	}
}

func TestAppliesToMatchesNoInvalidVersion(t *testing.T) {
	a, err := ParseAppliesTo(">=0")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "v8", "8.x", "latest"} {
		if a.Matches(v) {
			t.Errorf(">=0 matches %q", v)
		}
	}
	if (AppliesTo{}).Matches("8.0") || !(AppliesTo{}).IsZero() || a.IsZero() {
		t.Error("the zero AppliesTo must be zero and match nothing; a parsed one is not zero")
	}
}

func TestBadAppliesToNamesWhatIsWrongAndWhere(t *testing.T) {
	tests := []struct {
		in     string
		code   string
		offset int
		text   string
	}{
		{"", errEmpty, 0, ""},
		{"   ", errEmpty, 0, "   "},
		{">=8.0 ||", errEmptyAlternative, 8, "||"},
		{">=8.0 ||  ", errEmptyAlternative, 10, "||"},
		{"|| 8", errEmptyAlternative, 0, "||"},
		{"8 |||| 9", errEmptyAlternative, 4, "||"},
		{"=>8", errUnknownOperator, 0, "=>"},
		{"~8", errUnknownOperator, 0, "~"},
		{"^8", errUnknownOperator, 0, "^"},
		{">=8 !=8.1", errUnknownOperator, 4, "!="},
		{"==8", errUnknownOperator, 0, "=="},
		{"8 | 9", errUnknownOperator, 2, "|"},
		{">=", errMissingVersion, 0, ">="},
		{"8 < || 9", errMissingVersion, 2, "<"},
		{"8..1", errBadVersion, 0, "8..1"},
		{">= v8", errBadVersion, 3, "v8"},
		{"8.x", errBadVersion, 0, "8.x"},
		{">=8<9", errBadVersion, 2, "8<9"},
		{"8.1-beta", errBadVersion, 0, "8.1-beta"},
		{">=9 <8", errNeverMatches, 0, ">=9 <8"},
		{"8.1 || >8 <8.0.0", errNeverMatches, 7, ">8 <8.0.0"},
		{">=8 <=8 >8", errNeverMatches, 0, ">=8 <=8 >8"},
		{"8 9", errNeverMatches, 0, "8 9"},
	}
	for _, tt := range tests {
		_, err := ParseAppliesTo(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseAppliesTo(%q) = %v, want a *SyntaxError %s", tt.in, err, tt.code)
			continue
		}
		if se.Code != tt.code || se.Offset != tt.offset || se.Text != tt.text {
			t.Errorf("ParseAppliesTo(%q) = %s at %d (%q), want %s at %d (%q)", tt.in, se.Code, se.Offset, se.Text, tt.code, tt.offset, tt.text)
		}
		if !strings.Contains(se.Error(), tt.code) {
			t.Errorf("Error() = %q does not name %s", se.Error(), tt.code)
		}
		if !i18n.Has(se.Code) {
			t.Errorf("%s has no message in every language", se.Code)
		}
	}
}

// probes are versions around every bound of a: the bound itself, one more
// and one less in its last part, and with a part added.
func probes(a AppliesTo, extra string) []string {
	out := []string{"0", "8", "8.1", "9.0.0", extra}
	for _, alt := range a.alternatives {
		for _, c := range alt {
			v := c.version.String()
			out = append(out, v, v+".0", v+".1")
			i := strings.LastIndexByte(v, '.') + 1
			last := v[i:]
			out = append(out, v[:i]+last+"1") // e.g. 8.1 → 8.11, larger
			if last != "0" {
				out = append(out, v[:i]+"0") // smaller
			}
		}
	}
	return out
}

func FuzzParseAppliesTo(f *testing.F) {
	for _, s := range []string{">=8.0 <8.2", "8.1.3 || >=9.0", "=8", ">8 <=8.5", " 8 ||9", ">=9 <8", "=>8", "8..1", "|", "",
		"4294967295.0", ">= 08.01 || <1"} {
		f.Add(s, "8.1")
	}
	f.Fuzz(func(t *testing.T, s, version string) {
		a, err := ParseAppliesTo(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) || !i18n.Has(se.Code) {
				t.Fatalf("ParseAppliesTo(%q) = %#v, want a *SyntaxError with a known code and an offset inside", s, err)
			}
			return
		}
		canonical := a.String()
		b, err := ParseAppliesTo(canonical)
		if err != nil {
			t.Fatalf("ParseAppliesTo(%q) = %q, which does not parse: %v", s, canonical, err)
		}
		if again := b.String(); again != canonical {
			t.Fatalf("canonical form of %q is not stable: %q → %q", s, canonical, again)
		}
		for _, v := range probes(a, version) {
			if a.Matches(v) != b.Matches(v) {
				t.Fatalf("%q and its canonical form %q disagree on %q", s, canonical, v)
			}
		}
	})
}
