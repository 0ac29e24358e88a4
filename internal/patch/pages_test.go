package patch_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/patch"
)

func TestPatchCenter(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		id := published(t, e, pm, "PT-PG-0001", ">=8.0", map[string]any{"type": "feature_upgrade",
			"notes": map[string]string{"zh": "修复了**库存**结转。", "en": "Fixes the **inventory** close."}})
		cumulative := published(t, e, pm, "PT-PG-0002", ">=8.0", map[string]any{"supersedes": []string{"PT-PG-0001"}})

		// An entitled customer on 9.0 sees both, the notes as HTML, download
		// buttons, and a plan for its contract's version with the cumulative
		// patch replacing the first.
		cloud := e.Browser("admin@yunqi.demo", "zh-CN")
		w := cloud.Get("/portal/patches")
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("patch center: %d %s", w.Code, body)
		}
		apptest.MustContain(t, "patch center", body, `href="/portal/patches"`, "PT-PG-0001", "功能升级", "修复了<strong>库存</strong>结转。",
			`href="`+patch.FilePath(id, "PT-PG-0001.zip")+`"`, `name="version" maxlength="40" value="9.0"`,
			`<li data-number="PT-PG-0002">`, "替代：PT-PG-0001", "k3cloud 9.0 的安装步骤")
		if strings.Contains(body, `data-testid="refusal"`) {
			t.Error("an entitled customer is refused")
		}
		if w := cloud.Get("/portal/patches?version=8.0&installed=PT-PG-0002"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `<li data-number="PT-PG-0002">`) ||
			strings.Contains(w.Body.String(), `<li data-number="PT-PG-0001">`) || !strings.Contains(w.Body.String(), "k3cloud 8.0 的安装步骤") {
			t.Errorf("plan with the cumulative patch installed: %d", w.Code)
		}

		// Blocked patches say why in words; conflicts name both sides.
		withdrawn := published(t, e, pm, "PT-PG-0010", ">=8.0", nil)
		published(t, e, pm, "PT-PG-0011", ">=8.0", map[string]any{"requires": []string{"PT-PG-0010"}})
		published(t, e, pm, "PT-PG-0012", ">=8.0", map[string]any{"conflicts_with": []string{"PT-PG-0002"}})
		if res := e.Do(req{Method: "POST", Path: "/api/v1/patches/" + withdrawn + "/withdraw", Token: pm, Body: map[string]string{"reason": "回退"}}); res.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", res.Status, res.Body)
		}
		body = cloud.Get("/portal/patches").Body.String()
		apptest.MustContain(t, "plan", body, `<li data-testid="blocked" data-number="PT-PG-0011"><strong>PT-PG-0011</strong> 修复 PT-PG-0011：无法安装：它依赖的补丁已被撤回`,
			"（涉及：PT-PG-0010）", "不能同时安装")
		if i := strings.Index(body, `data-testid="conflict"`); i < 0 || !strings.Contains(body[i:], "PT-PG-0012") || !strings.Contains(body[i:], "PT-PG-0002") {
			t.Error("the conflict does not name both patches")
		}

		// Bad plan input is named next to its field, in the reader's language.
		for lang, want := range map[string]string{"zh-CN": "不是有效的版本号", "en": "not a valid version"} {
			w := e.Browser("member@yunqi.demo", lang).Get("/portal/patches?product=k3cloud&version=9.x")
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `<small class="field-error">`) || !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s: bad version: %d", lang, w.Code)
			}
		}
		if w := cloud.Get("/portal/patches?installed=" + url.QueryEscape("PT-PG-0001 ../etc")); w.Code != http.StatusBadRequest ||
			!strings.Contains(w.Body.String(), "只能包含字母、数字") {
			t.Errorf("bad installed number: %d", w.Code)
		}
		if w := cloud.Get("/portal/patches?product=nope"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "没有这个产品") {
			t.Errorf("unknown product: %d", w.Code)
		}

		// The Singapore customer is outside the catalog's regions: the
		// refusal in words instead of download buttons.
		w = e.Browser("admin@lioncity.demo", "en").Get("/portal/patches")
		apptest.MustContain(t, "SG patch center", w.Body.String(), `data-testid="refusal"`, "only to customers in mainland China", "My services", "PT-PG-0001")
		if strings.Contains(w.Body.String(), `data-testid="download"`) {
			t.Error("a refused customer gets download buttons")
		}

		// The patch page: its own products' patches only, no drafts.
		apptest.MustContain(t, "patch page", cloud.Get(portalPath(cumulative)).Body.String(), "PT-PG-0002", "PT-PG-0001", `data-testid="download"`)
		if err := e.App.Products.EnsureProduct(context.Background(), lifecycle.Product{Code: "hr", Name: lifecycle.Text{Zh: "人力", En: "HR"},
			Deployments: []string{"public_cloud"}}, []lifecycle.Version{{Name: "1.0", ReleasedOn: "2025-01-01", StandardSupportUntil: "2030-12-31"}}); err != nil {
			t.Fatal(err)
		}
		other := publishedOf(t, e, pm, "hr", "HR-0001")
		draftID := draft(t, e, pm, "PT-PG-0003", ">=8.0", nil)
		for _, path := range []string{portalPath(other), portalPath(draftID), "/portal/patches/pat_nope"} {
			if w := cloud.Get(path); w.Code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, w.Code)
			}
		}
		if w := e.Browser("pm@steward.demo", "zh-CN").Get("/portal/patches"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console" {
			t.Errorf("vendor staff on the portal: %d %s", w.Code, w.Header().Get("Location"))
		}

		// After 2026-12-31 the perpetual customer's 8.0 license no longer
		// gives patch downloads: the reason says why and what to do.
		e.Clock.Set(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC))
		perpetual := e.Browser("admin@huabei.demo", "zh-CN")
		w = perpetual.Get("/portal/patches")
		apptest.MustContain(t, "perpetual patch center", w.Body.String(), `data-testid="refusal"`, "k3cloud 8.0", "2026-12-31", "升级到仍在标准服务期内的版本", "PT-PG-0002")
		if strings.Contains(w.Body.String(), `data-testid="download"`) {
			t.Error("the perpetual customer gets download buttons after its service ended")
		}
		apptest.MustContain(t, "perpetual patch page", perpetual.Get(portalPath(id)).Body.String(), `data-testid="refusal"`, "2026-12-31")
	})
}

