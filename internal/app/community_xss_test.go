package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"steward.dev/steward/internal/app/apptest"
)

// xssPayloads are the ways people slip script into a page: tags, event
// handlers, script URLs, SVG/iframe/style tricks, Markdown links and images,
// attribute breaking and Unicode. Each carries "alert(" so that a <style>
// keeping one is recognised.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(2)>`,
	`<svg onload=alert(3)>`,
	`<svg><script>alert(4)</script></svg>`,
	`<iframe src="javascript:alert(5)"></iframe>`,
	`<iframe srcdoc="<script>alert(6)</script>"></iframe>`,
	`<a href="javascript:alert(7)">点我</a>`,
	`<a href="jav&#x09;ascript:alert(8)">点我</a>`,
	`[点我](javascript:alert(9))`,
	`[点我](JaVaScRiPt:alert(10))`,
	`![图](javascript:alert(11))`,
	`[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=)`,
	`<javascript:alert(13)>`,
	`<style>body{background:url("javascript:alert(14)")}</style>`,
	`<div style="background:expression(alert(15))">x</div>`,
	`"><script>alert(16)</script>`,
	`' onmouseover='alert(17)`,
	`" autofocus onfocus="alert(18)`,
	`<details open ontoggle=alert(19)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(20)>`,
	`<scr<script>ipt>alert(21)</script>`,
	"\u202e<img src=x onerror=alert(22)>\u2028",
	`<object data="javascript:alert(23)"></object>`,
	`<form action="javascript:alert(24)"><button>x</button></form>`,
	`<base href="javascript:alert(25)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(26)">`,
}

// shortPayloads fit fields of at most 40 characters (tags).
func shortPayloads() []string {
	var out []string
	for _, p := range xssPayloads {
		if len([]rune(p)) <= 40 {
			out = append(out, p)
		}
	}
	return out
}

// chunks packs the payloads into texts of at most limit characters, each
// after a Chinese word so that searches find them.
func chunks(word string, limit int) []string {
	var out []string
	cur := word
	for _, p := range xssPayloads {
		if len([]rune(cur))+len([]rune(p))+1 > limit {
			out = append(out, cur)
			cur = word
		}
		cur += " " + p
	}
	return append(out, cur)
}

// allPayloads is every payload in one Markdown body, as separate paragraphs.
func allPayloads(word string) string {
	return word + "\n\n" + strings.Join(xssPayloads, "\n\n") + "\n\n" + word
}

// siteHandlers are the inline handlers the site's own templates write (the
// certificate's print button); any other on* attribute is a finding.
var siteHandlers = map[string]bool{"window.print()": true}

var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true, "poster": true,
	"background": true, "xlink:href": true, "srcset": true, "content": true}

// executable returns what in page could run script: <script> other than the
// site's own, an on* attribute, a script or data URL, an iframe off https,
// srcdoc, <object>/<embed>/<base>, a style that kept a payload.
func executable(page string) []string {
	var found []string
	z := html.NewTokenizer(strings.NewReader(page))
	inStyle := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return found
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if inStyle && (strings.Contains(tok.Data, "alert(") || strings.Contains(strings.ToLower(tok.Data), "javascript:")) {
				found = append(found, "style: "+tok.Data)
			}
		case html.EndTagToken:
			inStyle = inStyle && tok.Data != "style"
		case html.StartTagToken, html.SelfClosingTagToken:
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
				name := strings.ToLower(a.Key)
				value := strings.Map(func(r rune) rune {
					if r <= ' ' || r == 0x7f {
						return -1
					}
					return r
				}, strings.ToLower(a.Val))
				switch {
				case strings.HasPrefix(name, "on") && !siteHandlers[a.Val]:
					found = append(found, tok.String())
				case name == "srcdoc":
					found = append(found, tok.String())
				case urlAttrs[name] && (strings.Contains(value, "javascript:") || strings.Contains(value, "vbscript:") || strings.HasPrefix(value, "data:")):
					found = append(found, tok.String())
				case name == "style" && (strings.Contains(value, "expression(") || strings.Contains(value, "javascript:")):
					found = append(found, tok.String())
				}
			}
			switch tok.Data {
			case "script":
				if !strings.HasPrefix(attrs["src"], "/static/") {
					found = append(found, tok.String())
				}
			case "iframe":
				if !strings.HasPrefix(attrs["src"], "https://") {
					found = append(found, tok.String())
				}
			case "object", "embed", "base", "frame", "frameset", "applet":
				found = append(found, tok.String())
			case "meta":
				if attrs["http-equiv"] != "" {
					found = append(found, tok.String())
				}
			case "style":
				inStyle = tt == html.StartTagToken
			}
		}
	}
}

// htmlFields returns the strings under the keys of a JSON document that
// hold HTML (html, snippet), wherever they are nested.
func htmlFields(v any, key string, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if k == "html" || k == "snippet" || strings.HasSuffix(k, "_html") {
				htmlFields(child, "html", out)
			} else {
				htmlFields(child, key, out)
			}
		}
	case []any:
		for _, child := range x {
			htmlFields(child, key, out)
		}
	case string:
		if key == "html" {
			*out = append(*out, x)
		}
	}
}

// xssSite is what a test wrote through every field people write.
type xssSite struct {
	t                        *testing.T
	e                        *apptest.Env
	member, agent, pm        string
	articles, questions      []string
	category, course, lesson string
	lessons                  []string
	learningPath             string
	pages, apis              []string
	// echoes are the searches that echo a payload: the same for every reader
	echoes []string
}

// create posts body and requires it to succeed.
func (s *xssSite) create(path, token string, body any) map[string]any {
	s.t.Helper()
	res := s.e.Do(apptest.Request{Method: "POST", Path: path, Token: token, Body: body})
	if res.Status != http.StatusOK && res.Status != http.StatusCreated {
		s.t.Fatalf("POST %s: %d %.400s", path, res.Status, res.Body)
	}
	return res.JSON()
}

func (s *xssSite) patch(path, token string, body any) {
	s.t.Helper()
	if res := s.e.Do(apptest.Request{Method: "PATCH", Path: path, Token: token, Body: body}); res.Status != http.StatusOK {
		s.t.Fatalf("PATCH %s: %d %.400s", path, res.Status, res.Body)
	}
}

func zhEn(zh, en string) map[string]string { return map[string]string{"zh": zh, "en": en} }

// writeHelp puts payloads through the help center's fields: category
// names, article titles, bodies and tags (both languages), an edit (for the
// history's diff) and feedback notes.
func (s *xssSite) writeHelp() {
	s.category = "xss-probe"
	names := chunks("凭证", 200)
	s.create("/api/v1/help/categories", s.pm, map[string]any{"slug": s.category, "name": zhEn(names[0], names[len(names)-1])})
	for i, title := range chunks("凭证打印", 200) {
		body := zhEn("凭证打印", "")
		if i == 0 { // the bodies once: the titles need several articles
			body = zhEn(allPayloads("凭证打印"), allPayloads("voucher printing"))
		}
		art := s.create("/api/v1/help/articles", s.pm, map[string]any{"category": s.category, "status": "published", "product": "k3cloud",
			"title": zhEn(title, title), "body": body, "tags": shortPayloads()[:min(20, len(shortPayloads()))]})
		id := art["id"].(string)
		s.articles = append(s.articles, id)
		if i == 0 {
			s.patch("/api/v1/help/articles/"+id, s.agent, map[string]any{"body": zhEn(allPayloads("凭证打印修订"), allPayloads("revised"))})
		}
		s.create("/api/v1/help/articles/"+id+"/feedback", s.member, map[string]any{"helpful": false, "reason": "other", "note": strings.Join(shortPayloads(), " ")})
	}
	for _, id := range s.articles {
		s.pages = append(s.pages, "/help/articles/"+id, "/console/help/"+id, "/console/help/"+id+"/revisions", "/console/help/"+id+"/revisions/1")
		s.apis = append(s.apis, "/api/v1/help/articles/"+id)
	}
	s.apis = append(s.apis, "/api/v1/help/articles/"+s.articles[0]+"/revisions/2")
	s.pages = append(s.pages, "/help", "/help/"+s.category, "/console/help")
	s.apis = append(s.apis, "/api/v1/help/articles", "/api/v1/help/categories")
}

// writeQA puts payloads through questions (title, body, tags), answers,
// comments, an edit, reports (reason note) and a moderator's hiding reason.
func (s *xssSite) writeQA() {
	tags := shortPayloads()[:5]
	for i, title := range chunks("凭证反审核", 150) {
		body := "凭证反审核"
		if i == 0 {
			body = allPayloads("凭证反审核")
		}
		q := s.create("/api/v1/questions", s.member, map[string]any{"title": title, "body": body, "product": "k3cloud", "tags": tags})
		s.questions = append(s.questions, q["id"].(string))
	}
	qid := s.questions[0]
	answer := s.create("/api/v1/questions/"+qid+"/answers", s.agent, map[string]any{"body": allPayloads("答复")})["id"].(string)
	hidden := s.create("/api/v1/questions/"+qid+"/answers", s.member, map[string]any{"body": allPayloads("另一个答复")})["id"].(string)
	for _, post := range []string{qid, answer} {
		for _, c := range chunks("评论", 2000) {
			s.create("/api/v1/posts/"+post+"/comments", s.member, map[string]any{"body": c})
		}
		s.create("/api/v1/posts/"+post+"/report", s.member, map[string]any{"reason": "other", "note": chunks("举报", 500)[0]})
	}
	s.patch("/api/v1/posts/"+answer, s.agent, map[string]any{"body": allPayloads("改过的答复")})
	s.create("/api/v1/posts/"+hidden+"/hide", s.agent, map[string]any{"reason": chunks("隐藏", 500)[0]})
	for _, q := range s.questions {
		s.pages = append(s.pages, "/community/questions/"+q)
		s.apis = append(s.apis, "/api/v1/questions/"+q)
	}
	s.pages = append(s.pages, "/community", "/community/questions", "/community/moderation",
		"/community/questions/"+qid+"/posts/"+answer+"/revisions", "/community/questions/"+qid+"/posts/"+answer+"/edit")
	s.apis = append(s.apis, "/api/v1/questions", "/api/v1/moderation/reports", "/api/v1/posts/"+answer+"/revisions")
}

// writeCourses puts payloads through course titles and summaries, lesson
// titles, bodies and video addresses, and a learning path.
func (s *xssSite) writeCourses() {
	titles := chunks("凭证课程", 200)
	c := s.create("/api/v1/courses", s.pm, map[string]any{"title": zhEn(titles[0], titles[len(titles)-1]), "summary": zhEn(chunks("摘要", 2000)[0], chunks("summary", 2000)[0]),
		"product": "k3cloud", "level": "beginner", "status": "published"})
	s.course = c["id"].(string)
	videos := []string{"javascript:alert(30)", `https://player.bilibili.com/player.html?bvid=1"><script>alert(31)</script>`,
		`https://example.com/v.mp4" onerror="alert(32)`, "data:text/html,<script>alert(33)</script>", `https://www.youtube.com/watch?v=abcdefghijk&x="><svg onload=alert(34)>`}
	for i, title := range chunks("凭证课", 200) {
		lesson := map[string]any{"title": zhEn(title, title), "body": zhEn("课时", "")}
		if i == 0 {
			lesson["body"] = zhEn(allPayloads("课时"), allPayloads("lesson"))
		}
		res := s.e.Do(apptest.Request{Method: "POST", Path: "/api/v1/courses/" + s.course + "/lessons", Token: s.pm,
			Body: map[string]any{"title": lesson["title"], "body": lesson["body"], "video_url": videos[i%len(videos)]}})
		if res.Status == http.StatusBadRequest { // a refused address is safe; keep the lesson without it
			res = s.e.Do(apptest.Request{Method: "POST", Path: "/api/v1/courses/" + s.course + "/lessons", Token: s.pm, Body: lesson})
		}
		if res.Status != http.StatusCreated {
			s.t.Fatalf("lesson: %d %.400s", res.Status, res.Body)
		}
		id := res.JSON()["id"].(string)
		s.lesson = id
		s.lessons = append(s.lessons, id)
		s.pages = append(s.pages, "/courses/"+s.course+"/lessons/"+id, "/console/courses/"+s.course+"/lessons/"+id)
		s.apis = append(s.apis, "/api/v1/courses/"+s.course+"/lessons/"+id)
	}
	p := s.create("/api/v1/learning-paths", s.pm, map[string]any{"title": zhEn(titles[0], titles[0]), "summary": zhEn(chunks("路径", 2000)[0], ""),
		"courses": []string{s.course}})
	s.learningPath = p["id"].(string)
	s.create("/api/v1/courses/"+s.course+"/enrol", s.member, map[string]any{})
	for _, l := range s.lessons {
		s.create("/api/v1/courses/"+s.course+"/lessons/"+l+"/complete", s.member, map[string]any{})
	}
	s.pages = append(s.pages, "/courses", "/courses/"+s.course, "/console/courses", "/console/courses/"+s.course, "/courses/"+s.course+"/certificate")
	s.apis = append(s.apis, "/api/v1/courses", "/api/v1/courses/"+s.course, "/api/v1/learning-paths", "/api/v1/learning-paths/"+s.learningPath)
}

// searches echo payloads as queries, on every search page and API: words
// that find the snippets, every payload at once, and the attribute breakers
// (a query is shown again inside value="…").
func (s *xssSite) searches() {
	queries := []string{"凭证打印", "凭证反审核 课时", strings.Join(xssPayloads, " ")}
	for _, p := range xssPayloads {
		if strings.ContainsAny(p[:1], `"'`) {
			queries = append(queries, p)
		}
	}
	for _, p := range queries {
		q := url.QueryEscape(p)
		s.echoes = append(s.echoes, "/help/search?q="+q, "/community/search?q="+q, "/community/questions/ask?title="+q,
			"/community/questions/similar?title="+q, "/api/v1/search?q="+q, "/api/v1/questions/similar?title="+q)
	}
}

