package licensefile_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"reflect"
	"testing"
	"time"

	"steward.dev/steward/pkg/licensefile"
)

// armoured lays out a payload and signature in the plainest way.
func armoured(payload, sig []byte) []byte {
	return []byte(beginLine + "\n" + base64.StdEncoding.EncodeToString(payload) + "\n" + signatureLine + "\n" +
		base64.StdEncoding.EncodeToString(sig) + "\n" + endLine + "\n")
}

func addMangledSeeds(f *testing.F, file []byte) {
	f.Add(file)
	f.Add(bytes.ReplaceAll(file, []byte("\n"), []byte("\r\n")))
	f.Add(file[:len(file)/2])
	f.Add(append(bytes.Clone(file), file...))
	f.Add([]byte(""))
	f.Add([]byte(beginLine + "\n" + signatureLine + "\n" + endLine))
}

// Whatever Parse accepts, it reads again the same from its own parts, and
// whatever it refuses is ErrMalformed.
func FuzzParse(f *testing.F) {
	addMangledSeeds(f, encodeExample(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := licensefile.Parse(data)
		if err != nil {
			if !errors.Is(err, licensefile.ErrMalformed) {
				t.Fatalf("refused with %v, not ErrMalformed", err)
			}
			return
		}
		if len(file.Signature) != ed25519.SignatureSize {
			t.Fatalf("signature of %d bytes", len(file.Signature))
		}
		again, err := licensefile.Parse(armoured(file.Payload, file.Signature))
		if err != nil || !reflect.DeepEqual(again, file) {
			t.Fatalf("read again: %+v, %v; first %+v", again, err, file)
		}
	})
}

// Only the one signed payload there is can ever be accepted.
func FuzzVerify(f *testing.F) {
	original := encodeExample(f)
	want, err := licensefile.Parse(original)
	if err != nil {
		f.Fatal(err)
	}
	addMangledSeeds(f, original)
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := licensefile.Verify(data, keys, validAt)
		if err != nil {
			var e *licensefile.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not a *licensefile.Error", err)
			}
			return
		}
		got, err := licensefile.Parse(data)
		if err != nil || !bytes.Equal(got.Payload, want.Payload) || !reflect.DeepEqual(*l, want.License) {
			t.Fatalf("accepted a file whose payload differs: %q", data)
		}
	})
}

// Only the one signed list there is can ever be accepted.
func FuzzParseRevocationList(f *testing.F) {
	list := exampleRevocations(licensefile.Revocation{LicenseID: "lic_example0001",
		RevokedAt: time.Date(2027, 2, 1, 1, 0, 0, 0, time.UTC), Reason: "合同终止"})
	doc, err := licensefile.EncodeRevocationList(list, signer(exampleKey(), exampleKeyID))
	if err != nil {
		f.Fatal(err)
	}
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	want, err := licensefile.ParseRevocationList(doc, keys)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add(doc[:len(doc)/2])
	f.Add([]byte(`{"format":"steward-revocations-v1","payload":"","signature":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := licensefile.ParseRevocationList(data, keys)
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("accepted another list: %+v", got)
		}
	})
}

// ParseKeys hands out only usable keys.
func FuzzParseKeys(f *testing.F) {
	f.Add([]byte(`{"items":[{"id":"sk_1","algorithm":"ed25519","public_key":"A3Ea4xhbEsKnX8zHWOtUDPi6R3tLuvlzYoROjP6FOdo=","created_at":"2026-01-01T00:00:00Z","retired_at":"2026-06-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"items":[{"id":"sk_2","algorithm":"rsa","public_key":"AAAA"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := licensefile.ParseKeys(data)
		if err != nil {
			return
		}
		for _, k := range keys {
			if k.ID == "" || len(k.PublicKey) != ed25519.PublicKeySize {
				t.Fatalf("unusable key %+v", k)
			}
		}
	})
}
