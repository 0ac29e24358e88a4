// Package calendar keeps business-hours calendars and the SLA clocks every
// room computes on them: weekly open intervals in a time zone, an optional
// holiday set (the Chinese public holidays with their make-up workdays), the
// due time of a target, the business time between two instants, and timers
// that pause and resume.
package calendar

import (
	"slices"
	"time"

	"steward.dev/steward/internal/platform/clock"
)

// IDs of the built-in calendars.
const (
	AlwaysOpen = "7x24"
	CNWorkdays = "cn-workdays"
)

// HolidaysCN names the Chinese public-holiday set, the only one there is.
const HolidaysCN = "cn"

// minutesPerDay is the close of an interval that runs to midnight (24:00).
const minutesPerDay = 24 * 60

// Interval is one open stretch of a weekday, in minutes since local midnight:
// [Open, Close), Close at most 24:00.
type Interval struct {
	Weekday     time.Weekday
	Open, Close int
}

// Calendar is a business-hours calendar. Its methods are pure: they read the
// holiday snapshot it was built with and never the database.
type Calendar struct {
	ID, Name string
	Location *time.Location
	// Intervals are sorted by weekday then opening time, and never overlap.
	Intervals []Interval
	// Holidays is the holiday set the calendar follows ("" for none).
	Holidays string
	BuiltIn  bool

	week     [7][]Interval // Intervals by weekday
	workday  []Interval    // the hours of a make-up workday: the first Monday–Friday with any
	alwaysOn bool          // open around the clock every day, no holidays: business time is real time
	days     HolidaySet
}

// HolidaySet is a holiday set's days by date; the calendar reads it and
// never changes it.
type HolidaySet map[Date]Holiday

// Holiday is one listed day: a day off, or (OffDay false) a make-up workday.
type Holiday struct {
	Name   string
	OffDay bool
}

// Date is a civil date without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) String() string { return d.utc().Format(time.DateOnly) }

// utc is the date's midnight in UTC, where adding a day is always 24 hours.
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	if n == 1 && d.Day < 28 { // every month has a 28th: no calendar arithmetic
		return Date{d.Year, d.Month, d.Day + 1}
	}
	y, m, dd := d.utc().AddDate(0, 0, n).Date()
	return Date{y, m, dd}
}

// Weekday is the date's day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.utc().Before(o.utc()) }

// New builds a calendar over the given holiday days (nil when it follows
// none). A nil location is Beijing time. The intervals must not overlap
// (Input's rules check it); New sorts them. A make-up workday opens with the
// hours of the first Monday–Friday that has any; a calendar open on no
// weekday stays closed on it.
func New(id, name string, loc *time.Location, intervals []Interval, holidays string, days HolidaySet) *Calendar {
	if loc == nil {
		loc = clock.Shanghai
	}
	c := &Calendar{ID: id, Name: name, Location: loc, Holidays: holidays}
	if holidays != "" {
		c.days = days
	}
	for _, iv := range intervals {
		c.week[iv.Weekday] = append(c.week[iv.Weekday], iv)
	}
	for wd := range c.week {
		slices.SortFunc(c.week[wd], func(a, b Interval) int { return a.Open - b.Open })
		c.Intervals = append(c.Intervals, c.week[wd]...)
	}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		if len(c.week[wd]) > 0 {
			c.workday = c.week[wd]
			break
		}
	}
	c.alwaysOn = holidays == ""
	for wd := range c.week {
		if len(c.week[wd]) != 1 || c.week[wd][0].Open != 0 || c.week[wd][0].Close != minutesPerDay {
			c.alwaysOn = false
		}
	}
	return c
}

// Day tells whether a date is a workday on the calendar and, when it is a
// listed holiday or make-up day, its name.
func (c *Calendar) Day(d Date) (workday bool, name string) {
	return len(c.hours(d)) > 0, c.days[d].Name
}

// hours are the open intervals of a date: none on a day off, the workday's
// on a make-up workday, otherwise the weekday's.
func (c *Calendar) hours(d Date) []Interval {
	if h, ok := c.days[d]; ok {
		if h.OffDay {
			return nil
		}
		return c.workday
	}
	return c.week[d.Weekday()]
}

// span is one open stretch as instants.
type span struct{ open, close time.Time }

// walk goes through the calendar day by day from a date, placing each day's
// open hours in time. It carries the next local midnight to the next day,
// so a day costs one time.Date call, and a closed day none.
type walk struct {
	c        *Calendar
	day      Date
	midnight time.Time // the day's local midnight; zero until placed
	buf      [4]span
}

func (c *Calendar) walkFrom(t time.Time) *walk {
	return &walk{c: c, day: DateOf(t, c.Location)}
}

