package community_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestCommunityHubSearchesEverythingAndOffersToAskWhenNothingIsFound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		hub := page(e, "/community", "zh-CN", "")
		mustShow(t, "hub", hub, http.StatusOK, "云社区", `action="/community/search"`, `href="/community/questions/ask"`,
			`href="/help/vouchers"`, `href="/community/questions"`)

		res := page(e, "/community/search?q="+url.QueryEscape("凭证审核以后发现错了怎么改"), "zh-CN", "")
		mustShow(t, "search", res, http.StatusOK, `href="/help/articles/art-voucher-audit"`, "<mark>", "帮助文章", "没有找到想要的答案？")
		if strings.Contains(string(res.Body), `data-testid="no-hits"`) {
			t.Error("a search with hits says it found nothing")
		}

		typed := "<b>门店会员积分</b>"
		res = page(e, "/community/search?q="+url.QueryEscape(typed), "zh-CN", "")
		mustShow(t, "no hits", res, http.StatusOK, `data-testid="no-hits"`, "没有找到与“&lt;b&gt;门店会员积分&lt;/b&gt;”相关",
			`href="/community/questions/ask?title=`+url.QueryEscape(typed)+`"`)
		if strings.Contains(string(res.Body), typed) {
			t.Error("the search page shows the typed words unescaped")
		}

		mustShow(t, "articles only", page(e, "/community/search?type=article&q="+url.QueryEscape("反审核"), "en", ""), http.StatusOK,
			`aria-current="page">Help article</a>`, `href="/help/articles/art-voucher-audit"`)
		mustShow(t, "unknown type", page(e, "/community/search?type=video&q=x", "en", ""), http.StatusBadRequest, "must be question, article, course or idea")
	})
}

// formPost submits a form as a logged-in browser would and returns the
// response (a redirect after a change, or the page with its errors).
func formPost(b *apptest.Browser, path string, values url.Values) (int, string, string) {
	w := b.PostForm(path, values)
	return w.Code, w.Header().Get("Location"), w.Body.String()
}

func mustRedirect(t *testing.T, what string, status int, loc, body, prefix string) {
	t.Helper()
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("%s: %d to %q, want a redirect to %s…; %.600s", what, status, loc, prefix, body)
	}
}

