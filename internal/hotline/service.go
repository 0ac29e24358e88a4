package hotline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/problem"
)

// BusinessHours is a calendar's clock (calendar.Calendar): the instant a
// target of business time after start falls due.
type BusinessHours interface {
	Due(start time.Time, d time.Duration) time.Time
}

// Person is a user of a customer organisation, told of its rescues.
type Person struct {
	UserID, Email, Name, Locale string
	Admin                       bool // a customer_admin
}

// News is what a rescue tells people outside this room: the oncall room
// pages the rota with it, the notifier e-mails and posts it to channels.
type News struct {
	Kind     string // "rescue.reported", "rescue.updated"
	Key      string // the same key to the same destination is delivered once
	OrgID    string
	Title    Text
	Body     Text
	Link     string // a path on this site
	Critical bool
	Emails   []Person
}

// Outbox carries news inside the transaction of the change (app wires the
// oncall and notify rooms): nothing here waits on the network.
type Outbox interface {
	// Page starts the hotline escalation of news.Key (oncall.Service.Page).
	Page(ctx context.Context, tx *db.Tx, n News) error
	// Acknowledge stops the escalation of key (oncall.Service.Acknowledge).
	Acknowledge(ctx context.Context, tx *db.Tx, key, userID string) error
	// Publish enqueues the deliveries of news (notify.Notifier.Publish).
	Publish(ctx context.Context, tx *db.Tx, n News) error
}

// Deps are what the service is built from.
type Deps struct {
	Store        *Store
	Audit        *audit.Recorder
	Clock        clock.Clock
	Orgs         audit.OrgCheck // the organisation exists and the actor may see it
	Entitlements *entitlement.Service
	// Catalog answers the catalog version in effect (the SLA targets).
	Catalog func(ctx context.Context, at time.Time) (catalog.Version, error)
	// Calendars finds a business-hours calendar by id (calendar.Service.Get).
	Calendars func(ctx context.Context, id string) (BusinessHours, error)
	Notices   *notice.Service
	// OrgPeople are an organisation's live users: its customer_admins and
	// the reporter are told of every report and update.
	OrgPeople func(ctx context.Context, orgID string) ([]Person, error)
	Outbox    Outbox
	// Attachments keep the files a rescue owns (logs, screenshots).
	Attachments *attachment.Service
}

// Service holds the rescue use cases: customers report and read their own
// organisation's rescues; vendor staff file by phone and work them.
type Service struct {
	d Deps
	// quiet: tell no one (Quiet).
	quiet bool
}

// Quiet returns the service that pages, notifies and e-mails no one, for
// loading the demo's past rescues: a fresh demo start must not page the
// rota or fill the delivery log with news of the past.
func (s *Service) Quiet() *Service {
	q := *s
	q.quiet = true
	return &q
}

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{d: d} }

// Now is the service clock's time.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// RequireInOrg checks that the organisation exists and the actor may see it
// (else 404), then that the actor holds p (else 403 role.forbidden).
// Handlers call it before reading a body.
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) error {
	if a == nil {
		return problem.ErrUnauthenticated
	}
	if _, err := s.d.Orgs(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}

// Terms are the SLA targets of the hotline item in effect at the instant:
// the catalog's, else DefaultSLA.
func (s *Service) Terms(ctx context.Context, at time.Time) (SLA, error) {
	v, err := s.d.Catalog(ctx, at)
	if err != nil {
		return SLA{}, err
	}
	sla := DefaultSLA
	if it, ok := v.Item(ServiceCode); ok {
		if it.Hours != "" {
			sla.Calendar = it.Hours
		}
		if it.SLA != nil && it.SLA.AcknowledgeMinutes > 0 {
			sla.AckMinutes = it.SLA.AcknowledgeMinutes
		}
		if it.SLA != nil && it.SLA.UpdateMinutes > 0 {
			sla.UpdateMinutes = it.SLA.UpdateMinutes
		}
	}
	return sla, nil
}

// Quota is the organisation's hotline entitlement now, with the quota left:
// what the report page shows before anyone sends.
func (s *Service) Quota(ctx context.Context, a *actor.Actor, orgID string) (entitlement.Entitlement, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return entitlement.Entitlement{}, err
	}
	return s.d.Entitlements.Lookup(ctx, orgID, ServiceCode, s.d.Clock.Now())
}

