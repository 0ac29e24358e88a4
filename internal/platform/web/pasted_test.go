package web

import (
	"strings"
	"testing"
)

func TestPastedIDReadsAnIdOrAPastedAddress(t *testing.T) {
	for typed, want := range map[string]string{
		"idea_123":                  "idea_123",
		"  idea-report-free-sql \n": "idea-report-free-sql",
		"/ideas/idea_9":             "idea_9",
		"https://steward.example/ideas/idea_9?done=posted#comments": "idea_9",
		"/console/ideas/idea_9":      "idea_9",
		"/ideas/idea_9/images/a.png": "idea_9",
		"/community/questions/q_1":   "",
		"":                           "",
	} {
		if got := PastedID(typed, "/ideas"); got != want {
			t.Errorf("PastedID(%q, /ideas) = %q, want %q", typed, got, want)
		}
	}
}

// FuzzPastedID: whatever a person pastes, the id read is one path segment,
// and an id typed without an address around it comes back as typed.
func FuzzPastedID(f *testing.F) {
	for _, s := range []string{"idea_1", "/ideas/idea_1#x", "http://a/console/ideas//", "?#/", "idea 1", "/ideas/", "/community/questions/q_1?x"} {
		f.Add(s, "/ideas")
	}
	f.Add("/community/questions/q_9/posts/a_1/edit", "/community/questions")
	f.Fuzz(func(t *testing.T, typed, dir string) {
		got := PastedID(typed, dir)
		if strings.ContainsAny(got, "/?#") {
			t.Fatalf("PastedID(%q, %q) = %q holds a separator", typed, dir, got)
		}
		if trimmed := strings.TrimSpace(typed); !strings.ContainsAny(trimmed, "/?#") && got != trimmed {
			t.Fatalf("PastedID(%q, %q) = %q, want the id as typed", typed, dir, got)
		}
	})
}
