package calendar

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// HolidayYear is one year of a holiday set as published: the days off and
// the make-up workdays, and the notices (papers) they come from.
type HolidayYear struct {
	Year   int          `json:"year"`
	Papers []string     `json:"papers"`
	Days   []HolidayDay `json:"days"`
}

// HolidayDay is one listed date. OffDay false is a make-up workday (调休上班).
type HolidayDay struct {
	Name   string `json:"name"`
	Date   string `json:"date"`
	OffDay bool   `json:"isOffDay"`
}

// The years a holiday file may describe: the State Council has published
// schedules since 1999, and nobody publishes one a century ahead.
const (
	minHolidayYear = 1999
	maxHolidayYear = 2100
	maxNameLen     = 100
	maxPapers      = 20
	maxPaperLen    = 500
)

// ParseHolidays reads a holiday file of the shape
// {"year","papers","days":[{"name","date","isOffDay"}]}; keys it does not
// know (such as $schema) are ignored. Every fault is a 400 naming its field,
// e.g. days[3].date.
func ParseHolidays(data []byte) (HolidayYear, error) {
	var raw struct {
		Year   *int              `json:"year"`
		Papers []string          `json:"papers"`
		Days   []json.RawMessage `json:"days"`
	}
	if err := unmarshal(data, &raw, ""); err != nil {
		return HolidayYear{}, err
	}
	var bad problem.Invalid
	y := HolidayYear{Papers: raw.Papers}
	switch {
	case raw.Year == nil:
		bad.Add("year", "field.required")
	case *raw.Year < minHolidayYear || *raw.Year > maxHolidayYear:
		bad.Add("year", "field.holiday_year")
	default:
		y.Year = *raw.Year
	}
	if len(raw.Papers) > maxPapers {
		bad.Add("papers", "field.too_long")
	}
	for i, p := range raw.Papers {
		if len(p) > maxPaperLen {
			bad.Add(fmt.Sprintf("papers[%d]", i), "field.too_long")
		}
	}
	if raw.Days == nil {
		bad.Add("days", "field.required")
	}
	if len(raw.Days) > 366 {
		bad.Add("days", "field.too_long")
		return HolidayYear{}, bad.Err()
	}
	seen := map[string]bool{}
	for i, msg := range raw.Days {
		at := fmt.Sprintf("days[%d]", i)
		var d struct {
			Name   *string `json:"name"`
			Date   *string `json:"date"`
			OffDay *bool   `json:"isOffDay"`
		}
		if err := unmarshal(msg, &d, at); err != nil {
			return HolidayYear{}, err
		}
		day := HolidayDay{}
		switch {
		case d.Name == nil || strings.TrimSpace(*d.Name) == "":
			bad.Add(at+".name", "field.required")
		case utf8.RuneCountInString(*d.Name) > maxNameLen:
			bad.Add(at+".name", "field.too_long")
		default:
			day.Name = strings.TrimSpace(*d.Name)
		}
		if d.OffDay == nil {
			bad.Add(at+".isOffDay", "field.required")
		} else {
			day.OffDay = *d.OffDay
		}
		if d.Date == nil {
			bad.Add(at+".date", "field.required")
		} else if date, err := ParseDate(*d.Date); err != nil {
			bad.Add(at+".date", "field.calendar_date")
		} else if y.Year != 0 && date.Year != y.Year {
			bad.Add(at+".date", "field.holiday_other_year")
		} else if seen[date.String()] {
			bad.Add(at+".date", "field.listed_twice")
		} else {
			seen[date.String()] = true
			day.Date = date.String()
		}
		y.Days = append(y.Days, day)
	}
	if err := bad.Err(); err != nil {
		return HolidayYear{}, err
	}
	return y, nil
}

// unmarshal decodes one JSON value, naming the field of a type error below
// prefix; keys v does not have are ignored.
func unmarshal(data []byte, v any, prefix string) error {
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		return problem.InvalidField(joinField(prefix, typeErr.Field), "field.json_type")
	default:
		return problem.InvalidField(prefix, "field.json_malformed")
	}
}

func joinField(prefix, field string) string {
	if prefix == "" || field == "" {
		return prefix + field
	}
	return prefix + "." + field
}

// The years shipped with Steward, in the shape ParseHolidays reads. They are
// written into the database when it has no copy of that year yet.
//
//go:embed holidays/*.json
var shipped embed.FS

// ShippedHolidays returns the shipped years of the Chinese holiday set.
func ShippedHolidays() ([]HolidayYear, error) {
	names, err := fs.Glob(shipped, "holidays/cn-*.json")
	if err != nil {
		return nil, err
	}
	var years []HolidayYear
	for _, name := range names {
		data, err := shipped.ReadFile(name)
		if err != nil {
			return nil, err
		}
		y, err := ParseHolidays(data)
		if err != nil {
			return nil, fmt.Errorf("calendar: shipped %s: %w", name, err)
		}
		years = append(years, y)
	}
	return years, nil
}
