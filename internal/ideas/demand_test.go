package ideas_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/actor"
)

func demandCountsOrganisationsAndListsTheirContracts(t *testing.T, e *apptest.Env) {
	d := newAnswerDesk(t, e)
	wanted := d.post(huabei, "Bank feeds from DBS and OCBC")
	for _, who := range []string{yunqi, yunqiAdm, gangxin, engineer} {
		d.must(who, "POST", "/api/v1/ideas/"+wanted+"/vote", nil, http.StatusOK)
	}
	d.must(huabei, "DELETE", "/api/v1/ideas/"+wanted+"/vote", nil, http.StatusOK) // the author's organisation still wants it
	staffOnly := d.post(engineer, "运维巡检报告自动生成")

	demand := d.must(pm, "GET", "/api/v1/ideas/"+wanted+"/demand", nil, http.StatusOK)
	items, _ := demand["items"].([]any)
	if demand["idea_id"] != wanted || demand["orgs"] != 3.0 || len(items) != 3 {
		t.Fatalf("demand: %v", demand)
	}
	type row struct {
		org, name string
		voters    float64
		contracts []string
	}
	var got []row
	for _, it := range items {
		o := it.(map[string]any)
		r := row{org: o["org_id"].(string), name: o["org_name"].(string), voters: o["voters"].(float64)}
		for _, c := range o["contracts"].([]any) {
			r.contracts = append(r.contracts, c.(map[string]any)["reference"].(string))
		}
		got = append(got, r)
	}
	want := []row{
		{"org_demo_cloud", "云启制造有限公司", 2, []string{"YQ-2025-0101"}},
		{"org_demo_hk", "港新貿易有限公司", 1, []string{"GX-2025-0701"}},
		{"org_demo_perpetual", "华北精工集团", 0, []string{"HB-2022-0301", "HB-2019-1001"}},
	}
	for i := range want {
		if got[i].org != want[i].org || got[i].name != want[i].name || got[i].voters != want[i].voters || !slices.Equal(got[i].contracts, want[i].contracts) {
			t.Errorf("demand row %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	manager := &actor.Actor{UserID: "u_pm", Role: actor.ProductManager}
	counts, err := e.App.Ideas.DemandCounts(context.Background(), manager, []string{wanted, staffOnly, "idea_nope"})
	if err != nil || counts[wanted] != 3 || counts[staffOnly] != 0 || len(counts) != 1 {
		t.Errorf("demand counts: %v %v", counts, err)
	}
	if _, err := e.App.Ideas.DemandCounts(context.Background(), &actor.Actor{UserID: "u", OrgID: "org_demo_cloud", Role: actor.CustomerAdmin},
		[]string{wanted}); err == nil {
		t.Error("a customer was told the demand counts")
	}

	// The deployment filter and the contracts follow the Beijing day:
	// the Hong Kong subscription ends on 2026-12-31.
	listed := func(ideaID, query string) bool {
		for _, it := range d.e.Do(d.req(pm, "GET", "/api/v1/ideas?limit=200&"+query, nil)).Items() {
			if it["id"] == ideaID {
				return true
			}
		}
		return false
	}
	if !listed(wanted, "deployment=private_cloud_subscription") || listed(staffOnly, "deployment=private_cloud_subscription") {
		t.Error("the deployment filter does not follow the voters' contracts in force")
	}
	e.Clock.Set(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)) // 2027-01-01 00:00 in Beijing
	d.tokens = map[string]string{}                              // the sessions expired meanwhile
	if listed(wanted, "deployment=private_cloud_subscription") {
		t.Error("an ended contract still counts for the deployment filter")
	}
	demand = d.must(pm, "GET", "/api/v1/ideas/"+wanted+"/demand", nil, http.StatusOK)
	for _, it := range demand["items"].([]any) {
		if o := it.(map[string]any); o["org_id"] == "org_demo_hk" && len(o["contracts"].([]any)) != 0 {
			t.Errorf("the ended contract is still in force: %v", o)
		}
	}

	e.Run(t, []apptest.Check{
		{Name: "a customer", Req: d.req(yunqi, "GET", "/api/v1/ideas/"+wanted+"/demand", nil), Status: http.StatusForbidden, Code: "role.forbidden"},
		{Name: "a visitor", Req: d.req("", "GET", "/api/v1/ideas/"+wanted+"/demand", nil), Status: http.StatusUnauthorized},
		{Name: "an unknown idea", Req: d.req(pm, "GET", "/api/v1/ideas/idea_nope/demand", nil), Status: http.StatusNotFound},
	})
}
