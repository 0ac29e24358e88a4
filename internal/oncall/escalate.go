package oncall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
)

// StepJob is the job kind of an escalation's next step; the app registers
// Service.RunStep for it.
const StepJob = "oncall.escalation_step"

// EventKind is the kind of the notifications a page sends (vendor channels
// subscribe to it, or to "oncall.*").
const EventKind = "oncall.paged"

type stepPayload struct {
	Key  string `json:"key"`
	Step int    `json:"step"`
}

// stepKey names one step of one escalation: the job's dedup key and the
// notifications' key, so that neither happens twice.
func stepKey(key string, step int) string { return fmt.Sprintf("escalation:%s:%d", key, step) }

// Page starts the escalation of p.Key inside tx: level 1 is notified at once
// (an inbox notice and, through notify, e-mail and the vendor's channels) and
// the next step is enqueued for when level 1's delay runs out. A key paged
// before changes nothing. An empty PolicyID means the hotline policy.
func (s *Service) Page(ctx context.Context, tx *db.Tx, p Page) error {
	if p.PolicyID == "" {
		p.PolicyID = DefaultPolicyID
	}
	var bad problem.Invalid
	p.Key = strings.TrimSpace(p.Key)
	if p.Key == "" {
		bad.Add("key", "field.required")
	}
	if strings.TrimSpace(p.Title.Zh) == "" || strings.TrimSpace(p.Title.En) == "" {
		bad.Add("title", "field.required")
	}
	if err := bad.Err(); err != nil {
		return err
	}
	if _, err := s.store.Escalation(ctx, tx, p.Key); !errors.Is(err, problem.ErrNotFound) {
		return err // nil when it exists: paged before
	}
	policy, err := s.store.Policy(ctx, tx, p.PolicyID)
	if err != nil {
		return fmt.Errorf("escalation policy %q: %w", p.PolicyID, err)
	}
	now := s.clock.Now()
	e := Escalation{ID: id.New("esc", now), Key: p.Key, PolicyID: policy.ID, OrgID: p.OrgID, Title: p.Title, Body: p.Body, Link: p.Link,
		State: StateOpen, NotifiedAt: now, CreatedAt: now, levels: policy.Levels, repeats: policy.Repeats}
	e.NextAt = e.dueAfter(0, now)
	created, err := s.store.InsertEscalation(ctx, tx, e)
	if err != nil || !created {
		return err
	}
	notified, err := s.notifyStep(ctx, tx, e, 0, now)
	if err != nil {
		return err
	}
	if err := s.enqueueNext(ctx, tx, e, 0, now); err != nil {
		return err
	}
	return s.audit.Record(ctx, tx, audit.Entry{OrgID: e.OrgID, Action: "escalation.page", TargetType: "escalation", TargetID: e.ID,
		Changes: map[string]audit.Change{"key": {After: e.Key}, "policy_id": {After: e.PolicyID}, "step": {After: 0}, "notified": {After: notified}}})
}

// dueAfter is when the step after step is due, or nil after the last.
func (e Escalation) dueAfter(step int, notifiedAt time.Time) *time.Time {
	if step+1 >= len(e.levels)*(e.repeats+1) {
		return nil
	}
	next := notifiedAt.Add(time.Duration(e.levels[step%len(e.levels)].DelayMinutes) * time.Minute)
	return &next
}

func (s *Service) enqueueNext(ctx context.Context, tx *db.Tx, e Escalation, step int, now time.Time) error {
	next := e.dueAfter(step, now)
	if next == nil {
		return nil
	}
	return jobs.Enqueue(ctx, tx, now, StepJob, stepPayload{Key: e.Key, Step: step + 1}, *next, stepKey(e.Key, step+1))
}

// RunStep is the job of an escalation's next step: when the escalation is
// still open and this step not yet done, it notifies the step's level and
// enqueues the one after. Each step notifies once, however many instances
// run the job and whichever takes over a crashed instance's claim.
func (s *Service) RunStep(ctx context.Context, j jobs.Job) error {
	var p stepPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("escalation step payload: %w", err)
	}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		e, err := s.store.Escalation(ctx, tx, p.Key)
		if errors.Is(err, problem.ErrNotFound) || err == nil && (e.State != StateOpen || e.Step != p.Step-1) {
			return errUnchanged
		}
		if err != nil {
			return err
		}
		now := s.clock.Now()
		advanced, err := s.store.Advance(ctx, tx, e.Key, e.Step, now, e.dueAfter(p.Step, now))
		if err != nil {
			return err
		}
		if !advanced {
			return errUnchanged
		}
		notified, err := s.notifyStep(ctx, tx, e, p.Step, now)
		if err != nil {
			return err
		}
		if err := s.enqueueNext(ctx, tx, e, p.Step, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: e.OrgID, Action: "escalation.step", TargetType: "escalation", TargetID: e.ID,
			Changes: map[string]audit.Change{"step": {Before: e.Step, After: p.Step}, "notified": {After: notified}}})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// Acknowledge stops the escalation of key: no later step notifies anyone.
