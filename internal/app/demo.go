package app

import (
	"context"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/platform/actor"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "steward-demo-2026"

// DemoOrg is one demo customer organisation; the deployment kind is what its
// contract will say once contracts exist.
type DemoOrg struct {
	ID, Name, Region, Deployment string
	Admin, Member                string // emails
	MemberLocale                 string
}

// DemoOrgs are the demo customers: one per deployment kind in the catalog's
// regions, one outside them, and a perpetual customer whose only version has
// left standard service (refused today, not only after a date to come).
var DemoOrgs = []DemoOrg{
	{"org_demo_cloud", "云启制造有限公司", "CN", "public_cloud", "admin@yunqi.demo", "member@yunqi.demo", "zh-CN"},
	{"org_demo_hk", "港新貿易有限公司", "HK", "private_cloud_subscription", "admin@gangxin.demo", "member@gangxin.demo", "en"},
	{"org_demo_perpetual", "华北精工集团", "CN", "private_cloud_perpetual", "admin@huabei.demo", "member@huabei.demo", "zh-CN"},
	{"org_demo_sg", "Lion City Foods Pte. Ltd.", "SG", "public_cloud", "admin@lioncity.demo", "member@lioncity.demo", "en"},
	{"org_demo_legacy", "西岭机械厂", "CN", "private_cloud_perpetual", "admin@xiling.demo", "member@xiling.demo", "zh-CN"},
}

// DemoStaff are the demo vendor accounts.
var DemoStaff = []account.UserInput{
	{Email: "admin@steward.demo", Name: "演示管理员", Role: actor.VendorAdmin},
	{Email: "agent@steward.demo", Name: "客服专员 李娜", Role: actor.Agent},
	{Email: "engineer@steward.demo", Name: "运维工程师 王强", Role: actor.Engineer},
	{Email: "pm@steward.demo", Name: "产品经理 陈静", Role: actor.ProductManager},
}

// DemoLogin is one line of the printed demo logins.
type DemoLogin struct {
	Email string
	Role  actor.Role
	Org   string
}

// DemoLogins lists every demo account for the start-up message.
func DemoLogins() []DemoLogin {
	var out []DemoLogin
	for _, s := range DemoStaff {
		out = append(out, DemoLogin{Email: s.Email, Role: s.Role})
	}
	for _, o := range DemoOrgs {
		out = append(out, DemoLogin{o.Admin, actor.CustomerAdmin, o.Name}, DemoLogin{o.Member, actor.CustomerMember, o.Name})
	}
	return out
}

// LoadDemo creates the demo organisations and accounts that are missing; it
// changes nothing that exists, so it is safe on every start.
func LoadDemo(ctx context.Context, accounts *account.Service) error {
	for _, s := range DemoStaff {
		s.Password = DemoPassword
		if _, err := accounts.EnsureUser(ctx, "", s); err != nil {
			return err
		}
	}
	for _, o := range DemoOrgs {
		if err := accounts.EnsureOrg(ctx, o.ID, account.OrgInput{Name: o.Name, Region: o.Region}); err != nil {
			return err
		}
		people := []account.UserInput{
			{Email: o.Admin, Name: o.Name + " 管理员", Role: actor.CustomerAdmin, Password: DemoPassword},
			{Email: o.Member, Name: o.Name + " 成员", Role: actor.CustomerMember, Password: DemoPassword, Locale: o.MemberLocale},
		}
		for _, p := range people {
			if _, err := accounts.EnsureUser(ctx, o.ID, p); err != nil {
				return err
			}
		}
	}
	return nil
}
