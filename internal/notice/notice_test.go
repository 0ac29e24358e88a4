package notice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// person is a demo user logged in over the API.
type person struct{ id, token string }

func login(t *testing.T, e *apptest.Env, email string) person {
	t.Helper()
	token := e.Login(email)
	me := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/me", Token: token}).JSON()
	return person{id: me["id"].(string), token: token}
}

// post posts m to the users the way a room does: inside its own audited
// transaction.
func post(t *testing.T, e *apptest.Env, m notice.Message, users ...person) {
	t.Helper()
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.id
	}
	err := e.App.DB.InTx(context.Background(), func(tx *db.Tx) error {
		if err := e.App.Notices.Post(context.Background(), tx, ids, m); err != nil {
			return err
		}
		return audit.NewRecorder(e.Clock).Record(context.Background(), tx, audit.Entry{Action: "test.announce", TargetType: "test", TargetID: "t1"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func message(n int, link string) notice.Message {
	return notice.Message{
		Title: notice.Text{Zh: fmt.Sprintf("服务目录更新 %d", n), En: fmt.Sprintf("Catalog update %d", n)},
		Body:  notice.Text{Zh: "新版服务目录将于 30 天后生效。\n请查看变更。", En: "The new catalog takes effect in 30 days.\nPlease review the changes."},
		Link:  link,
	}
}

func inbox(e *apptest.Env, p person, query string) apptest.Response {
	return e.Do(apptest.Request{Method: "GET", Path: "/api/v1/notices" + query, Token: p.token})
}

func TestEachUserSeesAndReadsOnlyTheirOwnNotices(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, other, staff := login(t, e, "member@yunqi.demo"), login(t, e, "admin@gangxin.demo"), login(t, e, "admin@steward.demo")
		post(t, e, message(1, "/portal"), member, other, member) // member listed twice: one copy
		mine, theirs := inbox(e, member, "").Items(), inbox(e, other, "").Items()
		if len(mine) != 1 || len(theirs) != 1 {
			t.Fatalf("member has %d notices, the other user %d; want 1 each", len(mine), len(theirs))
		}
		n := mine[0]
		if title := n["title"].(map[string]any); title["zh"] != "服务目录更新 1" || title["en"] != "Catalog update 1" || n["link"] != "/portal" || n["read_at"] != nil || n["created_at"] != "2026-11-27T02:00:00Z" {
			t.Fatalf("notice %v", n)
		}
		mineID, theirsID := n["id"].(string), theirs[0]["id"].(string)

		e.Run(t, []apptest.Check{
			{Name: "the unread count", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: member.token}, Status: 200, Fields: map[string]any{"unread": 1.0, "next_cursor": ""}},
			{Name: "vendor staff have an inbox too, empty", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: staff.token}, Status: 200, Fields: map[string]any{"unread": 0.0}},
			{Name: "another user's notice is not found", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/" + theirsID + "/read", Token: member.token}, Status: 404, Code: "not_found"},
			{Name: "not even for the vendor_admin", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/" + theirsID + "/read", Token: staff.token}, Status: 404, Code: "not_found"},
			{Name: "an unknown id", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/ntc_nope/read", Token: member.token}, Status: 404, Code: "not_found"},
			{Name: "no login", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices"}, Status: 401, Code: "auth.required"},
			{Name: "a body that is not {}", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/" + mineID + "/read", Token: member.token, Body: map[string]any{"read": true}}, Status: 400, Code: "request.invalid", Field: "read"},
			{Name: "a bad unread filter", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices?unread=maybe", Token: member.token}, Status: 400, Code: "request.invalid", Field: "unread"},
			{Name: "read my own", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/" + mineID + "/read", Token: member.token, Body: "{}"}, Status: 200, Fields: map[string]any{"id": mineID, "read_at": "2026-11-27T02:00:00Z"}},
			{Name: "reading again changes nothing", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/" + mineID + "/read", Token: member.token}, Status: 200, Fields: map[string]any{"read_at": "2026-11-27T02:00:00Z"}},
			{Name: "the count dropped", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: member.token}, Status: 200, Fields: map[string]any{"unread": 0.0}},
			{Name: "the other user's is still unread", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: other.token}, Status: 200, Fields: map[string]any{"unread": 1.0}},
		})

		// The read is audited once, as the member's own action.
		trail := e.Do(apptest.Request{Method: "GET", Path: "/api/v1/audit?action=notice.read", Token: staff.token}).Items()
		if len(trail) != 1 || trail[0]["actor_id"] != member.id || trail[0]["target_id"] != mineID || trail[0]["org_id"] != "org_demo_cloud" {
			t.Errorf("audit of the read: %v", trail)
		}
	})
}

func TestReadAllAndTheUnreadFilter(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, other := login(t, e, "member@yunqi.demo"), login(t, e, "member@gangxin.demo")
		for i := range 3 {
			post(t, e, message(i, ""), member, other)
		}
		first := inbox(e, member, "").Items()[2]["id"].(string) // the oldest
		e.Do(apptest.Request{Method: "POST", Path: "/api/v1/notices/" + first + "/read", Token: member.token})

		unread := inbox(e, member, "?unread=true")
		if got := unread.Items(); len(got) != 2 || unread.JSON()["unread"] != 2.0 {
			t.Fatalf("unread only: %s", unread.Body)
		}
		if n := len(inbox(e, member, "?unread=false").Items()); n != 3 {
			t.Fatalf("unread=false lists %d, want all 3", n)
		}

		e.Clock.Advance(90 * time.Minute)
		e.Run(t, []apptest.Check{
			{Name: "read all", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/read-all", Token: member.token}, Status: 204},
			{Name: "none unread", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices?unread=true", Token: member.token}, Status: 200, Fields: map[string]any{"unread": 0.0}},
			{Name: "again: nothing to do", Req: apptest.Request{Method: "POST", Path: "/api/v1/notices/read-all", Token: member.token, Body: "{}"}, Status: 204},
			{Name: "only mine were read", Req: apptest.Request{Method: "GET", Path: "/api/v1/notices", Token: other.token}, Status: 200, Fields: map[string]any{"unread": 3.0}},
		})
		if items := inbox(e, member, "?unread=true").Items(); len(items) != 0 {
			t.Errorf("unread after read-all: %v", items)
		}
		all := inbox(e, member, "").Items()
		if all[0]["read_at"] != "2026-11-27T03:30:00Z" || all[2]["read_at"] != "2026-11-27T02:00:00Z" {
			t.Errorf("read times %v, %v: read-all must keep the earlier read time", all[0]["read_at"], all[2]["read_at"])
		}
	})
}

func TestNoticesArePagedNewestFirst(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := login(t, e, "member@huabei.demo")
		for i := 1; i <= 5; i++ {
			post(t, e, message(i, ""), member)
		}
		var titles []string
		cursor, pages := "", 0
		for {
			res := inbox(e, member, "?limit=2&cursor="+cursor)
			if res.Status != 200 {
				t.Fatalf("page %d: %d %s", pages, res.Status, res.Body)
			}
			for _, n := range res.Items() {
				titles = append(titles, n["title"].(map[string]any)["en"].(string))
			}
			pages++
			if cursor = res.JSON()["next_cursor"].(string); cursor == "" {
				break
			}
		}
		want := "Catalog update 5,Catalog update 4,Catalog update 3,Catalog update 2,Catalog update 1"
		if got := strings.Join(titles, ","); got != want || pages != 3 {
			t.Fatalf("%d pages: %s; want 3 pages: %s", pages, got, want)
		}
		if res := inbox(e, member, "?limit=0"); res.Status != 400 {
			t.Errorf("limit=0: %d", res.Status)
		}
	})
}

func TestALinkThatIsNotLocalIsDropped(t *testing.T) {
	cases := []struct{ link, want string }{
		{"/portal/users?tab=1#top", "/portal/users?tab=1#top"},
		{"  /notices ", "/notices"},
		{"", ""},
		{"https://evil.example/", ""},
		{"//evil.example/", ""},
		{"/\\evil.example/", ""},
		{"/\t/evil.example/", ""},
		{"/\n/evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"portal", ""},
		{"/" + strings.Repeat("a", 3000), ""},
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member := login(t, e, "member@yunqi.demo")
		for i, c := range cases {
			post(t, e, message(i, c.link), member)
			if got := inbox(e, member, "?limit=1").Items()[0]["link"]; got != c.want {
				t.Errorf("link %q stored as %q, want %q", c.link, got, c.want)
			}
		}
	})
}

func TestPostBelongsToTheCallersTransaction(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		member := login(t, e, "member@yunqi.demo")
		failed := errors.New("the announcement failed")
		isBadTitle := func(err error) bool {
			pe, ok := problem.As(err)
			return ok && pe.Status == http.StatusBadRequest && len(pe.Fields) == 1 && pe.Fields[0].Field == "title.en"
		}
		cases := []struct {
			name string
			fn   func(tx *db.Tx) error
			want func(error) bool
		}{
			{"the caller rolls back", func(tx *db.Tx) error {
				if err := e.App.Notices.Post(ctx, tx, []string{member.id}, message(1, "")); err != nil {
					return err
				}
				return failed
			}, func(err error) bool { return errors.Is(err, failed) }},
			{"the caller does not audit its change", func(tx *db.Tx) error {
				return e.App.Notices.Post(ctx, tx, []string{member.id}, message(2, ""))
			}, func(err error) bool { return errors.Is(err, db.ErrUnaudited) }},
			{"the English title is missing", func(tx *db.Tx) error {
				return e.App.Notices.Post(ctx, tx, []string{member.id}, notice.Message{Title: notice.Text{Zh: "只有中文"}})
			}, isBadTitle},
		}
		for _, c := range cases {
			if err := e.App.DB.InTx(ctx, c.fn); !c.want(err) {
				t.Errorf("%s: unexpected error %v", c.name, err)
			}
			if res := inbox(e, member, ""); len(res.Items()) != 0 || res.JSON()["unread"] != 0.0 {
				t.Fatalf("%s: the member sees %s", c.name, res.Body)
			}
		}
	})
}

// page requests a page as p in lang, with the headers a same-origin browser
// sends; form makes it a form post.
func page(e *apptest.Env, method, path string, p person, lang string, form url.Values) apptest.Response {
	req := apptest.Request{Method: method, Path: path, Header: map[string]string{
		"Cookie": "steward_session=" + p.token + "; steward_lang=" + lang, "Sec-Fetch-Site": "same-origin"}}
	if form != nil {
		req.Body, req.Header["Content-Type"] = form.Encode(), "application/x-www-form-urlencoded"
	}
	return e.Do(req)
}

func TestInboxPageAndUnreadBadge(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		member, other := login(t, e, "member@yunqi.demo"), login(t, e, "admin@steward.demo")
		post(t, e, message(1, "/portal"), member, other)
		post(t, e, message(2, ""), member)
		items := inbox(e, member, "").Items()
		newest, oldest := items[0]["id"].(string), items[1]["id"].(string)
		theirs := inbox(e, other, "").Items()[0]["id"].(string)

		for _, c := range []struct {
			lang                     string
			title, body, badge, read string
			notTitle                 string
		}{
			{"zh-CN", "服务目录更新 2", "<p>请查看变更。</p>", `aria-label="通知（2 条未读）"`, "标为已读", "Catalog update 2"},
			{"en", "Catalog update 2", "<p>Please review the changes.</p>", `aria-label="Notices (2 unread)"`, "Mark as read", "服务目录更新 2"},
		} {
			for _, path := range []string{"/portal", "/notices"} {
				res := page(e, "GET", path, member, c.lang, nil)
				if body := string(res.Body); res.Status != 200 || !strings.Contains(body, c.badge) || !strings.Contains(body, `<mark data-testid="unread-badge">2</mark>`) {
					t.Errorf("%s %s: %d, no badge of 2 unread", c.lang, path, res.Status)
				}
			}
			body := string(page(e, "GET", "/notices", member, c.lang, nil).Body)
			for _, want := range []string{c.title, c.body, c.read, "2026-11-27 10:00", `value="/portal"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s inbox lacks %q", c.lang, want)
				}
			}
			if strings.Contains(body, c.notTitle) {
				t.Errorf("%s inbox shows the other language's title %q", c.lang, c.notTitle)
			}
		}

		// Mark the newest read from the inbox: back to the inbox, one unread left.
		res := page(e, "POST", "/notices/"+newest+"/read", member, "zh-CN", url.Values{"next": {"/notices?unread=true"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/notices?unread=true" {
			t.Fatalf("mark read: %d to %q", res.Status, res.Header.Get("Location"))
		}
		if body := string(page(e, "GET", "/notices?unread=true", member, "zh-CN", nil).Body); !strings.Contains(body, `<mark data-testid="unread-badge">1</mark>`) || strings.Contains(body, "服务目录更新 2") {
			t.Error("after marking one read: the badge does not say 1, or the read notice is still listed as unread")
		}
		// Opening the other goes to its link and marks it read; an outside next is not followed.
		for next, want := range map[string]string{"/portal": "/portal", "https://evil.example/": "/notices"} {
			res = page(e, "POST", "/notices/"+oldest+"/read", member, "zh-CN", url.Values{"next": {next}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Errorf("open with next %q: %d to %q, want %q", next, res.Status, res.Header.Get("Location"), want)
			}
		}
		if body := string(page(e, "GET", "/portal", member, "zh-CN", nil).Body); strings.Contains(body, "unread-badge") {
			t.Error("the badge stays after every notice was read")
		}
		// Another user's notice: the 404 page, and it stays unread for them.
		if res := page(e, "POST", "/notices/"+theirs+"/read", member, "en", url.Values{}); res.Status != 404 || !strings.Contains(string(res.Body), "Page not found") {
			t.Errorf("another user's notice: %d", res.Status)
		}
		// Mark all read from the page, as vendor staff.
		if res := page(e, "POST", "/notices/read-all", other, "en", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("read all: %d", res.Status)
		}
		body := string(page(e, "GET", "/notices?done=read_all", other, "en", nil).Body)
		if !strings.Contains(body, "All notices are marked as read.") || strings.Contains(body, "unread-badge") || strings.Contains(body, `data-unread="true"`) {
			t.Error("after read all: no confirmation, or something is still unread")
		}
		// Without a login the inbox asks to log in.
		if res := e.Do(apptest.Request{Method: "GET", Path: "/notices"}); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("anonymous inbox: %d to %q", res.Status, res.Header.Get("Location"))
		}
	})
}
