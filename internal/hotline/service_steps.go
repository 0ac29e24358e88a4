package hotline

import (
	"context"
	"io"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// change is what one step does to the rescue beyond its state, inside the
// step's transaction.
type change func(tx *db.Tx, r *Rescue, now time.Time) error

// Ack acknowledges a report: its acknowledgement target is met (or
// recorded as breached), the rota's escalation stops and the update clock
// starts.
func (s *Service) Ack(ctx context.Context, a *actor.Actor, orgID, rescueID string, in ActionInput) (Rescue, error) {
	if err := in.check(); err != nil {
		return Rescue{}, err
	}
	return s.step(ctx, a, orgID, rescueID, Ack, in.Note, func(tx *db.Tx, r *Rescue, now time.Time) error {
		r.AcknowledgedAt, r.AcknowledgedBy = &now, a.UserID
		return s.d.Outbox.Acknowledge(ctx, tx, pageKey(r.ID), a.UserID)
	})
}

// Confirm confirms an acknowledged report as a fatal failure: the
// quota unit stays used.
func (s *Service) Confirm(ctx context.Context, a *actor.Actor, orgID, rescueID string, in ActionInput) (Rescue, error) {
	if err := in.check(); err != nil {
		return Rescue{}, err
	}
	return s.step(ctx, a, orgID, rescueID, Confirm, in.Note, func(_ *db.Tx, r *Rescue, now time.Time) error {
		r.ConfirmedAt = &now
		return nil
	})
}

// Downgrade finds an acknowledged report not to be a fatal failure
// (not_fatal) or caused by one of the seed's exclusions (excluded_cause with
// its cause) and refunds its quota unit in the same transaction. The report
// is still worked to resolved and closed, as a normal issue.
func (s *Service) Downgrade(ctx context.Context, a *actor.Actor, orgID, rescueID string, in DowngradeInput) (Rescue, error) {
	if err := in.check(); err != nil {
		return Rescue{}, err
	}
	return s.step(ctx, a, orgID, rescueID, Downgrade, in.Note, func(tx *db.Tx, r *Rescue, now time.Time) error {
		r.Downgrade = &DowngradeInfo{Reason: in.Reason, Cause: in.Cause, Note: in.Note, At: now}
		reason := "rescue " + r.Number + " downgraded: " + in.Reason
		if in.Cause != "" {
			reason += " (" + in.Cause + ")"
		}
		refund, err := s.d.Entitlements.RefundIn(ctx, tx, r.QuotaEntry, reason)
		if err != nil {
			return err
		}
		r.Refund = &Refund{EntryID: refund.ID, At: now}
		return nil
	})
}

// Mitigate records that a confirmed fatal failure no longer stops the
// customer's business.
func (s *Service) Mitigate(ctx context.Context, a *actor.Actor, orgID, rescueID string, in ActionInput) (Rescue, error) {
	if err := in.check(); err != nil {
		return Rescue{}, err
	}
	return s.step(ctx, a, orgID, rescueID, Mitigate, in.Note, func(_ *db.Tx, r *Rescue, now time.Time) error {
		r.MitigatedAt = &now
		return nil
	})
}

// Resolve records the cause removed: a mitigated fatal failure, or a
// downgraded report worked as a normal issue.
func (s *Service) Resolve(ctx context.Context, a *actor.Actor, orgID, rescueID string, in ActionInput) (Rescue, error) {
	if err := in.check(); err != nil {
		return Rescue{}, err
	}
	return s.step(ctx, a, orgID, rescueID, Resolve, in.Note, func(_ *db.Tx, r *Rescue, now time.Time) error {
		r.ResolvedAt = &now
		return nil
	})
}

// Close closes a resolved rescue; a confirmed fatal failure needs its
// postmortem (400 naming postmortem without one).
func (s *Service) Close(ctx context.Context, a *actor.Actor, orgID, rescueID string, in CloseInput) (Rescue, error) {
	return s.step(ctx, a, orgID, rescueID, Close, in.Note, func(_ *db.Tx, r *Rescue, now time.Time) error {
		if err := in.check(r.ConfirmedAt != nil); err != nil {
			return err
		}
		r.Postmortem, r.ClosedAt = in.Postmortem, &now
		return nil
	})
}

// step moves a rescue by action (vendor staff with WorkRescues): an action
// not allowed from the current state is 409 state.conflict naming that
// state. The change, the clocks, a public state entry in the timeline, the
// audit record and the news to the customer commit together.
func (s *Service) step(ctx context.Context, a *actor.Actor, orgID, rescueID string, action Action, note string, fn change) (Rescue, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.WorkRescues); err != nil {
		return Rescue{}, err
	}
	p, err := s.prepare(ctx, a, orgID, rescueID)
	if err != nil {
		return Rescue{}, err
	}
	var r Rescue
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = s.d.Store.Get(ctx, tx, a.Scope(), orgID, rescueID); err != nil {
			return err
		}
		from := r.State
		next, ok := action.Next(from)
		if !ok {
			return conflict(from, action)
		}
		now := s.d.Clock.Now()
		r.State, r.UpdatedAt = next, now
		if err := fn(tx, &r, now); err != nil {
			return err
		}
		runClocks(&r, p.cal, action, now)
		if saved, err := s.d.Store.Save(ctx, tx, r, from); err != nil || !saved {
			if err == nil {
				err = conflict(from, action) // another step moved it first
			}
			return err
		}
		u := s.entry(a, r.ID, EntryState, true, note, now)
		u.State = next
		if err := s.d.Store.InsertUpdate(ctx, tx, u); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "rescue." + string(action), TargetType: OwnerKind, TargetID: r.ID,
			Changes: audit.Diff(audit.Fields{"state": string(from)}, audit.Fields{"state": string(next)})}); err != nil {
			return err
		}
		return s.announceUpdate(ctx, tx, r, p.people, u)
	})
	if err != nil {
		return Rescue{}, err
	}
	if action == Downgrade { // its refund changed the ledger
		s.d.Entitlements.UsageChanged(orgID)
	}
	return s.present(ctx, a, r)
}

