package lifecycle_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/lifecycle"
)

// unfold checks the raw feed line by line (CRLF only, at most 75 octets, no
// split UTF-8 character) and returns its content lines unfolded.
func unfold(t *testing.T, raw string) []string {
	t.Helper()
	if !strings.HasSuffix(raw, "\r\n") {
		t.Errorf("the feed does not end in CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatalf("the feed starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

type vevent map[string]string // property name with parameters → value

func events(t *testing.T, lines []string) []vevent {
	t.Helper()
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("not a VCALENDAR: first %q, last %q", lines[0], lines[len(lines)-1])
	}
	var out []vevent
	var cur vevent
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Errorf("content line without a colon: %q", l)
			continue
		}
		switch {
		case l == "BEGIN:VEVENT":
			cur = vevent{}
		case l == "END:VEVENT":
			out = append(out, cur)
			cur = nil
		case cur != nil:
			cur[name] = value
		}
	}
	return out
}

func TestCalendarFeedOfEndDates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		e.Run(t, []check{{Name: "a version with extended service", Req: req{Method: "POST", Path: "/api/v1/products/k3cloud/versions", Token: pm,
			Body: version("9.5", "2026-09-01", "2031-12-31", "2033-12-31")}, Status: 201}})

		res := e.Do(req{Method: "GET", Path: "/lifecycle/k3cloud.ics"}) // no login
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		lines := unfold(t, string(res.Body))
		for _, want := range []string{"VERSION:2.0"} {
			found := false
			for _, l := range lines {
				found = found || l == want
			}
			if !found {
				t.Errorf("feed lacks %q", want)
			}
		}
		evs := events(t, lines)
		// Each demo version's end of standard service; 9.5's standard and extended.
		if want := len(app.DemoVersions) + 2; len(evs) != want {
			t.Fatalf("%d events, want %d:\n%s", len(evs), want, res.Body)
		}
		uids := map[string]bool{}
		byUID := map[string]vevent{}
		for _, ev := range evs {
			for _, prop := range []string{"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY"} {
				if ev[prop] == "" {
					t.Errorf("event lacks %s: %v", prop, ev)
				}
			}
			if uids[ev["UID"]] {
				t.Errorf("UID %s repeats", ev["UID"])
			}
			uids[ev["UID"]] = true
			byUID[ev["UID"]] = ev
			if _, err := time.Parse("20060102T150405Z", ev["DTSTAMP"]); err != nil {
				t.Errorf("DTSTAMP %q: %v", ev["DTSTAMP"], err)
			}
			if !strings.Contains(ev["SUMMARY"], "金蝶云星空") || !strings.Contains(ev["SUMMARY"], "Kingdee Cloud Galaxy") {
				t.Errorf("SUMMARY not in zh and en: %q", ev["SUMMARY"])
			}
		}
		for uid, start := range map[string]string{
			"k3cloud/7.5/standard@steward.dev": "20240630",
			"k3cloud/9.5/standard@steward.dev": "20311231",
			"k3cloud/9.5/extended@steward.dev": "20331231",
		} {
			if got := byUID[uid]["DTSTART;VALUE=DATE"]; got != start {
				t.Errorf("%s starts %q, want %s", uid, got, start)
			}
		}
		if !strings.Contains(byUID["k3cloud/9.5/extended@steward.dev"]["SUMMARY"], "end of extended service") {
			t.Errorf("extended summary: %q", byUID["k3cloud/9.5/extended@steward.dev"]["SUMMARY"])
		}
		if res := e.Do(req{Method: "GET", Path: "/lifecycle/nosuch.ics"}); res.Status != 404 {
			t.Errorf("unknown product feed: %d", res.Status)
		}
	})
}

func TestCalendarFoldsLongLines(t *testing.T) {
	long := strings.Repeat("停止标准服务 end of standard service, ", 8)
	d := lifecycle.Detail{Product: lifecycle.Product{Code: "p", Name: lifecycle.Text{Zh: long, En: long}},
		Versions: []lifecycle.Version{{Name: "1.0", ReleasedOn: "2020-01-01", StandardSupportUntil: "2025-12-31"}}}
	raw := lifecycle.Calendar(d, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if !strings.Contains(raw, "\r\n ") {
		t.Fatalf("nothing folded:\n%s", raw)
	}
	evs := events(t, unfold(t, raw))
	if len(evs) != 1 || evs[0]["DTSTAMP"] != "20260102T030405Z" || evs[0]["DTEND;VALUE=DATE"] != "20260101" {
		t.Fatalf("events = %v", evs)
	}
	if want := `end of standard service\, `; !strings.Contains(evs[0]["SUMMARY"], want) {
		t.Errorf("SUMMARY %q lacks the escaped comma", evs[0]["SUMMARY"])
	}
}
