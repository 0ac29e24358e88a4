package calendar

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/problem"
)

var (
	admin    = &actor.Actor{UserID: "usr_admin", Role: actor.VendorAdmin}
	engineer = &actor.Actor{UserID: "usr_eng", Role: actor.Engineer}
	customer = &actor.Actor{UserID: "usr_cust", OrgID: "org_a", Role: actor.CustomerMember}
)

func newService(t *testing.T, d *db.DB) *Service {
	t.Helper()
	c := clock.NewManual(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
	s := NewService(Deps{DB: d, Audit: audit.NewRecorder(c), Clock: c})
	if err := s.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func workday(t *testing.T, cal *Calendar, date string) (bool, string) {
	t.Helper()
	d, err := ParseDate(date)
	if err != nil {
		t.Fatal(err)
	}
	return cal.Day(d)
}

func TestSeededHolidaysReachCNWorkdays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		cal, err := s.Get(ctx, CNWorkdays)
		if err != nil {
			t.Fatal(err)
		}
		if ok, name := workday(t, cal, "2026-02-14"); !ok || name != "春节" {
			t.Errorf("2026-02-14 (Saturday, make-up) workday %v %q", ok, name)
		}
		if ok, _ := workday(t, cal, "2026-02-16"); ok {
			t.Error("2026-02-16 (Monday, Spring Festival) is open")
		}
		years, err := s.Years(ctx, engineer)
		if err != nil || len(years) != 2 || years[0].Year != 2026 || years[0].Days != 39 || years[1].Days != 33 {
			t.Fatalf("years %+v %v", years, err)
		}
		// A second start (another instance) adds nothing.
		if err := newService(t, d).Seed(ctx); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Years(ctx, engineer); len(again) != 2 || again[0].Days != 39 {
			t.Fatalf("after a second seed: %+v", again)
		}
		if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrUnknown) {
			t.Fatalf("unknown id: %v", err)
		}
		if p, ok := problem.As(ErrUnknown); !ok || p.Status != 404 {
			t.Fatal("unknown calendar is not a 404")
		}
	})
}

func TestTwoInstancesSeedingAtOnceWriteEachYearOnce(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			other := dbtest.Reopen(t, d)
			c := clock.NewManual(time.Now())
			s := NewService(Deps{DB: other, Audit: audit.NewRecorder(c), Clock: c})
			wg.Go(func() { errs[i] = s.Seed(ctx) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'holidays.seed'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("seed records %d, %v; want one per shipped year", n, err)
		}
	})
}

func TestReimportReplacesTheYearEverywhere(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		here, there := newService(t, d), newService(t, dbtest.Reopen(t, d))
		there.Listen()
		before, err := there.Get(ctx, CNWorkdays)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := workday(t, before, "2026-02-16"); ok {
			t.Fatal("2026-02-16 open before the import")
		}
		// A revised 2026 that lists only New Year's Day.
		revised := []byte(`{"year":2026,"papers":[],"days":[{"name":"元旦","date":"2026-01-01","isOffDay":true}]}`)
		res, err := here.ImportHolidays(ctx, admin, revised)
		if err != nil || res.Before != 39 || res.After != 1 {
			t.Fatalf("import %+v %v", res, err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			cal, err := there.Get(ctx, CNWorkdays)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := workday(t, cal, "2026-02-16"); ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the other instance still closes 2026-02-16 after the re-import")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestOnlyVendorAdminImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		data, err := os.ReadFile("/work/shared/data/holidays-cn/2024.json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportHolidays(context.Background(), engineer, data); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("engineer import: %v", err)
		}
		if _, err := s.Years(context.Background(), customer); err != nil {
			t.Fatalf("customer reads years: %v", err)
		}
	})
}

// customInput is a vendor calendar that exercises what the built-ins do
// not: a zone with daylight saving, a Saturday, an evening shift running to
// midnight into a Monday night shift, an interval across the spring-forward
// hour, and the Chinese holidays on top.
func customInput() Input {
	cn := HolidaysCN
	hours := []OpenHours{
		{Weekday: 6, Open: "10:00", Close: "14:00"},
		{Weekday: 7, Open: "01:00", Close: "03:30"},
		{Weekday: 7, Open: "22:00", Close: "24:00"},
		{Weekday: 1, Open: "00:00", Close: "02:00"},
	}
	for wd := 1; wd <= 5; wd++ {
		hours = append(hours, OpenHours{Weekday: wd, Open: "08:00", Close: "12:00"}, OpenHours{Weekday: wd, Open: "13:00", Close: "17:30"})
	}
	return Input{ID: "ny-support", Name: "New York support", TimeZone: "America/New_York", Intervals: hours, Holidays: &cn}
}

func TestClockPropertiesOnEveryKindOfCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		if _, err := s.Create(ctx, admin, customInput()); err != nil {
			t.Fatal(err)
		}
		// Read back through a fresh service, as another instance would.
		fresh := NewService(Deps{DB: d, Audit: s.d.Audit, Clock: s.d.Clock})
		seed := time.Now().UnixNano()
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		t.Logf("seed %d", seed)
		span := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		for _, id := range []string{AlwaysOpen, CNWorkdays, "ny-support"} {
			cal, err := fresh.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for range 400 {
				start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(span))))
				d1 := time.Duration(rng.Int64N(int64(300 * time.Hour)))
				d2 := d1 + time.Duration(rng.Int64N(int64(50*time.Hour)))
				due1, due2 := cal.Due(start, d1), cal.Due(start, d2)
				if got := cal.Elapsed(start, due1); got != d1 {
					t.Fatalf("%s: Elapsed(%v, Due(%v, %v)) = %v", id, start, start, d1, got)
				}
				if due2.Before(due1) {
					t.Fatalf("%s: Due(%v, %v) = %v before Due(…, %v) = %v", id, start, d2, due2, d1, due1)
				}
				if later := start.Add(time.Duration(rng.Int64N(int64(72 * time.Hour)))); cal.Due(later, d1).Before(due1) {
					t.Fatalf("%s: a later start %v is due before %v", id, later, due1)
				}
				mid := start.Add(time.Duration(rng.Int64N(int64(due2.Sub(start)) + 1)))
				if whole, parts := cal.Elapsed(start, due2), cal.Elapsed(start, mid)+cal.Elapsed(mid, due2); whole != parts {
					t.Fatalf("%s: Elapsed(%v, %v) = %v but split at %v sums to %v", id, start, due2, whole, mid, parts)
				}
			}
		}
	})
}

func TestAStartKeepsAnImportedYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		revised := []byte(`{"year":2026,"papers":["revised"],"days":[{"name":"春节","date":"2026-02-23","isOffDay":true}]}`)
		if _, err := s.ImportHolidays(ctx, admin, revised); err != nil {
			t.Fatal(err)
		}
		restarted := newService(t, d) // seeds again, as every start does
		cal, err := restarted.Get(ctx, CNWorkdays)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := workday(t, cal, "2026-02-16"); !ok {
			t.Error("the start brought back the shipped 2026 over the imported one")
		}
		if ok, _ := workday(t, cal, "2025-10-01"); ok {
			t.Error("2025 lost its National Day")
		}
	})
}
