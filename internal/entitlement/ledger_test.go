package entitlement

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/problem"
)

// fakes stand in for the catalog, contract, lifecycle and account rooms.
type fakes struct {
	mu        sync.Mutex
	cat       catalog.Version
	contracts map[string][]contract.Contract
	regions   map[string]string
	reads     int // how often a source was asked
}

func (f *fakes) InEffect(context.Context, time.Time) (catalog.Version, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return f.cat, nil
}

func (f *fakes) OrgContracts(_ context.Context, orgID string) ([]contract.Contract, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return append([]contract.Contract(nil), f.contracts[orgID]...), nil
}

func (f *fakes) Version(_ context.Context, product, name string) (lifecycle.Version, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	v, ok := lookup(product, name)
	return v, ok, nil
}

func (f *fakes) OrgRegion(_ context.Context, orgID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	r, ok := f.regions[orgID]
	if !ok {
		return "", problem.ErrNotFound
	}
	return r, nil
}

func (f *fakes) orgCheck(_ context.Context, a *actor.Actor, orgID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.regions[orgID]; !ok || (!a.IsVendor() && a.OrgID != orgID) {
		return "", problem.ErrNotFound
	}
	return orgID, nil
}

type ledgerEnv struct {
	svc   *Service
	fakes *fakes
	clock *clock.Manual
	db    *db.DB
}

// newLedgerEnv has org_a (CN, public cloud 2026-03-01..2028-02-29) and
// org_sg (SG, the same contract), at 2026-07-01 09:00 Beijing.
func newLedgerEnv(t *testing.T, d *db.DB) *ledgerEnv {
	t.Helper()
	ctx := context.Background()
	now := bj("2026-07-01 09:00:00")
	for _, o := range [][2]string{{"org_a", "CN"}, {"org_sg", "SG"}} {
		if _, err := d.Exec(ctx, "INSERT INTO orgs (id, name, region, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", o[0], o[0], o[1], now, now); err != nil {
			t.Fatal(err)
		}
	}
	f := &fakes{cat: testCatalog(), regions: map[string]string{"org_a": "CN", "org_sg": "SG"}, contracts: map[string][]contract.Contract{
		"org_a":  {with(sub("c_a", catalog.PublicCloud, "2026-03-01", "2028-02-29"), func(c *contract.Contract) { c.OrgID = "org_a" })},
		"org_sg": {with(sub("c_sg", catalog.PublicCloud, "2026-03-01", "2027-02-28"), func(c *contract.Contract) { c.OrgID = "org_sg" })},
	}}
	c := clock.NewManual(now)
	svc := NewService(Deps{DB: d, Audit: audit.NewRecorder(c), Clock: c, Catalog: f, Contracts: f, Lifecycle: f, Orgs: f, OrgCheck: f.orgCheck})
	return &ledgerEnv{svc: svc, fakes: f, clock: c, db: d}
}

func code(err error) string {
	if pe, ok := problem.As(err); ok {
		return pe.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestConsumeIsExactUnderConcurrency: 50 consumers at once with 4 remaining
// → exactly 4 succeed and the rest get quota.exhausted; 50 at once with one
// key consume once. On both databases, against the real database.
func TestConsumeIsExactUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		env := newLedgerEnv(t, d)
		ctx := context.Background()
		at := env.clock.Now()
		const n = 50
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = env.svc.Consume(ctx, "org_a", "hotline_rescue", fmt.Sprintf("rescue:%d", i), at)
			}()
		}
		wg.Wait()
		ok, exhaustedN := 0, 0
		for _, err := range errs {
			switch code(err) {
			case "":
				ok++
			case ReasonQuotaExhausted:
				exhaustedN++
				if pe, _ := problem.As(err); pe.Status != 409 {
					t.Errorf("exhausted with status %d", pe.Status)
				}
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 4 || exhaustedN != n-4 {
			t.Fatalf("%d succeeded and %d were refused, want 4 and %d", ok, exhaustedN, n-4)
		}
		e, err := env.svc.Lookup(ctx, "org_a", "hotline_rescue", at)
		if err != nil {
			t.Fatal(err)
		}
		if q := e.Quota; q.Used != 4 || q.Remaining != 0 || q.Limit != 4 {
			t.Fatalf("quota after: %+v", *q)
		}
		if _, err := env.svc.Check(ctx, "org_a", "hotline_rescue", at); code(err) != ReasonQuotaExhausted {
			t.Errorf("Check after: %v", err)
		}

		// One key, fifty tries: one entry.
		env.clock.Set(bj("2027-03-01 09:00:00")) // the next service year: 4 again
		at = env.clock.Now()
		ids := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var en Entry
				en, errs[i] = env.svc.Consume(ctx, "org_a", "hotline_rescue", "rescue:same", at)
				ids[i] = en.ID
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("try %d: %v, entry %s (first %s)", i, errs[i], ids[i], ids[0])
			}
		}
		u, err := env.svc.store.Usage(ctx, d, "org_a", "hotline_rescue", "2027-03-01")
		if err != nil || u.Used != 1 {
			t.Fatalf("one key consumed %+v (%v), want once", u, err)
		}
	})
}

