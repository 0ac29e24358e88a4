package community_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/community"
)

type req = apptest.Request

func articleOf(t *testing.T, res apptest.Response) community.Article {
	t.Helper()
	var a community.Article
	if err := json.Unmarshal(res.Body, &a); err != nil {
		t.Fatalf("decode article: %v; body %s", err, res.Body)
	}
	return a
}

// searchIDs returns the ids the search API finds for q, best first.
func searchIDs(e *apptest.Env, q string) []string {
	var ids []string
	for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/search?q=" + q}).Items() {
		ids = append(ids, it["id"].(string))
	}
	return ids
}

func contains(list []string, s string) bool {
	return strings.Contains(" "+strings.Join(list, " ")+" ", " "+s+" ")
}

func TestHelpArticlesWrittenByStaffFoundBySearchHiddenWhileDraft(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, customer := e.Login("pm@steward.demo"), e.Login("member@yunqi.demo")
		e.Run(t, []apptest.Check{
			{Name: "category by pm", Req: req{Method: "POST", Path: "/api/v1/help/categories", Token: pm,
				Body: map[string]any{"slug": "e-invoice", "name": map[string]string{"zh": "电子发票", "en": "E-invoices"}}}, Status: http.StatusCreated},
			{Name: "taken slug", Req: req{Method: "POST", Path: "/api/v1/help/categories", Token: pm,
				Body: map[string]any{"slug": "e-invoice", "name": map[string]string{"zh": "重复"}}}, Status: http.StatusBadRequest, Field: "slug"},
			{Name: "customer may not write", Req: req{Method: "POST", Path: "/api/v1/help/categories", Token: customer,
				Body: map[string]any{"slug": "mine", "name": map[string]string{"zh": "我的"}}}, Status: http.StatusForbidden, Code: "role.forbidden"},
			{Name: "anonymous may not write", Req: req{Method: "POST", Path: "/api/v1/help/articles", Body: map[string]any{}}, Status: http.StatusUnauthorized},
			{Name: "missing title", Req: req{Method: "POST", Path: "/api/v1/help/articles", Token: pm,
				Body: map[string]any{"body": map[string]string{"zh": "正文"}, "category": "e-invoice"}}, Status: http.StatusBadRequest, Field: "title.zh"},
			{Name: "missing body", Req: req{Method: "POST", Path: "/api/v1/help/articles", Token: pm,
				Body: map[string]any{"title": map[string]string{"zh": "标题"}, "category": "e-invoice"}}, Status: http.StatusBadRequest, Field: "body.zh"},
			{Name: "unknown category", Req: req{Method: "POST", Path: "/api/v1/help/articles", Token: pm,
				Body: map[string]any{"title": map[string]string{"zh": "标题"}, "body": map[string]string{"zh": "正文"}, "category": "nope"}}, Status: http.StatusBadRequest, Field: "category"},
			{Name: "bad status", Req: req{Method: "POST", Path: "/api/v1/help/articles", Token: pm,
				Body: map[string]any{"title": map[string]string{"zh": "标题"}, "body": map[string]string{"zh": "正文"}, "category": "e-invoice", "status": "live"}}, Status: http.StatusBadRequest, Field: "status"},
			{Name: "a cursor search did not hand out", Req: req{Method: "GET", Path: "/api/v1/search?q=x&cursor=abc"}, Status: http.StatusBadRequest, Field: "cursor"},
			{Name: "a kind of document there is none of", Req: req{Method: "GET", Path: "/api/v1/search?q=x&type=video"}, Status: http.StatusBadRequest, Field: "type"},
			{Name: "a page too large", Req: req{Method: "GET", Path: "/api/v1/search?q=x&limit=101"}, Status: http.StatusBadRequest, Field: "limit"},
			{Name: "a page of no hits", Req: req{Method: "GET", Path: "/api/v1/search?q=x&limit=0"}, Status: http.StatusBadRequest, Field: "limit"},
		})

		res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{
			"title":    map[string]string{"zh": "银企直连付款被银行退回的处理", "en": "When the bank returns a direct-link payment"},
			"body":     map[string]string{"zh": "付款单状态变为**银行退票**时，先核对收款人账号和开户行，修改后重新提交付款。"},
			"category": "e-invoice", "product": "k3cloud", "tags": []string{"发票"}, "status": "draft"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create article: %d %s", res.Status, res.Body)
		}
		art := articleOf(t, res)
		path := "/api/v1/help/articles/" + art.ID
		if got := res.Header.Get("Location"); got != path {
			t.Errorf("a new article's Location is %q, want %q", got, path)
		}
		if !strings.Contains(string(art.HTML.Zh), "<strong>银行退票</strong>") {
			t.Errorf("body not rendered from Markdown: %s", art.HTML.Zh)
		}
		// A draft: staff see it, customers and the anonymous do not, search does not find it.
		for _, tok := range []string{"", customer} {
			if got := e.Do(req{Method: "GET", Path: path, Token: tok}).Status; got != http.StatusNotFound {
				t.Errorf("draft read by %q: %d, want 404", tok, got)
			}
			for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/help/articles?category=e-invoice", Token: tok}).Items() {
				t.Errorf("draft listed to %q: %v", tok, it["id"])
			}
		}
		if got := e.Do(req{Method: "GET", Path: path, Token: pm}).Status; got != http.StatusOK {
			t.Errorf("draft read by its writer: %d", got)
		}
		if contains(searchIDs(e, url.QueryEscape("付款被退回了")), art.ID) {
			t.Errorf("a draft is found by search")
		}

		// Published by an agent: everyone reads it and search finds it by other words at once.
		agent := e.Login("agent@steward.demo")
		res = e.Do(req{Method: "PATCH", Path: path, Token: agent, Body: map[string]any{"status": "published"}})
		if res.Status != http.StatusOK || articleOf(t, res).Status != community.Published {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		if got := e.Do(req{Method: "GET", Path: path}).Status; got != http.StatusOK {
			t.Errorf("published article read anonymously: %d", got)
		}
		hits := e.Do(req{Method: "GET", Path: "/api/v1/search?q=" + url.QueryEscape("银行退票以后怎样重新付款")}).Items()
		if len(hits) == 0 || hits[0]["id"] != art.ID || hits[0]["url"] != "/help/articles/"+art.ID || hits[0]["title"] != "银企直连付款被银行退回的处理" ||
			!strings.Contains(hits[0]["snippet"].(string), "<mark>") {
			t.Errorf("search for the published article in other words: %v", hits)
		}
		page := e.Do(req{Method: "GET", Path: "/api/v1/search?limit=2&q=" + url.QueryEscape("银行退票以后怎样重新付款")})
		if items := page.Items(); len(items) != 2 || items[0]["id"] != art.ID || page.JSON()["next_cursor"] == "" {
			t.Errorf("a search asked for 2 hits a page gives %d, then %q", len(items), page.JSON()["next_cursor"])
		}
		en := e.Do(req{Method: "GET", Path: "/api/v1/search?q=" + url.QueryEscape("银行退票以后怎样重新付款"), Header: map[string]string{"Accept-Language": "en"}}).Items()
		if len(en) == 0 || en[0]["title"] != "When the bank returns a direct-link payment" {
			t.Errorf("an English reader's hit is not titled in English: %v", en)
		}
		if revs := e.Do(req{Method: "GET", Path: path + "/revisions", Token: pm}).Items(); len(revs) != 2 || revs[0]["rev"] != 2.0 || revs[0]["status"] != "published" {
			t.Errorf("revisions after one change: %v", revs)
		}

		// Deleted: gone from the help center and from search, and audited.
		if got := e.Do(req{Method: "DELETE", Path: path, Token: customer}).Status; got != http.StatusForbidden {
			t.Errorf("customer deletes: %d", got)
		}
		if got := e.Do(req{Method: "DELETE", Path: path, Token: pm}).Status; got != http.StatusNoContent {
			t.Fatalf("delete: %d", got)
		}
		if got := e.Do(req{Method: "GET", Path: path, Token: pm}).Status; got != http.StatusNotFound {
			t.Errorf("deleted article: %d", got)
		}
		if contains(searchIDs(e, url.QueryEscape("银行退票以后怎样重新付款")), art.ID) {
			t.Errorf("a deleted article is found by search")
		}
		admin := e.Login("admin@steward.demo")
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target_id=" + art.ID, Token: admin})
		if !strings.Contains(string(audit.Body), "help.delete_article") {
			t.Errorf("delete not audited: %s", audit.Body)
		}
	})
}

