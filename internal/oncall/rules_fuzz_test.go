package oncall

import (
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
)

// FuzzOverrideSpan: whatever a client sends as an override, span either
// names a field or returns a range that starts before it ends and lasts at
// most the limit; a date covers exactly one Beijing day.
func FuzzOverrideSpan(f *testing.F) {
	f.Add("u", "2026-11-28", "", "")
	f.Add("u", "", "2026-11-28T10:00:00+08:00", "2026-11-28T18:00:00+08:00")
	f.Add("", "2026-02-30", "x", "")
	f.Add("u", "", "2026-11-01T00:00:00Z", "2026-12-28T00:00:00Z")
	f.Fuzz(func(t *testing.T, user, date, startsAt, endsAt string) {
		in := OverrideInput{UserID: user, Date: date, StartsAt: startsAt, EndsAt: endsAt}
		var bad problem.Invalid
		from, to := in.span(&bad)
		if bad.Err() != nil {
			return
		}
		if !from.Before(to) || to.Sub(from) > maxOverride {
			t.Fatalf("%+v accepted as %v – %v", in, from, to)
		}
		if in.Date != "" && (from.In(clock.Shanghai).Format(time.DateOnly) != in.Date || from.In(clock.Shanghai).Hour() != 0 || to.Sub(from) != 24*time.Hour) {
			t.Fatalf("date %q covers %v – %v", in.Date, from, to)
		}
	})
}

// FuzzScheduleRotation: a schedule that passes its checks hands over on its
// weekday at its time (Beijing), on or after its start date, and its turns
// follow each other a week apart, each with the member its number names.
func FuzzScheduleRotation(f *testing.F) {
	f.Add("monday", "09:00", "2026-11-23", int64(0), 2)
	f.Add("sunday", "23:59", "2026-02-14", int64(-86400*400), 3)
	f.Add("Friday", " 18:30", "2026-12-31", int64(86400*1000), 1)
	f.Add("monday", "24:00", "2026-11-23", int64(5), 2)
	f.Fuzz(func(t *testing.T, weekday, handover, startsOn string, offset int64, n int) {
		if n < 1 || n > 5 {
			return
		}
		members := []string{"a", "b", "c", "d", "e"}[:n]
		s := Schedule{Name: "rota", Members: append([]string(nil), members...), HandoverWeekday: weekday, HandoverTime: handover, StartsOn: startsOn}
		var bad problem.Invalid
		s.normalize(&bad)
		if bad.Err() != nil {
			return
		}
		first := s.firstHandover().In(clock.Shanghai)
		start, _ := time.ParseInLocation(time.DateOnly, s.StartsOn, clock.Shanghai)
		if first.Weekday() != weekdays[s.HandoverWeekday] || first.Format("15:04") != s.HandoverTime || first.Before(start) || first.Sub(start) >= week {
			t.Fatalf("%+v: first hand-over %v", s, first)
		}
		at := first.Add(time.Duration(offset%(86400*3650)) * time.Second)
		weeks := s.Weeks(at, 3)
		if at.Before(weeks[0].StartsAt) || !at.Before(weeks[0].EndsAt) {
			t.Fatalf("%v is not in the turn under way %v – %v", at, weeks[0].StartsAt, weeks[0].EndsAt)
		}
		for i, w := range weeks {
			if w.EndsAt.Sub(w.StartsAt) != week || (i > 0 && !w.StartsAt.Equal(weeks[i-1].EndsAt)) {
				t.Fatalf("turns are not a week each, end to end: %+v", weeks)
			}
			if got := s.onCall(w.StartsAt, nil); len(got) != 1 || got[0] != w.UserIDs[0] {
				t.Fatalf("turn %d: on call %v, table says %v", i, got, w.UserIDs)
			}
		}
	})
}
