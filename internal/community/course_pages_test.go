package community_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func TestCoursePagesEnrolAndTickLessonsWithoutJavaScript(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mustShow(t, "catalogue", page(e, "/courses", "zh-CN", ""), http.StatusOK, "在线课程", "财务会计上手路径",
			`href="/courses/crs-gl-basics"`, "存货核算：算准每一笔出库成本", "入门", `name="viewport"`)
		mustShow(t, "course for a visitor", page(e, "/courses/crs-gl-basics", "zh-CN", ""), http.StatusOK,
			"总账入门：从凭证到结账", "第 1 课 凭证录入", "第 4 课 期末结账", `href="/login?next=/courses/crs-gl-basics"`)
		mustShow(t, "lesson for a visitor", page(e, "/courses/crs-gl-basics/lessons/les-gl-review", "en", ""), http.StatusOK,
			"Reviewing vouchers", "Cancel review", `href="/courses/crs-gl-basics/lessons/les-gl-posting"`, "Log in to enrol")
		mustShow(t, "unknown lesson", page(e, "/courses/crs-gl-basics/lessons/les-ye-check", "zh-CN", ""), http.StatusNotFound)

		member := e.Browser("member@yunqi.demo", "zh-CN")
		mustShow(t, "enrol button", recorded(member.Get("/courses/crs-gl-basics")), http.StatusOK, `action="/courses/crs-gl-basics/enrol"`, "报名学习")
		if w := member.PostForm("/courses/crs-gl-basics/enrol", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/courses/crs-gl-basics" {
			t.Fatalf("enrol: %d %s", w.Code, w.Header().Get("Location"))
		}
		mustShow(t, "lesson after enrolling", recorded(member.Get("/courses/crs-gl-basics/lessons/les-gl-entry")), http.StatusOK,
			`action="/courses/crs-gl-basics/lessons/les-gl-entry/complete"`, "标记本课已完成")
		w := member.PostForm("/courses/crs-gl-basics/lessons/les-gl-entry/complete", nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/courses/crs-gl-basics/lessons/les-gl-review" {
			t.Fatalf("complete goes on to the next lesson: %d %s", w.Code, w.Header().Get("Location"))
		}
		mustShow(t, "completed lesson", recorded(member.Get("/courses/crs-gl-basics/lessons/les-gl-entry")), http.StatusOK,
			"已于 2026-11-27 10:00（北京时间）完成")
		course := recorded(member.Get("/courses/crs-gl-basics"))
		mustShow(t, "course with a tick", course, http.StatusOK, "已完成 1 / 4 课（25%）", `<progress max="100" value="25">`,
			`href="/courses/crs-gl-basics/lessons/les-gl-review">继续学习`)
		mustShow(t, "catalogue with progress", recorded(member.Get("/courses")), http.StatusOK, "已报名", "已完成 1 / 4 课（25%）")
		mustShow(t, "no certificate yet", recorded(member.Get("/courses/crs-gl-basics/certificate")), http.StatusConflict, "已完成 1 / 4 课")
		mustShow(t, "not enrolled elsewhere", recorded(member.Get("/courses/crs-year-end/certificate")), http.StatusConflict, "还没有报名")
		if w := member.PostForm("/courses/crs-year-end/lessons/les-ye-check/complete", nil); w.Code != http.StatusConflict {
			t.Errorf("complete without enrolling: %d", w.Code)
		}
		for _, l := range []string{"les-gl-review", "les-gl-posting", "les-gl-close"} {
			member.PostForm("/courses/crs-gl-basics/lessons/"+l+"/complete", nil)
		}
		mustShow(t, "certificate link", recorded(member.Get("/courses/crs-gl-basics")), http.StatusOK, `href="/courses/crs-gl-basics/certificate"`)
		mustShow(t, "certificate", recorded(member.Get("/courses/crs-gl-basics/certificate")), http.StatusOK, "结业证明", "总账入门：从凭证到结账",
			"全部 4 课", "完成日期：2026-11-27（北京时间）", "@media print")
		if w := e.Browser("member@yunqi.demo", "zh-CN").Get("/courses/crs-gl-basics/certificate"); w.Code != http.StatusOK {
			t.Errorf("the certificate in another session of the same person: %d", w.Code)
		}
		if w := page(e, "/courses/crs-gl-basics/certificate", "zh-CN", ""); w.Status != http.StatusSeeOther {
			t.Errorf("a visitor's certificate is not the login page: %d", w.Status)
		}
	})
}

