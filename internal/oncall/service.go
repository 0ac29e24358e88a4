package oncall

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
)

// ErrOverrideOverlap refuses an override that overlaps another of the same
// schedule: one person is on call at a time.
var ErrOverrideOverlap = problem.New(http.StatusConflict, "oncall.override_overlap")

// errUnchanged rolls back a transaction that found nothing to do (a default
// another instance created first), so that it needs no audit record.
var errUnchanged = errors.New("oncall: nothing to change")

// Service holds the rota and escalation use cases. Reads and edits take the
// acting person; OnCall, Page and Acknowledge are for other rooms and the
// job runner, which have checked who may act.
type Service struct {
	store    *Store
	audit    *audit.Recorder
	clock    clock.Clock
	accounts *account.Service
	notices  *notice.Service
	notify   *notify.Notifier
}

// Deps are what the service is built from.
type Deps struct {
	Store    *Store
	Audit    *audit.Recorder
	Clock    clock.Clock
	Accounts *account.Service // who is vendor staff; their e-mail and language
	Notices  *notice.Service
	Notify   *notify.Notifier
}

// NewService returns the service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, audit: d.Audit, clock: d.Clock, accounts: d.Accounts, notices: d.Notices, notify: d.Notify}
}

// EnsureDefaults creates the hotline schedule (no members yet) and the
// hotline policy when they are missing: level 1 is the schedule's on-call,
// level 2 after 15 minutes every vendor_admin, twice repeated. Two instances
// starting at once create each once.
func (s *Service) EnsureDefaults(ctx context.Context) error {
	now := s.clock.Now()
	sc := Schedule{ID: DefaultScheduleID, Name: "热线值班 Hotline on-call", Members: []string{}, HandoverWeekday: "monday", HandoverTime: "09:00",
		StartsOn: clock.BeijingDate(now), CreatedAt: now, UpdatedAt: now}
	err := s.ensure(ctx, "oncall.schedule.create", "schedule", sc.ID, scheduleFields(sc), func(tx *db.Tx) (bool, error) {
		return s.store.InsertSchedule(ctx, tx, sc)
	})
	if err != nil {
		return err
	}
	p := Policy{ID: DefaultPolicyID, Name: "热线升级 Hotline escalation", Repeats: 2, CreatedAt: now, UpdatedAt: now, Levels: []Level{
		{Targets: []Target{{Type: TargetSchedule, ID: DefaultScheduleID}}, DelayMinutes: 15},
		{Targets: []Target{{Type: TargetRole, ID: string(actor.VendorAdmin)}}, DelayMinutes: 15},
	}}
	return s.ensure(ctx, "escalation_policy.create", "escalation_policy", p.ID, policyFields(p), func(tx *db.Tx) (bool, error) {
		return s.store.InsertPolicy(ctx, tx, p)
	})
}

func (s *Service) ensure(ctx context.Context, action, targetType, targetID string, fields audit.Fields, insert func(tx *db.Tx) (bool, error)) error {
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		created, err := insert(tx)
		if err != nil {
			return err
		}
		if !created {
			return errUnchanged
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: targetType, TargetID: targetID, Changes: audit.Diff(nil, fields)})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

func scheduleFields(sc Schedule) audit.Fields {
	return audit.Fields{"name": sc.Name, "members": sc.Members, "handover_weekday": sc.HandoverWeekday, "handover_time": sc.HandoverTime, "starts_on": sc.StartsOn}
}

func policyFields(p Policy) audit.Fields {
	return audit.Fields{"name": p.Name, "levels": p.Levels, "repeats": p.Repeats}
}

// checkStaff reports every listed id (by field name) that is not live vendor
// staff.
func (s *Service) checkStaff(ctx context.Context, bad *problem.Invalid, ids map[string]string) error {
	list := make([]string, 0, len(ids))
	for _, v := range ids {
		list = append(list, v)
	}
	staff, err := s.accounts.StaffByIDs(ctx, s.store.DB(), list)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, u := range staff {
		known[u.ID] = true
	}
	for field, v := range ids {
		if !known[v] {
			bad.Add(field, "field.oncall_not_staff")
		}
	}
	return nil
}

// validSchedule checks a created or changed schedule, members included.
func (s *Service) validSchedule(ctx context.Context, sc *Schedule) error {
	var bad problem.Invalid
	sc.normalize(&bad)
	members := map[string]string{}
	for i, m := range sc.Members {
		if m != "" {
			members[fmt.Sprintf("members[%d]", i)] = m
		}
	}
	if err := s.checkStaff(ctx, &bad, members); err != nil {
		return err
	}
	return bad.Err()
}