func TestRefundAndGrant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		env := newLedgerEnv(t, d)
		ctx := context.Background()
		at := env.clock.Now()
		agent := &actor.Actor{UserID: "usr_agent", Role: actor.Agent}
		member := &actor.Actor{UserID: "usr_m", OrgID: "org_a", Role: actor.CustomerMember}
		other := &actor.Actor{UserID: "usr_o", OrgID: "org_sg", Role: actor.CustomerAdmin}

		var used []Entry
		for i := range 4 {
			e, err := env.svc.Consume(ctx, "org_a", "hotline_rescue", fmt.Sprintf("rescue:%d", i), at)
			if err != nil {
				t.Fatal(err)
			}
			used = append(used, e)
		}
		again, err := env.svc.Consume(ctx, "org_a", "hotline_rescue", "rescue:0", at)
		if err != nil || again.ID != used[0].ID {
			t.Fatalf("a repeated key: %v, %s (first %s)", err, again.ID, used[0].ID)
		}

		// A refund gives one back, once.
		if _, err := env.svc.Refund(ctx, used[1].ID, " "); code(err) != "request.invalid" {
			t.Errorf("refund without a reason: %v", err)
		}
		r, err := env.svc.Refund(ctx, used[1].ID, "误报：系统并未中断")
		if err != nil || r.Kind != KindRefund || r.Refunds != used[1].ID || r.PeriodStart != "2026-03-01" {
			t.Fatalf("refund: %+v %v", r, err)
		}
		if r2, err := env.svc.Refund(ctx, used[1].ID, "again"); err != nil || r2.ID != r.ID {
			t.Errorf("second refund: %+v %v", r2, err)
		}
		if _, err := env.svc.Refund(ctx, r.ID, "a refund of a refund"); !errors.Is(err, ErrNotConsume) {
			t.Errorf("refunding a refund: %v", err)
		}
		if _, err := env.svc.Refund(ctx, "qe_nope", "x"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("refunding nothing: %v", err)
		}
		if _, err := env.svc.Consume(ctx, "org_a", "hotline_rescue", "rescue:4", at); err != nil {
			t.Errorf("consume after the refund: %v", err)
		}
		if _, err := env.svc.Consume(ctx, "org_a", "hotline_rescue", "rescue:5", at); code(err) != ReasonQuotaExhausted {
			t.Errorf("consume past the limit: %v", err)
		}

		// Grants: vendor staff with GrantQuota only; checked before the body.
		cases := []struct {
			name string
			who  *actor.Actor
			org  string
			svc  string
			in   GrantInput
			want string
		}{
			{"a customer may not grant", member, "org_a", "hotline_rescue", GrantInput{Count: -1}, "role.forbidden"},
			{"another organisation is not found", other, "org_a", "hotline_rescue", GrantInput{Count: 1, Reason: "x"}, "not_found"},
			{"an engineer may not grant", &actor.Actor{UserID: "u_e", Role: actor.Engineer}, "org_a", "hotline_rescue", GrantInput{Count: 1, Reason: "x"}, "role.forbidden"},
			{"a negative count", agent, "org_a", "hotline_rescue", GrantInput{Count: -2, Reason: "x"}, "request.invalid"},
			{"too many", agent, "org_a", "hotline_rescue", GrantInput{Count: MaxGrant + 1, Reason: "x"}, "request.invalid"},
			{"no reason", agent, "org_a", "hotline_rescue", GrantInput{Count: 1}, "request.invalid"},
			{"unknown service", agent, "org_a", "nope", GrantInput{Count: 1, Reason: "x"}, "request.invalid"},
			{"no quota", agent, "org_a", "community", GrantInput{Count: 1, Reason: "x"}, "quota.not_applicable"},
			{"not entitled", agent, "org_sg", "hotline_rescue", GrantInput{Count: 1, Reason: "x"}, "quota.not_applicable"},
		}
		for _, c := range cases {
			if _, _, err := env.svc.Grant(ctx, c.who, c.org, c.svc, c.in, ""); code(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		if _, _, err := env.svc.Grant(ctx, agent, "org_a", "nope", GrantInput{Count: -1}, ""); err != nil {
			pe, _ := problem.As(err)
			fields := map[string]bool{}
			for _, f := range pe.Fields {
				fields[f.Field] = true
			}
			if !fields["count"] || !fields["reason"] || !fields["service"] {
				t.Errorf("every bad field named: %+v", pe.Fields)
			}
		}
		g, created, err := env.svc.Grant(actor.With(ctx, agent), agent, "org_a", "hotline_rescue", GrantInput{Count: 2, Reason: "重大版本升级期间额外支持"}, "grant-1")
		if err != nil || !created || g.Kind != KindGrant || g.Count != 2 || g.ActorID != "usr_agent" || g.ActorRole != "agent" {
			t.Fatalf("grant: %+v %v %v", g, created, err)
		}
		if g2, created, err := env.svc.Grant(ctx, agent, "org_a", "hotline_rescue", GrantInput{Count: 2, Reason: "重大版本升级期间额外支持"}, "grant-1"); err != nil || created || g2.ID != g.ID {
			t.Errorf("a repeated grant: %+v %v %v", g2, created, err)
		}
		e, err := env.svc.Check(ctx, "org_a", "hotline_rescue", at)
		if err != nil || *e.Quota != (QuotaState{Limit: 6, Granted: 2, Used: 4, Remaining: 2, PeriodStart: "2026-03-01", PeriodEnd: "2027-02-28"}) {
			t.Fatalf("after the grant: %+v %v", e.Quota, err)
		}

		// The ledger: every entry with its reason, the member's own only.
		l, err := env.svc.Ledger(ctx, member, "org_a", "hotline_rescue", "", 50)
		if err != nil || len(l.Entries) != 7 || l.Quota.Remaining != 2 || l.Status != Active {
			t.Fatalf("ledger: %d entries, %+v, %v", len(l.Entries), l.Quota, err)
		}
		if l.Entries[4].Reason != "误报：系统并未中断" || l.Entries[6].Reason != "重大版本升级期间额外支持" {
			t.Errorf("reasons: %q, %q", l.Entries[4].Reason, l.Entries[6].Reason)
		}
		if _, err := env.svc.Ledger(ctx, other, "org_a", "hotline_rescue", "", 50); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another organisation's ledger: %v", err)
		}
		if _, err := env.svc.Ledger(ctx, member, "org_a", "nope", "", 50); code(err) != "request.invalid" {
			t.Errorf("unknown service: %v", err)
		}
		var audited int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'quota.%' AND org_id = ?", "org_a").Scan(&audited); err != nil || audited != 7 {
			t.Errorf("%d audit records (%v), want 7", audited, err)
		}

		// Refusals carry the reason code.
		if _, err := env.svc.Consume(ctx, "org_sg", "hotline_rescue", "", at); code(err) != ReasonRegion {
			t.Errorf("SG consume: %v", err)
		}
		if _, err := env.svc.Consume(ctx, "org_a", "community", "", at); !errors.Is(err, ErrNoQuota) && code(err) != "quota.not_applicable" {
			t.Errorf("consume without quota: %v", err)
		}
		if _, err := env.svc.Check(ctx, "org_a", "cloud_ops", bj("2030-01-01 00:00:00")); code(err) != ReasonExpired {
			t.Errorf("expired check: %v", err)
		}
		if _, err := env.svc.Check(ctx, "org_a", "nope", at); !errors.Is(err, ErrUnknownService) && code(err) != "entitlement.unknown_service" {
			t.Errorf("unknown service: %v", err)
		}
	})
}

