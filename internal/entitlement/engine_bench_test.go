package entitlement

import (
	"context"
	"path/filepath"
	"testing"

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
	b.ReportAllocs()
	for b.Loop() {
		if es := Evaluate(in); len(es) != 7 {
			b.Fatal(len(es))
		}
	}
}

// BenchmarkServiceEvaluate is Service.Evaluate on a warm cache, for an
// organisation with the same three contracts: what a request pays besides
// HTTP. It fails if an evaluation asks any source or the database.
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
	b.ReportAllocs()
	for b.Loop() {
		if es, err := svc.Evaluate(ctx, "org_a", at); err != nil || len(es) != 7 {
			b.Fatal(err)
		}
	}
	if f.reads != warm {
		b.Fatalf("a warm evaluation asked the sources %d times", f.reads-warm)
	}
}
