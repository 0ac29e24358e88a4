// Package blob stores the bytes of files (attachments, patch artifacts) apart
// from the database: local files by default, an S3-compatible store when
// configured. Keys are ids the application generates or SHA-256 sums of the
// content, never names a person typed, so a key can never point outside the
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
	// PutContent stores everything r yields under its own SHA-256 (lower-case
	// hex, which is also the key) and returns its Info. The hash is computed
	// as the bytes stream in; nothing is held in memory. When want is not ""
	// and the bytes hash differently it returns ErrChecksum and keeps nothing;
	// when reading r fails (client gone, a limit exceeded) it returns that
	// error and keeps nothing. Storing bytes that are already there is cheap
	// and not an error.
	PutContent(ctx context.Context, r io.Reader, want string) (Info, error)
	// Open returns the bytes stored under key and their size; ErrNotFound when
	// there are none. Local returns an *os.File, so http.ServeContent can send
	// it with the kernel's sendfile path; S3 returns a seekable object reader.
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
	ErrChecksum = errors.New("blob: checksum mismatch")
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
