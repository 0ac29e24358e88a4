package attachment_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/attachment"
)

const orgA, orgB = "org_demo_cloud", "org_demo_hk"

func upload(e *apptest.Env, token, org, name, body string, header ...string) apptest.Response {
	req := apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + org + "/attachments?name=" + url.QueryEscape(name), Token: token, Body: body}
	if len(header) == 2 {
		req.Header = map[string]string{header[0]: header[1]}
	}
	return e.Do(req)
}

// stored counts the attachments' files in the blob store (which the demo
// patches' files share, under their SHA-256) and the attachment rows.
func stored(t *testing.T, e *apptest.Env) (files, rows int) {
	t.Helper()
	filepath.WalkDir(filepath.Join(e.App.Config.DataDir, "blobs"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !isContentKey(d.Name()) {
			files++
		}
		return nil
	})
	e.App.DB.QueryRow(t.Context(), "SELECT count(*) FROM attachments").Scan(&rows)
	return files, rows
}

// isContentKey reports whether name is a content-addressed blob (64 hex
// digits), not an attachment's.
func isContentKey(name string) bool {
	_, err := hex.DecodeString(name)
	return len(name) == 64 && err == nil
}

func TestUploadListAndDownload(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, agent, adminB := e.Login("member@yunqi.demo"), e.Login("agent@steward.demo"), e.Login("admin@gangxin.demo")
		const body = "2026-11-27 09:58:01 ERROR 月结凭证生成失败\n"
		sum := sha256.Sum256([]byte(body))
		res := upload(e, member, orgA, "月结 日志(1).txt", body)
		created := res.JSON()
		if res.Status != 201 || created["name"] != "月结 日志(1).txt" || created["size"] != float64(len(body)) ||
			created["sha256"] != hex.EncodeToString(sum[:]) || created["content_type"] != "text/plain; charset=utf-8" ||
			created["org_id"] != orgA || created["created_at"] != apptest.Start.Format(time.RFC3339) {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		id := created["id"].(string)
		if res.Header.Get("Location") != "/api/v1/attachments/"+id {
			t.Errorf("Location %q", res.Header.Get("Location"))
		}
		// Vendor staff upload on the customer's behalf; the list (metadata) is theirs to see.
		if res := upload(e, agent, orgA, "agent-notes.txt", "notes"); res.Status != 201 {
			t.Fatalf("vendor upload: %d %s", res.Status, res.Body)
		}
		for _, token := range []string{member, agent} {
			items := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgA + "/attachments", Token: token}).Items()
			if len(items) != 2 || items[0]["name"] != "agent-notes.txt" || items[1]["id"] != id {
				t.Fatalf("list: %v", items)
			}
		}
		page := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgA + "/attachments?limit=1", Token: member}).JSON()
		if len(page["items"].([]any)) != 1 || page["next_cursor"] == "" {
			t.Fatalf("a page of one: %v", page)
		}

		got := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: member})
		if got.Status != 200 || string(got.Body) != body {
			t.Fatalf("download: %d %q", got.Status, got.Body)
		}
		for k, want := range map[string]string{
			"Content-Type":           "text/plain; charset=utf-8",
			"Content-Disposition":    `attachment; filename="__ __(1).txt"; filename*=UTF-8''%E6%9C%88%E7%BB%93%20%E6%97%A5%E5%BF%97%281%29.txt`,
			"X-Content-Type-Options": "nosniff",
			"Content-Length":         strconv.Itoa(len(body)),
			"Cache-Control":          "private, no-store",
		} {
			if v := got.Header.Get(k); v != want {
				t.Errorf("%s = %q, want %q", k, v, want)
			}
		}
		part := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: member, Header: map[string]string{"Range": "bytes=0-3"}})
		if part.Status != http.StatusPartialContent || string(part.Body) != "2026" {
			t.Errorf("range: %d %q", part.Status, part.Body)
		}
		e.Run(t, []apptest.Check{
			{Name: "another org's file", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id, Token: adminB}, Status: 404, Code: "not_found"},
			{Name: "another org's list", Req: apptest.Request{Method: "GET", Path: "/api/v1/orgs/" + orgA + "/attachments", Token: adminB}, Status: 404, Code: "not_found"},
			{Name: "another org's upload", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgA + "/attachments?name=x", Token: adminB, Body: "x"}, Status: 404, Code: "not_found"},
			{Name: "unknown file", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/att_nope", Token: member}, Status: 404, Code: "not_found"},
			{Name: "anonymous", Req: apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + id}, Status: 401, Code: "auth.required"},
		})
	})
}

func TestAPageIsNeverServedAsAPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := e.Login("member@yunqi.demo")
		res := upload(e, member, orgA, "report.html", "<!doctype html><script>fetch('/api/v1/me')</script>")
		if res.JSON()["content_type"] != "application/octet-stream" {
			t.Fatalf("stored type: %s", res.Body)
		}
		got := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/attachments/" + res.JSON()["id"].(string), Token: member})
		if ct := got.Header.Get("Content-Type"); ct != "application/octet-stream" || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(got.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("served as %q, %q", ct, got.Header.Get("Content-Disposition"))
		}
	})
}

// TestBadUploadsStoreNothing: each bad upload is a 4xx naming the problem,
// and leaves neither a row nor a file.
func TestBadUploadsStoreNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, pm := e.Login("member@yunqi.demo"), e.Login("pm@steward.demo")
		tooBig := strings.Repeat("x", attachment.DefaultMaxSize+1)
		path := func(name string) string { return "/api/v1/orgs/" + orgA + "/attachments?name=" + url.QueryEscape(name) }
		bad := func(name, rawName string) apptest.Check {
			return apptest.Check{Name: name, Req: apptest.Request{Method: "POST", Path: path(rawName), Token: member, Body: "data"}, Status: 400, Code: "request.invalid", Field: "name"}
		}
		e.Run(t, []apptest.Check{
			{Name: "over the limit", Req: apptest.Request{Method: "POST", Path: path("big.log"), Token: member, Body: tooBig}, Status: 413, Code: "attachment.too_large"},
			bad("no name", ""),
			bad("a path", "../../etc/passwd"),
			bad("a directory", "logs/app.log"),
			bad("a Windows path", `C:\logs\app.log`),
			bad("dot dot", ".."),
			bad("NUL", "a\x00.txt"),
			bad("a control character", "a\rb.txt"),
			bad("a hidden direction", "invoice\u202etxt.exe"),
			bad("too long", strings.Repeat("名", 86)),
			{Name: "name missing from the query", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/" + orgA + "/attachments", Token: member, Body: "data"}, Status: 400, Code: "request.invalid", Field: "name"},
			{Name: "a bad idempotency key", Req: apptest.Request{Method: "POST", Path: path("a.txt"), Token: member, Body: "data", Header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}}, Status: 400, Code: "request.invalid", Field: "Idempotency-Key"},
			{Name: "an unknown org", Req: apptest.Request{Method: "POST", Path: "/api/v1/orgs/org_nope/attachments?name=a.txt", Token: pm, Body: "data"}, Status: 404, Code: "not_found"},
		})
		// Streamed without a Content-Length, the limit still holds mid-body.
		r := httptest.NewRequest("POST", path("chunked.log"), strings.NewReader(tooBig))
		r.ContentLength = -1
		r.Header.Set("Authorization", "Bearer "+member)
		w := httptest.NewRecorder()
		e.App.Handler.ServeHTTP(w, r)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "attachment.too_large") {
			t.Fatalf("chunked over the limit: %d %s", w.Code, w.Body)
		}
		if files, rows := stored(t, e); files != 0 || rows != 0 {
			t.Fatalf("bad uploads left %d files and %d rows", files, rows)
		}
		// Exactly at the limit is fine.
		if res := upload(e, member, orgA, "edge.log", tooBig[1:]); res.Status != 201 || res.JSON()["size"] != float64(attachment.DefaultMaxSize) {
			t.Fatalf("at the limit: %d %.300s", res.Status, res.Body)
		}
		if files, rows := stored(t, e); files != 1 || rows != 1 {
			t.Fatalf("after one good upload: %d files, %d rows", files, rows)
		}
	})
}

func TestARepeatedUploadWithItsKeyChangesNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, admin := e.Login("member@yunqi.demo"), e.Login("admin@yunqi.demo")
		first := upload(e, member, orgA, "a.txt", "first", "Idempotency-Key", "upload-42")
		again := upload(e, member, orgA, "b.txt", "second", "Idempotency-Key", "upload-42")
		other := upload(e, admin, orgA, "c.txt", "third", "Idempotency-Key", "upload-42") // another person's key space
		if first.Status != 201 || again.Status != 201 || again.JSON()["id"] != first.JSON()["id"] || again.JSON()["name"] != "a.txt" {
			t.Fatalf("repeat: %s then %s", first.Body, again.Body)
		}
		if other.Status != 201 || other.JSON()["id"] == first.JSON()["id"] {
			t.Fatalf("another user's same key: %s", other.Body)
		}
		if files, rows := stored(t, e); files != 2 || rows != 2 {
			t.Fatalf("%d files, %d rows; want 2 of each", files, rows)
		}
	})
}
