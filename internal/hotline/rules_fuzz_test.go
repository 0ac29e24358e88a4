package hotline

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// FuzzReportBody decodes and checks arbitrary report bodies, as customers
// and vendor staff send them: never a panic, a refusal always names a
// field, and what passes holds to the rules.
func FuzzReportBody(f *testing.F) {
	f.Add(`{"title":"ERP down","description":"nobody can log in","users_affected":"all","business_stopped":true,"since":"2026-11-27T01:00:00Z","contact":{"name":"Zhao","phone":"+86 138 0013 8000"}}`, false)
	f.Add(`{"title":"x","description":"y","users_affected":"some","business_stopped":false,"since":"2026-11-27T01:00:00+08:00","contact":{"name":"a","phone":"12345"},"reported_via":"phone","caller":{"name":"b","phone":"(010) 1234-5678"}}`, true)
	f.Add(`{"since":"2030-01-01T00:00:00Z"}`, false)
	f.Add(`{"since":12}`, false)
	f.Add(`{"contact":null,"caller":{}}`, true)
	f.Add(`{"title":"\u0000"}`, false)
	f.Add(`[]`, false)
	f.Add(``, false)
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string, vendor bool) {
		in, err := decodeReport(strings.NewReader(body))
		if err == nil {
			err = in.check(now, vendor)
		}
		if err != nil {
			pe, ok := problem.As(err)
			if !ok || pe.Status != 400 || len(pe.Fields) == 0 {
				t.Fatalf("refusal without a named field: %v", err)
			}
			return
		}
		switch {
		case in.Title == "" || utf8.RuneCountInString(in.Title) > maxTitle:
			t.Fatalf("title %q passed", in.Title)
		case in.Since == nil || in.Since.After(now):
			t.Fatalf("since %v passed", in.Since)
		case in.BusinessStopped == nil || in.Contact == nil || !isPhone(in.Contact.Phone):
			t.Fatalf("contact %+v passed", in.Contact)
		case vendor != (in.ReportedVia == ViaPhone), vendor != (in.Caller != nil):
			t.Fatalf("vendor %v: via %q caller %+v passed", vendor, in.ReportedVia, in.Caller)
		case in.UsersAffected != AffectsAll && in.UsersAffected != AffectsMost && in.UsersAffected != AffectsSome:
			t.Fatalf("users_affected %q passed", in.UsersAffected)
		}
	})
}
