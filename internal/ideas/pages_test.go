package ideas_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestIdeaPages walks the square's pages on each database, its parts
// sharing one demo app (each on ideas of its own).
func TestIdeaPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, part := range []struct {
			name string
			run  func(*testing.T, *apptest.Env)
		}{
			{"visitors", visitorsReadButPostingNeedsALogin},
			{"posting", customersPostOrAreToldWhyNot},
			{"taking part", votesFollowsCommentsAndSimilar},
			{"console", productManagersAnswerAndMerge},
		} {
			t.Run(part.name, func(t *testing.T) { part.run(t, e) })
		}
	})
}

// visit loads a page as a visitor in lang.
func visit(e *apptest.Env, path, lang string) apptest.Response {
	return e.Do(apptest.Request{Method: "GET", Path: path, Header: map[string]string{"Accept-Language": lang}})
}

// submit posts a form and expects a redirect to a path starting with prefix.
func submit(t *testing.T, b *apptest.Browser, path string, form url.Values, prefix string) string {
	t.Helper()
	w := b.PostForm(path, form)
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("POST %s: %d to %q, want a redirect to %s…; %.600s", path, w.Code, loc, prefix, w.Body.String())
	}
	return w.Header().Get("Location")
}

// postIdea submits the form to post an idea and returns the idea's page.
func postIdea(t *testing.T, b *apptest.Browser, title string) string {
	t.Helper()
	loc := submit(t, b, "/ideas", url.Values{"title": {title}, "body": {title + "，这样月底可以少做很多手工。"},
		"product": {"k3cloud"}, "modules": {"gl", "ar"}}, "/ideas/")
	return strings.TrimSuffix(loc, "?done=posted")
}

// visitorsReadButPostingNeedsALogin checks that a visitor reads the square, its search, the roadmap and an idea, and is sent to log in to post.
func visitorsReadButPostingNeedsALogin(t *testing.T, e *apptest.Env) {
	customer := e.Browser("admin@yunqi.demo", "zh-CN")
	title := `<script>alert(1)</script>凭证列表支持按辅助核算项目筛选`
	page := postIdea(t, customer, title)

	square := visit(e, "/ideas", "zh-CN")
	if square.Status != http.StatusOK {
		t.Fatalf("the square: %d", square.Status)
	}
	body := string(square.Body)
	apptest.MustContain(t, "square", body, "创新广场", `href="`+page+`"`, "&lt;script&gt;alert(1)&lt;/script&gt;凭证列表支持按辅助核算项目筛选",
		`aria-current="page">热门</a>`, "待评估", "总账", `data-testid="vote-login"`, `href="/ideas/roadmap"`, `href="/ideas/new"`,
		`action="/community/search"`, `name="type" value="idea"`)
	apptest.MustLack(t, "square", body, "<script>alert(1)", `data-testid="vote"`)
	apptest.MustContain(t, "top", string(visit(e, "/ideas?sort=top&status=open&product=k3cloud", "en").Body), `href="`+page+`"`,
		`aria-current="page">Most votes</a>`, ">Open<")
	apptest.MustContain(t, "declined only", string(visit(e, "/ideas?status=declined", "zh-CN").Body), "暂不考虑")
	if res := visit(e, "/ideas?sort=oldest", "en"); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "sort") {
		t.Errorf("an order the square lacks: %d", res.Status)
	}

	found := visit(e, "/community/search?type=idea&q="+url.QueryEscape("辅助核算筛选凭证"), "zh-CN")
	if found.Status != http.StatusOK {
		t.Fatalf("searching ideas: %d", found.Status)
	}
	apptest.MustContain(t, "search", string(found.Body), `href="`+page+`"`)

	roadmap := visit(e, "/ideas/roadmap", "zh-CN")
	if roadmap.Status != http.StatusOK {
		t.Fatalf("the roadmap: %d", roadmap.Status)
	}
	apptest.MustContain(t, "roadmap", string(roadmap.Body), "产品路线图", "评估中", "已计划", "开发中", "已发布")

	idea := visit(e, page, "zh-CN")
	if idea.Status != http.StatusOK {
		t.Fatalf("the idea: %d", idea.Status)
	}
	apptest.MustContain(t, "idea", string(idea.Body), `data-testid="login-prompt"`, "状态历史", "提交了这个需求", "1 人关注",
		`<b data-testid="vote-count">1</b>`, `href="/login?next=`+url.QueryEscape(page)+`"`)
	apptest.MustLack(t, "idea", string(idea.Body), `data-testid="comment-form"`, `data-testid="console-link"`, "<script>alert(1)")
	if res := visit(e, "/ideas/idea_nope", "zh-CN"); res.Status != http.StatusNotFound {
		t.Errorf("an unknown idea: %d", res.Status)
	}

	for _, path := range []string{"/ideas/new"} {
		if res := visit(e, path, "zh-CN"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("a visitor opens %s: %d to %q, want the login page", path, res.Status, res.Header.Get("Location"))
		}
	}
	res := e.Do(apptest.Request{Method: "POST", Path: "/ideas", Body: "title=x", Header: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("a visitor posts an idea: %d to %q", res.Status, res.Header.Get("Location"))
	}
}