// TestCacheForgets: once warm, evaluating asks no source; each hook forgets
// exactly its part.
func TestCacheForgets(t *testing.T) {
	env := newLedgerEnv(t, dbtest.SQLite(t))
	ctx := context.Background()
	at := env.clock.Now()
	reads := func() int { env.fakes.mu.Lock(); defer env.fakes.mu.Unlock(); return env.fakes.reads }
	if _, err := env.svc.Evaluate(ctx, "org_a", at); err != nil {
		t.Fatal(err)
	}
	warm := reads()
	for range 3 {
		if _, err := env.svc.Evaluate(ctx, "org_a", at); err != nil {
			t.Fatal(err)
		}
	}
	if reads() != warm {
		t.Fatalf("a warm evaluation read the sources %d times", reads()-warm)
	}
	status := func() Status {
		e, err := env.svc.Lookup(ctx, "org_a", "cloud_ops", at)
		if err != nil {
			t.Fatal(err)
		}
		return e.Status
	}
	env.fakes.mu.Lock()
	env.fakes.contracts["org_a"][0].Deployment = catalog.PrivateCloudSubscription
	env.fakes.mu.Unlock()
	if status() != Active {
		t.Fatal("the cache did not hold")
	}
	env.svc.ContractsChanged("org_a")
	if status() != NotEntitled {
		t.Fatal("ContractsChanged did not forget")
	}
	env.fakes.mu.Lock()
	env.fakes.cat.Items[2].AppliesTo = all3
	env.fakes.mu.Unlock()
	env.svc.CatalogChanged()
	if status() != Active {
		t.Fatal("CatalogChanged did not forget")
	}
	if _, err := env.svc.Evaluate(ctx, "org_nope", at); !errors.Is(err, problem.ErrNotFound) {
		t.Errorf("unknown org: %v", err)
	}
}
