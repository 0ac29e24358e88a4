package community

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of what a question, an answer and a comment hold.
const (
	minQuestionTitle = 4
	maxQuestionTitle = 150
	maxPostBody      = 50_000
	maxCommentBody   = 2_000
	maxQuestionTags  = 5
	maxReportNote    = 500
)

// checkQuestion trims a question and names every field at fault.
func checkQuestion(in QuestionInput) (QuestionInput, error) {
	var bad problem.Invalid
	in.Title, in.Body, in.Product = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Product)
	checkTitle(&bad, in.Title)
	checkBody(&bad, in.Body, maxPostBody)
	if utf8.RuneCountInString(in.Product) > maxTag {
		bad.Add("product", "field.too_long")
	}
	in.Tags = cleanTags(&bad, in.Tags)
	return in, bad.Err()
}

func checkTitle(bad *problem.Invalid, title string) {
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		bad.Add("title", "field.required")
	case n < minQuestionTitle:
		bad.Add("title", "field.qa_title_short")
	case n > maxQuestionTitle:
		bad.Add("title", "field.qa_title_long")
	}
}

func checkBody(bad *problem.Invalid, body string, limit int) {
	if body == "" {
		bad.Add("body", "field.required")
	} else if utf8.RuneCountInString(body) > limit {
		bad.Add("body", "field.too_long")
	}
}

// cleanTags trims the tags, drops empty ones and repeats (compared without
// regard to case), and bounds their number and length.
func cleanTags(bad *problem.Invalid, tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, t) }) {
			continue
		}
		if utf8.RuneCountInString(t) > maxTag || !utf8.ValidString(t) {
			bad.Add("tags", "field.qa_tag")
			return nil
		}
		out = append(out, t)
	}
	if len(out) > maxQuestionTags {
		bad.Add("tags", "field.qa_too_many_tags")
		return nil
	}
	return out
}

// questionFilter reads the list's query: sort (new by default), tag and
// product.
func questionFilter(q url.Values) (QuestionFilter, error) {
	f := QuestionFilter{Sort: q.Get("sort"), Tag: strings.Join(strings.Fields(q.Get("tag")), " "), Product: strings.TrimSpace(q.Get("product"))}
	var bad problem.Invalid
	switch f.Sort {
	case "":
		f.Sort = SortNew
	case SortNew, SortActive, SortVotes, SortUnanswered:
	default:
		bad.Add("sort", "field.qa_sort")
	}
	if utf8.RuneCountInString(f.Tag) > maxTag || !utf8.ValidString(f.Tag) {
		bad.Add("tag", "field.qa_tag")
	}
	if utf8.RuneCountInString(f.Product) > maxTag || !utf8.ValidString(f.Product) {
		bad.Add("product", "field.too_long")
	}
	return f, bad.Err()
}

// voteValue reads the value of a vote's body, which must be given.
func voteValue(in VoteInput) (int, error) {
	if in.Value == nil {
		return 0, problem.InvalidField("value", "field.required")
	}
	return *in.Value, nil
}

// checkVote accepts 1 (up), -1 (down) and 0 (withdraw the vote).
func checkVote(value int) error {
	if value < -1 || value > 1 {
		return problem.InvalidField("value", "field.qa_vote")
	}
	return nil
}

// checkReport trims a report and names the fields at fault.
func checkReport(in ReportInput) (ReportInput, error) {
	var bad problem.Invalid
	in.Reason, in.Note = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Note)
	if !slices.Contains(ReportReasons, in.Reason) {
		bad.Add("reason", "field.qa_report_reason")
	}
	if utf8.RuneCountInString(in.Note) > maxReportNote {
		bad.Add("note", "field.too_long")
	}
	return in, bad.Err()
}
