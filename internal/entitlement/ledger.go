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
// and returns the ledger entry. The service must be active for the
// organisation (else the refusal, 403 entitlement.*) and have quota left in
// the period (else 409 quota.exhausted). A repeated idempotency key returns
// the first entry and consumes nothing more; an empty key is made up. The key
// also names what used the quota ("rescue:<id>") and is the entry's reason.
//
// Exact under concurrency: the check and the insert run in one transaction
// that holds the (organisation, service) lock of Store.Lock.
func (s *Service) Consume(ctx context.Context, orgID, service, idempotencyKey string, at time.Time) (Entry, error) {
	if len(idempotencyKey) > maxKeyLength {
		return Entry{}, problem.InvalidField("idempotency_key", "field.too_long")
	}
	e, err := s.Lookup(ctx, orgID, service, at)
	if err != nil {
		return Entry{}, err
	}
	if e.Status != Active {
		return Entry{}, Refusal(e)
	}
	if e.Quota == nil {
		return Entry{}, ErrNoQuota.With("service", service)
	}
	now := s.d.Clock.Now()
	if idempotencyKey == "" {
		idempotencyKey = id.New("use", now)
	}
	base := e.Quota.Limit - e.Quota.Granted // the contracts' limit; grants are read under the lock
	var out Entry
	wrote := false
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.Lock(ctx, tx, orgID, service); err != nil {
			return err
		}
		prev, err := s.store.ByKey(ctx, tx, orgID, service, idempotencyKey)
		if err == nil {
			out = prev
			return nil
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		u, err := s.store.Usage(ctx, tx, orgID, service, e.Quota.PeriodStart)
		if err != nil {
			return err
		}
		if u.Used >= base+u.Granted {
			q := QuotaState{Limit: base + u.Granted, Granted: u.Granted, Used: u.Used, PeriodStart: e.Quota.PeriodStart, PeriodEnd: e.Quota.PeriodEnd}
			return exhausted(e, &q)
		}
		out = s.entry(ctx, orgID, service, KindConsume, 1, idempotencyKey, idempotencyKey, e.Quota.PeriodStart, now)
		wrote = true
		return s.write(ctx, tx, out, "quota.consume")
	})
	if wrote && err == nil {
		s.cache.forgetUsage(orgID)
	}
	return out, err
}

// Refund gives back a consumption, counted in the period it was used in, and
// returns the refund entry; refunding the same entry again returns the first
// refund. A system use (the channel that consumed decides); the actor in ctx,
// if any, is recorded.
func (s *Service) Refund(ctx context.Context, entryID, reason string) (Entry, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Entry{}, err
	}
	var out Entry
	wrote := false
	err = s.d.DB.InTx(ctx, func(tx *db.Tx) error {
		used, err := s.store.Get(ctx, tx, actor.AllOrgs(), entryID)
		if err != nil {
			return err
		}
		if used.Kind != KindConsume {
			return ErrNotConsume
		}
		if err := s.store.Lock(ctx, tx, used.OrgID, used.Service); err != nil {
			return err
		}
		key := "refund:" + used.ID
		prev, err := s.store.ByKey(ctx, tx, used.OrgID, used.Service, key)
		if err == nil {
			out = prev
			return nil
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		out = s.entry(ctx, used.OrgID, used.Service, KindRefund, used.Count, key, reason, used.PeriodStart, s.d.Clock.Now())
		out.Refunds = used.ID
		wrote = true
		return s.write(ctx, tx, out, "quota.refund")
	})
	if wrote && err == nil {
		s.cache.forgetUsage(out.OrgID)
	}
	return out, err
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