// prepared is what a step reads before its transaction (see Report).
type prepared struct {
	cal    BusinessHours
	people []Person
}

// prepare reads the rescue's calendar and the organisation's people; the
// rescue is looked up in the actor's scope first (another organisation's is
// 404).
func (s *Service) prepare(ctx context.Context, a *actor.Actor, orgID, rescueID string) (prepared, error) {
	r, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), orgID, rescueID)
	if err != nil {
		return prepared{}, err
	}
	cal, err := s.d.Calendars(ctx, r.SLA.Calendar)
	if err != nil {
		return prepared{}, err
	}
	people, err := s.d.OrgPeople(ctx, orgID)
	return prepared{cal: cal, people: people}, err
}

// runClocks meets the targets an action meets and (re)starts or stops the
// update clock: it runs while a report is acknowledged and while a fatal
// failure is worked, from the last public news.
func runClocks(r *Rescue, cal BusinessHours, action Action, now time.Time) {
	if action == Ack {
		meet(r, BreachAck, &r.Due.Ack, now)
	}
	meet(r, BreachUpdate, &r.Due.Update, now)
	switch r.State {
	case Acknowledged, ConfirmedFatal, Mitigated:
		restartUpdateClock(r, cal, now)
	}
}

func restartUpdateClock(r *Rescue, cal BusinessHours, now time.Time) {
	due := cal.Due(now, minutes(r.SLA.UpdateMinutes))
	r.Due.Update = &due
}

// meet stops the clock *due at now, recording a breach when now is past it.
func meet(r *Rescue, kind string, due **time.Time, now time.Time) {
	if *due != nil && now.After(**due) {
		r.Breaches = append(r.Breaches, Breach{Kind: kind, Due: **due, MetAt: &now})
	}
	*due = nil
}

// conflict is the 409 state.conflict of an action not allowed in state; its
// detail names the state and the action in words.
func conflict(state State, action Action) error {
	args := map[string]any{"state": string(state), "action": string(action)}
	for _, l := range []i18n.Lang{i18n.Chinese, i18n.English} {
		suffix := map[i18n.Lang]string{i18n.Chinese: "_zh", i18n.English: "_en"}[l]
		args["state"+suffix] = i18n.T(l, "hotline.state."+string(state), nil)
		args["action"+suffix] = i18n.T(l, "hotline.action."+string(action), nil)
	}
	pe := problem.ErrConflict.Explained("hotline.state_conflict", args)
	pe.Extra = map[string]any{"state": state, "action": action}
	return pe
}

