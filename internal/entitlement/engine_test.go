package entitlement

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
)

var all3 = []string{catalog.PublicCloud, catalog.PrivateCloudSubscription, catalog.PrivateCloudPerpetual}

// testCatalog has the shape of the seed's default catalog.
func testCatalog() catalog.Version {
	item := func(code string, applies []string) catalog.Item {
		return catalog.Item{Code: code, Name: catalog.Text{Zh: code, En: code}, AppliesTo: applies,
			Regions: []string{"CN", "HK", "MO"}, DeliveredAt: "/" + code}
	}
	rescue := item("hotline_rescue", all3)
	rescue.Quota = &catalog.Quota{Count: 4, Period: catalog.ServiceYear}
	return catalog.Version{ID: "cat_1", Name: "2025-07-01", Items: []catalog.Item{
		item("community", all3),
		item("smart_service", all3),
		item("cloud_ops", []string{catalog.PublicCloud}),
		item("patch_download", all3),
		item("requirement_listening", all3),
		item("license_upgrade", []string{catalog.PublicCloud, catalog.PrivateCloudSubscription}),
		rescue,
	}}
}

var versions = map[string]lifecycle.Version{
	"erp/8.0": {Product: "erp", Name: "8.0", StandardSupportUntil: "2025-06-30"},
	"erp/9.0": {Product: "erp", Name: "9.0", StandardSupportUntil: "2028-12-31"},
}

func lookup(product, version string) (lifecycle.Version, bool) {
	v, ok := versions[product+"/"+version]
	return v, ok
}

func sub(id, dep, from, to string) contract.Contract {
	return contract.Contract{ID: id, OrgID: "org_1", Product: "erp", Deployment: dep, Version: "9.0",
		StartsOn: from, EndsOn: to, Users: 10, Status: contract.Active}
}

func perpetual(id, version, from string) contract.Contract {
	return contract.Contract{ID: id, OrgID: "org_1", Product: "erp", Deployment: catalog.PrivateCloudPerpetual,
		Version: version, StartsOn: from, Users: 10, Status: contract.Active}
}

func with(c contract.Contract, f func(*contract.Contract)) contract.Contract { f(&c); return c }

// bj is a Beijing wall-clock instant.
func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999", s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func evalOne(t *testing.T, region string, at time.Time, service string, cs ...contract.Contract) Entitlement {
	t.Helper()
	e, ok := EvaluateOne(Input{Region: region, Catalog: testCatalog(), Contracts: cs, Lifecycle: lookup, At: at}, service)
	if !ok {
		t.Fatalf("no item %s", service)
	}
	return e
}

func codes(rs []Reason) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return strings.Join(out, ",")
}