// Report files a fatal-failure report and consumes one unit of the
// organisation's hotline quota in the same transaction: both commit or
// neither. A repeat of the reporter's idempotency key returns the first
// rescue with created false and consumes nothing. Refusals are the
// entitlement's: 403 entitlement.* (expired, not in the contract, …) or 409
// quota.exhausted with the period's end and the other channels to use.
func (s *Service) Report(ctx context.Context, a *actor.Actor, orgID string, in ReportInput, idempotencyKey string) (Rescue, bool, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReportRescue); err != nil {
		return Rescue{}, false, err
	}
	now := s.d.Clock.Now()
	var bad problem.Invalid
	if len(idempotencyKey) > maxKey || hasNonPrintable(idempotencyKey) {
		bad.Add("Idempotency-Key", "field.idempotency_key")
	}
	if err := in.check(now, a.IsVendor()); err != nil {
		pe, _ := problem.As(err)
		for _, f := range pe.Fields {
			bad.Add(f.Field, f.Message)
		}
	}
	if err := bad.Err(); err != nil {
		return Rescue{}, false, err
	}
	if idempotencyKey != "" {
		if first, err := s.d.Store.ByKey(ctx, s.d.Store.DB(), orgID, a.UserID, idempotencyKey); err == nil {
			first, err = s.present(ctx, a, first)
			return first, false, err
		} else if !errors.Is(err, problem.ErrNotFound) {
			return Rescue{}, false, err
		}
	}
	// Everything read outside the transaction is read before it: a
	// transaction holding the quota lock must not wait for a second
	// connection of the pool.
	claim, err := s.d.Entitlements.Claim(ctx, orgID, ServiceCode, now)
	if err != nil {
		return Rescue{}, false, err
	}
	sla, err := s.Terms(ctx, now)
	if err != nil {
		return Rescue{}, false, err
	}
	cal, err := s.d.Calendars(ctx, sla.Calendar)
	if err != nil {
		return Rescue{}, false, err
	}
	people, err := s.d.OrgPeople(ctx, orgID)
	if err != nil {
		return Rescue{}, false, err
	}
	ackDue := cal.Due(now, minutes(sla.AckMinutes))
	r := Rescue{ID: id.New("rsc", now), OrgID: orgID, State: Reported, Title: in.Title, Description: in.Description,
		UsersAffected: in.UsersAffected, BusinessStopped: *in.BusinessStopped, Since: *in.Since, Contact: *in.Contact,
		Environment: in.Environment, ReportedVia: in.ReportedVia, Caller: in.Caller, ReportedBy: a.UserID, ReporterName: a.Name,
		SLA: sla, Due: Due{Ack: &ackDue}, Breaches: []Breach{}, CreatedAt: now, UpdatedAt: now}
	// Everything the transaction needs besides its own rows was read above,
	// and paging reads the rota through tx: a burst of reports, each holding
	// a connection while it waits for the quota lock, never needs another.
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		entry, err := s.d.Entitlements.ConsumeIn(ctx, tx, claim, pageKey(r.ID))
		if err != nil {
			return withChannels(err)
		}
		r.QuotaEntry = entry.ID
		year := now.In(clock.Shanghai).Year()
		n, err := s.d.Store.NextNumber(ctx, tx, year)
		if err != nil {
			return err
		}
		r.Number = fmt.Sprintf("R-%d-%04d", year, n)
		if err := s.d.Store.Insert(ctx, tx, r, idempotencyKey); err != nil {
			return err
		}
		if err := s.d.Store.InsertUpdate(ctx, tx, s.entry(a, r.ID, EntryReported, true, r.Title, now)); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "rescue.report", TargetType: OwnerKind, TargetID: r.ID,
			Changes: audit.Diff(nil, audit.Fields{"number": r.Number, "title": r.Title, "reported_via": r.ReportedVia, "quota_entry": r.QuotaEntry})}); err != nil {
			return err
		}
		return s.announceReport(ctx, tx, r, people)
	})
	if errors.Is(err, errDuplicateKey) { // the same key won a race meanwhile
		first, err := s.d.Store.ByKey(ctx, s.d.Store.DB(), orgID, a.UserID, idempotencyKey)
		if err != nil {
			return Rescue{}, false, err
		}
		first, err = s.present(ctx, a, first)
		return first, false, err
	}
	if err != nil {
		return Rescue{}, false, err
	}
	s.d.Entitlements.UsageChanged(orgID)
	r, err = s.present(ctx, a, r)
	return r, true, err
}

