package calendar

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Channel is the LISTEN/NOTIFY channel on which an instance tells the others
// that calendars or holidays changed, so that they forget their copies.
const Channel = "steward_calendar"

// ErrUnknown is an unknown calendar id.
var ErrUnknown = problem.New(http.StatusNotFound, "calendar.unknown")

// Deps are what the service is built from.
type Deps struct {
	DB    *db.DB
	Audit *audit.Recorder
	Clock clock.Clock
}

// Service keeps the calendars: the built-ins, the vendor's own, and the
// holiday set they follow, all read from an in-memory copy.
type Service struct {
	d     Deps
	store *Store
	cache cache
}

// NewService returns the service. Call Seed once at start-up and Listen to
// hear other instances.
func NewService(d Deps) *Service {
	return &Service{d: d, store: NewStore(d.DB)}
}

// Listen makes the cache forget what other instances change (PostgreSQL;
// a no-op on SQLite). It stops when the database closes.
func (s *Service) Listen() {
	s.d.DB.Listen(context.Background(), Channel, func(string) { s.cache.forget() })
}

// cache holds the calendars built so far and the holiday days they share.
// A fill stores its result only if nothing was forgotten meanwhile (gen), so
// a change committed during a fill is never hidden behind a stale copy.
type cache struct {
	mu        sync.RWMutex
	gen       uint64
	holidays  HolidaySet // nil until read
	calendars map[string]*Calendar
}

func (c *cache) calendar(id string) (*Calendar, HolidaySet, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.calendars[id], c.holidays, c.gen
}

func (c *cache) put(gen uint64, days HolidaySet, cals ...*Calendar) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.holidays = days
	if c.calendars == nil {
		c.calendars = map[string]*Calendar{}
	}
	for _, cal := range cals {
		c.calendars[cal.ID] = cal
	}
}

func (c *cache) forget() {
	c.mu.Lock()
	c.gen++
	c.holidays, c.calendars = nil, nil
	c.mu.Unlock()
}

// Get returns a calendar by id: the built-ins "7x24" and "cn-workdays", or
// one the vendor added; an unknown id is a 404. The calendar is shared:
// callers read it and never change it.
func (s *Service) Get(ctx context.Context, id string) (*Calendar, error) {
	cal, days, gen := s.cache.calendar(id)
	if cal != nil {
		return cal, nil
	}
	days, err := s.holidays(ctx, days)
	if err != nil {
		return nil, err
	}
	cal, ok := builtIn(id, days)
	if !ok {
		r, found, err := s.store.Calendar(ctx, id)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, ErrUnknown
		}
		if cal, err = r.calendar(days); err != nil {
			return nil, err
		}
	}
	s.cache.put(gen, days, cal)
	return cal, nil
}

// holidays returns the cached holiday days, or reads them.
func (s *Service) holidays(ctx context.Context, cached HolidaySet) (HolidaySet, error) {
	if cached != nil {
		return cached, nil
	}
	return s.store.HolidayDays(ctx, HolidaysCN)
}

// calendar builds a stored calendar over the holiday days.
func (r row) calendar(days HolidaySet) (*Calendar, error) {
	loc, err := zone(r.zone)
	if err != nil {
		return nil, err
	}
	var hours []OpenHours
	if err := json.Unmarshal([]byte(r.intervals), &hours); err != nil {
		return nil, err
	}
	var bad problem.Invalid
	intervals := checkIntervals(&bad, hours)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return New(r.id, r.name, loc, intervals, r.holidays, days), nil
}

// List returns every calendar, the built-ins first; anyone signed in may
// read them (SLAs are promised on them).
func (s *Service) List(ctx context.Context, a *actor.Actor) ([]*Calendar, error) {
	if !a.Can(actor.ReadServices) {
		return nil, problem.ErrForbidden
	}
	rows, err := s.store.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	ids := append([]string{}, builtInIDs...)
	for _, r := range rows {
		ids = append(ids, r.id)
	}
	out := make([]*Calendar, 0, len(ids))
	for _, id := range ids {
		cal, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, cal)
	}
	return out, nil
}

// Create adds a vendor calendar; a taken or built-in id is a 409.
func (s *Service) Create(ctx context.Context, a *actor.Actor, in Input) (*Calendar, error) {
	if !a.Can(actor.ManageCalendars) {
		return nil, problem.ErrForbidden
	}
	cal, err := in.check()
	if err != nil {
		return nil, err
	}
	if _, ok := builtIn(cal.ID, nil); ok {
		return nil, ErrBuiltIn.With("id", cal.ID)
	}
	hours, err := json.Marshal(cal.Hours())
	if err != nil {
		return nil, err
	}
	r := row{id: cal.ID, name: cal.Name, zone: cal.Location.String(), intervals: string(hours), holidays: cal.Holidays}
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertCalendar(ctx, tx, r, s.d.Clock.Now()); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrCalendarExists.With("id", cal.ID)
			}
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{Action: "calendar.create", TargetType: "calendar", TargetID: cal.ID,
			Changes: audit.Diff(nil, audit.Fields{"name": r.name, "time_zone": r.zone, "intervals": cal.Hours(), "holidays": r.holidays})}); err != nil {
			return err
		}
		return s.d.DB.Notify(ctx, tx, Channel, cal.ID)
	})
	if err != nil {
		return nil, err
	}
	s.cache.forget()
	return s.Get(ctx, cal.ID)
}