func TestQuestionAskedAnsweredAndAcceptedThroughThePages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer := e.Browser("admin@yunqi.demo", "zh-CN")
		agent := e.Browser("agent@steward.demo", "zh-CN")

		ask := customer.Get("/community/questions/ask?title=" + url.QueryEscape("门店会员积分"))
		apptest.MustContain(t, "ask form", ask.Body.String(), `action="/community/questions"`, `hx-get="/community/questions/similar"`,
			`hx-trigger="keyup changed delay:300ms"`, `value="门店会员积分"`, `data-testid="similar"`)

		visitorAsk := page(e, "/community/questions/ask?title="+url.QueryEscape("门店会员积分"), "zh-CN", "")
		mustShow(t, "visitor's ask form", visitorAsk, http.StatusOK, `data-testid="login-prompt"`,
			`href="/login?next=`+url.QueryEscape("/community/questions/ask?title="+url.QueryEscape("门店会员积分"))+`"`, `data-testid="similar"`)
		apptest.MustLack(t, "visitor's ask form", string(visitorAsk.Body), `data-testid="ask-submit"`, `name="body"`)

		status, _, body := formPost(customer, "/community/questions", url.Values{"title": {" "}, "body": {"正文留着"}})
		if status != http.StatusBadRequest {
			t.Fatalf("ask without a title: %d", status)
		}
		apptest.MustContain(t, "refused ask", body, `<small class="field-error">`, "正文留着")

		title := `<script>alert(1)</script>门店收银时会员积分没有累加`
		status, loc, body := formPost(customer, "/community/questions", url.Values{"title": {title},
			"body": {"收银后**会员积分**一直是 0。<img src=x onerror=alert(2)>"}, "product": {"k3cloud"}, "tags": {"零售，会员积分"}})
		mustRedirect(t, "ask", status, loc, body, "/community/questions/q_")
		thread := strings.TrimSuffix(loc, "?done=asked")
		questionID := strings.TrimPrefix(thread, "/community/questions/")

		seen := customer.Get(loc).Body.String()
		apptest.MustContain(t, "asked", seen, "问题已发布", "&lt;script&gt;alert(1)&lt;/script&gt;门店收银时会员积分没有累加",
			"<strong>会员积分</strong>", `href="/community/questions?tag=%e4%bc%9a%e5%91%98%e7%a7%af%e5%88%86"`, `data-testid="answer-form"`, "还没有回答")
		apptest.MustLack(t, "asked", seen, "<script>alert(1)", "onerror", `data-testid="accept"`)

		similar := e.Do(req{Method: "GET", Path: "/community/questions/similar?title=" + url.QueryEscape("会员积分不累加"), Header: map[string]string{"Accept-Language": "zh-CN"}})
		mustShow(t, "similar", similar, http.StatusOK, `id="similar"`, `href="`+thread+`"`, "门店收银时会员积分没有累加")
		mustShow(t, "nothing similar", page(e, "/community/questions/similar?title="+url.QueryEscape("ZZQX"), "zh-CN", ""), http.StatusOK, `data-testid="no-similar"`)

		visitor := page(e, thread, "zh-CN", "")
		mustShow(t, "visitor", visitor, http.StatusOK, `data-testid="login-prompt"`, `href="/login?next=`+url.QueryEscape(thread)+`"`, "门店收银时会员积分没有累加")
		apptest.MustLack(t, "visitor", string(visitor.Body), `data-testid="answer-form"`, `data-testid="vote-up"`)

		status, loc, body = formPost(agent, thread+"/answers", url.Values{"body": {"  "}})
		if status != http.StatusBadRequest {
			t.Fatalf("empty answer: %d", status)
		}
		apptest.MustContain(t, "empty answer", body, `<small class="field-error">`)
		status, loc, body = formPost(agent, thread+"/answers", url.Values{"body": {"在【会员积分规则】里给门店勾选**启用**，再重算积分。"}})
		mustRedirect(t, "answer", status, loc, body, thread+"?done=answers#post-a_")
		answerID := strings.TrimPrefix(loc, thread+"?done=answers#post-")

		seen = customer.Get(thread).Body.String()
		apptest.MustContain(t, "answered", seen, "1 个回答", "客服专员 李娜", `data-testid="staff-badge"`, "<strong>启用</strong>",
			`action="`+thread+`/posts/`+answerID+`/accept"`)
		status, loc, body = formPost(customer, thread+"/posts/"+answerID+"/accept", nil)
		mustRedirect(t, "accept", status, loc, body, thread+"?done=accept#post-"+answerID)
		seen = customer.Get(strings.Split(loc, "#")[0]).Body.String() // a browser keeps the fragment to itself
		apptest.MustContain(t, "accepted", seen, "已采纳这个答案", `data-testid="accepted-badge"`, "已解决")
		apptest.MustLack(t, "accepted", seen, `data-testid="accept"`)

		status, loc, body = formPost(agent, thread+"/posts/"+questionID+"/vote", url.Values{"value": {"1"}})
		mustRedirect(t, "vote", status, loc, body, thread+"?done=vote")
		apptest.MustContain(t, "voted", agent.Get(thread).Body.String(), `<span class="score" data-testid="score" aria-label="得票 1">1</span>`, `name="value" value="0"`)
		status, _, body = formPost(customer, thread+"/posts/"+questionID+"/vote", url.Values{"value": {"1"}})
		if status != http.StatusConflict || !strings.Contains(body, `data-testid="post-error"`) {
			t.Errorf("voting on one's own question: %d %.300s", status, body)
		}

		apptest.MustContain(t, "hub", customer.Get("/community").Body.String(), `href="`+thread+`"`, "已解决")
		list := customer.Get("/community/questions").Body.String()
		apptest.MustContain(t, "list", list, `href="`+thread+`"`, `data-testid="solved"`, `aria-current="page">最新</a>`)
		apptest.MustContain(t, "tag filter", customer.Get("/community/questions?tag="+url.QueryEscape("会员积分")).Body.String(), `href="`+thread+`"`)
		apptest.MustContain(t, "unanswered", customer.Get("/community/questions?sort=unanswered&tag="+url.QueryEscape("会员积分")).Body.String(), `data-testid="no-questions"`)
		mustShow(t, "bad sort", page(e, "/community/questions?sort=oldest", "en", ""), http.StatusBadRequest, "sort")
		apptest.MustContain(t, "product filter", customer.Get("/community/questions?product=k3cloud").Body.String(), `href="`+thread+`"`)
		mustShow(t, "unknown question", page(e, "/community/questions/q_nope", "zh-CN", ""), http.StatusNotFound)

		// The demo's questions fill more than a page; the next page goes on after the first.
		next := regexp.MustCompile(`href="(/community/questions\?after=[^"]+)" rel="next"`).FindStringSubmatch(list)
		if next == nil {
			t.Fatal("the list of every question has no next page")
		}
		second := customer.Get(html.UnescapeString(next[1])).Body.String()
		if strings.Count(second, `class="qa-row"`) == 0 || strings.Contains(second, `href="`+thread+`"`) {
			t.Errorf("the second page: %d questions, repeats the newest: %v", strings.Count(second, `class="qa-row"`), strings.Contains(second, thread))
		}
	})
}

