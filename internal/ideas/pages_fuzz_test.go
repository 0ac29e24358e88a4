package ideas

import (
	"strings"
	"testing"
)

func TestIdeaRefReadsAnIdOrAPastedAddress(t *testing.T) {
	for typed, want := range map[string]string{
		"idea_123":                  "idea_123",
		"  idea-report-free-sql \n": "idea-report-free-sql",
		"/ideas/idea_9":             "idea_9",
		"https://steward.example/ideas/idea_9?done=posted#comments": "idea_9",
		"/console/ideas/idea_9":      "idea_9",
		"/ideas/idea_9/images/a.png": "idea_9",
		"":                           "",
	} {
		if got := ideaRef(typed); got != want {
			t.Errorf("ideaRef(%q) = %q, want %q", typed, got, want)
		}
	}
}

// FuzzIdeaRef: whatever a product manager pastes into the merge form, the
// id read is one path segment, and an id typed without an address around it
// comes back as typed.
func FuzzIdeaRef(f *testing.F) {
	for _, s := range []string{"idea_1", "/ideas/idea_1#x", "http://a/console/ideas//", "?#/", "idea 1", "/ideas/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		got := ideaRef(typed)
		if strings.ContainsAny(got, "/?#") {
			t.Fatalf("ideaRef(%q) = %q holds a separator", typed, got)
		}
		if trimmed := strings.TrimSpace(typed); !strings.ContainsAny(trimmed, "/?#") && got != trimmed {
			t.Fatalf("ideaRef(%q) = %q, want the id as typed", typed, got)
		}
	})
}
