package community_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/actor"
)

const demoArticle = "/api/v1/help/articles/art-voucher-audit"

// customerWithoutCommunity signs in a customer whose organisation has no
// contract, so no community service.
func customerWithoutCommunity(t *testing.T, e *apptest.Env) string {
	t.Helper()
	ctx := context.Background()
	if err := e.App.Accounts.EnsureOrg(ctx, "org_no_contract", account.OrgInput{Name: "无合同公司", Region: "CN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Accounts.CreateUser(ctx, "org_no_contract", account.UserInput{Email: "member@nocontract.test", Name: "无合同成员",
		Role: actor.CustomerMember, Password: app.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	return e.Login("member@nocontract.test")
}

func detail(t *testing.T, e *apptest.Env, token string) community.ArticleDetail {
	t.Helper()
	var d community.ArticleDetail
	res := e.Do(req{Method: "GET", Path: demoArticle, Token: token})
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &d) != nil {
		t.Fatalf("article: %d %s", res.Status, res.Body)
	}
	return d
}

func TestWasThisHelpfulOneChangeableAnswerPerPerson(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, admin, pm := e.Login("member@yunqi.demo"), e.Login("admin@gangxin.demo"), e.Login("pm@steward.demo")
		path := demoArticle + "/feedback"
		no := map[string]any{"helpful": false, "reason": "outdated", "note": "菜单路径在 9.0 里变了"}
		e.Run(t, []apptest.Check{
			{Name: "visitor", Req: req{Method: "POST", Path: path, Body: map[string]any{"helpful": true}}, Status: http.StatusUnauthorized},
			{Name: "no answer", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{}}, Status: http.StatusBadRequest, Field: "helpful"},
			{Name: "no reason", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": false}}, Status: http.StatusBadRequest, Field: "reason"},
			{Name: "unknown reason", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": false, "reason": "boring"}}, Status: http.StatusBadRequest, Field: "reason"},
			{Name: "reason when helpful", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": true, "reason": "unclear"}}, Status: http.StatusBadRequest, Field: "reason"},
			{Name: "long note", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": true, "note": strings.Repeat("长", 1001)}}, Status: http.StatusBadRequest, Field: "note"},
			{Name: "not a bool", Req: req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": "yes"}}, Status: http.StatusBadRequest, Field: "helpful"},
			{Name: "unknown article", Req: req{Method: "POST", Path: "/api/v1/help/articles/art-nope/feedback", Token: member, Body: no}, Status: http.StatusNotFound},
			{Name: "member says no", Req: req{Method: "POST", Path: path, Token: member, Body: no}, Status: http.StatusOK},
			{Name: "member says no again", Req: req{Method: "POST", Path: path, Token: member, Body: no}, Status: http.StatusOK},
			{Name: "another says yes", Req: req{Method: "POST", Path: path, Token: admin, Body: map[string]any{"helpful": true}}, Status: http.StatusOK},
		})
		outsider := customerWithoutCommunity(t, e)
		if res := e.Do(req{Method: "POST", Path: path, Token: outsider, Body: "{"}); res.Status != http.StatusForbidden ||
			!strings.HasPrefix(res.JSON()["code"].(string), "entitlement.") {
			t.Errorf("a customer without the community service answers (malformed body): %d %s", res.Status, res.Body)
		}

		// Counts and reasons for the writers only; each reader sees their own answer.
		d := detail(t, e, pm)
		if d.Feedback == nil || d.Feedback.Helpful != 1 || d.Feedback.NotHelpful != 1 || d.Feedback.Reasons["outdated"] != 1 ||
			len(d.Feedback.Notes) != 1 || d.Feedback.Notes[0].Note != "菜单路径在 9.0 里变了" {
			t.Errorf("the writers' summary after two readers (one twice): %+v", d.Feedback)
		}
		if d := detail(t, e, member); d.Feedback != nil || d.MyFeedback == nil || d.MyFeedback.Helpful || d.MyFeedback.Reason != "outdated" {
			t.Errorf("a customer's view: summary %+v, own %+v", d.Feedback, d.MyFeedback)
		}
		if raw := e.Do(req{Method: "GET", Path: demoArticle}).Body; strings.Contains(string(raw), `"feedback"`) || strings.Contains(string(raw), "my_feedback") {
			t.Errorf("a visitor sees feedback: %s", raw)
		}

		// The member changes their mind: still one answer each.
		if res := e.Do(req{Method: "POST", Path: path, Token: member, Body: map[string]any{"helpful": true}}); res.Status != http.StatusOK {
			t.Fatalf("change: %d %s", res.Status, res.Body)
		}
		if d := detail(t, e, pm); d.Feedback.Helpful != 2 || d.Feedback.NotHelpful != 0 || len(d.Feedback.Reasons) != 0 {
			t.Errorf("after a change of mind: %+v", d.Feedback)
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target_id=art-voucher-audit", Token: e.Login("admin@steward.demo")})
		if strings.Count(string(audit.Body), "help.feedback") != 4 {
			t.Errorf("each answer is not audited: %s", audit.Body)
		}

		// A draft takes no answers.
		res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{"category": "vouchers",
			"title": map[string]string{"zh": "草稿"}, "body": map[string]string{"zh": "草稿"}}})
		draft := articleOf(t, res).ID
		if got := e.Do(req{Method: "POST", Path: "/api/v1/help/articles/" + draft + "/feedback", Token: pm, Body: map[string]any{"helpful": true}}).Status; got != http.StatusNotFound {
			t.Errorf("feedback on a draft: %d", got)
		}
	})
}

func form(e *apptest.Env, path, token, lang string, values url.Values) apptest.Response {
	return e.Do(req{Method: "POST", Path: path, Token: token, Body: values.Encode(),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "Accept-Language": lang}})
}

func TestWasThisHelpfulOnTheArticlePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := e.Login("member@yunqi.demo")
		pagePath := "/help/articles/art-voucher-audit"
		mustShow(t, "visitor", page(e, pagePath, "zh-CN", ""), http.StatusOK, "这篇文章对你有帮助吗？", `href="/login?next=/help/articles/art-voucher-audit"`)
		mustShow(t, "member", page(e, pagePath, "zh-CN", member), http.StatusOK, `action="/help/articles/art-voucher-audit/feedback"`,
			`name="reason" value="missing_steps" required`, "缺少步骤", `hx-post=`)
		mustShow(t, "no community service", page(e, pagePath, "en", customerWithoutCommunity(t, e)), http.StatusOK, `data-testid="feedback-refusal"`)

		bad := form(e, pagePath+"/feedback", member, "en", url.Values{"helpful": {"no"}, "note": {"步骤不全"}})
		mustShow(t, "no reason", bad, http.StatusBadRequest, `<small class="field-error">Must be one of outdated`, "步骤不全", "<details open>")

		res := form(e, pagePath+"/feedback", member, "zh-CN", url.Values{"helpful": {"no"}, "reason": {"missing_steps"}, "note": {"没有说反审核后怎么重新过账"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != pagePath+"#feedback" {
			t.Fatalf("answer: %d %q %.300s", res.Status, res.Header.Get("Location"), res.Body)
		}
		mustShow(t, "answered", page(e, pagePath, "zh-CN", member), http.StatusOK, "你认为这篇文章没有帮助（缺少步骤）")

		agent := e.Login("agent@steward.demo")
		mustShow(t, "console list", page(e, "/console/help", "zh-CN", agent), http.StatusOK, "有帮助 0 · 没有帮助 1")
		mustShow(t, "console article", page(e, "/console/help/art-voucher-audit", "zh-CN", agent), http.StatusOK,
			"读者反馈", "缺少步骤: 1", "没有说反审核后怎么重新过账", `href="/console/help/art-voucher-audit/revisions"`)
	})
}

func TestRevisionHistoryWithLineDiffs(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, agent := e.Login("pm@steward.demo"), e.Login("agent@steward.demo")
		res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{"category": "vouchers", "status": "draft",
			"title": map[string]string{"zh": "凭证断号整理"}, "body": map[string]string{"zh": "第一步：打开凭证整理。\n第二步：选择期间。\n第三步：确定。"}}})
		art := articleOf(t, res)
		path := "/api/v1/help/articles/" + art.ID
		e.Clock.Advance(90 * time.Minute)
		if res := e.Do(req{Method: "PATCH", Path: path, Token: agent, Body: map[string]any{"status": "published",
			"body": map[string]string{"zh": "第一步：打开凭证整理。\n第二步：选择账簿和期间。\n第三步：确定。", "en": "Open voucher renumbering."}}}); res.Status != http.StatusOK {
			t.Fatalf("edit: %d %s", res.Status, res.Body)
		}

		revs := e.Do(req{Method: "GET", Path: path + "/revisions", Token: pm}).Items()
		if len(revs) != 2 || revs[0]["rev"] != 2.0 || revs[0]["current"] != true || revs[0]["written_by"] == revs[1]["written_by"] ||
			revs[1]["rev"] != 1.0 || revs[1]["status"] != "draft" || revs[1]["written_at"] != "2026-11-27T02:00:00Z" || revs[0]["written_at"] != "2026-11-27T03:30:00Z" {
			t.Fatalf("history: %v", revs)
		}
		var rev community.ArticleRevisionDiff
		res = e.Do(req{Method: "GET", Path: path + "/revisions/2", Token: pm})
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &rev) != nil {
			t.Fatalf("revision 2: %d %s", res.Status, res.Body)
		}
		want := []community.DiffLine{{Op: "same", Text: "第一步：打开凭证整理。"}, {Op: "removed", Text: "第二步：选择期间。"},
			{Op: "added", Text: "第二步：选择账簿和期间。"}, {Op: "same", Text: "第三步：确定。"}}
		if rev.Previous != 1 || !equalLines(rev.Diff["body.zh"], want) || !equalLines(rev.Diff["body.en"], []community.DiffLine{{Op: "added", Text: "Open voucher renumbering."}}) ||
			!equalLines(rev.Diff["status"], []community.DiffLine{{Op: "removed", Text: "draft"}, {Op: "added", Text: "published"}}) || len(rev.Diff["title.zh"]) != 1 {
			t.Errorf("diff of revision 2: %+v", rev)
		}
		e.Run(t, []apptest.Check{
			{Name: "first revision", Req: req{Method: "GET", Path: path + "/revisions/1", Token: agent}, Status: http.StatusOK},
			{Name: "no such revision", Req: req{Method: "GET", Path: path + "/revisions/3", Token: pm}, Status: http.StatusNotFound},
			{Name: "not a number", Req: req{Method: "GET", Path: path + "/revisions/two", Token: pm}, Status: http.StatusBadRequest, Field: "rev"},
			{Name: "customer", Req: req{Method: "GET", Path: path + "/revisions", Token: e.Login("admin@yunqi.demo")}, Status: http.StatusForbidden, Code: "role.forbidden"},
			{Name: "visitor", Req: req{Method: "GET", Path: path + "/revisions/1"}, Status: http.StatusUnauthorized},
			{Name: "unknown article", Req: req{Method: "GET", Path: "/api/v1/help/articles/art-nope/revisions", Token: pm}, Status: http.StatusNotFound},
		})

		console := "/console/help/" + art.ID + "/revisions"
		mustShow(t, "history page", page(e, console, "zh-CN", agent), http.StatusOK, "修订历史", "第 2 版", "当前版本",
			`href="`+console+`/1"`, "<del>- 第二步：选择期间。</del>", "<ins>+ 第二步：选择账簿和期间。</ins>", "2026-11-27 11:30")
		mustShow(t, "first revision page", page(e, console+"/1", "en", agent), http.StatusOK, "the first revision", "<ins>+ 第一步：打开凭证整理。</ins>")
		mustShow(t, "customer", page(e, console, "zh-CN", e.Login("admin@yunqi.demo")), http.StatusForbidden)
		mustShow(t, "public page", page(e, "/help/articles/"+art.ID, "zh-CN", ""), http.StatusOK, "最后更新：2026-11-27 11:30（北京时间）")
	})
}

func equalLines(got, want []community.DiffLine) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
