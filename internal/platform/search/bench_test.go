package search

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

// BenchmarkDictionaryLoad reports what loading the dictionary costs: the time
// per load and the live heap it keeps (heap-MiB).
func BenchmarkDictionaryLoad(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var seg any
	for b.Loop() {
		seg = loadSegmenter()
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(seg)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MiB")
}

// corpus makes documents of dictionary words, so that term frequencies look
// like text: titles of 4–8 words, bodies of 60–160, about one word in ten an
// English product word (a few dozen of them, so each is in many documents, as
// "K3 Cloud" or "voucher" are in a vendor's help).
type corpus struct {
	rng            *rand.Rand
	words, english []string
}

func newCorpus() *corpus {
	c := &corpus{rng: rand.New(rand.NewPCG(8, 18)), english: strings.Fields(`k3 cloud voucher vouchers license
		patch invoice invoices period close inventory cost tax report user users permission import print template
		upgrade version error server database backup account ledger posting audit reverse balance carry forward
		module api token login password`)}
	for line := range strings.Lines(commonWords) {
		if w, _, ok := strings.Cut(line, " "); ok && len(c.words) < 20000 {
			c.words = append(c.words, w)
		}
	}
	return c
}

// text joins n words, the Chinese ones drawn with a skew towards the frequent.
func (c *corpus) text(n int) string {
	var b strings.Builder
	for range n {
		if c.rng.IntN(10) == 0 {
			b.WriteString(" " + c.english[c.rng.IntN(len(c.english))] + " ")
			continue
		}
		i := int(float64(len(c.words)) * c.rng.Float64() * c.rng.Float64())
		b.WriteString(c.words[i])
	}
	return b.String()
}

func (c *corpus) doc(i int) Doc {
	return Doc{Type: "article", ID: fmt.Sprint("d", i), Title: c.text(4 + c.rng.IntN(5)),
		Body: c.text(60 + c.rng.IntN(100)), Product: "k3cloud", UpdatedAt: when}
}

// queries are what people type: 2–8 words, Chinese with some English.
func (c *corpus) queries(n int) []string {
	q := make([]string, n)
	for i := range q {
		q[i] = c.text(2 + c.rng.IntN(7))
	}
	return q
}

var benchDialect = flag.String("search.db", "sqlite", "database of the benchmarks: sqlite, or postgres (on STEWARD_TEST_PG)")

func benchDB(b *testing.B) *db.DB {
	if *benchDialect == "postgres" {
		return dbtest.Postgres(b)
	}
	return dbtest.SQLite(b)
}

// index writes docs in transactions of 500, as a rebuild would.
func index(b *testing.B, d *db.DB, docs func(i int) Doc, n int) {
	x := NewDBIndex(d)
	for from := 0; from < n; from += 500 {
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			tx.MarkAudited()
			for i := from; i < min(from+500, n); i++ {
				if err := x.Put(context.Background(), tx, docs(i)); err != nil {
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

// BenchmarkIndex measures documents indexed per second (docs/s), segmentation included.
func BenchmarkIndex(b *testing.B) {
	Warm()
	d := benchDB(b)
	c := newCorpus()
	b.ResetTimer()
	index(b, d, c.doc, b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

var benchDocs = flag.Int("search.docs", 20000, "documents BenchmarkSearch searches")

// BenchmarkSearch measures one query of 2–8 words over -search.docs documents,
// reporting the median and 95th percentile besides the mean.
func BenchmarkSearch(b *testing.B) {
	searchBenchmark(b, func(d *db.DB) func(q string) error {
		x := NewDBIndex(d)
		return func(q string) error {
			_, err := x.Search(context.Background(), Query{Text: q}) // a page of 20, as the API asks
			return err
		}
	})
}

// searchBenchmark indexes -search.docs generated documents on the benchmark's
// database, then times search(q) over generated queries, after one search
// that samples the index's statistics (a server does that once in ten
// minutes), and reports the median and 95th percentile.
func searchBenchmark(b *testing.B, prepare func(d *db.DB) (search func(q string) error)) {
	Warm()
	d := benchDB(b)
	c := newCorpus()
	index(b, d, c.doc, *benchDocs)
	if d.Dialect() == db.Postgres {
		// Fresh statistics, as autovacuum would have after a real load.
		if _, err := d.Exec(context.Background(), `ANALYZE search_docs`); err != nil {
			b.Fatal(err)
		}
	}
	search := prepare(d)
	queries := c.queries(100)
	if err := search(queries[0]); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	cpu, server := processCPU(), serverCPU(b, d)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if err := search(queries[len(took)%len(queries)]); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	cpu = processCPU() - cpu
	if d.Dialect() == db.Postgres {
		var spent time.Duration
		for pid, after := range serverCPU(b, d) {
			spent += after - server[pid]
		}
		b.ReportMetric(spent.Seconds()*1000/float64(len(took)), "server-cpu-ms/op")
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	// The CPU this process spent per search (all of it on SQLite; PostgreSQL's
	// own work is in the server): other work on the machine stretches the
	// latencies but hardly this.
	b.ReportMetric(cpu.Seconds()*1000/float64(len(took)), "cpu-ms/op")
}

// serverCPU is the CPU time each PostgreSQL backend serving d's database has
// used, by process id, read from /proc: the server runs on this machine.
func serverCPU(b *testing.B, d *db.DB) map[int]time.Duration {
	if d.Dialect() != db.Postgres {
		return nil
	}
	pids, err := db.QueryAll(context.Background(), d, func(s db.Scanner) (int, error) {
		var pid int
		return pid, s.Scan(&pid)
	}, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		b.Fatal(err)
	}
	cpu := map[int]time.Duration{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatalf("the server's CPU time: %v (is PostgreSQL on this machine?)", err)
		}
		// The fields after the command's closing parenthesis; utime and stime
		// are the 12th and 13th of them, in clock ticks of 1/100 s.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		utime, _ := strconv.Atoi(fields[11])
		stime, _ := strconv.Atoi(fields[12])
		cpu[pid] = time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return cpu
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