// Seed writes the shipped holiday years the database does not have yet. A
// year already there (imported, perhaps revised) is left alone; two
// instances starting at once write it once.
func (s *Service) Seed(ctx context.Context) error {
	years, err := ShippedHolidays()
	if err != nil {
		return err
	}
	for _, y := range years {
		err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
			added, err := s.store.AddYearIfAbsent(ctx, tx, HolidaysCN, y, s.d.Clock.Now())
			if err != nil {
				return err
			}
			if !added {
				return errHadYear // nothing to record: roll back the insert that did nothing
			}
			if err := s.d.Audit.Record(ctx, tx, audit.Entry{Action: "holidays.seed", TargetType: "holiday_year",
				TargetID: yearID(HolidaysCN, y.Year), Changes: audit.Diff(nil, audit.Fields{"days": len(y.Days)})}); err != nil {
				return err
			}
			return s.d.DB.Notify(ctx, tx, Channel, "holidays")
		})
		if err != nil && !errors.Is(err, errHadYear) {
			return err
		}
	}
	s.cache.forget()
	return nil
}

var errHadYear = errors.New("calendar: the year is stored already")

// ImportResult says what an import changed.
type ImportResult struct {
	Year   int `json:"year"`
	Before int `json:"days_before"`
	After  int `json:"days_after"`
}

// ImportHolidays stores a year of the Chinese holiday set from a file of
// the shape ParseHolidays reads, in place of what was there for that year.
func (s *Service) ImportHolidays(ctx context.Context, a *actor.Actor, data []byte) (ImportResult, error) {
	if !a.Can(actor.ManageCalendars) {
		return ImportResult{}, problem.ErrForbidden
	}
	y, err := ParseHolidays(data)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Year: y.Year, After: len(y.Days)}
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if res.Before, err = s.store.ReplaceYear(ctx, tx, HolidaysCN, y, s.d.Clock.Now()); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{Action: "holidays.import", TargetType: "holiday_year",
			TargetID: yearID(HolidaysCN, y.Year), Changes: map[string]audit.Change{"days": {Before: res.Before, After: res.After}, "papers": {After: y.Papers}}}); err != nil {
			return err
		}
		return s.d.DB.Notify(ctx, tx, Channel, "holidays")
	})
	if err != nil {
		return ImportResult{}, err
	}
	s.cache.forget()
	return res, nil
}

func yearID(set string, year int) string { return set + "/" + strconv.Itoa(year) }

// Years lists the stored years of the Chinese holiday set, newest first.
func (s *Service) Years(ctx context.Context, a *actor.Actor) ([]YearSummary, error) {
	if !a.Can(actor.ReadServices) {
		return nil, problem.ErrForbidden
	}
	return s.store.Years(ctx, HolidaysCN)
}

// maxDays caps a days request: a year, leap or not.
const maxDays = 366

// DayInfo is one date of a calendar: whether it is a workday, and the name
// of the holiday or make-up day it is ("" for an ordinary day).
type DayInfo struct {
	Date    string `json:"date"`
	Workday bool   `json:"workday"`
	Name    string `json:"name"`
}

// Days lists the dates from through to (YYYY-MM-DD, inclusive, at most a
// year) of a calendar.
func (s *Service) Days(ctx context.Context, a *actor.Actor, id, from, to string) ([]DayInfo, error) {
	if !a.Can(actor.ReadServices) {
		return nil, problem.ErrForbidden
	}
	cal, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	var bad problem.Invalid
	first, errFrom := ParseDate(from)
	if errFrom != nil {
		bad.Add("from", "field.calendar_date")
	}
	last, errTo := ParseDate(to)
	switch {
	case errTo != nil:
		bad.Add("to", "field.calendar_date")
	case errFrom != nil:
	case last.Before(first):
		bad.Add("to", "field.ends_before_start")
	case !last.Before(first.AddDays(maxDays)):
		bad.Add("to", "field.calendar_range")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var out []DayInfo
	for d := first; !last.Before(d); d = d.AddDays(1) {
		workday, name := cal.Day(d)
		out = append(out, DayInfo{Date: d.String(), Workday: workday, Name: name})
	}
	return out, nil
}
