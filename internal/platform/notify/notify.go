package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/jobs"
)

// JobKind is the job that sends one delivery.
const JobKind = "notify.deliver"

// DefaultTimeout bounds one attempt at one destination. The job runner runs
// one job at a time, so a receiver that hangs delays the deliveries queued
// behind it by at most this long per attempt.
const DefaultTimeout = 10 * time.Second

// Deps is what a Notifier works with.
type Deps struct {
	DB      *db.DB
	Clock   clock.Clock
	Jobs    *jobs.Runner // the notifier registers JobKind on it
	SMTP    SMTPConfig
	Timeout time.Duration // per attempt; DefaultTimeout when zero
	// PublicURL is the address people reach Steward at (https://host); an
	// event's Link that is a path on this site is made absolute with it,
	// since an e-mail or a robot message is read elsewhere. Empty: links are
	// sent as given.
	PublicURL string
	Audit     Auditor
	Orgs      OrgCheck
	People    People
	Log       *slog.Logger
}

// Notifier publishes events and sends their deliveries.
type Notifier struct {
	d     Deps
	store *store
	// vendorHTTP reaches the vendor's channels, wherever the vendor_admin
	// points them (an intranet alerting hook is fine); orgHTTP reaches
	// customers' channels and only public addresses.
	vendorHTTP, orgHTTP *http.Client
}

// New returns a notifier and registers its job.
func New(d Deps) *Notifier {
	if d.Timeout <= 0 {
		d.Timeout = DefaultTimeout
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	n := &Notifier{d: d, store: &store{db: d.DB}, vendorHTTP: newClient(http.DefaultTransport), orgHTTP: newClient(publicTransport())}
	d.Jobs.Handle(JobKind, n.deliver)
	return n
}

// EmailEnabled reports whether an SMTP server is configured.
func (n *Notifier) EmailEnabled() bool { return n.d.SMTP.Addr != "" }

// Publish records one delivery per destination (the e-mail addresses given,
// after the organisation's preferences filter them, plus every enabled vendor
// channel and the organisation's channels subscribed to Kind) and enqueues
// the job that sends it, all in the caller's transaction; it never blocks on
// the network. A destination that already had a delivery of the same Key
// gets nothing new.
func (n *Notifier) Publish(ctx context.Context, tx *db.Tx, e Event) error {
	if err := e.check(); err != nil {
		return err
	}
	now := n.d.Clock.Now()
	m := message{Kind: e.Kind, Key: e.Key, OrgID: e.OrgID, Title: e.Title, Body: e.Body, Link: n.absolute(e.Link), Severity: e.Severity, At: now}
	if m.Severity == "" {
		m.Severity = SeverityInfo
	}
	emails, err := n.addressees(ctx, tx, e)
	if err != nil {
		return err
	}
	for _, to := range emails {
		mm := m
		mm.To = &to
		d := Delivery{ChannelType: TypeEmail, Recipient: to.Email, event: mm}
		if err := n.enqueue(ctx, tx, d, "email:"+strings.ToLower(to.Email), now); err != nil {
			return err
		}
	}
	channels, err := n.store.receivers(ctx, tx, e.OrgID)
	if err != nil {
		return fmt.Errorf("notify: read channels: %w", err)
	}
	for _, ch := range channels {
		if !ch.Wants(e.Kind) {
			continue
		}
		d := Delivery{ChannelType: ch.Type, ChannelID: ch.ID, Recipient: ch.Name, event: m}
		if err := n.enqueue(ctx, tx, d, "channel:"+ch.ID, now); err != nil {
			return err
		}
	}
	return nil
}

// absolute makes a link that is a path on this site ("/portal/…") a full
// address under PublicURL.
func (n *Notifier) absolute(link string) string {
	if n.d.PublicURL == "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return link
	}
	return strings.TrimRight(n.d.PublicURL, "/") + link
}

// check refuses events a room built wrongly: these are the caller's bugs,
// not a person's input.
func (e Event) check() error {
	switch {
	case e.Kind == "" || e.Key == "":
		return errors.New("notify: an event needs a Kind and a Key")
	case e.Title.Zh == "" || e.Title.En == "":
		return fmt.Errorf("notify: event %s needs a title in both languages", e.Key)
	case e.Severity != "" && e.Severity != SeverityCritical && e.Severity != SeverityInfo:
		return fmt.Errorf("notify: event %s has unknown severity %q", e.Key, e.Severity)
	}
	return nil
}

