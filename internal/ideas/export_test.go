package ideas_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/ideas"
	"steward.dev/steward/internal/platform/actor"
)

func exportIsCSVThatSpreadsheetsOpenSafely(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	const module = "导出测试"
	author := &actor.Actor{UserID: "u_export", OrgID: "org_demo_cloud", Role: actor.CustomerMember, Name: "导出测试员"}
	// More than one page of the export (200 ideas), posted through the
	// service to keep the test quick.
	for i := range 203 {
		if _, err := e.App.Ideas.Create(context.Background(), author, ideas.Input{Title: fmt.Sprintf("批量想法 %03d", i), Product: "k3cloud",
			Modules: []string{module}}); err != nil {
			t.Fatal(err)
		}
	}
	formulas := []string{`=HYPERLINK("https://evil.example","点我")`, "+1 凭证录入更快", "-负数金额显示为红字", "@提醒 审批人"}
	ids := map[string]string{}
	for _, title := range formulas {
		ids[title] = d.must(yunqi, "POST", "/api/v1/ideas", map[string]any{"title": title, "product": "k3cloud", "modules": []string{module, "gl"}},
			http.StatusCreated)["id"].(string)
	}
	d.must(gangxin, "POST", "/api/v1/ideas/"+ids["+1 凭证录入更快"]+"/vote", nil, http.StatusOK)
	d.status(ids["@提醒 审批人"], "planned", "排期中", "")

	res := e.Do(d.req(pm, "GET", "/api/v1/ideas/export?sort=new&module="+url.QueryEscape(module), nil))
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		res.Header.Get("Content-Disposition") != `attachment; filename="ideas-20261127.csv"` || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("export: %d %v %.300s", res.Status, res.Header, res.Body)
	}
	body, ok := strings.CutPrefix(string(res.Body), "\ufeff")
	if !ok {
		t.Fatalf("the export does not start with a byte order mark: %q", res.Body[:min(len(res.Body), 16)])
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+203+len(formulas) {
		t.Fatalf("%d lines, want a header and %d ideas", len(records), 203+len(formulas))
	}
	if head := strings.Join(records[0], "|"); !strings.HasPrefix(head, "编号 ID|标题 Title|产品 Product|") || len(records[0]) != 10 {
		t.Errorf("header: %q", records[0])
	}
	rows := map[string][]string{}
	for _, r := range records[1:] {
		rows[r[0]] = r
	}
	if first := records[1]; first[0] != ids["@提醒 审批人"] {
		t.Errorf("not newest first: the first row is %q", first)
	}
	for title, ideaID := range ids {
		r := rows[ideaID]
		if r == nil {
			t.Errorf("%q is not exported", title)
			continue
		}
		if r[1] != "'"+title {
			t.Errorf("a title starting like a formula is exported as %q, want it prefixed with '", r[1])
		}
		if r[2] != "k3cloud" || r[3] != module+"; gl" || r[8] != "2026-11-27 10:00" || r[9] != "/ideas/"+ideaID {
			t.Errorf("row of %q: %q", title, r)
		}
	}
	if r := rows[ids["+1 凭证录入更快"]]; r[5] != "2" || r[6] != "1" || r[7] != "2" || r[4] != "待评估 open" {
		t.Errorf("votes, followers, organisations and status of a voted idea: %q", r)
	}
	if r := rows[ids["@提醒 审批人"]]; r[4] != "已计划 planned" || r[7] != "1" {
		t.Errorf("status of a planned idea: %q", r)
	}

	e.Run(t, []apptest.Check{
		{Name: "a customer", Req: d.req(yunqi, "GET", "/api/v1/ideas/export", nil), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "a customer with a product manager's filter", Req: d.req(yunqi, "GET", "/api/v1/ideas/export?org=org_demo_hk", nil),
			Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "a visitor", Req: d.req("", "GET", "/api/v1/ideas/export", nil), Status: http.StatusUnauthorized},
		{Name: "a bad filter", Req: d.req(pm, "GET", "/api/v1/ideas/export?sort=best", nil), Status: http.StatusBadRequest, Field: "sort"},
	})
}
