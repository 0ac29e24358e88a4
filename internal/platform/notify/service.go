package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Auditor writes the audit record of a change inside its transaction (app
// passes the audit trail's recorder: platform packages import no room).
// changes maps each changed field to its value before and after.
type Auditor func(ctx context.Context, tx *db.Tx, orgID, action, targetType, targetID string, changes map[string][2]any) error

// OrgCheck returns problem.ErrNotFound unless the organisation exists and
// the actor may see it.
type OrgCheck func(ctx context.Context, a *actor.Actor, orgID string) error

// Person is someone of a customer organisation who may get e-mail.
type Person struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// People lists an organisation's people as the actor may see them (app reads
// them from accounts, which checks the actor's right to).
type People func(ctx context.Context, a *actor.Actor, orgID string) ([]Person, error)

// require checks that the actor may act on the channels of orgID ("" for
// the vendor's own) with permission p. Customers never reach the vendor's
// channels; another organisation's are not found.
func (n *Notifier) require(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) error {
	if orgID == "" {
		if !a.IsVendor() {
			return problem.ErrNotFound
		}
	} else if err := n.d.Orgs(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}

// readPermission is who may read the channels of orgID.
func readPermission(orgID string) actor.Permission {
	if orgID == "" {
		return actor.ReadNotifyLog
	}
	return actor.ReadServices
}

// writePermission is who may change the channels of orgID.
func writePermission(orgID string) actor.Permission {
	if orgID == "" {
		return actor.ManageNotifyChannels
	}
	return actor.ManageOrgNotify
}

// Channels lists the vendor's channels (orgID "") or an organisation's.
func (n *Notifier) Channels(ctx context.Context, a *actor.Actor, orgID string) ([]ChannelView, error) {
	if err := n.require(ctx, a, orgID, readPermission(orgID)); err != nil {
		return nil, err
	}
	list, err := n.store.channels(ctx, a.Scope(), orgID)
	views := make([]ChannelView, 0, len(list))
	for _, c := range list {
		views = append(views, c.View())
	}
	return views, err
}

// Channel returns one channel of the vendor (orgID "") or of an organisation.
func (n *Notifier) Channel(ctx context.Context, a *actor.Actor, orgID, channelID string) (ChannelView, error) {
	if err := n.require(ctx, a, orgID, readPermission(orgID)); err != nil {
		return ChannelView{}, err
	}
	c, err := n.store.channel(ctx, n.d.DB, a.Scope(), orgID, channelID)
	return c.View(), err
}

// CreateChannel adds a channel to the vendor (orgID "") or an organisation.
func (n *Notifier) CreateChannel(ctx context.Context, a *actor.Actor, orgID string, in ChannelInput) (ChannelView, error) {
	if err := n.require(ctx, a, orgID, writePermission(orgID)); err != nil {
		return ChannelView{}, err
	}
	now := n.d.Clock.Now()
	c, err := newChannel(in, id.New("nch", now), orgID, now)
	if err != nil {
		return ChannelView{}, err
	}
	err = n.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := n.store.insertChannel(ctx, tx, c); err != nil {
			return err
		}
		return n.d.Audit(ctx, tx, orgID, "notify.channel.create", "notify_channel", c.ID, auditFields(Channel{}, c))
	})
	return c.View(), err
}

// UpdateChannel changes one of the vendor's channels.
func (n *Notifier) UpdateChannel(ctx context.Context, a *actor.Actor, channelID string, p ChannelPatch) (ChannelView, error) {
	if err := n.require(ctx, a, "", actor.ManageNotifyChannels); err != nil {
		return ChannelView{}, err
	}
	var out Channel
	err := n.d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := n.store.channel(ctx, tx, a.Scope(), "", channelID)
		if err != nil {
			return err
		}
		if out, err = old.apply(p, n.d.Clock.Now()); err != nil {
			return err
		}
		if err := n.store.updateChannel(ctx, tx, out); err != nil {
			return err
		}
		return n.d.Audit(ctx, tx, "", "notify.channel.update", "notify_channel", out.ID, auditFields(old, out))
	})
	return out.View(), err
}

// DeleteChannel removes a channel of the vendor (orgID "") or of an
// organisation. Its pending deliveries are skipped when their turn comes.
func (n *Notifier) DeleteChannel(ctx context.Context, a *actor.Actor, orgID, channelID string) error {
	if err := n.require(ctx, a, orgID, writePermission(orgID)); err != nil {
		return err
	}
	return n.d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := n.store.channel(ctx, tx, a.Scope(), orgID, channelID)
		if err != nil {
			return err
		}
		if err := n.store.deleteChannel(ctx, tx, old.ID); err != nil {
			return err
		}
		return n.d.Audit(ctx, tx, orgID, "notify.channel.delete", "notify_channel", old.ID, auditFields(old, Channel{}))
	})
}

// auditFields are the changed fields between two versions of a channel; the
// secret and the address appear by their hints only.
func auditFields(before, after Channel) map[string][2]any {
	b, a := before.View(), after.View()
	out := map[string][2]any{}
	add := func(field string, x, y any, changed bool) {
		if changed {
			out[field] = [2]any{x, y}
		}
	}
	add("type", b.Type, a.Type, b.Type != a.Type)
	add("name", b.Name, a.Name, b.Name != a.Name)
	add("url", b.URLHint, a.URLHint, before.URL != after.URL)
	add("secret", b.SecretHint, a.SecretHint, before.Secret != after.Secret)
	add("kinds", b.Kinds, a.Kinds, !slices.Equal(b.Kinds, a.Kinds))
	add("enabled", b.Enabled, a.Enabled, b.Enabled != a.Enabled)
	return out
}

