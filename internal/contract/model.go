// Package contract holds customers' contracts: what each organisation bought,
// for which product, deployment kind, version and period, with the overrides
// that prevail over the catalog.
package contract

import "time"

// Statuses of a contract.
const (
	Active     = "active"
	Terminated = "terminated"
)

// Overrides prevail over the catalog for this contract.
type Overrides struct {
	Add    []string       `json:"add"`    // item codes granted beyond the catalog's rules
	Remove []string       `json:"remove"` // item codes withheld whatever the catalog says
	Quota  map[string]int `json:"quota"`  // item code → count per period, replacing the catalog's
}

// Contract is one signed sales contract.
type Contract struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	Product    string    `json:"product"`
	Deployment string    `json:"deployment"`
	Version    string    `json:"version"`
	StartsOn   string    `json:"starts_on"`         // YYYY-MM-DD, Asia/Shanghai, inclusive
	EndsOn     string    `json:"ends_on,omitempty"` // required for subscriptions, absent for perpetual
	Modules    []string  `json:"modules"`
	Users      int       `json:"users"`
	Reference  string    `json:"reference"`
	Status     string    `json:"status"`
	Overrides  Overrides `json:"overrides"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}