// List returns a page of the organisation's rescues, newest first (up to
// limit+1, to tell whether more follow), without timelines.
func (s *Service) List(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]Rescue, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return nil, err
	}
	list, err := s.d.Store.List(ctx, a.Scope(), orgID, before, limit+1)
	return s.brief(list), err
}

// Queue is the vendor's work queue: the rescues of every organisation in the
// state (every state but closed when state is empty), oldest first.
func (s *Service) Queue(ctx context.Context, a *actor.Actor, state State, after string, limit int) ([]Rescue, error) {
	if a == nil {
		return nil, problem.ErrUnauthenticated
	}
	if !a.Can(actor.WorkRescues) {
		return nil, problem.ErrForbidden
	}
	states := []State{state}
	switch {
	case state == "":
		states = []State{Reported, Acknowledged, ConfirmedFatal, Downgraded, Mitigated, Resolved}
	case !state.Valid():
		return nil, problem.InvalidField("state", "field.rescue_state")
	}
	list, err := s.d.Store.Queue(ctx, states, after, limit+1)
	return s.brief(list), err
}

// brief readies list rows: the breaches still running, no timeline.
func (s *Service) brief(list []Rescue) []Rescue {
	now := s.d.Clock.Now()
	for i := range list {
		list[i].Breaches = running(list[i], now)
	}
	if list == nil {
		list = []Rescue{}
	}
	return list
}

// Get returns a rescue with its timeline (internal notes for vendor staff
// only) and the organisation's quota; another organisation's is 404.
func (s *Service) Get(ctx context.Context, a *actor.Actor, orgID, rescueID string) (Rescue, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return Rescue{}, err
	}
	r, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), orgID, rescueID)
	if err != nil {
		return Rescue{}, err
	}
	return s.present(ctx, a, r)
}

// present completes a rescue for the actor: its timeline as the actor may
// see it, the rendered postmortem, the breaches still running and the
// organisation's quota now.
func (s *Service) present(ctx context.Context, a *actor.Actor, r Rescue) (Rescue, error) {
	tl, err := s.d.Store.Timeline(ctx, s.d.Store.DB(), r.ID, a.IsVendor())
	if err != nil {
		return Rescue{}, err
	}
	r.Timeline = tl
	if r.Timeline == nil {
		r.Timeline = []Update{}
	}
	r.PostmortemHTML = markdown.Render(r.Postmortem)
	r.Breaches = running(r, s.d.Clock.Now())
	e, err := s.d.Entitlements.Lookup(ctx, r.OrgID, ServiceCode, s.d.Clock.Now())
	r.Quota = e.Quota
	return r, err
}

// running adds to the recorded breaches the targets overdue at now and not
// met yet (met_at null).
func running(r Rescue, now time.Time) []Breach {
	out := append([]Breach{}, r.Breaches...)
	if r.Due.Ack != nil && now.After(*r.Due.Ack) {
		out = append(out, Breach{Kind: BreachAck, Due: *r.Due.Ack})
	}
	if r.Due.Update != nil && now.After(*r.Due.Update) {
		out = append(out, Breach{Kind: BreachUpdate, Due: *r.Due.Update})
	}
	return out
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// entry is a timeline line by the actor.
func (s *Service) entry(a *actor.Actor, rescueID, kind string, public bool, body string, now time.Time) Update {
	return Update{ID: id.New("rsu", now), RescueID: rescueID, Kind: kind, Public: public, Body: body,
		AuthorID: a.UserID, AuthorName: a.Name, AuthorRole: string(a.Role), CreatedAt: now}
}

func hasNonPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return true
		}
	}
	return false
}
