package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"steward.dev/steward/internal/platform/db"
)

// How the index learns which terms are common: from a random sample of its
// documents, taken again in the background once the last is older than
// statsMaxAge. Document counts change slowly, and the plan only needs to know
// which terms are in a large share of the documents.
const (
	statsSample = 2000
	statsMaxAge = 10 * time.Minute
)

// termStats estimates in how many documents each term occurs.
type termStats struct {
	docs int // documents in the index
	// anywhere and inTitle count the sampled documents holding each term
	// (twice or more; a term seen once or never is rare).
	anywhere, inTitle map[string]int
	sampled           int
	taken             time.Time
}

// df estimates the documents holding term: anywhere, or in the title.
func (s *termStats) df(term string, title bool) int {
	if s.sampled == 0 {
		return 0
	}
	n := s.anywhere[term]
	if title {
		n = s.inTitle[term]
	}
	return n * s.docs / s.sampled
}

// statsCache holds the latest sample and refreshes it in the background.
type statsCache struct {
	mu         sync.Mutex
	current    *termStats
	refreshing bool
}

// get returns the stats, sampling now the first time and later in the
// background when they are old, so that a search never waits twice.
func (c *statsCache) get(ctx context.Context, d *db.DB) (*termStats, error) {
	now := time.Now()
	c.mu.Lock()
	cur, stale := c.current, c.current == nil || now.Sub(c.current.taken) > statsMaxAge
	if cur != nil && stale && !c.refreshing {
		c.refreshing = true
		go func() {
			// A failed refresh keeps the old stats; the next search tries again.
			s, err := sampleStats(context.WithoutCancel(ctx), d, now)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err == nil {
				c.current = s
			}
		}()
	}
	c.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	s, err := sampleStats(ctx, d, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current = s
	return s, nil
}

// sampleStats reads the terms of up to statsSample documents picked at random
// by sequence number (the gaps left by deletions make the estimate of the
// total a little high, which only makes the plan a little more careful).
func sampleStats(ctx context.Context, d *db.DB, now time.Time) (*termStats, error) {
	s := &termStats{anywhere: map[string]int{}, inTitle: map[string]int{}, taken: now}
	var lo, hi *int64
	if err := d.QueryRow(ctx, `SELECT min(seq), max(seq) FROM search_docs`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("search statistics: %w", err)
	}
	if lo == nil {
		return s, nil
	}
	span := *hi - *lo + 1
	var where string
	var args []any
	if span <= statsSample {
		where, args = `seq BETWEEN ? AND ?`, []any{*lo, *hi}
	} else {
		picked := map[int64]bool{}
		for len(picked) < statsSample {
			picked[*lo+rand.Int64N(span)] = true
		}
		for seq := range picked {
			args = append(args, seq)
		}
		where = `seq IN (?` + strings.Repeat(`, ?`, len(args)-1) + `)`
	}
	rows, err := d.Query(ctx, `SELECT title_terms, body_terms FROM search_docs WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("search statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var title, body string
		if err := rows.Scan(&title, &body); err != nil {
			return nil, fmt.Errorf("search statistics: %w", err)
		}
		s.sampled++
		titleTerms := uniqueFields(title)
		for _, t := range titleTerms {
			s.inTitle[t]++
		}
		for _, t := range uniqueFields(title + " " + body) {
			s.anywhere[t]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search statistics: %w", err)
	}
	s.docs = s.sampled
	if span > statsSample {
		s.docs = int(int64(s.sampled) * span / int64(len(args)))
	}
	for _, counts := range []map[string]int{s.anywhere, s.inTitle} {
		for t, n := range counts {
			if n < 2 {
				delete(counts, t)
			}
		}
	}
	return s, nil
}

func uniqueFields(s string) []string {
	f := strings.Fields(s)
	slices.Sort(f)
	return slices.Compact(f)
}

// queryPlan is which terms a search looks for where: anywhere in a document,
// or (the common ones) in titles only.
type queryPlan struct{ anywhere, titles []string }

// plan keeps a search's cost bounded on a large index without losing what
// ranks first. The rarest terms are searched anywhere while the documents
// they match, by estimate, fit in budget; the commoner ones then count in
// titles only, while those fit; the rest are left out. A term in a large share
// of the documents says little about which is meant (its bm25 weight is near
// zero), yet matching it anywhere would rank most of the index. The rarest
// term is always searched, however common. On an index smaller than budget
// nothing changes.
func plan(terms []string, s *termStats, budget int) queryPlan {
	byCount := slices.Clone(terms)
	slices.SortStableFunc(byCount, func(a, b string) int { return s.df(a, false) - s.df(b, false) })
	var p queryPlan
	spent := 0
	var common []string
	for _, t := range byCount {
		if n := s.df(t, false); len(p.anywhere) == 0 || spent+n <= budget {
			p.anywhere = append(p.anywhere, t)
			spent += n
			continue
		}
		common = append(common, t)
	}
	slices.SortStableFunc(common, func(a, b string) int { return s.df(a, true) - s.df(b, true) })
	for _, t := range common {
		if n := s.df(t, true); spent+n <= budget {
			p.titles = append(p.titles, t)
			spent += n
		}
	}
	return p
}

// orTerms quotes terms and joins them with or, each followed by suffix.
// Terms hold letters and digits only, so quoting needs no escaping.
func orTerms(terms []string, quote, or, suffix string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = quote + t + quote + suffix
	}
	return strings.Join(quoted, or)
}
