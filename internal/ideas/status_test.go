package ideas_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// TestProductManagersAnswers runs the scenarios of status changes, merges,
// the export and the demand on one demo app per database (building it takes
// most of the time); each works on ideas of its own, and the demand, which
// moves the clock a month on, comes last.
func TestProductManagersAnswers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, sc := range []struct {
			name string
			run  func(*testing.T, *apptest.Env)
		}{
			{"export", exportIsCSVThatSpreadsheetsOpenSafely},
			{"status refusals", statusChangeRefusals},
			{"status news", statusChangeTellsEveryVoterAndFollowerOnce},
			{"merge", mergeMovesVotesFollowersAndCommentsWithoutCountingTwice},
			{"merge refusals", mergeRefusals},
			{"demand", demandCountsOrganisationsAndListsTheirContracts},
		} {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, e) })
		}
	})
}

// answerDesk drives the square through the API as the demo's people, for
// product managers' answers; tokens are kept per person.
type answerDesk struct {
	t      *testing.T
	e      *apptest.Env
	tokens map[string]string
}

func newAnswerDesk(t *testing.T, e *apptest.Env) *answerDesk {
	return &answerDesk{t: t, e: e, tokens: map[string]string{}}
}

// Demo people the tests use.
const (
	pm       = "pm@steward.demo"
	agent    = "agent@steward.demo"
	engineer = "engineer@steward.demo"
	yunqi    = "member@yunqi.demo" // org_demo_cloud
	yunqiAdm = "admin@yunqi.demo"
	gangxin  = "member@gangxin.demo" // org_demo_hk
	huabei   = "member@huabei.demo"  // org_demo_perpetual
)

func (d *answerDesk) token(email string) string {
	if email == "" {
		return ""
	}
	if d.tokens[email] == "" {
		d.tokens[email] = d.e.Login(email)
	}
	return d.tokens[email]
}

// req is a request as email ("" for a visitor).
func (d *answerDesk) req(email, method, path string, body any) apptest.Request {
	return apptest.Request{Method: method, Path: path, Token: d.token(email), Body: body}
}

// must sends the request and fails the test unless it answers status.
func (d *answerDesk) must(email, method, path string, body any, status int) map[string]any {
	d.t.Helper()
	res := d.e.Do(d.req(email, method, path, body))
	if res.Status != status {
		d.t.Fatalf("%s %s as %s: %d %s, want %d", method, path, email, res.Status, res.Body, status)
	}
	return res.JSON()
}

// post has email post an idea about k3cloud and returns its id.
func (d *answerDesk) post(email, title string) string {
	d.t.Helper()
	return d.must(email, "POST", "/api/v1/ideas", map[string]any{"title": title, "body": "详细说明", "product": "k3cloud",
		"modules": []string{"gl"}}, http.StatusCreated)["id"].(string)
}

// status has the product manager move an idea.
func (d *answerDesk) status(ideaID, status, explanation, shippedIn string) map[string]any {
	d.t.Helper()
	body := map[string]any{"status": status, "explanation": explanation}
	if shippedIn != "" {
		body["shipped_in"] = shippedIn
	}
	return d.must(pm, "POST", "/api/v1/ideas/"+ideaID+"/status", body, http.StatusOK)
}

// notices are email's notices leading to the idea's page.
func (d *answerDesk) notices(email, ideaID string) []map[string]any {
	d.t.Helper()
	var out []map[string]any
	for _, n := range d.e.Do(d.req(email, "GET", "/api/v1/notices?limit=200", nil)).Items() {
		if n["link"] == "/ideas/"+ideaID {
			out = append(out, n)
		}
	}
	return out
}

// deliveries are the notification deliveries of an event key: e-mail
// addresses and channel names, with how many each got.
func (d *answerDesk) deliveries(eventKey string) map[string]int {
	d.t.Helper()
	rows, err := d.e.App.DB.Query(context.Background(), `SELECT channel_type, recipient FROM notify_deliveries WHERE event_key = ?`, eventKey)
	if err != nil {
		d.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind, to string
		if err := rows.Scan(&kind, &to); err != nil {
			d.t.Fatal(err)
		}
		out[kind+":"+to]++
	}
	if err := rows.Err(); err != nil {
		d.t.Fatal(err)
	}
	return out
}

// lastChange is the newest entry of an idea's status history.
func lastChange(t *testing.T, it map[string]any) map[string]any {
	t.Helper()
	history, _ := it["status_history"].([]any)
	if len(history) == 0 {
		t.Fatalf("no status history: %v", it)
	}
	return history[len(history)-1].(map[string]any)
}

