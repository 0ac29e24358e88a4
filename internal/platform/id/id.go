// Package id makes the opaque identifiers of every object: a short type prefix,
// then a time-ordered random part, so that sorting by id sorts by creation.
package id

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"sync"
	"time"
)

var encoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// last is the previous id's time and random part: ids made in the same
// millisecond (or while the clock stands still, as in tests) count up from it,
// so that ids of one process are strictly increasing.
var last struct {
	sync.Mutex
	ms   uint64
	rand [10]byte
}

// New returns prefix_ followed by 26 characters: 48 bits of milliseconds since
// the epoch and 80 random bits.
func New(prefix string, now time.Time) string {
	ms := uint64(now.UnixMilli())
	last.Lock()
	if ms <= last.ms {
		ms = last.ms
		increment(&last.rand)
	} else {
		last.ms = ms
		rand.Read(last.rand[:])
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	copy(b[6:], last.rand[:])
	last.Unlock()
	return prefix + "_" + encoding.EncodeToString(b[:])
}

func increment(b *[10]byte) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i]++
		if b[i] != 0 {
			return
		}
	}
}

// Secret returns n random bytes encoded for use in a token.
func Secret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return encoding.EncodeToString(b)
}
