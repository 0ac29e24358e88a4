package markdown

import (
	"testing"
	"unicode/utf8"
)

// FuzzRender renders arbitrary text: the parser never fails (or panics), the
// output is valid UTF-8, and it never holds a script element, a javascript:
// (or other non-http) URL in href or src, an event handler attribute, or
// markup the checker cannot parse.
func FuzzRender(f *testing.F) {
	for _, p := range xssPayloads {
		f.Add(p.src)
	}
	for _, s := range []string{
		"",
		"**中文**。",
		"# 标题\n\n正文 *强调* `code` [链接](https://example.com)\n\n- [x] 完成\n\n| a | b |\n|---|---|\n| 1 | 2 |",
		"```\n<script>\n```",
		"<a href=\"https://example.com\" rel=\"noopener\">x</a>",
		"<div><p title=\"a&quot;b\">x</p></div>",
		"[a](<b c>)",
		"<<script>>",
		"\x00<\x00script>",
	} {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		html, err := r.render(src)
		if err != nil {
			t.Fatalf("render(%q): %v", src, err)
		}
		out := string(html)
		for _, p := range executable(out) {
			t.Errorf("Render(%q) = %q: %s", src, out, p)
		}
		if !utf8.ValidString(out) {
			t.Errorf("Render(%q) = %q: invalid UTF-8", src, out)
		}
	})
}
