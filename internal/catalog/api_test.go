package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/catalog"
)

type req = apptest.Request
type check = apptest.Check

// versionOf decodes a version from a response.
func versionOf(t *testing.T, res apptest.Response) catalog.Version {
	t.Helper()
	var v catalog.Version
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatalf("decode version: %v; body %s", err, res.Body)
	}
	return v
}

// draft creates a draft copy of the catalog in effect (with change applied
// to its items, if given) as the product manager.
func draft(t *testing.T, e *apptest.Env, pm, name string, change func([]catalog.Item) []catalog.Item) catalog.Version {
	t.Helper()
	body := map[string]any{"name": name}
	if change != nil {
		cur := versionOf(t, e.Do(req{Method: "GET", Path: "/api/v1/catalog"}))
		body["items"] = change(cur.Items)
	}
	res := e.Do(req{Method: "POST", Path: "/api/v1/catalog/versions", Token: pm, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create draft: %d %s", res.Status, res.Body)
	}
	return versionOf(t, res)
}

func announcePath(v catalog.Version) string { return "/api/v1/catalog/versions/" + v.ID + "/announce" }

func TestDefaultCatalogIsTheSeed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		// Preparing again (a restart) installs nothing twice.
		if err := e.App.Prepare(context.Background()); err != nil {
			t.Fatal(err)
		}
		if list := e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions"}).Items(); len(list) != 1 {
			t.Fatalf("versions after two starts: %d, want 1", len(list))
		}
		res := e.Do(req{Method: "GET", Path: "/api/v1/catalog"}) // public: no token
		if res.Status != http.StatusOK {
			t.Fatalf("GET /api/v1/catalog: %d %s", res.Status, res.Body)
		}
		v := versionOf(t, res)
		if v.Name != "2025-07-01" || v.State != catalog.Effective || v.EffectiveFrom != "2025-07-01" || v.AnnouncedAt == nil {
			t.Errorf("default version: name %q state %q effective_from %q announced_at %v", v.Name, v.State, v.EffectiveFrom, v.AnnouncedAt)
		}
		var codes []string
		for _, it := range v.Items {
			codes = append(codes, it.Code)
			if !slices.Equal(it.Regions, []string{"CN", "HK", "MO"}) {
				t.Errorf("%s: regions %v", it.Code, it.Regions)
			}
			if it.Name.Zh == "" || it.Name.En == "" || it.Description.Zh == "" || it.Description.En == "" {
				t.Errorf("%s: a name or description is missing: %+v", it.Code, it)
			}
		}
		want := []string{"community", "smart_service", "cloud_ops", "patch_download", "requirement_listening", "license_upgrade", "hotline_rescue"}
		if !slices.Equal(codes, want) {
			t.Fatalf("codes %v, want %v", codes, want)
		}
		all := catalog.Deployments
		for _, c := range []struct {
			code, name, delivered, hours string
			applies                      []string
			inDescription                string
		}{
			{"community", "金蝶云社区", "/community", "", all, "互助问答、帮助中心、在线课程"},
			{"smart_service", "智能客服", "/assistant", "7x24", all, "客服机器人、智能语音热线"},
			{"cloud_ops", "公有云运维", "/ops", "", []string{"public_cloud"}, "确保金蝶云系统持续稳定运行"},
			{"patch_download", "产品补丁包下载", "/patches", "", all, "缺陷修正补丁、功能升级包"},
			{"requirement_listening", "需求聆听", "/ideas", "", all, "创新广场"},
			{"license_upgrade", "许可升级", "/licenses", "", []string{"public_cloud", "private_cloud_subscription"}, "与旧版本功能模块、用户数等量的最新版本许可"},
			{"hotline_rescue", "热线服务", "/rescues", "7x24", all, "致命故障是指系统大面积不可用或异常阻塞"},
		} {
			it, _ := v.Item(c.code)
			if it.Name.Zh != c.name || it.DeliveredAt != c.delivered || it.Hours != c.hours || !slices.Equal(it.AppliesTo, c.applies) ||
				!strings.Contains(it.Description.Zh, c.inDescription) {
				t.Errorf("%s: got name %q delivered %q hours %q applies %v description %q", c.code, it.Name.Zh, it.DeliveredAt, it.Hours, it.AppliesTo, it.Description.Zh)
			}
		}
		ops, _ := v.Item("cloud_ops")
		if len(ops.Parts) != 4 || ops.Parts[0].Zh != "标准化的运维保障" || ops.Parts[3].Zh != "持续的标准产品环境版本升级更新服务" {
			t.Errorf("cloud_ops parts: %+v", ops.Parts)
		}
		if len(ops.Exclusions) != 2 || ops.Exclusions[0].Zh != "不含配置调整及测试服务" || ops.Exclusions[1].Zh != "不含定制开发及第三方产品的更新升级" {
			t.Errorf("cloud_ops exclusions: %+v", ops.Exclusions)
		}
		lic, _ := v.Item("license_upgrade")
		if len(lic.Exclusions) != 1 || lic.Exclusions[0].Zh != "不包含升级服务" {
			t.Errorf("license_upgrade exclusions: %+v", lic.Exclusions)
		}
		rescue, _ := v.Item("hotline_rescue")
		if rescue.Quota == nil || *rescue.Quota != (catalog.Quota{Count: 4, Period: catalog.ServiceYear}) ||
			rescue.SLA == nil || *rescue.SLA != (catalog.SLA{AcknowledgeMinutes: 15, UpdateMinutes: 60}) {
			t.Errorf("hotline_rescue quota %+v sla %+v", rescue.Quota, rescue.SLA)
		}
		if err := catalog.ValidateItems(v.Items); err != nil {
			t.Errorf("the default catalog does not pass its own validation: %v", err)
		}
	})
}

