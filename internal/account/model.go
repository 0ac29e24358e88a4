// Package account holds organisations, users, roles, sessions and API tokens.
package account

import (
	"encoding/json"
	"net/mail"
	"steward.dev/steward/internal/audit"
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// Org is a customer organisation.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// User is a person who logs in: customer staff (with an organisation) or
// vendor staff (without one).
type User struct {
	ID        string
	OrgID     string
	Email     string
	Name      string
	Role      actor.Role
	Locale    string
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt and RestorableUntil are set only on deleted users.
	DeletedAt       *time.Time
	RestorableUntil *time.Time

	passwordHash string
}

// MarshalJSON gives the API shape; org_id is null for vendor staff.
func (u User) MarshalJSON() ([]byte, error) {
	var org *string
	if u.OrgID != "" {
		org = &u.OrgID
	}
	return json.Marshal(struct {
		ID        string     `json:"id"`
		Email     string     `json:"email"`
		Name      string     `json:"name"`
		Role      actor.Role `json:"role"`
		OrgID     *string    `json:"org_id"`
		Locale    string     `json:"locale"`
		CreatedAt time.Time  `json:"created_at"`
		UpdatedAt time.Time  `json:"updated_at"`
		DeletedAt *time.Time `json:"deleted_at,omitempty"`
		Restore   *time.Time `json:"restorable_until,omitempty"`
	}{u.ID, u.Email, u.Name, u.Role, org, u.Locale, u.CreatedAt, u.UpdatedAt, u.DeletedAt, u.RestorableUntil})
}

// auditFields are the fields the audit trail records; never the password hash.
func (u User) auditFields() audit.Fields {
	return audit.Fields{"email": u.Email, "name": u.Name, "role": string(u.Role), "locale": u.Locale, "org_id": u.OrgID}
}

func (o Org) auditFields() audit.Fields {
	return audit.Fields{"name": o.Name, "region": o.Region}
}

// Actor returns the user as the actor of a request.
func (u User) Actor(tokenID string) *actor.Actor {
	return &actor.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Email: u.Email, Locale: u.Locale, TokenID: tokenID}
}

// OrgInput is the body of an organisation create.
type OrgInput struct {
	Name   string `json:"name"`
	Region string `json:"region"`
}

// normalize trims the input and reports every invalid field.
func (in *OrgInput) normalize() error {
	var bad problem.Invalid
	in.Name = strings.TrimSpace(in.Name)
	in.Region = strings.ToUpper(strings.TrimSpace(in.Region))
	checkText(&bad, "name", in.Name, 200)
	if !isRegion(in.Region) {
		bad.Add("region", "field.region")
	}
	return bad.Err()
}

// isRegion accepts an ISO 3166-1 alpha-2 shaped code.
func isRegion(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// UserInput is the body of a user create (customer staff or vendor staff).
type UserInput struct {
	Email    string     `json:"email"`
	Name     string     `json:"name"`
	Role     actor.Role `json:"role"`
	Password string     `json:"password"`
	Locale   string     `json:"locale"`
}

// normalize checks the input for a user of the given side.
func (in *UserInput) normalize(customer bool) error {
	var bad problem.Invalid
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if !validEmail(in.Email) {
		bad.Add("email", "field.email")
	}
	checkText(&bad, "name", in.Name, 100)
	checkRole(&bad, in.Role, customer)
	checkPassword(&bad, in.Password, in.Email)
	locale, ok := normalizeLocale(in.Locale)
	if !ok {
		bad.Add("locale", "field.locale")
	}
	in.Locale = locale
	return bad.Err()
}

// UserPatch is the body of a user update; absent fields stay as they are.
type UserPatch struct {
	Name     *string     `json:"name"`
	Role     *actor.Role `json:"role"`
	Locale   *string     `json:"locale"`
	Password *string     `json:"password"`
}

func (p *UserPatch) normalize(email string) error {
	var bad problem.Invalid
	if p.Name != nil {
		*p.Name = strings.TrimSpace(*p.Name)
		checkText(&bad, "name", *p.Name, 100)
	}
	if p.Role != nil {
		checkRole(&bad, *p.Role, true)
	}
	if p.Locale != nil {
		locale, ok := normalizeLocale(*p.Locale)
		if !ok || *p.Locale == "" {
			bad.Add("locale", "field.locale")
		}
		*p.Locale = locale
	}
	if p.Password != nil {
		checkPassword(&bad, *p.Password, email)
	}
	return bad.Err()
}

// ProfilePatch is what a user may change of their own account.
type ProfilePatch struct {
	Name            *string `json:"name"`
	Locale          *string `json:"locale"`
	Password        *string `json:"password"`
	CurrentPassword string  `json:"current_password"`
}

func checkText(bad *problem.Invalid, field, value string, maxRunes int) {
	switch {
	case value == "":
		bad.Add(field, "field.required")
	case utf8.RuneCountInString(value) > maxRunes:
		bad.Add(field, "field.too_long")
	}
}

func checkRole(bad *problem.Invalid, r actor.Role, customer bool) {
	switch {
	case r == "":
		bad.Add("role", "field.required")
	case !r.Valid():
		bad.Add("role", "field.role_unknown")
	case customer && !r.IsCustomer():
		bad.Add("role", "field.role_not_customer")
	case !customer && !r.IsVendor():
		bad.Add("role", "field.role_not_vendor")
	}
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

func checkPassword(bad *problem.Invalid, password, email string) {
	switch {
	case password == "":
		bad.Add("password", "field.required")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		bad.Add("password", "field.password_short")
	case len(password) > 1024:
		bad.Add("password", "field.too_long")
	case strings.EqualFold(password, email):
		bad.Add("password", "field.password_is_email")
	}
}

func validEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// emailKey is the form emails are compared in: unique case-insensitively.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// normalizeLocale maps "", "zh-CN", "en" to a supported locale.
func normalizeLocale(s string) (string, bool) {
	if s == "" {
		return string(i18n.Chinese), true
	}
	for _, l := range i18n.Langs {
		if s == string(l) {
			return s, true
		}
	}
	return "", false
}

// Token is a session or a named API token; the secret is shown once.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Secret    string     `json:"token,omitempty"`
}

// Token kinds.
const (
	KindSession = "session"
	KindAPI     = "api"
)
