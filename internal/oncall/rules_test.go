package oncall

import (
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
)

func beijingTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestRotationHandsOverWeeklyAtBeijingTime: two members, Monday 09:00
// Beijing time from Monday 2026-11-23: the first has the week from that
// hand-over, the second the next, then the first again; the Monday morning
// before a hand-over still belongs to the week before.
func TestRotationHandsOverWeeklyAtBeijingTime(t *testing.T) {
	s := Schedule{Members: []string{"eng", "agent"}, HandoverWeekday: "monday", HandoverTime: "09:00", StartsOn: "2026-11-23"}
	for _, c := range []struct {
		at, want string
	}{
		{"2026-11-23 09:00", "eng"},
		{"2026-11-27 10:00", "eng"},
		{"2026-11-30 08:59", "eng"},
		{"2026-11-30 09:00", "agent"},
		{"2026-12-07 09:00", "eng"},
		{"2026-11-23 08:59", "agent"}, // the week before the first hand-over
		{"2027-01-11 09:00", "agent"}, // seven weeks on
	} {
		if got := s.onCall(beijingTime(t, c.at), nil); len(got) != 1 || got[0] != c.want {
			t.Errorf("at %s Beijing time: %v, want %s", c.at, got, c.want)
		}
	}
	weeks := s.Weeks(beijingTime(t, "2026-11-27 10:00"), 4)
	want := []struct{ from, who string }{{"2026-11-23 09:00", "eng"}, {"2026-11-30 09:00", "agent"}, {"2026-12-07 09:00", "eng"}, {"2026-12-14 09:00", "agent"}}
	for i, w := range want {
		if !weeks[i].StartsAt.Equal(beijingTime(t, w.from)) || weeks[i].UserIDs[0] != w.who || !weeks[i].EndsAt.Equal(weeks[i].StartsAt.Add(week)) {
			t.Errorf("week %d: %+v, want from %s with %s", i, weeks[i], w.from, w.who)
		}
	}
}

// TestRotationStartsAtTheFirstHandoverFromItsStartDate: starting on a
// Wednesday with Monday hand-overs, the first member's week begins on the
// following Monday.
func TestRotationStartsAtTheFirstHandoverFromItsStartDate(t *testing.T) {
	s := Schedule{Members: []string{"a", "b", "c"}, HandoverWeekday: "monday", HandoverTime: "18:30", StartsOn: "2026-11-25"}
	if got := s.firstHandover(); !got.Equal(beijingTime(t, "2026-11-30 18:30")) {
		t.Fatalf("first hand-over %v, want Monday 2026-11-30 18:30 Beijing time", got)
	}
	if got := s.onCall(beijingTime(t, "2026-12-14 18:30"), nil); got[0] != "c" {
		t.Errorf("third week: %v, want c", got)
	}
}

func TestAnOverrideReplacesTheRotationForItsSpan(t *testing.T) {
	s := Schedule{Members: []string{"eng", "agent"}, HandoverWeekday: "monday", HandoverTime: "09:00", StartsOn: "2026-11-23"}
	in := OverrideInput{UserID: "boss", Date: "2026-11-28"}
	var bad problem.Invalid
	from, to := in.span(&bad)
	if err := bad.Err(); err != nil {
		t.Fatal(err)
	}
	o := []Override{{UserID: "boss", StartsAt: from, EndsAt: to}}
	for at, want := range map[string]string{"2026-11-27 23:59": "eng", "2026-11-28 00:00": "boss", "2026-11-28 23:59": "boss", "2026-11-29 00:00": "eng"} {
		if got := s.onCall(beijingTime(t, at), o); got[0] != want {
			t.Errorf("at %s: %v, want %s", at, got, want)
		}
	}
	if got := (Schedule{HandoverWeekday: "monday", HandoverTime: "09:00", StartsOn: "2026-11-23"}).onCall(beijingTime(t, "2026-11-27 10:00"), nil); len(got) != 0 {
		t.Errorf("an empty rota has someone on call: %v", got)
	}
}

// TestBadInputNamesTheField: each mistake in a schedule, an override or a
// policy is reported against its field.
func TestBadInputNamesTheField(t *testing.T) {
	fields := func(run func(bad *problem.Invalid)) map[string]string {
		var bad problem.Invalid
		run(&bad)
		out := map[string]string{}
		if pe, ok := problem.As(bad.Err()); ok {
			for _, f := range pe.Fields {
				out[f.Field] = f.Message
			}
		}
		return out
	}
	got := fields(func(bad *problem.Invalid) {
		s := Schedule{Name: " ", Members: []string{"a", "a", ""}, HandoverWeekday: "mon", HandoverTime: "9:00", StartsOn: "2026-13-01"}
		s.normalize(bad)
	})
	for field, msg := range map[string]string{"name": "field.required", "members[1]": "field.listed_twice", "members[2]": "field.required",
		"handover_weekday": "field.oncall_weekday", "handover_time": "field.oncall_handover_time", "starts_on": "field.calendar_date"} {
		if got[field] != msg {
			t.Errorf("schedule %s: %q, want %q (all: %v)", field, got[field], msg, got)
		}
	}
	for _, c := range []struct {
		in    OverrideInput
		field string
	}{
		{OverrideInput{Date: "2026-11-28"}, "user_id"},
		{OverrideInput{UserID: "u", Date: "28/11/2026"}, "date"},
		{OverrideInput{UserID: "u", Date: "2026-11-28", StartsAt: "2026-11-28T00:00:00Z"}, "date"},
		{OverrideInput{UserID: "u", StartsAt: "2026-11-28T10:00:00Z", EndsAt: "2026-11-28T09:00:00Z"}, "ends_at"},
		{OverrideInput{UserID: "u", StartsAt: "2026-11-28T10:00:00Z"}, "ends_at"},
		{OverrideInput{UserID: "u", StartsAt: "yesterday", EndsAt: "2026-11-28T09:00:00Z"}, "starts_at"},
		{OverrideInput{UserID: "u", StartsAt: "2026-11-01T00:00:00Z", EndsAt: "2026-12-28T00:00:00Z"}, "ends_at"},
	} {
		if got := fields(func(bad *problem.Invalid) { c.in.span(bad) }); got[c.field] == "" {
			t.Errorf("override %+v: %v does not name %s", c.in, got, c.field)
		}
	}
	got = fields(func(bad *problem.Invalid) {
		p := Policy{Name: "p", Repeats: 11, Levels: []Level{
			{DelayMinutes: 0, Targets: []Target{{Type: "team", ID: "x"}, {Type: TargetRole, ID: "customer_admin"}}},
			{DelayMinutes: 15},
		}}
		p.normalize(bad)
	})
	for _, field := range []string{"repeats", "levels[0].delay_minutes", "levels[0].targets[0].type", "levels[0].targets[1].id", "levels[1].targets"} {
		if got[field] == "" {
			t.Errorf("policy: %s not named: %v", field, got)
		}
	}
}