// customersPostOrAreToldWhyNot checks the form to post an idea: errors in place, a picture, a refused picture, and a customer whose requirement listening has run out.
func customersPostOrAreToldWhyNot(t *testing.T, e *apptest.Env) {
	customer := e.Browser("admin@yunqi.demo", "zh-CN")
	form := customer.Get("/ideas/new?title=" + url.QueryEscape("应收单批量打印"))
	apptest.MustContain(t, "form", form.Body.String(), `action="/ideas"`, `enctype="multipart/form-data"`, `hx-get="/ideas/similar"`,
		`value="应收单批量打印"`, `data-testid="similar"`, `name="modules" value="gl"`, `name="file"`, `data-testid="idea-submit"`)

	w := customer.PostForm("/ideas", url.Values{"title": {" "}, "body": {"正文留着"}, "product": {"k3cloud"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("an idea without a title: %d", w.Code)
	}
	apptest.MustContain(t, "refused", w.Body.String(), `<small class="field-error">`, "正文留着")

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"title": "应收单支持批量打印并合并成一个 PDF", "body": "现在只能**一张一张**打印。", "product": "k3cloud"} {
		mw.WriteField(k, v)
	}
	mw.WriteField("modules", "ar")
	part, _ := mw.CreateFormFile("file", "sketch.png")
	png.Encode(part, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	mw.Close()
	w = customer.Do("POST", "/ideas", mw.FormDataContentType(), &buf)
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=posted") {
		t.Fatalf("posting with a picture: %d to %q %.400s", w.Code, loc, w.Body.String())
	}
	seen := customer.Get(loc).Body.String()
	apptest.MustContain(t, "posted", seen, "需求已提交", "应收单支持批量打印并合并成一个 PDF", "<strong>一张一张</strong>", "应收",
		`data-testid="unvote"`, `data-testid="unfollow"`, `data-testid="comment-form"`, `<img src="`+strings.TrimSuffix(loc, "?done=posted")+`/images/`)
	apptest.MustLack(t, "posted", seen, `data-testid="console-link"`)

	// A customer whose organisation's requirement listening has run out is told why, in words.
	expired := e.Browser("admin@xiling.demo", "en")
	refused := expired.Get("/ideas/new")
	if refused.Code != http.StatusOK {
		t.Fatalf("the form: %d", refused.Code)
	}
	apptest.MustContain(t, "refused form", refused.Body.String(), `data-testid="refusal"`, "has expired", "You can still read the Innovation Square")
	apptest.MustLack(t, "refused form", refused.Body.String(), `data-testid="idea-submit"`, `name="body"`)
	if w := expired.PostForm("/ideas", url.Values{"title": {"Stock alerts by e-mail"}, "body": {"Please."}, "product": {"k3cloud"}}); w.Code != http.StatusForbidden ||
		!strings.Contains(w.Body.String(), `role="alert"`) {
		t.Errorf("a refused customer's idea: %d", w.Code)
	}

	// A picture that is no picture does not lose the idea.
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	mw.WriteField("title", "总账期末结账前自动检查未过账凭证")
	mw.WriteField("body", "结账前提示。")
	mw.WriteField("product", "k3cloud")
	part, _ = mw.CreateFormFile("file", "evil.svg")
	part.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))
	mw.Close()
	w = customer.Do("POST", "/ideas", mw.FormDataContentType(), &buf)
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=posted_image_refused") {
		t.Fatalf("posting with an SVG: %d to %q", w.Code, loc)
	} else {
		apptest.MustContain(t, "image refused", customer.Get(loc).Body.String(), "图片没有保存", "总账期末结账前自动检查未过账凭证", "添加图片")
	}
}

