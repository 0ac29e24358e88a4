package patch

import (
	"testing"

	"steward.dev/steward/internal/platform/i18n"
)

// Every operator, "and" and "or" read as words in both languages.
func TestAppliesWords(t *testing.T) {
	for _, c := range []struct{ in, zh, en string }{
		{"8.1.3 || >=9.0", "8.1.3；或 9.0 及以上", "exactly 8.1.3; or 9.0 or later"},
		{">8.0 <=8.2", "高于 8.0、8.2 及以下", "later than 8.0 and 8.2 or earlier"},
		{"<7.5", "低于 7.5", "earlier than 7.5"},
	} {
		a, err := ParseAppliesTo(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := appliesWords(a, i18n.Chinese); got != c.zh {
			t.Errorf("%q in Chinese: %q, want %q", c.in, got, c.zh)
		}
		if got := appliesWords(a, i18n.English); got != c.en {
			t.Errorf("%q in English: %q, want %q", c.in, got, c.en)
		}
	}
}
