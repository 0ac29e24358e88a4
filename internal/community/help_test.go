package community_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/search"
)

// helpReads are the help center's reads, API and pages, on demo content.
var helpReads = []string{"/api/v1/help/categories", "/api/v1/help/articles", "/api/v1/help/articles/art-voucher-audit",
	"/api/v1/search?q=" + url.QueryEscape("反审核"), "/help", "/help/vouchers", "/help/articles/art-voucher-audit",
	"/help/search?q=" + url.QueryEscape("反审核")}

// closedCommunity is the app with --community-requires-login on d.
func closedCommunity(t *testing.T, d *db.DB) *apptest.Env {
	t.Helper()
	a, err := app.Build(app.Config{Demo: true, Clock: clock.NewManual(apptest.Start), Hasher: apptest.FastHasher, DataDir: t.TempDir(),
		Logger: slog.New(slog.DiscardHandler), CommunityRequiresLogin: true}, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return apptest.Wrap(t, a)
}

func TestHelpReadableByVisitorsUnlessTheSettingRequiresLogin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, path := range helpReads {
			if res := page(e, path, "zh-CN", ""); res.Status != http.StatusOK {
				t.Errorf("visitor reads %s by default: %d", path, res.Status)
			}
		}
	})
	// A subtest of its own: SQLite cannot open a file whose path has the
	// "#01" a second "sqlite" subtest would get.
	t.Run("login required", func(t *testing.T) { dbtest.Each(t, loginRequired) })
}

// loginRequired checks the help center of an app started with
// --community-requires-login on d.
func loginRequired(t *testing.T, d *db.DB) {
	e := closedCommunity(t, d)
	member := e.Login("member@yunqi.demo")
	for _, path := range helpReads {
		res := page(e, path, "en", "")
		if strings.HasPrefix(path, "/api/") {
			if res.Status != http.StatusUnauthorized || !strings.Contains(string(res.Body), "log in") {
				t.Errorf("visitor reads %s with login required: %d %s", path, res.Status, res.Body)
			}
		} else if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(path) {
			t.Errorf("visitor opens %s with login required: %d to %q, want the login page", path, res.Status, loc)
		}
		if res := page(e, path, "zh-CN", member); res.Status != http.StatusOK {
			t.Errorf("signed-in customer reads %s with login required: %d", path, res.Status)
		}
	}
}

func TestRelatedArticlesShareTagsThenCategoryThenTitleWords(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		write := func(category, status, title string, tags ...string) string {
			res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{"category": category, "status": status,
				"title": map[string]string{"zh": title}, "body": map[string]string{"zh": title + "。"}, "tags": tags}})
			if res.Status != http.StatusCreated {
				t.Fatalf("article: %d %s", res.Status, res.Body)
			}
			return articleOf(t, res).ID
		}
		// Every tag shared with the demo article on reviewing vouchers, in another category.
		allTags := write("tax-invoices", "published", "发票凭证的审核", "凭证", "审核", "反审核", "总账")
		draft := write("vouchers", "draft", "还没发布的审核说明", "审核", "反审核", "凭证")
		related := func(id string) []map[string]any {
			var out struct {
				Related []map[string]any `json:"related"`
			}
			res := e.Do(req{Method: "GET", Path: "/api/v1/help/articles/" + id})
			if res.Status != http.StatusOK || json.Unmarshal(res.Body, &out) != nil {
				t.Fatalf("article %s: %d %s", id, res.Status, res.Body)
			}
			return out.Related
		}
		rel := related("art-voucher-audit")
		if len(rel) == 0 || len(rel) > 5 || rel[0]["id"] != allTags || rel[0]["url"] != "/help/articles/"+allTags {
			t.Fatalf("related to reviewing vouchers: %v, want at most 5 starting with the one sharing every tag", rel)
		}
		for _, r := range rel {
			if r["id"] == "art-voucher-audit" || r["id"] == draft {
				t.Errorf("related lists itself or a draft: %v", rel)
			}
		}

		// Alone in its category and without tags: related by the words of its title.
		e.Do(req{Method: "POST", Path: "/api/v1/help/categories", Token: pm, Body: map[string]any{"slug": "bank", "name": map[string]string{"zh": "银企互联"}}})
		lonely := write("bank", "published", "银企直连付款被银行退回")
		bySearch := write("tax-invoices", "published", "付款被银行退回后重新支付")
		if rel := related(lonely); len(rel) == 0 || !hasID(rel, bySearch) || hasID(rel, lonely) {
			t.Errorf("related by title words: %v, want %s and never itself", rel, bySearch)
		}
		mustShow(t, "page", page(e, "/help/articles/"+lonely, "zh-CN", ""), http.StatusOK, "相关文章", `href="/help/articles/`+bySearch+`"`)
	})
}

func hasID(list []map[string]any, id string) bool {
	for _, it := range list {
		if it["id"] == id {
			return true
		}
	}
	return false
}

func TestArticleDocsHandsOutEveryPublishedArticle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		res := e.Do(req{Method: "POST", Path: "/api/v1/help/articles", Token: pm, Body: map[string]any{"category": "vouchers", "status": "draft",
			"title": map[string]string{"zh": "草稿不进索引"}, "body": map[string]string{"zh": "草稿。"}}})
		draft := articleOf(t, res).ID
		published := map[string]bool{}
		for cursor := ""; ; {
			res := e.Do(req{Method: "GET", Path: "/api/v1/help/articles?limit=200&cursor=" + cursor})
			for _, it := range res.Items() {
				published[it["id"].(string)] = true
			}
			if cursor, _ = res.JSON()["next_cursor"].(string); cursor == "" {
				break
			}
		}
		docs := map[string]search.Doc{}
		err := e.App.Community.ArticleDocs(context.Background(), func(d search.Doc) error { docs[d.ID] = d; return nil })
		if err != nil || len(docs) != len(published) || len(docs) < 30 {
			t.Fatalf("ArticleDocs: %d docs, %d published, %v", len(docs), len(published), err)
		}
		if _, ok := docs[draft]; ok {
			t.Error("a draft is handed out for the index")
		}
		d := docs["art-voucher-audit"]
		if d.Type != community.ArticleDoc || d.URL != "/help/articles/art-voucher-audit" || d.Title != "凭证审核与反审核 Reviewing vouchers and withdrawing a review" ||
			!strings.Contains(d.Body, "反审核") || strings.Contains(d.Body, "**") {
			t.Errorf("document of the demo article: %+v", d)
		}
		stop := errors.New("stop")
		if err := e.App.Community.ArticleDocs(context.Background(), func(search.Doc) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("an error of put is not returned: %v", err)
		}
	})
}