// publishedOf publishes a patch of another product than k3cloud.
func publishedOf(t *testing.T, e *apptest.Env, pm, product, number string) string {
	t.Helper()
	res := e.Do(req{Method: "POST", Path: "/api/v1/patches", Token: pm, Body: map[string]any{"number": number, "product": product,
		"type": "defect_fix", "title": map[string]string{"zh": "修复", "en": "Fix"}, "applies_to": ">=1.0"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", number, res.Status, res.Body)
	}
	id := res.JSON()["id"].(string)
	upload(t, e, pm, id, "fix.zip", "fix")
	if res := e.Do(req{Method: "POST", Path: "/api/v1/patches/" + id + "/publish", Token: pm}); res.Status != http.StatusOK {
		t.Fatalf("publish %s: %d %s", number, res.Status, res.Body)
	}
	return id
}

// multipartFile is a form with one file field.
func multipartFile(t *testing.T, name, content string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func TestConsolePatchPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Browser("pm@steward.demo", "zh-CN")
		w := pm.Get("/console/patches")
		apptest.MustContain(t, "console list", w.Body.String(), `href="/console/patches"`, `data-testid="patch-create"`, `<option value="withdrawn">已撤回</option>`)

		// Field errors next to the fields, in the person's language.
		bad := url.Values{"number": {"bad number!"}, "product": {"k3cloud"}, "type": {"defect_fix"}, "title_zh": {""}, "title_en": {"Fix"},
			"applies_to": {">=9 <8"}}
		w = pm.PostForm("/console/patches", bad)
		apptest.MustContain(t, "bad draft", w.Body.String(), "只能包含字母、数字、点、下划线和连字符", "描述的范围不包含任何版本", `value="bad number!"`, "必填")
		if w.Code != http.StatusBadRequest {
			t.Errorf("bad draft: %d", w.Code)
		}
		bad = url.Values{"number": {"PT-PC-0001"}, "product": {"k3cloud"}, "type": {"defect_fix"}, "title_zh": {"修复"}, "title_en": {"Fix"},
			"applies_to": {">=8.0"}, "requires": {"PT-NOPE, PT-NOPE2"}}
		w = e.Browser("pm@steward.demo", "en").PostForm("/console/patches", bad)
		apptest.MustContain(t, "unknown prerequisite", w.Body.String(), "PT-NOPE: is not a patch number of this product", "PT-NOPE2: is not a patch number")
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("unknown prerequisite: %d", w.Code)
		}

		good := url.Values{"number": {"PT-PC-0001"}, "product": {"k3cloud"}, "type": {"defect_fix"}, "title_zh": {"修复库存"}, "title_en": {"Fix inventory"},
			"notes_zh": {"说明"}, "notes_en": {"Notes"}, "applies_to": {">=8.0"}}
		w = pm.PostForm("/console/patches", good)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/console/patches/pat_") {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		page := strings.TrimSuffix(w.Header().Get("Location"), "?done=created")
		id := strings.TrimPrefix(page, "/console/patches/")
		apptest.MustContain(t, "new draft", pm.Get(page+"?done=created").Body.String(), "草稿已创建", `data-testid="patch-upload"`,
			`data-upload-api="/api/v1/patches/`+id+`/files/"`, "修复库存")

		// Without files it cannot be published; the reason shows on the page.
		if w := pm.PostForm(page+"/publish", nil); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请先上传至少一个文件") {
			t.Errorf("publish without files: %d", w.Code)
		}
		ct, body := multipartFile(t, "fix 1.zip", "x")
		if w := pm.Do("POST", page+"/files", ct, body); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "只能包含英文字母、数字") {
			t.Errorf("bad file name: %d", w.Code)
		}
		ct, body = multipartFile(t, "fix-1.zip", "the fix")
		if w := pm.Do("POST", page+"/files", ct, body); w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		apptest.MustContain(t, "after upload", pm.Get(page+"?done=uploaded").Body.String(), "文件已上传并签名", `<tr data-file="fix-1.zip">`, sum("the fix"))

		// Edit, publish; a published patch's form has the notes only.
		edit := url.Values{"type": {"feature_upgrade"}, "title_zh": {"修复库存结转"}, "title_en": {"Fix inventory close"}, "notes_zh": {"新说明"},
			"notes_en": {"New notes"}, "applies_to": {">=8.0 <10"}, "requires": {""}, "supersedes": {""}, "conflicts_with": {""}}
		if w := pm.PostForm(page, edit); w.Code != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", w.Code, w.Body)
		}
		if w := pm.PostForm(page+"/publish", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", w.Code, w.Body)
		}
		w = pm.Get(page + "?done=published")
		apptest.MustContain(t, "published", w.Body.String(), "补丁已发布", "修复库存结转", "<code>&gt;=8.0 &lt;10</code>", `data-testid="patch-withdraw"`)
		if strings.Contains(w.Body.String(), `name="applies_to"`) || strings.Contains(w.Body.String(), `data-testid="patch-upload"`) {
			t.Error("a published patch offers more than its notes to edit, or an upload")
		}

		// Download statistics name the organisation.
		cloud := e.Browser("admin@yunqi.demo", "zh-CN")
		if w := cloud.Get(patch.FilePath(id, "fix-1.zip")); w.Code != http.StatusOK || w.Body.String() != "the fix" {
			t.Fatalf("download with the session: %d %q", w.Code, w.Body)
		}
		if err := e.App.Patches.Downloads.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		apptest.MustContain(t, "stats", pm.Get(page).Body.String(), "共 1 次下载", "云启制造有限公司")

		// A draft that requires it, to be published after it is withdrawn.
		dependant := url.Values{"number": {"PT-PC-0002"}, "product": {"k3cloud"}, "type": {"defect_fix"}, "title_zh": {"后续修复"},
			"title_en": {"Follow-up fix"}, "applies_to": {">=8.0"}, "requires": {"PT-PC-0001"}}
		w = pm.PostForm("/console/patches", dependant)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("create the dependant: %d %s", w.Code, w.Body)
		}
		dependantPage := strings.TrimSuffix(w.Header().Get("Location"), "?done=created")
		ct, body = multipartFile(t, "fix-2.zip", "the follow-up")
		if w := pm.Do("POST", dependantPage+"/files", ct, body); w.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}

		// Withdrawing needs a reason and the tick.
		w = pm.PostForm(page+"/withdraw", url.Values{"reason": {""}})
		apptest.MustContain(t, "unconfirmed withdrawal", w.Body.String(), "请勾选以确认撤回", "必填")
		if w.Code != http.StatusBadRequest {
			t.Errorf("unconfirmed withdrawal: %d", w.Code)
		}
		if w := pm.PostForm(page+"/withdraw", url.Values{"reason": {"breaks month-end close"}, "confirm": {"yes"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %s", w.Code, w.Body)
		}
		apptest.MustContain(t, "withdrawn", pm.Get(page+"?done=withdrawn").Body.String(), "补丁已撤回", "breaks month-end close")
		w = pm.PostForm(dependantPage+"/publish", nil)
		apptest.MustContain(t, "publish after the prerequisite's withdrawal", w.Body.String(), `data-testid="publish-errors"`,
			"前置补丁: PT-PC-0001: 是已撤回的补丁")
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("publish after the prerequisite's withdrawal: %d", w.Code)
		}
		if w := pm.Get("/console/patches?status=withdrawn&product=k3cloud"); !strings.Contains(w.Body.String(), `<tr data-number="PT-PC-0001">`) {
			t.Errorf("filter by status: %d", w.Code)
		}

		// An agent reads without forms; customers are not let in.
		agent := e.Browser("agent@steward.demo", "zh-CN")
		if w := agent.Get("/console/patches"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), `data-testid="patch-create"`) {
			t.Errorf("agent list: %d", w.Code)
		}
		if w := agent.PostForm("/console/patches", good); w.Code != http.StatusForbidden {
			t.Errorf("agent creates: %d", w.Code)
		}
		if w := cloud.Get(page); w.Code != http.StatusForbidden {
			t.Errorf("customer on the console: %d", w.Code)
		}
	})
}

// portalPath is a patch's page in the portal.
func portalPath(patchID string) string { return "/portal/patches/" + patchID }
