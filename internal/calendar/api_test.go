package calendar_test

import (
	"os"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

type req = apptest.Request
type check = apptest.Check

// referenceFile is one of the reference holiday files beside the project.
func referenceFile(t *testing.T, year string) string {
	t.Helper()
	data, err := os.ReadFile("/work/shared/data/holidays-cn/" + year + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// days fetches a calendar's days as date → item.
func days(t *testing.T, e *apptest.Env, token, id, from, to string) map[string]map[string]any {
	t.Helper()
	res := e.Do(req{Method: "GET", Path: "/api/v1/calendars/" + id + "/days?from=" + from + "&to=" + to, Token: token})
	if res.Status != 200 {
		t.Fatalf("days of %s %s..%s: %d %s", id, from, to, res.Status, res.Body)
	}
	out := map[string]map[string]any{}
	for _, it := range res.Items() {
		out[it["date"].(string)] = it
	}
	return out
}

func TestCalendarsAreReadByEveryoneSignedIn(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, who := range []string{"member@yunqi.demo", "engineer@steward.demo"} {
			items := e.Do(req{Method: "GET", Path: "/api/v1/calendars", Token: e.Login(who)}).Items()
			if len(items) != 2 || items[0]["id"] != "7x24" || items[1]["id"] != "cn-workdays" || items[1]["holidays"] != "cn" || items[0]["holidays"] != nil {
				t.Fatalf("%s reads %v", who, items)
			}
		}
		cn := e.Do(req{Method: "GET", Path: "/api/v1/calendars/cn-workdays", Token: e.Login("member@yunqi.demo")}).JSON()
		hours, _ := cn["intervals"].([]any)
		if len(hours) != 10 || cn["time_zone"] != "Asia/Shanghai" {
			t.Fatalf("cn-workdays %v", cn)
		}
		if first := hours[0].(map[string]any); first["weekday"] != float64(1) || first["open"] != "09:00" || first["close"] != "12:00" {
			t.Fatalf("first interval %v", first)
		}
		e.Run(t, []check{
			{Name: "anonymous", Req: req{Method: "GET", Path: "/api/v1/calendars"}, Status: 401, Code: "auth.required"},
			{Name: "unknown calendar", Req: req{Method: "GET", Path: "/api/v1/calendars/nope", Token: e.Login("member@yunqi.demo")}, Status: 404, Code: "calendar.unknown"},
		})
	})
}

func TestDaysShowHolidaysAndMakeUpWorkdays(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := e.Login("member@yunqi.demo")
		feb := days(t, e, member, "cn-workdays", "2026-02-01", "2026-02-28")
		if len(feb) != 28 {
			t.Fatalf("%d days in February", len(feb))
		}
		want := map[string]struct {
			workday bool
			name    string
		}{
			"2026-02-13": {true, ""},    // Friday
			"2026-02-14": {true, "春节"},  // Saturday, make-up workday
			"2026-02-15": {false, "春节"}, // Sunday, in the holiday
			"2026-02-16": {false, "春节"}, // Monday, in the holiday
			"2026-02-24": {true, ""},    // Tuesday after it
			"2026-02-28": {true, "春节"},  // Saturday, make-up workday
			"2026-02-08": {false, ""},   // an ordinary Sunday
		}
		for date, w := range want {
			if got := feb[date]; got["workday"] != w.workday || got["name"] != w.name {
				t.Errorf("%s: %v; want workday %v name %q", date, got, w.workday, w.name)
			}
		}
		oct := days(t, e, member, "cn-workdays", "2025-09-28", "2025-10-11")
		for date, item := range oct {
			off := date >= "2025-10-01" && date <= "2025-10-08"
			if item["workday"] == off {
				t.Errorf("2025 National Day: %s %v", date, item)
			}
		}
		if jan := days(t, e, member, "cn-workdays", "2025-01-26", "2025-01-26"); jan["2025-01-26"]["workday"] != true {
			t.Errorf("2025-01-26 (Sunday, make-up workday): %v", jan)
		}
		if always := days(t, e, member, "7x24", "2026-02-16", "2026-02-16"); always["2026-02-16"]["workday"] != true || always["2026-02-16"]["name"] != "" {
			t.Errorf("7x24 on a holiday: %v", always)
		}
		year := "/api/v1/calendars/cn-workdays/days?from=2026-01-01&to="
		e.Run(t, []check{
			{Name: "a whole leap-free year and a day", Req: req{Method: "GET", Path: year + "2027-01-01", Token: member}, Status: 200},
			{Name: "more than 366 days", Req: req{Method: "GET", Path: year + "2027-01-02", Token: member}, Status: 400, Code: "request.invalid", Field: "to"},
			{Name: "to before from", Req: req{Method: "GET", Path: year + "2025-12-31", Token: member}, Status: 400, Code: "request.invalid", Field: "to"},
			{Name: "not a date", Req: req{Method: "GET", Path: "/api/v1/calendars/cn-workdays/days?from=2026-02-30&to=2026-03-01", Token: member}, Status: 400, Code: "request.invalid", Field: "from"},
			{Name: "missing", Req: req{Method: "GET", Path: "/api/v1/calendars/cn-workdays/days", Token: member}, Status: 400, Code: "request.invalid", Field: "to"},
			{Name: "unknown calendar", Req: req{Method: "GET", Path: "/api/v1/calendars/nope/days?from=2026-01-01&to=2026-01-02", Token: member}, Status: 404, Code: "calendar.unknown"},
		})
	})
}

