package entitlement

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Errors of the ledger.
var (
	// ErrNoQuota: the service has no quota for the organisation (not a quota
	// item, or not granted to it at all).
	ErrNoQuota = problem.New(http.StatusUnprocessableEntity, "quota.not_applicable")
	// ErrNotConsume: only a consumption can be refunded.
	ErrNotConsume = problem.New(http.StatusConflict, "quota.not_refundable")
)

// Limits of the ledger's inputs.
const (
	MaxGrant     = 1000 // the most one grant may add
	maxReason    = 500  // characters
	maxKeyLength = 200  // bytes
)

// Consume uses one of the organisation's quota of the service at the instant
// and returns the ledger entry, in a transaction of its own (Claim, then
// ConsumeIn).
func (s *Service) Consume(ctx context.Context, orgID, service, idempotencyKey string, at time.Time) (Entry, error) {
	c, err := s.Claim(ctx, orgID, service, at)
	if err != nil {
		return Entry{}, err
	}
	var out Entry
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.ConsumeIn(ctx, tx, c, idempotencyKey)
		return err
	})
	if err == nil {
		s.UsageChanged(orgID)
	}
	return out, err
}

// Claim is an entitlement to a quota item checked before the transaction
// that consumes it: the check may fill the cache from the database, which a
// transaction waiting for the ledger lock must not do on a second
// connection (many such transactions at once would hold every connection of
// the pool and wait for one more).
type Claim struct {
	e   Entitlement
	org string
}

// Claim checks that the service is active for the organisation at the
// instant (else the refusal, 403 entitlement.*) and has a quota (else 422
// quota.not_applicable). Whether quota is left is decided by ConsumeIn.
func (s *Service) Claim(ctx context.Context, orgID, service string, at time.Time) (Claim, error) {
	e, err := s.Lookup(ctx, orgID, service, at)
	if err != nil {
		return Claim{}, err
	}
	if e.Status != Active {
		return Claim{}, Refusal(e)
	}
	if e.Quota == nil {
		return Claim{}, ErrNoQuota.With("service", service)
	}
	return Claim{e: e, org: orgID}, nil
}

// ConsumeIn uses one unit of a claimed quota inside the caller's
// transaction, so that what used it (a rescue) and the ledger entry commit
// together or not at all; no quota left is 409 quota.exhausted. A repeated
// idempotency key returns the first entry and consumes nothing more; an
// empty key is made up. The key also names what used the quota
// ("rescue:<id>") and is the entry's reason. It reads only through tx. The
// caller calls UsageChanged after its commit.
//
// Exact under concurrency: the check and the insert run under the
// (organisation, service) lock of Store.Lock, held until tx ends.
func (s *Service) ConsumeIn(ctx context.Context, tx *db.Tx, c Claim, idempotencyKey string) (Entry, error) {
	if len(idempotencyKey) > maxKeyLength {
		return Entry{}, problem.InvalidField("idempotency_key", "field.too_long")
	}
	e, orgID, service := c.e, c.org, c.e.Service
	now := s.d.Clock.Now()
	if idempotencyKey == "" {
		idempotencyKey = id.New("use", now)
	}
	base := e.Quota.Limit - e.Quota.Granted // the contracts' limit; grants are read under the lock
	if err := s.store.Lock(ctx, tx, orgID, service); err != nil {
		return Entry{}, err
	}
	prev, err := s.store.ByKey(ctx, tx, orgID, service, idempotencyKey)
	if err == nil {
		return prev, nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return Entry{}, err
	}
	u, err := s.store.Usage(ctx, tx, orgID, service, e.Quota.PeriodStart)
	if err != nil {
		return Entry{}, err
	}
	if u.Used >= base+u.Granted {
		q := QuotaState{Limit: base + u.Granted, Granted: u.Granted, Used: u.Used, PeriodStart: e.Quota.PeriodStart, PeriodEnd: e.Quota.PeriodEnd}
		return Entry{}, exhausted(e, &q)
	}
	out := s.entry(ctx, orgID, service, KindConsume, 1, idempotencyKey, idempotencyKey, e.Quota.PeriodStart, now)
	return out, s.write(ctx, tx, out, "quota.consume")
}

// UsageChanged makes this instance forget the organisation's ledger sums
// after a transaction that wrote the ledger (ConsumeIn, RefundIn) commits;
// the other instances hear of it from the NOTIFY that the write sent.
func (s *Service) UsageChanged(orgID string) { s.cache.forgetUsage(orgID) }

// Refund gives back a consumption, counted in the period it was used in, and
// returns the refund entry, in a transaction of its own (RefundIn).
func (s *Service) Refund(ctx context.Context, entryID, reason string) (Entry, error) {
	var out Entry
	err := s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.RefundIn(ctx, tx, entryID, reason)
		return err
	})
	if err == nil {
		s.UsageChanged(out.OrgID)
	}
	return out, err
}

// RefundIn gives back a consumption inside the caller's transaction (a
// rescue's downgrade and its refund commit together); refunding the same
// entry again returns the first refund. A system use (the channel that
// consumed decides); the actor in ctx, if any, is recorded. The caller calls
// UsageChanged after its commit.
func (s *Service) RefundIn(ctx context.Context, tx *db.Tx, entryID, reason string) (Entry, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Entry{}, err
	}
	used, err := s.store.Get(ctx, tx, actor.AllOrgs(), entryID)
	if err != nil {
		return Entry{}, err
	}
	if used.Kind != KindConsume {
		return Entry{}, ErrNotConsume
	}
	if err := s.store.Lock(ctx, tx, used.OrgID, used.Service); err != nil {
		return Entry{}, err
	}
	key := "refund:" + used.ID
	prev, err := s.store.ByKey(ctx, tx, used.OrgID, used.Service, key)
	if err == nil {
		return prev, nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return Entry{}, err
	}
	out := s.entry(ctx, used.OrgID, used.Service, KindRefund, used.Count, key, reason, used.PeriodStart, s.d.Clock.Now())
	out.Refunds = used.ID
	return out, s.write(ctx, tx, out, "quota.refund")
}

