package ideas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/search"
)

type req = apptest.Request

// post creates an idea as token and returns it, failing unless 201 with
// the idea's address.
func post(t *testing.T, e *apptest.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	res := e.Do(req{Method: "POST", Path: "/api/v1/ideas", Token: token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("post idea: %d %s", res.Status, res.Body)
	}
	it := res.JSON()
	if loc := res.Header.Get("Location"); loc != "/api/v1/ideas/"+it["id"].(string) {
		t.Errorf("Location %q for idea %v", loc, it["id"])
	}
	return it
}

func idea(title string, modules ...string) map[string]any {
	return map[string]any{"title": title, "body": "现在要**手工**处理，希望系统支持。", "product": "k3cloud", "modules": modules}
}

// housekeeping sets columns of an idea directly, standing in for the
// product managers' status changes and merges, which have their own tests.
func housekeeping(t *testing.T, e *apptest.Env, set string, args ...any) {
	t.Helper()
	if _, err := e.App.DB.Exec(context.Background(), "UPDATE ideas SET "+set+" WHERE id = ?", args...); err != nil {
		t.Fatal(err)
	}
}

func postingRules(t *testing.T, e *apptest.Env) {
	member, refused := e.Login("member@yunqi.demo"), e.Login("member@lioncity.demo")
	res := e.Do(req{Method: "POST", Path: "/api/v1/ideas", Token: member, Body: map[string]any{"title": " 太短 ", "body": strings.Repeat("长", 20_001),
		"product": "no-such-product", "modules": []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}}})
	if res.Status != http.StatusBadRequest {
		t.Fatalf("bad idea: %d %s", res.Status, res.Body)
	}
	var problem struct {
		Errors []struct{ Field, Message string } `json:"errors"`
	}
	json.Unmarshal(res.Body, &problem)
	var named []string
	for _, f := range problem.Errors {
		if f.Message != "" {
			named = append(named, f.Field)
		}
	}
	slices.Sort(named)
	if !slices.Equal(named, []string{"body", "modules", "product", "title"}) {
		t.Errorf("every bad field named with what to do: %s", res.Body)
	}
	e.Run(t, []apptest.Check{
		{Name: "a visitor may not post", Req: req{Method: "POST", Path: "/api/v1/ideas", Body: idea("凭证列表支持按辅助核算筛选")}, Status: http.StatusUnauthorized},
		{Name: "unknown field", Req: req{Method: "POST", Path: "/api/v1/ideas", Token: member, Body: map[string]any{"title": "凭证列表支持筛选", "product": "k3cloud", "org_id": "x"}},
			Status: http.StatusBadRequest, Field: "org_id"},
		{Name: "English title too long", Req: req{Method: "POST", Path: "/api/v1/ideas", Token: member, Header: map[string]string{"Accept-Language": "en"},
			Body: map[string]any{"title": strings.Repeat("x", 121), "product": "k3cloud"}}, Status: http.StatusBadRequest, Field: "title"},
	})
	res = e.Do(req{Method: "POST", Path: "/api/v1/ideas", Token: refused, Body: idea("凭证列表支持按辅助核算筛选")})
	if got := res.JSON(); res.Status != http.StatusForbidden || !strings.HasPrefix(fmt.Sprint(got["code"]), "entitlement.") || got["detail"] == "" {
		t.Errorf("a customer whose organisation lacks requirement listening: %d %s", res.Status, res.Body)
	}
	it := post(t, e, member, idea("  凭证列表支持按辅助核算筛选 ", " 总账 ", "总账", "报  表", "报 表"))
	res = e.Do(req{Method: "GET", Path: "/api/v1/ideas/" + it["id"].(string), Token: refused})
	if res.Status != http.StatusOK {
		t.Errorf("a refused customer still reads the square: %d", res.Status)
	}
	if it["title"] != "凭证列表支持按辅助核算筛选" || fmt.Sprint(it["modules"]) != "[总账 报 表]" || it["status"] != "open" ||
		it["votes"] != float64(1) || it["voted"] != true || it["following"] != true || !strings.Contains(fmt.Sprint(it["html"]), "<strong>手工</strong>") {
		t.Errorf("a new idea: trimmed, modules cleaned, the author's vote and follow counted, Markdown rendered: %v", it)
	}
	if _, ok := it["author"].(map[string]any)["org_id"]; ok || strings.Contains(string(e.Do(req{Method: "GET", Path: "/api/v1/ideas/" + it["id"].(string)}).Body), "yunqi.demo") {
		t.Errorf("an idea shows no organisation or e-mail: %v", it)
	}
}