func TestReimportReplacesAYear(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin, engineer := e.Login("admin@steward.demo"), e.Login("engineer@steward.demo")
		imp := "/api/v1/calendars/holidays/import"
		e.Run(t, []check{
			{Name: "engineer may not import", Req: req{Method: "POST", Path: imp, Token: engineer, Body: referenceFile(t, "2024")}, Status: 403, Code: "role.forbidden"},
			{Name: "customer may not import", Req: req{Method: "POST", Path: imp, Token: e.Login("admin@yunqi.demo"), Body: "{}"}, Status: 403, Code: "role.forbidden"},
			// 2024 is new: none before, the reference file's 36 after.
			{Name: "import 2024", Req: req{Method: "POST", Path: imp, Token: admin, Body: referenceFile(t, "2024")}, Status: 200,
				Fields: map[string]any{"year": float64(2024), "days_before": float64(0), "days_after": float64(36)}},
			// 2026 was shipped; the reference file has the same 39 days.
			{Name: "re-import 2026", Req: req{Method: "POST", Path: imp, Token: admin, Body: referenceFile(t, "2026")}, Status: 200,
				Fields: map[string]any{"year": float64(2026), "days_before": float64(39), "days_after": float64(39)}},
		})
		if d := days(t, e, engineer, "cn-workdays", "2024-02-04", "2024-02-18"); d["2024-02-04"]["workday"] != true || d["2024-02-12"]["workday"] != false || d["2024-02-18"]["workday"] != true {
			t.Errorf("2024 Spring Festival after the import: %v %v %v", d["2024-02-04"], d["2024-02-12"], d["2024-02-18"])
		}
		if d := days(t, e, engineer, "cn-workdays", "2026-02-14", "2026-02-16"); d["2026-02-14"]["workday"] != true || d["2026-02-16"]["workday"] != false {
			t.Errorf("2026 after the re-import: %v", d)
		}
		// A revision: 2026 with Spring Festival moved a week later.
		revised := `{"year":2026,"papers":["revised"],"days":[{"name":"春节","date":"2026-02-23","isOffDay":true},{"name":"春节","date":"2026-02-21","isOffDay":false}]}`
		e.Run(t, []check{{Name: "revise 2026", Req: req{Method: "POST", Path: imp, Token: admin, Body: revised}, Status: 200,
			Fields: map[string]any{"days_before": float64(39), "days_after": float64(2)}}})
		d := days(t, e, engineer, "cn-workdays", "2026-02-14", "2026-02-23")
		if d["2026-02-14"]["workday"] != false || d["2026-02-16"]["workday"] != true || d["2026-02-21"]["workday"] != true || d["2026-02-23"]["workday"] != false {
			t.Errorf("after the revision: %v", d)
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?action=holidays.import", Token: admin}).Items()
		found := false
		for _, a := range audit {
			if a["action"] == "holidays.import" && a["target_id"] == "cn/2026" {
				found = true
			}
		}
		if !found {
			t.Errorf("no audit record of the 2026 import: %v", audit)
		}
	})
}

