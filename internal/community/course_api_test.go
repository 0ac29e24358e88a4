package community_test

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/blob"
)

// newCourse creates a published course with lessons as the agent and
// returns its id and its lessons' ids in order.
func newCourse(t *testing.T, e *apptest.Env, token string, lessons ...map[string]any) (string, []string) {
	t.Helper()
	res := e.Do(req{Method: "POST", Path: "/api/v1/courses", Token: token, Body: map[string]any{
		"title":   map[string]string{"zh": "应收款管理入门", "en": "Receivables basics"},
		"summary": map[string]string{"zh": "从应收单到收款核销。"}, "product": "k3cloud", "level": "beginner", "status": "draft"}})
	if res.Status != http.StatusCreated || res.Header.Get("Location") != "/api/v1/courses/"+res.JSON()["id"].(string) {
		t.Fatalf("create course: %d %v %s", res.Status, res.Header, res.Body)
	}
	courseID := res.JSON()["id"].(string)
	var ids []string
	for _, l := range lessons {
		res := e.Do(req{Method: "POST", Path: "/api/v1/courses/" + courseID + "/lessons", Token: token, Body: l})
		if res.Status != http.StatusCreated {
			t.Fatalf("add lesson: %d %s", res.Status, res.Body)
		}
		ids = append(ids, res.JSON()["id"].(string))
	}
	if res := e.Do(req{Method: "PATCH", Path: "/api/v1/courses/" + courseID, Token: token, Body: map[string]any{"status": "published"}}); res.Status != http.StatusOK {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	return courseID, ids
}

func lesson(zh, body string) map[string]any {
	return map[string]any{"title": map[string]string{"zh": zh}, "body": map[string]string{"zh": body}}
}

func TestCourseJourneyFromWritingToCertificate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent, customer := e.Login("agent@steward.demo"), e.Login("member@yunqi.demo")
		other := e.Login("admin@gangxin.demo")
		e.Run(t, []apptest.Check{
			{Name: "customer may not write", Req: req{Method: "POST", Path: "/api/v1/courses", Token: customer,
				Body: map[string]any{"title": map[string]string{"zh": "我的课"}}}, Status: http.StatusForbidden, Code: "role.forbidden"},
			{Name: "engineer may not write", Req: req{Method: "POST", Path: "/api/v1/courses", Token: e.Login("engineer@steward.demo"),
				Body: map[string]any{"title": map[string]string{"zh": "课"}}}, Status: http.StatusForbidden, Code: "role.forbidden"},
			{Name: "anonymous may not write", Req: req{Method: "POST", Path: "/api/v1/courses", Body: map[string]any{}}, Status: http.StatusUnauthorized},
			{Name: "missing title", Req: req{Method: "POST", Path: "/api/v1/courses", Token: agent,
				Body: map[string]any{"summary": map[string]string{"zh": "简介"}}}, Status: http.StatusBadRequest, Field: "title.zh"},
			{Name: "bad level", Req: req{Method: "POST", Path: "/api/v1/courses", Token: agent,
				Body: map[string]any{"title": map[string]string{"zh": "课"}, "level": "expert"}}, Status: http.StatusBadRequest, Field: "level"},
			{Name: "unknown field", Req: req{Method: "POST", Path: "/api/v1/courses", Token: agent,
				Body: map[string]any{"title": map[string]string{"zh": "课"}, "price": 1}}, Status: http.StatusBadRequest, Field: "price"},
		})

		courseID, lessons := newCourse(t, e, agent,
			lesson("新增应收单", "在【应收款管理】里新增**应收单**，选择客户和到期日。"),
			map[string]any{"title": map[string]string{"zh": "收款与核销", "en": "Receipts and matching"},
				"body":      map[string]string{"zh": "收款单保存后，用**应收核销**把收款和应收单对上。"},
				"video_url": "https://www.bilibili.com/video/BV1GJ411x7h7"},
			lesson("账龄分析", "用账龄分析表找出逾期的客户欠款。"))
		base := "/api/v1/courses/" + courseID
		e.Run(t, []apptest.Check{
			{Name: "plain http video", Req: req{Method: "POST", Path: base + "/lessons", Token: agent,
				Body: map[string]any{"title": map[string]string{"zh": "课"}, "body": map[string]string{"zh": "正文"}, "video_url": "http://example.com/a.mp4"}},
				Status: http.StatusBadRequest, Field: "video_url"},
			{Name: "position out of range", Req: req{Method: "PATCH", Path: base + "/lessons/" + lessons[0], Token: agent,
				Body: map[string]any{"position": 9}}, Status: http.StatusBadRequest, Field: "position"},
			{Name: "lesson of another course", Req: req{Method: "GET", Path: "/api/v1/courses/crs_none/lessons/" + lessons[0]}, Status: http.StatusNotFound},
			{Name: "complete before enrolling", Req: req{Method: "POST", Path: base + "/lessons/" + lessons[0] + "/complete", Token: customer},
				Status: http.StatusConflict, Code: "course.not_enrolled"},
			{Name: "progress before enrolling", Req: req{Method: "GET", Path: base + "/progress", Token: customer}, Status: http.StatusNotFound},
			{Name: "anonymous enrols", Req: req{Method: "POST", Path: base + "/enrol"}, Status: http.StatusUnauthorized},
			{Name: "enrol", Req: req{Method: "POST", Path: base + "/enrol", Token: customer}, Status: http.StatusCreated,
				Fields: map[string]any{"done": float64(0), "total": float64(3), "percent": float64(0)}, Header: map[string]string{"Location": base + "/progress"}},
			{Name: "enrol again", Req: req{Method: "POST", Path: base + "/enrol", Token: customer}, Status: http.StatusOK},
		})

		// The lesson with a Bilibili page is framed through Bilibili's player.
		got := e.Do(req{Method: "GET", Path: base + "/lessons/" + lessons[1]}).JSON()
		if v := got["video"].(map[string]any); v["kind"] != "iframe" || v["src"] != "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7" {
			t.Errorf("video: %v", v)
		}
		// Moving the last lesson first renumbers the others.
		if res := e.Do(req{Method: "PATCH", Path: base + "/lessons/" + lessons[2], Token: agent, Body: map[string]any{"position": 1}}); res.Status != http.StatusOK {
			t.Fatalf("move lesson: %d %s", res.Status, res.Body)
		}
		var order []string
		for _, l := range e.Do(req{Method: "GET", Path: base}).JSON()["lessons"].([]any) {
			order = append(order, l.(map[string]any)["id"].(string))
		}
		if strings.Join(order, " ") != strings.Join([]string{lessons[2], lessons[0], lessons[1]}, " ") {
			t.Errorf("lesson order after the move: %v", order)
		}

		for i, l := range lessons[:2] {
			res := e.Do(req{Method: "POST", Path: base + "/lessons/" + l + "/complete", Token: customer})
			if res.Status != http.StatusOK || res.JSON()["done"] != float64(i+1) {
				t.Fatalf("complete lesson %d: %d %s", i, res.Status, res.Body)
			}
		}
		p := e.Do(req{Method: "GET", Path: base + "/progress", Token: customer}).JSON()
		if p["percent"] != float64(66) || p["completed_at"] != nil {
			t.Errorf("progress after two of three: %v", p)
		}
		me := e.Do(req{Method: "GET", Path: "/api/v1/me", Token: customer}).JSON()["id"].(string)
		e.Run(t, []apptest.Check{
			{Name: "own progress by id", Req: req{Method: "GET", Path: base + "/progress?user=" + me, Token: customer}, Status: http.StatusOK},
			{Name: "another person's progress", Req: req{Method: "GET", Path: base + "/progress?user=" + me, Token: other}, Status: http.StatusNotFound},
			{Name: "staff ask for a customer's progress", Req: req{Method: "GET", Path: base + "/progress?user=" + me, Token: agent}, Status: http.StatusNotFound},
			{Name: "another person never enrolled", Req: req{Method: "GET", Path: base + "/progress", Token: other}, Status: http.StatusNotFound},
		})
		mustShow(t, "certificate before the end", page(e, "/courses/"+courseID+"/certificate", "zh-CN", customer), http.StatusConflict, "已完成 2 / 3 课")

		// 02:00 UTC on 27 November is 10:00 in Beijing; 17:00 UTC is already the 28th there.
		e.Clock.Set(apptest.Start.Add(15 * time.Hour))
		if res := e.Do(req{Method: "POST", Path: base + "/lessons/" + lessons[2] + "/complete", Token: customer}); res.JSON()["percent"] != float64(100) {
			t.Fatalf("last lesson: %s", res.Body)
		}
		mustShow(t, "certificate", page(e, "/courses/"+courseID+"/certificate", "zh-CN", customer), http.StatusOK,
			"结业证明", "应收款管理入门", "完成日期：2026-11-28", "@media print")
		mustShow(t, "English certificate", page(e, "/courses/"+courseID+"/certificate", "en", customer), http.StatusOK,
			"Certificate of completion", "Receivables basics", "Completed on 2026-11-28")
		mustShow(t, "another person's certificate", page(e, "/courses/"+courseID+"/certificate", "zh-CN", other), http.StatusConflict, "还没有报名")

		// A draft leaves search and the catalogue; deleting is audited.
		if res := e.Do(req{Method: "DELETE", Path: base, Token: customer}); res.Status != http.StatusForbidden {
			t.Errorf("customer deletes: %d", res.Status)
		}
		if res := e.Do(req{Method: "DELETE", Path: base, Token: agent}); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if res := e.Do(req{Method: "GET", Path: base + "/progress", Token: customer}); res.Status != http.StatusNotFound {
			t.Errorf("progress of a deleted course: %d", res.Status)
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target_id=" + courseID, Token: e.Login("admin@steward.demo")})
		for _, action := range []string{"course.create", "course.update", "course.enrol", "course.delete"} {
			if !strings.Contains(string(audit.Body), action) {
				t.Errorf("%s not audited: %.300s", action, audit.Body)
			}
		}
	})
}

func TestCoursesFoundBySearchInTheReadersLanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		courseID, lessons := newCourse(t, e, pm, lesson("银行对账", "每月把银行对账单导入系统，用**余额调节表**找出未达账项。"))
		q := "/api/v1/search?type=course&q=" + url.QueryEscape("未达账项怎么找")
		hits := e.Do(req{Method: "GET", Path: q, Header: map[string]string{"Accept-Language": "en"}}).Items()
		if len(hits) == 0 || hits[0]["id"] != courseID || hits[0]["url"] != "/courses/"+courseID || hits[0]["title"] != "Receivables basics" {
			t.Fatalf("search for a lesson's words: %v", hits)
		}
		// A changed lesson is searchable at once; a draft course is not found.
		e.Do(req{Method: "PATCH", Path: "/api/v1/courses/" + courseID + "/lessons/" + lessons[0], Token: pm,
			Body: map[string]any{"body": map[string]string{"zh": "月末核对现金日记账和库存现金。"}}})
		if contains(searchIDs(e, url.QueryEscape("库存现金")+"&type=course"), courseID) == false {
			t.Errorf("a changed lesson is not searchable")
		}
		e.Do(req{Method: "PATCH", Path: "/api/v1/courses/" + courseID, Token: pm, Body: map[string]any{"status": "draft"}})
		if contains(searchIDs(e, url.QueryEscape("库存现金")), courseID) {
			t.Errorf("a draft course is found")
		}
		if res := e.Do(req{Method: "GET", Path: "/api/v1/courses/" + courseID, Token: e.Login("member@yunqi.demo")}); res.Status != http.StatusNotFound {
			t.Errorf("a draft course read by a customer: %d", res.Status)
		}
	})
}

