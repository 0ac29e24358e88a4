package hotline_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/hotline"
)

// reportForm is a complete report as the portal's form posts it.
func reportForm(title string) url.Values {
	return url.Values{"title": {title}, "description": {"所有用户无法登录。"}, "users_affected": {"all"},
		"business_stopped": {"true"}, "since": {"2026-11-27T09:30"}, "contact_name": {"张伟"}, "contact_phone": {"138 0013 8000"},
		"idempotency_key": {fmt.Sprintf("form-%x", title)}}
}

// left is how many reports the organisation has left now, as the
// entitlement engine counts them (the demo data has used some).
func left(t *testing.T, e *apptest.Env, orgID string) int {
	t.Helper()
	ent, err := e.App.Entitlements.Lookup(context.Background(), orgID, hotline.ServiceCode, e.Clock.Now())
	if err != nil || ent.Quota == nil {
		t.Fatalf("quota of %s: %v %v", orgID, ent, err)
	}
	return ent.Quota.Remaining
}

// reported sends the form and returns the new rescue's page.
func reported(t *testing.T, b *apptest.Browser, title string) string {
	t.Helper()
	w := b.PostForm("/portal/rescue", reportForm(title))
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/portal/rescues/") {
		t.Fatalf("report: %d %s %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	page, _, _ := strings.Cut(w.Header().Get("Location"), "?")
	return page
}

// TestReportForm: the form explains what counts, shows the quota and the
// promise, puts the service's errors beside the fields (a time it cannot
// read with its own message), files the report once however often the
// same form is sent, and leads to the report's page with its clocks.
func TestReportForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		before := left(t, e, "org_demo_cloud")
		zh := e.Browser("member@yunqi.demo", "zh-CN")
		w := zh.Get("/portal/rescue")
		if w.Code != http.StatusOK {
			t.Fatalf("report page: %d %s", w.Code, w.Body)
		}
		apptest.MustContain(t, "report page", w.Body.String(), "报告致命故障", "7×24 小时（北京时间）", "15 分钟内", "每 60 分钟",
			fmt.Sprintf(`data-remaining="%d"`, before), fmt.Sprintf("本服务年度还可报告 %d 次（共 4 次），服务年度截至 2026-12-31", before), "客户人员的操作", "病毒", "第三方产品", "硬件或网络故障",
			`name="since" required value="2026-11-27T10:00"`, `action="/portal/rescue#report"`)

		bad := url.Values{"title": {""}, "since": {"昨天晚上"}, "contact_phone": {"座机"}, "idempotency_key": {"k1"}}
		w = zh.PostForm("/portal/rescue", bad)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("bad report: %d", w.Code)
		}
		apptest.MustContain(t, "refused form", w.Body.String(), `<small class="field-error">必填</small>`,
			"须为日期和时间（北京时间），例如 2026-11-27 08:30", `value="座机"`, fmt.Sprintf(`data-remaining="%d"`, before))

		page := reported(t, zh, "总账无法过账")
		if again := reported(t, zh, "总账无法过账"); again != page {
			t.Errorf("the same form sent twice filed %s and %s", page, again)
		}
		w = zh.Get(page + "?done=reported")
		apptest.MustContain(t, "report's page", w.Body.String(), "报告已发送", "总账无法过账", "已报告", `data-clock="ack"`, "还剩 0:15:00",
			"应于 2026-11-27 10:15 前", fmt.Sprintf(`data-remaining="%d"`, before-1), "全部用户", "张伟", `enctype="multipart/form-data"`)

		en := e.Browser("member@yunqi.demo", "en")
		apptest.MustContain(t, "English report page", en.Get("/portal/rescue").Body.String(), "Report a fatal failure", fmt.Sprintf("%d of 4 reports left", before-1),
			"the customer staff")
		apptest.MustContain(t, "English list", en.Get("/portal/rescues").Body.String(), "总账无法过账", page)

		// "My services" links the service's page, which leads each side to its own.
		apptest.MustContain(t, "my services", zh.Get("/portal/services").Body.String(), `href="/rescues" data-testid="go"`)
		if w := zh.Get("/rescues"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/portal/rescue" {
			t.Errorf("a customer opening /rescues: %d %s", w.Code, w.Header().Get("Location"))
		}
		if w := e.Browser("engineer@steward.demo", "zh-CN").Get("/rescues"); w.Header().Get("Location") != "/console/rescues" {
			t.Errorf("an engineer opening /rescues: %d %s", w.Code, w.Header().Get("Location"))
		}

		// Outside the catalog's regions the page says why, with no form.
		sg := e.Browser("admin@lioncity.demo", "en")
		w = sg.Get("/portal/rescue")
		apptest.MustContain(t, "SG report page", w.Body.String(), `data-testid="refusal"`, "does not apply in your region", "service robot")
		if strings.Contains(w.Body.String(), `data-testid="rescue-form"`) {
			t.Error("the SG customer is offered the form")
		}
	})
}

