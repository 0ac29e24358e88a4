// Package blob stores the bytes of files (attachments, later patches) apart
// from the database: local files by default. Keys are ids the application
// generates, never names a person typed, so a key can never point outside the
// store.
package blob

import (
	"context"
	"errors"
	"io"
)

// Store keeps bytes under keys.
type Store interface {
	// Put stores everything r yields under key and returns its size and
	// SHA-256. When reading r fails (a body over its limit, a dropped
	// connection) nothing is left behind and the reader's error is returned.
	Put(ctx context.Context, key string, r io.Reader) (Info, error)
	// Open returns the bytes stored under key and their size; ErrNotFound when
	// there are none.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Info describes stored bytes.
type Info struct {
	Size   int64
	SHA256 string // lower-case hex
}

// Errors of every store.
var (
	ErrNotFound = errors.New("blob: not found")
	ErrBadKey   = errors.New("blob: invalid key")
)

// ValidKey reports whether key may name a blob: 1 to 100 characters of
// lower-case ASCII letters, digits and underscores (the shape of id.New).
func ValidKey(key string) bool {
	if key == "" || len(key) > 100 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
