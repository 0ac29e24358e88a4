package community

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	for _, c := range []struct {
		name, before, after string
		want                string // one op letter per line: = kept, - removed, + added
	}{
		{"both empty", "", "", ""},
		{"all new", "", "a\nb", "++"},
		{"all gone", "a\nb\n", "", "--"},
		{"same", "a\nb", "a\nb\n", "=="},
		{"one changed", "a\nb\nc", "a\nB\nc", "=-+="},
		{"inserted", "a\nc", "a\nb\nc", "=+="},
		{"moved keeps the longest common part", "a\nb\nc\nd", "b\nc\nd\na", "-===+"},
		{"crlf", "a\r\nb", "a\nb", "=="},
	} {
		got := LineDiff(c.before, c.after)
		var ops strings.Builder
		for _, l := range got {
			ops.WriteByte(map[string]byte{LineSame: '=', LineRemoved: '-', LineAdded: '+'}[l.Op])
		}
		if ops.String() != c.want {
			t.Errorf("%s: %q, want %q (%v)", c.name, ops.String(), c.want, got)
		}
	}
}

func TestLineDiffOfHugeChangesStaysBounded(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		a.WriteString(strings.Repeat("x", i%7+1) + "\n")
		b.WriteString(strings.Repeat("y", i%5+1) + "\n")
	}
	got := LineDiff(a.String(), b.String())
	if len(got) != 6000 || got[0].Op != LineRemoved || got[5999].Op != LineAdded {
		t.Errorf("3000 lines against 3000 others: %d lines, first %v", len(got), got[0])
	}
}

// FuzzLineDiff checks that a diff gives back both texts: kept and removed
// lines are the lines before, kept and added lines the lines after.
func FuzzLineDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("凭证\r\n过账\n", "过账\n凭证")
	f.Fuzz(func(t *testing.T, before, after string) {
		var was, is []string
		for _, l := range LineDiff(before, after) {
			if l.Op != LineAdded {
				was = append(was, l.Text)
			}
			if l.Op != LineRemoved {
				is = append(is, l.Text)
			}
		}
		if strings.Join(was, "\n") != strings.Join(lines(before), "\n") || strings.Join(is, "\n") != strings.Join(lines(after), "\n") {
			t.Fatalf("diff of %q and %q does not give them back: %q %q", before, after, was, is)
		}
	})
}