// GrantInput is an extra allowance: {"count","reason"}.
type GrantInput struct {
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// Grant adds count to the organisation's limit of the service for the
// current period (agents and vendor_admins; audited). A repeated idempotency
// key returns the first grant with created false.
func (s *Service) Grant(ctx context.Context, a *actor.Actor, orgID, service string, in GrantInput, idempotencyKey string) (Entry, bool, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.GrantQuota); err != nil {
		return Entry{}, false, err
	}
	var bad problem.Invalid
	if in.Count < 1 || in.Count > MaxGrant {
		bad.Add("count", "field.grant_count")
	}
	reason, err := checkReason(in.Reason)
	if err != nil {
		bad.Add("reason", fieldMessage(err))
	}
	if len(idempotencyKey) > maxKeyLength {
		bad.Add("Idempotency-Key", "field.too_long")
	}
	now := s.d.Clock.Now()
	e, err := s.Lookup(ctx, orgID, service, now)
	if hasCode(err, ErrUnknownService.Code) {
		bad.Add("service", "field.service_unknown")
	} else if err != nil {
		return Entry{}, false, err
	}
	if err := bad.Err(); err != nil {
		return Entry{}, false, err
	}
	if e.Quota == nil {
		return Entry{}, false, ErrNoQuota.With("service", service)
	}
	var out Entry
	created := false
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.Lock(ctx, tx, orgID, service); err != nil {
			return err
		}
		if idempotencyKey != "" {
			prev, err := s.store.ByKey(ctx, tx, orgID, service, idempotencyKey)
			if err == nil {
				out = prev
				return nil
			} else if !errors.Is(err, problem.ErrNotFound) {
				return err
			}
		}
		out = s.entry(ctx, orgID, service, KindGrant, in.Count, idempotencyKey, reason, e.Quota.PeriodStart, now)
		if out.IdempotencyKey == "" {
			out.IdempotencyKey = out.ID
		}
		created = true
		return s.write(ctx, tx, out, "quota.grant")
	})
	if created && err == nil {
		s.cache.forgetUsage(orgID)
	}
	return out, created, err
}

// Ledger is a service's quota ledger for an organisation.
type Ledger struct {
	Service string      `json:"service"`
	Status  Status      `json:"status"`
	Quota   *QuotaState `json:"quota"` // the current period; null when the service has no quota for the organisation
	Entries []Entry     `json:"items"`
}

// Ledger returns the entries of an organisation's service, oldest first,
// after the cursor (up to limit+1, to tell whether more follow), with the
// current quota state.
func (s *Service) Ledger(ctx context.Context, a *actor.Actor, orgID, service, after string, limit int) (Ledger, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return Ledger{}, err
	}
	e, err := s.Lookup(ctx, orgID, service, s.d.Clock.Now())
	if hasCode(err, ErrUnknownService.Code) {
		return Ledger{}, problem.InvalidField("service", "field.service_unknown")
	} else if err != nil {
		return Ledger{}, err
	}
	entries, err := s.store.List(ctx, a.Scope(), orgID, service, after, limit+1)
	if entries == nil {
		entries = []Entry{}
	}
	return Ledger{Service: service, Status: e.Status, Quota: e.Quota, Entries: entries}, err
}

func (s *Service) entry(ctx context.Context, orgID, service, kind string, count int, key, reason, period string, now time.Time) Entry {
	e := Entry{ID: id.New("qe", now), OrgID: orgID, Service: service, Kind: kind, Count: count, IdempotencyKey: key,
		Reason: reason, PeriodStart: period, ActorID: audit.SystemActor, CreatedAt: now}
	if a := actor.From(ctx); a != nil {
		e.ActorID, e.ActorRole = a.UserID, string(a.Role)
	}
	return e
}

// write inserts the entry with its audit record and tells the other
// instances (on commit) to forget the organisation's sums.
func (s *Service) write(ctx context.Context, tx *db.Tx, e Entry, action string) error {
	if err := s.store.Insert(ctx, tx, e); err != nil {
		return err
	}
	changes := audit.Diff(nil, audit.Fields{"service": e.Service, "kind": e.Kind, "count": e.Count, "reason": e.Reason,
		"period_start": e.PeriodStart, "refunds": e.Refunds})
	if err := s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: e.OrgID, Action: action, TargetType: "quota_entry", TargetID: e.ID, Changes: changes}); err != nil {
		return err
	}
	return s.d.DB.Notify(ctx, tx, Channel, "usage:"+e.OrgID)
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", problem.InvalidField("reason", "field.required")
	case utf8.RuneCountInString(reason) > maxReason:
		return "", problem.InvalidField("reason", "field.too_long")
	}
	return reason, nil
}

// hasCode reports whether err is a problem with the code (With copies a
// problem, so errors.Is does not find the original).
func hasCode(err error, code string) bool {
	pe, ok := problem.As(err)
	return ok && pe.Code == code
}

func fieldMessage(err error) string {
	if pe, ok := problem.As(err); ok && len(pe.Fields) > 0 {
		return pe.Fields[0].Message
	}
	return "field.required"
}
