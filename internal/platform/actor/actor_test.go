package actor

import (
	"testing"

	"steward.dev/steward/internal/platform/problem"
)

// TestPermissionTable restates the rows of API.md's role table that are built.
func TestPermissionTable(t *testing.T) {
	all := []Role{CustomerMember, CustomerAdmin, Agent, Engineer, ProductManager, VendorAdmin}
	table := []struct {
		p       Permission
		allowed []Role
	}{
		{ManageOrgUsers, []Role{CustomerAdmin, VendorAdmin}},
		{ReadOrgUsers, []Role{CustomerAdmin, Agent, Engineer, ProductManager, VendorAdmin}},
		{CreateOrgs, []Role{Agent, VendorAdmin}},
		{ManageStaff, []Role{VendorAdmin}},
		{WatchJobs, []Role{VendorAdmin}},
		{WriteHelp, []Role{Agent, ProductManager, VendorAdmin}},
		{PostCommunity, all},
		{AcceptAnswers, []Role{Agent, Engineer, ProductManager, VendorAdmin}},
		{Moderate, []Role{Agent, ProductManager, VendorAdmin}},
		{ManageIdeas, []Role{ProductManager, VendorAdmin}},
		{ManageSigningKeys, []Role{VendorAdmin}},
		{ManageCalendars, []Role{VendorAdmin}},
		{ManageContracts, []Role{Agent, VendorAdmin}},
		{GrantQuota, []Role{Agent, VendorAdmin}},
		{IssueLicenses, []Role{Agent, VendorAdmin}},
		{UpgradeLicenses, []Role{CustomerAdmin, Agent, VendorAdmin}},
		{EditCatalog, []Role{ProductManager, VendorAdmin}},
		{ManageProducts, []Role{ProductManager, VendorAdmin}},
		{ReadServices, all},
		{ReadAudit, []Role{CustomerAdmin, VendorAdmin}},
		{ReportRescue, []Role{CustomerMember, CustomerAdmin, Agent, Engineer, VendorAdmin}},
		{WorkRescues, []Role{Agent, Engineer, VendorAdmin}},
		{AttachFiles, all},
		{ReadBusinessData, all},
		{GrantDataAccess, []Role{CustomerAdmin}},
		{ReadAccessGrants, []Role{CustomerAdmin, Agent, Engineer, ProductManager, VendorAdmin}},
		{RecordLawfulRequests, []Role{VendorAdmin}},
		{ReadLawfulRequests, []Role{CustomerAdmin, VendorAdmin}},
		{ReadAccessLog, []Role{CustomerAdmin, VendorAdmin}},
		{ManageNotifyChannels, []Role{VendorAdmin}},
		{ReadNotifyLog, []Role{Agent, Engineer, ProductManager, VendorAdmin}},
		{ManageOrgNotify, []Role{CustomerAdmin, VendorAdmin}},
		{ReadRota, []Role{Agent, Engineer, ProductManager, VendorAdmin}},
		{ManageRota, []Role{Agent, Engineer, VendorAdmin}},
	}
	for _, row := range table {
		for _, r := range all {
			want := false
			for _, a := range row.allowed {
				want = want || a == r
			}
			if got := (&Actor{Role: r}).Can(row.p); got != want {
				t.Errorf("%s may %s: %v, want %v", r, row.p, got, want)
			}
		}
	}
}

func TestScopes(t *testing.T) {
	customer := &Actor{Role: CustomerMember, OrgID: "org_a"}
	vendor := &Actor{Role: Agent}
	if where, args := customer.Scope().Clause("org_id"); where != "org_id = ?" || len(args) != 1 || args[0] != "org_a" {
		t.Errorf("customer scope: %s %v", where, args)
	}
	if where, _ := vendor.Scope().Clause("org_id"); where != "1=1" {
		t.Errorf("vendor scope: %s", where)
	}
	if where, _ := (Scope{}).Clause("org_id"); where != "1=0" {
		t.Errorf("the zero scope must match nothing, got %s", where)
	}
	orphan := &Actor{Role: CustomerAdmin}
	if where, _ := orphan.Scope().Clause("org_id"); where != "1=0" {
		t.Errorf("a customer without an organisation must see nothing, got %s", where)
	}
}

func TestRequireRefusesTheAnonymousAndTheUngranted(t *testing.T) {
	for _, c := range []struct {
		name string
		a    *Actor
		want error
	}{
		{"no one", nil, problem.ErrUnauthenticated},
		{"a customer", &Actor{Role: CustomerAdmin}, problem.ErrForbidden},
		{"a vendor_admin", &Actor{Role: VendorAdmin}, nil},
	} {
		if got := Require(c.a, EditCatalog); got != c.want {
			t.Errorf("%s: Require(EditCatalog) = %v, want %v", c.name, got, c.want)
		}
	}
}