func TestBadHolidayFilesAreRefusedNamingTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Login("admin@steward.demo")
		imp := func(name, body, field string) check {
			return check{Name: name, Req: req{Method: "POST", Path: "/api/v1/calendars/holidays/import", Token: admin, Body: body}, Status: 400, Code: "request.invalid", Field: field}
		}
		e.Run(t, []check{
			imp("a date of another year", `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true},{"name":"元旦","date":"2026-12-31","isOffDay":true}]}`, "days[1].date"),
			imp("a date twice", `{"year":2027,"days":[{"name":"a","date":"2027-01-01","isOffDay":true},{"name":"b","date":"2027-01-01","isOffDay":true}]}`, "days[1].date"),
			imp("no name", `{"year":2027,"days":[{"date":"2027-01-01","isOffDay":true}]}`, "days[0].name"),
			imp("a year out of range", `{"year":3000,"days":[]}`, "year"),
			imp("not JSON", `year: 2027`, ""),
			{Name: "larger than any holiday file", Req: req{Method: "POST", Path: "/api/v1/calendars/holidays/import", Token: admin,
				Body: `{"year":2027,"papers":["` + strings.Repeat("x", 300<<10) + `"],"days":[]}`}, Status: 413, Code: "request.too_large"},
		})
		// Nothing of 2027 was stored.
		if d := days(t, e, admin, "cn-workdays", "2027-01-01", "2027-01-01"); d["2027-01-01"]["workday"] != true || d["2027-01-01"]["name"] != "" {
			t.Errorf("a refused file changed 2027: %v", d)
		}
	})
}

func TestVendorAdminAddsACalendar(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin, engineer := e.Login("admin@steward.demo"), e.Login("engineer@steward.demo")
		hk := map[string]any{"id": "hk-office", "name": "香港辦公時間", "time_zone": "Asia/Hong_Kong", "holidays": nil,
			"intervals": []map[string]any{{"weekday": 1, "open": "09:00", "close": "12:30"}, {"weekday": 1, "open": "14:00", "close": "18:00"},
				{"weekday": 6, "open": "09:00", "close": "13:00"}}}
		with := func(k string, v any) map[string]any {
			c := map[string]any{}
			for key, val := range hk {
				c[key] = val
			}
			c[k] = v
			return c
		}
		post := func(name, token string, body any, status int, code, field string) check {
			return check{Name: name, Req: req{Method: "POST", Path: "/api/v1/calendars", Token: token, Body: body}, Status: status, Code: code, Field: field}
		}
		e.Run(t, []check{
			post("engineer may not add", engineer, hk, 403, "role.forbidden", ""),
			post("bad zone", admin, with("time_zone", "Asia/Atlantis"), 400, "request.invalid", "time_zone"),
			post("Local is no zone", admin, with("time_zone", "Local"), 400, "request.invalid", "time_zone"),
			post("overlap", admin, with("intervals", []map[string]any{{"weekday": 2, "open": "09:00", "close": "12:00"}, {"weekday": 2, "open": "11:00", "close": "13:00"}}), 400, "request.invalid", "intervals[1]"),
			post("closes before it opens", admin, with("intervals", []map[string]any{{"weekday": 2, "open": "12:00", "close": "09:00"}}), 400, "request.invalid", "intervals[0].close"),
			post("weekday 0", admin, with("intervals", []map[string]any{{"weekday": 0, "open": "09:00", "close": "12:00"}}), 400, "request.invalid", "intervals[0].weekday"),
			post("25:00", admin, with("intervals", []map[string]any{{"weekday": 2, "open": "09:00", "close": "25:00"}}), 400, "request.invalid", "intervals[0].close"),
			post("no intervals", admin, with("intervals", []any{}), 400, "request.invalid", "intervals"),
			post("unknown holiday set", admin, with("holidays", "us"), 400, "request.invalid", "holidays"),
			post("bad id", admin, with("id", "HK Office"), 400, "request.invalid", "id"),
			post("built-in id", admin, with("id", "cn-workdays"), 409, "calendar.built_in", ""),
			{Name: "created", Req: req{Method: "POST", Path: "/api/v1/calendars", Token: admin, Body: hk}, Status: 201,
				Fields: map[string]any{"id": "hk-office", "time_zone": "Asia/Hong_Kong", "holidays": nil, "built_in": false},
				Header: map[string]string{"Location": "/api/v1/calendars/hk-office"}},
			post("taken id", admin, hk, 409, "calendar.exists", ""),
		})
		if items := e.Do(req{Method: "GET", Path: "/api/v1/calendars", Token: e.Login("member@yunqi.demo")}).Items(); len(items) != 3 || items[2]["id"] != "hk-office" {
			t.Fatalf("list after adding: %v", items)
		}
		// No holidays: the Chinese Spring Festival Monday is a workday, the Sunday is not, the Saturday is.
		d := days(t, e, engineer, "hk-office", "2026-02-14", "2026-02-16")
		if d["2026-02-14"]["workday"] != true || d["2026-02-15"]["workday"] != false || d["2026-02-16"]["workday"] != true {
			t.Errorf("hk-office days %v", d)
		}
	})
}
