package licensefile

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"
)

// RevocationList is the vendor's signed list of revoked licenses. Sequence
// grows by one with each list the vendor publishes: a verifier that keeps the
// highest sequence it has seen can refuse an older list replayed to it.
type RevocationList struct {
	Sequence int64        `json:"sequence"`
	IssuedAt time.Time    `json:"issued_at"` // UTC, whole seconds
	Revoked  []Revocation `json:"revoked"`   // sorted by license id, each once
	KeyID    string       `json:"key_id"`
}

// Revocation is one revoked license.
type Revocation struct {
	LicenseID string    `json:"license_id"`
	RevokedAt time.Time `json:"revoked_at"` // UTC, whole seconds
	Reason    string    `json:"reason"`
}

// revocationDomain starts every signed revocation list message.
const revocationDomain = "steward-revocations-v1\n"

// revocationFormat is the marker of the document around the signed list and
// the version of its payload.
const (
	revocationDocFormat = "steward-revocations-v1"
	revocationFormat    = 1
)

// MaxRevocationListSize is the largest revocation list document
// ParseRevocationList reads (room for some twenty thousand revocations).
const MaxRevocationListSize = 4 << 20

type revocationPayload struct {
	V int `json:"v"`
	RevocationList
}

// revocationDoc is the document served and stored: the signed payload and its
// signature, each in standard base64.
type revocationDoc struct {
	Format    string `json:"format"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

// normalized returns the list in the form it is signed in.
func (rl RevocationList) normalized() RevocationList {
	rl.IssuedAt = rl.IssuedAt.UTC().Truncate(time.Second)
	revoked := make([]Revocation, len(rl.Revoked))
	for i, r := range rl.Revoked {
		r.RevokedAt = r.RevokedAt.UTC().Truncate(time.Second)
		revoked[i] = r
	}
	slices.SortStableFunc(revoked, func(a, b Revocation) int { return cmp.Compare(a.LicenseID, b.LicenseID) })
	rl.Revoked = revoked
	return rl
}

func (rl *RevocationList) check() error {
	switch {
	case rl.Sequence < 0:
		return fmt.Errorf("sequence %d is negative", rl.Sequence)
	case rl.IssuedAt.IsZero():
		return fmt.Errorf("issued_at is missing")
	case rl.KeyID == "" || !utf8.ValidString(rl.KeyID):
		return fmt.Errorf("key_id is empty or not UTF-8")
	}
	for i, r := range rl.Revoked {
		switch {
		case r.LicenseID == "" || !utf8.ValidString(r.LicenseID):
			return fmt.Errorf("revoked[%d].license_id is empty or not UTF-8", i)
		case i > 0 && r.LicenseID == rl.Revoked[i-1].LicenseID:
			return fmt.Errorf("license %q is listed twice", r.LicenseID)
		case r.RevokedAt.IsZero():
			return fmt.Errorf("revoked[%d].revoked_at is missing", i)
		case !utf8.ValidString(r.Reason):
			return fmt.Errorf("revoked[%d].reason is not UTF-8", i)
		}
	}
	return nil
}

func encodeRevocations(p revocationPayload) ([]byte, error) {
	if p.V != revocationFormat {
		return nil, fmt.Errorf("format version %d; this package reads version %d", p.V, revocationFormat)
	}
	p.RevocationList = p.RevocationList.normalized()
	if err := p.RevocationList.check(); err != nil {
		return nil, err
	}
	return canonicalJSON(p)
}

// EncodeRevocationList writes rl as a signed JSON document
// {"format":"steward-revocations-v1","payload":…,"signature":…}; see Encode
// for how sign is called. Revocations are sorted by license id.
func EncodeRevocationList(rl RevocationList, sign func([]byte) ([]byte, string)) ([]byte, error) {
	payload, sig, err := signNamingKey(rl.KeyID, revocationDomain, sign, func(keyID string) ([]byte, error) {
		rl.KeyID = keyID
		return encodeRevocations(revocationPayload{V: revocationFormat, RevocationList: rl})
	})
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(revocationDoc{Format: revocationDocFormat,
		Payload: base64.StdEncoding.EncodeToString(payload), Signature: base64.StdEncoding.EncodeToString(sig)})
	return append(doc, '\n'), err
}

// ParseRevocationList reads a revocation list document and verifies its
// signature with keys, under the same rules as a license's (ErrUnknownKey,
// ErrBadSignature, ErrRetiredKey; ErrMalformed for anything else wrong).
func ParseRevocationList(data []byte, keys []TrustedKey) (*RevocationList, error) {
	if len(data) > MaxRevocationListSize {
		return nil, newError(ErrMalformed, nil, "the revocation list is %d bytes, more than %d", len(data), MaxRevocationListSize)
	}
	var doc revocationDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&doc)
	if _, after := dec.Token(); err != nil || after != io.EOF || doc.Format != revocationDocFormat {
		return nil, newError(ErrMalformed, nil, "not a revocation list document of format %s", revocationDocFormat)
	}
	payload, err := base64.StdEncoding.Strict().DecodeString(doc.Payload)
	if err != nil {
		return nil, newError(ErrMalformed, nil, "the revocation list's payload is not base64: %v", err)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(doc.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, newError(ErrMalformed, nil, "the revocation list's signature is not %d bytes of base64", ed25519.SignatureSize)
	}
	var p revocationPayload
	if err := decodeCanonical(payload, &p, encodeRevocations); err != nil {
		return nil, newError(ErrMalformed, nil, "revocation list: %v", err)
	}
	if err := checkSignature(keys, p.KeyID, revocationDomain, payload, sig, p.IssuedAt, nil); err != nil {
		return nil, err
	}
	return &p.RevocationList, nil
}

// find is the revocation of a license, or nil; a nil list revokes nothing.
func (rl *RevocationList) find(licenseID string) *Revocation {
	if rl == nil {
		return nil
	}
	for i := range rl.Revoked {
		if rl.Revoked[i].LicenseID == licenseID {
			return &rl.Revoked[i]
		}
	}
	return nil
}
