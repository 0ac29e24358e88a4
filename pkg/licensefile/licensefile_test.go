package licensefile_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/signing"
	"steward.dev/steward/pkg/licensefile"
)

// The example key of docs/license-format.md: the Ed25519 seed is the bytes 0, 1, …, 31.
const exampleKeyID = "sk_example01"

func exampleKey() ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	return ed25519.NewKeyFromSeed(seed)
}

// signer signs like signing.Keyring.Sign with the given key and id.
func signer(key ed25519.PrivateKey, id string) func([]byte) ([]byte, string) {
	return func(msg []byte) ([]byte, string) { return ed25519.Sign(key, msg), id }
}

func trusted(key ed25519.PrivateKey, id string) licensefile.TrustedKey {
	return licensefile.TrustedKey{ID: id, PublicKey: key.Public().(ed25519.PublicKey)}
}

// exampleLicense is the license of the worked example.
func exampleLicense() licensefile.License {
	return licensefile.License{LicenseID: "lic_example0001", OrgID: "org_example", OrgName: "示例科技有限公司",
		Product: "k3cloud", Version: "9.0", Deployment: "private_cloud_subscription",
		Modules: []string{"inv", "ar", "gl", "ap"}, Users: 120, IssuedAt: time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC),
		ValidFrom: "2026-12-01", ValidUntil: "2027-11-30", Supersedes: "lic_example0000"}
}

func beijing(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, licensefile.Beijing)
}

// validAt is an instant on one of the example license's days.
var validAt = beijing("2027-03-01 12:00:00")

func encodeExample(t testing.TB) []byte {
	t.Helper()
	file, err := licensefile.Encode(exampleLicense(), signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	var e *licensefile.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *licensefile.Error", err)
	}
}

func TestEncodeThenVerifyGivesTheLicenseBack(t *testing.T) {
	file := encodeExample(t)
	got, err := licensefile.Verify(file, []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}, validAt)
	if err != nil {
		t.Fatal(err)
	}
	want := exampleLicense()
	want.Modules = []string{"ap", "ar", "gl", "inv"}
	want.KeyID = exampleKeyID
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("verified license\n%+v\nwant\n%+v", *got, want)
	}
	if !bytes.Contains(file, []byte("# Organisation: 示例科技有限公司 (org_example)\n")) {
		t.Fatalf("the comment lines do not name the organisation:\n%s", file)
	}
}

func TestEncodeLearnsTheKeyIDFromTheSigner(t *testing.T) {
	calls := 0
	sign := func(msg []byte) ([]byte, string) { calls++; return ed25519.Sign(exampleKey(), msg), exampleKeyID }
	l := exampleLicense()
	if _, err := licensefile.Encode(l, sign); err != nil || calls != 2 {
		t.Fatalf("without a key id: %d calls, err %v; want 2 calls (one to learn the id)", calls, err)
	}
	calls = 0
	l.KeyID = exampleKeyID
	if _, err := licensefile.Encode(l, sign); err != nil || calls != 1 {
		t.Fatalf("with the signer's key id: %d calls, err %v; want 1", calls, err)
	}
	rotating := 0
	_, err := licensefile.Encode(l, func(msg []byte) ([]byte, string) {
		rotating++
		return ed25519.Sign(exampleKey(), msg), "sk_" + strings.Repeat("x", rotating)
	})
	if err == nil {
		t.Fatal("a signer that names a new key each time was accepted")
	}
}

func TestEncodeRefusesAnIncompleteLicense(t *testing.T) {
	for name, change := range map[string]func(*licensefile.License){
		"no license id":      func(l *licensefile.License) { l.LicenseID = "" },
		"no product":         func(l *licensefile.License) { l.Product = "" },
		"module twice":       func(l *licensefile.License) { l.Modules = []string{"gl", "gl"} },
		"empty module":       func(l *licensefile.License) { l.Modules = []string{""} },
		"no users":           func(l *licensefile.License) { l.Users = 0 },
		"no issue time":      func(l *licensefile.License) { l.IssuedAt = time.Time{} },
		"bad valid_from":     func(l *licensefile.License) { l.ValidFrom = "2026-12-1" },
		"until before from":  func(l *licensefile.License) { l.ValidUntil = "2026-11-30" },
		"org name not UTF-8": func(l *licensefile.License) { l.OrgName = "\xff" },
		"module not UTF-8":   func(l *licensefile.License) { l.Modules = []string{"gl\xff"} },
		"version not UTF-8":  func(l *licensefile.License) { l.Version = "9.\xff" },
	} {
		l := exampleLicense()
		change(&l)
		if _, err := licensefile.Encode(l, signer(exampleKey(), exampleKeyID)); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
}

// Service days are Beijing days, both ends inclusive: exact to the second.
func TestValidityIsExactAtBeijingMidnight(t *testing.T) {
	file := encodeExample(t)
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	for _, c := range []struct {
		at   time.Time
		kind error
	}{
		{beijing("2026-11-30 23:59:59"), licensefile.ErrNotYetValid},
		{beijing("2026-12-01 00:00:00"), nil},
		{beijing("2027-11-30 23:59:59"), nil},
		{beijing("2027-12-01 00:00:00"), licensefile.ErrExpired},
		// The same instants seen from UTC: 16:00 UTC is midnight in Beijing.
		{time.Date(2026, 11, 30, 15, 59, 59, 0, time.UTC), licensefile.ErrNotYetValid},
		{time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), nil},
		{time.Date(2027, 11, 30, 15, 59, 59, 0, time.UTC), nil},
		{time.Date(2027, 11, 30, 16, 0, 0, 0, time.UTC), licensefile.ErrExpired},
	} {
		l, err := licensefile.Verify(file, keys, c.at)
		if c.kind == nil {
			if err != nil {
				t.Errorf("at %s: %v, want valid", c.at, err)
			}
			continue
		}
		var e *licensefile.Error
		if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.License == nil || l != nil {
			t.Errorf("at %s: license %v, error %v; want %v carrying the license", c.at, l, err, c.kind)
		}
	}
}