func votesFollowsAndClosedOrMergedIdeas(t *testing.T, e *apptest.Env) {
	author, other := e.Login("member@yunqi.demo"), e.Login("admin@gangxin.demo")
	id := post(t, e, author, idea("采购订单显示最近五次采购价格"))["id"].(string)
	survivor := post(t, e, other, idea("采购订单上显示历史采购价格"))["id"].(string)
	path := "/api/v1/ideas/" + id
	e.Run(t, []apptest.Check{
		{Name: "the author votes again", Req: req{Method: "POST", Path: path + "/vote", Token: author}, Status: http.StatusConflict, Code: "idea.already_voted"},
		{Name: "another customer votes", Req: req{Method: "POST", Path: path + "/vote", Token: other, Body: map[string]any{}}, Status: http.StatusOK,
			Fields: map[string]any{"votes": float64(2), "voted": true}},
		{Name: "voting twice", Req: req{Method: "POST", Path: path + "/vote", Token: other}, Status: http.StatusConflict, Code: "idea.already_voted"},
		{Name: "a visitor reads the count", Req: req{Method: "GET", Path: path}, Status: http.StatusOK, Fields: map[string]any{"votes": float64(2), "voted": false}},
		{Name: "a visitor may not vote", Req: req{Method: "POST", Path: path + "/vote"}, Status: http.StatusUnauthorized},
		{Name: "the author takes the vote back", Req: req{Method: "DELETE", Path: path + "/vote", Token: author}, Status: http.StatusOK,
			Fields: map[string]any{"votes": float64(1), "voted": false}},
		{Name: "and again", Req: req{Method: "DELETE", Path: path + "/vote", Token: author}, Status: http.StatusConflict, Code: "idea.not_voted"},
		{Name: "follow", Req: req{Method: "POST", Path: path + "/follow", Token: other}, Status: http.StatusOK, Fields: map[string]any{"followers": float64(2), "following": true}},
		{Name: "follow again changes nothing", Req: req{Method: "POST", Path: path + "/follow", Token: other}, Status: http.StatusOK, Fields: map[string]any{"followers": float64(2)}},
		{Name: "unfollow", Req: req{Method: "DELETE", Path: path + "/follow", Token: author}, Status: http.StatusOK, Fields: map[string]any{"followers": float64(1), "following": false}},
		{Name: "unknown idea", Req: req{Method: "POST", Path: "/api/v1/ideas/idea_nope/vote", Token: author}, Status: http.StatusNotFound},
	})

	housekeeping(t, e, "status = 'declined'", id)
	e.Run(t, []apptest.Check{
		{Name: "vote on a declined idea", Req: req{Method: "POST", Path: path + "/vote", Token: author}, Status: http.StatusConflict, Code: "idea.closed"},
		{Name: "unvote on a declined idea", Req: req{Method: "DELETE", Path: path + "/vote", Token: other}, Status: http.StatusOK, Fields: map[string]any{"votes": float64(0)}},
		{Name: "follow a declined idea", Req: req{Method: "POST", Path: path + "/follow", Token: author}, Status: http.StatusOK, Fields: map[string]any{"following": true}},
	})
	housekeeping(t, e, "status = 'open', merged_into = ?", survivor, id)
	res := e.Do(req{Method: "POST", Path: path + "/vote", Token: author})
	if got := res.JSON(); res.Status != http.StatusConflict || got["code"] != "idea.merged" || got["into"] != survivor || !strings.Contains(fmt.Sprint(got["detail"]), survivor) {
		t.Errorf("vote on a merged idea: %d %s", res.Status, res.Body)
	}
	for _, r := range []req{{Method: "POST", Path: path + "/follow"}, {Method: "POST", Path: path + "/comments", Body: map[string]any{"body": "同意"}}} {
		r.Token = author
		if res := e.Do(r); res.Status != http.StatusConflict || res.JSON()["code"] != "idea.merged" {
			t.Errorf("%s %s on a merged idea: %d %s", r.Method, r.Path, res.Status, res.Body)
		}
	}
	res = e.Do(req{Method: "GET", Path: path})
	if res.Status != http.StatusPermanentRedirect || res.Header.Get("Location") != "/api/v1/ideas/"+survivor || res.JSON()["merged_into"] != survivor {
		t.Errorf("a merged idea answers 308 to the survivor: %d %v", res.Status, res.Header)
	}
	for _, sort := range []string{"trending", "top", "new"} {
		if ids := listIDs(t, e, "", "/api/v1/ideas?limit=200&sort="+sort); slices.Contains(ids, id) || !slices.Contains(ids, survivor) {
			t.Errorf("sort %s lists the merged idea or misses the survivor", sort)
		}
	}
}

