package community

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// fieldOf is the one field a 400 names, or "" when err is not one.
func fieldOf(err error) string {
	pe, ok := problem.As(err)
	if !ok || pe.Status != 400 || len(pe.Fields) == 0 {
		return ""
	}
	return pe.Fields[0].Field
}

func TestCleanTagsTrimsDropsRepeatsAndBounds(t *testing.T) {
	for _, c := range []struct {
		in    []string
		want  []string
		fault bool
	}{
		{[]string{" 凭证 ", "凭证", "", "  ", "K3  Cloud", "k3 cloud"}, []string{"凭证", "K3 Cloud"}, false},
		{nil, []string{}, false},
		{[]string{"a", "b", "c", "d", "e", "a"}, []string{"a", "b", "c", "d", "e"}, false},
		{[]string{"a", "b", "c", "d", "e", "f"}, nil, true},
		{[]string{strings.Repeat("长", maxTag+1)}, nil, true},
	} {
		var bad problem.Invalid
		got := cleanTags(&bad, c.in)
		if (bad.Err() != nil) != c.fault || !slices.Equal(got, c.want) {
			t.Errorf("cleanTags(%q) = %q, %v; want %q, fault %v", c.in, got, bad.Err(), c.want, c.fault)
		}
	}
}

func FuzzCleanTags(f *testing.F) {
	f.Add("凭证,反审核", " a , A ,,")
	f.Add(strings.Repeat("x,", 10), "\xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		in := append(strings.Split(a, ","), strings.Split(b, ",")...)
		var bad problem.Invalid
		out := cleanTags(&bad, in)
		if err := bad.Err(); err != nil {
			if fieldOf(err) != "tags" || out != nil {
				t.Fatalf("cleanTags(%q): %v with %q", in, err, out)
			}
			return
		}
		if len(out) > maxQuestionTags {
			t.Fatalf("cleanTags(%q) keeps %d tags", in, len(out))
		}
		for i, tag := range out {
			if tag == "" || tag != strings.TrimSpace(tag) || utf8.RuneCountInString(tag) > maxTag || !utf8.ValidString(tag) {
				t.Fatalf("cleanTags(%q) keeps %q", in, tag)
			}
			for _, other := range out[:i] {
				if strings.EqualFold(other, tag) {
					t.Fatalf("cleanTags(%q) keeps %q twice", in, tag)
				}
			}
		}
	})
}

func FuzzQuestionFilter(f *testing.F) {
	f.Add("sort=votes&tag=%E5%87%AD%E8%AF%81&product=k3cloud")
	f.Add("sort=best&tag=" + strings.Repeat("x", 50))
	f.Add("tag=%ff&product=%00")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, err := questionFilter(q)
		if err != nil {
			if field := fieldOf(err); field != "sort" && field != "tag" && field != "product" {
				t.Fatalf("questionFilter(%q): %v does not name a field", raw, err)
			}
			return
		}
		if !slices.Contains([]string{SortNew, SortActive, SortVotes, SortUnanswered}, got.Sort) ||
			utf8.RuneCountInString(got.Tag) > maxTag || utf8.RuneCountInString(got.Product) > maxTag {
			t.Fatalf("questionFilter(%q) = %+v", raw, got)
		}
	})
}

// FuzzVoteBody feeds raw vote bodies through the API's reading of them: a
// vote is -1, 0 or 1, anything else a 400 naming the field.
func FuzzVoteBody(f *testing.F) {
	for _, s := range []string{`{"value":1}`, `{"value":-1}`, `{"value":0}`, `{"value":2}`, `{}`, `{"value":"1"}`, `{"value":1.5}`, `{"value":1e9}`, `[1]`, ``, `{"valu":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in VoteInput
		err := web.DecodeReader(strings.NewReader(body), &in)
		var value int
		if err == nil {
			if value, err = voteValue(in); err == nil {
				err = checkVote(value)
			}
		}
		if err != nil {
			if pe, ok := problem.As(err); !ok || pe.Status != 400 {
				t.Fatalf("body %q: %v is not a 400", body, err)
			}
			return
		}
		if value < -1 || value > 1 {
			t.Fatalf("body %q: vote %d accepted", body, value)
		}
	})
}

func FuzzReportInput(f *testing.F) {
	f.Add("spam", "广告")
	f.Add(" other ", strings.Repeat("长", maxReportNote+1))
	f.Fuzz(func(t *testing.T, reason, note string) {
		got, err := checkReport(ReportInput{Reason: reason, Note: note})
		if err != nil {
			if field := fieldOf(err); field != "reason" && field != "note" {
				t.Fatalf("checkReport(%q, %q): %v", reason, note, err)
			}
			return
		}
		if !slices.Contains(ReportReasons, got.Reason) || utf8.RuneCountInString(got.Note) > maxReportNote {
			t.Fatalf("checkReport(%q, %q) = %+v", reason, note, got)
		}
	})
}
