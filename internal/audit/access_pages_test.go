package audit_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/clock"
)

func TestPortalAccessPageGrantsRevokesAndShowsTheLog(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		p := logins(e)
		id := uploaded(t, e, p.member, orgA, "凭证导出.xlsx", "PK")
		admin := e.Browser("admin@yunqi.demo", "zh-CN")

		body := page(t, admin, "/portal/access")
		for _, want := range []string{"数据访问", "尚未授权访问", "厂商尚未读取您的业务数据", `type="datetime-local"`, `href="/portal/access"`} {
			if !strings.Contains(body, want) {
				t.Errorf("access page lacks %q", want)
			}
		}

		// Until is Beijing time in the form: 18:00 in Beijing is 10:00 UTC.
		until := e.Clock.Now().AddDate(0, 0, 3).In(clock.Shanghai)
		until = time.Date(until.Year(), until.Month(), until.Day(), 18, 0, 0, 0, clock.Shanghai)
		w := admin.PostForm("/portal/access/grants", url.Values{"until": {until.Format("2006-01-02T15:04")}, "scope": {"attachments"}, "note": {"工单 1234"}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/portal/access?done=granted" {
			t.Fatalf("grant: %d %s", w.Code, w.Body)
		}
		grants := list(e, p.admin, "/api/v1/orgs/"+orgA+"/access-grants")
		if len(grants) != 1 || grants[0]["until"] != until.UTC().Format(time.RFC3339) || grants[0]["note"] != "工单 1234" {
			t.Fatalf("the granted grant: %v", grants)
		}
		read(e, p.agent, id)
		body = page(t, admin, "/portal/access?done=granted")
		for _, want := range []string{"已授权访问", "生效中", "工单 1234", "客服专员 李娜", "凭证导出.xlsx", "访问授权", until.Format("2006-01-02 15:04")} {
			if !strings.Contains(body, want) {
				t.Errorf("after the grant and a read the page lacks %q", want)
			}
		}

		// A grant in the past is shown at the form with the reason.
		w = admin.PostForm("/portal/access/grants", url.Values{"until": {"2020-01-01T00:00"}, "scope": {"all"}})
		if w.Code != 400 || !strings.Contains(w.Body.String(), "须晚于当前时间") {
			t.Fatalf("grant in the past: %d", w.Code)
		}
		w = admin.PostForm("/portal/access/grants/"+grants[0]["id"].(string)+"/revoke", url.Values{})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", w.Code, w.Body)
		}
		if body := page(t, admin, "/portal/access?done=revoked"); !strings.Contains(body, "已撤销授权") || !strings.Contains(body, "已于") {
			t.Errorf("after revoking: %s", body)
		}
		if res := read(e, p.agent, id); res.Status != 403 {
			t.Errorf("read after revoking in the portal: %d", res.Status)
		}

		// In English too; a member may not open the page.
		if body := page(t, e.Browser("admin@yunqi.demo", "en"), "/portal/access"); !strings.Contains(body, "Data-access log") || !strings.Contains(body, "Access grant") {
			t.Errorf("English page: %s", body)
		}
		if w := e.Browser("member@yunqi.demo", "zh-CN").Get("/portal/access"); w.Code != 403 {
			t.Errorf("a member opened the access page: %d", w.Code)
		}
	})
}

func TestConsoleAccessPageRecordsALawfulRequest(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Browser("admin@steward.demo", "en")
		path := "/console/orgs/" + orgA + "/access"
		if body := page(t, admin, path); !strings.Contains(body, "Record a lawful request") || !strings.Contains(body, "Data-access log") {
			t.Fatalf("vendor_admin's access page: %s", body)
		}
		until := e.Clock.Now().AddDate(0, 0, 30).In(clock.Shanghai).Format("2006-01-02T15:04")
		w := admin.PostForm("/console/orgs/"+orgA+"/lawful-requests", url.Values{"authority": {"Shanghai PSB"}, "scope": {"attachments"}, "until": {until}})
		if w.Code != 400 || !strings.Contains(w.Body.String(), "is required") || !strings.Contains(w.Body.String(), `value="Shanghai PSB"`) {
			t.Fatalf("without a reference: %d %s", w.Code, w.Body)
		}
		w = admin.PostForm("/console/orgs/"+orgA+"/lawful-requests", url.Values{"authority": {"Shanghai PSB"}, "reference": {"No. 42"}, "scope": {"attachments"},
			"until": {until}, "disclose_on": {clock.BeijingDate(e.Clock.Now().AddDate(0, 0, 5))}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("record: %d %s", w.Code, w.Body)
		}
		if body := page(t, admin, path+"?done=recorded"); !strings.Contains(body, "No. 42") || !strings.Contains(body, "not yet disclosed") {
			t.Fatalf("after recording: %s", body)
		}
		// An agent sees the grants, not the lawful requests or the log, and may not record one.
		agent := e.Browser("agent@steward.demo", "en")
		if body := page(t, agent, path); strings.Contains(body, "No. 42") || strings.Contains(body, "Data-access log") || !strings.Contains(body, "Access grants") {
			t.Fatalf("agent's access page: %s", body)
		}
		if w := agent.PostForm("/console/orgs/"+orgA+"/lawful-requests", url.Values{"reference": {"x"}}); w.Code != 403 {
			t.Fatalf("agent records a lawful request: %d", w.Code)
		}
	})
}

// page loads a page that must answer 200.
func page(t *testing.T, b *apptest.Browser, path string) string {
	t.Helper()
	w := b.Get(path)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.String()
}
