package ideas_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func mergeMovesVotesFollowersAndCommentsWithoutCountingTwice(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	dup := d.post(yunqi, "出库单支持批量打印")           // voted and followed by its author
	keep := d.post(gangxin, "出库单批量打印并合并成一个PDF") // voted and followed by its author
	for _, who := range []string{yunqiAdm, huabei} {
		d.must(who, "POST", "/api/v1/ideas/"+dup+"/vote", nil, http.StatusOK)
	}
	d.must(huabei, "POST", "/api/v1/ideas/"+keep+"/vote", nil, http.StatusOK) // voted for both: counts once
	d.must(huabei, "POST", "/api/v1/ideas/"+keep+"/follow", nil, http.StatusOK)
	d.must(huabei, "POST", "/api/v1/ideas/"+dup+"/follow", nil, http.StatusOK)
	d.must(yunqiAdm, "POST", "/api/v1/ideas/"+dup+"/comments", map[string]any{"body": "我们每天要打印上百张"}, http.StatusCreated)
	d.must(agent, "POST", "/api/v1/ideas/"+keep+"/comments", map[string]any{"body": "已记录"}, http.StatusCreated)

	survivor := d.must(pm, "POST", "/api/v1/ideas/"+dup+"/merge", map[string]any{"into": keep}, http.StatusOK)
	// Voters: gangxin, huabei (both ideas), yunqi, yunqiAdm.
	if survivor["id"] != keep || survivor["votes"] != 4.0 || survivor["followers"] != 3.0 || survivor["comments"] != 2.0 {
		t.Errorf("the survivor: id %v votes %v followers %v comments %v, want %s 4 3 2",
			survivor["id"], survivor["votes"], survivor["followers"], survivor["comments"], keep)
	}
	var votes, duplicateRows int
	ctx := context.Background()
	if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM idea_votes WHERE idea_id = ?`, keep).Scan(&votes); err != nil || votes != 4 {
		t.Errorf("vote rows of the survivor: %d %v", votes, err)
	}
	if err := e.App.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM idea_votes WHERE idea_id = ?) + (SELECT COUNT(*) FROM idea_followers WHERE idea_id = ?)
		+ (SELECT COUNT(*) FROM idea_comments WHERE idea_id = ?)`, dup, dup, dup).Scan(&duplicateRows); err != nil || duplicateRows != 0 {
		t.Errorf("the duplicate keeps %d votes, followers and comments (%v)", duplicateRows, err)
	}
	comments := e.Do(d.req("", "GET", "/api/v1/ideas/"+keep+"/comments", nil)).Items()
	if len(comments) != 2 || comments[0]["body"] != "我们每天要打印上百张" {
		t.Errorf("comments of the survivor: %v", comments)
	}
	if voted := d.must(yunqiAdm, "GET", "/api/v1/ideas/"+keep, nil, http.StatusOK); voted["voted"] != true {
		t.Errorf("a voter of the duplicate has not voted for the survivor: %v", voted)
	}

	// The duplicate leads to the survivor, says so in its history, and left the search.
	res := e.Do(d.req("", "GET", "/api/v1/ideas/"+dup, nil))
	if res.Status != http.StatusPermanentRedirect || res.Header.Get("Location") != "/api/v1/ideas/"+keep {
		t.Errorf("the duplicate answers %d to %q", res.Status, res.Header.Get("Location"))
	}
	merged := res.JSON()
	if merged["merged_into"] != keep || !strings.Contains(lastChange(t, merged)["explanation"].(string), keep) {
		t.Errorf("the merged idea: %v", merged)
	}
	var indexed int
	if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM search_docs WHERE type = 'idea' AND id = ?`, dup).Scan(&indexed); err != nil || indexed != 0 {
		t.Errorf("the duplicate is still in the search (%d, %v)", indexed, err)
	}

	// The duplicate's people are told where it went, the product manager not.
	for _, who := range []string{yunqi, yunqiAdm, huabei, gangxin, pm} {
		told := 0
		for _, n := range d.notices(who, keep) {
			if strings.Contains(n["title"].(map[string]any)["zh"].(string), "已合并到") {
				told++
			}
		}
		if want := map[bool]int{true: 1}[who != gangxin && who != pm]; told != want {
			t.Errorf("%s has %d notices of the merge, want %d", who, told, want)
		}
	}
	e.Run(t, []apptest.Check{
		{Name: "voting on the duplicate", Req: d.req(gangxin, "POST", "/api/v1/ideas/"+dup+"/vote", nil),
			Status: http.StatusConflict, Code: "idea.merged", Fields: map[string]any{"into": keep}},
	})
}

func mergeRefusals(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	a, b, c := d.post(yunqi, "报表支持导出到 Excel 模板"), d.post(gangxin, "报表按模板导出 Excel"), d.post(huabei, "Export reports to Excel templates")
	merge := func(who, from string, into any) apptest.Request {
		return d.req(who, "POST", "/api/v1/ideas/"+from+"/merge", map[string]any{"into": into})
	}
	e.Run(t, []apptest.Check{
		{Name: "a visitor", Req: merge("", a, b), Status: http.StatusUnauthorized},
		{Name: "a customer, before the body", Req: d.req(yunqi, "POST", "/api/v1/ideas/"+a+"/merge", "not json"), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "an engineer", Req: merge(engineer, a, b), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "no into", Req: merge(pm, a, ""), Status: http.StatusBadRequest, Field: "into"},
		{Name: "into of the wrong type", Req: merge(pm, a, 7), Status: http.StatusBadRequest, Field: "into"},
		{Name: "into unknown", Req: merge(pm, a, "idea_nope"), Status: http.StatusBadRequest, Field: "into"},
		{Name: "an unknown duplicate", Req: merge(pm, "idea_nope", b), Status: http.StatusNotFound},
		{Name: "into itself", Req: merge(pm, a, a), Status: http.StatusConflict, Code: "idea.merge_self"},
	})
	d.must(pm, "POST", "/api/v1/ideas/"+a+"/merge", map[string]any{"into": b}, http.StatusOK)
	e.Run(t, []apptest.Check{
		{Name: "a merged duplicate", Req: merge(pm, a, c), Status: http.StatusConflict, Code: "idea.merged", Fields: map[string]any{"into": b}},
		{Name: "into a merged idea", Req: merge(pm, c, a), Status: http.StatusConflict, Code: "idea.merge_cycle", Fields: map[string]any{"merge_into": b}},
		{Name: "back into its own duplicate", Req: merge(pm, b, a), Status: http.StatusConflict, Code: "idea.merge_cycle", Fields: map[string]any{"merge_into": nil}},
	})
	// The advice is right: merging into the survivor works, and a chain
	// of merges ends at one live idea.
	if got := d.must(pm, "POST", "/api/v1/ideas/"+c+"/merge", map[string]any{"into": b}, http.StatusOK); got["votes"] != 3.0 {
		t.Errorf("three authors' votes on the survivor: %v", got["votes"])
	}

	// Two ideas with titles as long as allowed merge, and the news quoting
	// both still fits a notice.
	long := func(word string) string { return strings.Repeat(word, 120/len([]rune(word))) }
	from, into := d.post(yunqi, long("应付单批量")), d.post(gangxin, long("Batch AP "))
	d.must(pm, "POST", "/api/v1/ideas/"+from+"/merge", map[string]any{"into": into}, http.StatusOK)
	if got := d.notices(yunqi, into); len(got) != 1 || !strings.HasPrefix(got[0]["title"].(map[string]any)["en"].(string), "The idea you voted for") {
		t.Errorf("the author of a long-titled duplicate was told: %v", got)
	}
}
