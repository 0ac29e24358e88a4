package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Channel is the notification channel on which an instance that rotates or
// retires a key tells the others to read the keys again.
const Channel = "signing_keys"

// Errors of key management.
var (
	ErrRetireCurrent  = problem.New(http.StatusConflict, "signing.retire_current")
	ErrAlreadyRetired = problem.New(http.StatusConflict, "signing.already_retired")
)

// Keyring holds every signing key in memory. The newest key signs; every
// instance reads the keys at start and again when another instance announces
// a change (LISTEN/NOTIFY on PostgreSQL; SQLite runs one instance).
type Keyring struct {
	d     *db.DB
	audit *audit.Recorder
	clock clock.Clock

	mu   sync.RWMutex
	keys []key // oldest generation first; the last one signs

	// onRetire runs inside the retirement's transaction (see OnRetire).
	onRetire func(ctx context.Context, tx *db.Tx, retired string) error
}

// OnRetire sets what else retiring a key changes, in the same transaction:
// things signed once and for good (patch files) are signed again with the
// current key, since verifiers refuse a retired key. Set it once, while
// wiring, before serving.
func (k *Keyring) OnRetire(f func(ctx context.Context, tx *db.Tx, retired string) error) {
	k.onRetire = f
}

// Load reads the keys, generating the first one on first start (when two
// instances start at once on one PostgreSQL, the unique generation lets one
// of them win and the other reads its key), and starts listening for other
// instances' changes.
func Load(ctx context.Context, d *db.DB, rec *audit.Recorder, c clock.Clock) (*Keyring, error) {
	k := &Keyring{d: d, audit: rec, clock: c}
	if err := k.Refresh(ctx); err != nil {
		return nil, err
	}
	if k.current() == nil {
		err := k.add(ctx, 1, "signing_key.create")
		if err != nil && !db.IsUniqueViolation(err) {
			return nil, fmt.Errorf("first signing key: %w", err)
		}
		if err := k.Refresh(ctx); err != nil {
			return nil, err
		}
	}
	d.Listen(context.Background(), Channel, func(string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := k.Refresh(ctx); err != nil {
			slog.Warn("signing keys: reading them again after another instance's change failed", "err", err)
		}
	})
	return k, nil
}

// Refresh reads the keys from the database again.
func (k *Keyring) Refresh(ctx context.Context) error {
	keys, err := loadKeys(ctx, k.d)
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	k.mu.Lock()
	k.keys = keys
	k.mu.Unlock()
	return nil
}

// current is the key that signs: the newest one not retired.
func (k *Keyring) current() *key {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for i := len(k.keys) - 1; i >= 0; i-- {
		if k.keys[i].RetiredAt == nil {
			return &k.keys[i]
		}
	}
	return nil
}

// Sign signs msg with the current key and names it.
func (k *Keyring) Sign(msg []byte) (sig []byte, keyID string) {
	cur := k.current()
	return ed25519.Sign(cur.private, msg), cur.ID
}

// Public lists every key's public half, newest first, retired ones included
// (with retired_at) so that verifiers can tell "retired" from "unknown".
func (k *Keyring) Public() []PublicKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]PublicKey, 0, len(k.keys))
	for _, key := range slices.Backward(k.keys) {
		out = append(out, key.PublicKey)
	}
	return out
}

// Verify checks a signature against the keys (see the package function
// Verify); a key id this instance does not know yet makes it read the keys
// again first, in case another instance has just rotated.
func (k *Keyring) Verify(ctx context.Context, keyID string, msg, sig []byte) error {
	err := Verify(k.Public(), keyID, msg, sig)
	if !errors.Is(err, ErrUnknownKey) {
		return err
	}
	if err := k.Refresh(ctx); err != nil {
		return err
	}
	return Verify(k.Public(), keyID, msg, sig)
}

// Rotate makes a new key the one that signs from now on; older keys stay
// trusted until retired. vendor_admin only.
func (k *Keyring) Rotate(ctx context.Context, a *actor.Actor) (PublicKey, error) {
	if !a.Can(actor.ManageSigningKeys) {
		return PublicKey{}, problem.ErrForbidden
	}
	var err error
	for range 3 { // two instances rotating at once: the unique generation refuses one, which tries again
		if err = k.add(ctx, 0, "signing_key.rotate"); !db.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return PublicKey{}, err
	}
	if err := k.Refresh(ctx); err != nil {
		return PublicKey{}, err
	}
	return k.current().PublicKey, nil
}

// add generates and stores a key of the given generation (0: the next one).
func (k *Keyring) add(ctx context.Context, generation int64, action string) error {
	pub, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pub)
	nk := key{PublicKey: PublicKey{ID: "sk_" + hex.EncodeToString(sum[:8]), Algorithm: Algorithm,
		PublicKey: base64.StdEncoding.EncodeToString(pub), CreatedAt: k.clock.Now()}, generation: generation, private: private}
	return k.d.InTx(ctx, func(tx *db.Tx) error {
		if nk.generation == 0 {
			if nk.generation, err = nextGeneration(ctx, tx); err != nil {
				return err
			}
		}
		if err := insertKey(ctx, tx, nk); err != nil {
			return err
		}
		if err := k.audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: "signing_key", TargetID: nk.ID,
			Changes: map[string]audit.Change{"public_key": {After: nk.PublicKey.PublicKey}, "generation": {After: nk.generation}}}); err != nil {
			return err
		}
		return k.d.Notify(ctx, tx, Channel, nk.ID)
	})
}

// Retire stops trusting a key: verifiers reading the public keys see when it
// was retired. The key that signs now cannot be retired (rotate first).
// What OnRetire sets runs in the same transaction. vendor_admin only.
func (k *Keyring) Retire(ctx context.Context, a *actor.Actor, keyID string) (PublicKey, error) {
	if !a.Can(actor.ManageSigningKeys) {
		return PublicKey{}, problem.ErrForbidden
	}
	now := k.clock.Now()
	err := k.d.InTx(ctx, func(tx *db.Tx) error {
		keys, err := loadKeys(ctx, tx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(keys, func(c key) bool { return c.ID == keyID })
		switch {
		case i < 0:
			return problem.ErrNotFound
		case keys[i].RetiredAt != nil:
			return ErrAlreadyRetired
		case i == len(keys)-1:
			return ErrRetireCurrent
		}
		if ok, err := retireKey(ctx, tx, keyID, now); err != nil {
			return err
		} else if !ok { // retired by another instance since the read
			return ErrAlreadyRetired
		}
		if k.onRetire != nil {
			// Sign from the keys just read: this instance may not have heard of
			// another instance's rotation yet, and must not sign with the key it retires.
			k.mu.Lock()
			k.keys = keys
			k.mu.Unlock()
			if err := k.onRetire(ctx, tx, keyID); err != nil {
				return err
			}
		}
		if err := k.audit.Record(ctx, tx, audit.Entry{Action: "signing_key.retire", TargetType: "signing_key", TargetID: keyID,
			Changes: map[string]audit.Change{"retired_at": {After: now}}}); err != nil {
			return err
		}
		return k.d.Notify(ctx, tx, Channel, keyID)
	})
	if err != nil {
		return PublicKey{}, err
	}
	if err := k.Refresh(ctx); err != nil {
		return PublicKey{}, err
	}
	for _, p := range k.Public() {
		if p.ID == keyID {
			return p, nil
		}
	}
	return PublicKey{}, problem.ErrNotFound
}
