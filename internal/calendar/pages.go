package calendar

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// ConsolePath is the console's calendars page.
const ConsolePath = "/console/calendars"

// maxHolidayFile bounds an imported holiday file: a year lists a few dozen
// days, a few kilobytes.
const maxHolidayFile = 256 << 10

// formOverhead is what a multipart form may add to the file itself.
const formOverhead = 16 << 10

// Pages are the console's calendars page: the calendars, a month of one of
// them, the stored holiday years and (vendor_admin) the import form.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET "+ConsolePath, p.console)
	rt.PageWithLimit("POST "+ConsolePath+"/holidays", maxHolidayFile+formOverhead, p.importFile)
}

type pageData struct {
	Calendars []calendarRow
	Month     monthView
	Years     []YearSummary
	CanImport bool
	Errors    *importErrors
	Imported  *ImportResult // the import just done
}

type calendarRow struct {
	View
	Hours []weekLine
}

// monthView is one month of a calendar as weeks of seven cells, Monday first.
type monthView struct {
	CalendarID, Title string
	Prev, Next        string // links to the neighbouring months
	Weeks             [][7]dayCell
	Workdays          int
}

type dayCell struct {
	Day     int // 0 for a cell outside the month
	Weekday int // ISO, for the phone's one-column view
	Workday bool
	Name    string
	Weekend bool
	Today   bool
}

// importErrors is what a failed import says: the summary and every field at fault.
type importErrors struct {
	Summary string
	Fields  []fieldWords
}

// fieldWords is a field at fault and what is wrong with it, in the page's language.
type fieldWords struct{ Field, Words string }

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	d := pageData{}
	if q := r.URL.Query(); q.Get("done") == "imported" {
		d.Imported = &ImportResult{}
		d.Imported.Year, _ = strconv.Atoi(q.Get("year"))
		d.Imported.Before, _ = strconv.Atoi(q.Get("before"))
		d.Imported.After, _ = strconv.Atoi(q.Get("after"))
	}
	return p.render(w, r, a, http.StatusOK, d)
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d pageData) error {
	ctx := r.Context()
	cals, err := p.svc.List(ctx, a)
	if err != nil {
		return err
	}
	for _, c := range cals {
		d.Calendars = append(d.Calendars, calendarRow{View: ViewOf(c), Hours: weekLines(c)})
	}
	if d.Years, err = p.svc.Years(ctx, a); err != nil {
		return err
	}
	d.CanImport = a.Can(actor.ManageCalendars)
	calID := r.URL.Query().Get("calendar")
	if calID == "" {
		calID = CNWorkdays
	}
	cal, err := p.svc.Get(ctx, calID)
	if err != nil {
		return err
	}
	today := DateOf(p.svc.d.Clock.Now(), clock.Shanghai)
	month := Date{today.Year, today.Month, 1}
	if m, err := time.Parse("2006-01", r.URL.Query().Get("month")); err == nil {
		month = Date{m.Year(), m.Month(), 1}
	}
	d.Month = monthOf(cal, month, today)
	return p.pages.Render(w, r, status, "calendar_console", d)
}

// weekLine is the hours of a run of consecutive weekdays with the same
// hours, e.g. 1–5 and "09:00–12:00, 13:30–18:00".
type weekLine struct {
	From, To int // ISO weekdays: 1 Monday … 7 Sunday
	Hours    string
}

// weekLines writes a calendar's hours a line per run of weekdays with the
// same hours, Monday first; closed days are left out.
func weekLines(c *Calendar) []weekLine {
	var lines []weekLine
	for i := 1; i <= 7; i++ {
		var hours string
		for j, iv := range c.week[time.Weekday(i%7)] {
			if j > 0 {
				hours += ", "
			}
			hours += formatClock(iv.Open) + "–" + formatClock(iv.Close)
		}
		switch last := len(lines) - 1; {
		case hours == "":
		case last >= 0 && lines[last].To == i-1 && lines[last].Hours == hours:
			lines[last].To = i
		default:
			lines = append(lines, weekLine{From: i, To: i, Hours: hours})
		}
	}
	return lines
}

func monthOf(cal *Calendar, first, today Date) monthView {
	link := func(d Date) string {
		return ConsolePath + "?" + url.Values{"calendar": {cal.ID}, "month": {d.String()[:7]}}.Encode()
	}
	m := monthView{CalendarID: cal.ID, Title: first.String()[:7], Prev: link(first.addMonths(-1)), Next: link(first.addMonths(1))}
	var week [7]dayCell
	col := (int(first.Weekday()) + 6) % 7 // Monday is column 0
	for d := first; d.Month == first.Month; d = d.AddDays(1) {
		workday, name := cal.Day(d)
		if workday {
			m.Workdays++
		}
		week[col] = dayCell{Day: d.Day, Weekday: col + 1, Workday: workday, Name: name, Weekend: col >= 5, Today: d == today}
		if col++; col == 7 {
			m.Weeks, week, col = append(m.Weeks, week), [7]dayCell{}, 0
		}
	}
	if col > 0 {
		m.Weeks = append(m.Weeks, week)
	}
	return m
}

// addMonths moves a first of the month by n months.
func (d Date) addMonths(n int) Date {
	y, m, _ := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC).Date()
	return Date{y, m, 1}
}

// importFile imports the uploaded holiday file through the same service as
// the API, and shows every fault of a refused file.
func (p *Pages) importFile(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	res, err := p.receive(r, a)
	if err == nil {
		done := url.Values{"done": {"imported"}, "year": {strconv.Itoa(res.Year)},
			"before": {strconv.Itoa(res.Before)}, "after": {strconv.Itoa(res.After)}}
		http.Redirect(w, r, ConsolePath+"?"+done.Encode(), http.StatusSeeOther)
		return nil
	}
	fe, status, ferr := web.AsFormErrors(r, err)
	if ferr != nil {
		return ferr
	}
	ie := &importErrors{Summary: fe.Summary}
	if pe, ok := problem.As(err); ok {
		for _, f := range pe.Fields {
			ie.Fields = append(ie.Fields, fieldWords{Field: f.Field, Words: fe.Field(f.Field)})
		}
	}
	return p.render(w, r, a, status, pageData{Errors: ie})
}

// receive reads the form's file and imports it.
func (p *Pages) receive(r *http.Request, a *actor.Actor) (ImportResult, error) {
	if !a.Can(actor.ManageCalendars) {
		return ImportResult{}, problem.ErrForbidden
	}
	f, _, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return ImportResult{}, problem.InvalidField("file", "field.holiday_file_large")
	case err != nil:
		return ImportResult{}, problem.InvalidField("file", "field.required")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return ImportResult{}, err
	}
	return p.svc.ImportHolidays(r.Context(), a, data)
}
