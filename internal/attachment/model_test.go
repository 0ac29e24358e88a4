package attachment

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		raw, want string
		ok        bool
	}{
		{"月结日志.txt", "月结日志.txt", true},
		{"  report 2026-11.pdf ", "report 2026-11.pdf", true},
		{"a.tar.gz", "a.tar.gz", true},
		{".env", ".env", true},
		{strings.Repeat("a", 255), strings.Repeat("a", 255), true},
		{strings.Repeat("日", 85), strings.Repeat("日", 85), true}, // 255 bytes
		{"", "", false},
		{"   ", "", false},
		{strings.Repeat("a", 256), "", false},
		{strings.Repeat("日", 86), "", false},
		{"../etc/passwd", "", false},
		{"logs/app.log", "", false},
		{`C:\temp\app.log`, "", false},
		{"..", "", false},
		{".", "", true}, // a name without a path, served only under its id
		{"a..b", "", false},
		{"nul\x00.txt", "", false},
		{"tab\there", "", false},
		{"line\nbreak", "", false},
		{"del\x7f", "", false},
		{"c1\u0085x", "", false},
		{"invoice\u202egpj.exe", "", false},
		{"\u2066isolate", "", false},
		{"bad\xffutf8", "", false},
	}
	for _, c := range cases {
		got, err := ParseName(c.raw)
		if c.ok != (err == nil) {
			t.Errorf("ParseName(%q): err %v, want ok=%v", c.raw, err, c.ok)
			continue
		}
		if err != nil {
			if pe, _ := problem.As(err); pe == nil || pe.Status != 400 || len(pe.Fields) != 1 || pe.Fields[0].Field != "name" {
				t.Errorf("ParseName(%q): %v, want a 400 naming the field name", c.raw, err)
			}
			continue
		}
		if c.want != "" && got != c.want {
			t.Errorf("ParseName(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

// FuzzParseName: whatever comes in, the answer is a clean name or a 400
// naming the field, and a clean name is its own parse.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"月结日志.txt", "../x", `a\b`, "a\x00", "\u202e", " x ", "..", strings.Repeat("é", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := ParseName(raw)
		if err != nil {
			pe, ok := problem.As(err)
			if !ok || pe.Status != 400 || len(pe.Fields) != 1 || pe.Fields[0].Field != "name" {
				t.Fatalf("ParseName(%q): %v", raw, err)
			}
			return
		}
		if name == "" || len(name) > 255 || !utf8.ValidString(name) || strings.ContainsAny(name, "/\\\x00") ||
			strings.Contains(name, "..") || strings.ContainsFunc(name, hiddenRune) || strings.TrimSpace(name) != name {
			t.Fatalf("ParseName(%q) accepted %q", raw, name)
		}
		if again, err := ParseName(name); err != nil || again != name {
			t.Fatalf("ParseName(%q) = %q, %v; want it unchanged", name, again, err)
		}
	})
}

// FuzzContentDisposition: for every name ParseName accepts, the header parses
// back to exactly that name and holds nothing that could split it.
func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"月结日志.txt", `quote".txt`, "semi;colon=1.txt", "100%.csv", "space name.log", "emoji😀.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := ParseName(raw)
		if err != nil {
			return
		}
		h := ContentDisposition(name)
		for i := 0; i < len(h); i++ {
			if h[i] < 0x20 || h[i] > 0x7e {
				t.Fatalf("header for %q has byte %#x: %q", name, h[i], h)
			}
		}
		disposition, params, err := mime.ParseMediaType(h)
		if err != nil || disposition != "attachment" || params["filename"] != name {
			t.Fatalf("header %q parses to %q %v (%v), want the name %q", h, disposition, params, err, name)
		}
	})
}

func TestContentTypeIsSniffedAndNeverAPage(t *testing.T) {
	cases := map[string]string{
		"plain log line\n":                         "text/plain; charset=utf-8",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR":      "image/png",
		"%PDF-1.7\n":                               "application/pdf",
		"<!DOCTYPE html><script>alert(1)</script>": "application/octet-stream",
		"  <html><body>hi":                         "application/octet-stream",
		"<?xml version=\"1.0\"?><svg/>":            "application/octet-stream",
		"":                                         "text/plain; charset=utf-8",
	}
	for head, want := range cases {
		if got := contentType([]byte(head)); got != want {
			t.Errorf("contentType(%q) = %q, want %q", head, got, want)
		}
	}
}
