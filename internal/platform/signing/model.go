// Package signing keeps the vendor's Ed25519 signing keys, shared by patch
// artifacts and licenses: one key signs at a time (the newest), older keys
// stay trusted until they are retired, and anyone can read the public keys at
// GET /api/v1/keys to verify offline.
package signing

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Algorithm is the only signature algorithm Steward uses.
const Algorithm = "ed25519"

// PublicKey is a signing key as published: enough to verify its signatures.
type PublicKey struct {
	ID        string     `json:"id"`
	Algorithm string     `json:"algorithm"`  // "ed25519"
	PublicKey string     `json:"public_key"` // standard base64 of the 32 raw bytes
	CreatedAt time.Time  `json:"created_at"`
	RetiredAt *time.Time `json:"retired_at,omitempty"`
}

// Errors of verification.
var (
	ErrUnknownKey   = errors.New("signing: unknown key")
	ErrRetiredKey   = errors.New("signing: the key has been retired")
	ErrBadSignature = errors.New("signing: bad signature")
)

// Verify checks that sig is the signature of msg by the key named keyID among
// keys: ErrUnknownKey when no such key is listed (or it is not a usable
// Ed25519 key), ErrRetiredKey when the vendor has retired it, ErrBadSignature
// when the signature does not match.
func Verify(keys []PublicKey, keyID string, msg, sig []byte) error {
	for _, k := range keys {
		if k.ID != keyID {
			continue
		}
		pub, err := k.raw()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrUnknownKey, keyID, err)
		}
		if k.RetiredAt != nil {
			return fmt.Errorf("%w: %s (retired %s)", ErrRetiredKey, keyID, k.RetiredAt.UTC().Format(time.RFC3339))
		}
		if !ed25519.Verify(pub, msg, sig) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("%w: %q", ErrUnknownKey, keyID)
}

func (k PublicKey) raw() (ed25519.PublicKey, error) {
	if k.Algorithm != Algorithm {
		return nil, fmt.Errorf("algorithm %q", k.Algorithm)
	}
	b, err := base64.StdEncoding.DecodeString(k.PublicKey)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("public key is not 32 bytes of standard base64")
	}
	return ed25519.PublicKey(b), nil
}

// FileStatement is the exact message signed for a stored file: a
// domain-separated text, so that a file signature can never be taken for the
// signature of a license or anything else the same key signs. docs/api.md
// spells it out for verifiers in other languages.
func FileStatement(sha256hex string, size int64) []byte {
	return fmt.Appendf(nil, "steward-file-v1\nsha256:%s\nsize:%d\n", sha256hex, size)
}
