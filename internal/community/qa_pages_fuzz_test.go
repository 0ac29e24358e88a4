package community

import (
	"strings"
	"testing"
)

func TestDuplicateIDReadsAnIdOrAPastedAddress(t *testing.T) {
	for typed, want := range map[string]string{
		"q_123":                    "q_123",
		"  q-unaudit-posted \n":    "q-unaudit-posted",
		"/community/questions/q_9": "q_9",
		"https://help.example/community/questions/q_9?done=asked#post-a_1": "q_9",
		"/community/questions/q_9/posts/a_1/edit":                          "q_9",
		"": "",
	} {
		if got := duplicateID(typed); got != want {
			t.Errorf("duplicateID(%q) = %q, want %q", typed, got, want)
		}
	}
}

// FuzzDuplicateID: whatever a moderator pastes, the id read is one path
// segment, and an id without an address around it comes back as typed.
func FuzzDuplicateID(f *testing.F) {
	for _, s := range []string{"q_1", "/community/questions/q_1#x", "http://a/community/questions//", "?#/", "q 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		got := duplicateID(typed)
		if strings.ContainsAny(got, "/?#") {
			t.Fatalf("duplicateID(%q) = %q holds a separator", typed, got)
		}
		if trimmed := strings.TrimSpace(typed); !strings.ContainsAny(trimmed, "/?#") && got != trimmed {
			t.Fatalf("duplicateID(%q) = %q, want the id as typed", typed, got)
		}
	})
}
