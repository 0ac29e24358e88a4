package search

import (
	"html"
	"slices"
	"strings"
	"unicode"
)

// snippetRunes is about how much of a body a result shows.
const snippetRunes = 120

// Snippet returns HTML for a result: the stretch of text (whitespace folded)
// holding the most matches of terms, escaped, with <mark> around each match
// and "…" where it was cut. Chinese terms match as substrings; English words
// match when their stem is one of terms.
func Snippet(text string, terms []string) string {
	text = strings.Join(strings.Fields(strings.ToValidUTF8(text, "")), " ")
	marks := matches(text, terms)
	runes := []rune(text)
	if len(runes) <= snippetRunes {
		return highlight(text, marks)
	}
	// Byte offset → rune index, to cut the window on characters.
	at := make([]int, 0, len(runes)+1)
	for i := range text {
		at = append(at, i)
	}
	at = append(at, len(text))
	runeOf := func(b int) int { i, _ := slices.BinarySearch(at, b); return i }

	start := 0
	best := 0
	for _, m := range marks {
		from := max(runeOf(m[0])-snippetRunes/6, 0)
		n := 0
		for _, o := range marks {
			if runeOf(o[0]) >= from && runeOf(o[1]) <= from+snippetRunes {
				n++
			}
		}
		if n > best {
			best, start = n, from
		}
	}
	end := min(start+snippetRunes, len(runes))
	start = max(end-snippetRunes, 0)
	lo, hi := at[start], at[end]
	var inside [][2]int
	for _, m := range marks {
		if m[0] >= lo && m[1] <= hi {
			inside = append(inside, [2]int{m[0] - lo, m[1] - lo})
		}
	}
	out := highlight(text[lo:hi], inside)
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(text) {
		out += "…"
	}
	return out
}

// matches returns the sorted, non-overlapping byte ranges of text that match terms.
func matches(text string, terms []string) [][2]int {
	var found [][2]int
	wanted := map[string]bool{}
	for _, t := range terms {
		if strings.ContainsFunc(t, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			for i := 0; ; {
				j := strings.Index(text[i:], t)
				if j < 0 {
					break
				}
				found = append(found, [2]int{i + j, i + j + len(t)})
				i += j + len(t)
			}
			continue
		}
		wanted[t] = true
	}
	// Words: runs of non-Han letters and digits, compared by stem.
	start := -1
	for i, r := range text + " " {
		word := !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			if wanted[stem(normalise(text[start:i]))] {
				found = append(found, [2]int{start, i})
			}
			start = -1
		}
	}
	slices.SortFunc(found, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return b[1] - a[1] // the longer first, so it absorbs the parts inside it
	})
	var merged [][2]int
	for _, m := range found {
		if n := len(merged); n > 0 && m[0] < merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], m[1])
			continue
		}
		merged = append(merged, m)
	}
	return merged
}

// normalise lowercases a word and narrows full-width letters, as Terms does.
func normalise(word string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(narrow(r)) }, word)
}

// highlight escapes text and wraps the ranges in <mark>.
func highlight(text string, ranges [][2]int) string {
	var b strings.Builder
	last := 0
	for _, m := range ranges {
		b.WriteString(html.EscapeString(text[last:m[0]]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m[0]:m[1]]))
		b.WriteString("</mark>")
		last = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}