func commentsAndOfficialReplies(t *testing.T, e *apptest.Env) {
	customer, pm := e.Login("admin@gangxin.demo"), e.Login("pm@steward.demo")
	path := "/api/v1/ideas/" + post(t, e, customer, idea("销售订单支持多级审批流程"))["id"].(string)
	e.Run(t, []apptest.Check{
		{Name: "customer comment", Req: req{Method: "POST", Path: path + "/comments", Token: customer, Body: map[string]any{"body": "我们也需要"}},
			Status: http.StatusCreated, Fields: map[string]any{"official": false}},
		{Name: "staff reply", Req: req{Method: "POST", Path: path + "/comments", Token: pm, Body: map[string]any{"body": "已列入 **评估**"}},
			Status: http.StatusCreated, Fields: map[string]any{"official": true}},
		{Name: "empty comment", Req: req{Method: "POST", Path: path + "/comments", Token: customer, Body: map[string]any{"body": "  "}}, Status: http.StatusBadRequest, Field: "body"},
		{Name: "a visitor may not comment", Req: req{Method: "POST", Path: path + "/comments", Body: map[string]any{"body": "x"}}, Status: http.StatusUnauthorized},
		{Name: "the count", Req: req{Method: "GET", Path: path}, Status: http.StatusOK, Fields: map[string]any{"comments": float64(2)}},
	})
	items := e.Do(req{Method: "GET", Path: path + "/comments"}).Items()
	if len(items) != 2 || items[0]["official"] != false || items[1]["official"] != true || !strings.Contains(fmt.Sprint(items[1]["html"]), "<strong>评估</strong>") {
		t.Errorf("comments oldest first, the staff's official: %v", items)
	}
}

// listIDs walks every page of a list and returns the ids in order.
func listIDs(t *testing.T, e *apptest.Env, token, first string) []string {
	t.Helper()
	var ids []string
	for path := first; path != ""; {
		res := e.Do(req{Method: "GET", Path: path, Token: token})
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		for _, it := range res.Items() {
			ids = append(ids, it["id"].(string))
		}
		path = ""
		if next, _ := res.JSON()["next_cursor"].(string); next != "" {
			u, _ := url.Parse(first)
			q := u.Query()
			q.Set("cursor", next)
			path = u.Path + "?" + q.Encode()
		}
	}
	return ids
}

