package community

import "strings"

// DiffLine is one line of a line diff: kept, added or removed.
type DiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Line diff operations.
const (
	LineSame    = "same"
	LineAdded   = "added"
	LineRemoved = "removed"
)

// maxDiffCells bounds the table of the longest common subsequence (lines
// changed before × after, past the common start and end); beyond it the
// changed stretch is shown as removed, then added, whole.
const maxDiffCells = 4_000_000

// LineDiff returns the lines of before and after in order, each marked as
// kept, removed (before only) or added (after only), keeping the longest
// common subsequence of lines.
func LineDiff(before, after string) []DiffLine {
	a, b := lines(before), lines(after)
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	out := make([]DiffLine, 0, len(a)+len(b))
	out = mark(out, LineSame, a[:head])
	out = append(out, middle(a[head:len(a)-tail], b[head:len(b)-tail])...)
	return mark(out, LineSame, a[len(a)-tail:])
}

// middle diffs the changed stretch through the table of common subsequence
// lengths of every pair of suffixes.
func middle(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	if n*m > maxDiffCells || n == 0 || m == 0 {
		return mark(mark(nil, LineRemoved, a), LineAdded, b)
	}
	width := m + 1
	common := make([]int32, (n+1)*width) // common[i*width+j]: LCS of a[i:] and b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				common[i*width+j] = common[(i+1)*width+j+1] + 1
			} else {
				common[i*width+j] = max(common[(i+1)*width+j], common[i*width+j+1])
			}
		}
	}
	out := make([]DiffLine, 0, n+m)
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{LineSame, a[i]})
			i, j = i+1, j+1
		case common[(i+1)*width+j] >= common[i*width+j+1]:
			out = append(out, DiffLine{LineRemoved, a[i]})
			i++
		default:
			out = append(out, DiffLine{LineAdded, b[j]})
			j++
		}
	}
	return mark(mark(out, LineRemoved, a[i:]), LineAdded, b[j:])
}

func mark(out []DiffLine, op string, l []string) []DiffLine {
	for _, s := range l {
		out = append(out, DiffLine{op, s})
	}
	return out
}

// lines splits a text into its lines; an empty text has none, and a final
// line break ends the last line rather than starting another.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
}
