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

// customerAction is held only by the customer roles named, never by vendor
// staff: what the customer alone decides (granting access to its data).
func customerAction(name string, roles ...Role) Permission {
	return Permission{name: name, roles: roles}
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
	// ManageContracts: create, change and terminate contracts (the same row as CreateOrgs).
	ManageContracts = vendorAction("manage contracts", Agent)
	// IssueLicenses: issue licenses from contracts and revoke them (the same row as CreateOrgs).
	IssueLicenses = vendorAction("issue and revoke licenses", Agent)
	// UpgradeLicenses: exchange a license for the newest version's with the same modules and users.
	UpgradeLicenses = vendorAction("upgrade a license", CustomerAdmin, Agent)
	// GrantQuota: grant an organisation an extra allowance of a quota item.
	GrantQuota = vendorAction("grant quota", Agent)
	// EditCatalog: edit, announce and withdraw catalog versions.
	EditCatalog = vendorAction("edit and announce the catalog", ProductManager)
	// ManageProducts: products, versions and (later) patches on the lifecycle table.
	ManageProducts = vendorAction("manage products and versions", ProductManager)
	// ReadServices: an organisation's services, contracts and entitlements;
	// customers their own, vendor staff any.
	ReadServices = vendorAction("read services and contracts", CustomerAdmin, CustomerMember, Agent, Engineer, ProductManager)
	// ReadAudit: the audit trail; a customer_admin sees its organisation's part.
	ReadAudit = vendorAction("read the audit trail", CustomerAdmin)
	// ManageStaff: vendor staff accounts.
	ManageStaff = vendorAction("manage staff")
	// ManageSigningKeys: rotate and retire the vendor's signing keys.
	ManageSigningKeys = vendorAction("manage signing keys")
	// ManageCalendars: add business-hours calendars and import holiday years.
	ManageCalendars = vendorAction("manage calendars and holidays")
	// WriteHelp: write, publish and delete help-center articles, categories
	// and courses.
	WriteHelp = vendorAction("write and publish help articles and courses", Agent, ProductManager)
	// PostCommunity: ask, answer, comment, vote and follow in the community
	// and the ideas square; a customer also needs the community entitlement.
	PostCommunity = vendorAction("post, answer, vote and follow in community and ideas", CustomerAdmin, CustomerMember, Agent, Engineer, ProductManager)
	// AcceptAnswers: accept an answer to anyone's question (the asker accepts
	// on their own question without it).
	AcceptAnswers = vendorAction("accept an answer to any question", Agent, Engineer, ProductManager)
	// Moderate: hide, lock, close as duplicate and handle reports in the community.
	Moderate = vendorAction("moderate the community", Agent, ProductManager)
	// ManageIdeas: change an idea's status (with its public explanation) and
	// merge duplicate ideas; product managers answer the ideas square.
	ManageIdeas = vendorAction("change idea status and merge ideas", ProductManager)
	// WatchJobs: the console's list of background jobs.
	WatchJobs = vendorAction("watch background jobs")

	// ReportRescue: file a fatal-failure report; customer staff for their
	// organisation, agents and engineers on a customer's behalf by phone.
	ReportRescue = vendorAction("report a rescue", CustomerAdmin, CustomerMember, Agent, Engineer)
	// WorkRescues: acknowledge, confirm, downgrade, update, mitigate, resolve
	// and close rescues; the vendor's rescue queue.
	WorkRescues = vendorAction("work rescues", Agent, Engineer)

	// AttachFiles: upload private attachments to an organisation and list their
	// metadata; its own staff, and vendor staff on its behalf.
	AttachFiles = vendorAction("attach files", CustomerAdmin, CustomerMember, Agent, Engineer, ProductManager)
	// ReadBusinessData: read an organisation's private attachments (the bytes).
	// Customer staff read their own freely; vendor staff hold it only "with a
	// basis, logged": audit.Access checks the basis and writes the record.
	ReadBusinessData = vendorAction("read business data", CustomerAdmin, CustomerMember, Agent, Engineer, ProductManager)
	// GrantDataAccess: give, and revoke, the vendor access to the organisation's
	// business data; the customer_admin alone.
	GrantDataAccess = customerAction("grant data access", CustomerAdmin)
	// ReadAccessGrants: see the organisation's access grants.
	ReadAccessGrants = vendorAction("read access grants", CustomerAdmin, Agent, Engineer, ProductManager)
	// RecordLawfulRequests: record a lawful request by the authorities.
	RecordLawfulRequests = vendorAction("record lawful requests")
	// ReadLawfulRequests: a customer_admin sees those whose disclosure date has come.
	ReadLawfulRequests = vendorAction("read lawful requests", CustomerAdmin)
	// ReadAccessLog: the data-access log; a customer_admin sees its organisation's.
	ReadAccessLog = vendorAction("read the data-access log", CustomerAdmin)

	// ManageNotifyChannels: the vendor's own notification channels (webhooks
	// and group robots).
	ManageNotifyChannels = vendorAction("manage the vendor's notification channels")
	// ReadNotifyLog: the vendor's channels and the delivery log of every
	// notification.
	ReadNotifyLog = vendorAction("read notification channels and the delivery log", Agent, Engineer, ProductManager)
	// ManageOrgNotify: an organisation's own channels and who of its people
	// gets which notifications by e-mail.
	ManageOrgNotify = vendorAction("manage an organisation's notifications", CustomerAdmin)

	// ReadRota: the on-call rota, escalation policies and escalations; every vendor role.
	ReadRota = vendorAction("read the rota and escalations", Agent, Engineer, ProductManager)
	// ManageRota: edit rotas, overrides and escalation policies (the table's "rota" row).
	ManageRota = vendorAction("manage the rota and escalation policies", Agent, Engineer)
)