func listsSortsFiltersAndPages(t *testing.T, e *apptest.Env) {
	member, pm := e.Login("member@yunqi.demo"), e.Login("pm@steward.demo")
	for i := range 7 {
		post(t, e, member, idea(fmt.Sprintf("第 %d 个关于库存盘点的想法", i), "库存盘点"))
		e.Clock.Advance(time.Minute)
	}
	all := listIDs(t, e, "", "/api/v1/ideas?limit=200&sort=new")
	for _, sort := range []string{"trending", "top", "new"} {
		paged := listIDs(t, e, "", "/api/v1/ideas?limit=4&sort="+sort)
		sorted := slices.Clone(paged)
		slices.Sort(sorted)
		if len(paged) != len(all) || len(slices.Compact(sorted)) != len(all) {
			t.Errorf("sort %s in pages of 4: %d ideas (%d distinct), want each of %d once", sort, len(paged), len(slices.Compact(sorted)), len(all))
		}
	}
	res := e.Do(req{Method: "GET", Path: "/api/v1/ideas?sort=top&limit=200"})
	votes := []float64{}
	for _, it := range res.Items() {
		votes = append(votes, it["votes"].(float64))
	}
	if !slices.IsSortedFunc(votes, func(a, b float64) int { return int(b - a) }) {
		t.Errorf("top: votes not descending: %v", votes)
	}
	mine := listIDs(t, e, "", "/api/v1/ideas?module="+url.QueryEscape("库存盘点"))
	if len(mine) != 7 {
		t.Errorf("module filter: %d ideas, want 7", len(mine))
	}
	for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/ideas?status=shipped&product=k3cloud&limit=200"}).Items() {
		if it["status"] != "shipped" || it["product"] != "k3cloud" {
			t.Errorf("status and product filter let through %v %v", it["status"], it["product"])
		}
	}
	theirs := post(t, e, e.Login("admin@gangxin.demo"), idea("Stock count sheets grouped by bin location"))["id"].(string)
	byOrg := listIDs(t, e, pm, "/api/v1/ideas?org=org_demo_cloud&limit=200")
	if !slices.Contains(byOrg, mine[0]) || slices.Contains(byOrg, theirs) {
		t.Errorf("the organisation filter: %d ideas, with the yunqi member's %v, without gangxin's %v", len(byOrg), slices.Contains(byOrg, mine[0]), !slices.Contains(byOrg, theirs))
	}
	// Gangxin holds the demo's private-cloud subscription, Yunqi a public-cloud one.
	byDeployment := listIDs(t, e, pm, "/api/v1/ideas?deployment=private_cloud_subscription&limit=200")
	if !slices.Contains(byDeployment, theirs) || slices.Contains(byDeployment, mine[0]) {
		t.Errorf("the deployment filter: %d ideas, with gangxin's %v, without the yunqi member's %v", len(byDeployment),
			slices.Contains(byDeployment, theirs), !slices.Contains(byDeployment, mine[0]))
	}
	if both := listIDs(t, e, pm, "/api/v1/ideas?deployment=private_cloud_subscription&org=org_demo_cloud"); len(both) != 0 {
		t.Errorf("an organisation without a contract of the deployment kind: %d ideas", len(both))
	}
	e.Run(t, []apptest.Check{
		{Name: "bad sort", Req: req{Method: "GET", Path: "/api/v1/ideas?sort=hot"}, Status: http.StatusBadRequest, Field: "sort"},
		{Name: "bad status", Req: req{Method: "GET", Path: "/api/v1/ideas?status=done"}, Status: http.StatusBadRequest, Field: "status"},
		{Name: "bad cursor", Req: req{Method: "GET", Path: "/api/v1/ideas?cursor=!!"}, Status: http.StatusBadRequest, Field: "cursor"},
		{Name: "bad limit", Req: req{Method: "GET", Path: "/api/v1/ideas?limit=0"}, Status: http.StatusBadRequest, Field: "limit"},
		{Name: "a customer filtering by organisation", Req: req{Method: "GET", Path: "/api/v1/ideas?org=org_demo_hk", Token: member}, Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "a visitor filtering by deployment", Req: req{Method: "GET", Path: "/api/v1/ideas?deployment=public_cloud"}, Status: http.StatusForbidden, Code: "role.forbidden"},
	})
}

