// Package oncall is the vendor's 7×24 rota and escalation: weekly on-call
// rotations of vendor staff with overrides, escalation policies of levels
// with delays, and the engine that pages level after level (notices, e-mail
// and the vendor's channels) until someone acknowledges.
package oncall

import (
	"time"

	"steward.dev/steward/internal/platform/notify"
)

// The schedule and policy every installation has (created at start-up):
// the hotline pages the hotline rota's on-call engineer first.
const (
	DefaultScheduleID = "hotline"
	DefaultPolicyID   = "hotline"
)

// Schedule is a weekly rotation: members take turns, one week each, handing
// over on a weekday at a time of day (Beijing time); overrides replace the
// rotation for a day or a time range.
type Schedule struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Members         []string   `json:"members"`          // user ids in rotation order
	HandoverWeekday string     `json:"handover_weekday"` // "monday" … "sunday"
	HandoverTime    string     `json:"handover_time"`    // HH:MM, Beijing time
	StartsOn        string     `json:"starts_on"`        // YYYY-MM-DD: the first member's week starts at the first hand-over from that day
	TimeZone        string     `json:"time_zone"`        // always Asia/Shanghai; said so that clients need not assume it
	Overrides       []Override `json:"overrides"`        // current and future ones
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Override puts a named user on call instead of the rotation from StartsAt
// (inclusive) to EndsAt (exclusive).
type Override struct {
	ID         string    `json:"id"`
	ScheduleID string    `json:"schedule_id"`
	UserID     string    `json:"user_id"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	CreatedAt  time.Time `json:"created_at"`
}

// Shift is who is on call over a stretch of time: the rota table's row.
type Shift struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	UserIDs  []string  `json:"user_ids"`
}

// Target kinds of an escalation level.
const (
	TargetSchedule = "schedule" // whoever is on call on the schedule ID
	TargetUser     = "user"     // the vendor staff member ID
	TargetRole     = "role"     // every vendor staff member with the role ID (vendor_admin, …)
)

// Target is whom a level pages.
type Target struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Level is one step of a policy: its targets are paged, and when nobody
// acknowledges within DelayMinutes the next level is.
type Level struct {
	Targets      []Target `json:"targets"`
	DelayMinutes int      `json:"delay_minutes"`
}

// Policy is an ordered list of levels; after the last level the escalation
// starts again from level 1, Repeats more times, and then stops.
type Policy struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Levels    []Level   `json:"levels"`
	Repeats   int       `json:"repeats"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Steps is how many times the policy pages in all when nobody acknowledges.
func (p Policy) Steps() int { return len(p.Levels) * (p.Repeats + 1) }

// Page is what a room asks to escalate: Key names the incident (a second
// Page with the same key changes nothing), Link is the absolute URL of the
// page to act on.
type Page struct {
	Key, PolicyID, OrgID string
	Title, Body          notify.Text
	Link                 string
}

// Escalation states.
const (
	StateOpen         = "open"         // nobody acknowledged yet (it may have run out of steps)
	StateAcknowledged = "acknowledged" // someone took it; paging stopped
)

// Escalation is a running (or finished) page: which step was notified last
// and when the next is due.
type Escalation struct {
	ID       string      `json:"id"`
	Key      string      `json:"key"`
	PolicyID string      `json:"policy_id"`
	OrgID    string      `json:"org_id"`
	Title    notify.Text `json:"title"`
	Body     notify.Text `json:"body"`
	Link     string      `json:"link"`
	State    string      `json:"state"`
	// Step counts from 0 over every round of levels; Level and Round are
	// the same position in words (level 2 of round 1).
	Step           int        `json:"step"`
	Level          int        `json:"level"`
	Round          int        `json:"round"`
	NotifiedAt     time.Time  `json:"notified_at"`
	NextAt         *time.Time `json:"next_at"` // nil once acknowledged or out of steps
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`

	levels  []Level
	repeats int
}
