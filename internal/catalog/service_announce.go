package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// AnnounceInput is the body of an announcement.
type AnnounceInput struct {
	EffectiveFrom string `json:"effective_from"`
}

// Announce announces a draft to take effect on effective_from, a Beijing day
// at least NoticeDays after today's Beijing day (else 422
// catalog.notice_too_short), and tells every customer_admin through the
// notice inbox in the same transaction. Only drafts (else 409 state.conflict).
func (s *Service) Announce(ctx context.Context, a *actor.Actor, versionID string, in AnnounceInput) (Version, error) {
	if err := requireEditor(a); err != nil {
		return Version{}, err
	}
	day := strings.TrimSpace(in.EffectiveFrom)
	if day == "" {
		return Version{}, problem.InvalidField("effective_from", errRequired)
	}
	if _, ok := ParseDate(day); !ok {
		return Version{}, problem.InvalidField("effective_from", errBadBeijingDate)
	}
	v, err := s.editable(ctx, a, versionID, isDraft)
	if err != nil {
		return Version{}, err
	}
	now := s.Clock.Now()
	if earliest := EarliestEffective(now); day < earliest {
		e := ErrNoticeTooShort.With("earliest", earliest).With("announced_on", clock.BeijingDate(now))
		e.Extra = map[string]any{"earliest": earliest}
		return Version{}, e
	}
	v.State, v.EffectiveFrom, v.AnnouncedAt, v.UpdatedAt = Announced, day, &now, now
	msg := announcementNotice(v)
	err = s.commit(ctx, func(tx *db.Tx) (bool, error) { return s.Store.Announce(ctx, tx, v.ID, day, now) },
		audit.Entry{Action: "catalog.announce", TargetID: v.ID,
			Changes: map[string]audit.Change{"state": {Before: Draft, After: Announced}, "effective_from": {After: day}}}, &msg)
	return v, err
}

// Withdraw withdraws an announced version before it takes effect (else 409
// state.conflict) and tells every customer_admin.
func (s *Service) Withdraw(ctx context.Context, a *actor.Actor, versionID string) (Version, error) {
	now := s.Clock.Now()
	today := clock.BeijingDate(now)
	v, err := s.editable(ctx, a, versionID, func(v Version) bool { return v.State == Announced && v.EffectiveFrom > today })
	if err != nil {
		return Version{}, err
	}
	v.State, v.UpdatedAt = Withdrawn, now
	msg := withdrawalNotice(v)
	err = s.commit(ctx, func(tx *db.Tx) (bool, error) { return s.Store.Withdraw(ctx, tx, v.ID, today, now) },
		audit.Entry{Action: "catalog.withdraw", TargetID: v.ID, Changes: map[string]audit.Change{"state": {Before: Announced, After: Withdrawn}}}, &msg)
	return v, err
}

// Diff compares two versions (public: versions are not organisation data).
func (s *Service) Diff(ctx context.Context, a, b string) (Diff, error) {
	all, err := s.Versions(ctx)
	if err != nil {
		return Diff{}, err
	}
	va, okA := find(all, a)
	vb, okB := find(all, b)
	if !okA || !okB {
		return Diff{}, problem.ErrNotFound
	}
	return Compare(va, vb), nil
}

func find(all []Version, versionID string) (Version, bool) {
	for _, v := range all {
		if v.ID == versionID {
			return v, true
		}
	}
	return Version{}, false
}

// Upcoming lists the announced versions that take effect after at's Beijing
// day, soonest first.
func (s *Service) Upcoming(ctx context.Context, at time.Time) ([]Version, error) {
	announced, err := s.Store.Announced(ctx) // not the cache: another instance may have just withdrawn one
	if err != nil {
		return nil, err
	}
	ResolveStates(announced, at)
	var out []Version
	for _, v := range announced {
		if v.State == Announced {
			out = append(out, v)
		}
	}
	return out, nil
}

func announcementNotice(v Version) notice.Message {
	return notice.Message{
		Title: notice.Text{
			Zh: fmt.Sprintf("服务目录变更公告：%s 起生效", v.EffectiveFrom),
			En: fmt.Sprintf("Service catalog change announced: in effect from %s", v.EffectiveFrom),
		},
		Body: notice.Text{
			Zh: fmt.Sprintf("服务目录新版本「%s」将于 %s（北京时间）起生效。请查看变更内容。", v.Name, v.EffectiveFrom),
			En: fmt.Sprintf("The new service catalog version \"%s\" takes effect on %s (Beijing time). See what changes.", v.Name, v.EffectiveFrom),
		},
		Link: "/catalog#upcoming",
	}
}

func withdrawalNotice(v Version) notice.Message {
	return notice.Message{
		Title: notice.Text{
			Zh: fmt.Sprintf("服务目录变更已撤回：原定 %s 生效", v.EffectiveFrom),
			En: fmt.Sprintf("Service catalog change withdrawn: it was to take effect on %s", v.EffectiveFrom),
		},
		Body: notice.Text{
			Zh: fmt.Sprintf("原定于 %s 生效的服务目录版本「%s」已撤回，现行服务目录继续有效。", v.EffectiveFrom, v.Name),
			En: fmt.Sprintf("The service catalog version \"%s\" that was to take effect on %s has been withdrawn; the current catalog stays in effect.", v.Name, v.EffectiveFrom),
		},
		Link: "/catalog",
	}
}
