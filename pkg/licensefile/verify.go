package licensefile

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The kinds of failure; every error Verify, Parse and ParseRevocationList
// return is an *Error that errors.Is matches against exactly one of them.
var (
	ErrMalformed    = errors.New("the license file is damaged or not a Steward license")
	ErrBadSignature = errors.New("the signature does not match: the file was changed or not signed by the vendor")
	ErrUnknownKey   = errors.New("the file is signed with a key that is not among the trusted keys")
	ErrRetiredKey   = errors.New("the file was signed after its key was retired")
	ErrNotYetValid  = errors.New("the license is not valid yet")
	ErrExpired      = errors.New("the license has expired")
	ErrRevoked      = errors.New("the license has been revoked")
)

// Error is a failure with its kind (one of the Err… values) and what a person
// needs to know about it.
type Error struct {
	Kind   error
	Detail string
	// License is the license read from the file once its signature is
	// verified (for ErrRetiredKey, ErrRevoked, ErrNotYetValid and ErrExpired):
	// its dates say when it is or was valid.
	License *License
	// Revocation is the entry of the revocation list, for ErrRevoked.
	Revocation *Revocation
}

func newError(kind error, l *License, format string, args ...any) *Error {
	return &Error{Kind: kind, License: l, Detail: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return "licensefile: " + e.Kind.Error() + ": " + e.Detail }

// Unwrap makes errors.Is(err, ErrExpired) and the like work.
func (e *Error) Unwrap() error { return e.Kind }

// TrustedKey is a vendor's public key. A key that has been retired still
// verifies what it signed before RetiredAt, never what says it was signed at
// or after that instant.
type TrustedKey struct {
	ID        string
	PublicKey ed25519.PublicKey
	RetiredAt *time.Time
}

// maxKeysSize bounds the keys document ParseKeys reads.
const maxKeysSize = 1 << 20

// ParseKeys reads the vendor's public keys as GET /api/v1/keys serves them:
// {"items":[{"id","algorithm","public_key","created_at","retired_at"}]}.
// Keys of an algorithm other than ed25519 are left out (nothing this package
// reads is signed with them).
func ParseKeys(jsonFromKeysEndpoint []byte) ([]TrustedKey, error) {
	if len(jsonFromKeysEndpoint) > maxKeysSize {
		return nil, fmt.Errorf("licensefile: the keys document is %d bytes, more than %d", len(jsonFromKeysEndpoint), maxKeysSize)
	}
	var doc struct {
		Items []struct {
			ID        string     `json:"id"`
			Algorithm string     `json:"algorithm"`
			PublicKey string     `json:"public_key"`
			RetiredAt *time.Time `json:"retired_at"`
		} `json:"items"`
	}
	if err := json.Unmarshal(jsonFromKeysEndpoint, &doc); err != nil {
		return nil, fmt.Errorf("licensefile: the keys document is not the JSON of GET /api/v1/keys: %w", err)
	}
	if doc.Items == nil {
		return nil, errors.New(`licensefile: the keys document has no "items"`)
	}
	keys := make([]TrustedKey, 0, len(doc.Items))
	for i, item := range doc.Items {
		if item.Algorithm != "ed25519" {
			continue
		}
		raw, err := base64.StdEncoding.Strict().DecodeString(item.PublicKey)
		if item.ID == "" || err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("licensefile: keys item %d: needs an id and a public_key of %d bytes in standard base64", i, ed25519.PublicKeySize)
		}
		keys = append(keys, TrustedKey{ID: item.ID, PublicKey: raw, RetiredAt: item.RetiredAt})
	}
	return keys, nil
}

// checkSignature verifies sig over domain+payload with the key named keyID,
// which must not have been retired at or before signedAt (the instant the
// signed document says it was made).
func checkSignature(keys []TrustedKey, keyID string, domain string, payload, sig []byte, signedAt time.Time, l *License) error {
	for _, k := range keys {
		if k.ID != keyID {
			continue
		}
		if len(k.PublicKey) != ed25519.PublicKeySize { // ed25519.Verify would panic
			return newError(ErrUnknownKey, nil, "the trusted key %s is %d bytes, not an Ed25519 public key", keyID, len(k.PublicKey))
		}
		if !ed25519.Verify(k.PublicKey, signedMessage(domain, payload), sig) {
			return newError(ErrBadSignature, nil, "key %s", keyID)
		}
		if k.RetiredAt != nil && !signedAt.Before(*k.RetiredAt) {
			return newError(ErrRetiredKey, l, "key %s was retired at %s; the file says it was signed at %s",
				keyID, k.RetiredAt.UTC().Format(time.RFC3339), signedAt.UTC().Format(time.RFC3339))
		}
		return nil
	}
	return newError(ErrUnknownKey, nil, "key %q", keyID)
}

// Option adds a check to Verify.
type Option func(*verifyOptions)

type verifyOptions struct {
	revocations *RevocationList
}

// WithRevocations makes Verify refuse a license that rl (read with
// ParseRevocationList) lists as revoked at or before the instant checked.
func WithRevocations(rl *RevocationList) Option {
	return func(o *verifyOptions) { o.revocations = rl }
}

// Verify reads a license file and checks it at the instant now: signed by
// one of keys (ErrUnknownKey, ErrBadSignature), not after its key's retirement
// (ErrRetiredKey), not revoked (ErrRevoked, with WithRevocations), and now on
// one of its Beijing service days (ErrNotYetValid, ErrExpired). Every failure
// is an *Error.
func Verify(data []byte, keys []TrustedKey, now time.Time, opts ...Option) (*License, error) {
	var o verifyOptions
	for _, opt := range opts {
		opt(&o)
	}
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	l := &f.License
	if err := checkSignature(keys, l.KeyID, licenseDomain, f.Payload, f.Signature, l.IssuedAt, l); err != nil {
		return nil, err
	}
	if r := o.revocations.find(l.LicenseID); r != nil && !now.Before(r.RevokedAt) {
		e := newError(ErrRevoked, l, "license %s was revoked at %s: %s", l.LicenseID, r.RevokedAt.UTC().Format(time.RFC3339), r.Reason)
		e.Revocation = r
		return nil, e
	}
	day := now.In(Beijing).Format(time.DateOnly)
	if day < l.ValidFrom {
		return nil, newError(ErrNotYetValid, l, "it is valid from %s (Beijing time); it is %s there now", l.ValidFrom, day)
	}
	if !l.Perpetual() && day > l.ValidUntil {
		return nil, newError(ErrExpired, l, "its last day was %s (Beijing time); it is %s there now", l.ValidUntil, day)
	}
	return l, nil
}