// Acknowledging again, or a key never paged, changes nothing.
func (s *Service) Acknowledge(ctx context.Context, tx *db.Tx, key, userID string) error {
	e, err := s.store.Escalation(ctx, tx, key)
	if errors.Is(err, problem.ErrNotFound) || err == nil && e.State != StateOpen {
		return nil
	}
	if err != nil {
		return err
	}
	acked, err := s.store.Acknowledge(ctx, tx, key, userID, s.clock.Now())
	if err != nil || !acked {
		return err
	}
	return s.audit.Record(ctx, tx, audit.Entry{OrgID: e.OrgID, Action: "escalation.acknowledge", TargetType: "escalation", TargetID: e.ID,
		Changes: map[string]audit.Change{"acknowledged_by": {After: userID}, "step": {Before: e.Step, After: e.Step}}})
}

// targets resolves a level to the live vendor staff it pages now.
func (s *Service) targets(ctx context.Context, q db.Querier, l Level, at time.Time) ([]string, error) {
	var ids []string
	for _, t := range l.Targets {
		var more []string
		var err error
		switch t.Type {
		case TargetSchedule:
			more, err = s.onCall(ctx, q, t.ID, at)
			if errors.Is(err, problem.ErrNotFound) {
				err = nil // a schedule deleted since: the level's other targets still count
			}
		case TargetRole:
			more, err = s.accounts.StaffIDsWithRole(ctx, q, actor.Role(t.ID))
		case TargetUser:
			more = []string{t.ID}
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// notifyStep tells the people of step's level (an inbox notice and an
// e-mail each) and the vendor's channels; it returns whom it paged.
func (s *Service) notifyStep(ctx context.Context, tx *db.Tx, e Escalation, step int, now time.Time) ([]string, error) {
	level, round := position(step, len(e.levels))
	ids, err := s.targets(ctx, tx, e.levels[level-1], now)
	if err != nil {
		return nil, err
	}
	staff, err := s.accounts.StaffByIDs(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	title := e.Title
	if step > 0 {
		title = notify.Text{
			Zh: fmt.Sprintf("【未确认·第 %d 级·第 %d 轮】%s", level, round, e.Title.Zh),
			En: fmt.Sprintf("[Unacknowledged, level %d, round %d] %s", level, round, e.Title.En),
		}
	}
	paged := make([]string, 0, len(staff))
	emails := make([]notify.Address, 0, len(staff))
	for _, u := range staff {
		paged = append(paged, u.ID)
		emails = append(emails, notify.Address{Email: u.Email, Name: u.Name, Locale: u.Locale, UserID: u.ID})
	}
	msg := notice.Message{Title: notice.Text{Zh: title.Zh, En: title.En}, Body: notice.Text{Zh: e.Body.Zh, En: e.Body.En}, Link: sitePath(e.Link)}
	if err := s.notices.Post(ctx, tx, paged, msg); err != nil {
		return nil, err
	}
	// No OrgID: paging the vendor's staff is the vendor's business, and the
	// customer's channels are not told that nobody has answered yet.
	err = s.notify.Publish(ctx, tx, notify.Event{Kind: EventKind, Key: stepKey(e.Key, step), Title: title, Body: e.Body, Link: e.Link,
		Severity: notify.SeverityCritical, Emails: emails})
	return paged, err
}

// sitePath is the path of an absolute link on this site, for the inbox,
// which links only within the site.
func sitePath(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.RequestURI()
}

// Escalations lists escalations newest first, open or acknowledged or all
// (state ""), up to limit+1.
func (s *Service) Escalations(ctx context.Context, a *actor.Actor, state, after string, limit int) ([]Escalation, error) {
	if err := actor.Require(a, actor.ReadRota); err != nil {
		return nil, err
	}
	if state != "" && state != StateOpen && state != StateAcknowledged {
		return nil, problem.InvalidField("state", "field.oncall_state")
	}
	return s.store.Escalations(ctx, state, after, limit+1)
}
