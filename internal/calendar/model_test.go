package calendar

import (
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
	days := HolidaySet{}
	for _, y := range years {
		y.addTo(days)
	}
	cal, _ := builtIn(CNWorkdays, days)
	return cal
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