// TestResult is the outcome of a test message sent to a channel at once.
type TestResult struct {
	OK     bool   `json:"ok"`
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"`
}

// TestChannel sends a test message to one of the vendor's channels now,
// within the attempt timeout, and says how the receiver answered. Nothing is
// stored: it is not an event.
func (n *Notifier) TestChannel(ctx context.Context, a *actor.Actor, channelID string) (TestResult, error) {
	if err := n.require(ctx, a, "", actor.ManageNotifyChannels); err != nil {
		return TestResult{}, err
	}
	c, err := n.store.channel(ctx, n.d.DB, a.Scope(), "", channelID)
	if err != nil {
		return TestResult{}, err
	}
	now := n.d.Clock.Now()
	m := message{Kind: "notify.test", Key: "test:" + c.ID, Severity: SeverityInfo, At: now,
		Title: Text{Zh: "Steward 测试消息", En: "Steward test message"},
		Body:  Text{Zh: fmt.Sprintf("这是渠道「%s」的测试消息，由 %s 发送。", c.Name, a.Name), En: fmt.Sprintf("This is a test of the channel %q, sent by %s.", c.Name, a.Name)}}
	ctx, cancel := context.WithTimeout(ctx, n.d.Timeout)
	defer cancel()
	status, err := n.sendTo(ctx, c, id.New("dlv", now), m)
	if err != nil {
		return TestResult{Status: status, Error: err.Error()}, nil
	}
	return TestResult{OK: true, Status: status}, nil
}

// DeliveryStates are the states of a delivery, in the order a person reads them.
var DeliveryStates = []string{Pending, Sent, Failed, Skipped}

// Deliveries lists the delivery log for vendor staff, newest first, up to
// limit+1 rows after the cursor.
func (n *Notifier) Deliveries(ctx context.Context, a *actor.Actor, f DeliveryFilter, after string, limit int) ([]Delivery, error) {
	if err := n.require(ctx, a, "", actor.ReadNotifyLog); err != nil {
		return nil, err
	}
	var bad problem.Invalid
	if f.State != "" && !slices.Contains(DeliveryStates, f.State) {
		bad.Add("status", "field.notify_state")
	}
	if f.Kind != "" && (!kindPattern.MatchString(f.Kind) || strings.HasSuffix(f.Kind, "*")) {
		bad.Add("kind", "field.notify_kind")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return n.store.deliveries(ctx, f, after, limit+1)
}

// Preference is who of an organisation gets which kinds by e-mail. Kinds nil
// means every kind; empty means none.
type Preference struct {
	Person
	Kinds []string `json:"kinds"`
}

// Mode is the person's choice in a word: "all" kinds, "some" (those in
// Kinds) or "none".
func (p Preference) Mode() string {
	switch {
	case p.Kinds == nil:
		return "all"
	case len(p.Kinds) == 0:
		return "none"
	default:
		return "some"
	}
}

// Preferences lists every person of the organisation with the kinds they get.
func (n *Notifier) Preferences(ctx context.Context, a *actor.Actor, orgID string) ([]Preference, error) {
	if err := n.require(ctx, a, orgID, actor.ReadOrgUsers); err != nil {
		return nil, err
	}
	people, err := n.d.People(ctx, a, orgID)
	if err != nil {
		return nil, err
	}
	chosen, err := n.store.preferences(ctx, n.d.DB, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]Preference, 0, len(people))
	for _, p := range people {
		pref := Preference{Person: p}
		if kinds, ok := chosen[p.UserID]; ok {
			pref.Kinds = append([]string{}, kinds...)
		}
		out = append(out, pref)
	}
	return out, nil
}

// PreferenceInput is one person's choice; Kinds nil (or absent) means every
// kind, an empty list none.
type PreferenceInput struct {
	UserID string   `json:"user_id"`
	Kinds  []string `json:"kinds"`
}

// SetPreferences replaces the organisation's choices: the people listed get
// the kinds given, everyone else every kind.
func (n *Notifier) SetPreferences(ctx context.Context, a *actor.Actor, orgID string, items []PreferenceInput) ([]Preference, error) {
	if err := n.require(ctx, a, orgID, actor.ManageOrgNotify); err != nil {
		return nil, err
	}
	people, err := n.d.People(ctx, a, orgID)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, p := range people {
		known[p.UserID] = true
	}
	var bad problem.Invalid
	prefs := map[string][]string{}
	for i, item := range items {
		field := fmt.Sprintf("items[%d]", i)
		if !known[item.UserID] {
			bad.Add(field+".user_id", "field.notify_person")
			continue
		}
		known[item.UserID] = false // listed twice is a mistake too
		if item.Kinds == nil {
			continue
		}
		prefs[item.UserID] = checkKinds(&bad, field+".kinds", item.Kinds)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = n.d.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := n.store.preferences(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := n.store.replacePreferences(ctx, tx, orgID, prefs, n.d.Clock.Now()); err != nil {
			return err
		}
		return n.d.Audit(ctx, tx, orgID, "notify.preferences.update", "org", orgID, map[string][2]any{"preferences": {before, prefs}})
	})
	if err != nil {
		return nil, err
	}
	return n.Preferences(ctx, a, orgID)
}
