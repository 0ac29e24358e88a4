package oncall

import (
	"context"
	"errors"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// validPolicy checks a created or changed policy, its targets included: a
// schedule must exist and a user must be vendor staff.
func (s *Service) validPolicy(ctx context.Context, q db.Querier, p *Policy) error {
	var bad problem.Invalid
	users := map[string]string{}
	for field, t := range p.normalize(&bad) {
		switch t.Type {
		case TargetUser:
			users[field] = t.ID
		case TargetSchedule:
			if _, err := s.store.Schedule(ctx, q, t.ID); errors.Is(err, problem.ErrNotFound) {
				bad.Add(field, "field.oncall_schedule_unknown")
			} else if err != nil {
				return err
			}
		}
	}
	if err := s.checkStaff(ctx, &bad, users); err != nil {
		return err
	}
	return bad.Err()
}

// Policies lists every escalation policy.
func (s *Service) Policies(ctx context.Context, a *actor.Actor) ([]Policy, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return nil, err
	}
	return s.store.Policies(ctx)
}

// Policy returns one escalation policy.
func (s *Service) Policy(ctx context.Context, a *actor.Actor, policyID string) (Policy, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return Policy{}, err
	}
	return s.store.Policy(ctx, s.store.DB(), policyID)
}

// CreatePolicy adds an escalation policy.
func (s *Service) CreatePolicy(ctx context.Context, a *actor.Actor, in PolicyInput) (Policy, error) {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return Policy{}, err
	}
	now := s.clock.Now()
	p := Policy{ID: id.New("pol", now), Name: in.Name, Levels: in.Levels, Repeats: in.Repeats, CreatedAt: now, UpdatedAt: now}
	if err := s.validPolicy(ctx, s.store.DB(), &p); err != nil {
		return Policy{}, err
	}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.store.InsertPolicy(ctx, tx, p); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "escalation_policy.create", TargetType: "escalation_policy", TargetID: p.ID,
			Changes: audit.Diff(nil, policyFields(p))})
	})
	return p, err
}

// UpdatePolicy changes a policy. Escalations already running keep the
// levels they started with.
func (s *Service) UpdatePolicy(ctx context.Context, a *actor.Actor, policyID string, patch PolicyPatch) (Policy, error) {
	if err := actor.Require(a, actor.ManageRota); err != nil {
		return Policy{}, err
	}
	var out Policy
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, err := s.store.Policy(ctx, tx, policyID)
		if err != nil {
			return err
		}
		after := patch.apply(before)
		if err := s.validPolicy(ctx, tx, &after); err != nil {
			return err
		}
		after.UpdatedAt = s.clock.Now()
		if err := s.store.UpdatePolicy(ctx, tx, after); err != nil {
			return err
		}
		out = after
		return s.audit.Record(ctx, tx, audit.Entry{Action: "escalation_policy.update", TargetType: "escalation_policy", TargetID: policyID,
			Changes: audit.Diff(policyFields(before), policyFields(after))})
	})
	return out, err
}
