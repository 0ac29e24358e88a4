// Package notify tells people and machines what happened: e-mail over SMTP,
// signed generic webhooks and the group robots of WeCom, DingTalk and Feishu.
// Publish writes one delivery row per destination and enqueues its job in the
// caller's transaction; the job sends it with a short timeout and retries with
// the job runner's backoff. The package holds no business rule of any room:
// rooms say what happened (an Event) and to whom it is addressed.
package notify

import (
	"strings"
	"time"
)

// Text is a message in both languages; zh-CN comes first everywhere.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Address is a person to e-mail. UserID, when known, lets the organisation's
// preferences leave the person out of kinds they do not want.
type Address struct {
	Email  string `json:"email"`
	Name   string `json:"name,omitempty"`
	Locale string `json:"locale,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// Event is something to tell. The same Key reaches each destination once,
// however often it is published.
type Event struct {
	Kind     string // "rescue.reported", "rescue.escalated", … (dotted, lower case)
	Key      string // dedup: the same Key to the same destination is delivered once
	OrgID    string // the customer organisation it concerns ("" for vendor-only)
	Title    Text   // plain text, one line
	Body     Text   // plain text; may be a few lines
	Link     string // absolute URL of the page to open
	Severity string // SeverityCritical or SeverityInfo
	Emails   []Address
}

// Severities of an event.
const (
	SeverityCritical = "critical"
	SeverityInfo     = "info"
)

// Channel types. E-mail is not a channel row: its addresses come with each
// event.
const (
	TypeEmail    = "email"
	TypeWebhook  = "webhook"
	TypeWeCom    = "wecom"
	TypeDingTalk = "dingtalk"
	TypeFeishu   = "feishu"
)

// ChannelTypes are the types a channel may have.
var ChannelTypes = []string{TypeWebhook, TypeWeCom, TypeDingTalk, TypeFeishu}

// Channel is a destination that receives every event of its kinds: the
// vendor's own (OrgID empty) or a customer organisation's.
type Channel struct {
	ID        string
	OrgID     string
	Type      string
	Name      string
	URL       string
	Secret    string // never leaves the server; see View
	Kinds     []string
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Wants reports whether the channel receives events of kind.
func (c Channel) Wants(kind string) bool { return c.Enabled && kindsMatch(c.Kinds, kind) }

// kindsMatch reports whether kind is one of patterns: an exact kind, a prefix
// ending in ".*" ("rescue.*"), or "*". No patterns means every kind.
func kindsMatch(patterns []string, kind string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if p == "*" || p == kind || (strings.HasSuffix(p, ".*") && strings.HasPrefix(kind, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// Delivery states.
const (
	Pending = "pending"
	Sent    = "sent"
	Failed  = "failed"
	Skipped = "skipped"
)

// Delivery is one event on its way to one destination: a row of the
// delivery log.
type Delivery struct {
	ID          string     `json:"id"`
	EventKey    string     `json:"event_key"`
	Kind        string     `json:"kind"`
	OrgID       string     `json:"org_id,omitempty"`
	ChannelType string     `json:"channel_type"`
	ChannelID   string     `json:"channel_id,omitempty"`
	Recipient   string     `json:"recipient"`
	Title       Text       `json:"title"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SentAt      *time.Time `json:"sent_at"`

	event message // what is sent; not part of the log's JSON
	email Address
}

// message is the stored form of what a delivery sends: the event without its
// address list, plus the one address of an e-mail delivery.
type message struct {
	Kind     string    `json:"kind"`
	Key      string    `json:"key"`
	OrgID    string    `json:"org_id,omitempty"`
	Title    Text      `json:"title"`
	Body     Text      `json:"body"`
	Link     string    `json:"link,omitempty"`
	Severity string    `json:"severity"`
	At       time.Time `json:"created_at"`
	To       *Address  `json:"to,omitempty"`
}