// Schedules lists every schedule (without overrides).
func (s *Service) Schedules(ctx context.Context, a *actor.Actor) ([]Schedule, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return nil, err
	}
	list, err := s.store.Schedules(ctx)
	for i := range list {
		list[i].Overrides = []Override{}
	}
	return list, err
}

// Schedule returns a schedule with its current and future overrides.
func (s *Service) Schedule(ctx context.Context, a *actor.Actor, scheduleID string) (Schedule, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return Schedule{}, err
	}
	return s.schedule(ctx, s.store.DB(), scheduleID)
}

// farFuture bounds "every future override".
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Service) schedule(ctx context.Context, q db.Querier, scheduleID string) (Schedule, error) {
	sc, err := s.store.Schedule(ctx, q, scheduleID)
	if err != nil {
		return sc, err
	}
	sc.Overrides, err = s.store.Overrides(ctx, q, scheduleID, s.clock.Now(), farFuture)
	if sc.Overrides == nil {
		sc.Overrides = []Override{}
	}
	return sc, err
}

// CreateSchedule adds a rotation.
func (s *Service) CreateSchedule(ctx context.Context, a *actor.Actor, in ScheduleInput) (Schedule, error) {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return Schedule{}, err
	}
	now := s.clock.Now()
	sc := Schedule{ID: id.New("sch", now), Name: in.Name, Members: in.Members, HandoverWeekday: in.HandoverWeekday, HandoverTime: in.HandoverTime,
		StartsOn: in.StartsOn, TimeZone: "Asia/Shanghai", Overrides: []Override{}, CreatedAt: now, UpdatedAt: now}
	if err := s.validSchedule(ctx, &sc); err != nil {
		return Schedule{}, err
	}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.store.InsertSchedule(ctx, tx, sc); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "oncall.schedule.create", TargetType: "schedule", TargetID: sc.ID, Changes: audit.Diff(nil, scheduleFields(sc))})
	})
	return sc, err
}

// UpdateSchedule changes a rotation: its members, order, hand-over or start.
func (s *Service) UpdateSchedule(ctx context.Context, a *actor.Actor, scheduleID string, p SchedulePatch) (Schedule, error) {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return Schedule{}, err
	}
	var out Schedule
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, err := s.schedule(ctx, tx, scheduleID)
		if err != nil {
			return err
		}
		after := p.apply(before)
		after.Members = append([]string(nil), after.Members...)
		if err := s.validSchedule(ctx, &after); err != nil {
			return err
		}
		after.UpdatedAt = s.clock.Now()
		if err := s.store.UpdateSchedule(ctx, tx, after); err != nil {
			return err
		}
		out = after
		return s.audit.Record(ctx, tx, audit.Entry{Action: "oncall.schedule.update", TargetType: "schedule", TargetID: scheduleID,
			Changes: audit.Diff(scheduleFields(before), scheduleFields(after))})
	})
	return out, err
}

// OnCall returns who is on call on a schedule at an instant: the override's
// user, else the rotation's member; none for an empty rota. An unknown
// schedule is not found.
func (s *Service) OnCall(ctx context.Context, scheduleID string, at time.Time) ([]string, error) {
	return s.onCall(ctx, s.store.DB(), scheduleID, at)
}

// onCall is OnCall read through q: a page reads the rota in its own
// transaction.
func (s *Service) onCall(ctx context.Context, q db.Querier, scheduleID string, at time.Time) ([]string, error) {
	sc, err := s.store.Schedule(ctx, q, scheduleID)
	if err != nil {
		return nil, err
	}
	overrides, err := s.store.Overrides(ctx, q, scheduleID, at, at.Add(time.Nanosecond))
	if err != nil {
		return nil, err
	}
	return sc.onCall(at, overrides), nil
}

// WhoIsOnCall is OnCall for a person reading the rota.
func (s *Service) WhoIsOnCall(ctx context.Context, a *actor.Actor, scheduleID string, at time.Time) ([]account.User, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return nil, err
	}
	ids, err := s.OnCall(ctx, scheduleID, at)
	if err != nil || len(ids) == 0 {
		return []account.User{}, err
	}
	return s.accounts.StaffByIDs(ctx, s.store.DB(), ids)
}

