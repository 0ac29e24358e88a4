package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func TestNotifyPagesInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, lang := range []string{"zh-CN", "en"} {
			words := map[string][]string{
				"zh-CN": {"通知渠道与投递记录", "未配置邮件服务器", "添加渠道", "投递记录"},
				"en":    {"Notification channels and deliveries", "No mail server is configured", "Add a channel", "Delivery log"},
			}[lang]
			admin := e.Browser("admin@steward.demo", lang)
			res := admin.Get("/console/notify")
			if res.Code != http.StatusOK {
				t.Fatalf("%s console: %d %s", lang, res.Code, res.Body)
			}
			for _, w := range words {
				if !strings.Contains(res.Body.String(), w) {
					t.Errorf("%s console lacks %q", lang, w)
				}
			}
		}

		admin := e.Browser("admin@steward.demo", "en")
		res := admin.PostForm("/console/notify/channels", url.Values{"type": {"webhook"}, "name": {"ops"}, "url": {"gopher://x"}, "secret": {"whsec-0123456789abcdef"}})
		if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "must be a full http or https address") || strings.Contains(res.Body.String(), "whsec-0123456789abcdef") {
			t.Errorf("a bad address: %d, the form must say why and not echo the secret", res.Code)
		}
		res = admin.PostForm("/console/notify/channels", url.Values{"type": {"wecom"}, "name": {"值班群"}, "url": {"http://127.0.0.1:1/send?key=k-0123456789"}, "kinds": {"rescue.reported，rescue.escalated"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.Code, res.Body)
		}
		page := admin.Get("/console/notify?done=created").Body.String()
		if !strings.Contains(page, "Channel added.") || !strings.Contains(page, "rescue.escalated") || strings.Contains(page, "k-0123456789") {
			t.Errorf("after adding, the console shows: %s", page)
		}
		id := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/channels", Token: e.Login("admin@steward.demo")}).Items()[0]["id"].(string)
		res = admin.PostForm("/console/notify/channels/"+id+"/test", nil)
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "did not reach") {
			t.Errorf("a test against a closed port: %d", res.Code)
		}
		if res := admin.PostForm("/console/notify/channels/"+id+"/enabled", url.Values{"enabled": {"false"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("switch off: %d", res.Code)
		}
		if ch := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notify/channels/" + id, Token: e.Login("admin@steward.demo")}).JSON(); ch["enabled"] != false {
			t.Errorf("after switching off: %v", ch)
		}
		if page := admin.Get("/console/notify?done=saved").Body.String(); !strings.Contains(page, "Switch on") || !strings.Contains(page, "Saved.") {
			t.Error("the console does not offer to switch the channel back on")
		}
		if res := e.Browser("agent@steward.demo", "en").PostForm("/console/notify/channels/"+id+"/enabled", url.Values{"enabled": {"true"}}); res.Code != http.StatusForbidden {
			t.Errorf("an agent switches on: %d", res.Code)
		}
		if res := e.Browser("agent@steward.demo", "en").PostForm("/console/notify/channels/"+id+"/delete", nil); res.Code != http.StatusForbidden {
			t.Errorf("an agent deletes: %d", res.Code)
		}
		if res := e.Browser("agent@steward.demo", "en").Get("/console/notify?status=lost"); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "must be one of pending") {
			t.Errorf("a bad filter: %d", res.Code)
		}

		customer := e.Browser("admin@yunqi.demo", "zh-CN")
		page = customer.Get("/portal/notify").Body.String()
		for _, w := range []string{"通知设置", "谁通过邮件接收哪些通知", "member@yunqi.demo"} {
			if !strings.Contains(page, w) {
				t.Errorf("portal lacks %q", w)
			}
		}
		if strings.Contains(page, "值班群") {
			t.Error("the portal lists the vendor's channel")
		}
		prefs := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/notify/preferences", Token: e.Login("admin@yunqi.demo")}).Items()
		form := url.Values{}
		for _, p := range prefs {
			uid := p["user_id"].(string)
			form.Add("user", uid)
			if p["email"] == "member@yunqi.demo" {
				form.Set("mode_"+uid, "some")
				form.Set("kinds_"+uid, "rescue.resolved、rescue.reported")
			} else {
				form.Set("mode_"+uid, "none")
			}
		}
		if res := customer.PostForm("/portal/notify/preferences", form); res.Code != http.StatusSeeOther {
			t.Fatalf("save preferences: %d %s", res.Code, res.Body)
		}
		for _, p := range e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/org_demo_cloud/notify/preferences", Token: e.Login("admin@yunqi.demo")}).Items() {
			kinds, _ := p["kinds"].([]any)
			if p["email"] == "member@yunqi.demo" && (len(kinds) != 2 || kinds[0] != "rescue.resolved") {
				t.Errorf("member's kinds: %v", p["kinds"])
			}
			if p["email"] != "member@yunqi.demo" && (p["kinds"] == nil || len(kinds) != 0) {
				t.Errorf("%v must get nothing", p["email"])
			}
		}
		member := e.Browser("member@yunqi.demo", "en")
		page = member.Get("/portal/notify").Body.String()
		if strings.Contains(page, "Who gets which notifications") || strings.Contains(page, "Add a channel") {
			t.Error("a customer_member sees the admin's forms")
		}
	})
}