// recorded is a browser's response as the page checks read it.
func recorded(w *httptest.ResponseRecorder) apptest.Response {
	return apptest.Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

func TestCourseConsoleWritesCoursesAndLessons(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		mustShow(t, "editor", page(e, "/console/courses", "zh-CN", pm), http.StatusOK, "课程编辑", `name="title_zh"`, "年结：年末结账与余额结转")
		mustShow(t, "customer", page(e, "/console/courses", "zh-CN", e.Login("admin@yunqi.demo")), http.StatusForbidden)
		mustShow(t, "engineer", page(e, "/console/courses", "zh-CN", e.Login("engineer@steward.demo")), http.StatusForbidden)

		mustShow(t, "missing title", postForm(e, "/console/courses", pm, url.Values{"title_zh": {" "}, "level": {"advanced"}, "status": {"draft"}}),
			http.StatusBadRequest, `<small class="field-error">必填</small>`, `value="advanced" selected`)
		res := postForm(e, "/console/courses", pm, url.Values{"title_zh": {"固定资产入门"}, "summary_zh": {"卡片、折旧与处置。"}, "level": {"beginner"}, "status": {"draft"}})
		loc := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/courses/crs_") {
			t.Fatalf("create: %d %q %.300s", res.Status, loc, res.Body)
		}
		courseID := strings.TrimSuffix(strings.TrimPrefix(loc, "/console/courses/"), "?done=saved")
		mustShow(t, "a draft is not public", page(e, "/courses/"+courseID, "zh-CN", ""), http.StatusNotFound)
		mustShow(t, "saved", page(e, loc, "zh-CN", pm), http.StatusOK, "已保存。", `action="/console/courses/`+courseID+`/lessons"`)

		bad := postForm(e, "/console/courses/"+courseID+"/lessons", pm, url.Values{"title_zh": {"新增卡片"}, "body_zh": {"正文"}, "video_url": {"http://v.example/a.mp4"}})
		mustShow(t, "plain-http video", bad, http.StatusBadRequest, "须为以 https:// 开头", `value="http://v.example/a.mp4"`)
		res = postForm(e, "/console/courses/"+courseID+"/lessons", pm, url.Values{"title_zh": {"新增固定资产卡片"},
			"body_zh": {"在【固定资产 → 卡片】新增，折旧方法选**平均年限法**。"}, "video_url": {"https://www.youtube.com/watch?v=dQw4w9WgXcQ"}})
		lessonAt := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !strings.Contains(lessonAt, "/lessons/les_") {
			t.Fatalf("add lesson: %d %q %.300s", res.Status, lessonAt, res.Body)
		}
		lessonPath := strings.TrimSuffix(lessonAt, "?done=saved")
		mustShow(t, "lesson editor", page(e, lessonAt, "zh-CN", pm), http.StatusOK, `value="新增固定资产卡片"`, `name="position" value="1"`, `enctype="multipart/form-data"`)
		mustShow(t, "bad position", postForm(e, lessonPath, pm, url.Values{"title_zh": {"新增固定资产卡片"}, "body_zh": {"正文"}, "position": {"七"}}),
			http.StatusBadRequest, "超出了课时的范围")
		if res := postForm(e, "/console/courses/"+courseID, pm, url.Values{"title_zh": {"固定资产入门"}, "level": {"beginner"}, "status": {"published"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d %.300s", res.Status, res.Body)
		}
		public := strings.Replace(lessonPath, "/console", "", 1)
		mustShow(t, "published lesson", page(e, public, "zh-CN", ""), http.StatusOK, "<strong>平均年限法</strong>",
			`<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`)
	})
}

func TestCourseFieldsShownBackHarmless(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent := e.Login("agent@steward.demo")
		xss := `<script>alert(1)</script><img src=x onerror=alert(2)>`
		res := e.Do(req{Method: "POST", Path: "/api/v1/courses", Token: agent, Body: map[string]any{
			"title": map[string]string{"zh": "凭证" + xss}, "summary": map[string]string{"zh": "简介" + xss}, "status": "published"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		courseID := res.JSON()["id"].(string)
		res = e.Do(req{Method: "POST", Path: "/api/v1/courses/" + courseID + "/lessons", Token: agent, Body: map[string]any{
			"title": map[string]string{"zh": "课时" + xss}, "body": map[string]string{"zh": "正文 [点我](javascript:alert(3)) " + xss},
			"video_url": `https://v.example/watch?x="><script>alert(4)</script>`}})
		if res.Status != http.StatusCreated {
			t.Fatalf("lesson: %d %s", res.Status, res.Body)
		}
		lessonID := res.JSON()["id"].(string)
		body, ct := multipartFile(t, `<b onmouseover=alert(5)>资料.txt`, []byte("x"))
		if res := e.Do(req{Method: "POST", Path: "/api/v1/courses/" + courseID + "/lessons/" + lessonID + "/attachments", Token: agent,
			Body: body, Header: map[string]string{"Content-Type": ct}}); res.Status != http.StatusCreated {
			t.Fatalf("file: %d %s", res.Status, res.Body)
		}
		for _, path := range []string{"/courses", "/courses/" + courseID, "/courses/" + courseID + "/lessons/" + lessonID,
			"/console/courses/" + courseID, "/console/courses/" + courseID + "/lessons/" + lessonID} {
			shown := string(page(e, path, "zh-CN", agent).Body)
			for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert", "<b onmouseover"} {
				// The editor shows the Markdown source back, as text in its textarea.
				if strings.Contains(shown, bad) && !(bad == "javascript:alert" && strings.HasPrefix(path, "/console/")) {
					t.Errorf("%s keeps %q", path, bad)
				}
			}
			if !strings.Contains(shown, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Errorf("%s does not show the title as text", path)
			}
		}
	})
}