// spans are the day's open stretches; call it once per day, then next. On
// most days local midnight plus minutes is exact; on a day whose length is
// not 24 hours (a daylight-saving change) every bound is placed by wallTime.
func (w *walk) spans() []span {
	out := w.buf[:0]
	ivs := w.c.hours(w.day)
	if len(ivs) == 0 {
		w.midnight = time.Time{} // the next day's is not placed
		return out
	}
	d, loc := w.day, w.c.Location
	if w.midnight.IsZero() {
		w.midnight = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	}
	midnight, next := w.midnight, time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc)
	at := func(minutes int) time.Time { return wallTime(d, minutes, loc) }
	if next.Sub(midnight) == 24*time.Hour {
		at = func(minutes int) time.Time { return midnight.Add(time.Duration(minutes) * time.Minute) }
	}
	for _, iv := range ivs {
		out = append(out, span{at(iv.Open), at(iv.Close)})
	}
	w.midnight = next // placed for the next day already
	return out
}

// next moves to the following day.
func (w *walk) next() { w.day = w.day.AddDays(1) }

// wallTime is the instant the clocks in loc show minutes past midnight of
// d. A wall time that a change to summer time skips is the instant of the
// change (the first moment the clocks show a later time), so bounds keep
// their order and a skipped hour is never open; a repeated wall time is
// whichever instant time.Date picks, the same every time.
func wallTime(d Date, minutes int, loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, minutes, 0, 0, loc)
	want := time.Date(d.Year, d.Month, d.Day, 0, minutes, 0, 0, time.UTC)
	shown := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	start, end := t.ZoneBounds()
	switch {
	case shown.Before(want):
		return end
	case shown.After(want):
		return start
	}
	return t
}

// maxIdleDays bounds the walk of Due through closed days. A valid calendar
// is open at least once a week and no holiday run is this long; the bound
// only keeps a broken holiday set from hanging the caller.
const maxIdleDays = 3 * 366

// Due is the instant at which d of business time has passed since start. A
// d of zero or less is due at start.
func (c *Calendar) Due(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	if c.alwaysOn {
		return start.Add(d)
	}
	idle := 0
	for w := c.walkFrom(start); idle < maxIdleDays; w.next() {
		opened := false
		for _, s := range w.spans() {
			if !s.close.After(start) {
				continue
			}
			opened = true
			from := s.open
			if start.After(from) {
				from = start
			}
			if avail := s.close.Sub(from); d <= avail {
				return from.Add(d)
			} else {
				d -= avail
			}
		}
		if opened {
			idle = 0
		} else {
			idle++
		}
	}
	return start.Add(d)
}

// Elapsed is the business time between from and to; zero when to is not
// after from.
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c.alwaysOn {
		return to.Sub(from)
	}
	var total time.Duration
	last := DateOf(to, c.Location)
	for w := c.walkFrom(from); !last.Before(w.day); w.next() {
		for _, s := range w.spans() {
			lo, hi := s.open, s.close
			if from.After(lo) {
				lo = from
			}
			if to.Before(hi) {
				hi = to
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return total
}

// Timer is an SLA clock that can pause and resume. It holds no calendar, so
// rooms store it as JSON next to the calendar id they computed it on.
type Timer struct {
	Target time.Duration `json:"target"`
	// Used is the business time counted before the last pause.
	Used time.Duration `json:"used"`
	// RunningSince is when the clock last (re)started; nil while paused.
	RunningSince *time.Time `json:"running_since,omitempty"`
}

// Start returns a running timer for target, started at at.
func (c *Calendar) Start(at time.Time, target time.Duration) Timer {
	return Timer{Target: target, RunningSince: &at}
}

// Pause stops counting at at; pausing a paused timer changes nothing.
func (c *Calendar) Pause(t Timer, at time.Time) Timer {
	if t.RunningSince == nil {
		return t
	}
	t.Used += c.Elapsed(*t.RunningSince, at)
	t.RunningSince = nil
	return t
}

// Resume counts again from at; resuming a running timer changes nothing.
func (c *Calendar) Resume(t Timer, at time.Time) Timer {
	if t.RunningSince != nil {
		return t
	}
	t.RunningSince = &at
	return t
}

// DueOf is when a running timer reaches its target; false while paused. A
// timer resumed after its target was used up is due at its resumption.
func (c *Calendar) DueOf(t Timer) (time.Time, bool) {
	if t.RunningSince == nil {
		return time.Time{}, false
	}
	return c.Due(*t.RunningSince, t.Target-t.Used), true
}

// Remaining is the business time left at at; negative once breached.
func (c *Calendar) Remaining(t Timer, at time.Time) time.Duration {
	left := t.Target - t.Used
	if t.RunningSince != nil {
		left -= c.Elapsed(*t.RunningSince, at)
	}
	return left
}
