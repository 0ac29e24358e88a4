package account

import (
	"sync"
	"time"
)

// Throttle counts failed logins per key (an account, an address) in a sliding
// window and refuses further attempts once a key reaches its limit, until its
// oldest failure leaves the window. Successful logins are not counted.
//
// It lives in memory: with several instances each keeps its own count, so the
// effective limit is per instance.
type Throttle struct {
	mu       sync.Mutex
	window   time.Duration
	failures map[string][]time.Time
}

// NewThrottle returns a throttle with the given window.
func NewThrottle(window time.Duration) *Throttle {
	return &Throttle{window: window, failures: map[string][]time.Time{}}
}

// RetryAfter returns how long key must wait at now given limit, or 0 when an
// attempt is allowed.
func (t *Throttle) RetryAfter(key string, limit int, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.prune(key, now)
	if len(recent) < limit {
		return 0
	}
	return recent[len(recent)-limit].Add(t.window).Sub(now)
}

// Fail records a failed attempt for key.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures[key] = append(t.prune(key, now), now)
	if len(t.failures) > sweepAbove {
		for k := range t.failures {
			t.prune(k, now)
		}
	}
}

// sweepAbove bounds the memory a spray of failing keys can hold.
const sweepAbove = 10000

// Forget clears key's failures (after a successful login to that account).
func (t *Throttle) Forget(key string) {
	t.mu.Lock()
	delete(t.failures, key)
	t.mu.Unlock()
}

func (t *Throttle) prune(key string, now time.Time) []time.Time {
	list := t.failures[key]
	i := 0
	for i < len(list) && !list[i].Add(t.window).After(now) {
		i++
	}
	if i == len(list) {
		delete(t.failures, key)
		return nil
	}
	list = list[i:]
	t.failures[key] = list
	return list
}
