package patch

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
)

func TestParseFileName(t *testing.T) {
	for name, ok := range map[string]bool{
		"fix.zip": true, "PT-2025-0012_x86+64.tar.gz": true, "a": true, strings.Repeat("a", 128): true,
		"": false, strings.Repeat("a", 129): false, "../x": false, "a/b": false, `a\b`: false, "a..b": false, ".env": false,
		"-rf": false, "a b": false, "名字.zip": false, "a\x00b": false, "%2e%2e": false,
	} {
		if _, err := ParseFileName(name); (err == nil) != ok {
			t.Errorf("ParseFileName(%q): %v, want ok %v", name, err, ok)
		}
	}
}

// FuzzParseFileName: an accepted name is never a path and is returned as is.
func FuzzParseFileName(f *testing.F) {
	for _, s := range []string{"fix.zip", "../etc/passwd", "a..b", "a/b", ".hidden", "x+y-z_1.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := ParseFileName(name)
		if err != nil {
			return
		}
		if got != name || strings.ContainsAny(got, `/\%`) || strings.Contains(got, "..") || got[0] == '.' || len(got) > maxFileNameLen {
			t.Fatalf("accepted %q as %q", name, got)
		}
	})
}

// FuzzParseChecksum: what is accepted is the lower-case hex of 32 bytes,
// equal to the hex or base64 the client sent.
func FuzzParseChecksum(f *testing.F) {
	raw := make([]byte, 32)
	f.Add(hex.EncodeToString(raw))
	f.Add(strings.ToUpper(hex.EncodeToString(raw)))
	f.Add(base64.StdEncoding.EncodeToString(raw))
	f.Add("abc")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseChecksum(s)
		if err != nil || got == "" {
			return
		}
		b, herr := hex.DecodeString(got)
		if herr != nil || len(b) != 32 || got != strings.ToLower(got) {
			t.Fatalf("%q → %q", s, got)
		}
		s = strings.TrimSpace(s)
		if !strings.EqualFold(s, got) && s != base64.StdEncoding.EncodeToString(b) {
			t.Fatalf("%q → %q: neither its hex nor its base64", s, got)
		}
	})
}

// FuzzCheckLink: whatever query a client sends, only the link the service
// made opens the file, and nothing panics.
func FuzzCheckLink(f *testing.F) {
	s := &Service{d: Deps{LinkKey: []byte("0123456789abcdef0123456789abcdef"), Clock: clock.NewManual(time.Unix(1_800_000_000, 0))}}
	good := url.Values{"org": {"org_a"}, "expires": {"1800003600"}}
	good.Set("sig", base64.RawURLEncoding.EncodeToString(s.linkMAC("pat_1", "f.zip", "org_a", 1800003600)))
	f.Add(good.Encode())
	f.Add("org=&expires=1&sig=")
	f.Add("sig=%ff&org=org_a&org=org_b&expires=1800003600")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		org, err := s.checkLink(q, "pat_1", "f.zip")
		if err == nil && (q.Get("org") != "org_a" || q.Get("expires") != "1800003600" || org != "org_a") {
			t.Fatalf("%q opened the file as %q", raw, org)
		}
	})
}