func TestPerpetualLicenseNeverExpires(t *testing.T) {
	l := exampleLicense()
	l.ValidUntil = ""
	file, err := licensefile.Encode(l, signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	got, err := licensefile.Verify(file, []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}, beijing("2999-12-31 23:59:59"))
	if err != nil || !got.Perpetual() {
		t.Fatalf("perpetual license in 2999: %v, %v", got, err)
	}
	if bytes.Contains(file, []byte("valid_until")) || !bytes.Contains(file, []byte("# Valid: from 2026-12-01, perpetual")) {
		t.Fatalf("perpetual file:\n%s", file)
	}
}

func TestAnotherKeyIsUnknownOrBad(t *testing.T) {
	file := encodeExample(t)
	_, other, _ := ed25519.GenerateKey(nil)
	_, err := licensefile.Verify(file, []licensefile.TrustedKey{trusted(other, "sk_other")}, validAt)
	wantKind(t, err, licensefile.ErrUnknownKey)
	_, err = licensefile.Verify(file, nil, validAt)
	wantKind(t, err, licensefile.ErrUnknownKey)
	// The right id with another public key: the signature does not match.
	_, err = licensefile.Verify(file, []licensefile.TrustedKey{trusted(other, exampleKeyID)}, validAt)
	wantKind(t, err, licensefile.ErrBadSignature)
	// A trusted key that is not an Ed25519 key is refused, not a panic.
	_, err = licensefile.Verify(file, []licensefile.TrustedKey{{ID: exampleKeyID, PublicKey: []byte{1, 2, 3}}}, validAt)
	wantKind(t, err, licensefile.ErrUnknownKey)
}

// A retired key still verifies what it signed before its retirement.
func TestRetiredKeyVerifiesOnlyWhatItSignedBefore(t *testing.T) {
	file := encodeExample(t) // issued 2026-11-27 06:30:00 UTC
	key := trusted(exampleKey(), exampleKeyID)
	retired := time.Date(2026, 11, 27, 6, 30, 1, 0, time.UTC)
	key.RetiredAt = &retired
	if _, err := licensefile.Verify(file, []licensefile.TrustedKey{key}, validAt); err != nil {
		t.Fatalf("issued a second before the retirement: %v", err)
	}
	retired = time.Date(2026, 11, 27, 6, 30, 0, 0, time.UTC)
	_, err := licensefile.Verify(file, []licensefile.TrustedKey{key}, validAt)
	wantKind(t, err, licensefile.ErrRetiredKey)
	retired = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = licensefile.Verify(file, []licensefile.TrustedKey{key}, validAt)
	wantKind(t, err, licensefile.ErrRetiredKey)
}

func exampleRevocations(revoked ...licensefile.Revocation) licensefile.RevocationList {
	return licensefile.RevocationList{Sequence: 7, IssuedAt: time.Date(2027, 2, 1, 2, 0, 0, 0, time.UTC), Revoked: revoked}
}

