package ideas

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of what an idea and a comment hold.
const (
	minTitle      = 5
	maxTitle      = 120
	maxBody       = 20_000
	maxComment    = 5_000
	maxModules    = 8
	maxModule     = 40
	maxProduct    = 40
	defaultLimit  = 50
	maxLimit      = 200
	maxFilterText = 100
)

// checkInput trims an idea as written and names every field at fault; the
// product is checked against the lifecycle table by the service.
func checkInput(in Input) (Input, problem.Invalid) {
	var bad problem.Invalid
	in.Title, in.Body, in.Product = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Product)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		bad.Add("title", "field.required")
	case n < minTitle:
		bad.Add("title", "field.idea_title_short")
	case n > maxTitle:
		bad.Add("title", "field.idea_title_long")
	}
	if utf8.RuneCountInString(in.Body) > maxBody {
		bad.Add("body", "field.idea_body_long")
	}
	switch {
	case in.Product == "":
		bad.Add("product", "field.required")
	case utf8.RuneCountInString(in.Product) > maxProduct || !utf8.ValidString(in.Product):
		bad.Add("product", "field.idea_product")
	}
	modules, err := cleanModules(in.Modules)
	if err != "" {
		bad.Add("modules", err)
	}
	in.Modules = modules
	return in, bad
}

// cleanModules trims each module and folds its inner spaces to one, drops
// empty ones and repeats (compared without regard to case), and bounds their
// number and length; the second result is the message key of a fault.
func cleanModules(modules []string) ([]string, string) {
	out := []string{}
	for _, m := range modules {
		m = strings.Join(strings.Fields(m), " ")
		if m == "" || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, m) }) {
			continue
		}
		if utf8.RuneCountInString(m) > maxModule || !utf8.ValidString(m) {
			return []string{}, "field.idea_module"
		}
		out = append(out, m)
	}
	if len(out) > maxModules {
		return []string{}, "field.idea_too_many_modules"
	}
	return out, ""
}

// checkComment trims a comment's body and names it when empty or too long.
func checkComment(body string) (string, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return "", problem.InvalidField("body", "field.required")
	case utf8.RuneCountInString(body) > maxComment:
		return "", problem.InvalidField("body", "field.idea_comment_long")
	}
	return body, nil
}

// ParseFilter reads a list's query: sort (trending by default), status,
// product, module, org, deployment, limit (1–200, 50 by default) and cursor,
// naming each field at fault. Pages and the API share it.
func ParseFilter(q url.Values) (Filter, error) {
	var bad problem.Invalid
	f := Filter{Sort: q.Get("sort"), Status: q.Get("status"), Limit: defaultLimit, Cursor: q.Get("cursor")}
	switch f.Sort {
	case "":
		f.Sort = SortTrending
	case SortTrending, SortTop, SortNew:
	default:
		bad.Add("sort", "field.idea_sort")
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		bad.Add("status", "field.idea_status")
	}
	for field, into := range map[string]*string{"product": &f.Product, "module": &f.Module, "org": &f.Org, "deployment": &f.Deployment} {
		v := strings.Join(strings.Fields(q.Get(field)), " ")
		if utf8.RuneCountInString(v) > maxFilterText || !utf8.ValidString(v) {
			bad.Add(field, "field.too_long")
			continue
		}
		*into = v
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			bad.Add("limit", "field.limit")
		}
		f.Limit = n
	}
	if f.Cursor != "" {
		if _, err := cursorID(f.Cursor); err != nil {
			bad.Add("cursor", "field.cursor")
		}
	}
	return f, bad.Err()
}

// cursorID is the idea a cursor continues after; the cursor is its id in
// unpadded URL-safe base64, like every list's.
func cursorID(cursor string) (string, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil || len(raw) == 0 || !utf8.Valid(raw) {
		return "", problem.InvalidField("cursor", "field.cursor")
	}
	return string(raw), nil
}

// cursorAfter is the cursor of a page ending with the idea id.
func cursorAfter(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }
