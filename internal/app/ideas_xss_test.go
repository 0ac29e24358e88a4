package app_test

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

// ideasXSS puts the payloads of community_xss_test.go through every field
// people write on the Innovation Square, with the checker there (xssSite).
type ideasXSS struct {
	*xssSite
	ideas []string
	// forms are the console's refused forms that show what was typed again,
	// as (path, form body) to post as the product manager.
	forms [][2]string
}

// writeIdeas posts ideas with payloads in their titles, bodies and modules,
// comments by a customer and the product manager, status changes with
// payload explanations, a merge of two such ideas (the duplicate's history
// names the survivor's title) and a picture uploaded under a payload name.
func (s *ideasXSS) writeIdeas() {
	modules := shortPayloads()
	for i, title := range chunks("凭证附件", 120) {
		body := "凭证附件"
		if i == 0 {
			body = allPayloads("凭证附件")
		}
		it := s.create("/api/v1/ideas", s.member, map[string]any{"title": title, "body": body, "product": "k3cloud",
			"modules": modules[i*8%len(modules) : min(i*8%len(modules)+8, len(modules))]})
		s.ideas = append(s.ideas, it["id"].(string))
	}
	first, second := s.ideas[0], s.ideas[1]
	for _, c := range chunks("评论", 5000) {
		s.create("/api/v1/ideas/"+first+"/comments", s.member, map[string]any{"body": c})
	}
	s.create("/api/v1/ideas/"+first+"/comments", s.pm, map[string]any{"body": allPayloads("官方回复")})
	for _, explanation := range chunks("已受理", 4000) {
		s.create("/api/v1/ideas/"+first+"/status", s.pm, map[string]any{"status": "under_review", "explanation": explanation})
		s.create("/api/v1/ideas/"+first+"/status", s.pm, map[string]any{"status": "planned", "explanation": allPayloads("计划")})
	}
	s.create("/api/v1/ideas/"+first+"/status", s.pm, map[string]any{"status": "shipped", "explanation": allPayloads("已发布"),
		"shipped_in": "PT-2026-0201"})
	// Refused input a product manager typed: shown again on the console's
	// form, never run.
	for _, p := range echoed() {
		res := s.e.Do(apptest.Request{Method: "POST", Path: "/api/v1/ideas/" + second + "/status", Token: s.pm,
			Body: map[string]any{"status": "shipped", "explanation": p, "shipped_in": p}})
		if res.Status != http.StatusBadRequest {
			s.t.Errorf("shipped in %q: %d %.300s", p, res.Status, res.Body)
		}
		res = s.e.Do(apptest.Request{Method: "POST", Path: "/api/v1/ideas/" + second + "/merge", Token: s.pm, Body: map[string]any{"into": p}})
		if res.Status < 400 || res.Status >= 500 {
			s.t.Errorf("merge into %q: %d %.300s", p, res.Status, res.Body)
		}
		s.forms = append(s.forms,
			[2]string{"/console/ideas/" + second + "/status", url.Values{"status": {"shipped"}, "explanation": {p}, "shipped_in": {p}}.Encode()},
			[2]string{"/console/ideas/" + second + "/merge", url.Values{"into": {p}}.Encode()})
	}
	// A merge: the duplicate's history and its voters' notices name the
	// survivor's title. (Short titles: two of 120 characters overflow the
	// merge notice's title and the merge is refused, reported apart.)
	var pair []string
	for _, title := range []string{`<svg onload=alert(3)> 合并`, `<img src=x onerror=alert(2)> 合并目标`} {
		it := s.create("/api/v1/ideas", s.member, map[string]any{"title": title, "body": allPayloads("合并"), "product": "k3cloud"})
		pair = append(pair, it["id"].(string))
	}
	s.create("/api/v1/ideas/"+pair[0]+"/merge", s.pm, map[string]any{"into": pair[1]})
	s.ideas = append(s.ideas, pair[1]) // the duplicate's addresses lead there
	s.uploadImage(first, `"><img src=x onerror=alert(40)>.png`)
	for _, id := range s.ideas {
		s.pages = append(s.pages, "/ideas/"+id, "/console/ideas/"+id)
		s.apis = append(s.apis, "/api/v1/ideas/"+id, "/api/v1/ideas/"+id+"/comments", "/api/v1/ideas/"+id+"/demand")
	}
	s.pages = append(s.pages, "/ideas", "/ideas?sort=new", "/ideas?status=shipped", "/ideas/roadmap", "/ideas/new", "/console/ideas",
		"/console/ideas?sort=top", "/notices", "/community/search?q="+url.QueryEscape("凭证附件"))
	s.apis = append(s.apis, "/api/v1/ideas", "/api/v1/ideas/roadmap", "/api/v1/notices", "/api/v1/search?type=idea&q="+url.QueryEscape("凭证附件"))
}

// uploadImage attaches a real PNG to the idea under name.
func (s *ideasXSS) uploadImage(ideaID, name string) {
	var pic, form bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		s.t.Fatal(err)
	}
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", name)
	if err != nil {
		s.t.Fatal(err)
	}
	part.Write(pic.Bytes())
	mw.Close()
	res := s.e.Do(apptest.Request{Method: "POST", Path: "/api/v1/ideas/" + ideaID + "/images", Token: s.member, Body: form.String(),
		Header: map[string]string{"Content-Type": mw.FormDataContentType()}})
	if res.Status != http.StatusCreated {
		s.t.Fatalf("image %q: %d %.300s", name, res.Status, res.Body)
	}
	path := res.Header.Get("Location")
	img := s.e.Do(apptest.Request{Method: "GET", Path: path})
	if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("X-Content-Type-Options") != "nosniff" {
		s.t.Errorf("the picture at %s: %d, %q, nosniff %q", path, img.Status, img.Header.Get("Content-Type"), img.Header.Get("X-Content-Type-Options"))
	}
}

// echoed are the texts to type where the input is shown again: every payload
// at once, and each attribute breaker alone (an echo may sit inside
// value="…").
func echoed() []string {
	out := []string{strings.Join(xssPayloads, " ")}
	for _, p := range xssPayloads {
		if strings.ContainsAny(p[:1], `"'`) {
			out = append(out, p)
		}
	}
	return out
}

// searches echo payloads in the square's filters, the similar ideas while a
// title is typed and the new idea's form.
func (s *ideasXSS) searches() {
	for _, p := range echoed() {
		q := url.QueryEscape(p)
		s.echoes = append(s.echoes, "/ideas/similar?title="+q, "/api/v1/ideas/similar?title="+q, "/ideas/roadmap?product="+q,
			"/community/search?type=idea&q="+q)
		if len([]rune(p)) <= 100 { // a longer filter is refused (400 naming it)
			s.echoes = append(s.echoes, "/ideas?product="+q)
		}
	}
}

func TestNoScriptThroughAnyIdeasField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := &ideasXSS{xssSite: &xssSite{t: t, e: e, member: e.Login("member@yunqi.demo"), agent: e.Login("agent@steward.demo"),
			pm: e.Login("pm@steward.demo")}}
		s.writeIdeas()
		s.searches()
		// The console and the demand are the product manager's; the rest is
		// read by the customer who voted (and is told of every change).
		s.walk("pm", s.pm, func(path string) bool {
			return strings.HasPrefix(path, "/console/") || strings.HasSuffix(path, "/demand")
		})
		for _, f := range s.forms {
			res := e.Do(apptest.Request{Method: "POST", Path: f[0], Token: s.pm, Body: f[1],
				Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "zh-CN"}})
			if res.Status != http.StatusBadRequest && res.Status != http.StatusConflict {
				t.Errorf("refused form %s %s: %d", f[0], f[1], res.Status)
			}
			for _, bad := range executable(string(res.Body)) {
				t.Errorf("the refused form %s %s shows executable markup %q", f[0], f[1], bad)
			}
		}
		// The export is a download of text, never a page.
		res := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/ideas/export", Token: s.pm})
		if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); res.Status != http.StatusOK ||
			!strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(cd, "attachment") {
			t.Errorf("the export answers %d as %q, %q", res.Status, ct, cd)
		}
		if !strings.Contains(string(res.Body), "alert(1)") {
			t.Errorf("the export does not hold the payloads' text: %.300s", res.Body)
		}
		// The walk must have seen the payloads' text shown back.
		for _, path := range []string{"/ideas/" + s.ideas[0], "/console/ideas/" + s.ideas[0]} {
			if body := string(e.Do(apptest.Request{Method: "GET", Path: path, Token: s.pm}).Body); !strings.Contains(body, "alert(1)") {
				t.Errorf("%s does not show the payload's text: %.300s", path, body)
			}
		}
	})
}
