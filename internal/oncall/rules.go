package oncall

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
)

const (
	week           = 7 * 24 * time.Hour
	maxNameRunes   = 100
	maxMembers     = 50
	maxLevels      = 10
	maxTargets     = 20
	maxDelayMinute = 24 * 60
	maxRepeats     = 10
	// maxOverride keeps an override to what a person covers for a colleague;
	// a longer absence is a change of the rotation.
	maxOverride = 31 * 24 * time.Hour
)

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// parseHandover reads an HH:MM time of day (00:00–23:59).
func parseHandover(s string) (hour, minute int, ok bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// firstHandover is when the first member's first week begins: the first
// hand-over weekday and time on or after the start date, in Beijing time.
// The schedule must be valid.
func (s Schedule) firstHandover() time.Time {
	day, _ := time.ParseInLocation(time.DateOnly, s.StartsOn, clock.Shanghai)
	hour, minute, _ := parseHandover(s.HandoverTime)
	shift := (int(weekdays[s.HandoverWeekday]) - int(day.Weekday()) + 7) % 7
	return time.Date(day.Year(), day.Month(), day.Day()+shift, hour, minute, 0, 0, clock.Shanghai)
}

// turn is the number of whole weeks from the first hand-over to at (negative
// before it), so that the member on call is members[turn mod n] and the
// turn began at the hand-over turn weeks after the first.
func (s Schedule) turn(at time.Time) int {
	d := at.Sub(s.firstHandover())
	k := int(d / week)
	if d < 0 && d%week != 0 {
		k--
	}
	return k
}

// handover returns the start of turn k.
func (s Schedule) handover(k int) time.Time {
	first := s.firstHandover()
	return time.Date(first.Year(), first.Month(), first.Day()+7*k, first.Hour(), first.Minute(), 0, 0, clock.Shanghai)
}

// member returns who the rotation puts on call in turn k ("" for an empty rota).
func (s Schedule) member(k int) string {
	n := len(s.Members)
	if n == 0 {
		return ""
	}
	return s.Members[((k%n)+n)%n]
}

// onCall is who is on call at an instant: the override covering it, else
// the rotation's member; nobody when the rota is empty.
func (s Schedule) onCall(at time.Time, overrides []Override) []string {
	for _, o := range overrides {
		if !at.Before(o.StartsAt) && at.Before(o.EndsAt) {
			return []string{o.UserID}
		}
	}
	if m := s.member(s.turn(at)); m != "" {
		return []string{m}
	}
	return []string{}
}

// Weeks returns the rotation's n turns from the one under way at from: the
// rota table of the console.
func (s Schedule) Weeks(from time.Time, n int) []Shift {
	k := s.turn(from)
	out := make([]Shift, 0, n)
	for i := range n {
		shift := Shift{StartsAt: s.handover(k + i).UTC(), EndsAt: s.handover(k + i + 1).UTC(), UserIDs: []string{}}
		if m := s.member(k + i); m != "" {
			shift.UserIDs = []string{m}
		}
		out = append(out, shift)
	}
	return out
}

// ScheduleInput is the body of a schedule create.
type ScheduleInput struct {
	Name            string   `json:"name"`
	Members         []string `json:"members"`
	HandoverWeekday string   `json:"handover_weekday"`
	HandoverTime    string   `json:"handover_time"`
	StartsOn        string   `json:"starts_on"`
}

// SchedulePatch changes the fields it names.
type SchedulePatch struct {
	Name            *string   `json:"name"`
	Members         *[]string `json:"members"`
	HandoverWeekday *string   `json:"handover_weekday"`
	HandoverTime    *string   `json:"handover_time"`
	StartsOn        *string   `json:"starts_on"`
}

// apply returns s changed by p.
func (p SchedulePatch) apply(s Schedule) Schedule {
	set(&s.Name, p.Name)
	set(&s.Members, p.Members)
	set(&s.HandoverWeekday, p.HandoverWeekday)
	set(&s.HandoverTime, p.HandoverTime)
	set(&s.StartsOn, p.StartsOn)
	return s
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// normalize trims and checks the schedule's own fields; whether the members
// are vendor staff needs the accounts and is checked by the service.
func (s *Schedule) normalize(bad *problem.Invalid) {
	s.Name = strings.TrimSpace(s.Name)
	checkName(bad, s.Name)
	s.HandoverWeekday = strings.ToLower(strings.TrimSpace(s.HandoverWeekday))
	if _, ok := weekdays[s.HandoverWeekday]; !ok {
		bad.Add("handover_weekday", "field.oncall_weekday")
	}
	s.HandoverTime = strings.TrimSpace(s.HandoverTime)
	if _, _, ok := parseHandover(s.HandoverTime); !ok {
		bad.Add("handover_time", "field.oncall_handover_time")
	}
	s.StartsOn = strings.TrimSpace(s.StartsOn)
	if _, err := time.Parse(time.DateOnly, s.StartsOn); err != nil {
		bad.Add("starts_on", "field.calendar_date")
	}
	checkCount(bad, "members", len(s.Members), maxMembers)
	seen := map[string]bool{}
	for i, m := range s.Members {
		m = strings.TrimSpace(m)
		s.Members[i] = m
		field := fmt.Sprintf("members[%d]", i)
		switch {
		case m == "":
			bad.Add(field, "field.required")
		case seen[m]:
			bad.Add(field, "field.listed_twice")
		}
		seen[m] = true
	}
}

// checkCount requires a list to have between 1 and most entries.
func checkCount(bad *problem.Invalid, field string, n, most int) {
	switch {
	case n == 0:
		bad.Add(field, "field.required")
	case n > most:
		bad.Add(field, "field.oncall_too_many")
	}
}

func checkName(bad *problem.Invalid, name string) {
	switch {
	case name == "":
		bad.Add("name", "field.required")
	case utf8.RuneCountInString(name) > maxNameRunes:
		bad.Add("name", "field.too_long")
	}
}

// OverrideInput is the body of an override: a whole Beijing day (date) or a
// time range (starts_at and ends_at), with the user who covers it.
type OverrideInput struct {
	UserID   string `json:"user_id"`
	Date     string `json:"date"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

// span checks the input and returns the instants it covers.
func (in *OverrideInput) span(bad *problem.Invalid) (from, to time.Time) {
	in.UserID = strings.TrimSpace(in.UserID)
	if in.UserID == "" {
		bad.Add("user_id", "field.required")
	}
	in.Date, in.StartsAt, in.EndsAt = strings.TrimSpace(in.Date), strings.TrimSpace(in.StartsAt), strings.TrimSpace(in.EndsAt)
	if in.Date != "" {
		if in.StartsAt != "" || in.EndsAt != "" {
			bad.Add("date", "field.oncall_date_or_range")
			return
		}
		day, err := time.ParseInLocation(time.DateOnly, in.Date, clock.Shanghai)
		if err != nil {
			bad.Add("date", "field.calendar_date")
			return
		}
		return day.UTC(), day.AddDate(0, 0, 1).UTC()
	}
	var err error
	for _, f := range []struct {
		name, value string
		dst         *time.Time
	}{{"starts_at", in.StartsAt, &from}, {"ends_at", in.EndsAt, &to}} {
		if f.value == "" {
			bad.Add(f.name, "field.oncall_date_or_range")
			continue
		}
		if *f.dst, err = time.Parse(time.RFC3339, f.value); err != nil {
			bad.Add(f.name, "field.time")
		}
		*f.dst = f.dst.UTC()
	}
	switch {
	case from.IsZero() || to.IsZero():
	case !to.After(from):
		bad.Add("ends_at", "field.ends_before_start")
	case to.Sub(from) > maxOverride:
		bad.Add("ends_at", "field.oncall_override_long")
	}
	return from, to
}

// PolicyInput is the body of a policy create.
type PolicyInput struct {
	Name    string  `json:"name"`
	Levels  []Level `json:"levels"`
	Repeats int     `json:"repeats"`
}

// PolicyPatch changes the fields it names.
type PolicyPatch struct {
	Name    *string  `json:"name"`
	Levels  *[]Level `json:"levels"`
	Repeats *int     `json:"repeats"`
}

func (p PolicyPatch) apply(pol Policy) Policy {
	set(&pol.Name, p.Name)
	set(&pol.Levels, p.Levels)
	set(&pol.Repeats, p.Repeats)
	return pol
}

// normalize checks the policy's shape; that its targets exist is the
// service's check. It returns the targets to look up, by field name.
func (p *Policy) normalize(bad *problem.Invalid) map[string]Target {
	p.Name = strings.TrimSpace(p.Name)
	checkName(bad, p.Name)
	if p.Repeats < 0 || p.Repeats > maxRepeats {
		bad.Add("repeats", "field.oncall_repeats")
	}
	checkCount(bad, "levels", len(p.Levels), maxLevels)
	lookups := map[string]Target{}
	for i, l := range p.Levels {
		field := fmt.Sprintf("levels[%d]", i)
		if l.DelayMinutes < 1 || l.DelayMinutes > maxDelayMinute {
			bad.Add(field+".delay_minutes", "field.oncall_delay")
		}
		checkCount(bad, field+".targets", len(l.Targets), maxTargets)
		seen := map[Target]bool{}
		for j, t := range l.Targets {
			t.Type, t.ID = strings.TrimSpace(t.Type), strings.TrimSpace(t.ID)
			l.Targets[j] = t
			tf := fmt.Sprintf("%s.targets[%d]", field, j)
			switch {
			case t.Type != TargetSchedule && t.Type != TargetUser && t.Type != TargetRole:
				bad.Add(tf+".type", "field.oncall_target_type")
			case t.ID == "":
				bad.Add(tf+".id", "field.required")
			case seen[t]:
				bad.Add(tf, "field.listed_twice")
			case t.Type == TargetRole && !actor.Role(t.ID).IsVendor():
				bad.Add(tf+".id", "field.role_not_vendor")
			default:
				lookups[tf+".id"] = t
			}
			seen[t] = true
		}
	}
	return lookups
}

// position names step k of an escalation in words: level and round, from 1.
func position(step, levels int) (level, round int) {
	return step%levels + 1, step/levels + 1
}
