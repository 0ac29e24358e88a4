package entitlement

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
)

// BenchmarkEvaluateThreeContracts is the engine alone, for an organisation
// with an expired public-cloud contract, its active renewal and a perpetual
// license, over the seven items of the default catalog.
func BenchmarkEvaluateThreeContracts(b *testing.B) {
	in := Input{Region: "CN", Catalog: testCatalog(), Lifecycle: lookup, At: bj("2026-07-01 09:00:00"),
		Usage: func(string, string) (int, int) { return 1, 0 },
		Contracts: []contract.Contract{
			sub("c_1", catalog.PublicCloud, "2024-07-01", "2025-06-30"),
			sub("c_2", catalog.PublicCloud, "2025-07-01", "2026-06-30"),
			perpetual("c_3", "9.0", "2024-01-01"),
		}}
	loop(b, func() {
		if es := Evaluate(in); len(es) != 7 {
			b.Fatal(len(es))
		}
	})
}

// loop runs op in b.Loop and reports, besides ns/op (wall time), cpu-ns/op:
// the process's user+system CPU time per op, garbage collection included,
// which other work on a shared machine disturbs far less than wall time.
func loop(b *testing.B, op func()) {
	b.Helper()
	b.ReportAllocs()
	var ru syscall.Rusage
	cpu := func() time.Duration {
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	n, start := 0, cpu()
	for b.Loop() {
		op()
		n++
	}
	b.ReportMetric(float64(cpu()-start)/float64(n), "cpu-ns/op")
}

// BenchmarkServiceEvaluate is Service.Evaluate on a warm cache, for an
// organisation with the same three contracts: what a request pays besides
// HTTP (the day's answer is kept until an input changes). It fails if an
// evaluation asks any source or the database.
func BenchmarkServiceEvaluate(b *testing.B) {
	ctx := context.Background()
	d, err := db.OpenSQLite(ctx, filepath.Join(b.TempDir(), "steward.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	f := &fakes{cat: testCatalog(), regions: map[string]string{"org_a": "CN"}, contracts: map[string][]contract.Contract{"org_a": {
		sub("c_1", catalog.PublicCloud, "2024-07-01", "2025-06-30"),
		sub("c_2", catalog.PublicCloud, "2025-07-01", "2026-06-30"),
		perpetual("c_3", "9.0", "2024-01-01"),
	}}}
	at := bj("2026-07-01 09:00:00")
	c := clock.NewManual(at)
	svc := NewService(Deps{DB: d, Audit: audit.NewRecorder(c), Clock: c, Catalog: f, Contracts: f, Lifecycle: f, Orgs: f, OrgCheck: f.orgCheck})
	if _, err := svc.Evaluate(ctx, "org_a", at); err != nil {
		b.Fatal(err)
	}
	warm := f.reads
	loop(b, func() {
		if es, err := svc.Evaluate(ctx, "org_a", at); err != nil || len(es) != 7 {
			b.Fatal(err)
		}
	})
	if f.reads != warm {
		b.Fatalf("a warm evaluation asked the sources %d times", f.reads-warm)
	}
}
