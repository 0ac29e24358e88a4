// Package entitlement answers the one question every channel asks: may this
// organisation use service S at time T, and if not, why? It also keeps the
// quota ledger.
package entitlement

import "steward.dev/steward/internal/catalog"

// Status of one service for an organisation at an instant.
type Status string

// The statuses, best first: across several contracts the best wins.
const (
	Active              Status = "active"
	NotYetActive        Status = "not_yet_active"
	Expired             Status = "expired"
	NotEntitled         Status = "not_entitled"
	NotApplicableRegion Status = "not_applicable_region"
)

// Reason codes; every channel refuses with these.
const (
	ReasonRegion         = "entitlement.region"
	ReasonNotInContract  = "entitlement.not_in_contract"
	ReasonNotYetActive   = "entitlement.not_yet_active"
	ReasonExpired        = "entitlement.expired"
	ReasonUnknownVersion = "lifecycle.unknown_version"
	ReasonQuotaExhausted = "quota.exhausted"
)

// Reason explains a status in words a customer understands.
type Reason struct {
	Code string       `json:"code"`
	Text catalog.Text `json:"text"`
}

// QuotaState is the use of a quota item in the current period.
type QuotaState struct {
	Limit       int    `json:"limit"`   // the contracts' limit plus this period's grants
	Granted     int    `json:"granted"` // extra allowance vendor staff granted for this period
	Used        int    `json:"used"`
	Remaining   int    `json:"remaining"`
	PeriodStart string `json:"period_start"` // YYYY-MM-DD, Asia/Shanghai, inclusive
	PeriodEnd   string `json:"period_end"`   // YYYY-MM-DD, Asia/Shanghai, inclusive
}

// Entitlement is the answer for one catalog item.
type Entitlement struct {
	Service    string       `json:"service"`
	Name       catalog.Text `json:"name"`
	Status     Status       `json:"status"`
	ValidFrom  string       `json:"valid_from,omitempty"`  // YYYY-MM-DD, inclusive
	ValidUntil string       `json:"valid_until,omitempty"` // YYYY-MM-DD, inclusive (the last day)
	Contracts  []string     `json:"contracts"`             // the contracts it comes from
	Reasons    []Reason     `json:"reasons"`
	Quota      *QuotaState  `json:"quota,omitempty"`
	Delivered  string       `json:"delivered_at"` // the channel's page
}
