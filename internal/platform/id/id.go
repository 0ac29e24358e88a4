// Package id makes the opaque identifiers of every object: a short type prefix,
// then a time-ordered random part, so that sorting by id sorts by creation.
package id

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

var encoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns prefix_ followed by 26 characters: 48 bits of milliseconds since
// the epoch and 80 random bits.
func New(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	rand.Read(b[6:])
	return prefix + "_" + encoding.EncodeToString(b[:])
}

// Secret returns n random bytes encoded for use in a token.
func Secret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return encoding.EncodeToString(b)
}
