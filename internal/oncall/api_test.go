package oncall_test

import (
	"net/http"
	"net/url"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestTheDemoHotlineRota: the engineer is on call this week (from Monday
// 2026-11-23 09:00 Beijing time), the agent the next; the hotline policy
// pages the administrator second, 15 minutes later.
func TestTheDemoHotlineRota(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		for at, want := range map[string]string{
			"2026-11-23T01:00:00Z": s.engineer.id, // 09:00 Beijing time
			"2026-11-27T02:00:00Z": s.engineer.id,
			"2026-11-30T00:59:00Z": s.engineer.id,
			"2026-11-30T01:00:00Z": s.agent.id,
			"2026-12-07T01:00:00Z": s.engineer.id,
		} {
			users := onCallAt(t, e, s.agent.token, "hotline", at)
			if len(users) != 1 || users[0]["id"] != want {
				t.Errorf("on call at %s: %v, want %s", at, users, want)
			}
		}
		p := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/policies/hotline", Token: s.engineer.token}).JSON()
		levels, _ := p["levels"].([]any)
		if len(levels) != 2 || p["repeats"] != 2.0 {
			t.Fatalf("hotline policy: %v", p)
		}
		second := levels[1].(map[string]any)
		target := second["targets"].([]any)[0].(map[string]any)
		if levels[0].(map[string]any)["delay_minutes"] != 15.0 || target["type"] != "user" || target["id"] != s.admin.id {
			t.Errorf("hotline policy levels: %v", levels)
		}
	})
}

func onCallAt(t *testing.T, e *apptest.Env, token, scheduleID, at string) []map[string]any {
	t.Helper()
	res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules/" + scheduleID + "/oncall?at=" + url.QueryEscape(at), Token: token})
	if res.Status != http.StatusOK {
		t.Fatalf("who is on call: %d %s", res.Status, res.Body)
	}
	var out []map[string]any
	for _, u := range res.JSON()["users"].([]any) {
		out = append(out, u.(map[string]any))
	}
	return out
}

// TestRotaAPI: vendor staff read, the rota's editors write, customers are
// refused; bad input names its field; an override replaces the rotation for
// its day, and a second one over the same time is a conflict.
func TestRotaAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		pm := login(t, e, "pm@steward.demo")
		customer := login(t, e, "admin@yunqi.demo")
		const day = "2026-11-28" // a Saturday of the engineer's week
		e.Run(t, []apptest.Check{
			{Name: "a customer cannot read the rota", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules", Token: customer.token}, Status: 403, Code: "role.forbidden"},
			{Name: "a customer cannot see escalations", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/escalations", Token: customer.token}, Status: 403, Code: "role.forbidden"},
			{Name: "a product manager reads", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules/hotline", Token: pm.token}, Status: 200, Fields: map[string]any{"id": "hotline", "time_zone": "Asia/Shanghai"}},
			{Name: "but does not edit, before the body is read", Req: apptest.Request{Method: "PATCH", Path: "/api/v1/oncall/schedules/hotline", Token: pm.token, Body: "not json"}, Status: 403, Code: "role.forbidden"},
			{Name: "members must be vendor staff", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/schedules", Token: s.engineer.token,
				Body: map[string]any{"name": "DB experts", "members": []string{s.agent.id, customer.id}, "handover_weekday": "friday", "handover_time": "18:00", "starts_on": "2026-11-27"}},
				Status: 400, Code: "request.invalid", Field: "members[1]"},
			{Name: "hand-over time HH:MM", Req: apptest.Request{Method: "PATCH", Path: "/api/v1/oncall/schedules/hotline", Token: s.engineer.token, Body: map[string]any{"handover_time": "9am"}},
				Status: 400, Code: "request.invalid", Field: "handover_time"},
			{Name: "unknown schedule", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules/nope", Token: s.agent.token}, Status: 404, Code: "not_found"},
			{Name: "a bad instant", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules/hotline/oncall?at=tomorrow", Token: s.agent.token}, Status: 400, Field: "at"},
			{Name: "a bad state", Req: apptest.Request{Method: "GET", Path: "/api/v1/oncall/escalations?state=closed", Token: s.agent.token}, Status: 400, Field: "state"},
			{Name: "an override for a day", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/schedules/hotline/overrides", Token: s.engineer.token,
				Body: map[string]any{"user_id": s.admin.id, "date": day}}, Status: 201, Fields: map[string]any{"starts_at": "2026-11-27T16:00:00Z", "ends_at": "2026-11-28T16:00:00Z"}},
			{Name: "an overlapping override", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/schedules/hotline/overrides", Token: s.agent.token,
				Body: map[string]any{"user_id": s.agent.id, "starts_at": "2026-11-28T10:00:00+08:00", "ends_at": "2026-11-29T10:00:00+08:00"}}, Status: 409, Code: "oncall.override_overlap", Field: "starts_at"},
			{Name: "an override by a customer's user", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/schedules/hotline/overrides", Token: s.agent.token,
				Body: map[string]any{"user_id": customer.id, "date": "2026-12-01"}}, Status: 400, Field: "user_id"},
		})
		if users := onCallAt(t, e, s.agent.token, "hotline", "2026-11-28T12:00:00+08:00"); len(users) != 1 || users[0]["id"] != s.admin.id {
			t.Fatalf("on the override's day: %v, want the admin", users)
		}
		sched := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/schedules/hotline", Token: s.agent.token}).JSON()
		overrides := sched["overrides"].([]any)
		if len(overrides) != 1 {
			t.Fatalf("overrides: %v", overrides)
		}
		oid := overrides[0].(map[string]any)["id"].(string)
		if res := e.Do(apptest.Request{Method: "DELETE", Path: "/api/v1/oncall/schedules/hotline/overrides/" + oid, Token: s.agent.token}); res.Status != http.StatusNoContent {
			t.Fatalf("delete the override: %d %s", res.Status, res.Body)
		}
		if users := onCallAt(t, e, s.agent.token, "hotline", "2026-11-28T12:00:00+08:00"); len(users) != 1 || users[0]["id"] != s.engineer.id {
			t.Fatalf("after removing the override: %v, want the engineer", users)
		}
	})
}

