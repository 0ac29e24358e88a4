package web

import (
	"net/http/httptest"
	"testing"
)

func TestForwardedForTakesTheEntryTheProxyAdded(t *testing.T) {
	cases := []struct {
		headers []string
		want    string
	}{
		{nil, "10.0.0.1:1234"},
		{[]string{"203.0.113.5"}, "203.0.113.5:0"},
		{[]string{"1.1.1.1, 203.0.113.5"}, "203.0.113.5:0"},
		{[]string{"spoofed", "198.51.100.7"}, "198.51.100.7:0"},
		{[]string{"not-an-ip"}, "10.0.0.1:1234"},
		{[]string{"2001:db8::1"}, "[2001:db8::1]:0"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.1:1234"
		for _, h := range c.headers {
			r.Header.Add("X-Forwarded-For", h)
		}
		if got := forwardedFor(r); got != c.want {
			t.Errorf("%v: got %s, want %s", c.headers, got, c.want)
		}
	}
}

func TestLocalPathKeepsRedirectsOnSite(t *testing.T) {
	for next, want := range map[string]string{
		"/portal": "/portal", "": "/", "https://evil.example/": "/", "//evil.example": "/", "/\\evil.example": "/", "portal": "/", "/\t/evil.example/": "/", "/\n/evil.example": "/", "/a\\b": "/", "/notices?x=1": "/notices?x=1",
	} {
		if got := LocalPath(next, "/"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}
