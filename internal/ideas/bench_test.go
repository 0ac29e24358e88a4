package ideas

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

var (
	benchDialect = flag.String("ideas.db", "sqlite", "database of the benchmarks: sqlite, or postgres (on STEWARD_TEST_PG)")
	benchIdeas   = flag.Int("ideas.n", 50000, "ideas BenchmarkList lists")
)

// benchNow is the benchmark square's today; its ideas were posted over the
// three years before.
var benchNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// benchProducts and benchStatuses are drawn with these weights: most ideas
// are about the main product and still open, as on a real square.
var (
	benchProducts = []string{"k3cloud", "k3cloud", "k3cloud", "k3cloud", "k3cloud", "k3cloud", "eas", "eas", "galaxy", "jdy"}
	benchStatuses = []string{StatusOpen, StatusOpen, StatusOpen, StatusOpen, StatusOpen, StatusOpen, StatusOpen, StatusOpen, StatusOpen,
		StatusOpen, StatusOpen, StatusUnderReview, StatusUnderReview, StatusUnderReview, StatusPlanned, StatusPlanned, StatusInProgress,
		StatusShipped, StatusShipped, StatusDeclined}
	benchModules = []string{"总账", "应收", "应付", "存货核算", "供应链", "费用报销", "移动审批", "税务发票", "报表", "权限"}
	benchWords   = strings.Fields("凭证 结账 报表 导出 审批 发票 库存 批次 预警 权限 手机 批量 自动 核销 对账 预算 成本 折旧 " +
		"excel voucher approval invoice stock report mobile batch")
)

// benchIdea is a generated idea and the times of its votes.
type benchIdea struct {
	Idea
	votedAt []time.Time
	voters  []int
}

// generate makes n ideas: posted uniformly over three years, two in a
// hundred merged into another, votes from a long tail (most ideas have one
// to three, a few hundreds) cast by 5,000 people of 1,000 organisations,
// mostly soon after posting.
func generate(n int) []benchIdea {
	rng := rand.New(rand.NewPCG(9, 27))
	span := 3 * 365 * 24 * time.Hour
	out := make([]benchIdea, n)
	for i := range out {
		created := benchNow.Add(-time.Duration(rng.Int64N(int64(span))))
		var title []string
		for range 4 + rng.IntN(6) {
			title = append(title, benchWords[rng.IntN(len(benchWords))])
		}
		author := rng.IntN(5000)
		it := Idea{ID: fmt.Sprintf("idea_bench_%06d", i), Title: strings.Join(title, " "),
			Body:    strings.Repeat(strings.Join(title, "，")+"。", 1+rng.IntN(4)),
			Product: benchProducts[rng.IntN(len(benchProducts))], Modules: []string{benchModules[rng.IntN(len(benchModules))]},
			Author: Author{ID: fmt.Sprintf("u%05d", author), Name: "bench"}, authorOrg: fmt.Sprintf("o%04d", author/5),
			Status: benchStatuses[rng.IntN(len(benchStatuses))], StatusAt: created, CreatedAt: created, UpdatedAt: created, Followers: 1}
		if rng.IntN(50) == 0 && i > 0 {
			it.MergedInto = out[rng.IntN(i)].ID
		}
		b := benchIdea{Idea: it}
		votes := int(math.Exp(rng.Float64()*rng.Float64()*math.Log(400))) - 1 // besides the author's
		voters := map[int]bool{author: true}
		b.voters, b.votedAt = []int{author}, []time.Time{created}
		for range votes {
			v := rng.IntN(5000)
			if voters[v] {
				continue
			}
			voters[v] = true
			age := benchNow.Sub(created)
			b.voters = append(b.voters, v)
			b.votedAt = append(b.votedAt, created.Add(time.Duration(float64(age)*math.Pow(rng.Float64(), 3))))
		}
		b.Votes = len(b.voters)
		out[i] = b
	}
	return out
}

