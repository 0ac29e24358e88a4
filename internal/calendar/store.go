package calendar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"steward.dev/steward/internal/platform/db"
)

// Store keeps the vendor's calendars and the imported holiday years.
type Store struct{ db *db.DB }

// NewStore returns the store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// row is a calendar as stored: the intervals as JSON.
type row struct {
	id, name, zone, intervals, holidays string
}

func scanRow(s db.Scanner) (row, error) {
	var r row
	return r, s.Scan(&r.id, &r.name, &r.zone, &r.intervals, &r.holidays)
}

const calendarColumns = `id, name, time_zone, intervals, holidays`

// Calendars returns the vendor's calendars by id.
func (s *Store) Calendars(ctx context.Context) ([]row, error) {
	return db.QueryAll(ctx, s.db, scanRow, `SELECT `+calendarColumns+` FROM calendars ORDER BY id`)
}

// Calendar returns one calendar; false when there is none with that id.
func (s *Store) Calendar(ctx context.Context, id string) (row, bool, error) {
	r, err := scanRow(s.db.QueryRow(ctx, `SELECT `+calendarColumns+` FROM calendars WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	return r, err == nil, err
}

// InsertCalendar adds a calendar; a taken id is a unique violation.
func (s *Store) InsertCalendar(ctx context.Context, tx *db.Tx, r row, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO calendars (`+calendarColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.id, r.name, r.zone, r.intervals, r.holidays, at)
	return err
}

// HolidayDays returns every stored day of a holiday set.
func (s *Store) HolidayDays(ctx context.Context, set string) (HolidaySet, error) {
	rows, err := s.db.Query(ctx, `SELECT date, name, off_day FROM holidays WHERE holiday_set = ?`, set)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := HolidaySet{}
	for rows.Next() {
		var date string
		var h Holiday
		if err := rows.Scan(&date, &h.Name, &h.OffDay); err != nil {
			return nil, err
		}
		d, err := ParseDate(date)
		if err != nil {
			return nil, err
		}
		days[d] = h
	}
	return days, rows.Err()
}

// YearSummary is one stored year of a holiday set.
type YearSummary struct {
	Year       int       `json:"year"`
	Days       int       `json:"days"`
	Papers     []string  `json:"papers"`
	ImportedAt time.Time `json:"imported_at"`
}

// Years lists a holiday set's stored years, newest first.
func (s *Store) Years(ctx context.Context, set string) ([]YearSummary, error) {
	return db.QueryAll(ctx, s.db, func(sc db.Scanner) (YearSummary, error) {
		var y YearSummary
		var papers string
		if err := sc.Scan(&y.Year, &papers, &y.ImportedAt, &y.Days); err != nil {
			return y, err
		}
		return y, json.Unmarshal([]byte(papers), &y.Papers)
	}, `SELECT y.year, y.papers, y.imported_at, (SELECT COUNT(*) FROM holidays h WHERE h.holiday_set = y.holiday_set AND h.year = y.year)
		FROM holiday_years y WHERE y.holiday_set = ? ORDER BY y.year DESC`, set)
}

// AddYearIfAbsent stores a year unless the set already has it, and says
// whether it did. Two instances seeding at once agree on one copy: the
// second waits on the first's key and then inserts nothing.
func (s *Store) AddYearIfAbsent(ctx context.Context, tx *db.Tx, set string, y HolidayYear, at time.Time) (bool, error) {
	papers, err := json.Marshal(nonNil(y.Papers))
	if err != nil {
		return false, err
	}
	res, err := tx.Exec(ctx, `INSERT INTO holiday_years (holiday_set, year, papers, imported_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (holiday_set, year) DO NOTHING`, set, y.Year, string(papers), at)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, s.insertDays(ctx, tx, set, y)
}

// ReplaceYear stores a year in place of what the set had for it and returns
// how many days it had before (0 for a new year).
func (s *Store) ReplaceYear(ctx context.Context, tx *db.Tx, set string, y HolidayYear, at time.Time) (int, error) {
	var before int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM holidays WHERE holiday_set = ? AND year = ?`, set, y.Year).Scan(&before); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM holidays WHERE holiday_set = ? AND year = ?`, set, y.Year); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM holiday_years WHERE holiday_set = ? AND year = ?`, set, y.Year); err != nil {
		return 0, err
	}
	if _, err := s.AddYearIfAbsent(ctx, tx, set, y, at); err != nil {
		return 0, err
	}
	return before, nil
}

func (s *Store) insertDays(ctx context.Context, tx *db.Tx, set string, y HolidayYear) error {
	for _, d := range y.Days {
		if _, err := tx.Exec(ctx, `INSERT INTO holidays (holiday_set, year, date, name, off_day) VALUES (?, ?, ?, ?, ?)`,
			set, y.Year, d.Date, d.Name, d.OffDay); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
