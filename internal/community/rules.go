package community

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of what an article holds.
const (
	maxTitle = 200
	maxBody  = 100_000
	maxTags  = 20
	maxTag   = 40
)

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// reservedSlugs are paths under /help that a category page would shadow.
var reservedSlugs = map[string]bool{"search": true, "articles": true}

func trimText(t Text) Text { return Text{Zh: strings.TrimSpace(t.Zh), En: strings.TrimSpace(t.En)} }

func checkCategory(bad *problem.Invalid, c Category) {
	if !slugPattern.MatchString(c.Slug) || reservedSlugs[c.Slug] {
		bad.Add("slug", "field.help_slug")
	}
	checkText(bad, "name", c.Name, maxTitle)
}

// checkText requires the Chinese text and bounds both.
func checkText(bad *problem.Invalid, field string, t Text, limit int) {
	if t.Zh == "" {
		bad.Add(field+".zh", "field.required")
	} else if utf8.RuneCountInString(t.Zh) > limit {
		bad.Add(field+".zh", "field.too_long")
	}
	if utf8.RuneCountInString(t.En) > limit {
		bad.Add(field+".en", "field.too_long")
	}
}

func checkList(bad *problem.Invalid, field string, l []string) []string {
	out := make([]string, 0, len(l))
	for _, v := range l {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
		if utf8.RuneCountInString(v) > maxTag {
			bad.Add(field, "field.too_long")
			return nil
		}
	}
	if len(out) > maxTags {
		bad.Add(field, "field.help_too_many")
	}
	return out
}

// checked trims the article and names every field at fault.
func (s *Service) checked(ctx context.Context, a Article) (Article, error) {
	var bad problem.Invalid
	a.Title, a.Body = trimText(a.Title), trimText(a.Body)
	a.Category, a.Product = strings.TrimSpace(a.Category), strings.TrimSpace(a.Product)
	checkText(&bad, "title", a.Title, maxTitle)
	checkText(&bad, "body", a.Body, maxBody)
	a.Tags = checkList(&bad, "tags", a.Tags)
	a.Versions = checkList(&bad, "versions", a.Versions)
	if utf8.RuneCountInString(a.Product) > maxTag {
		bad.Add("product", "field.too_long")
	}
	if a.Status != Draft && a.Status != Published {
		bad.Add("status", "field.help_status")
	}
	if a.Category == "" {
		bad.Add("category", "field.required")
	} else if _, err := s.Store.Category(ctx, s.Store.DB(), a.Category); errors.Is(err, problem.ErrNotFound) {
		bad.Add("category", "field.help_category_unknown")
	} else if err != nil {
		return Article{}, err
	}
	return a, bad.Err()
}

// maxNote bounds a reader's note on an article.
const maxNote = 1000

// checkFeedback trims a reader's feedback on articleID and names every
// field at fault: whether it helped is required, a reason from the list
// when it did not (and none when it did), a short note.
func checkFeedback(articleID string, in FeedbackInput) (Feedback, error) {
	var bad problem.Invalid
	f := Feedback{ArticleID: articleID, Reason: strings.TrimSpace(in.Reason), Note: strings.TrimSpace(in.Note)}
	switch {
	case in.Helpful == nil:
		bad.Add("helpful", "field.required")
	case *in.Helpful && f.Reason != "":
		bad.Add("reason", "field.help_reason_helpful")
	case !*in.Helpful && !slices.Contains(FeedbackReasons, f.Reason):
		bad.Add("reason", "field.help_reason")
	}
	if utf8.RuneCountInString(f.Note) > maxNote {
		bad.Add("note", "field.too_long")
	}
	if in.Helpful != nil {
		f.Helpful = *in.Helpful
	}
	return f, bad.Err()
}
