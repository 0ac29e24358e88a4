package community

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// FuzzEditorLists feeds the editor's comma-separated tags through the form
// reader and the list check: what is kept is trimmed, non-empty and short,
// or the field is named.
func FuzzEditorLists(f *testing.F) {
	for _, s := range []string{"凭证，断号", " a , ,b,", strings.Repeat("x,", 30), strings.Repeat("长", 41), "\u3000,\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tags string) {
		r := httptest.NewRequest("POST", "/console/help", strings.NewReader(url.Values{"tags": {tags}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var bad problem.Invalid
		kept := checkList(&bad, "tags", formInput(r).Tags)
		if bad.Err() != nil {
			return
		}
		if len(kept) > maxTags {
			t.Fatalf("%d tags kept", len(kept))
		}
		for _, k := range kept {
			if k == "" || k != strings.TrimSpace(k) || utf8.RuneCountInString(k) > maxTag {
				t.Fatalf("kept %q", k)
			}
		}
	})
}