func TestRules(t *testing.T) {
	mid2026 := bj("2026-07-01 12:00:00")
	pub := sub("c_pub", catalog.PublicCloud, "2026-01-01", "2026-12-31")
	priv := sub("c_priv", catalog.PrivateCloudSubscription, "2026-01-01", "2026-12-31")
	perp := perpetual("c_perp", "9.0", "2024-01-01")
	cases := []struct {
		name      string
		region    string
		at        time.Time
		service   string
		contracts []contract.Contract
		status    Status
		reasons   string
		from      string
		until     string
		ids       []string
	}{
		// Region, first of the checks.
		{"region outside the item's regions", "SG", mid2026, "community", []contract.Contract{pub}, NotApplicableRegion, ReasonRegion, "", "", nil},
		{"region outside beats a removal", "SG", mid2026, "community",
			[]contract.Contract{with(pub, func(c *contract.Contract) { c.Overrides.Remove = []string{"community"} })}, NotApplicableRegion, ReasonRegion, "", "", nil},
		{"region outside, without contracts", "SG", mid2026, "community", nil, NotApplicableRegion, ReasonRegion, "", "", nil},
		{"override add lifts the region rule", "SG", mid2026, "community",
			[]contract.Contract{with(pub, func(c *contract.Contract) { c.Overrides.Add = []string{"community"} })}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"Hong Kong is in", "HK", mid2026, "community", []contract.Contract{pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"Macau is in", "MO", mid2026, "community", []contract.Contract{pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"region before an unknown version", "SG", mid2026, "community", []contract.Contract{perpetual("c_x", "7.0", "2024-01-01")}, NotApplicableRegion, ReasonRegion, "", "", nil},

		// Deployment kind and overrides.
		{"cloud_ops is public cloud only", "CN", mid2026, "cloud_ops", []contract.Contract{priv}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"cloud_ops for public cloud", "CN", mid2026, "cloud_ops", []contract.Contract{pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"no license upgrade for perpetual", "CN", mid2026, "license_upgrade", []contract.Contract{perp}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"license upgrade for subscription", "CN", mid2026, "license_upgrade", []contract.Contract{priv}, Active, "", "2026-01-01", "2026-12-31", []string{"c_priv"}},
		{"override add grants regardless of deployment", "CN", mid2026, "cloud_ops",
			[]contract.Contract{with(priv, func(c *contract.Contract) { c.Overrides.Add = []string{"cloud_ops"} })}, Active, "", "2026-01-01", "2026-12-31", []string{"c_priv"}},
		{"override remove removes", "CN", mid2026, "patch_download",
			[]contract.Contract{with(pub, func(c *contract.Contract) { c.Overrides.Remove = []string{"patch_download"} })}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"override remove beats add", "CN", mid2026, "patch_download",
			[]contract.Contract{with(pub, func(c *contract.Contract) {
				c.Overrides.Add = []string{"patch_download"}
				c.Overrides.Remove = []string{"patch_download"}
			})}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"deployment before dates: expired contract without the item", "CN", bj("2027-03-01 00:00:00"), "cloud_ops", []contract.Contract{priv}, NotEntitled, ReasonNotInContract, "", "", nil},

		// Subscription dates: whole Beijing days.
		{"the last instant before the first day", "CN", bj("2025-12-31 23:59:59.999"), "community", []contract.Contract{pub}, NotYetActive, ReasonNotYetActive, "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"00:00 +08:00 of the first day", "CN", bj("2026-01-01 00:00:00"), "community", []contract.Contract{pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"the last instant of the last day", "CN", bj("2026-12-31 23:59:59.999"), "community", []contract.Contract{pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"00:00 +08:00 after the last day", "CN", bj("2027-01-01 00:00:00"), "community", []contract.Contract{pub}, Expired, ReasonExpired, "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"UTC afternoon of 12-31 is Beijing's new year", "CN", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "community", []contract.Contract{pub}, Expired, ReasonExpired, "2026-01-01", "2026-12-31", []string{"c_pub"}},

		// Perpetual: until the version's end of standard service.
		{"perpetual in standard service", "CN", mid2026, "patch_download", []contract.Contract{perp}, Active, "", "2024-01-01", "2028-12-31", []string{"c_perp"}},
		{"perpetual, last instant of standard service", "CN", bj("2025-06-30 23:59:59.999"), "patch_download",
			[]contract.Contract{perpetual("c_old", "8.0", "2023-01-01")}, Active, "", "2023-01-01", "2025-06-30", []string{"c_old"}},
		{"perpetual, standard service ended", "CN", bj("2025-07-01 00:00:00"), "patch_download",
			[]contract.Contract{perpetual("c_old", "8.0", "2023-01-01")}, Expired, ReasonExpired, "2023-01-01", "2025-06-30", []string{"c_old"}},
		{"perpetual ignores an ends_on", "CN", mid2026, "patch_download",
			[]contract.Contract{with(perp, func(c *contract.Contract) { c.EndsOn = "2025-01-01" })}, Active, "", "2024-01-01", "2028-12-31", []string{"c_perp"}},
		{"perpetual, version not on the lifecycle table", "CN", mid2026, "patch_download",
			[]contract.Contract{perpetual("c_x", "7.0", "2024-01-01")}, NotEntitled, ReasonUnknownVersion, "", "", nil},
		{"perpetual not yet started", "CN", bj("2023-12-31 23:59:59"), "patch_download", []contract.Contract{perp}, NotYetActive, ReasonNotYetActive, "2024-01-01", "2028-12-31", []string{"c_perp"}},

		// Terminated contracts and none at all.
		{"terminated grants nothing", "CN", mid2026, "community",
			[]contract.Contract{with(pub, func(c *contract.Contract) { c.Status = contract.Terminated })}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"no contracts", "CN", mid2026, "community", nil, NotEntitled, ReasonNotInContract, "", "", nil},

		// Several contracts: the best wins; validity from the granting ones.
		{"active beats expired", "CN", mid2026, "community",
			[]contract.Contract{sub("c_old", catalog.PublicCloud, "2024-01-01", "2024-12-31"), pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"not yet active beats expired", "CN", mid2026, "community",
			[]contract.Contract{sub("c_old", catalog.PublicCloud, "2024-01-01", "2024-12-31"), sub("c_new", catalog.PublicCloud, "2027-01-01", "2027-12-31")},
			NotYetActive, ReasonNotYetActive, "2027-01-01", "2027-12-31", []string{"c_new"}},
		{"expired beats not entitled", "CN", mid2026, "cloud_ops",
			[]contract.Contract{priv, sub("c_old", catalog.PublicCloud, "2024-01-01", "2024-12-31")}, Expired, ReasonExpired, "2024-01-01", "2024-12-31", []string{"c_old"}},
		{"region on every contract", "SG", mid2026, "cloud_ops",
			[]contract.Contract{pub, with(priv, func(c *contract.Contract) { c.Overrides.Add = []string{"community"} })}, NotApplicableRegion, ReasonRegion, "", "", nil},
		{"not entitled beats region", "SG", mid2026, "community",
			[]contract.Contract{pub, with(priv, func(c *contract.Contract) {
				c.Overrides.Add = []string{"community"}
				c.Overrides.Remove = []string{"community"}
			})}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"the union: one contract adds what another lacks", "CN", mid2026, "cloud_ops",
			[]contract.Contract{priv, sub("c_pub2", catalog.PublicCloud, "2025-07-01", "2026-06-30")}, Expired, ReasonExpired, "2025-07-01", "2026-06-30", []string{"c_pub2"}},
		{"two active: the latest end, the earliest start", "CN", mid2026, "community",
			[]contract.Contract{sub("c_a", catalog.PublicCloud, "2025-07-01", "2026-12-31"), sub("c_b", catalog.PrivateCloudSubscription, "2026-03-01", "2027-02-28")},
			Active, "", "2025-07-01", "2027-02-28", []string{"c_a", "c_b"}},
		{"active and perpetual: the latest end", "CN", mid2026, "community", []contract.Contract{pub, perp}, Active, "", "2024-01-01", "2028-12-31", []string{"c_pub", "c_perp"}},
		{"a renewal without a gap extends the validity", "CN", mid2026, "community",
			[]contract.Contract{pub, sub("c_renew", catalog.PublicCloud, "2027-01-01", "2027-12-31")}, Active, "", "2026-01-01", "2027-12-31", []string{"c_pub", "c_renew"}},
		{"a renewal after a gap does not", "CN", mid2026, "community",
			[]contract.Contract{pub, sub("c_later", catalog.PublicCloud, "2027-02-01", "2027-12-31")}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"unknown version beside an active contract", "CN", mid2026, "community",
			[]contract.Contract{perpetual("c_x", "7.0", "2024-01-01"), pub}, Active, "", "2026-01-01", "2026-12-31", []string{"c_pub"}},
		{"two refusals, each reason once", "CN", mid2026, "license_upgrade",
			[]contract.Contract{perpetual("c_x", "7.0", "2024-01-01"), perp, perpetual("c_y", "9.0", "2025-01-01")}, NotEntitled, ReasonNotInContract, "", "", nil},
		{"unknown version and a removal", "CN", mid2026, "patch_download",
			[]contract.Contract{perpetual("c_x", "7.0", "2024-01-01"), with(pub, func(c *contract.Contract) { c.Overrides.Remove = []string{"patch_download"} })},
			NotEntitled, ReasonUnknownVersion + "," + ReasonNotInContract, "", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := evalOne(t, tc.region, tc.at, tc.service, tc.contracts...)
			if e.Status != tc.status {
				t.Fatalf("status %s, want %s (reasons %v)", e.Status, tc.status, e.Reasons)
			}
			if got := codes(e.Reasons); got != tc.reasons {
				t.Errorf("reasons %q, want %q", got, tc.reasons)
			}
			if e.ValidFrom != tc.from || e.ValidUntil != tc.until {
				t.Errorf("valid %s..%s, want %s..%s", e.ValidFrom, e.ValidUntil, tc.from, tc.until)
			}
			if tc.ids == nil {
				tc.ids = []string{}
			}
			if !slices.Equal(e.Contracts, tc.ids) {
				t.Errorf("contracts %v, want %v", e.Contracts, tc.ids)
			}
			for _, r := range e.Reasons {
				if r.Text.Zh == "" || r.Text.En == "" || strings.Contains(r.Text.Zh+r.Text.En, "{") {
					t.Errorf("reason %s lacks words: %+v", r.Code, r.Text)
				}
			}
		})
	}
}

// TestBestStatusWins puts every pair of single-contract outcomes together:
// the better status always wins, whatever the order.
func TestBestStatusWins(t *testing.T) {
	at := bj("2026-07-01 12:00:00")
	// For cloud_ops in region CN, one contract of each outcome.
	byStatus := map[Status]contract.Contract{
		Active:       sub("c_active", catalog.PublicCloud, "2026-01-01", "2026-12-31"),
		NotYetActive: sub("c_future", catalog.PublicCloud, "2027-01-01", "2027-12-31"),
		Expired:      sub("c_past", catalog.PublicCloud, "2025-01-01", "2025-12-31"),
		NotEntitled:  sub("c_private", catalog.PrivateCloudSubscription, "2026-01-01", "2026-12-31"),
	}
	order := []Status{Active, NotYetActive, Expired, NotEntitled}
	for i, a := range order {
		for _, b := range order[i:] {
			for _, cs := range [][]contract.Contract{{byStatus[a], byStatus[b]}, {byStatus[b], byStatus[a]}} {
				if got := evalOne(t, "CN", at, "cloud_ops", cs...).Status; got != a {
					t.Errorf("%s with %s: %s, want %s", a, b, got, a)
				}
			}
		}
	}
	// Region is the worst: any contract with the item added beats it.
	for _, s := range order {
		c := byStatus[s]
		c.Overrides.Add = []string{"community"}
		region := sub("c_region", catalog.PublicCloud, "2026-01-01", "2026-12-31")
		if s == NotEntitled {
			c.Overrides.Remove = []string{"community"} // added past the region rule, then removed
		}
		for _, cs := range [][]contract.Contract{{region, c}, {c, region}} {
			if got := evalOne(t, "SG", at, "community", cs...).Status; got != s {
				t.Errorf("region with %s: %s, want %s", s, got, s)
			}
		}
	}
}

func TestEvaluateAnswersEveryItem(t *testing.T) {
	got := Evaluate(Input{Region: "CN", Catalog: testCatalog(), At: bj("2026-07-01 00:00:00"), Lifecycle: lookup,
		Contracts: []contract.Contract{sub("c_1", catalog.PrivateCloudSubscription, "2026-01-01", "2026-12-31")}})
	want := map[string]Status{"community": Active, "smart_service": Active, "cloud_ops": NotEntitled, "patch_download": Active,
		"requirement_listening": Active, "license_upgrade": Active, "hotline_rescue": Active}
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for _, e := range got {
		if e.Status != want[e.Service] {
			t.Errorf("%s: %s, want %s", e.Service, e.Status, want[e.Service])
		}
		if e.Delivered != "/"+e.Service || e.Name.Zh == "" {
			t.Errorf("%s: delivered %q, name %v", e.Service, e.Delivered, e.Name)
		}
		if (e.Quota != nil) != (e.Service == "hotline_rescue") {
			t.Errorf("%s: quota %+v", e.Service, e.Quota)
		}
	}
	if _, ok := EvaluateOne(Input{Catalog: testCatalog()}, "nope"); ok {
		t.Error("EvaluateOne found an item the catalog lacks")
	}
}

func TestReasonWords(t *testing.T) {
	e := evalOne(t, "SG", bj("2026-07-01 00:00:00"), "community", sub("c_1", catalog.PublicCloud, "2026-01-01", "2026-12-31"))
	if w := e.Reasons[0].Text; !strings.Contains(w.Zh, "中国大陆、香港和澳门") || !strings.Contains(w.Zh, "SG") ||
		!strings.Contains(w.En, "mainland China, Hong Kong and Macau") {
		t.Errorf("region words: %+v", w)
	}
	e = evalOne(t, "CN", bj("2026-07-01 00:00:00"), "cloud_ops", sub("c_1", catalog.PrivateCloudSubscription, "2026-01-01", "2026-12-31"))
	if e.Reasons[0].Text.Zh != "您的合同不包含此服务。如需开通，请联系您的客户经理。" {
		t.Errorf("not in contract: %q", e.Reasons[0].Text.Zh)
	}
	e = evalOne(t, "CN", bj("2025-08-01 00:00:00"), "community", perpetual("c_1", "8.0", "2023-01-01"))
	if w := e.Reasons[0].Text; !strings.Contains(w.Zh, "erp 8.0") || !strings.Contains(w.Zh, "2025-06-30") || !strings.Contains(w.En, "Upgrade") {
		t.Errorf("perpetual expiry words: %+v", w)
	}
	e = evalOne(t, "CN", bj("2027-08-01 00:00:00"), "community", sub("c_1", catalog.PublicCloud, "2026-01-01", "2026-12-31"))
	if w := e.Reasons[0].Text; !strings.Contains(w.Zh, "2026-12-31 到期") || !strings.Contains(w.En, "renew") {
		t.Errorf("expiry words: %+v", w)
	}
	e = evalOne(t, "CN", bj("2026-07-01 00:00:00"), "community", perpetual("c_1", "7.0", "2023-01-01"))
	if w := e.Reasons[0].Text; !strings.Contains(w.Zh, "erp 7.0") || !strings.Contains(w.Zh, "生命周期") {
		t.Errorf("unknown version words: %+v", w)
	}
}

func TestQuota(t *testing.T) {
	at := bj("2026-07-01 12:00:00")
	usage := func(used, granted int) UsageLookup {
		return func(service, start string) (int, int) {
			if service != "hotline_rescue" {
				t.Errorf("usage asked for %s", service)
			}
			return used, granted
		}
	}
	quotaOf := func(q int) func(*contract.Contract) {
		return func(c *contract.Contract) { c.Overrides.Quota = map[string]int{"hotline_rescue": q} }
	}
	calendar := testCatalog()
	calendar.Items[6].Quota.Period = catalog.CalendarYear
	pub := sub("c_pub", catalog.PublicCloud, "2025-03-01", "2027-02-28")
	cases := []struct {
		name      string
		cat       *catalog.Version
		contracts []contract.Contract
		usage     UsageLookup
		at        time.Time
		want      QuotaState
		reasons   string
	}{
		{"the catalog's count", nil, []contract.Contract{pub}, nil, at, QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"the largest, never the sum", nil,
			[]contract.Contract{pub, with(sub("c_b", catalog.PrivateCloudSubscription, "2026-01-01", "2026-12-31"), quotaOf(6))}, nil, at,
			QuotaState{Limit: 6, Remaining: 6, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"an override lowers it", nil, []contract.Contract{with(pub, quotaOf(2))}, nil, at,
			QuotaState{Limit: 2, Remaining: 2, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"an expired contract's larger quota does not count", nil,
			[]contract.Contract{pub, with(sub("c_old", catalog.PublicCloud, "2023-01-01", "2023-12-31"), quotaOf(10))}, nil, at,
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"}, ""},
		{"a renewal does not move the service year", nil,
			[]contract.Contract{sub("c_first", catalog.PublicCloud, "2024-03-15", "2025-03-14"), sub("c_renew", catalog.PublicCloud, "2025-03-15", "2026-12-31")}, nil, at,
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-03-15", PeriodEnd: "2027-03-14"}, ""},
		{"a removed item does not anchor", nil,
			[]contract.Contract{with(sub("c_first", catalog.PublicCloud, "2024-05-01", "2025-04-30"), func(c *contract.Contract) { c.Overrides.Remove = []string{"hotline_rescue"} }), pub}, nil, at,
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"a terminated contract does not anchor", nil,
			[]contract.Contract{with(sub("c_first", catalog.PublicCloud, "2024-05-01", "2025-04-30"), func(c *contract.Contract) { c.Status = contract.Terminated }), pub}, nil, at,
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"the service year's first Beijing day", nil, []contract.Contract{pub}, nil, bj("2026-03-01 00:00:00"),
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"the service year's last Beijing instant", nil, []contract.Contract{pub}, nil, bj("2026-02-28 23:59:59.999"),
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2025-03-01", PeriodEnd: "2026-02-28"}, ""},
		{"calendar year", &calendar, []contract.Contract{pub}, nil, bj("2026-12-31 23:59:59"),
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2026-01-01", PeriodEnd: "2026-12-31"}, ""},
		{"calendar year turns at Beijing midnight", &calendar, []contract.Contract{pub}, nil, time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC),
			QuotaState{Limit: 4, Remaining: 4, PeriodStart: "2027-01-01", PeriodEnd: "2027-12-31"}, ""},
		{"used", nil, []contract.Contract{pub}, usage(3, 0), at,
			QuotaState{Limit: 4, Used: 3, Remaining: 1, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"used up", nil, []contract.Contract{pub}, usage(4, 0), at,
			QuotaState{Limit: 4, Used: 4, Remaining: 0, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ReasonQuotaExhausted},
		{"a grant adds to the period's limit", nil, []contract.Contract{pub}, usage(4, 2), at,
			QuotaState{Limit: 6, Granted: 2, Used: 4, Remaining: 2, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ""},
		{"a zero quota override", nil, []contract.Contract{with(pub, quotaOf(0))}, nil, at,
			QuotaState{Limit: 0, Remaining: 0, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}, ReasonQuotaExhausted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat := testCatalog()
			if tc.cat != nil {
				cat = *tc.cat
			}
			e, _ := EvaluateOne(Input{Region: "CN", Catalog: cat, Contracts: tc.contracts, Lifecycle: lookup, Usage: tc.usage, At: tc.at}, "hotline_rescue")
			if e.Quota == nil {
				t.Fatalf("no quota: %+v", e)
			}
			if *e.Quota != tc.want {
				t.Errorf("quota %+v, want %+v", *e.Quota, tc.want)
			}
			if got := codes(e.Reasons); got != tc.reasons {
				t.Errorf("reasons %q, want %q", got, tc.reasons)
			}
		})
	}
	// An item the organisation is not entitled to has no quota.
	e, _ := EvaluateOne(Input{Region: "SG", Catalog: testCatalog(), Contracts: []contract.Contract{pub}, At: at}, "hotline_rescue")
	if e.Quota != nil {
		t.Errorf("quota for a refused item: %+v", e.Quota)
	}
	// An override quota makes a quota item of an item without one.
	e, _ = EvaluateOne(Input{Region: "CN", Catalog: testCatalog(), Contracts: []contract.Contract{with(pub, func(c *contract.Contract) {
		c.Overrides.Quota = map[string]int{"smart_service": 100}
	})}, At: at}, "smart_service")
	if e.Quota == nil || e.Quota.Limit != 100 || e.Quota.PeriodStart != "2026-03-01" {
		t.Errorf("override quota on an item without one: %+v", e.Quota)
	}
}

func TestPeriod(t *testing.T) {
	cases := []struct{ kind, anchor, today, start, end string }{
		{catalog.ServiceYear, "2025-03-01", "2025-03-01", "2025-03-01", "2026-02-28"},
		{catalog.ServiceYear, "2025-03-01", "2026-02-28", "2025-03-01", "2026-02-28"},
		{catalog.ServiceYear, "2025-03-01", "2026-03-01", "2026-03-01", "2027-02-28"},
		{catalog.ServiceYear, "2023-03-01", "2028-02-29", "2027-03-01", "2028-02-29"},
		{catalog.ServiceYear, "2025-03-01", "2024-12-01", "2025-03-01", "2026-02-28"}, // before the anchor: the first period
		{catalog.ServiceYear, "2024-01-01", "2026-12-31", "2026-01-01", "2026-12-31"},
		{catalog.ServiceYear, "2024-02-29", "2025-02-28", "2024-02-29", "2025-02-28"},
		{catalog.ServiceYear, "2024-02-29", "2025-03-01", "2025-03-01", "2026-02-28"},
		{catalog.ServiceYear, "2024-02-29", "2028-02-28", "2027-03-01", "2028-02-28"},
		{catalog.ServiceYear, "2024-02-29", "2028-02-29", "2028-02-29", "2029-02-28"},
		{catalog.ServiceYear, "bad", "2026-05-05", "2026-05-05", "2027-05-04"},
		{catalog.ServiceYear, "2025-01-01", "bad", "", ""},
		{catalog.CalendarYear, "2025-03-01", "2026-07-01", "2026-01-01", "2026-12-31"},
		{catalog.CalendarYear, "", "2026-01-01", "2026-01-01", "2026-12-31"},
	}
	for _, c := range cases {
		s, e := Period(c.kind, c.anchor, c.today)
		if s != c.start || e != c.end {
			t.Errorf("Period(%s, %s, %s) = %s..%s, want %s..%s", c.kind, c.anchor, c.today, s, e, c.start, c.end)
		}
	}
}

func TestUntil(t *testing.T) {
	u, ok := Until("2026-12-31")
	if !ok || !u.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))) {
		t.Errorf("Until(2026-12-31) = %v", u)
	}
	if _, ok := Until("31/12/2026"); ok {
		t.Error("Until accepted a malformed date")
	}
}

func ExampleEvaluate() {
	es := Evaluate(Input{Region: "CN", Catalog: testCatalog(), At: bj("2026-07-01 09:00:00"), Lifecycle: lookup,
		Contracts: []contract.Contract{perpetual("c_1", "9.0", "2024-01-01")}})
	for _, e := range es {
		fmt.Println(strings.TrimSpace(fmt.Sprint(e.Service, " ", e.Status, " ", e.ValidUntil)))
	}
	// Output:
	// community active 2028-12-31
	// smart_service active 2028-12-31
	// cloud_ops not_entitled
	// patch_download active 2028-12-31
	// requirement_listening active 2028-12-31
	// license_upgrade not_entitled
	// hotline_rescue active 2028-12-31
}