// votesFollowsCommentsAndSimilar checks the similar box, and the vote, follow and comment forms with their refusals.
func votesFollowsCommentsAndSimilar(t *testing.T, e *apptest.Env) {
	author := e.Browser("admin@yunqi.demo", "zh-CN")
	other := e.Browser("admin@gangxin.demo", "zh-CN")
	page := postIdea(t, author, "销售订单支持按客户信用额度自动冻结")

	similar := visit(e, "/ideas/similar?title="+url.QueryEscape("销售订单按信用额度冻结"), "zh-CN")
	apptest.MustContain(t, "similar", string(similar.Body), `id="similar"`, `href="`+page+`"`, "销售订单支持按客户信用额度自动冻结", "1 票")
	apptest.MustContain(t, "nothing similar", string(visit(e, "/ideas/similar?title=ZZQX", "zh-CN").Body), `data-testid="no-similar"`)
	apptest.MustContain(t, "form with similar", other.Get("/ideas/new?title="+url.QueryEscape("销售订单按信用额度冻结")).Body.String(), `href="`+page+`"`)

	// From the square's row, the vote comes back to the square.
	loc := submit(t, other, page+"/vote", url.Values{"next": {"/ideas?sort=new"}}, "/ideas?sort=new")
	apptest.MustContain(t, "square after voting", other.Get(loc).Body.String(), `data-testid="unvote"`)
	seen := other.Get(page).Body.String()
	apptest.MustContain(t, "voted", seen, `<b data-testid="vote-count">2</b>`, `action="`+page+`/unvote"`)
	w := other.PostForm(page+"/vote", nil)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `data-testid="idea-error"`) {
		t.Errorf("voting twice: %d", w.Code)
	}
	loc = submit(t, other, page+"/unvote", nil, page+"?done=unvote")
	apptest.MustContain(t, "unvoted", other.Get(loc).Body.String(), `<b data-testid="vote-count">1</b>`, "已撤回投票")
	if w := other.PostForm(page+"/unvote", nil); w.Code != http.StatusConflict {
		t.Errorf("taking back a vote one does not have: %d", w.Code)
	}
	submit(t, other, page+"/follow", nil, page+"?done=follow")
	apptest.MustContain(t, "followed", other.Get(page).Body.String(), "2 人关注", `data-testid="unfollow"`)
	submit(t, other, page+"/unfollow", nil, page+"?done=unfollow")
	apptest.MustContain(t, "unfollowed", other.Get(page).Body.String(), "1 人关注", `data-testid="follow"`)

	if w := other.PostForm(page+"/comments", url.Values{"body": {"  "}}); w.Code != http.StatusBadRequest ||
		!strings.Contains(w.Body.String(), `<small class="field-error">`) {
		t.Errorf("an empty comment: %d", w.Code)
	}
	submit(t, other, page+"/comments", url.Values{"body": {"我们也需要，**信用超额**时最好还能提醒销售。"}}, page+"?done=comments")
	pm := e.Browser("pm@steward.demo", "zh-CN")
	submit(t, pm, page+"/comments", url.Values{"body": {"收到，已经在评估。"}}, page+"?done=comments")
	seen = string(visit(e, page, "zh-CN").Body)
	apptest.MustContain(t, "comments", seen, "2 条评论", "<strong>信用超额</strong>", "收到，已经在评估。", `data-testid="official"`, "官方回复")
	if n := strings.Count(seen, `data-testid="official"`); n != 1 {
		t.Errorf("%d official replies, want the product manager's only", n)
	}
	if w := other.PostForm(page+"/dance", nil); w.Code != http.StatusNotFound {
		t.Errorf("an unknown action: %d", w.Code)
	}
}
