package patch

import (
	"context"
	"sync"

	"steward.dev/steward/internal/platform/clock"
)

// Counter counts downloads per file and organisation in memory, so that no
// ranged request of a download manager writes to the database; Flush adds
// the counts in one statement. Each instance keeps its own counter, and the
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

// Flush writes the counts gathered since the last flush. When the write
// fails they are kept for the next one.
func (c *Counter) Flush(ctx context.Context) error {
	c.mu.Lock()
	taken := c.n
	c.n = map[counterKey]*DownloadCount{}
	c.mu.Unlock()
	counts := make([]DownloadCount, 0, len(taken))
	for _, d := range taken {
		counts = append(counts, *d)
	}
	err := c.store.AddDownloads(ctx, counts)
	if err != nil {
		c.mu.Lock()
		for k, d := range taken {
			if now := c.n[k]; now != nil {
				d.Count += now.Count
				d.LastAt = now.LastAt
			}
			c.n[k] = d
		}
		c.mu.Unlock()
	}
	return err
}