// TestNoticeIsThirtyBeijingDays: the earliest effective day is 30 days after
// the announcement's day in Beijing, also when the UTC date is a day behind.
func TestNoticeIsThirtyBeijingDays(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		for _, c := range []struct {
			name, now, effective string
			status               int
			earliest             string
		}{
			{"11-27 Beijing: 29 days' notice", "2026-11-27T02:00:00Z", "2026-12-26", 422, "2026-12-27"},
			{"11-27 Beijing: 30 days' notice", "2026-11-27T02:00:00Z", "2026-12-27", 200, ""},
			// 2026-11-27 18:00 UTC is already 11-28 02:00 in Beijing: 12-27 is only 29 days.
			{"late UTC evening: 29 Beijing days", "2026-11-27T18:00:00Z", "2026-12-27", 422, "2026-12-28"},
			{"late UTC evening: 30 Beijing days", "2026-11-27T18:00:00Z", "2026-12-28", 200, ""},
		} {
			now, _ := time.Parse(time.RFC3339, c.now)
			e.Clock.Set(now)
			v := draft(t, e, pm, c.name, nil)
			res := e.Do(req{Method: "POST", Path: announcePath(v), Token: pm, Body: map[string]string{"effective_from": c.effective}})
			if res.Status != c.status {
				t.Errorf("%s: status %d, want %d; %s", c.name, res.Status, c.status, res.Body)
				continue
			}
			got := res.JSON()
			if c.status == 422 {
				if got["code"] != "catalog.notice_too_short" || got["earliest"] != c.earliest || !strings.Contains(got["detail"].(string), c.earliest) {
					t.Errorf("%s: %s", c.name, res.Body)
				}
				continue
			}
			if got["state"] != "announced" || got["effective_from"] != c.effective {
				t.Errorf("%s: %s", c.name, res.Body)
			}
			// Make room for the next row's date.
			e.Do(req{Method: "POST", Path: "/api/v1/catalog/versions/" + v.ID + "/withdraw", Token: pm})
		}
	})
}

