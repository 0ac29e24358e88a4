// Package confirm is the shared mechanism for dangerous deletions (the seed's
// data-operation warning): the first request answers 428 with what would be
// lost and a short-lived token bound to that one action on that one object;
// only a request carrying the token goes ahead.
package confirm

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// TokenLifetime is how long a confirmation token stays valid.
const TokenLifetime = 15 * time.Minute

// Errors of a confirmed request.
var (
	ErrMalformed = &problem.Error{Status: http.StatusBadRequest, Code: "confirmation.invalid", Fields: []problem.Field{{Field: "confirm", Message: "field.confirm_malformed"}}}
	ErrMismatch  = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "confirmation.mismatch", Fields: []problem.Field{{Field: "confirm", Message: "field.confirm_mismatch"}}}
	ErrExpired   = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "confirmation.expired", Fields: []problem.Field{{Field: "confirm", Message: "field.confirm_expired"}}}
)

// Confirmer issues and checks tokens signed with a key all instances share.
type Confirmer struct {
	key   []byte
	clock clock.Clock
}

// Load returns a confirmer with the key stored in the settings table,
// creating the key on first use.
func Load(ctx context.Context, d *db.DB, c clock.Clock) (*Confirmer, error) {
	key, err := db.Secret(ctx, d, "confirm_key", 32)
	if err != nil {
		return nil, err
	}
	return &Confirmer{key: key, clock: c}, nil
}

// Issue returns a token for action on object and when it expires.
func (c *Confirmer) Issue(action, object string) (string, time.Time) {
	expires := c.clock.Now().Add(TokenLifetime).Truncate(time.Second)
	var b [8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(expires.Unix()))
	copy(b[8:], c.mac(action, object, expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(b[:]), expires
}

// Check accepts a token issued for exactly this action on this object that
// has not expired.
func (c *Confirmer) Check(token, action, object string) error {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 24 {
		return ErrMalformed
	}
	expires := int64(binary.BigEndian.Uint64(raw[:8]))
	if !hmac.Equal(raw[8:], c.mac(action, object, expires)) {
		return ErrMismatch
	}
	if c.clock.Now().Unix() > expires {
		return ErrExpired
	}
	return nil
}

func (c *Confirmer) mac(action, object string, expires int64) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(action + "\x00" + object + "\x00" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil)[:16]
}

// Required is the 428 answer: what would be lost, and the token to go ahead.
func (c *Confirmer) Required(action, object string, impact any) error {
	token, expires := c.Issue(action, object)
	return &problem.Error{Status: http.StatusPreconditionRequired, Code: "confirmation.required",
		Extra: map[string]any{"impact": impact, "confirm_token": token, "confirm_expires_at": expires.UTC()}}
}

// TypedMatches reports whether what a person typed to confirm is the name
// shown to them (surrounding spaces aside).
func TypedMatches(typed, name string) bool {
	return strings.TrimSpace(typed) != "" && strings.TrimSpace(typed) == strings.TrimSpace(name)
}
