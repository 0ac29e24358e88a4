package patch

import (
	"context"
	"sync"

	"steward.dev/steward/internal/platform/clock"
)

// Counter counts downloads per file and organisation in memory, so that no
// ranged request of a download manager writes to the database; Flush adds
// the counts with one statement (per thousand rows). Each instance keeps its own counter, and the
// database sums them.
type Counter struct {
	store *Store
	clock clock.Clock
	mu    sync.Mutex
	n     map[counterKey]*DownloadCount
}

type counterKey struct{ patchID, name, orgID string }

// NewCounter returns an empty counter that flushes to store.
func NewCounter(store *Store, c clock.Clock) *Counter {
	return &Counter{store: store, clock: c, n: map[counterKey]*DownloadCount{}}
}

// Add counts one download of a file by an organisation.
func (c *Counter) Add(patchID, name, orgID string) {
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	k := counterKey{patchID, name, orgID}
	if d := c.n[k]; d != nil {
		d.Count++
		d.LastAt = now
		return
	}
	c.n[k] = &DownloadCount{PatchID: patchID, Name: name, OrgID: orgID, Count: 1, LastAt: now}
}

// flushRows bounds the rows of one statement, within both databases'
// limits on bound parameters.
const flushRows = 1000

// Flush writes the counts gathered since the last flush, a statement per
// thousand files and organisations. Counts whose statement fails are kept
// for the next flush.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	taken := c.n
	c.n = map[counterKey]*DownloadCount{}
	c.mu.Unlock()
	counts := make([]DownloadCount, 0, len(taken))
	for _, d := range taken {
		counts = append(counts, *d)
	}
	for start := 0; start < len(counts); start += flushRows {
		if err := c.store.AddDownloads(ctx, counts[start:min(start+flushRows, len(counts))]); err != nil {
			c.putBack(counts[start:])
			return err
		}
	}
	return nil
}

// putBack adds counts that were not written to those gathered meanwhile.
func (c *Counter) putBack(counts []DownloadCount) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range counts {
		k := counterKey{d.PatchID, d.Name, d.OrgID}
		if now := c.n[k]; now != nil {
			d.Count += now.Count
			d.LastAt = now.LastAt
		}
		c.n[k] = &d
	}
}
