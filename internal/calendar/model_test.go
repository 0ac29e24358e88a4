package calendar

import (
	"encoding/json"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
)

// shippedCN is cn-workdays over the shipped holiday years, without a database.
func shippedCN(t testing.TB) *Calendar {
	t.Helper()
	years, err := ShippedHolidays()
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := builtIn(CNWorkdays, setOf(years...))
	return cal
}

// setOf is the holiday set of the years' days.
func setOf(years ...HolidayYear) HolidaySet {
	s := HolidaySet{}
	for _, y := range years {
		for _, d := range y.Days {
			date, err := ParseDate(d.Date)
			if err != nil {
				panic(err)
			}
			s[date] = Holiday{Name: d.Name, OffDay: d.OffDay}
		}
	}
	return s
}

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMakeUpDaysOpenAndHolidaysClose(t *testing.T) {
	cal := shippedCN(t)
	cases := []struct {
		date    string
		workday bool
		name    string
	}{
		{"2026-02-14", true, "春节"},  // Saturday, make-up workday
		{"2026-02-16", false, "春节"}, // Monday, Spring Festival
		{"2026-02-13", true, ""},    // an ordinary Friday
		{"2026-02-23", false, "春节"}, // Monday, the last day off
		{"2026-02-24", true, ""},    // an ordinary Tuesday
		{"2026-03-01", false, ""},   // an ordinary Sunday
		{"2025-01-26", true, "春节"},  // Sunday, make-up workday
		{"2025-10-01", false, "国庆节、中秋节"},
		{"2025-10-08", false, "国庆节、中秋节"},
		{"2025-10-09", true, ""},
		{"2025-10-11", true, "国庆节、中秋节"}, // Saturday, make-up workday
	}
	for _, c := range cases {
		d, err := ParseDate(c.date)
		if err != nil {
			t.Fatal(err)
		}
		workday, name := cal.Day(d)
		if workday != c.workday || name != c.name {
			t.Errorf("%s: workday %v name %q; want %v %q", c.date, workday, name, c.workday, c.name)
		}
	}
}

func TestDueSkipsNightsLunchHolidaysAndOpensOnMakeUpDays(t *testing.T) {
	cal := shippedCN(t)
	cases := []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		{"within a morning", "2026-03-02 09:00", 2 * time.Hour, "2026-03-02 11:00"},
		{"across lunch", "2026-03-02 11:30", time.Hour, "2026-03-02 14:00"},
		{"started at lunch", "2026-03-02 12:15", time.Hour, "2026-03-02 14:30"},
		{"started before opening", "2026-03-02 06:00", 30 * time.Minute, "2026-03-02 09:30"},
		{"ends exactly at closing", "2026-03-02 17:00", time.Hour, "2026-03-02 18:00"},
		{"over the night", "2026-03-02 17:00", 2 * time.Hour, "2026-03-03 10:00"},
		{"Friday into the make-up Saturday", "2026-02-13 17:00", 2 * time.Hour, "2026-02-14 10:00"},
		{"make-up Saturday over Spring Festival", "2026-02-14 17:00", 2 * time.Hour, "2026-02-24 10:00"},
		{"over an ordinary weekend", "2026-03-06 17:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"National Day 2025", "2025-09-30 17:30", time.Hour, "2025-10-09 09:30"},
		{"a whole working day", "2026-03-02 09:00", 7*time.Hour + 30*time.Minute, "2026-03-02 18:00"},
	}
	for _, c := range cases {
		got := cal.Due(bj(c.start), c.d)
		if !got.Equal(bj(c.want)) {
			t.Errorf("%s: Due(%s, %v) = %s; want %s", c.name, c.start, c.d, got.In(clock.Shanghai).Format("2006-01-02 15:04"), c.want)
		}
		if e := cal.Elapsed(bj(c.start), got); e != c.d {
			t.Errorf("%s: Elapsed back = %v; want %v", c.name, e, c.d)
		}
	}
}

