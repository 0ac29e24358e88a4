package oncall_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestRotaPage: the console shows the demo rota's next four weeks in both
// languages; an engineer adds a day's override with the plain form, a
// second one over the same day is refused in words, the rotation's
// members are reordered, the policy's second level's delay changes; a
// product manager reads without forms; a customer is refused.
func TestRotaPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		eng := e.Browser("engineer@steward.demo", "zh-CN")
		w := eng.Get("/console/oncall")
		body := w.Body.String()
		weeks := body[strings.Index(body, `data-testid="rota-weeks"`):]
		weeks = weeks[:strings.Index(weeks, "</table>")]
		// This week (from Monday 23rd 09:00) the engineer, then the agent, in turns.
		order := []string{"2026-11-23 09:00", "运维工程师 王强", "2026-11-30 09:00", "客服专员 李娜", "2026-12-07 09:00", "运维工程师 王强", "2026-12-14 09:00", "客服专员 李娜"}
		at := 0
		for _, want := range order {
			i := strings.Index(weeks[at:], want)
			if i < 0 {
				t.Fatalf("rota table (%d) lacks %q after position %d: %s", w.Code, want, at, weeks)
			}
			at += i + len(want)
		}
		for _, want := range []string{"值班与升级", "每周周一 09:00（北京时间）交接", `data-testid="override-add"`, `data-testid="policy-edit"`, "未确认的升级"} {
			if !strings.Contains(body, want) {
				t.Errorf("rota page lacks %q", want)
			}
		}
		if w := e.Browser("engineer@steward.demo", "en").Get("/console/oncall"); !strings.Contains(w.Body.String(), "Who is on call, the next 4 weeks") ||
			!strings.Contains(w.Body.String(), "Handed over every Monday at 09:00 Beijing time") {
			t.Errorf("English page (%d) lacks its words", w.Code)
		}

		override := url.Values{"user_id": {s.admin.id}, "date": {"2026-11-28"}}
		if w := eng.PostForm("/console/oncall/schedules/hotline/overrides", override); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/oncall?done=override_added" {
			t.Fatalf("add an override: %d %s", w.Code, w.Body)
		}
		if w := eng.PostForm("/console/oncall/schedules/hotline/overrides", override); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "同一时间只能有一人值班") {
			t.Errorf("overlapping override: %d", w.Code)
		}
		if users := onCallAt(t, e, s.agent.token, "hotline", "2026-11-28T12:00:00+08:00"); len(users) != 1 || users[0]["id"] != s.admin.id {
			t.Errorf("the form's override: %v", users)
		}

		// Swap the members: the agent first. A broken time is named first.
		rota := url.Values{"name": {"热线值班"}, "members": {s.agent.id, s.engineer.id, ""}, "handover_weekday": {"monday"}, "handover_time": {"9点"}, "starts_on": {"2026-11-23"}}
		if w := eng.PostForm("/console/oncall/schedules/hotline", rota); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "须为北京时间 HH:MM") {
			t.Errorf("bad hand-over time: %d", w.Code)
		}
		rota.Set("handover_time", "09:00")
		if w := eng.PostForm("/console/oncall/schedules/hotline", rota); w.Code != http.StatusSeeOther {
			t.Fatalf("save the rota: %d %s", w.Code, w.Body)
		}
		if users := onCallAt(t, e, s.agent.token, "hotline", "2026-11-27T10:00:00+08:00"); len(users) != 1 || users[0]["id"] != s.agent.id {
			t.Errorf("after reordering: %v, want the agent this week", users)
		}

		policy := url.Values{"name": {"热线升级"}, "repeats": {"1"},
			"targets_0": {"schedule:hotline"}, "delay_0": {"10"},
			"targets_1": {"role:vendor_admin", "user:" + s.agent.id}, "delay_1": {"20"},
			"delay_2": {"15"}}
		if w := eng.PostForm("/console/oncall/policies/hotline", policy); w.Code != http.StatusSeeOther {
			t.Fatalf("save the policy: %d %s", w.Code, w.Body)
		}
		p := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/policies/hotline", Token: s.agent.token}).JSON()
		levels := p["levels"].([]any)
		if len(levels) != 2 || p["repeats"] != 1.0 || levels[0].(map[string]any)["delay_minutes"] != 10.0 || len(levels[1].(map[string]any)["targets"].([]any)) != 2 {
			t.Errorf("the policy from the form: %v", p)
		}

		if w := e.Browser("pm@steward.demo", "zh-CN").Get("/console/oncall"); w.Code != 200 || strings.Contains(w.Body.String(), `data-testid="override-add"`) {
			t.Errorf("product manager: %d", w.Code)
		}
		if w := e.Browser("pm@steward.demo", "zh-CN").PostForm("/console/oncall/schedules/hotline/overrides", override); w.Code != http.StatusForbidden {
			t.Errorf("product manager adds an override: %d", w.Code)
		}
		if w := e.Browser("admin@huabei.demo", "zh-CN").Get("/console/oncall"); w.Code != http.StatusForbidden {
			t.Errorf("customer: %d", w.Code)
		}
	})
}
