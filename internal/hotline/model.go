// Package hotline is the seed's 热线服务: emergency rescue when a customer's
// system suffers a fatal failure — large-scale unavailability or abnormal
// blocking that stops its daily business — at most four times a service
// year, 7×24, Beijing time. A report consumes a unit of the hotline_rescue
// quota in the transaction that files it; a downgrade gives it back.
package hotline

import (
	"html/template"
	"time"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/entitlement"
)

// ServiceCode is the catalog item whose entitlement and quota a report uses.
const ServiceCode = "hotline_rescue"

// OwnerKind is the owner kind of a rescue's attachments (audit.Access).
const OwnerKind = "rescue"

// Text is a text in both languages.
type Text = catalog.Text

// State is where a rescue stands.
type State string

// The states of a rescue. A downgraded report is no fatal failure (its quota
// unit is refunded) but is still worked to resolved and closed as a normal
// issue.
const (
	Reported       State = "reported"
	Acknowledged   State = "acknowledged"
	ConfirmedFatal State = "confirmed_fatal"
	Downgraded     State = "downgraded"
	Mitigated      State = "mitigated"
	Resolved       State = "resolved"
	Closed         State = "closed"
)

// States lists every state in the order of a rescue's life.
var States = []State{Reported, Acknowledged, ConfirmedFatal, Downgraded, Mitigated, Resolved, Closed}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, k := range States {
		if s == k {
			return true
		}
	}
	return false
}

// Open reports whether the rescue still needs work.
func (s State) Open() bool { return s != Resolved && s != Closed }

// Action is a vendor staff action that moves a rescue.
type Action string

// The actions, named like their routes (POST …/rescues/{id}/ACTION).
const (
	Ack       Action = "ack"
	Confirm   Action = "confirm"
	Downgrade Action = "downgrade"
	Mitigate  Action = "mitigate"
	Resolve   Action = "resolve"
	Close     Action = "close"
)

// transition is the states an action may start from and the state it leads to.
type transition struct {
	from []State
	to   State
}

var transitions = map[Action]transition{
	Ack:       {[]State{Reported}, Acknowledged},
	Confirm:   {[]State{Acknowledged}, ConfirmedFatal},
	Downgrade: {[]State{Acknowledged}, Downgraded},
	Mitigate:  {[]State{ConfirmedFatal}, Mitigated},
	Resolve:   {[]State{Mitigated, Downgraded}, Resolved},
	Close:     {[]State{Resolved}, Closed},
}

// Next returns the state action leads to from s, or false when the action is
// not allowed from s.
func (a Action) Next(s State) (State, bool) {
	t, ok := transitions[a]
	if !ok {
		return "", false
	}
	for _, f := range t.from {
		if f == s {
			return t.to, true
		}
	}
	return "", false
}

// How a report reached the vendor.
const (
	ViaCustomer = "customer" // the customer's staff filed it themselves
	ViaPhone    = "phone"    // vendor staff filed it while the customer was on the phone
)

// How widely users are affected.
const (
	AffectsAll  = "all"
	AffectsMost = "most"
	AffectsSome = "some"
)

// Downgrade reasons.
const (
	NotFatal      = "not_fatal"      // not large-scale unavailability or blocking
	ExcludedCause = "excluded_cause" // caused by one of the seed's exclusions
)

// Causes the seed excludes from the service (its "limits of liability").
var Causes = []string{"customer_operation", "virus", "third_party_product", "hardware_fault", "network_fault"}

// Contact is a person and a phone number to reach them.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// Due is when the vendor owes the next step: the acknowledgement while the
// report waits for one, and an update while a fatal failure is worked
// (null otherwise).
type Due struct {
	Ack    *time.Time `json:"ack"`
	Update *time.Time `json:"update"`
}

// Kinds of breach.
const (
	BreachAck    = "ack"
	BreachUpdate = "update"
)

// Breach is a target the vendor missed: due passed before met_at, or is
// still not met (met_at null).
type Breach struct {
	Kind  string     `json:"kind"`
	Due   time.Time  `json:"due"`
	MetAt *time.Time `json:"met_at"`
}

