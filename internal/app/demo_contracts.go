package app

import (
	"context"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
)

// DemoProduct is the demo product line: every deployment kind, the modules
// of an ERP suite (the contracts use the first five, ideas are tagged with
// all of them), and versions of which 7.5 is already past its end of standard service.
var DemoProduct = lifecycle.Product{
	Code:        "k3cloud",
	Name:        lifecycle.Text{Zh: "金蝶云星空", En: "Kingdee Cloud Galaxy"},
	Deployments: []string{catalog.PublicCloud, catalog.PrivateCloudSubscription, catalog.PrivateCloudPerpetual},
	Modules: []lifecycle.Module{
		{Code: "gl", Name: lifecycle.Text{Zh: "总账", En: "General ledger"}},
		{Code: "ar", Name: lifecycle.Text{Zh: "应收", En: "Receivables"}},
		{Code: "ap", Name: lifecycle.Text{Zh: "应付", En: "Payables"}},
		{Code: "inv", Name: lifecycle.Text{Zh: "库存管理", En: "Inventory"}},
		{Code: "mfg", Name: lifecycle.Text{Zh: "生产制造", En: "Manufacturing"}},
		{Code: "cost", Name: lifecycle.Text{Zh: "存货核算", En: "Inventory costing"}},
		{Code: "scm", Name: lifecycle.Text{Zh: "供应链", En: "Supply chain"}},
		{Code: "pur", Name: lifecycle.Text{Zh: "采购管理", En: "Purchasing"}},
		{Code: "sal", Name: lifecycle.Text{Zh: "销售管理", En: "Sales"}},
		{Code: "cash", Name: lifecycle.Text{Zh: "出纳管理", En: "Cash management"}},
		{Code: "fa", Name: lifecycle.Text{Zh: "固定资产", En: "Fixed assets"}},
		{Code: "exp", Name: lifecycle.Text{Zh: "费用报销", En: "Expense claims"}},
		{Code: "mobile", Name: lifecycle.Text{Zh: "移动审批", En: "Mobile approval"}},
		{Code: "tax", Name: lifecycle.Text{Zh: "税务发票", En: "Tax invoices"}},
		{Code: "rpt", Name: lifecycle.Text{Zh: "报表", En: "Reports"}},
		{Code: "cons", Name: lifecycle.Text{Zh: "合并报表", En: "Consolidated statements"}},
		{Code: "perm", Name: lifecycle.Text{Zh: "权限管理", En: "Permissions"}},
		{Code: "bd", Name: lifecycle.Text{Zh: "基础资料", En: "Master data"}},
		{Code: "api", Name: lifecycle.Text{Zh: "系统集成", En: "Integration"}},
	},
}

// DemoVersions are the demo product's versions, oldest first. 9.1, released a few weeks
// before the demo's today, is newer than every demo contract's version, so
// the subscription customers can upgrade their licenses to it.
var DemoVersions = []lifecycle.Version{
	{Name: "7.5", ReleasedOn: "2019-06-01", StandardSupportUntil: "2024-06-30"},
	{Name: "8.0", ReleasedOn: "2021-09-01", StandardSupportUntil: "2026-12-31"},
	{Name: "8.2", ReleasedOn: "2023-09-01", StandardSupportUntil: "2028-12-31"},
	{Name: "9.0", ReleasedOn: "2025-09-01", StandardSupportUntil: "2030-12-31"},
	{Name: "9.1", ReleasedOn: "2026-11-02", StandardSupportUntil: "2031-12-31"},
}

// DemoContract is a demo organisation's contract, with a fixed id.
type DemoContract struct {
	ID, OrgID string
	contract.Input
}

// DemoContracts fit each demo organisation's kind. The perpetual customer
// has a current license on 8.0 (valid until its end of standard service,
// 2026-12-31) and an older one on 7.5, whose standard service has ended; the
// legacy customer has only 7.5, so its services have ended.
var DemoContracts = []DemoContract{
	{"ctr_demo_cloud", "org_demo_cloud", contract.Input{Product: "k3cloud", Deployment: catalog.PublicCloud, Version: "9.0",
		StartsOn: "2025-01-01", EndsOn: "2027-12-31", Modules: []string{"gl", "ar", "ap", "inv"}, Users: 120, Reference: "YQ-2025-0101"}},
	{"ctr_demo_hk", "org_demo_hk", contract.Input{Product: "k3cloud", Deployment: catalog.PrivateCloudSubscription, Version: "8.2",
		StartsOn: "2025-07-01", EndsOn: "2026-12-31", Modules: []string{"gl", "ar", "ap"}, Users: 40, Reference: "GX-2025-0701"}},
	{"ctr_demo_perpetual", "org_demo_perpetual", contract.Input{Product: "k3cloud", Deployment: catalog.PrivateCloudPerpetual, Version: "8.0",
		StartsOn: "2022-03-01", Modules: []string{"gl", "ar", "ap", "inv", "mfg"}, Users: 300, Reference: "HB-2022-0301"}},
	{"ctr_demo_perpetual_old", "org_demo_perpetual", contract.Input{Product: "k3cloud", Deployment: catalog.PrivateCloudPerpetual, Version: "7.5",
		StartsOn: "2019-10-01", Modules: []string{"gl", "inv"}, Users: 80, Reference: "HB-2019-1001"}},
	{"ctr_demo_sg", "org_demo_sg", contract.Input{Product: "k3cloud", Deployment: catalog.PublicCloud, Version: "9.0",
		StartsOn: "2026-01-01", EndsOn: "2026-12-31", Modules: []string{"gl", "ar"}, Users: 15, Reference: "LC-2026-0101"}},
	{"ctr_demo_legacy", "org_demo_legacy", contract.Input{Product: "k3cloud", Deployment: catalog.PrivateCloudPerpetual, Version: "7.5",
		StartsOn: "2018-05-01", Modules: []string{"gl", "ar", "inv"}, Users: 60, Reference: "XL-2018-0501"}},
}

// loadDemoContracts adds the demo product, its versions and the demo
// contracts that are missing; what exists is left alone.
func loadDemoContracts(ctx context.Context, products *lifecycle.Service, contracts *contract.Service) error {
	if err := products.EnsureProduct(ctx, DemoProduct, DemoVersions); err != nil {
		return err
	}
	for _, c := range DemoContracts {
		if err := contracts.EnsureContract(ctx, c.OrgID, c.ID, c.Input); err != nil {
			return err
		}
	}
	return nil
}