func TestVersionsLifecycleAndEffectiveDay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		changes := 0
		e.App.Catalog.OnChange = func() { changes++ }
		v2 := draft(t, e, pm, "2027 edition", func(items []catalog.Item) []catalog.Item {
			items[6].Quota.Count = 6
			return items
		})
		if v2.State != catalog.Draft || v2.BasedOn != catalog.DefaultID || v2.AnnouncedAt != nil {
			t.Errorf("new draft: %+v", v2)
		}
		e.Run(t, []check{
			{Name: "a draft is editable", Req: req{Method: "PUT", Path: "/api/v1/catalog/versions/" + v2.ID, Token: pm, Body: map[string]any{"name": "2026-12-27"}},
				Status: 200, Fields: map[string]any{"name": "2026-12-27", "state": "draft"}},
			{Name: "a draft cannot be withdrawn", Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + v2.ID + "/withdraw", Token: pm}, Status: 409, Code: "state.conflict"},
			{Name: "announce for 12-27", Req: req{Method: "POST", Path: announcePath(v2), Token: pm, Body: map[string]string{"effective_from": "2026-12-27"}},
				Status: 200, Fields: map[string]any{"state": "announced", "effective_from": "2026-12-27"}},
			{Name: "announced twice", Req: req{Method: "POST", Path: announcePath(v2), Token: pm, Body: map[string]string{"effective_from": "2027-01-27"}}, Status: 409, Code: "state.conflict"},
			{Name: "an announced version is not editable", Req: req{Method: "PUT", Path: "/api/v1/catalog/versions/" + v2.ID, Token: pm, Body: map[string]any{"name": "x"}}, Status: 409, Code: "state.conflict"},
			{Name: "still the default now", Req: req{Method: "GET", Path: "/api/v1/catalog"}, Status: 200, Fields: map[string]any{"id": catalog.DefaultID, "state": "effective"}},
			{Name: "the last Beijing second of 12-26", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2026-12-26T15:59:59Z"}, Status: 200, Fields: map[string]any{"id": catalog.DefaultID}},
			{Name: "12-27 00:00 Beijing is 12-26 16:00 UTC", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2026-12-26T16:00:00Z"}, Status: 200,
				Fields: map[string]any{"id": v2.ID, "state": "effective", "effective_from": "2026-12-27"}},
			{Name: "the same instant with an offset", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2026-12-27T00:00:00%2B08:00"}, Status: 200, Fields: map[string]any{"id": v2.ID}},
			{Name: "the past", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2025-07-01T00:00:00%2B08:00"}, Status: 200, Fields: map[string]any{"id": catalog.DefaultID}},
			{Name: "before the first catalog", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2025-06-30T15:59:59Z"}, Status: 404, Code: "catalog.none_in_effect"},
		})
		if got := e.App.Catalog; got == nil {
			t.Fatal("no catalog service")
		}
		states := func() map[string]string {
			m := map[string]string{}
			for _, it := range e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions"}).Items() {
				m[it["id"].(string)] = it["state"].(string)
			}
			return m
		}
		if s := states(); s[catalog.DefaultID] != "effective" || s[v2.ID] != "announced" {
			t.Errorf("states before the day: %v", s)
		}
		// A third version, announced and then withdrawn before its day.
		v3 := draft(t, e, pm, "withdrawn one", nil)
		e.Run(t, []check{
			{Req: req{Method: "POST", Path: announcePath(v3), Token: pm, Body: map[string]string{"effective_from": "2027-02-01"}}, Status: 200},
			{Name: "withdraw", Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + v3.ID + "/withdraw", Token: pm, Body: "{}"}, Status: 200,
				Fields: map[string]any{"state": "withdrawn"}},
			{Name: "withdrawn twice", Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + v3.ID + "/withdraw", Token: pm}, Status: 409, Code: "state.conflict"},
			{Name: "a withdrawn version never takes effect", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2027-03-01T00:00:00Z"}, Status: 200, Fields: map[string]any{"id": v2.ID}},
		})
		// The effective day comes (Beijing midnight).
		e.Clock.Set(time.Date(2026, 12, 26, 16, 0, 0, 0, time.UTC))
		if s := states(); s[catalog.DefaultID] != "superseded" || s[v2.ID] != "effective" || s[v3.ID] != "withdrawn" {
			t.Errorf("states on the day: %v", s)
		}
		v, err := e.App.Catalog.InEffect(context.Background(), e.Clock.Now())
		if err != nil || v.ID != v2.ID {
			t.Fatalf("InEffect on the day: %v %v", v.ID, err)
		}
		if it, _ := v.Item("hotline_rescue"); it.Quota.Count != 6 {
			t.Errorf("the new version's rescue quota: %+v", it.Quota)
		}
		e.Run(t, []check{
			{Name: "an effective version cannot be withdrawn", Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + v2.ID + "/withdraw", Token: pm}, Status: 409, Code: "state.conflict"},
			{Name: "GET one version", Req: req{Method: "GET", Path: "/api/v1/catalog/versions/" + catalog.DefaultID}, Status: 200, Fields: map[string]any{"state": "superseded"}},
			{Name: "unknown version", Req: req{Method: "GET", Path: "/api/v1/catalog/versions/cat_nope"}, Status: 404, Code: "not_found"},
		})
		// create v2, rename, announce, create v3, announce, withdraw: six changes.
		if changes != 6 {
			t.Errorf("OnChange called %d times, want 6", changes)
		}
	})
}

