package signing_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/signing"
)

var (
	start   = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	admin   = &actor.Actor{UserID: "usr_admin", Role: actor.VendorAdmin}
	pm      = &actor.Actor{UserID: "usr_pm", Role: actor.ProductManager}
	payload = signing.FileStatement("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 4)
)

func load(t *testing.T, d *db.DB, c clock.Clock) *signing.Keyring {
	t.Helper()
	k, err := signing.Load(context.Background(), d, audit.NewRecorder(c), c)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func count(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFirstStartMakesOneAuditedKeyThatSigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(start)
		k := load(t, d, c)
		keys := k.Public()
		if len(keys) != 1 || keys[0].Algorithm != "ed25519" || !keys[0].CreatedAt.Equal(start) || keys[0].RetiredAt != nil {
			t.Fatalf("keys after first start: %+v", keys)
		}
		sig, id := k.Sign(payload)
		if id != keys[0].ID {
			t.Fatalf("signed with %s, the only key is %s", id, keys[0].ID)
		}
		if err := signing.Verify(keys, id, payload, sig); err != nil {
			t.Fatalf("own signature: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'signing_key.create' AND target_id = ?", id); n != 1 {
			t.Fatalf("%d audit records of the key's creation, want 1", n)
		}

		// A restart reads the same key instead of making another.
		again := load(t, d, c)
		if got := again.Public(); len(got) != 1 || got[0] != keys[0] {
			t.Fatalf("keys after a restart: %+v, want %+v", got, keys)
		}
	})
}

func TestInstancesStartingAtOnceAgreeOnOneKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(start)
		handles := []*db.DB{d}
		for range 7 {
			handles = append(handles, dbtest.Reopen(t, d))
		}
		rings := make([]*signing.Keyring, len(handles))
		errs := make([]error, len(handles))
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i, h := range handles {
			h.Ping(context.Background()) // connected, so that the starts below overlap
			wg.Go(func() {
				<-ready
				rings[i], errs[i] = signing.Load(context.Background(), h, audit.NewRecorder(c), c)
			})
		}
		close(ready)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("instances starting at once: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM signing_keys"); n != 1 {
			t.Fatalf("%d keys after %d instances started at once, want 1", n, len(handles))
		}
		for i, r := range rings {
			if _, id := r.Sign(payload); id != rings[0].Public()[0].ID {
				t.Errorf("instance %d signs with %s, instance 0 with %s", i, id, rings[0].Public()[0].ID)
			}
		}
	})
}

func TestVerifyRefusesChangedBytesAndStrangeKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		k := load(t, d, clock.NewManual(start))
		sig, id := k.Sign(payload)
		keys := k.Public()
		changed := signing.FileStatement("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 5)
		if err := signing.Verify(keys, id, changed, sig); !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("another size under the signature: %v, want ErrBadSignature", err)
		}
		flipped := bytes.Clone(sig)
		flipped[10] ^= 1
		if err := signing.Verify(keys, id, payload, flipped); !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("a changed signature: %v, want ErrBadSignature", err)
		}
		if err := signing.Verify(keys, "sk_nobody", payload, sig); !errors.Is(err, signing.ErrUnknownKey) {
			t.Errorf("an unknown key id: %v, want ErrUnknownKey", err)
		}
		bad := []signing.PublicKey{{ID: id, Algorithm: "ed25519", PublicKey: "c2hvcnQ="}}
		if err := signing.Verify(bad, id, payload, sig); !errors.Is(err, signing.ErrUnknownKey) {
			t.Errorf("a listed key that is not 32 bytes: %v, want ErrUnknownKey", err)
		}
		rsa := []signing.PublicKey{{ID: id, Algorithm: "rsa", PublicKey: keys[0].PublicKey}}
		if err := signing.Verify(rsa, id, payload, sig); !errors.Is(err, signing.ErrUnknownKey) {
			t.Errorf("a key of another algorithm: %v, want ErrUnknownKey", err)
		}
	})
}

