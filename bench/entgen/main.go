// Command entgen fills a Steward database with organisations for the
// entitlement load test of bench/run.sh: --orgs organisations (default
// 10,000) named org_bench_00000 …, each with three contracts of the demo
// product k3cloud — an expired public-cloud subscription, its active renewal
// and a perpetual license on 8.2 — so that an evaluation reads three
// contracts. Most are in mainland China; some in Hong Kong, Macau and (one in
// twenty) Singapore. The database must hold the demo data (serve --demo once).
// Existing organisations and contracts are left alone, so it may run again.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
)

func main() {
	dataDir := flag.String("data", "./data", "the data directory (SQLite)")
	databaseURL := flag.String("database-url", "", "PostgreSQL instead of SQLite")
	orgs := flag.Int("orgs", 10000, "how many organisations")
	flag.Parse()
	if err := run(context.Background(), *dataDir, *databaseURL, *orgs); err != nil {
		fmt.Fprintln(os.Stderr, "entgen:", err)
		os.Exit(1)
	}
}

var regions = []string{"CN", "CN", "CN", "HK", "CN", "MO", "CN", "CN", "HK", "CN", "CN", "CN", "CN", "HK", "CN", "CN", "CN", "MO", "CN", "SG"}

func run(ctx context.Context, dataDir, databaseURL string, n int) error {
	a, err := app.New(ctx, app.Config{DataDir: dataDir, DatabaseURL: databaseURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	for i := range n {
		orgID := fmt.Sprintf("org_bench_%05d", i)
		if err := a.Accounts.EnsureOrg(ctx, orgID, account.OrgInput{Name: fmt.Sprintf("压测客户 %05d", i), Region: regions[i%len(regions)]}); err != nil {
			return fmt.Errorf("%s: %w", orgID, err)
		}
		for j, in := range contracts(i) {
			if err := a.Contracts.EnsureContract(ctx, orgID, fmt.Sprintf("ctr_bench_%05d_%d", i, j), in); err != nil {
				return fmt.Errorf("%s contract %d: %w", orgID, j, err)
			}
		}
		if (i+1)%1000 == 0 {
			fmt.Fprintf(os.Stderr, "entgen: %d organisations (%s)\n", i+1, time.Since(start).Round(time.Second))
		}
	}
	return nil
}

func contracts(i int) []contract.Input {
	modules := []string{"gl", "ar", "ap"}
	return []contract.Input{
		{Product: "k3cloud", Deployment: catalog.PublicCloud, Version: "9.0", StartsOn: "2023-01-01", EndsOn: "2024-12-31",
			Modules: modules, Users: 50 + i%100, Reference: fmt.Sprintf("B-%05d-1", i)},
		{Product: "k3cloud", Deployment: catalog.PublicCloud, Version: "9.0", StartsOn: "2025-01-01", EndsOn: "2027-12-31",
			Modules: modules, Users: 50 + i%100, Reference: fmt.Sprintf("B-%05d-2", i)},
		{Product: "k3cloud", Deployment: catalog.PrivateCloudPerpetual, Version: "8.2", StartsOn: "2022-06-01",
			Modules: []string{"gl", "inv"}, Users: 20, Reference: fmt.Sprintf("B-%05d-3", i)},
	}
}
