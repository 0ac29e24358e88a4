package ideas_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

// productManagersAnswerAndMerge checks the console: filters, demand, export link, the status and merge forms with their errors, and the 301 of a merged idea.
func productManagersAnswerAndMerge(t *testing.T, e *apptest.Env) {
	author := e.Browser("admin@yunqi.demo", "zh-CN")
	other := e.Browser("admin@gangxin.demo", "zh-CN")
	pm := e.Browser("pm@steward.demo", "zh-CN")
	page := postIdea(t, author, "总账支持多币种期末调汇自动生成凭证")
	id := strings.TrimPrefix(page, "/ideas/")
	submit(t, other, page+"/vote", nil, page)

	if w := author.Get("/console/ideas"); w.Code != http.StatusForbidden {
		t.Errorf("a customer opens the console: %d", w.Code)
	}
	if w := author.Get("/console/ideas/" + id); w.Code != http.StatusForbidden {
		t.Errorf("a customer opens an idea's console page: %d", w.Code)
	}
	if w := author.PostForm("/console/ideas/"+id+"/status", url.Values{"status": {"planned"}, "explanation": {"x"}}); w.Code != http.StatusForbidden {
		t.Errorf("a customer changes a status: %d", w.Code)
	}
	apptest.MustContain(t, "pm's idea page", pm.Get(page).Body.String(), `href="/console/ideas/`+id+`"`)

	list := pm.Get("/console/ideas?product=k3cloud&deployment=public_cloud")
	if list.Code != http.StatusOK {
		t.Fatalf("the console: %d %.300s", list.Code, list.Body.String())
	}
	apptest.MustContain(t, "console", list.Body.String(), `href="/console/ideas/`+id+`"`, "需求组织数", `<td data-label="需求组织数" data-testid="org-count">2</td>`,
		`href="/api/v1/ideas/export?deployment=public_cloud&amp;product=k3cloud"`, "私有云（订阅）")
	csv := pm.Get("/api/v1/ideas/export?deployment=public_cloud&product=k3cloud")
	if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("the export link in the browser's session: %d %s", csv.Code, csv.Header().Get("Content-Type"))
	}
	apptest.MustContain(t, "export", csv.Body.String(), "总账支持多币种期末调汇自动生成凭证")
	apptest.MustContain(t, "by organisation", pm.Get("/console/ideas?org=org_demo_hk").Body.String(), `href="/console/ideas/`+id+`"`)
	apptest.MustContain(t, "by module", pm.Get("/console/ideas?sort=new&module=gl").Body.String(), `href="/console/ideas/`+id+`"`)
	apptest.MustLack(t, "by another module", pm.Get("/console/ideas?sort=new&module=mfg").Body.String(), `href="/console/ideas/`+id+`"`)
	if w := author.Get("/ideas?org=org_demo_hk"); w.Code != http.StatusForbidden {
		t.Errorf("a customer filters the square by organisation: %d", w.Code)
	}

	detail := pm.Get("/console/ideas/" + id).Body.String()
	apptest.MustContain(t, "demand", detail, "需求组织（2 家）", "云启制造有限公司", "港新貿易有限公司", "YQ-2025-0101", `href="/console/ideas?org=org_demo_cloud"`,
		"补丁编号或版本号，如 PT-2026-0201 或 9.0")

	w := pm.PostForm("/console/ideas/"+id+"/status", url.Values{"status": {"planned"}, "explanation": {" "}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("a status without explanation: %d", w.Code)
	}
	apptest.MustContain(t, "refused status", w.Body.String(), `<small class="field-error">`, `<option value="planned" selected>`)
	w = pm.PostForm("/console/ideas/"+id+"/status", url.Values{"status": {"shipped"}, "explanation": {"已在补丁中提供"}, "shipped_in": {"PT-1999-0001"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("shipped in a patch that does not exist: %d", w.Code)
	}
	apptest.MustContain(t, "refused patch", w.Body.String(), `<small class="field-error">`, `value="PT-1999-0001"`, "已在补丁中提供")

	submit(t, pm, "/console/ideas/"+id+"/status", url.Values{"status": {"planned"}, "explanation": {"排进 2027 年第一季度的版本。"}}, "/console/ideas/"+id+"?done=status")
	submit(t, pm, "/console/ideas/"+id+"/status", url.Values{"status": {"shipped"}, "explanation": {"补丁已发布，安装后在【期末调汇】里启用。"},
		"shipped_in": {"PT-2026-0201"}}, "/console/ideas/"+id+"?done=status")
	seen := string(visit(e, page, "zh-CN").Body)
	apptest.MustContain(t, "history", seen, "已发布于 补丁 PT-2026-0201", `href="/patches/k3cloud/PT-2026-0201"`, "排进 2027 年第一季度的版本。",
		"补丁已发布，安装后在【期末调汇】里启用。", "已计划")
	apptest.MustLack(t, "shipped", seen, `data-testid="vote"`)
	apptest.MustContain(t, "roadmap", string(visit(e, "/ideas/roadmap?product=k3cloud", "zh-CN").Body), `href="`+page+`"`)

	// A duplicate merged into it leads there, for good.
	dup := postIdea(t, other, "期末调汇能不能自动生成凭证")
	dupID := strings.TrimPrefix(dup, "/ideas/")
	w = pm.PostForm("/console/ideas/"+dupID+"/merge", url.Values{"into": {dupID}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `value="`+dupID+`"`) {
		t.Errorf("merging an idea into itself: %d", w.Code)
	}
	submit(t, pm, "/console/ideas/"+dupID+"/merge", url.Values{"into": {"http://steward.example" + page + "?x=1"}}, "/console/ideas/"+id+"?done=merged")
	res := visit(e, dup, "zh-CN")
	if res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != page {
		t.Errorf("the merged idea's page: %d to %q, want 301 to %s", res.Status, res.Header.Get("Location"), page)
	}
	newest := pm.Get("/console/ideas?sort=new").Body.String()
	apptest.MustContain(t, "console after the merge", newest, `href="/console/ideas/`+id+`"`)
	apptest.MustLack(t, "console after the merge", newest, `href="/console/ideas/`+dupID+`"`)
}