func TestDiff(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		v2 := draft(t, e, pm, "next", func(items []catalog.Item) []catalog.Item {
			items = slices.DeleteFunc(items, func(it catalog.Item) bool { return it.Code == "requirement_listening" })
			for i := range items {
				if items[i].Code == "hotline_rescue" {
					items[i].Quota.Count = 6
					items[i].SLA.AcknowledgeMinutes = 10
				}
			}
			return append(items, catalog.Item{Code: "onsite_visit", Name: catalog.Text{Zh: "上门服务", En: "On-site visit"},
				Category: catalog.Support, AppliesTo: []string{"private_cloud_perpetual"}, DeliveredAt: "/rescues"})
		})
		res := e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions/" + catalog.DefaultID + "/diff/" + v2.ID})
		if res.Status != 200 {
			t.Fatalf("diff: %d %s", res.Status, res.Body)
		}
		var d catalog.Diff
		json.Unmarshal(res.Body, &d)
		if len(d.Added) != 1 || d.Added[0].Code != "onsite_visit" || len(d.Removed) != 1 || d.Removed[0].Code != "requirement_listening" {
			t.Errorf("added %v removed %v", d.Added, d.Removed)
		}
		if len(d.Changed) != 1 || d.Changed[0].Code != "hotline_rescue" || len(d.Changed[0].Fields) != 2 {
			t.Fatalf("changed: %+v", d.Changed)
		}
		q := d.Changed[0].Fields[0]
		if q.Field != "quota" || fmt.Sprint(q.Old) != "map[count:4 period:service_year]" || fmt.Sprint(q.New) != "map[count:6 period:service_year]" {
			t.Errorf("quota change: %+v", q)
		}
		if s := d.Changed[0].Fields[1]; s.Field != "sla" {
			t.Errorf("second change: %+v", s)
		}
		same := e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions/" + v2.ID + "/diff/" + v2.ID}).JSON()
		if len(same["added"].([]any))+len(same["removed"].([]any))+len(same["changed"].([]any)) != 0 {
			t.Errorf("a version against itself: %v", same)
		}
		e.Run(t, []check{{Req: req{Method: "GET", Path: "/api/v1/catalog/versions/" + v2.ID + "/diff/cat_nope"}, Status: 404, Code: "not_found"}})
	})
}

func TestBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		base := versionOf(t, e.Do(req{Method: "GET", Path: "/api/v1/catalog"})).Items
		with := func(change func(items []catalog.Item) []catalog.Item) map[string]any {
			items := change(slices.Clone(base))
			return map[string]any{"name": "bad", "items": items}
		}
		d := draft(t, e, pm, "for announcing", nil)
		create := func(name string, body any, field string) check {
			return check{Name: name, Req: req{Method: "POST", Path: "/api/v1/catalog/versions", Token: pm, Body: body}, Status: 400, Code: "request.invalid", Field: field}
		}
		e.Run(t, []check{
			create("duplicate code", with(func(it []catalog.Item) []catalog.Item { it[3].Code = "community"; return it }), "items[3].code"),
			create("bad code", with(func(it []catalog.Item) []catalog.Item { it[1].Code = "Smart-Service"; return it }), "items[1].code"),
			create("unknown category", with(func(it []catalog.Item) []catalog.Item { it[0].Category = "gold"; return it }), "items[0].category"),
			create("zero quota", with(func(it []catalog.Item) []catalog.Item {
				it[6].Quota = &catalog.Quota{Count: 0, Period: "service_year"}
				return it
			}), "items[6].quota.count"),
			create("negative quota", with(func(it []catalog.Item) []catalog.Item {
				it[6].Quota = &catalog.Quota{Count: -1, Period: "service_year"}
				return it
			}), "items[6].quota.count"),
			create("bad quota period", with(func(it []catalog.Item) []catalog.Item {
				it[6].Quota = &catalog.Quota{Count: 4, Period: "month"}
				return it
			}), "items[6].quota.period"),
			create("bad deployment", with(func(it []catalog.Item) []catalog.Item { it[0].AppliesTo = []string{"on_premise"}; return it }), "items[0].applies_to[0]"),
			create("no deployment", with(func(it []catalog.Item) []catalog.Item { it[2].AppliesTo = nil; return it }), "items[2].applies_to"),
			create("bad region", with(func(it []catalog.Item) []catalog.Item { it[0].Regions = []string{"CHN"}; return it }), "items[0].regions[0]"),
			create("bad hours", with(func(it []catalog.Item) []catalog.Item { it[1].Hours = "7×24"; return it }), "items[1].hours"),
			create("missing English name", with(func(it []catalog.Item) []catalog.Item { it[4].Name.En = " "; return it }), "items[4].name.en"),
			create("external delivery link", with(func(it []catalog.Item) []catalog.Item { it[4].DeliveredAt = "https://evil.example/"; return it }), "items[4].delivered_at"),
			create("no items", map[string]any{"name": "empty", "items": []any{}}, "items"),
			create("no name", map[string]any{"based_on": catalog.DefaultID}, "name"),
			create("unknown based_on", map[string]any{"name": "x", "based_on": "cat_nope"}, "based_on"),
			create("unknown field", map[string]any{"name": "x", "colour": "red"}, "colour"),
			{Name: "at not RFC 3339", Req: req{Method: "GET", Path: "/api/v1/catalog?at=2026-12-27"}, Status: 400, Code: "request.invalid", Field: "at"},
			{Name: "effective_from not a date", Req: req{Method: "POST", Path: announcePath(d), Token: pm, Body: map[string]string{"effective_from": "2027-02-30"}},
				Status: 400, Code: "request.invalid", Field: "effective_from"},
			{Name: "effective_from a timestamp", Req: req{Method: "POST", Path: announcePath(d), Token: pm, Body: map[string]string{"effective_from": "2027-02-01T00:00:00Z"}},
				Status: 400, Code: "request.invalid", Field: "effective_from"},
			{Name: "effective_from missing", Req: req{Method: "POST", Path: announcePath(d), Token: pm, Body: "{}"}, Status: 400, Code: "request.invalid", Field: "effective_from"},
			{Name: "same effective day as the default", Req: req{Method: "POST", Path: announcePath(d), Token: pm, Body: map[string]string{"effective_from": "2025-07-01"}},
				Status: 422, Code: "catalog.notice_too_short"},
			{Name: "bad edit", Req: req{Method: "PUT", Path: "/api/v1/catalog/versions/" + d.ID, Token: pm, Body: with(func(it []catalog.Item) []catalog.Item { it[5].Code = "x"; return it })},
				Status: 400, Code: "request.invalid", Field: "items[5].code"},
		})
		if list := e.Do(req{Method: "GET", Path: "/api/v1/catalog/versions"}).Items(); len(list) != 2 {
			t.Errorf("bad input created versions: %d, want the default and one draft", len(list))
		}
	})
}

func TestOneVersionPerEffectiveDay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		a, b := draft(t, e, pm, "a", nil), draft(t, e, pm, "b", nil)
		e.Run(t, []check{
			{Req: req{Method: "POST", Path: announcePath(a), Token: pm, Body: map[string]string{"effective_from": "2027-01-01"}}, Status: 200},
			{Req: req{Method: "POST", Path: announcePath(b), Token: pm, Body: map[string]string{"effective_from": "2027-01-01"}}, Status: 422, Code: "catalog.effective_from_taken"},
			{Name: "b is still a draft", Req: req{Method: "GET", Path: "/api/v1/catalog/versions/" + b.ID}, Status: 200, Fields: map[string]any{"state": "draft"}},
		})
	})
}

