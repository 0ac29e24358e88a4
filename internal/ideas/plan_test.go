package ideas

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// fillSquare writes n ideas straight into the tables, spread over products,
// statuses, modules and a year of posting, in one audited transaction.
func fillSquare(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		const batch = 200
		for from := 0; from < n; from += batch {
			var (
				rows, modules []string
				args, margs   []any
			)
			for i := from; i < min(from+batch, n); i++ {
				at := start.Add(time.Duration(i) * 10 * time.Minute)
				votes := i % 97
				rows = append(rows, "(?, ?, '', ?, '[\"总账\"]', ?, '客户', ?, ?, ?, ?, ?, 1, 0, ?, ?, ?)")
				args = append(args, fmt.Sprintf("idea_%06d", i), fmt.Sprintf("想法 %d", i), []string{"k3cloud", "eas", "s-hr"}[i%3],
					fmt.Sprintf("u_%d", i%50), false, fmt.Sprintf("org_%d", i%7), Statuses[i%len(Statuses)], at, votes,
					WithVote(0, 0, at)+float64(votes%5), at, at)
				modules = append(modules, "(?, ?)")
				margs = append(margs, fmt.Sprintf("idea_%06d", i), []string{"总账", "报表", "费用"}[i%3])
			}
			if _, err := tx.Exec(ctx, `INSERT INTO ideas (id, title, body, product, modules, author_id, author_name, author_staff, author_org,
				status, status_at, votes, followers, comments, trend, created_at, updated_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO idea_modules (idea_id, module) VALUES `+strings.Join(modules, ", "), margs...); err != nil {
				return err
			}
		}
		return audit.NewRecorder(clock.Real{}).Record(ctx, tx, audit.Entry{Action: "test.fill", TargetType: Doc, TargetID: "square"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

// sortsInMemory is the line of a query plan that says the database sorts
// the rows itself rather than reading them in order off an index.
func sortsInMemory(t *testing.T, d *db.DB, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	explain, col := "EXPLAIN ", 0
	if d.Dialect() == db.SQLite {
		explain, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := d.Query(ctx, explain+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, fmt.Sprint(vals[col]))
	}
	for _, line := range plan {
		if strings.Contains(line, "TEMP B-TREE") || strings.Contains(line, "Seq Scan on ideas") ||
			strings.Contains(line, "Sort") && !strings.Contains(line, "Incremental") {
			return strings.Join(plan, "\n")
		}
	}
	return ""
}

// TestListReadsOffAnIndex: every order of the list, alone and with the
// status, product or module filter, and the roadmap's columns, read their
// page in order off an index on both databases, so a page costs the same at
// 50,000 ideas as at 50.
func TestListReadsOffAnIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fillSquare(t, d, 1500)
		for _, sort := range []string{SortTrending, SortTop, SortNew} {
			for _, q := range []listQuery{{}, {Status: StatusPlanned}, {Product: "eas"}, {Module: "报表"},
				{After: "idea_001500"}, {Status: StatusOpen, After: "idea_000600"}} {
				q.Sort, q.Limit = sort, 21
				query, args, err := listSQL(q)
				if err != nil {
					t.Fatal(err)
				}
				if plan := sortsInMemory(t, d, query, args); plan != "" {
					t.Errorf("%+v sorts its rows:\n%s", q, plan)
				}
			}
		}
		for _, byStatusAt := range []bool{false, true} {
			query, args := columnSQL(StatusShipped, "", byStatusAt, roadmapLimit)
			if plan := sortsInMemory(t, d, query, args); plan != "" {
				t.Errorf("roadmap column (by status_at %v) sorts its rows:\n%s", byStatusAt, plan)
			}
		}
	})
}
