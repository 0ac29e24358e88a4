package calendar

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/problem"
)

func TestHolidayFilesOfTheReferenceShapeParse(t *testing.T) {
	for _, year := range []string{"2024", "2025", "2026"} {
		data, err := os.ReadFile("/work/shared/data/holidays-cn/" + year + ".json")
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseHolidays(data)
		if err != nil {
			t.Fatalf("%s: %v", year, err)
		}
		if y.Year == 0 || len(y.Days) == 0 || len(y.Papers) != 1 {
			t.Fatalf("%s: %+v", year, y)
		}
	}
}

func TestShippedYearsMatchTheReferenceFiles(t *testing.T) {
	shipped, err := ShippedHolidays()
	if err != nil {
		t.Fatal(err)
	}
	if len(shipped) != 2 || shipped[0].Year != 2025 || shipped[1].Year != 2026 {
		t.Fatalf("shipped %d years", len(shipped))
	}
	for _, y := range shipped {
		data, err := os.ReadFile("/work/shared/data/holidays-cn/" + strconv.Itoa(y.Year) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		ref, err := ParseHolidays(data)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := setOf(y), setOf(ref); len(got) != len(want) {
			t.Fatalf("%d: %d days shipped, %d in the reference", y.Year, len(got), len(want))
		} else {
			for date, h := range want {
				if got[date] != h {
					t.Errorf("%s: shipped %+v, reference %+v", date, got[date], h)
				}
			}
		}
	}
}

func TestBadHolidayFilesNameTheField(t *testing.T) {
	cases := []struct{ body, field, message string }{
		{`{"papers":[],"days":[]}`, "year", "field.required"},
		{`{"year":1800,"days":[]}`, "year", "field.holiday_year"},
		{`{"year":"2026","days":[]}`, "year", "field.json_type"},
		{`{"year":2026}`, "days", "field.required"},
		{`{"year":2026,"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true},{"name":"x","date":"2026-13-01","isOffDay":true}]}`, "days[1].date", "field.calendar_date"},
		{`{"year":2026,"days":[{"name":"元旦","date":"2025-12-31","isOffDay":true}]}`, "days[0].date", "field.holiday_other_year"},
		{`{"year":2026,"days":[{"name":"a","date":"2026-01-01","isOffDay":true},{"name":"b","date":"2026-01-01","isOffDay":false}]}`, "days[1].date", "field.listed_twice"},
		{`{"year":2026,"days":[{"name":" ","date":"2026-01-01","isOffDay":true}]}`, "days[0].name", "field.required"},
		{`{"year":2026,"days":[{"name":"a","date":"2026-01-01"}]}`, "days[0].isOffDay", "field.required"},
		{`{"year":2026,"days":[{"name":"a","date":"2026-1-1","isOffDay":true}]}`, "days[0].date", "field.calendar_date"},
		{`{"year":2026,"days":[{"name":"a","date":20260101,"isOffDay":true}]}`, "days[0].date", "field.json_type"},
		{`{"year":2026,"days":[`, "", "field.json_malformed"},
	}
	for _, c := range cases {
		_, err := ParseHolidays([]byte(c.body))
		p, ok := problem.As(err)
		if !ok || p.Status != http.StatusBadRequest {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		found := false
		for _, f := range p.Fields {
			found = found || (f.Field == c.field && f.Message == c.message)
		}
		if !found {
			t.Errorf("%s: fields %+v; want %s %s", c.body, p.Fields, c.field, c.message)
		}
	}
}

// FuzzParseHolidays: every input is either refused with a 400 problem, or
// gives a year whose days are distinct, named, valid dates inside it.
func FuzzParseHolidays(f *testing.F) {
	for _, name := range []string{"holidays/cn-2025.json", "holidays/cn-2026.json"} {
		data, err := shipped.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{`{}`, `null`, `[]`, `{"year":2026,"days":[{"name":"a","date":"2026-02-29","isOffDay":true}]}`,
		`{"year":2026,"$schema":"x","days":[{"name":"a","date":"2026-02-28","isOffDay":false,"extra":1}]}`, `{"year":2026,"days":null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := ParseHolidays(data)
		if err != nil {
			if p, ok := problem.As(err); !ok || p.Status != http.StatusBadRequest || len(p.Fields) == 0 {
				t.Fatalf("%q: %v is not a 400 naming a field", data, err)
			}
			return
		}
		if y.Year < minHolidayYear || y.Year > maxHolidayYear {
			t.Fatalf("%q: year %d accepted", data, y.Year)
		}
		if set := setOf(y); len(set) != len(y.Days) {
			t.Fatalf("%q: %d days but %d distinct dates", data, len(y.Days), len(set))
		}
		for _, d := range y.Days {
			date, err := ParseDate(d.Date)
			if err != nil || date.Year != y.Year || date.String() != d.Date || strings.TrimSpace(d.Name) == "" {
				t.Fatalf("%q: accepted day %+v", data, d)
			}
		}
	})
}