func TestRevokedLicenseIsRefusedFromItsRevocation(t *testing.T) {
	file := encodeExample(t)
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	revokedAt := time.Date(2027, 2, 1, 1, 0, 0, 0, time.UTC)
	doc, err := licensefile.EncodeRevocationList(exampleRevocations(
		licensefile.Revocation{LicenseID: "lic_zzz", RevokedAt: revokedAt, Reason: "other"},
		licensefile.Revocation{LicenseID: "lic_example0001", RevokedAt: revokedAt, Reason: "contract terminated"},
	), signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	rl, err := licensefile.ParseRevocationList(doc, keys)
	if err != nil {
		t.Fatal(err)
	}
	if rl.Sequence != 7 || rl.KeyID != exampleKeyID || len(rl.Revoked) != 2 || rl.Revoked[0].LicenseID != "lic_example0001" {
		t.Fatalf("revocation list read back: %+v", rl)
	}
	_, err = licensefile.Verify(file, keys, revokedAt, licensefile.WithRevocations(rl))
	wantKind(t, err, licensefile.ErrRevoked)
	var e *licensefile.Error
	if errors.As(err, &e); e.Revocation == nil || e.Revocation.Reason != "contract terminated" || !strings.Contains(err.Error(), "contract terminated") {
		t.Fatalf("revocation error: %v (%+v)", err, e.Revocation)
	}
	if _, err := licensefile.Verify(file, keys, revokedAt.Add(-time.Second), licensefile.WithRevocations(rl)); err != nil {
		t.Fatalf("a second before its revocation: %v", err)
	}
	empty, err := licensefile.EncodeRevocationList(exampleRevocations(), signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	if rl, err = licensefile.ParseRevocationList(empty, keys); err != nil || rl.Revoked == nil {
		t.Fatalf("empty list: %+v, %v", rl, err)
	}
	if _, err := licensefile.Verify(file, keys, validAt, licensefile.WithRevocations(rl)); err != nil {
		t.Fatalf("a list that does not name it: %v", err)
	}
}

func TestRevocationListMustBeSignedByATrustedKey(t *testing.T) {
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	doc, err := licensefile.EncodeRevocationList(exampleRevocations(licensefile.Revocation{LicenseID: "lic_example0001",
		RevokedAt: time.Date(2027, 2, 1, 1, 0, 0, 0, time.UTC), Reason: "fraud"}), signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]string
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	// Someone drops the revocation and keeps the signature.
	emptied, err := licensefile.EncodeRevocationList(exampleRevocations(), signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]string
	if err := json.Unmarshal(emptied, &e); err != nil {
		t.Fatal(err)
	}
	e["signature"] = d["signature"]
	forged, _ := json.Marshal(e)
	_, err = licensefile.ParseRevocationList(forged, keys)
	wantKind(t, err, licensefile.ErrBadSignature)

	_, other, _ := ed25519.GenerateKey(nil)
	_, err = licensefile.ParseRevocationList(doc, []licensefile.TrustedKey{trusted(other, "sk_other")})
	wantKind(t, err, licensefile.ErrUnknownKey)

	retired := time.Date(2027, 2, 1, 2, 0, 0, 0, time.UTC) // the list's issue instant
	key := keys[0]
	key.RetiredAt = &retired
	_, err = licensefile.ParseRevocationList(doc, []licensefile.TrustedKey{key})
	wantKind(t, err, licensefile.ErrRetiredKey)

	for _, bad := range []string{"", "{}", `{"format":"steward-revocations-v1","payload":"e30=","signature":""}`, string(doc[:len(doc)/2]), string(doc) + "{}"} {
		_, err = licensefile.ParseRevocationList([]byte(bad), keys)
		wantKind(t, err, licensefile.ErrMalformed)
	}
	_, err = licensefile.ParseRevocationList(bytes.Repeat([]byte(" "), licensefile.MaxRevocationListSize+1), keys)
	wantKind(t, err, licensefile.ErrMalformed)
}

// ParseKeys reads exactly what GET /api/v1/keys serves.
func TestParseKeysReadsTheKeysEndpoint(t *testing.T) {
	retired := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	served := []signing.PublicKey{
		{ID: "sk_new", Algorithm: signing.Algorithm, PublicKey: "A3Ea4xhbEsKnX8zHWOtUDPi6R3tLuvlzYoROjP6FOdo=", CreatedAt: retired},
		{ID: "sk_old", Algorithm: signing.Algorithm, PublicKey: "Ob6xOp5uTbvPLDqT8Y9D6ZGnGexWEW7yjtMCc4cq/Gk=", CreatedAt: retired.AddDate(-1, 0, 0), RetiredAt: &retired},
	}
	body, err := json.Marshal(map[string]any{"items": served})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := licensefile.ParseKeys(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != "sk_new" || keys[0].RetiredAt != nil || len(keys[1].PublicKey) != ed25519.PublicKeySize ||
		keys[1].RetiredAt == nil || !keys[1].RetiredAt.Equal(retired) {
		t.Fatalf("keys: %+v", keys)
	}
	for _, bad := range []string{"", "[]", `{"items":[{"id":"k","algorithm":"ed25519","public_key":"AAAA"}]}`,
		`{"items":[{"id":"","algorithm":"ed25519","public_key":"A3Ea4xhbEsKnX8zHWOtUDPi6R3tLuvlzYoROjP6FOdo="}]}`} {
		if _, err := licensefile.ParseKeys([]byte(bad)); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	file := encodeExample(b)
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := licensefile.Verify(file, keys, validAt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}
