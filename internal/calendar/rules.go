package calendar

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
)

// Errors of the calendars.
var (
	ErrCalendarExists = problem.New(http.StatusConflict, "calendar.exists")
	ErrBuiltIn        = problem.New(http.StatusConflict, "calendar.built_in")
)

// OpenHours is an interval as the API writes it: an ISO weekday (1 Monday …
// 7 Sunday) and HH:MM local times; close may be 24:00.
type OpenHours struct {
	Weekday int    `json:"weekday"`
	Open    string `json:"open"`
	Close   string `json:"close"`
}

// Input is a calendar to create.
type Input struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	TimeZone  string      `json:"time_zone"`
	Intervals []OpenHours `json:"intervals"`
	Holidays  *string     `json:"holidays"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

const (
	maxCalendarName = 100
	// maxIntervals allows a day cut into many shifts without letting one
	// request make every Due walk thousands of intervals a day.
	maxIntervals = 7 * 8
)

// check validates in and returns the calendar it describes.
func (in Input) check() (*Calendar, error) {
	var bad problem.Invalid
	in.ID = strings.TrimSpace(in.ID)
	if in.ID == "" {
		bad.Add("id", "field.required")
	} else if !idPattern.MatchString(in.ID) {
		bad.Add("id", "field.calendar_id")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		bad.Add("name", "field.required")
	} else if utf8.RuneCountInString(in.Name) > maxCalendarName {
		bad.Add("name", "field.too_long")
	}
	loc, zoneErr := zone(in.TimeZone)
	if zoneErr != nil {
		bad.Add("time_zone", "field.time_zone")
	}
	holidays := ""
	if in.Holidays != nil {
		holidays = *in.Holidays
		if holidays != HolidaysCN {
			bad.Add("holidays", "field.holiday_set")
		}
	}
	intervals := checkIntervals(&bad, in.Intervals)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return New(in.ID, in.Name, loc, intervals, holidays, nil), nil
}

// zone loads an IANA time zone; empty is Beijing time. "Local" is refused:
// it would mean whatever the server's zone happens to be.
func zone(name string) (*time.Location, error) {
	switch name {
	case "":
		return clock.Shanghai, nil
	case "Local":
		return nil, fmt.Errorf("calendar: the server's local zone is not a calendar zone")
	}
	return time.LoadLocation(name)
}

func checkIntervals(bad *problem.Invalid, hours []OpenHours) []Interval {
	if len(hours) == 0 {
		bad.Add("intervals", "field.required")
		return nil
	}
	if len(hours) > maxIntervals {
		bad.Add("intervals", "field.too_long")
		return nil
	}
	var out []Interval
	for i, h := range hours {
		at := fmt.Sprintf("intervals[%d]", i)
		iv, ok := Interval{}, true
		if h.Weekday < 1 || h.Weekday > 7 {
			bad.Add(at+".weekday", "field.weekday")
			ok = false
		} else {
			iv.Weekday = time.Weekday(h.Weekday % 7)
		}
		var okOpen, okClose bool
		iv.Open, okOpen = parseClock(h.Open)
		iv.Close, okClose = parseClock(h.Close)
		if !okOpen || iv.Open == minutesPerDay {
			bad.Add(at+".open", "field.clock_time")
			ok = false
		}
		if !okClose {
			bad.Add(at+".close", "field.clock_time")
			ok = false
		}
		if okOpen && okClose && iv.Close <= iv.Open {
			bad.Add(at+".close", "field.interval_order")
			ok = false
		}
		if !ok {
			continue
		}
		for _, o := range out {
			if o.Weekday == iv.Weekday && o.Open < iv.Close && iv.Open < o.Close {
				bad.Add(at, "field.interval_overlap")
				ok = false
				break
			}
		}
		if ok {
			out = append(out, iv)
		}
	}
	return out
}

// parseClock reads HH:MM (00:00 to 24:00) as minutes since midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	digits := [4]int{}
	for i, c := range []byte{s[0], s[1], s[3], s[4]} {
		if c < '0' || c > '9' {
			return 0, false
		}
		digits[i] = int(c - '0')
	}
	h, m := digits[0]*10+digits[1], digits[2]*10+digits[3]
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Hours writes the calendar's intervals the way the API reads them.
func (c *Calendar) Hours() []OpenHours {
	out := make([]OpenHours, 0, len(c.Intervals))
	// Monday first, as a week reads in China.
	for i := 1; i <= 7; i++ {
		for _, iv := range c.week[time.Weekday(i%7)] {
			out = append(out, OpenHours{Weekday: i, Open: formatClock(iv.Open), Close: formatClock(iv.Close)})
		}
	}
	return out
}

func formatClock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// The built-in calendars' shapes; their holiday days come from the store.
func builtIn(id string, days HolidaySet) (*Calendar, bool) {
	var c *Calendar
	switch id {
	case AlwaysOpen:
		var week []Interval
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			week = append(week, Interval{wd, 0, minutesPerDay})
		}
		c = New(AlwaysOpen, "7×24", clock.Shanghai, week, "", nil)
	case CNWorkdays:
		var week []Interval
		for wd := time.Monday; wd <= time.Friday; wd++ {
			week = append(week, Interval{wd, 9 * 60, 12 * 60}, Interval{wd, 13*60 + 30, 18 * 60})
		}
		c = New(CNWorkdays, "中国工作日 China workdays", clock.Shanghai, week, HolidaysCN, days)
	default:
		return nil, false
	}
	c.BuiltIn = true
	return c, true
}

// builtInIDs are the built-in calendars in the order lists show them.
var builtInIDs = []string{AlwaysOpen, CNWorkdays}
