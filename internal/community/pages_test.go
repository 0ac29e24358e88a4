package community_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func page(e *apptest.Env, path, lang, token string) apptest.Response {
	return e.Do(req{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept-Language": lang}})
}

func mustShow(t *testing.T, name string, res apptest.Response, status int, want ...string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d; %.400s", name, res.Status, status, res.Body)
	}
	for _, w := range want {
		if !strings.Contains(string(res.Body), w) {
			t.Errorf("%s: page lacks %q", name, w)
		}
	}
}

func TestHelpPagesReadWithoutLoginInTheReadersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		for _, c := range []map[string]any{
			{"slug": "ledger", "name": map[string]string{"zh": "总账", "en": "General ledger"}},
			{"slug": "ledger-close", "name": map[string]string{"zh": "总账结账"}, "parent": "ledger"},
		} {
			if res := e.Do(req{Method: "POST", Path: "/api/v1/help/categories", Token: pm, Body: c}); res.Status != http.StatusCreated {
				t.Fatalf("category: %d %s", res.Status, res.Body)
			}
		}
		write := func(body map[string]any) string {
			res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: body})
			if res.Status != http.StatusCreated {
				t.Fatalf("article: %d %s", res.Status, res.Body)
			}
			return articleOf(t, res).ID
		}
		both := write(map[string]any{"category": "ledger-close", "status": "published",
			"title": map[string]string{"zh": "结账时提示凭证未过账", "en": "Period close says vouchers are not posted"},
			"body":  map[string]string{"zh": "先在凭证查询里**过账**全部凭证，再结账。", "en": "**Post** every voucher first, then close."}})
		onlyZh := write(map[string]any{"category": "ledger", "status": "published",
			"title": map[string]string{"zh": "反结账的条件"}, "body": map[string]string{"zh": "反结账需要会计主管权限。"}})
		draft := write(map[string]any{"category": "ledger", "status": "draft",
			"title": map[string]string{"zh": "未发布的草稿文章"}, "body": map[string]string{"zh": "草稿"}})

		home := page(e, "/help", "zh-CN", "")
		mustShow(t, "home", home, http.StatusOK, "帮助中心", `href="/help/ledger"`, `href="/help/ledger-close"`, "结账时提示凭证未过账",
			`action="/help/search"`, `name="viewport"`)
		if strings.Contains(string(home.Body), "未发布的草稿文章") {
			t.Error("the public home lists a draft")
		}
		mustShow(t, "category", page(e, "/help/ledger", "zh-CN", ""), http.StatusOK, "总账结账", "反结账的条件")
		mustShow(t, "staff see drafts", page(e, "/help/ledger", "zh-CN", pm), http.StatusOK, "未发布的草稿文章", "草稿")
		mustShow(t, "draft page", page(e, "/help/articles/"+draft, "zh-CN", ""), http.StatusNotFound)
		mustShow(t, "unknown category", page(e, "/help/nope", "zh-CN", ""), http.StatusNotFound)

		// 02:00 UTC is 10:00 in Beijing.
		mustShow(t, "zh article", page(e, "/help/articles/"+both, "zh-CN", ""), http.StatusOK,
			"结账时提示凭证未过账", "<strong>过账</strong>", "最后更新：2026-11-27 10:00（北京时间）")
		mustShow(t, "en article", page(e, "/help/articles/"+both, "en", ""), http.StatusOK,
			"Period close says vouchers are not posted", "<strong>Post</strong>", "Last updated 2026-11-27 10:00 (Beijing time)")
		mustShow(t, "en reader, Chinese-only article", page(e, "/help/articles/"+onlyZh, "en", ""), http.StatusOK,
			"反结账的条件", "no English version")

		res := page(e, "/help/search?q="+url.QueryEscape("月结提示有凭证没过账怎么办"), "zh-CN", "")
		mustShow(t, "search", res, http.StatusOK, `href="/help/articles/`+both+`"`, "<mark>")
		mustShow(t, "no hits", page(e, "/help/search?q="+url.QueryEscape("<b>xyzzy</b>"), "en", ""), http.StatusOK, "&lt;b&gt;xyzzy&lt;/b&gt;", "No articles found")
	})
}

func postForm(e *apptest.Env, path, token string, values url.Values) apptest.Response {
	return e.Do(req{Method: "POST", Path: path, Token: token, Body: values.Encode(),
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "Accept-Language": "zh-CN"}})
}

func TestHelpConsoleWritesAndEditsArticles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent := e.Login("agent@steward.demo")
		mustShow(t, "editor", page(e, "/console/help", "zh-CN", agent), http.StatusOK, "帮助中心编辑", `name="body_zh"`, "凭证录入")
		mustShow(t, "customer", page(e, "/console/help", "zh-CN", e.Login("admin@yunqi.demo")), http.StatusForbidden)
		mustShow(t, "engineer", page(e, "/console/help", "zh-CN", e.Login("engineer@steward.demo")), http.StatusForbidden)

		bad := postForm(e, "/console/help", agent, url.Values{"title_zh": {"  "}, "body_zh": {"正文"}, "category": {"vouchers"}, "status": {"draft"}})
		mustShow(t, "missing title", bad, http.StatusBadRequest, `<small class="field-error">必填</small>`, `value="vouchers" selected`)

		res := postForm(e, "/console/help", agent, url.Values{"title_zh": {"凭证号断号怎么整理"}, "body_zh": {"用【凭证整理】重新排号。"},
			"category": {"vouchers"}, "tags": {"凭证，断号"}, "status": {"published"}})
		loc := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/help/articles/") {
			t.Fatalf("create: %d %q %.300s", res.Status, loc, res.Body)
		}
		id := strings.TrimPrefix(loc, "/help/articles/")
		mustShow(t, "created", page(e, loc, "zh-CN", ""), http.StatusOK, "凭证号断号怎么整理", "断号")

		res = postForm(e, "/console/help/"+id, agent, url.Values{"title_zh": {"凭证断号后重新排号"}, "body_zh": {"用【凭证整理】重新排号。"},
			"category": {"vouchers"}, "status": {"draft"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %.300s", res.Status, res.Body)
		}
		mustShow(t, "back to draft", page(e, loc, "zh-CN", ""), http.StatusNotFound)
		mustShow(t, "edit form", page(e, "/console/help/"+id, "zh-CN", agent), http.StatusOK, `value="凭证断号后重新排号"`, `value="draft" selected`)
	})
}