// SLA are the targets a rescue is held to, taken from the catalog item when
// it is reported.
type SLA struct {
	Calendar      string `json:"calendar"` // business-hours calendar id
	AckMinutes    int    `json:"ack_minutes"`
	UpdateMinutes int    `json:"update_minutes"`
}

// DefaultSLA applies when the catalog item names no targets.
var DefaultSLA = SLA{Calendar: catalog.Hours724, AckMinutes: 15, UpdateMinutes: 60}

// DowngradeInfo is why a report was found not to be a fatal failure.
type DowngradeInfo struct {
	Reason string    `json:"reason"`          // NotFatal or ExcludedCause
	Cause  string    `json:"cause,omitempty"` // one of Causes, for ExcludedCause
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// Refund is the quota unit given back by a downgrade.
type Refund struct {
	EntryID string    `json:"entry_id"` // the ledger's refund entry
	At      time.Time `json:"at"`
}

// Kinds of timeline entries.
const (
	EntryReported   = "reported"   // the report itself
	EntryState      = "state"      // a state change (always public)
	EntryUpdate     = "update"     // a public update or an internal note
	EntryAttachment = "attachment" // a file added to the report
)

// Update is one line of a rescue's timeline. Internal notes (Public false)
// are shown to vendor staff only.
type Update struct {
	ID           string    `json:"id"`
	RescueID     string    `json:"rescue_id"`
	Kind         string    `json:"kind"`
	Public       bool      `json:"public"`
	Body         string    `json:"body"`
	State        State     `json:"state,omitempty"`         // the state entered, for EntryState
	AttachmentID string    `json:"attachment_id,omitempty"` // for EntryAttachment
	AuthorID     string    `json:"author_id"`
	AuthorName   string    `json:"author_name"`
	AuthorRole   string    `json:"author_role"`
	CreatedAt    time.Time `json:"created_at"`
}

// Rescue is one fatal-failure report and its handling.
type Rescue struct {
	ID              string    `json:"id"`
	Number          string    `json:"number"` // R-2026-0001: per Beijing year
	OrgID           string    `json:"org_id"`
	State           State     `json:"state"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	UsersAffected   string    `json:"users_affected"`
	BusinessStopped bool      `json:"business_stopped"`
	Since           time.Time `json:"since"`
	Contact         Contact   `json:"contact"`
	Environment     string    `json:"environment"`
	ReportedVia     string    `json:"reported_via"`
	Caller          *Contact  `json:"caller"` // who phoned, for ViaPhone
	ReportedBy      string    `json:"reported_by"`
	ReporterName    string    `json:"reporter_name"`

	SLA      SLA      `json:"sla"`
	Due      Due      `json:"due"`
	Breaches []Breach `json:"breaches"`
	// Quota is the organisation's hotline quota now (on a report, a get);
	// null in lists.
	Quota *entitlement.QuotaState `json:"quota"`

	QuotaEntry string         `json:"quota_entry"` // the ledger entry the report consumed
	Downgrade  *DowngradeInfo `json:"downgrade"`
	Refund     *Refund        `json:"refund"`
	// Postmortem is Markdown; PostmortemHTML its sanitised rendering.
	Postmortem     string        `json:"postmortem"`
	PostmortemHTML template.HTML `json:"postmortem_html"`

	Timeline []Update `json:"timeline"` // oldest first; null in lists

	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AcknowledgedBy string     `json:"acknowledged_by"`
	ConfirmedAt    *time.Time `json:"confirmed_at"`
	MitigatedAt    *time.Time `json:"mitigated_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	ClosedAt       *time.Time `json:"closed_at"`
}

// PortalPath is the customer's page of a rescue; ConsolePath vendor staff's.
func PortalPath(id string) string  { return "/portal/rescues/" + id }
func ConsolePath(id string) string { return "/console/rescues/" + id }

// APIPath is a rescue's API path.
func APIPath(orgID, id string) string { return "/api/v1/orgs/" + orgID + "/rescues/" + id }
