package i18n

import (
	"strings"
	"testing"
)

func TestEveryKeyExistsInBothLanguages(t *testing.T) {
	for _, l := range Langs {
		for _, k := range Keys(l) {
			if !Has(k) {
				t.Errorf("%q is in %s but not in every catalog", k, l)
			}
			if T(l, k, nil) == "" {
				t.Errorf("%q is empty in %s", k, l)
			}
		}
	}
}

func TestAcceptLanguagePicksPreferredSupportedLanguage(t *testing.T) {
	cases := []struct {
		header string
		want   Lang
		ok     bool
	}{
		{"zh-CN,zh;q=0.9,en;q=0.8", Chinese, true},
		{"en-US,en;q=0.9", English, true},
		{"fr-FR, en;q=0.5, zh;q=0.7", Chinese, true},
		{"zh-Hant-HK", Chinese, true},
		{"de, fr", "", false},
		{"", "", false},
		{"en;q=0, zh;q=0.1", Chinese, true},
	}
	for _, c := range cases {
		got, ok := FromAcceptLanguage(c.header)
		if got != c.want || ok != c.ok {
			t.Errorf("FromAcceptLanguage(%q) = %q, %v; want %q, %v", c.header, got, ok, c.want, c.ok)
		}
	}
}

func TestPlaceholdersAreFilled(t *testing.T) {
	got := T(English, "auth.too_many_attempts", map[string]any{"seconds": 42})
	if got == "auth.too_many_attempts" || !contains(got, "42") {
		t.Fatalf("got %q", got)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
