package search

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
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

// corpus makes n documents of dictionary words, so that term frequencies look
// like text: titles of 4–8 words, bodies of 60–160.
type corpus struct {
	rng   *rand.Rand
	words []string
}

func newCorpus() *corpus {
	c := &corpus{rng: rand.New(rand.NewPCG(8, 18))}
	for line := range strings.Lines(commonWords) {
		if w, _, ok := strings.Cut(line, " "); ok && len(c.words) < 20000 {
			c.words = append(c.words, w)
		}
	}
	return c
}

// text joins n words, drawn with a skew towards the frequent ones.
func (c *corpus) text(n int) string {
	var b strings.Builder
	for range n {
		i := int(float64(len(c.words)) * c.rng.Float64() * c.rng.Float64())
		b.WriteString(c.words[i])
	}
	return b.String()
}

func (c *corpus) doc(i int) Doc {
	return Doc{Type: "article", ID: fmt.Sprint("d", i), Title: c.text(4 + c.rng.IntN(5)),
		Body: c.text(60 + c.rng.IntN(100)), Product: "k3cloud", UpdatedAt: when}
}

func benchDB(b *testing.B) *db.DB {
	d, err := db.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return d
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

// BenchmarkSearch measures one query of 3–5 words over -search.docs documents,
// reporting the median and 95th percentile besides the mean.
func BenchmarkSearch(b *testing.B) {
	Warm()
	d := benchDB(b)
	c := newCorpus()
	index(b, d, c.doc, *benchDocs)
	x := NewDBIndex(d)
	queries := make([]string, 100)
	for i := range queries {
		queries[i] = c.text(3 + c.rng.IntN(3))
	}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := x.Search(context.Background(), Query{Text: queries[len(took)%len(queries)], Limit: 10}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
