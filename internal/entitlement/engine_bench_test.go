package entitlement

import (
	"testing"

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
