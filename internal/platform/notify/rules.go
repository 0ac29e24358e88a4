package notify

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of a channel's fields.
const (
	maxName   = 100
	maxURL    = 2000
	maxSecret = 200
	maxKinds  = 30
)

// ChannelInput is a new channel as a person gives it.
type ChannelInput struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Secret  string   `json:"secret"`
	Kinds   []string `json:"kinds"`
	Enabled *bool    `json:"enabled"`
}

// ChannelPatch changes the fields it names; the type never changes.
type ChannelPatch struct {
	Name    *string   `json:"name"`
	URL     *string   `json:"url"`
	Secret  *string   `json:"secret"`
	Kinds   *[]string `json:"kinds"`
	Enabled *bool     `json:"enabled"`
}

// kindPattern is an event kind ("rescue.reported"), a family of them
// ("rescue.*"), or "*".
var kindPattern = regexp.MustCompile(`^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$`)

// CheckURL accepts an absolute http or https address with a host and no
// user name or password in it (those belong in the secret); the message is
// the i18n key of what is wrong.
func CheckURL(raw string) (message string, ok bool) {
	if raw == "" {
		return "field.required", false
	}
	if len(raw) > maxURL {
		return "field.too_long", false
	}
	if strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) || !utf8.ValidString(raw) {
		return "field.notify_url", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
		return "field.notify_url", false
	}
	if port := u.Port(); port == "" && strings.HasSuffix(u.Host, ":") {
		return "field.notify_url", false
	}
	return "", true
}

// checkKinds validates a list of kind patterns; the field names the list.
func checkKinds(bad *problem.Invalid, field string, kinds []string) []string {
	if len(kinds) > maxKinds {
		bad.Add(field, "field.too_long")
		return kinds
	}
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		k = strings.TrimSpace(k)
		if !kindPattern.MatchString(k) || len(k) > 100 {
			bad.Add(field, "field.notify_kind")
			return kinds
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// newChannel checks the input and returns the channel it makes.
func newChannel(in ChannelInput, id, orgID string, now time.Time) (Channel, error) {
	c := Channel{ID: id, OrgID: orgID, Type: strings.TrimSpace(in.Type), Name: in.Name, URL: in.URL, Secret: in.Secret,
		Kinds: in.Kinds, Enabled: in.Enabled == nil || *in.Enabled, CreatedAt: now, UpdatedAt: now}
	var bad problem.Invalid
	if !slices.Contains(ChannelTypes, c.Type) {
		bad.Add("type", "field.notify_type")
	}
	c.normalize(&bad)
	return c, bad.Err()
}

// apply changes c by p and checks the result.
func (c Channel) apply(p ChannelPatch, now time.Time) (Channel, error) {
	if p.Name != nil {
		c.Name = *p.Name
	}
	if p.URL != nil {
		c.URL = *p.URL
	}
	if p.Secret != nil {
		c.Secret = *p.Secret
	}
	if p.Kinds != nil {
		c.Kinds = *p.Kinds
	}
	if p.Enabled != nil {
		c.Enabled = *p.Enabled
	}
	c.UpdatedAt = now
	var bad problem.Invalid
	c.normalize(&bad)
	return c, bad.Err()
}

// normalize trims and checks the fields every channel shares.
func (c *Channel) normalize(bad *problem.Invalid) {
	c.Name = strings.TrimSpace(c.Name)
	c.URL = strings.TrimSpace(c.URL)
	switch {
	case c.Name == "":
		bad.Add("name", "field.required")
	case utf8.RuneCountInString(c.Name) > maxName:
		bad.Add("name", "field.too_long")
	}
	if msg, ok := CheckURL(c.URL); !ok {
		bad.Add("url", msg)
	}
	switch {
	case len(c.Secret) > maxSecret:
		bad.Add("secret", "field.too_long")
	case c.Type == TypeWebhook && len(c.Secret) < 16:
		bad.Add("secret", "field.notify_secret")
	}
	c.Kinds = checkKinds(bad, "kinds", c.Kinds)
}

// ChannelView is a channel as the API shows it: the secret and the address
// (robot addresses carry their access token) are write-only, shown by their
// last four characters.
type ChannelView struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id,omitempty"`
	Type       string    `json:"type"`
	Name       string    `json:"name"`
	URLHint    string    `json:"url_hint"`
	SecretHint string    `json:"secret_hint"`
	Kinds      []string  `json:"kinds"`
	Enabled    bool      `json:"enabled"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// View returns what may be shown of c.
func (c Channel) View() ChannelView {
	v := ChannelView{ID: c.ID, OrgID: c.OrgID, Type: c.Type, Name: c.Name, SecretHint: lastFour(c.Secret), Kinds: c.Kinds,
		Enabled: c.Enabled, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if v.Kinds == nil {
		v.Kinds = []string{}
	}
	if u, err := url.Parse(c.URL); err == nil {
		v.URLHint = u.Scheme + "://" + u.Host + "/" + lastFour(c.URL)
	}
	return v
}

// lastFour is "…" and the last four characters of a secret ("" for none);
// a secret that short shows nothing of itself.
func lastFour(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 8:
		return "…"
	default:
		return "…" + string(r[len(r)-4:])
	}
}
