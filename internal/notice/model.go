// Package notice is the per-user notice inbox: every room posts to it (inside
// its own transaction), each user reads only their own notices, and later the
// notification channels deliver copies of it.
package notice

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// Text is a message in both languages.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in lang, or in the other language when that one is empty.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.English && t.En != "" || t.Zh == "" {
		return t.En
	}
	return t.Zh
}

// Lines returns the text in lang as its non-blank lines (bodies are plain
// text; the page shows each line as a paragraph).
func (t Text) Lines(lang i18n.Lang) []string {
	var out []string
	for line := range strings.Lines(t.In(lang)) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Message is what a room posts: the same for every recipient.
type Message struct {
	Title, Body Text
	Link        string // a path on this site; anything else is dropped
}

// Notice is one user's copy of a message.
type Notice struct {
	ID        string     `json:"id"`
	Title     Text       `json:"title"`
	Body      Text       `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// Unread reports whether the user has not read the notice yet.
func (n Notice) Unread() bool { return n.ReadAt == nil }

// Limits of a message, in characters.
const (
	MaxTitleRunes = 200
	MaxBodyRunes  = 4000
	maxLinkBytes  = 2000
)

// normalize trims the message, keeps the link only when it is a local path,
// and reports every invalid field: both titles are required.
func (m *Message) normalize() error {
	var bad problem.Invalid
	for _, f := range []struct {
		name     string
		value    *string
		required bool
		max      int
	}{
		{"title.zh", &m.Title.Zh, true, MaxTitleRunes},
		{"title.en", &m.Title.En, true, MaxTitleRunes},
		{"body.zh", &m.Body.Zh, false, MaxBodyRunes},
		{"body.en", &m.Body.En, false, MaxBodyRunes},
	} {
		*f.value = strings.TrimSpace(*f.value)
		switch {
		case f.required && *f.value == "":
			bad.Add(f.name, "field.required")
		case utf8.RuneCountInString(*f.value) > f.max:
			bad.Add(f.name, "field.too_long")
		}
	}
	m.Link = localLink(m.Link)
	return bad.Err()
}

// localLink keeps link when it is a path on this site (web.LocalPath's rule)
// without control characters or spaces, which browsers strip or mangle, so
// that "/\t/evil.example" cannot become "//evil.example"; else "".
func localLink(link string) string {
	link = strings.TrimSpace(link)
	if len(link) > maxLinkBytes || strings.ContainsFunc(link, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return ""
	}
	return web.LocalPath(link, "")
}