// TestExecutableFindsThePayloads keeps the checker honest: each payload
// that is HTML, put into a page unescaped, is found.
func TestExecutableFindsThePayloads(t *testing.T) {
	for _, p := range xssPayloads {
		if !strings.Contains(p, "<") || strings.HasPrefix(p, "<javascript:") || strings.HasPrefix(p, "<scr<") {
			continue // not markup a browser runs as it stands: aimed at filters that strip once
		}
		if found := executable(`<p title="x">` + p + `</p>`); len(found) == 0 {
			t.Errorf("payload not found unescaped: %q", p)
		}
	}
	for _, safe := range []string{`<script src="/static/vendor/htmx/htmx.min.js" defer></script>`, `<a href="/help">帮助</a>`,
		`<iframe src="https://player.bilibili.com/player.html?bvid=BV1xx411c7mD"></iframe>`, "&lt;script&gt;alert(1)&lt;/script&gt;",
		`<form hx-on::response-error="this.submit()"></form>`, `<style>.a{color:red}</style>`} {
		if found := executable(safe); len(found) != 0 {
			t.Errorf("safe markup %q flagged: %q", safe, found)
		}
	}
}

// check fetches path as who and reports anything in it that could run;
// it says whether the response showed content (200).
func (s *xssSite) check(who, token, path string) bool {
	s.t.Helper()
	res := s.e.Do(apptest.Request{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept-Language": "zh-CN"}})
	if res.Status >= 500 {
		s.t.Errorf("%s opens %s: %d", who, path, res.Status)
	}
	if res.Status != http.StatusOK {
		return false
	}
	body := string(res.Body)
	if strings.HasPrefix(path, "/api/") {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			s.t.Errorf("%s reads %s as %q: a browser could render it", who, path, ct)
		}
		var doc any
		if json.Unmarshal(res.Body, &doc) != nil {
			s.t.Errorf("%s reads %s: not JSON", who, path)
		}
		var htmls []string
		htmlFields(doc, "", &htmls)
		body = strings.Join(htmls, "\n")
	}
	for _, bad := range executable(body) {
		s.t.Errorf("%s opens %s: executable markup %q", who, path, bad)
	}
	for _, p := range xssPayloads {
		if strings.Contains(p, "<") && strings.Contains(body, p) {
			s.t.Errorf("%s opens %s: payload unescaped: %q", who, path, p)
		}
	}
	return true
}

// walk opens every page and API written to, as the customer or, where
// staffPage says so, as the staff member who (token), and every search that
// echoes a payload as a visitor: each must show content with nothing that
// could run.
func (s *xssSite) walk(who, token string, staffPage func(path string) bool) {
	s.t.Helper()
	for _, path := range append(s.pages, s.apis...) {
		reader, readerToken := "member", s.member
		if staffPage(path) {
			reader, readerToken = who, token
		}
		if !s.check(reader, readerToken, path) {
			s.t.Errorf("%s could not open %s", reader, path)
		}
	}
	for _, path := range s.echoes {
		if !s.check("visitor", "", path) {
			s.t.Errorf("a search echoing a payload is not shown: %s", path)
		}
	}
}

func TestNoScriptThroughAnyCommunityField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := &xssSite{t: t, e: e, member: e.Login("member@yunqi.demo"), agent: e.Login("agent@steward.demo"), pm: e.Login("pm@steward.demo")}
		s.writeHelp()
		s.writeQA()
		s.writeCourses()
		s.searches()
		// Staff pages are read by an agent, the others by a customer, who sees
		// more than a visitor (the feedback form).
		s.walk("agent", s.agent, func(path string) bool {
			return strings.HasPrefix(path, "/console/") || strings.Contains(path, "moderation") || strings.Contains(path, "/revisions") ||
				strings.HasSuffix(path, "/edit")
		})
		// The walk must have seen the payloads' text shown back.
		for _, path := range []string{"/help/articles/" + s.articles[0], "/community/questions/" + s.questions[0], "/courses/" + s.course + "/lessons/" + s.lesson} {
			if body := string(e.Do(apptest.Request{Method: "GET", Path: path, Token: s.member}).Body); !strings.Contains(body, "alert(1)") {
				t.Errorf("%s does not show the payload's text: %.300s", path, body)
			}
		}
	})
}