func TestRotateThenRetire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := clock.NewManual(start)
		k := load(t, d, c)
		oldSig, oldID := k.Sign(payload)

		if _, err := k.Rotate(ctx, pm); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("product_manager rotates: %v, want role.forbidden", err)
		}
		c.Advance(time.Hour)
		fresh, err := k.Rotate(actor.With(ctx, admin), admin)
		if err != nil {
			t.Fatal(err)
		}
		newSig, newID := k.Sign(payload)
		if newID != fresh.ID || newID == oldID || !fresh.CreatedAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("after rotation the key %s signs (new %+v, old %s)", newID, fresh, oldID)
		}
		keys := k.Public()
		if len(keys) != 2 || keys[0].ID != newID || keys[1].ID != oldID {
			t.Fatalf("public keys %+v, want the new one first, then the old", keys)
		}
		if err := signing.Verify(keys, oldID, payload, oldSig); err != nil {
			t.Fatalf("the old key's signature after rotation: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'signing_key.rotate' AND target_id = ? AND actor_id = ?", newID, admin.UserID); n != 1 {
			t.Fatalf("%d audit records of the rotation by the admin, want 1", n)
		}

		ctx = actor.With(ctx, admin)
		if _, err := k.Retire(ctx, admin, newID); !errors.Is(err, signing.ErrRetireCurrent) {
			t.Fatalf("retire the key that signs: %v, want signing.retire_current", err)
		}
		if _, err := k.Retire(ctx, pm, oldID); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("product_manager retires: %v, want role.forbidden", err)
		}
		if _, err := k.Retire(ctx, admin, "sk_nobody"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("retire an unknown key: %v, want not_found", err)
		}
		c.Advance(time.Hour)
		retired, err := k.Retire(ctx, admin, oldID)
		if err != nil || retired.RetiredAt == nil || !retired.RetiredAt.Equal(start.Add(2*time.Hour)) {
			t.Fatalf("retire the old key: %+v, %v", retired, err)
		}
		if err := signing.Verify(k.Public(), oldID, payload, oldSig); !errors.Is(err, signing.ErrRetiredKey) {
			t.Fatalf("the retired key's signature: %v, want ErrRetiredKey", err)
		}
		if err := signing.Verify(k.Public(), newID, payload, newSig); err != nil {
			t.Fatalf("the new key's signature after retiring the old: %v", err)
		}
		if _, err := k.Retire(ctx, admin, oldID); !errors.Is(err, signing.ErrAlreadyRetired) {
			t.Fatalf("retire again: %v, want signing.already_retired", err)
		}
		if pe, ok := problem.As(signing.ErrAlreadyRetired); !ok || pe.Status != http.StatusConflict {
			t.Fatalf("already retired is %+v, want a 409", pe)
		}
	})
}

// Another instance signs with the rotated key once it hears of it, and
// verifies a signature by a key it has not heard of yet by reading again.
func TestAnotherInstanceSeesTheRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(start)
		one, two := load(t, d, c), load(t, dbtest.Reopen(t, d), c)
		ctx := actor.With(context.Background(), admin)
		fresh, err := one.Rotate(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := one.Sign(payload)
		if err := two.Verify(context.Background(), fresh.ID, payload, sig); err != nil {
			t.Fatalf("the other instance verifies the new key's signature: %v", err)
		}
		if _, id := two.Sign(payload); id != fresh.ID {
			t.Fatalf("the other instance signs with %s, want the rotated %s", id, fresh.ID)
		}
	})
}

// On PostgreSQL the other instance hears of a rotation by itself.
func TestAnotherInstanceIsToldOfTheRotation(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		c := clock.NewManual(start)
		one, two := load(t, d, c), load(t, dbtest.Reopen(t, d), c)
		time.Sleep(200 * time.Millisecond) // let two's listener connect
		fresh, err := one.Rotate(actor.With(context.Background(), admin), admin)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, id := two.Sign(payload); id == fresh.ID {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the other instance still signs with the old key 5 s after the rotation")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestFileStatementIsTheDocumentedText(t *testing.T) {
	got := string(signing.FileStatement("ab01", 1234))
	if want := "steward-file-v1\nsha256:ab01\nsize:1234\n"; got != want {
		t.Fatalf("statement %q, want %q (docs/api.md)", got, want)
	}
}

// FuzzVerify feeds Verify published keys and signatures as a client would
// receive them: it never panics and accepts only the one true signature.
func FuzzVerify(f *testing.F) {
	f.Add("ed25519", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", []byte("steward-file-v1\n"), []byte{1, 2, 3})
	f.Add("ed25519", "", []byte{}, make([]byte, 64))
	f.Fuzz(func(t *testing.T, alg, pub string, msg, sig []byte) {
		keys := []signing.PublicKey{{ID: "sk_x", Algorithm: alg, PublicKey: pub}}
		if err := signing.Verify(keys, "sk_x", msg, sig); err == nil && len(sig) != 64 {
			t.Fatalf("accepted a %d-byte signature", len(sig))
		}
	})
}