func similarSearchRebuildAndRoadmap(t *testing.T, e *apptest.Env) {
	member := e.Login("member@gangxin.demo")
	id := post(t, e, member, idea("Warehouse barcode labels printed from the receipt"))["id"].(string)
	res := e.Do(req{Method: "GET", Path: "/api/v1/ideas/similar?title=" + url.QueryEscape("print barcode labels for the warehouse receipt")})
	if items := res.Items(); res.Status != http.StatusOK || len(items) == 0 || items[0]["id"] != id {
		t.Errorf("a duplicate being typed finds the idea: %d %.300s", res.Status, res.Body)
	}
	if items := e.Do(req{Method: "GET", Path: "/api/v1/ideas/similar?title=" + url.QueryEscape("quarterly dividend tax")}).Items(); slices.ContainsFunc(items, func(it map[string]any) bool { return it["id"] == id }) {
		t.Errorf("an unrelated title suggests the idea")
	}
	res = e.Do(req{Method: "GET", Path: "/api/v1/search?type=idea&q=" + url.QueryEscape("barcode labels")})
	if items := res.Items(); res.Status != http.StatusOK || len(items) == 0 || items[0]["url"] != "/ideas/"+id || items[0]["type"] != "idea" {
		t.Errorf("search type=idea: %d %.300s", res.Status, res.Body)
	}
	// The rebuild writes the live ideas again and leaves a merged one out.
	merged := post(t, e, member, idea("Barcode labels for the warehouse receipt, printed"))["id"].(string)
	housekeeping(t, e, "merged_into = ?", id, merged)
	rebuilt, err := e.App.RebuildSearch(context.Background())
	live := len(listIDs(t, e, "", "/api/v1/ideas?limit=200"))
	if i := slices.IndexFunc(rebuilt, func(r search.Rebuilt) bool { return r.Type == "idea" }); err != nil || i < 0 || rebuilt[i].Indexed != live {
		t.Errorf("rebuild: %+v %v, want the %d live ideas' documents", rebuilt, err, live)
	}
	var found []string
	for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/search?type=idea&q=" + url.QueryEscape("barcode labels warehouse receipt")}).Items() {
		found = append(found, it["id"].(string))
	}
	if !slices.Contains(found, id) || slices.Contains(found, merged) {
		t.Errorf("after the rebuild the search finds %v; want %s and not the merged %s", found, id, merged)
	}
	earlier := post(t, e, member, idea("Print delivery notes with the customer's logo"))["id"].(string)
	planned := post(t, e, member, idea("Scan serial numbers on the phone"))["id"].(string)
	housekeeping(t, e, "status = 'shipped', status_at = ?", apptest.Start.Add(-48*time.Hour), earlier)
	housekeeping(t, e, "status = 'shipped', status_at = ?", apptest.Start.Add(-time.Hour), id)
	housekeeping(t, e, "status = 'planned'", planned)
	res = e.Do(req{Method: "GET", Path: "/api/v1/ideas/roadmap?product=k3cloud"})
	var columns map[string][]map[string]any
	json.Unmarshal(res.Body, &columns)
	if res.Status != http.StatusOK || len(columns) != 4 {
		t.Fatalf("roadmap: %d %.300s", res.Status, res.Body)
	}
	for status, list := range columns {
		for _, it := range list {
			if it["status"] != status || it["product"] != "k3cloud" {
				t.Errorf("roadmap column %s holds a %v idea of %v", status, it["status"], it["product"])
			}
		}
	}
	ids := func(list []map[string]any) []string {
		var out []string
		for _, it := range list {
			out = append(out, it["id"].(string))
		}
		return out
	}
	shipped := ids(columns["shipped"])
	if i, j := slices.Index(shipped, id), slices.Index(shipped, earlier); i < 0 || j < i || !slices.Contains(ids(columns["planned"]), planned) {
		t.Errorf("roadmap: shipped %v (latest first), planned %v", shipped, ids(columns["planned"]))
	}
	if res := e.Do(req{Method: "GET", Path: "/api/v1/ideas/roadmap?product=eas"}); !strings.Contains(string(res.Body), `"shipped":[]`) {
		t.Errorf("another product's roadmap: %.300s", res.Body)
	}
}

// TestSquare runs the square's API scenarios on one demo app per database
// (each part makes its own ideas, so they do not disturb one another).
func TestSquare(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, part := range []struct {
			name string
			run  func(*testing.T, *apptest.Env)
		}{
			{"posting rules", postingRules},
			{"votes, follows, closed and merged ideas", votesFollowsAndClosedOrMergedIdeas},
			{"comments and official replies", commentsAndOfficialReplies},
			{"lists: sorts, filters, pages", listsSortsFiltersAndPages},
			{"similar, search, rebuild, roadmap", similarSearchRebuildAndRoadmap},
			{"images", images},
		} {
			t.Run(part.name, func(t *testing.T) { part.run(t, e) })
		}
	})
}

// TestVotesAtOnceCountOncePerPerson: the demo customers with requirement
// listening each vote for the same idea twice at the same moment, through
// two instances on one database; the idea ends with one vote per person.
func TestVotesAtOnceCountOncePerPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		staff := one.Login("engineer@steward.demo")
		id := post(t, one, staff, idea("多个实例同时投票只算一次"))["id"].(string)
		tokens := []string{one.Login("admin@yunqi.demo"), one.Login("member@yunqi.demo"), one.Login("admin@gangxin.demo"), one.Login("member@gangxin.demo"),
			one.Login("pm@steward.demo"), one.Login("agent@steward.demo")}
		envs := make([]*apptest.Env, 2*len(tokens))
		for i := range envs {
			envs[i] = []*apptest.Env{one, other}[i%2]
		}
		var n, refused atomic.Int32
		apptest.AtOnce(t, envs, func(e *apptest.Env) error {
			token := tokens[int(n.Add(1)-1)/2]
			switch res := e.Do(req{Method: "POST", Path: "/api/v1/ideas/" + id + "/vote", Token: token}); res.Status {
			case http.StatusOK:
			case http.StatusConflict:
				refused.Add(1)
			default:
				return fmt.Errorf("vote: %d %s", res.Status, res.Body)
			}
			return nil
		})
		got := one.Do(req{Method: "GET", Path: "/api/v1/ideas/" + id}).JSON()
		if got["votes"] != float64(len(tokens)+1) || refused.Load() != int32(len(tokens)) {
			t.Errorf("after %d people voted twice at once: %v votes, %d refused", len(tokens), got["votes"], refused.Load())
		}
	})
}