// TestConsoleWorkspace: the queue lists the report with its countdown;
// the engineer acknowledges, writes an internal note and downgrades; the
// customer then reads the reason and the refund, with the count restored
// and without the note. A customer cannot open the console's pages, nor
// another organisation's report.
func TestConsoleWorkspace(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		before := left(t, e, "org_demo_cloud")
		customer := e.Browser("admin@yunqi.demo", "zh-CN")
		page := reported(t, customer, "出库单无法保存")
		id := strings.TrimPrefix(page, "/portal/rescues/")
		console := "/console/rescues/" + id

		engineer := e.Browser("engineer@steward.demo", "zh-CN")
		w := engineer.Get("/console/rescues")
		apptest.MustContain(t, "queue", w.Body.String(), `<tr data-rescue="`+id+`"`, "云启制造有限公司", "还剩 0:15:00", `hx-trigger="every 5s"`,
			`data-server-now="2026-11-27T02:00:00Z"`, `name="caller_name"`)
		e.Clock.Advance(10 * time.Minute)

		if w := engineer.PostForm(console+"/bogus", nil); w.Code != http.StatusNotFound {
			t.Errorf("an unknown action: %d", w.Code)
		}
		if w := engineer.PostForm(console+"/confirm", nil); w.Code != http.StatusConflict {
			t.Errorf("confirm before ack: %d", w.Code)
		}
		for _, step := range []struct {
			path string
			form url.Values
		}{
			{console + "/ack", nil},
			{console + "/updates", url.Values{"body": {"内部：疑似误删数据"}, "public": {"false"}}},
			{console + "/downgrade", url.Values{"reason": {"excluded_cause"}, "cause": {"customer_operation"}, "note": {"已从备份恢复。"}}},
		} {
			if w := engineer.PostForm(step.path, step.form); w.Code != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.path, w.Code, w.Body)
			}
		}
		w = engineer.Get(console + "?done=downgraded")
		apptest.MustContain(t, "workspace", w.Body.String(), "已降级，额度已退回给客户", `data-clock="ack" data-breached="false"`, "已于 2026-11-27 10:10 完成",
			"内部：疑似误删数据", "内部备注", "客户人员的操作", `data-testid="action-resolve"`)

		w = customer.Get(page)
		apptest.MustContain(t, "customer's page", w.Body.String(), "本报告已降级", "由服务范围以外的原因造成：客户人员的操作", "本次不计入紧急救援次数，额度已退回",
			"已从备份恢复。", fmt.Sprintf(`data-remaining="%d"`, before))
		if strings.Contains(w.Body.String(), "疑似误删") {
			t.Error("the customer sees the internal note")
		}

		// A report nobody acknowledges in time turns red in the queue.
		late := strings.TrimPrefix(reported(t, customer, "凭证无法过账"), "/portal/rescues/")
		e.Clock.Advance(20 * time.Minute)
		apptest.MustContain(t, "queue after 20 minutes", engineer.Get("/console/rescues").Body.String(),
			`<tr data-rescue="`+late+`" data-state="reported" class="breached">`, "已超时 0:05:00")

		if w := customer.Get(console); w.Code != http.StatusForbidden {
			t.Errorf("a customer opening the console's workspace: %d", w.Code)
		}
		if w := e.Browser("admin@gangxin.demo", "en").Get(page); w.Code != http.StatusNotFound {
			t.Errorf("another organisation's report: %d", w.Code)
		}
	})
}

// TestPhoneReportAndAttachment: vendor staff file for a customer who
// phones (the caller is required and named beside its field), and the
// customer attaches a log to the report, which its page links.
func TestPhoneReportAndAttachment(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		agent := e.Browser("agent@steward.demo", "en")
		form := reportForm("Ledger down")
		form.Set("org", "org_demo_perpetual")
		w := agent.PostForm("/console/rescues", form)
		if w.Code != http.StatusBadRequest {
			t.Fatalf("phone report without a caller: %d", w.Code)
		}
		apptest.MustContain(t, "refused phone report", w.Body.String(), `name="caller_name" maxlength="100" required value=""`, "is required")
		form.Set("caller_name", "Li Lei")
		form.Set("caller_phone", "010 8888 6666")
		w = agent.PostForm("/console/rescues", form)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/console/rescues/") {
			t.Fatalf("phone report: %d %s", w.Code, w.Body)
		}
		id := strings.TrimPrefix(strings.Split(w.Header().Get("Location"), "?")[0], "/console/rescues/")
		apptest.MustContain(t, "phone report's workspace", agent.Get("/console/rescues/"+id).Body.String(), "华北精工集团", "phone", "Li Lei 010 8888 6666")

		customer := e.Browser("member@huabei.demo", "zh-CN")
		var empty bytes.Buffer
		ew := multipart.NewWriter(&empty)
		ew.Close()
		w = customer.Do("POST", "/portal/rescues/"+id+"/files", ew.FormDataContentType(), &empty)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `<small class="field-error">必填</small>`) {
			t.Errorf("an upload without a file: %d", w.Code)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, _ := mw.CreateFormFile("file", "app.log")
		part.Write([]byte("2026-11-27 09:30 ERROR ledger locked\n"))
		mw.Close()
		w = customer.Do("POST", "/portal/rescues/"+id+"/files", mw.FormDataContentType(), &body)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("attach: %d %s", w.Code, w.Body)
		}
		apptest.MustContain(t, "customer's page with the log", customer.Get("/portal/rescues/"+id).Body.String(), "app.log", `href="/portal/files/att_`, "添加了附件")
	})
}
