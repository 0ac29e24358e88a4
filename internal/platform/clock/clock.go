// Package clock gives services an injectable notion of "now" and the
// Asia/Shanghai helpers every service clock (hours, quotas, SLAs) is computed in.
package clock

import (
	"sync"
	"time"
)

// Clock answers what time it is. Services take one instead of calling time.Now,
// so that tests can move time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
type Real struct{}

// Now returns the current time in UTC.
func (Real) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that only moves when told; tests use it.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a clock standing at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t.UTC()} }

// Now returns the clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.now = m.now.Add(d)
	m.mu.Unlock()
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.now = t.UTC()
	m.mu.Unlock()
}

// Shanghai is Beijing time, the zone of every service clock. The zone database
// is embedded (time/tzdata in package main), so this never fails at run time.
var Shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("clock: time zone " + name + " unavailable: " + err.Error())
	}
	return loc
}

// BeijingDate returns the calendar day t falls on in Beijing time, as YYYY-MM-DD.
func BeijingDate(t time.Time) string { return t.In(Shanghai).Format(time.DateOnly) }