// AddUpdate adds a line to an open rescue's timeline (vendor staff): a
// public update reaches the customer and restarts the update clock; an
// internal note (public false) is shown to vendor staff only.
func (s *Service) AddUpdate(ctx context.Context, a *actor.Actor, orgID, rescueID string, in UpdateInput) (Update, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.WorkRescues); err != nil {
		return Update{}, err
	}
	if err := in.check(); err != nil {
		return Update{}, err
	}
	p, err := s.prepare(ctx, a, orgID, rescueID)
	if err != nil {
		return Update{}, err
	}
	var u Update
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		r, err := s.d.Store.Get(ctx, tx, a.Scope(), orgID, rescueID)
		if err != nil {
			return err
		}
		if r.State == Closed {
			return conflict(r.State, "update")
		}
		now := s.d.Clock.Now()
		u = s.entry(a, r.ID, EntryUpdate, *in.Public, in.Body, now)
		if err := s.d.Store.InsertUpdate(ctx, tx, u); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "rescue.update", TargetType: OwnerKind, TargetID: r.ID,
			Changes: audit.Diff(nil, audit.Fields{"update": u.ID, "public": u.Public})}); err != nil {
			return err
		}
		if !u.Public {
			return nil
		}
		if r.Due.Update != nil {
			meet(&r, BreachUpdate, &r.Due.Update, now)
			restartUpdateClock(&r, p.cal, now)
			r.UpdatedAt = now
			if saved, err := s.d.Store.Save(ctx, tx, r, r.State); err != nil || !saved {
				if err == nil {
					err = conflict(r.State, "update")
				}
				return err
			}
		}
		return s.announceUpdate(ctx, tx, r, p.people, u)
	})
	return u, err
}

// AddAttachment stores a file (a log, a screenshot) with a rescue of the
// organisation that is not closed, through the attachment room (the
// rescue owns it: vendor staff working it read it on that basis), and
// shows it in the timeline. A repeated idempotency key returns the first
// file.
func (s *Service) AddAttachment(ctx context.Context, a *actor.Actor, orgID, rescueID, name string, body io.Reader, idempotencyKey string) (attachment.Attachment, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.AttachFiles); err != nil {
		return attachment.Attachment{}, err
	}
	r, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), orgID, rescueID)
	if err != nil {
		return attachment.Attachment{}, err
	}
	if r.State == Closed {
		return attachment.Attachment{}, conflict(r.State, "attach")
	}
	att, err := s.d.Attachments.Create(ctx, a, orgID, attachment.Upload{Name: name, Body: body, IdempotencyKey: idempotencyKey,
		OwnerKind: OwnerKind, OwnerID: r.ID})
	if err != nil {
		return att, err
	}
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if listed, err := s.d.Store.HasAttachment(ctx, tx, r.ID, att.ID); err != nil || listed {
			return err
		}
		u := s.entry(a, r.ID, EntryAttachment, true, att.Name, s.d.Clock.Now())
		u.AttachmentID = att.ID
		if err := s.d.Store.InsertUpdate(ctx, tx, u); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "rescue.attach", TargetType: OwnerKind, TargetID: r.ID,
			Changes: audit.Diff(nil, audit.Fields{"attachment": att.ID, "name": att.Name})})
	})
	return att, err
}

// OwnerBasis is the rescue's answer to audit.Access: vendor staff who work
// rescues may read the attachments of one that is not closed.
func (s *Service) OwnerBasis(ctx context.Context, q db.Querier, a *actor.Actor, orgID, rescueID string) (audit.Basis, bool, error) {
	if !a.Can(actor.WorkRescues) {
		return audit.Basis{}, false, nil
	}
	open, err := s.d.Store.OwnerOpen(ctx, q, orgID, rescueID)
	return audit.Basis{Kind: OwnerKind, ID: rescueID}, open, err
}