// multipartFile is a form with one file field, and its content type.
func multipartFile(field, name string, data []byte) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile(field, name)
	part.Write(data)
	w.Close()
	return b.String(), w.FormDataContentType()
}

var pngHead = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

func images(t *testing.T, e *apptest.Env) {
	author, other, agent := e.Login("member@yunqi.demo"), e.Login("admin@gangxin.demo"), e.Login("agent@steward.demo")
	id := post(t, e, author, idea("凭证打印模板支持二维码"))["id"].(string)
	upload := func(token, field, name string, data []byte) apptest.Response {
		body, ct := multipartFile(field, name, data)
		return e.Do(req{Method: "POST", Path: "/api/v1/ideas/" + id + "/images", Token: token, Body: body, Header: map[string]string{"Content-Type": ct}})
	}
	res := upload(author, "file", `C:\截图\voucher print (1).PNG`, append(pngHead, 1))
	img := res.JSON()
	if res.Status != http.StatusCreated || img["name"] != "voucher-print-1.png" || img["content_type"] != "image/png" || img["url"] != "/ideas/"+id+"/images/voucher-print-1.png" {
		t.Fatalf("a PNG: %d %s", res.Status, res.Body)
	}
	got := e.Do(req{Method: "GET", Path: img["url"].(string)})
	if got.Status != http.StatusOK || got.Header.Get("Content-Type") != "image/png" || got.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.Equal(got.Body, append(pngHead, 1)) {
		t.Errorf("the picture served: %d %v", got.Status, got.Header)
	}
	if again := upload(author, "file", "other.png", append(pngHead, 1)); again.Status != http.StatusCreated || again.JSON()["name"] != "voucher-print-1.png" {
		t.Errorf("the same bytes again: %d %s", again.Status, again.Body)
	}
	checks := []struct {
		name, token, field, file string
		data                     []byte
		status                   int
		code                     string
	}{
		{"an SVG", author, "file", "x.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusUnsupportedMediaType, "request.invalid"},
		{"an HTML page", author, "file", "x.gif", []byte("<html><script>alert(1)</script>"), http.StatusUnsupportedMediaType, "request.invalid"},
		{"no file field", author, "picture", "x.png", pngHead, http.StatusBadRequest, "request.invalid"},
		{"over 5 MiB", author, "file", "big.png", append(slices.Clone(pngHead), make([]byte, 5<<20)...), http.StatusRequestEntityTooLarge, "idea.image_too_large"},
		{"over the upload limit", author, "file", "huge.png", append(slices.Clone(pngHead), make([]byte, 5<<20+100<<10)...), http.StatusRequestEntityTooLarge, "idea.image_too_large"},
		{"another customer", other, "file", "x.png", append(pngHead, 2), http.StatusForbidden, "role.forbidden"},
	}
	for _, c := range checks {
		res := upload(c.token, c.field, c.file, c.data)
		if res.Status != c.status || res.JSON()["code"] != c.code {
			t.Errorf("%s: %d %.300s, want %d %s", c.name, res.Status, res.Body, c.status, c.code)
		}
		if c.code == "request.invalid" && !strings.Contains(string(res.Body), `"field":"file"`) {
			t.Errorf("%s: the problem does not name file: %s", c.name, res.Body)
		}
	}
	for i := 2; i <= 6; i++ { // vendor staff may add pictures too; six in all
		e.Clock.Advance(time.Second)
		if res := upload(agent, "file", "shot.png", append(pngHead, byte(i))); res.Status != http.StatusCreated {
			t.Fatalf("picture %d: %d %s", i, res.Status, res.Body)
		}
	}
	if res := upload(author, "file", "seventh.png", append(pngHead, 7)); res.Status != http.StatusConflict || res.JSON()["code"] != "idea.too_many_images" {
		t.Errorf("a seventh picture: %d %s", res.Status, res.Body)
	}
	var names []string
	for _, im := range e.Do(req{Method: "GET", Path: "/api/v1/ideas/" + id}).JSON()["images"].([]any) {
		names = append(names, im.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"voucher-print-1.png", "shot.png", "shot-2.png", "shot-3.png", "shot-4.png", "shot-5.png"}) {
		t.Errorf("the idea's pictures: %v", names)
	}
	if res := e.Do(req{Method: "GET", Path: "/ideas/" + id + "/images/nope.png"}); res.Status != http.StatusNotFound {
		t.Errorf("an unknown picture: %d", res.Status)
	}
}