// AddOverride puts a vendor staff member on call instead of the rotation for
// a day or a time range; it must not overlap another override.
func (s *Service) AddOverride(ctx context.Context, a *actor.Actor, scheduleID string, in OverrideInput) (Override, error) {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return Override{}, err
	}
	var bad problem.Invalid
	from, to := in.span(&bad)
	if in.UserID != "" {
		if err := s.checkStaff(ctx, &bad, map[string]string{"user_id": in.UserID}); err != nil {
			return Override{}, err
		}
	}
	if err := bad.Err(); err != nil {
		return Override{}, err
	}
	now := s.clock.Now()
	o := Override{ID: id.New("ovr", now), ScheduleID: scheduleID, UserID: in.UserID, StartsAt: from, EndsAt: to, CreatedAt: now}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if found, err := s.store.LockSchedule(ctx, tx, scheduleID, now); err != nil || !found {
			return cmp(err, problem.ErrNotFound)
		}
		clash, err := s.store.Overrides(ctx, tx, scheduleID, from, to)
		if err != nil {
			return err
		}
		if len(clash) > 0 {
			return overlap(in, clash[0])
		}
		if err := s.store.InsertOverride(ctx, tx, o); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "oncall.override.create", TargetType: "schedule", TargetID: scheduleID,
			Changes: map[string]audit.Change{"override": {After: audit.Fields{"id": o.ID, "user_id": o.UserID, "starts_at": o.StartsAt, "ends_at": o.EndsAt}}}})
	})
	return o, err
}

// cmp returns err when there is one, else fallback.
func cmp(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// overlap names the field of the request that clashes and the override it
// clashes with.
func overlap(in OverrideInput, other Override) error {
	field := "starts_at"
	if in.Date != "" {
		field = "date"
	}
	e := ErrOverrideOverlap.With("starts_at", beijing(other.StartsAt)).With("ends_at", beijing(other.EndsAt))
	e.Fields = []problem.Field{{Field: field, Message: "field.oncall_override_overlap"}}
	e.Extra = map[string]any{"override_id": other.ID}
	return e
}

// DeleteOverride removes an override; the rotation applies again.
func (s *Service) DeleteOverride(ctx context.Context, a *actor.Actor, scheduleID, overrideID string) error {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return err
	}
	return s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		o, err := s.store.Override(ctx, tx, scheduleID, overrideID)
		if err != nil {
			return err
		}
		if err := s.store.DeleteOverride(ctx, tx, o.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "oncall.override.delete", TargetType: "schedule", TargetID: scheduleID,
			Changes: map[string]audit.Change{"override": {Before: audit.Fields{"id": o.ID, "user_id": o.UserID, "starts_at": o.StartsAt, "ends_at": o.EndsAt}}}})
	})
}

// beijing writes an instant as Beijing wall time for a message.
func beijing(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") }

// SeedHotline gives the hotline schedule its first rotation and the hotline
// policy its levels (the demo's): only while the rota has no members yet, so
// that a rota someone has edited is never overwritten at a restart.
func (s *Service) SeedHotline(ctx context.Context, rota ScheduleInput, levels []Level) error {
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, err := s.store.Schedule(ctx, tx, DefaultScheduleID)
		if err != nil || len(before.Members) > 0 {
			return cmp(err, errUnchanged)
		}
		after := before
		after.Members, after.HandoverWeekday, after.HandoverTime, after.StartsOn = rota.Members, rota.HandoverWeekday, rota.HandoverTime, rota.StartsOn
		if err := s.validSchedule(ctx, &after); err != nil {
			return err
		}
		policyBefore, err := s.store.Policy(ctx, tx, DefaultPolicyID)
		if err != nil {
			return err
		}
		policyAfter := policyBefore
		policyAfter.Levels = levels
		if err := s.validPolicy(ctx, tx, &policyAfter); err != nil {
			return err
		}
		now := s.clock.Now()
		after.UpdatedAt, policyAfter.UpdatedAt = now, now
		if err := s.store.UpdateSchedule(ctx, tx, after); err != nil {
			return err
		}
		if err := s.store.UpdatePolicy(ctx, tx, policyAfter); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "oncall.schedule.update", TargetType: "schedule", TargetID: after.ID,
			Changes: audit.Diff(scheduleFields(before), scheduleFields(after))}); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "escalation_policy.update", TargetType: "escalation_policy", TargetID: policyAfter.ID,
			Changes: audit.Diff(policyFields(policyBefore), policyFields(policyAfter))})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}