func statusChangeRefusals(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	ideaID := d.post(yunqi, "凭证列表支持按辅助核算筛选")
	path := "/api/v1/ideas/" + ideaID + "/status"
	long := strings.Repeat("长", 4001)
	bad := map[string]any{"status": "nonsense"}
	e.Run(t, []apptest.Check{
		{Name: "a visitor", Req: d.req("", "POST", path, bad), Status: http.StatusUnauthorized},
		{Name: "a customer, before the body", Req: d.req(yunqi, "POST", path, bad), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "an agent", Req: d.req(agent, "POST", path, bad), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "unknown idea", Req: d.req(pm, "POST", "/api/v1/ideas/idea_nope/status", map[string]any{"status": "planned", "explanation": "排期"}),
			Status: http.StatusNotFound},
		{Name: "unknown status", Req: d.req(pm, "POST", path, map[string]any{"status": "done", "explanation": "好"}),
			Status: http.StatusBadRequest, Field: "status"},
		{Name: "no explanation", Req: d.req(pm, "POST", path, map[string]any{"status": "planned", "explanation": "  "}),
			Status: http.StatusBadRequest, Field: "explanation"},
		{Name: "explanation too long", Req: d.req(pm, "POST", path, map[string]any{"status": "planned", "explanation": long}),
			Status: http.StatusBadRequest, Field: "explanation"},
		{Name: "shipped without where", Req: d.req(pm, "POST", path, map[string]any{"status": "shipped", "explanation": "上线了"}),
			Status: http.StatusBadRequest, Field: "shipped_in"},
		{Name: "where without shipped", Req: d.req(pm, "POST", path, map[string]any{"status": "planned", "explanation": "排期", "shipped_in": "9.0"}),
			Status: http.StatusBadRequest, Field: "shipped_in"},
		{Name: "an unknown patch", Req: d.req(pm, "POST", path, map[string]any{"status": "shipped", "explanation": "上线了", "shipped_in": "PT-2099-0001"}),
			Status: http.StatusBadRequest, Field: "shipped_in"},
		{Name: "a withdrawn patch", Req: d.req(pm, "POST", path, map[string]any{"status": "shipped", "explanation": "上线了", "shipped_in": "PT-2025-0104"}),
			Status: http.StatusBadRequest, Field: "shipped_in"},
		{Name: "an unknown version", Req: d.req(pm, "POST", path, map[string]any{"status": "shipped", "explanation": "上线了", "shipped_in": "10.0"}),
			Status: http.StatusBadRequest, Field: "shipped_in"},
		{Name: "an unknown field", Req: d.req(pm, "POST", path, map[string]any{"status": "planned", "explanation": "排期", "by": "x"}),
			Status: http.StatusBadRequest, Field: "by"},
		{Name: "the same status", Req: d.req(pm, "POST", path, map[string]any{"status": "open", "explanation": "还在收集"}),
			Status: http.StatusConflict, Code: "idea.same_status"},
	})
	other := d.post(gangxin, "应收账款按客户分组导出")
	d.must(pm, "POST", "/api/v1/ideas/"+ideaID+"/merge", map[string]any{"into": other}, http.StatusOK)
	e.Run(t, []apptest.Check{
		{Name: "a merged idea", Req: d.req(pm, "POST", path, map[string]any{"status": "planned", "explanation": "排期"}),
			Status: http.StatusConflict, Code: "idea.merged", Fields: map[string]any{"into": other}},
	})
}

