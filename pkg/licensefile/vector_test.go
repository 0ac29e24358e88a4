package licensefile_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/pkg/licensefile"
)

// exampleRevocationList is the revocation list of the worked example.
func exampleRevocationList() licensefile.RevocationList {
	return exampleRevocations(licensefile.Revocation{LicenseID: "lic_example0042",
		RevokedAt: time.Date(2027, 2, 1, 1, 0, 0, 0, time.UTC), Reason: "合同终止 contract terminated"})
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The worked example of docs/license-format.md is what this package writes,
// byte for byte, and its test vector holds with nothing but crypto/ed25519.
func TestWorkedExampleAndTestVector(t *testing.T) {
	if file := encodeExample(t); !bytes.Equal(file, readTestdata(t, "example.license")) {
		t.Fatalf("Encode no longer writes testdata/example.license:\n%s", file)
	}
	doc, err := licensefile.EncodeRevocationList(exampleRevocationList(), signer(exampleKey(), exampleKeyID))
	if err != nil || !bytes.Equal(doc, readTestdata(t, "example-revocations.json")) {
		t.Fatalf("EncodeRevocationList no longer writes testdata/example-revocations.json (%v):\n%s", err, doc)
	}

	var v struct {
		SeedHex                    string `json:"seed_hex"`
		KeyID                      string `json:"key_id"`
		PublicKeyBase64            string `json:"public_key_base64"`
		LicensePayload             string `json:"license_payload"`
		LicenseSignatureBase64     string `json:"license_signature_base64"`
		RevocationsPayload         string `json:"revocations_payload"`
		RevocationsSignatureBase64 string `json:"revocations_signature_base64"`
	}
	if err := json.Unmarshal(readTestdata(t, "vector.json"), &v); err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(v.SeedHex)
	if err != nil || len(seed) != ed25519.SeedSize {
		t.Fatalf("seed %q", v.SeedHex)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if base64.StdEncoding.EncodeToString(pub) != v.PublicKeyBase64 || v.KeyID != exampleKeyID {
		t.Fatalf("the vector's public key is not the seed's")
	}
	for _, c := range []struct{ domain, payload, sig string }{
		{"steward-license-v1\n", v.LicensePayload, v.LicenseSignatureBase64},
		{"steward-revocations-v1\n", v.RevocationsPayload, v.RevocationsSignatureBase64},
	} {
		sig, err := base64.StdEncoding.DecodeString(c.sig)
		if err != nil || !ed25519.Verify(pub, []byte(c.domain+c.payload), sig) {
			t.Errorf("the vector's signature over %q does not verify", c.domain)
		}
	}
	f, err := licensefile.Parse(readTestdata(t, "example.license"))
	if err != nil || string(f.Payload) != v.LicensePayload || base64.StdEncoding.EncodeToString(f.Signature) != v.LicenseSignatureBase64 {
		t.Fatalf("the example file does not hold the vector's payload and signature (%v)", err)
	}
	var d struct{ Payload, Signature string }
	if err := json.Unmarshal(doc, &d); err != nil || d.Payload != base64.StdEncoding.EncodeToString([]byte(v.RevocationsPayload)) ||
		d.Signature != v.RevocationsSignatureBase64 {
		t.Fatalf("the example revocation list does not hold the vector's payload and signature (%v)", err)
	}

	spec, err := os.ReadFile("../../docs/license-format.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"example.license", "example-keys.json", "example-revocations.json", "vector.json"} {
		if !strings.Contains(string(spec), string(readTestdata(t, name))) {
			t.Errorf("docs/license-format.md does not quote testdata/%s as it is", name)
		}
	}
}