// bulkInsert writes the generated ideas, their modules and votes with
// multi-row inserts, 500 rows a statement: the test's own fast path, since a
// square grows one idea at a time.
func bulkInsert(b *testing.B, d *db.DB, list []benchIdea) {
	ctx := context.Background()
	const rows = 500
	for from := 0; from < len(list); from += rows {
		chunk := list[from:min(from+rows, len(list))]
		err := d.InTx(ctx, func(tx *db.Tx) error {
			tx.MarkAudited() // generated rows, not anyone's change
			var ideas, modules, votes []any
			for _, it := range chunk {
				mods, _ := json.Marshal(it.Modules)
				var kind, ref string
				if it.Status == StatusShipped {
					kind, ref = ShippedInVersion, "9.1"
				}
				ideas = append(ideas, it.ID, it.Title, it.Body, it.Product, string(mods), it.Author.ID, it.Author.Name, false, it.authorOrg,
					it.Status, it.StatusAt, kind, ref, it.MergedInto, it.Votes, it.Followers, 0, Trend(it.votedAt), it.CreatedAt, it.UpdatedAt)
				for _, m := range it.Modules {
					modules = append(modules, it.ID, m)
				}
				for j, v := range it.voters {
					votes = append(votes, it.ID, fmt.Sprintf("u%05d", v), fmt.Sprintf("o%04d", v/5), it.votedAt[j])
				}
			}
			if err := insertRows(ctx, tx, `INSERT INTO ideas (id, title, body, product, modules, author_id, author_name, author_staff, author_org,
				status, status_at, shipped_kind, shipped_ref, merged_into, votes, followers, comments, trend, created_at, updated_at) VALUES `, 20, ideas); err != nil {
				return err
			}
			if err := insertRows(ctx, tx, `INSERT INTO idea_modules (idea_id, module) VALUES `, 2, modules); err != nil {
				return err
			}
			for at := 0; at < len(votes); at += 4 * 2000 {
				if err := insertRows(ctx, tx, `INSERT INTO idea_votes (idea_id, user_id, org_id, voted_at) VALUES `, 4,
					votes[at:min(at+4*2000, len(votes))]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// insertRows runs insert with one "(?, …)" group of width arguments per row.
func insertRows(ctx context.Context, tx *db.Tx, insert string, width int, args []any) error {
	if len(args) == 0 {
		return nil
	}
	group := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	_, err := tx.Exec(ctx, insert+strings.TrimSuffix(strings.Repeat(group+", ", len(args)/width), ", "), args...)
	return err
}

func benchDB(b *testing.B) *db.DB {
	if *benchDialect == "postgres" {
		return dbtest.Postgres(b)
	}
	return dbtest.SQLite(b)
}

// BenchmarkList times the square's list pages (20 ideas, as a visitor sees
// them) over -ideas.n generated ideas with their votes: the first page of
// trending, trending of one status and of one product, trending a hundred
// pages down its cursor (fewer on a small square), and the first page of top
// and of new. Each reports
// the median and 95th percentile besides the mean.
func BenchmarkList(b *testing.B) {
	d := benchDB(b)
	list := generate(*benchIdeas)
	start := time.Now()
	bulkInsert(b, d, list)
	votes := 0
	for _, it := range list {
		votes += it.Votes
	}
	b.Logf("%d ideas with %d votes inserted in %s", len(list), votes, time.Since(start).Round(time.Millisecond))
	if d.Dialect() == db.Postgres {
		// Fresh statistics, as autovacuum would have after a real load.
		if _, err := d.Exec(context.Background(), `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	svc := NewService(Deps{Store: NewStore(d), Clock: clock.NewManual(benchNow)})
	ctx := context.Background()
	deep := Filter{Sort: SortTrending, Limit: squarePageSize}
	depth := min(100, *benchIdeas/squarePageSize/2) // the 101st page at 50,000 ideas
	for range depth {
		page, next, err := svc.List(ctx, nil, deep)
		if err != nil || next == "" {
			b.Fatalf("walking trending: %d ideas, next %q, %v", len(page), next, err)
		}
		deep.Cursor = next
	}
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"trending", Filter{Sort: SortTrending}},
		{"trending-status", Filter{Sort: SortTrending, Status: StatusPlanned}},
		{"trending-product", Filter{Sort: SortTrending, Product: "eas"}},
		{"trending-deep", deep},
		{"top", Filter{Sort: SortTop}},
		{"new", Filter{Sort: SortNew}},
	} {
		c.f.Limit = squarePageSize
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				page, _, err := svc.List(ctx, nil, c.f)
				if err != nil || len(page) != squarePageSize {
					b.Fatalf("%d ideas, %v", len(page), err)
				}
				took = append(took, time.Since(t0))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
