package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
)

// Reminders before a version's standard service ends: its customer_admins get
// a notice ReminderDays before the end (Beijing days), once each. The job
// runs hourly; on each run a version is due the most recent threshold it has
// crossed, so a server that was down sends the one it missed, not a burst:
// 34 days before the end, with nothing sent yet, that is the 90-day one.
// Nothing is sent once the end has passed. A sent reminder is recorded with
// the end date it counted down to, so moving the date starts a new series.

// ReminderDays are the thresholds, largest first.
var ReminderDays = []int{180, 90, 30, 7}

// dueThreshold is the most recent threshold crossed with left days to go
// (the smallest one at or above left); false when none is, or the end has
// passed.
func dueThreshold(left int) (int, bool) {
	if left < 0 {
		return 0, false
	}
	due, ok := 0, false
	for _, t := range ReminderDays {
		if left <= t {
			due, ok = t, true
		}
	}
	return due, ok
}

// daysBetween counts the calendar days from one YYYY-MM-DD day to another.
func daysBetween(from, to string) int {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	return int(t.Sub(f).Hours() / 24)
}

// SendReminders posts the reminders due today in Beijing and returns how
// many versions got one. Safe to run on several instances at once: the
// record of a reminder is written in the same transaction as its notices,
// and only by the first.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clock.Now()
	today := clock.BeijingDate(now)
	horizon := clock.BeijingDate(now.In(clock.Shanghai).AddDate(0, 0, ReminderDays[0]))
	versions, err := s.store.EndingBetween(ctx, today, horizon)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, v := range versions {
		left := daysBetween(today, v.StandardSupportUntil)
		threshold, ok := dueThreshold(left)
		if !ok {
			continue
		}
		done, err := s.remind(ctx, v, threshold, left)
		if err != nil {
			return sent, fmt.Errorf("remind %s %s: %w", v.Product, v.Name, err)
		}
		if done {
			sent++
		}
	}
	return sent, nil
}

// remind sends v's reminder for threshold unless it was sent; true when this
// call sent it.
func (s *Service) remind(ctx context.Context, v Version, threshold, left int) (bool, error) {
	// Most runs find the reminder sent: a read, no write transaction.
	if sent, err := s.store.ReminderSent(ctx, v, threshold); err != nil || sent {
		return false, err
	}
	p, err := s.Product(ctx, v.Product)
	if err != nil {
		return false, err
	}
	err = s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		first, err := s.store.RecordReminder(ctx, tx, v, threshold, s.clock.Now())
		if err != nil {
			return err
		}
		if !first { // another instance sent it since the read above
			return errSentBefore
		}
		admins, err := s.affectedAdmins(ctx, tx, v.Product, v.Name)
		if err != nil {
			return err
		}
		if err := s.notices.Post(ctx, tx, admins, reminderNotice(p, v, left)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "product.version_reminder", TargetType: "product_version", TargetID: v.Product + "/" + v.Name,
			Changes: map[string]audit.Change{"standard_support_until": {After: v.StandardSupportUntil}, "days": {After: threshold},
				"days_left": {After: left}, "recipients": {After: len(admins)}}})
	})
	if errors.Is(err, errSentBefore) {
		return false, nil
	}
	return err == nil, err
}

// errSentBefore rolls back a reminder another instance sent meanwhile.
var errSentBefore = errors.New("lifecycle: reminder already sent")

// reminderNotice tells a customer_admin that standard service of the
// version they run ends in left days, and what they can do.
func reminderNotice(p Product, v Version, left int) notice.Message {
	after := Text{Zh: "此后，永久授权的标准成功服务随之结束。", En: "Standard success services under a perpetual license end with it."}
	if v.ExtendedSupportUntil != "" {
		after = Text{Zh: fmt.Sprintf("此后延长服务持续至 %s。", v.ExtendedSupportUntil), En: fmt.Sprintf("Extended service continues until %s.", v.ExtendedSupportUntil)}
	}
	return notice.Message{
		Title: notice.Text{
			Zh: fmt.Sprintf("%s %s 的标准服务将于 %s 结束（还有 %d 天）", p.Name.Zh, v.Name, v.StandardSupportUntil, left),
			En: fmt.Sprintf("Standard service of %s %s ends on %s (%d days left)", p.Name.En, v.Name, v.StandardSupportUntil, left),
		},
		Body: notice.Text{
			Zh: fmt.Sprintf("贵单位合同所涉版本 %s %s 的标准服务于 %s（北京时间，含当日）结束。%s\n"+
				"您可以：在产品生命周期页面 /lifecycle/%s 查看仍在标准服务期内的版本；订阅客户可通过许可升级获得最新版本许可；永久授权客户请联系您的客户经理商议升级或延长服务。",
				p.Name.Zh, v.Name, v.StandardSupportUntil, after.Zh, p.Code),
			En: fmt.Sprintf("Standard service of %s %s, the version in your contract, ends on %s (Beijing time, inclusive). %s\n"+
				"What you can do: see the versions still in standard service on the product lifecycle page /lifecycle/%s; subscription customers can get the latest version's license through a license upgrade; for a perpetual license, contact your account manager about upgrading or extending service.",
				p.Name.En, v.Name, v.StandardSupportUntil, after.En, p.Code),
		},
		Link: "/lifecycle/" + p.Code,
	}
}