// addressees are the event's e-mail addresses, each once, without the people
// of the organisation who chose not to get this kind.
func (n *Notifier) addressees(ctx context.Context, tx *db.Tx, e Event) ([]Address, error) {
	prefs := map[string][]string{}
	if e.OrgID != "" && len(e.Emails) > 0 {
		var err error
		if prefs, err = n.store.preferences(ctx, tx, e.OrgID); err != nil {
			return nil, fmt.Errorf("notify: read preferences: %w", err)
		}
	}
	seen := map[string]bool{}
	var out []Address
	for _, a := range e.Emails {
		parsed, err := mail.ParseAddress(a.Email)
		if err != nil || parsed.Address != strings.TrimSpace(a.Email) {
			n.d.Log.Warn("notify: not an e-mail address; left out", "event", e.Key, "email", a.Email)
			continue
		}
		key := strings.ToLower(parsed.Address)
		if seen[key] {
			continue
		}
		if kinds, chose := prefs[a.UserID]; a.UserID != "" && chose && (len(kinds) == 0 || !kindsMatch(kinds, e.Kind)) {
			continue
		}
		seen[key] = true
		a.Email = parsed.Address
		out = append(out, a)
	}
	return out, nil
}

// enqueue writes the delivery and its job unless the destination already
// has this event.
func (n *Notifier) enqueue(ctx context.Context, tx *db.Tx, d Delivery, destination string, now time.Time) error {
	dedup := d.event.Key + "|" + destination
	d.ID, d.EventKey, d.Kind, d.OrgID, d.CreatedAt = id.New("dlv", now), d.event.Key, d.event.Kind, d.event.OrgID, now
	wrote, err := n.store.insertDelivery(ctx, tx, d, dedup)
	if err != nil || !wrote {
		return err
	}
	return jobs.Enqueue(ctx, tx, now, JobKind, deliverJob{DeliveryID: d.ID}, now, "notify|"+dedup)
}

type deliverJob struct {
	DeliveryID string `json:"delivery_id"`
}

// deliver is the job: one attempt at one delivery. An error asks the runner
// to retry with its backoff; after the runner's last attempt the delivery is
// marked failed.
func (n *Notifier) deliver(ctx context.Context, j jobs.Job) error {
	var p deliverJob
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("notify: bad job payload: %w", err)
	}
	d, err := n.store.delivery(ctx, p.DeliveryID)
	if err != nil {
		return err
	}
	if d.State != Pending {
		return nil
	}
	status, sendErr := n.send(ctx, d)
	d.Attempts, d.LastStatus = j.Attempts, status
	d.UpdatedAt = n.d.Clock.Now()
	var skip skipped
	switch {
	case sendErr == nil:
		d.State, d.LastError, d.SentAt = Sent, "", &d.UpdatedAt
	case errors.As(sendErr, &skip):
		d.State, d.LastError = Skipped, skip.reason
	case j.Attempts >= jobs.DefaultMaxAttempts:
		d.State, d.LastError = Failed, sendErr.Error()
	default:
		d.LastError = sendErr.Error()
	}
	if err := n.store.recordAttempt(context.WithoutCancel(ctx), d); err != nil {
		return errors.Join(sendErr, err)
	}
	if d.State == Skipped {
		return nil
	}
	return sendErr
}

// skipped is a delivery that will never be sent, for a reason no retry
// changes (no SMTP server, the channel was deleted or switched off).
type skipped struct{ reason string }

func (s skipped) Error() string { return s.reason }

// send makes one attempt within the timeout and returns the receiver's
// status code (HTTP or SMTP; 0 when none came back).
func (n *Notifier) send(ctx context.Context, d Delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, n.d.Timeout)
	defer cancel()
	if d.ChannelType == TypeEmail {
		return n.sendEmail(ctx, d)
	}
	ch, found, err := n.store.channelByID(ctx, d.ChannelID)
	switch {
	case err != nil:
		return 0, err
	case !found:
		return 0, skipped{"the channel was deleted before this was sent"}
	case !ch.Enabled:
		return 0, skipped{"the channel was switched off before this was sent"}
	}
	return n.sendTo(ctx, ch, d.ID, d.event)
}

// sendTo posts a message to a channel in its own format.
func (n *Notifier) sendTo(ctx context.Context, ch Channel, deliveryID string, m message) (int, error) {
	req, err := robotRequest(ctx, ch, deliveryID, m, n.d.Clock.Now())
	if err != nil {
		return 0, err
	}
	client := n.vendorHTTP
	if ch.OrgID != "" {
		client = n.orgHTTP
	}
	return post(client, req, ch.Type)
}

func (n *Notifier) sendEmail(ctx context.Context, d Delivery) (int, error) {
	if !n.EmailEnabled() {
		return 0, noSMTP
	}
	msg, err := mailMessage(n.d.SMTP.From, d.email, d.event, d.ID, n.d.Clock.Now())
	if err != nil {
		return 0, err
	}
	deadline, _ := ctx.Deadline()
	if err := sendMail(ctx, n.d.SMTP, deadline, d.email, msg); err != nil {
		return smtpCode(err), err
	}
	return 250, nil
}
