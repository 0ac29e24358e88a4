// Package catalog holds the service catalog: versioned lists of service items,
// announced at least 30 days before they take effect (the seed's rule).
package catalog

import "time"

// Text is a localised text.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Deployment kinds a contract can have.
const (
	PublicCloud              = "public_cloud"
	PrivateCloudSubscription = "private_cloud_subscription"
	PrivateCloudPerpetual    = "private_cloud_perpetual"
)

// Deployments lists every deployment kind.
var Deployments = []string{PublicCloud, PrivateCloudSubscription, PrivateCloudPerpetual}

// Categories of items.
const (
	SelfService = "self_service"
	Operations  = "operations"
	Updates     = "updates"
	Support     = "support"
)

// Quota periods.
const (
	ServiceYear  = "service_year"
	CalendarYear = "calendar_year"
)

// Quota limits how often an item may be used per period.
type Quota struct {
	Count  int    `json:"count"`
	Period string `json:"period"` // ServiceYear or CalendarYear
}

// SLA is an item's response targets.
type SLA struct {
	AcknowledgeMinutes int `json:"acknowledge_minutes"`
	UpdateMinutes      int `json:"update_minutes"`
}

// Item is one service of the catalog.
type Item struct {
	Code        string   `json:"code"`
	Name        Text     `json:"name"`
	Description Text     `json:"description"`
	Category    string   `json:"category"`
	AppliesTo   []string `json:"applies_to"` // deployment kinds
	Regions     []string `json:"regions"`    // ISO 3166-1 alpha-2; default CN, HK, MO
	Hours       string   `json:"hours"`      // "7x24" or a business-hours calendar id
	Quota       *Quota   `json:"quota,omitempty"`
	SLA         *SLA     `json:"sla,omitempty"`
	Parts       []Text   `json:"parts,omitempty"` // what the item consists of (cloud_ops' four parts)
	Exclusions  []Text   `json:"exclusions"`
	DeliveredAt string   `json:"delivered_at"` // the path of the channel's page
}

// Version states as stored; "effective" and "superseded" are computed from
// effective_from against the time asked about.
const (
	Draft      = "draft"
	Announced  = "announced"
	Effective  = "effective"
	Superseded = "superseded"
	Withdrawn  = "withdrawn"
)

// Version is one edition of the catalog.
type Version struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	State         string     `json:"state"`
	BasedOn       string     `json:"based_on,omitempty"`
	AnnouncedAt   *time.Time `json:"announced_at"`
	EffectiveFrom string     `json:"effective_from,omitempty"` // YYYY-MM-DD, an Asia/Shanghai day
	Items         []Item     `json:"items"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Item returns the item with the code.
func (v Version) Item(code string) (Item, bool) {
	for _, it := range v.Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}