func multipartFile(t *testing.T, name string, content []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	return buf.String(), w.FormDataContentType()
}

func TestLessonFilesUploadedByStaffDownloadedByReaders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent := e.Login("agent@steward.demo")
		courseID, lessons := newCourse(t, e, agent, lesson("期末结账", "结账前检查凭证是否全部过账。"))
		path := "/api/v1/courses/" + courseID + "/lessons/" + lessons[0] + "/attachments"
		content := []byte("科目,期初余额\n1001 库存现金,1000.00\n<script>alert(1)</script>\n")
		body, ct := multipartFile(t, "结账检查表.csv", content)
		if res := e.Do(req{Method: "POST", Path: path, Token: e.Login("member@yunqi.demo"), Body: body, Header: map[string]string{"Content-Type": ct}}); res.Status != http.StatusForbidden {
			t.Errorf("customer uploads: %d", res.Status)
		}
		bad, badCT := multipartFile(t, "\u202egnp.exe", content)
		if res := e.Do(req{Method: "POST", Path: path, Token: agent, Body: bad, Header: map[string]string{"Content-Type": badCT}}); res.Status != http.StatusBadRequest {
			t.Errorf("a name hiding its extension: %d %s", res.Status, res.Body)
		}
		res := e.Do(req{Method: "POST", Path: path, Token: agent, Body: body, Header: map[string]string{"Content-Type": ct}})
		if res.Status != http.StatusCreated || res.Header.Get("Location") == "" {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		f := res.JSON()
		if f["name"] != "结账检查表.csv" || f["size"] != float64(len(content)) {
			t.Errorf("file: %v", f)
		}
		got := e.Do(req{Method: "GET", Path: res.Header.Get("Location")})
		if got.Status != http.StatusOK || !bytes.Equal(got.Body, content) || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") ||
			got.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("download: %d %v %q", got.Status, got.Header, got.Body)
		}
		mustShow(t, "lesson page lists the file", page(e, "/courses/"+courseID+"/lessons/"+lessons[0], "zh-CN", ""), http.StatusOK,
			"结账检查表.csv", `href="`+res.Header.Get("Location")+`"`)
		if res := e.Do(req{Method: "GET", Path: "/api/v1/courses/" + courseID + "/lessons/" + lessons[0] + "/attachments/lf_none"}); res.Status != http.StatusNotFound {
			t.Errorf("unknown file: %d", res.Status)
		}

		// Deleting the lesson takes its file along, bytes included.
		if res := e.Do(req{Method: "DELETE", Path: "/api/v1/courses/" + courseID + "/lessons/" + lessons[0], Token: agent}); res.Status != http.StatusNoContent {
			t.Fatalf("delete lesson: %d %s", res.Status, res.Body)
		}
		if res := e.Do(req{Method: "GET", Path: res.Header.Get("Location")}); res.Status != http.StatusNotFound {
			t.Errorf("a deleted lesson's file: %d", res.Status)
		}
		if _, _, err := e.App.Blobs.Open(context.Background(), f["id"].(string)); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("a deleted lesson's bytes are kept: %v", err)
		}
	})
}
