package audit

import (
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// Data scopes: what part of an organisation's business data a grant or a
// lawful request covers.
const (
	ScopeAttachments = "attachments"
	ScopeAll         = "all"
)

// Basis kinds besides the kinds of owning objects (a rescue, a question),
// which their rooms register with Access.RegisterOwner.
const (
	BasisGrant         = "access_grant"
	BasisLawfulRequest = "lawful_request"
)

// Limits of the access inputs.
const (
	maxNoteRunes      = 1000
	maxAuthorityRunes = 200
	maxReferenceRunes = 200
	maxAccessSpan     = 1 // year
)

// Basis is why a vendor read of business data is allowed: the object the data
// belongs to, an access grant, or a lawful request.
type Basis struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Object is the business data a vendor asks to read.
type Object struct {
	OrgID     string
	Kind      string // e.g. "attachment"
	ID        string
	Label     string // what the customer sees in its log, e.g. the file name
	Scope     string // the data scope a grant must cover, e.g. ScopeAttachments
	OwnerKind string // the object it belongs to, if any ("rescue", "question")
	OwnerID   string
}

// Grant is access to business data a customer_admin gave the vendor.
type Grant struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"org_id"`
	Scope     string     `json:"scope"`
	Note      string     `json:"note"`
	Until     time.Time  `json:"until"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	RevokedBy *string    `json:"revoked_by"`
	Active    bool       `json:"active"` // neither revoked nor expired
}

// activeAt fills in Active for the instant now.
func (g *Grant) activeAt(now time.Time) { g.Active = g.RevokedAt == nil && g.Until.After(now) }

// GrantInput is the body of a grant: until is RFC 3339.
type GrantInput struct {
	Until string `json:"until"`
	Scope string `json:"scope"`
	Note  string `json:"note"`
}

func (in *GrantInput) normalize(now time.Time) (time.Time, error) {
	var bad problem.Invalid
	until := checkUntil(&bad, in.Until, now)
	in.Scope = strings.TrimSpace(in.Scope)
	checkScope(&bad, in.Scope)
	in.Note = strings.TrimSpace(in.Note)
	checkLength(&bad, "note", in.Note, maxNoteRunes)
	return until, bad.Err()
}

// LawfulRequest is a request by the authorities for an organisation's data,
// recorded by a vendor_admin. The customer is told from DiscloseOn, a Beijing
// date, and does not see it before.
type LawfulRequest struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	Authority  string    `json:"authority"`
	Reference  string    `json:"reference"`
	Scope      string    `json:"scope"`
	Note       string    `json:"note"`
	Until      time.Time `json:"until"`
	DiscloseOn string    `json:"disclose_on"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Active     bool      `json:"active"`    // not expired
	Disclosed  bool      `json:"disclosed"` // its disclosure date has come
}

func (l *LawfulRequest) stateAt(now time.Time) {
	l.Active = l.Until.After(now)
	l.Disclosed = l.DiscloseOn <= clock.BeijingDate(now)
}

// DisclosureStart is the instant the customer may be told: the start of
// DiscloseOn in Beijing time.
func (l LawfulRequest) DisclosureStart() time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, l.DiscloseOn, clock.Shanghai)
	return d.UTC()
}

// LawfulRequestInput is the body of a lawful request.
type LawfulRequestInput struct {
	Authority  string `json:"authority"`
	Reference  string `json:"reference"`
	Scope      string `json:"scope"`
	Until      string `json:"until"`
	DiscloseOn string `json:"disclose_on"`
	Note       string `json:"note"`
}

func (in *LawfulRequestInput) normalize(now time.Time) (time.Time, error) {
	var bad problem.Invalid
	in.Authority = strings.TrimSpace(in.Authority)
	checkRequired(&bad, "authority", in.Authority, maxAuthorityRunes)
	in.Reference = strings.TrimSpace(in.Reference)
	checkRequired(&bad, "reference", in.Reference, maxReferenceRunes)
	in.Scope = strings.TrimSpace(in.Scope)
	checkScope(&bad, in.Scope)
	until := checkUntil(&bad, in.Until, now)
	in.DiscloseOn = strings.TrimSpace(in.DiscloseOn)
	today := clock.BeijingDate(now)
	if in.DiscloseOn == "" {
		in.DiscloseOn = today
	} else if d, err := time.Parse(time.DateOnly, in.DiscloseOn); err != nil || d.Format(time.DateOnly) != in.DiscloseOn {
		bad.Add("disclose_on", "field.beijing_date")
	} else if in.DiscloseOn < today {
		bad.Add("disclose_on", "field.disclose_on_past")
	}
	in.Note = strings.TrimSpace(in.Note)
	checkLength(&bad, "note", in.Note, maxNoteRunes)
	return until, bad.Err()
}

// Record is one vendor read of business data, with its basis.
type Record struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	OrgID       string    `json:"org_id"`
	ActorID     string    `json:"actor_id"`
	ActorName   string    `json:"actor_name"`
	ActorRole   string    `json:"actor_role"`
	ObjectKind  string    `json:"object_kind"`
	ObjectID    string    `json:"object_id"`
	ObjectLabel string    `json:"object_label"`
	Basis       Basis     `json:"basis"`
	RequestID   string    `json:"request_id,omitempty"`
	ClientAddr  string    `json:"client_addr,omitempty"`
}

// checkUntil parses an RFC 3339 end of access: in the future, at most a year ahead.
func checkUntil(bad *problem.Invalid, s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		bad.Add("until", "field.required")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	switch {
	case err != nil:
		bad.Add("until", "field.time")
	case !t.After(now):
		bad.Add("until", "field.until_past")
	case t.After(now.AddDate(maxAccessSpan, 0, 0)):
		bad.Add("until", "field.until_too_far")
	}
	return t.UTC()
}

func checkScope(bad *problem.Invalid, scope string) {
	switch scope {
	case ScopeAttachments, ScopeAll:
	case "":
		bad.Add("scope", "field.required")
	default:
		bad.Add("scope", "field.access_scope")
	}
}

func checkRequired(bad *problem.Invalid, field, value string, maxRunes int) {
	if value == "" {
		bad.Add(field, "field.required")
		return
	}
	checkLength(bad, field, value, maxRunes)
}

func checkLength(bad *problem.Invalid, field, value string, maxRunes int) {
	if utf8.RuneCountInString(value) > maxRunes {
		bad.Add(field, "field.too_long")
	}
}

// Text is the notice that tells a customer_admin of the lawful request, in lang.
func (d Disclosure) Text(lang i18n.Lang) (title, body string) {
	l := d.Request
	return i18n.T(lang, "access.disclosure.title", nil), i18n.T(lang, "access.disclosure.body", map[string]any{
		"authority": l.Authority, "reference": l.Reference, "scope": i18n.T(lang, "access.scope."+l.Scope, nil)})
}