func statusChangeTellsEveryVoterAndFollowerOnce(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	ideaID := d.post(yunqi, "总账支持按项目维度出具利润表")
	for _, who := range []string{gangxin, engineer} { // gangxin votes and follows: told once
		d.must(who, "POST", "/api/v1/ideas/"+ideaID+"/vote", nil, http.StatusOK)
	}
	d.must(gangxin, "POST", "/api/v1/ideas/"+ideaID+"/follow", nil, http.StatusOK)
	d.must(huabei, "POST", "/api/v1/ideas/"+ideaID+"/follow", nil, http.StatusOK)
	d.must(pm, "POST", "/api/v1/ideas/"+ideaID+"/vote", nil, http.StatusOK) // the actor is never told
	// A voter whose account is gone since: the vote stays, nobody is told.
	d.must("admin@gangxin.demo", "POST", "/api/v1/ideas/"+ideaID+"/vote", nil, http.StatusOK)
	ctx := context.Background()
	if _, err := e.App.DB.Exec(ctx, `UPDATE users SET deleted_at = ? WHERE email_key = ?`, apptest.Start.AddDate(-1, 0, 0), "admin@gangxin.demo"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.App.Accounts.PurgeDeleted(ctx); err != nil || n != 1 {
		t.Fatalf("purge the voter: %d %v", n, err)
	}
	d.must(yunqiAdm, "POST", "/api/v1/orgs/org_demo_cloud/notify/channels",
		map[string]any{"type": "webhook", "name": "云启需求群", "url": "https://hooks.yunqi.example/ideas", "secret": "yunqi-webhook-secret", "kinds": []string{"ideas.*"}}, http.StatusCreated)
	// huabei only follows: its organisation's robot hears of the change too.
	d.must("admin@huabei.demo", "POST", "/api/v1/orgs/org_demo_perpetual/notify/channels",
		map[string]any{"type": "webhook", "name": "华北需求群", "url": "https://hooks.huabei.example/ideas", "secret": "huabei-webhook-secret", "kinds": []string{"ideas.status"}}, http.StatusCreated)
	d.must("admin@steward.demo", "POST", "/api/v1/notify/channels",
		map[string]any{"type": "webhook", "name": "产品部需求群", "url": "https://hooks.steward.example/ideas", "secret": "vendor-webhook-secret", "kinds": []string{"ideas.status"}}, http.StatusCreated)

	it := d.status(ideaID, "planned", "已排入 9.2 版本计划，预计明年一季度发布。", "")
	if it["status"] != "planned" || it["shipped_in"] != nil {
		t.Errorf("after planning: %v", it)
	}
	change := lastChange(t, it)
	by, _ := change["by"].(map[string]any)
	if change["from"] != "open" || change["to"] != "planned" || change["explanation"] != "已排入 9.2 版本计划，预计明年一季度发布。" ||
		by["name"] != "产品经理 陈静" || by["staff"] != true {
		t.Errorf("history entry: %v", change)
	}
	for _, who := range []string{yunqi, gangxin, huabei, engineer} {
		got := d.notices(who, ideaID)
		if len(got) != 1 {
			t.Errorf("%s has %d notices of the change, want 1", who, len(got))
			continue
		}
		title, body := got[0]["title"].(map[string]any), got[0]["body"].(map[string]any)
		if !strings.Contains(title["zh"].(string), "总账支持按项目维度出具利润表") || !strings.Contains(title["zh"].(string), "已计划") ||
			!strings.Contains(title["en"].(string), "planned") || !strings.Contains(body["zh"].(string), "预计明年一季度发布") {
			t.Errorf("%s's notice: %v", who, got[0])
		}
	}
	if got := d.notices(pm, ideaID); len(got) != 0 {
		t.Errorf("the product manager was told of their own change: %v", got)
	}
	want := map[string]int{"email:" + yunqi: 1, "email:" + gangxin: 1, "email:" + huabei: 1, "email:" + engineer: 1,
		"webhook:云启需求群": 1, "webhook:华北需求群": 1, "webhook:产品部需求群": 1}
	got := d.deliveries("ideas.status:" + change["id"].(string))
	for k, n := range want {
		if got[k] != n {
			t.Errorf("deliveries of the change: %s got %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if got["email:"+pm] != 0 || got["email:admin@gangxin.demo"] != 0 || len(got) != len(want) {
		t.Errorf("deliveries beyond the voters and followers: %v", got)
	}
	if it["votes"] != 5.0 {
		t.Errorf("votes after a voter left: %v, want 5", it["votes"])
	}

	// Shipped in a patch: linked, and everyone is told again.
	it = d.status(ideaID, "shipped", "补丁 PT-2026-0201 已包含此功能。", "PT-2026-0201")
	shipped, _ := it["shipped_in"].(map[string]any)
	if it["status"] != "shipped" || shipped["kind"] != "patch" || shipped["ref"] != "PT-2026-0201" || shipped["url"] != "/patches/k3cloud/PT-2026-0201" {
		t.Errorf("shipped in a patch: %v", it)
	}
	if sh, _ := lastChange(t, it)["shipped_in"].(map[string]any); sh["url"] != "/patches/k3cloud/PT-2026-0201" {
		t.Errorf("the history's shipped_in: %v", lastChange(t, it))
	}
	if n := len(d.notices(gangxin, ideaID)); n != 2 {
		t.Errorf("after two changes a voter has %d notices, want 2", n)
	}
	if len(it["status_history"].([]any)) != 2 {
		t.Errorf("history: %v", it["status_history"])
	}

	// Reopening forgets where it shipped.
	if it = d.status(ideaID, "in_progress", "发现补丁遗漏了合并报表，继续开发。", ""); it["shipped_in"] != nil {
		t.Errorf("back in progress, still shipped in %v", it["shipped_in"])
	}

	// Shipped in a version.
	other := d.post(huabei, "Multi-currency bank reconciliation")
	it = d.status(other, "shipped", "Part of version 9.0.", "9.0")
	if shipped, _ := it["shipped_in"].(map[string]any); shipped["kind"] != "version" || shipped["ref"] != "9.0" || shipped["url"] != "/lifecycle/k3cloud" {
		t.Errorf("shipped in a version: %v", it)
	}
}