func TestHelpArticleXSSRenderedHarmless(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		e.Do(req{Method: "POST", Path: "/api/v1/help/categories", Token: pm, Body: map[string]any{"slug": "misc", "name": map[string]string{"zh": "其他"}}})
		res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{
			"title":    map[string]string{"zh": `<script>alert(1)</script>凭证打印`},
			"body":     map[string]string{"zh": "凭证打印 <img src=x onerror=alert(2)> [点我](javascript:alert(3)) <script>alert(4)</script>"},
			"category": "misc", "status": "published"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		art := articleOf(t, res)
		shown := page(e, "/help/articles/"+art.ID, "zh-CN", "").Body
		for name, html := range map[string]string{"html": string(art.HTML.Zh), "page": string(shown)} {
			for _, bad := range []string{"<script>alert", "onerror", "javascript:"} {
				if strings.Contains(html, bad) {
					t.Errorf("%s keeps %q: %s", name, bad, html)
				}
			}
		}
		if !strings.Contains(string(shown), "&lt;script&gt;alert(1)&lt;/script&gt;凭证打印") {
			t.Errorf("the title is not shown as text: %s", shown)
		}
		for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/search?q=%E5%87%AD%E8%AF%81%E6%89%93%E5%8D%B0"}).Items() {
			if s := it["snippet"].(string); strings.Contains(s, "<script") || strings.Contains(s, "<img") {
				t.Errorf("snippet keeps markup: %s", s)
			}
		}
	})
}