// askVia posts a question through the ask form and returns its page.
func askVia(t *testing.T, b *apptest.Browser, title string) string {
	t.Helper()
	status, loc, body := formPost(b, "/community/questions", url.Values{"title": {title}, "body": {title + "，请问怎么处理？"}})
	mustRedirect(t, "ask "+title, status, loc, body, "/community/questions/q_")
	return strings.TrimSuffix(loc, "?done=asked")
}

func TestQuestionPagesModerationEditsAndRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		customer := e.Browser("admin@yunqi.demo", "zh-CN")
		member := e.Browser("member@yunqi.demo", "zh-CN")
		agent := e.Browser("agent@steward.demo", "zh-CN")
		thread := askVia(t, customer, "门店调拨单审核后库存没有变化")
		original := askVia(t, member, "门店调拨单审核了但是库存数量不变")
		questionID := strings.TrimPrefix(thread, "/community/questions/")

		// A customer without the community service reads why, in words, instead of a form.
		sg := e.Browser("admin@lioncity.demo", "en")
		apptest.MustContain(t, "refused reader", sg.Get(thread).Body.String(), `data-testid="refusal"`, "is not offered in your region", "You can still read")
		apptest.MustLack(t, "refused reader", sg.Get("/community/questions/ask").Body.String(), `data-testid="ask-submit"`)
		if status, _, body := formPost(sg, "/community/questions", url.Values{"title": {"Stock transfer"}, "body": {"Why?"}}); status != http.StatusForbidden ||
			!strings.Contains(body, "is not offered in your region") {
			t.Errorf("a refused customer's question: %d %.300s", status, body)
		}

		// The asker edits the title; the page says it was edited.
		edit := customer.Get(thread + "/posts/" + questionID + "/edit").Body.String()
		apptest.MustContain(t, "edit form", edit, `name="title" value="门店调拨单审核后库存没有变化"`, `name="tags"`)
		status, loc, body := formPost(customer, thread+"/posts/"+questionID+"/edit", url.Values{"title": {"门店调拨单审核后两边库存都没变"},
			"body": {"调入、调出仓的库存都没变。"}, "tags": {"调拨"}})
		mustRedirect(t, "edit", status, loc, body, thread+"?done=edit")
		apptest.MustContain(t, "edited", customer.Get(thread).Body.String(), "门店调拨单审核后两边库存都没变", "已编辑", "调入、调出仓的库存都没变",
			`href="`+thread+`/posts/`+questionID+`/revisions"`)
		mustShow(t, "revisions", page(e, thread+"/posts/"+questionID+"/revisions", "zh-CN", ""), http.StatusOK,
			"门店调拨单审核后两边库存都没变", "云启制造有限公司 管理员 修改之前的内容", "门店调拨单审核后库存没有变化，请问怎么处理？")
		if w := member.Get(thread + "/posts/" + questionID + "/edit"); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), `data-testid="edit-form"`) {
			t.Errorf("another member opens the edit page: %d", w.Code)
		}
		if status, _, _ := formPost(member, thread+"/posts/"+questionID+"/edit", url.Values{"title": {"别人的问题被改了"}, "body": {"x"}}); status != http.StatusForbidden {
			t.Errorf("editing someone else's question: %d", status)
		}

		// Moderators: lock, then close as a duplicate of a pasted address.
		apptest.MustLack(t, "customer's view", customer.Get(thread).Body.String(), `data-testid="moderation"`)
		status, loc, body = formPost(agent, thread+"/lock", nil)
		mustRedirect(t, "lock", status, loc, body, thread+"?done=lock")
		locked := customer.Get(thread).Body.String()
		apptest.MustContain(t, "locked", locked, `data-testid="locked-note"`, "已被管理员锁定")
		apptest.MustLack(t, "locked", locked, `data-testid="answer-form"`)
		status, loc, body = formPost(agent, thread+"/unlock", nil)
		mustRedirect(t, "unlock", status, loc, body, thread+"?done=unlock")

		status, _, body = formPost(agent, thread+"/close", url.Values{"duplicate_of": {thread}})
		if status != http.StatusBadRequest || !strings.Contains(body, `<small class="field-error">`) {
			t.Errorf("closing a question as its own duplicate: %d", status)
		}
		status, loc, body = formPost(agent, thread+"/close", url.Values{"duplicate_of": {"http://steward.example" + original + "?x=1"}})
		mustRedirect(t, "close", status, loc, body, thread+"?done=close")
		closed := customer.Get(thread).Body.String()
		apptest.MustContain(t, "closed", closed, `data-testid="duplicate-note"`, `href="`+original+`"`)
		apptest.MustLack(t, "closed", closed, `data-testid="answer-form"`)

		// An answer reported by a member and hidden by a moderator is gone for readers.
		status, loc, body = formPost(agent, original+"/answers", url.Values{"body": {"请加微信 xyz 领取破解版"}})
		mustRedirect(t, "answer", status, loc, body, original+"?done=answers#post-")
		answerID := strings.TrimPrefix(loc, original+"?done=answers#post-")
		status, loc, body = formPost(member, original+"/posts/"+answerID+"/report", url.Values{"reason": {"spam"}, "note": {"广告"}})
		mustRedirect(t, "report", status, loc, body, original+"?done=report")
		apptest.MustContain(t, "queue", agent.Get("/community/moderation").Body.String(), "请加微信 xyz 领取破解版", "广告或垃圾信息",
			`action="`+original+`/posts/`+answerID+`/hide"`)
		if w := member.Get("/community/moderation"); w.Code != http.StatusForbidden {
			t.Errorf("a customer opens the moderation queue: %d", w.Code)
		}
		status, loc, body = formPost(agent, original+"/posts/"+answerID+"/hide", url.Values{"reason": {"广告"}})
		mustRedirect(t, "hide", status, loc, body, original+"?done=hide")
		apptest.MustLack(t, "hidden answer", string(page(e, original, "zh-CN", "").Body), "破解版")
		apptest.MustContain(t, "moderator", agent.Get(original).Body.String(), "破解版", `data-testid="hidden-note"`, "广告", `/unhide"`)
		apptest.MustContain(t, "queue after hiding", agent.Get("/community/moderation").Body.String(), `data-testid="no-reports"`)
		if status, _, _ := formPost(member, original+"/posts/"+answerID+"/hide", url.Values{"reason": {"x"}}); status != http.StatusForbidden {
			t.Errorf("a customer hiding an answer: %d", status)
		}
	})
}

func TestCommunityPagesAskVisitorsToLogInWhenTheSettingRequiresIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := closedCommunity(t, d)
		member := e.Browser("member@yunqi.demo", "zh-CN")
		thread := askVia(t, member, "门店调拨单审核后库存没有变化")
		for _, path := range []string{"/community", "/community/search?q=" + url.QueryEscape("调拨"), "/community/questions",
			"/community/questions/ask", "/community/questions/similar?title=" + url.QueryEscape("调拨"), thread} {
			res := page(e, path, "zh-CN", "")
			if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(path) {
				t.Errorf("visitor opens %s with login required: %d to %q, want the login page", path, res.Status, loc)
			}
			if w := member.Get(path); w.Code != http.StatusOK {
				t.Errorf("member opens %s with login required: %d", path, w.Code)
			}
		}
	})
}
