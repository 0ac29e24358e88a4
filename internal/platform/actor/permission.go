package actor

// Permission is a row of API.md's role table: the one place that says which
// roles may do what. vendor_admin may do everything a vendor role may.
type Permission struct {
	name   string
	roles  []Role
	vendor bool // a vendor action, so vendor_admin holds it too
}

func vendorAction(name string, roles ...Role) Permission {
	return Permission{name: name, roles: roles, vendor: true}
}

// String names the permission (for logs and tests).
func (p Permission) String() string { return p.name }

// The rows of the table that the built capabilities use.
var (
	// ManageOrgUsers: customer_admin within its organisation (vendor_admin in any).
	ManageOrgUsers = vendorAction("manage org users", CustomerAdmin)
	// ReadOrgUsers: account data vendor staff read freely to serve the customer.
	ReadOrgUsers = vendorAction("read org users", CustomerAdmin, Agent, Engineer, ProductManager)
	// CreateOrgs: create organisations, contracts, quota grants; issue and revoke licenses.
	CreateOrgs = vendorAction("create orgs", Agent)
	// ReadAudit: the audit trail; a customer_admin sees its organisation's part.
	ReadAudit = vendorAction("read the audit trail", CustomerAdmin)
	// ManageStaff: vendor staff accounts.
	ManageStaff = vendorAction("manage staff")
)
