package hotline

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of what a person types, in characters.
const (
	maxTitle       = 200
	maxDescription = 10000
	maxEnvironment = 2000
	maxName        = 100
	maxPhone       = 40
	maxNote        = 2000
	maxBody        = 10000
	maxPostmortem  = 50000
	maxKey         = 200 // Idempotency-Key, bytes
)

// ReportInput is the body of POST /api/v1/orgs/{org}/rescues.
type ReportInput struct {
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	UsersAffected   string     `json:"users_affected"`
	BusinessStopped *bool      `json:"business_stopped"`
	Since           *time.Time `json:"since"`
	Contact         *Contact   `json:"contact"`
	Environment     string     `json:"environment"`
	ReportedVia     string     `json:"reported_via"`
	Caller          *Contact   `json:"caller"`
}

// check trims the input and names every field at fault: all of them are
// required but environment; since may not lie ahead of now. Vendor staff
// file only on a customer's behalf by phone, naming the caller; customers
// file for themselves.
func (in *ReportInput) check(now time.Time, vendor bool) error {
	var bad problem.Invalid
	in.Title = text(&bad, "title", in.Title, maxTitle, true)
	in.Description = text(&bad, "description", in.Description, maxDescription, true)
	in.Environment = text(&bad, "environment", in.Environment, maxEnvironment, false)
	switch in.UsersAffected {
	case AffectsAll, AffectsMost, AffectsSome:
	case "":
		bad.Add("users_affected", "field.required")
	default:
		bad.Add("users_affected", "field.rescue_users_affected")
	}
	if in.BusinessStopped == nil {
		bad.Add("business_stopped", "field.required")
	}
	switch {
	case in.Since == nil:
		bad.Add("since", "field.required")
	case in.Since.After(now):
		bad.Add("since", "field.rescue_since_future")
	default:
		*in.Since = in.Since.UTC()
	}
	if in.Contact == nil {
		in.Contact = &Contact{}
	}
	in.Contact.check(&bad, "contact")
	switch {
	case vendor && in.ReportedVia != ViaPhone:
		bad.Add("reported_via", "field.rescue_via_phone")
	case !vendor && in.ReportedVia != "" && in.ReportedVia != ViaCustomer:
		bad.Add("reported_via", "field.rescue_via_customer")
	case !vendor:
		in.ReportedVia = ViaCustomer
	}
	switch {
	case vendor && in.Caller == nil:
		in.Caller = &Contact{}
		in.Caller.check(&bad, "caller")
	case vendor:
		in.Caller.check(&bad, "caller")
	case in.Caller != nil:
		bad.Add("caller", "field.rescue_caller_customer")
	}
	return bad.Err()
}

func (c *Contact) check(bad *problem.Invalid, field string) {
	c.Name = text(bad, field+".name", c.Name, maxName, true)
	c.Phone = strings.TrimSpace(c.Phone)
	switch {
	case c.Phone == "":
		bad.Add(field+".phone", "field.required")
	case utf8.RuneCountInString(c.Phone) > maxPhone:
		bad.Add(field+".phone", "field.too_long")
	case !isPhone(c.Phone):
		bad.Add(field+".phone", "field.phone")
	}
}

// isPhone accepts what people write as a phone number: digits (at least
// five), spaces, and + - ( ) . / and an extension marker.
func isPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-()./#", r), r == 'x', r == 'X':
		default:
			return false
		}
	}
	return digits >= 5
}

// text trims s and checks its length; a required field may not be empty.
// Control characters other than line breaks and tabs are refused.
func text(bad *problem.Invalid, field, s string, limit int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		bad.Add(field, "field.required")
	case utf8.RuneCountInString(s) > limit:
		bad.Add(field, "field.too_long")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		bad.Add(field, "field.rescue_text")
	}
	return s
}

// ActionInput is the optional body of ack, confirm, mitigate and resolve: a
// public note shown with the state change.
type ActionInput struct {
	Note string `json:"note"`
}

func (in *ActionInput) check() error {
	var bad problem.Invalid
	in.Note = text(&bad, "note", in.Note, maxNote, false)
	return bad.Err()
}

// DowngradeInput is the body of POST …/downgrade.
type DowngradeInput struct {
	Reason string `json:"reason"`
	Cause  string `json:"cause"`
	Note   string `json:"note"`
}

func (in *DowngradeInput) check() error {
	var bad problem.Invalid
	switch in.Reason {
	case NotFatal:
		if in.Cause != "" {
			bad.Add("cause", "field.rescue_cause_not_fatal")
		}
	case ExcludedCause:
		switch {
		case in.Cause == "":
			bad.Add("cause", "field.required")
		case !slices.Contains(Causes, in.Cause):
			bad.Add("cause", "field.rescue_cause")
		}
	case "":
		bad.Add("reason", "field.required")
	default:
		bad.Add("reason", "field.rescue_downgrade_reason")
	}
	in.Note = text(&bad, "note", in.Note, maxNote, false)
	return bad.Err()
}

// UpdateInput is the body of POST …/updates: public updates reach the
// customer, internal notes (public false) vendor staff only.
type UpdateInput struct {
	Body   string `json:"body"`
	Public *bool  `json:"public"`
}

func (in *UpdateInput) check() error {
	var bad problem.Invalid
	in.Body = text(&bad, "body", in.Body, maxBody, true)
	if in.Public == nil {
		bad.Add("public", "field.required")
	}
	return bad.Err()
}

// CloseInput is the body of POST …/close: a confirmed fatal failure needs
// its postmortem (Markdown); any other rescue may have one.
type CloseInput struct {
	Postmortem string `json:"postmortem"`
	Note       string `json:"note"`
}

func (in *CloseInput) check(confirmed bool) error {
	var bad problem.Invalid
	in.Postmortem = text(&bad, "postmortem", in.Postmortem, maxPostmortem, false)
	if confirmed && in.Postmortem == "" {
		bad.Add("postmortem", "field.rescue_postmortem")
	}
	in.Note = text(&bad, "note", in.Note, maxNote, false)
	return bad.Err()
}
