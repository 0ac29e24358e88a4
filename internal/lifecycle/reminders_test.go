package lifecycle_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// beijing is 10:00 on a Beijing day.
func beijing(day string) time.Time {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return t.Add(2 * time.Hour) // 10:00 in Beijing is 02:00 UTC
}

// remind runs the reminders and returns how many versions got one.
func remind(t *testing.T, e *apptest.Env) int {
	t.Helper()
	n, err := e.App.Products.SendReminders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEndOfServiceReminders(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		huabei := e.Login("admin@huabei.demo") // perpetual, on 8.0 (ends 2026-12-31) and 7.5 (ended)
		expect := func(when string, want ...string) {
			t.Helper()
			got := notices(e, huabei)
			if len(got) != len(want) {
				t.Fatalf("%s: %d notices, want %d: %v", when, len(got), len(want), got)
			}
			for i, w := range want { // newest first
				if !strings.Contains(got[i], w) {
					t.Errorf("%s: notice %d lacks %q:\n%s", when, i, w, got[i])
				}
			}
		}

		// 2026-11-27, 34 days before 8.0's end, nothing sent yet: the
		// reminder of the threshold last crossed (90 days) goes out, once.
		if n := remind(t, e); n != 1 {
			t.Errorf("first run: %d versions reminded, want 1 (8.0)", n)
		}
		expect("34 days before", "金蝶云星空 8.0 的标准服务将于 2026-12-31 结束（还有 34 天）")
		first := notices(e, huabei)[0]
		for _, w := range []string{"Standard service of Kingdee Cloud Galaxy 8.0 ends on 2026-12-31 (34 days left)", "/lifecycle/k3cloud", "许可升级", "客户经理", "license upgrade", "account manager"} {
			if !strings.Contains(first, w) {
				t.Errorf("the reminder does not say what to do (%q):\n%s", w, first)
			}
		}
		if remind(t, e) != 0 {
			t.Error("a re-run on the same day sent again")
		}
		if n := notices(e, e.Login("admin@gangxin.demo")); len(n) != 0 { // on 8.2, ends 2028
			t.Errorf("a customer on 8.2 was reminded: %v", n)
		}

		e.Clock.Set(beijing("2026-11-30")) // 31 days: the 90 is sent, the 30 not crossed
		if remind(t, e) != 0 {
			t.Error("31 days before: sent again")
		}
		e.Clock.Set(beijing("2026-12-01")) // 30 days
		remind(t, e)
		e.Clock.Set(beijing("2026-12-24")) // 7 days
		remind(t, e)
		remind(t, e)
		e.Clock.Set(beijing("2026-12-31")) // the last day: nothing new
		remind(t, e)
		e.Clock.Set(beijing("2027-01-01")) // ended: never
		remind(t, e)
		huabei = e.Login("admin@huabei.demo") // a month later the session has expired
		expect("the series", "（还有 7 天）", "（还有 30 天）", "（还有 34 天）")
	})
}

func TestCatchUpSendsOnlyTheLatestThreshold(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		huabei := e.Login("admin@huabei.demo")
		e.Clock.Set(beijing("2026-12-26")) // down since before the 180: 5 days left
		if n := remind(t, e); n != 1 {
			t.Errorf("%d versions reminded, want 1", n)
		}
		if got := notices(e, huabei); len(got) != 1 || !strings.Contains(got[0], "5 days left") {
			t.Errorf("want one reminder, 5 days left: %v", got)
		}
	})
}

func TestAMovedDateStartsANewSeries(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		huabei, pm := e.Login("admin@huabei.demo"), e.Login("pm@steward.demo")
		remind(t, e) // the 90-day reminder for 2026-12-31
		e.Run(t, []check{{Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2027-03-31"}}, Status: 200}})
		// 124 days before the new end: its 180-day reminder, though the
		// old series had reached 90.
		if n := remind(t, e); n != 1 {
			t.Errorf("after moving the date: %d reminded, want 1", n)
		}
		got := notices(e, huabei) // reminder, date change, first reminder
		if len(got) != 3 || !strings.Contains(got[0], "2027-03-31 结束（还有 124 天）") {
			t.Errorf("want the new series' first reminder on top: %v", got)
		}
		if remind(t, e) != 0 {
			t.Error("re-run after the move sent again")
		}
		// Moving it back does not repeat the reminder already sent for that date.
		e.Run(t, []check{{Req: req{Method: "PATCH", Path: v80, Token: pm, Body: map[string]any{"standard_support_until": "2026-12-31"}}, Status: 200}})
		if remind(t, e) != 0 {
			t.Error("moving the date back repeated its 90-day reminder")
		}
	})
}

func TestTheScheduledJobReminds(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if _, err := e.App.Jobs.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := notices(e, e.Login("admin@huabei.demo")); len(got) != 1 || !strings.Contains(got[0], "34 days left") {
			t.Errorf("after the job: %v", got)
		}
	})
}

func TestTwoInstancesSendEachReminderOnce(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		one := apptest.New(t, d)
		other := one.Another(t, dbtest.Reopen(t, d))
		for _, day := range []string{"2026-11-27", "2026-12-01", "2026-12-24"} {
			one.Clock.Set(beijing(day))
			apptest.AtOnce(t, []*apptest.Env{one, other, one, other}, func(e *apptest.Env) error {
				_, err := e.App.Products.SendReminders(context.Background())
				return err
			})
		}
		if got := notices(one, one.Login("admin@huabei.demo")); len(got) != 3 {
			t.Errorf("%d reminders over three thresholds from two instances, want 3: %v", len(got), got)
		}
	})
}
