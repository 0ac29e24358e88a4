// Package license issues signed license files from contracts, exchanges a
// subscription customer's license for the newest version's (same modules,
// same users), and revokes licenses through a signed, sequence-numbered
// revocation list. The file format is pkg/licensefile's.
package license

import "time"

// Statuses of a license. Active, Superseded and Revoked are stored; Expired
// is what an active or superseded license past its last day is today.
const (
	Active     = "active"
	Superseded = "superseded"
	Revoked    = "revoked"
	Expired    = "expired"
)

// UpgradeService is the catalog item that entitles a customer to upgrades.
const UpgradeService = "license_upgrade"

// License is one issued license and how it stands.
type License struct {
	ID            string     `json:"id"`
	OrgID         string     `json:"org_id"`
	OrgName       string     `json:"org_name"`
	ContractID    string     `json:"contract_id"`
	Product       string     `json:"product"`
	Version       string     `json:"version"`
	Deployment    string     `json:"deployment"`
	Modules       []string   `json:"modules"`
	Users         int        `json:"users"`
	ValidFrom     string     `json:"valid_from"`            // first Beijing day
	ValidUntil    string     `json:"valid_until,omitempty"` // last Beijing day; absent for perpetual
	Supersedes    string     `json:"supersedes,omitempty"`
	SupersededBy  string     `json:"superseded_by,omitempty"`
	KeyID         string     `json:"key_id"`
	Status        string     `json:"status"` // active, superseded, revoked or expired (today)
	IssuedAt      time.Time  `json:"issued_at"`
	IssuedBy      string     `json:"issued_by"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
	FilePath      string     `json:"file"` // where to download the signed file

	stored string // the status as stored, before expiry is worked out
	file   []byte
}

// IssueInput is the body of an issue request.
type IssueInput struct {
	ContractID string `json:"contract_id"`
}

// UpgradeInput is the body of an upgrade request; an empty ToVersion means
// the product's newest released version.
type UpgradeInput struct {
	ToVersion string `json:"to_version"`
}

// RevokeInput is the body of a revoke request.
type RevokeInput struct {
	Reason string `json:"reason"`
}