func TestRoles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, admin := e.Login("pm@steward.demo"), e.Login("admin@steward.demo")
		d := draft(t, e, pm, "d", nil)
		bad := map[string]any{"name": 42} // authorisation comes before the body
		var checks []check
		for _, who := range []string{"admin@yunqi.demo", "member@yunqi.demo", "agent@steward.demo", "engineer@steward.demo"} {
			token := e.Login(who)
			for _, r := range []req{
				{Method: "POST", Path: "/api/v1/catalog/versions", Body: bad},
				{Method: "PUT", Path: "/api/v1/catalog/versions/" + d.ID, Body: bad},
				{Method: "POST", Path: announcePath(d), Body: bad},
				{Method: "POST", Path: "/api/v1/catalog/versions/" + d.ID + "/withdraw", Body: bad},
			} {
				r.Token = token
				checks = append(checks, check{Name: who + " " + r.Method + " " + r.Path, Req: r, Status: 403, Code: "role.forbidden"})
			}
			checks = append(checks, check{Name: who + " reads", Req: req{Method: "GET", Path: "/api/v1/catalog/versions", Token: token}, Status: 200})
		}
		checks = append(checks,
			check{Name: "anonymous write", Req: req{Method: "POST", Path: "/api/v1/catalog/versions", Body: bad}, Status: 401, Code: "auth.required"},
			check{Name: "anonymous read", Req: req{Method: "GET", Path: "/api/v1/catalog/versions/" + d.ID}, Status: 200},
			check{Name: "vendor_admin creates", Req: req{Method: "POST", Path: "/api/v1/catalog/versions", Token: admin, Body: map[string]any{"name": "by admin"}}, Status: 201,
				Header: map[string]string{"Location": "*"}},
			check{Name: "product_manager edits", Req: req{Method: "PUT", Path: "/api/v1/catalog/versions/" + d.ID, Token: pm, Body: map[string]any{"name": "renamed"}}, Status: 200},
		)
		e.Run(t, checks)
	})
}

func TestAnnouncingNotifiesCustomerAdmins(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Login("pm@steward.demo")
		d := draft(t, e, pm, "2027 edition", nil)
		e.Run(t, []check{{Req: req{Method: "POST", Path: announcePath(d), Token: pm, Body: map[string]string{"effective_from": "2027-01-01"}}, Status: 200}})
		for _, c := range []struct {
			who  string
			want int
		}{{"admin@yunqi.demo", 1}, {"admin@lioncity.demo", 1}, {"member@yunqi.demo", 0}, {"pm@steward.demo", 0}} {
			notices := e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: e.Login(c.who)}).Items()
			if len(notices) != c.want {
				t.Errorf("%s has %d notices, want %d", c.who, len(notices), c.want)
				continue
			}
			if c.want == 1 {
				title := notices[0]["title"].(map[string]any)
				if !strings.Contains(title["zh"].(string), "2027-01-01") || !strings.Contains(title["en"].(string), "2027-01-01") || notices[0]["link"] != "/catalog#upcoming" {
					t.Errorf("%s: notice %v", c.who, notices[0])
				}
			}
		}
		e.Run(t, []check{{Req: req{Method: "POST", Path: "/api/v1/catalog/versions/" + d.ID + "/withdraw", Token: pm}, Status: 200}})
		if n := e.Do(req{Method: "GET", Path: "/api/v1/notices", Token: e.Login("admin@huabei.demo")}).Items(); len(n) != 2 {
			t.Errorf("after the withdrawal a customer_admin has %d notices, want 2", len(n))
		}
		audit := e.Do(req{Method: "GET", Path: "/api/v1/audit?target=" + d.ID, Token: e.Login("admin@steward.demo")}).Items()
		var actions []string
		for _, a := range audit {
			actions = append(actions, a["action"].(string))
		}
		for _, want := range []string{"catalog.create_draft", "catalog.announce", "catalog.withdraw"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit trail of the version %v lacks %s", actions, want)
			}
		}
	})
}