func TestAlwaysOpenIsRealTime(t *testing.T) {
	cal, _ := builtIn(AlwaysOpen, nil)
	start := bj("2026-02-16 03:17") // a holiday: 7×24 has none
	if got := cal.Due(start, 15*time.Minute); !got.Equal(start.Add(15 * time.Minute)) {
		t.Fatalf("Due = %v", got)
	}
	if got := cal.Elapsed(start, start.Add(49*time.Hour)); got != 49*time.Hour {
		t.Fatalf("Elapsed = %v", got)
	}
}

func TestDaylightSavingDaysCountRealTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	var week []Interval
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		week = append(week, Interval{wd, 0, 12 * 60}, Interval{wd, 13 * 60, 24 * 60})
	}
	cal := New("ny", "New York", ny, week, "", nil)
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, ny) }
	// 2026-03-08: clocks go from 02:00 to 03:00, so the morning holds 11 hours.
	if got := cal.Elapsed(at(2026, 3, 8, 0), at(2026, 3, 8, 12)); got != 11*time.Hour {
		t.Errorf("spring-forward morning: %v", got)
	}
	// 2026-11-01: clocks go from 02:00 back to 01:00: the whole day is 25 hours, 24 of them open.
	if got := cal.Elapsed(at(2026, 11, 1, 0), at(2026, 11, 2, 0)); got != 24*time.Hour {
		t.Errorf("fall-back day: %v", got)
	}
	if got := cal.Due(at(2026, 3, 8, 0), 11*time.Hour); !got.Equal(at(2026, 3, 8, 12)) {
		t.Errorf("Due over spring-forward: %v", got.In(ny))
	}
	// An interval whose start the change skips opens when the clocks resume.
	gap := New("gap", "gap", ny, []Interval{{time.Sunday, 2*60 + 30, 3 * 60}, {time.Sunday, 3 * 60, 4 * 60}}, "", nil)
	if got := gap.Elapsed(at(2026, 3, 8, 0), at(2026, 3, 8, 12)); got != time.Hour {
		t.Errorf("skipped opening: %v", got)
	}
}

func TestTimerCountsOnlyWhileRunning(t *testing.T) {
	cal := shippedCN(t)
	timer := cal.Start(bj("2026-03-02 09:00"), 4*time.Hour)
	if due, ok := cal.DueOf(timer); !ok || !due.Equal(bj("2026-03-02 14:30")) {
		t.Fatalf("due at start %v %v", due, ok)
	}
	timer = cal.Pause(timer, bj("2026-03-02 10:00"))
	if _, ok := cal.DueOf(timer); ok {
		t.Fatal("a paused timer has a due time")
	}
	if got := cal.Remaining(timer, bj("2026-03-02 17:00")); got != 3*time.Hour {
		t.Fatalf("remaining while paused %v", got)
	}
	if again := cal.Pause(timer, bj("2026-03-02 11:00")); again.Used != timer.Used {
		t.Fatal("pausing twice counted the pause")
	}
	timer = cal.Resume(timer, bj("2026-03-02 15:00"))
	if due, ok := cal.DueOf(timer); !ok || !due.Equal(bj("2026-03-02 18:00")) {
		t.Fatalf("due after resuming %v %v", due, ok)
	}
	if again := cal.Resume(timer, bj("2026-03-02 16:00")); !again.RunningSince.Equal(*timer.RunningSince) {
		t.Fatal("resuming a running timer restarted it")
	}
	if got := cal.Remaining(timer, bj("2026-03-02 16:00")); got != 2*time.Hour {
		t.Fatalf("remaining %v", got)
	}
	if got := cal.Remaining(timer, bj("2026-03-03 10:00")); got != -time.Hour {
		t.Fatalf("remaining after the breach %v", got)
	}
	// Rooms store timers as JSON.
	data, err := json.Marshal(timer)
	if err != nil {
		t.Fatal(err)
	}
	var back Timer
	if err := json.Unmarshal(data, &back); err != nil || back.Used != timer.Used || back.Target != timer.Target || !back.RunningSince.Equal(*timer.RunningSince) {
		t.Fatalf("round trip %s → %+v %v", data, back, err)
	}
}
