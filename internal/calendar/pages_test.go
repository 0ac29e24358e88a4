package calendar_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// upload posts a holiday file through the console's import form.
func upload(t *testing.T, b *apptest.Browser, body string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "holidays.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(body))
	mw.Close()
	return b.Do("POST", "/console/calendars/holidays", mw.FormDataContentType(), &buf).Result()
}

func TestConsoleCalendarsPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Browser("admin@steward.demo", "zh-CN")
		page := admin.Get("/console/calendars?calendar=cn-workdays&month=2026-02")
		body := page.Body.String()
		if page.Code != 200 {
			t.Fatalf("%d %s", page.Code, body)
		}
		for _, want := range []string{"工作日历", "cn-workdays", "7x24", "周一–周五 09:00–12:00, 13:30–18:00", "周一–周日 00:00–24:00",
			// 20 weekdays, 6 of them off (16–20, 23), and 2 make-up Saturdays (14, 28).
			`data-testid="day-14" data-workday="true"`, `data-testid="day-16" data-workday="false"`, "调休上班", "春节",
			"本月 16 个工作日", `data-testid="holiday-import"`, `href="/console/calendars"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the February page lacks %q", want)
			}
		}
		// The import form takes the reference file of 2024 and says what it did.
		res := upload(t, admin, referenceFile(t, "2024"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d", res.StatusCode)
		}
		done := admin.Get(res.Header.Get("Location")).Body.String()
		if !strings.Contains(done, "已导入 2024 年的节假日安排：原有 0 个日期，现在 36 个。") {
			t.Errorf("no word of the import: %s", done)
		}
		// A faulty file is refused with every fault named, in English too.
		english := e.Browser("admin@steward.demo", "en")
		bad := `{"year":2027,"days":[{"name":"New Year","date":"2027-02-30","isOffDay":true},{"name":"","date":"2027-01-02","isOffDay":true}]}`
		res = upload(t, english, bad)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("faulty import: %d", res.StatusCode)
		}
		var page2 bytes.Buffer
		page2.ReadFrom(res.Body)
		for _, want := range []string{"days[0].date", "must be a date written YYYY-MM-DD", "days[1].name", "is required"} {
			if !strings.Contains(page2.String(), want) {
				t.Errorf("the refusal lacks %q", want)
			}
		}
		// Engineers see the calendars but not the import form; customers not at all.
		eng := e.Browser("engineer@steward.demo", "en").Get("/console/calendars").Body.String()
		if !strings.Contains(eng, "Calendars") || strings.Contains(eng, `data-testid="holiday-import"`) {
			t.Error("the engineer's page shows the import form or no calendars")
		}
		if res := upload(t, e.Browser("engineer@steward.demo", "en"), referenceFile(t, "2024")); res.StatusCode != http.StatusForbidden {
			t.Errorf("engineer import: %d", res.StatusCode)
		}
		if code := e.Browser("admin@yunqi.demo", "zh-CN").Get("/console/calendars").Code; code != http.StatusForbidden {
			t.Errorf("customer: %d", code)
		}
	})
}