// TestPolicyAPI: a policy's faults are named by field; a valid one is
// created and changed.
func TestPolicyAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := demoStaff(t, e)
		e.Run(t, []apptest.Check{
			{Name: "an unknown schedule", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/policies", Token: s.agent.token, Body: map[string]any{"name": "DB",
				"levels": []any{map[string]any{"targets": []any{map[string]any{"type": "schedule", "id": "nope"}}, "delay_minutes": 10}}}},
				Status: 400, Field: "levels[0].targets[0].id"},
			{Name: "a zero delay", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/policies", Token: s.agent.token, Body: map[string]any{"name": "DB",
				"levels": []any{map[string]any{"targets": []any{map[string]any{"type": "role", "id": "engineer"}}, "delay_minutes": 0}}}},
				Status: 400, Field: "levels[0].delay_minutes"},
			{Name: "an unknown field", Req: apptest.Request{Method: "POST", Path: "/api/v1/oncall/policies", Token: s.agent.token, Body: map[string]any{"name": "DB", "level": 1}},
				Status: 400, Field: "level"},
		})
		res := e.Do(apptest.Request{Method: "POST", Path: "/api/v1/oncall/policies", Token: s.agent.token, Body: map[string]any{"name": "DB", "repeats": 1,
			"levels": []any{
				map[string]any{"targets": []any{map[string]any{"type": "schedule", "id": "hotline"}, map[string]any{"type": "user", "id": s.agent.id}}, "delay_minutes": 10},
				map[string]any{"targets": []any{map[string]any{"type": "role", "id": "vendor_admin"}}, "delay_minutes": 30},
			}}})
		if res.Status != http.StatusCreated || res.Header.Get("Location") == "" {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		id := res.JSON()["id"].(string)
		res = e.Do(apptest.Request{Method: "PATCH", Path: "/api/v1/oncall/policies/" + id, Token: s.engineer.token, Body: map[string]any{"repeats": 3}})
		if res.Status != http.StatusOK || res.JSON()["repeats"] != 3.0 || len(res.JSON()["levels"].([]any)) != 2 {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		if list := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/oncall/policies", Token: s.engineer.token}).Items(); len(list) != 2 {
			t.Fatalf("policies: %v", list)
		}
	})
}
