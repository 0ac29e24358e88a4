package attachment_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/attachment"
)

// uploadForm posts a file the way a browser's form does.
func uploadForm(b *apptest.Browser, path, filename, content string) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("note", "ignored")
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write([]byte(content))
	mw.Close()
	return b.Do("POST", path, mw.FormDataContentType(), &buf)
}

func TestPortalFilesUploadListAndDownload(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := e.Browser("member@yunqi.demo", "zh-CN")
		page := member.Get("/portal/files")
		if page.Code != 200 || !strings.Contains(page.Body.String(), `enctype="multipart/form-data"`) || !strings.Contains(page.Body.String(), "暂无文件") ||
			!strings.Contains(page.Body.String(), `href="/portal/files"`) {
			t.Fatalf("files page: %d", page.Code)
		}
		w := uploadForm(member, "/portal/files", "截图 1.png", "\x89PNG\r\n\x1a\nrest")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/portal/files?done=uploaded" {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		page = member.Get("/portal/files?done=uploaded")
		body := page.Body.String()
		if !strings.Contains(body, "截图 1.png") || !strings.Contains(body, "已上传") || !strings.Contains(body, "image/png") {
			t.Fatalf("list after upload: %s", body)
		}
		items := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgA + "/attachments", Token: e.Login("member@yunqi.demo")}).Items()
		id := items[0]["id"].(string)
		if got := member.Get("/portal/files/" + id); got.Code != 200 || got.Body.String() != "\x89PNG\r\n\x1a\nrest" || got.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("download: %d %q", got.Code, got.Header())
		}

		// A bad name is shown at the form, in the person's language; nothing is stored.
		en := e.Browser("member@yunqi.demo", "en")
		w = uploadForm(en, "/portal/files", "..hidden", "x")
		if w.Code != 400 || !strings.Contains(w.Body.String(), "without a path") {
			t.Fatalf("bad name: %d %s", w.Code, w.Body)
		}
		w = uploadForm(member, "/portal/files", "", "")
		if w.Code != 400 || !strings.Contains(w.Body.String(), "field-error") {
			t.Fatalf("no file: %d", w.Code)
		}
		w = uploadForm(member, "/portal/files", "big.log", strings.Repeat("x", attachment.DefaultMaxSize+1))
		if w.Code != 413 || !strings.Contains(w.Body.String(), "25 MiB") {
			t.Fatalf("too big: %d", w.Code)
		}
		if files, rows := stored(t, e); files != 1 || rows != 1 {
			t.Fatalf("after the refused uploads: %d files, %d rows", files, rows)
		}
		// A cross-site form post is refused before anything is read.
		r := httptest.NewRequest("POST", "/portal/files", strings.NewReader("x"))
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.AddCookie(member.Session)
		cross := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(cross, r)
		if cross.Code != 403 {
			t.Fatalf("cross-site upload: %d", cross.Code)
		}
	})
}

// TestConsoleDownloadWithoutABasisShowsHowToGetOne: a vendor sees the
// organisation's files, is shown the no-basis page in its language, and
// downloads once the customer_admin has granted access.
func TestConsoleDownloadWithoutABasisShowsHowToGetOne(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		res := upload(e, e.Login("member@yunqi.demo"), orgA, "月结日志.txt", "log")
		id := res.JSON()["id"].(string)
		base := "/console/orgs/" + orgA + "/files"

		org := e.Browser("agent@steward.demo", "zh-CN").Get("/console/orgs/" + orgA)
		if !strings.Contains(org.Body.String(), `href="`+base+`"`) {
			t.Fatalf("the organisation page does not link its files: %s", org.Body)
		}
		for _, c := range []struct{ lang, title, ask string }{
			{"zh-CN", "没有读取该数据的依据", "客户管理员在客户门户的“数据访问”中授权"},
			{"en", "No basis to read this data", "grant access in the customer portal"},
		} {
			agent := e.Browser("agent@steward.demo", c.lang)
			list := agent.Get(base)
			if list.Code != 200 || !strings.Contains(list.Body.String(), `href="`+base+"/"+id+`"`) {
				t.Fatalf("%s console files: %d", c.lang, list.Code)
			}
			w := agent.Get(base + "/" + id)
			if w.Code != 403 || !strings.Contains(w.Body.String(), c.title) || !strings.Contains(w.Body.String(), c.ask) ||
				!strings.Contains(w.Body.String(), "云启制造有限公司") {
				t.Fatalf("%s no-basis page: %d %s", c.lang, w.Code, w.Body)
			}
		}
		// The vendor_admin is told where to record a lawful request.
		if w := e.Browser("admin@steward.demo", "en").Get(base + "/" + id); !strings.Contains(w.Body.String(), "record the request") ||
			!strings.Contains(w.Body.String(), `href="/console/orgs/`+orgA+`/access"`) {
			t.Fatalf("vendor_admin's no-basis page: %s", w.Body)
		}

		e.Do(apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgA + "/access-grants", Token: e.Login("admin@yunqi.demo"),
			Body: map[string]any{"until": e.Clock.Now().Add(time.Hour).Format(time.RFC3339), "scope": "attachments"}})
		agent := e.Browser("agent@steward.demo", "zh-CN")
		if w := agent.Get(base + "/" + id); w.Code != 200 || w.Body.String() != "log" {
			t.Fatalf("download with a grant: %d", w.Code)
		}
		// Another organisation's file under this one's page, and portal links for vendors, are not found.
		for _, path := range []string{"/console/orgs/" + orgB + "/files/" + id, "/portal/files/" + id} {
			if w := agent.Get(path); w.Code != 404 {
				t.Errorf("%s: %d, want 404", path, w.Code)
			}
		}
		// The vendor uploads on the customer's behalf from the console.
		if w := uploadForm(agent, base, "远程排查记录.txt", "notes"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != base+"?done=uploaded" {
			t.Fatalf("console upload: %d %s", w.Code, w.Body)
		}
		if w := e.Browser("member@yunqi.demo", "zh-CN").Get(base); w.Code != 403 {
			t.Errorf("a customer on the console files page: %d", w.Code)
		}
	})
}
