package licensefile

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// The armour lines around a license, and the line between payload and
// signature. Each must stand alone on its line (blank space around it is
// ignored) and appear exactly once.
const (
	beginLine     = "-----BEGIN STEWARD LICENSE-----"
	signatureLine = "-----SIGNATURE-----"
	endLine       = "-----END STEWARD LICENSE-----"
)

// licenseDomain starts every signed license message, so that a license
// signature can never be taken for the signature of anything else the vendor's
// keys sign (patch files, revocation lists).
const licenseDomain = "steward-license-v1\n"

// MaxFileSize is the largest license file Parse reads; anything longer is
// refused before any decoding. A license is about a kilobyte.
const MaxFileSize = 64 << 10

// base64Width is the length of the base64 lines Encode writes.
const base64Width = 64

// File is a parsed license file: the license and the exact bytes it was read
// from. Parse does not check the signature; Verify does.
type File struct {
	License   License
	Payload   []byte // the canonical JSON that is signed
	Signature []byte // Ed25519, 64 bytes
}

// signedMessage is what the signature covers: the domain line, then the payload.
func signedMessage(domain string, payload []byte) []byte {
	return append([]byte(domain), payload...)
}

// Encode writes l as a license file signed with sign, which signs a message
// and names the key it used (signing.Keyring.Sign). Modules are sorted and
// IssuedAt is taken in UTC to the second; KeyID is set to the signing key's.
func Encode(l License, sign func(msg []byte) (sig []byte, keyID string)) ([]byte, error) {
	payload, sig, err := signNamingKey(l.KeyID, licenseDomain, sign, func(keyID string) ([]byte, error) {
		l.KeyID = keyID
		return encodeLicense(licensePayload{V: licenseFormat, License: l})
	})
	if err != nil {
		return nil, err
	}
	return armour(l.normalized(), payload, sig), nil
}

// signNamingKey signs the payload that names the signing key. sign names its
// key only when it signs, so when keyID is not already that key's id (empty:
// not known), the payload is made again with the id sign named and signed a
// second time; the first signature is thrown away.
func signNamingKey(keyID, domain string, sign func([]byte) ([]byte, string),
	payloadFor func(keyID string) ([]byte, error)) (payload, sig []byte, err error) {
	for range 2 {
		if payload, err = payloadFor(cmp.Or(keyID, "?")); err != nil {
			return nil, nil, fmt.Errorf("licensefile: %w", err)
		}
		var signedBy string
		sig, signedBy = sign(signedMessage(domain, payload))
		if signedBy == "" {
			return nil, nil, errors.New("licensefile: the signer named no key")
		}
		if signedBy == keyID {
			return payload, sig, nil
		}
		keyID = signedBy
	}
	return nil, nil, errors.New("licensefile: the signing key changed while signing; try again")
}

// armour lays out the file: comment lines for people, then the armoured
// payload and signature.
func armour(l License, payload, sig []byte) []byte {
	var b bytes.Buffer
	for _, line := range comments(l) {
		b.WriteString("# " + strings.Map(noControl, line) + "\n")
	}
	b.WriteString(beginLine + "\n")
	writeWrapped(&b, payload)
	b.WriteString(signatureLine + "\n")
	writeWrapped(&b, sig)
	b.WriteString(endLine + "\n")
	return b.Bytes()
}

// comments are the untrusted lines a person reads before pasting the file.
func comments(l License) []string {
	valid := "from " + l.ValidFrom + ", perpetual"
	if !l.Perpetual() {
		valid = l.ValidFrom + " to " + l.ValidUntil
	}
	out := []string{
		"Steward license " + l.LicenseID + ". Lines starting with # are for people and are NOT verified:",
		"only the block between the BEGIN and END lines counts.",
		"Organisation: " + l.OrgName + " (" + l.OrgID + ")",
		fmt.Sprintf("Product: %s %s, %s, %d users", l.Product, l.Version, l.Deployment, l.Users),
		"Modules: " + strings.Join(l.Modules, ", "),
		"Valid: " + valid + " (Beijing days, inclusive)",
	}
	if l.Supersedes != "" {
		out = append(out, "Supersedes: "+l.Supersedes)
	}
	return out
}

// noControl keeps a comment on its line whatever a name contains.
func noControl(r rune) rune {
	if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
		return ' '
	}
	return r
}

func writeWrapped(b *bytes.Buffer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > base64Width {
		b.WriteString(s[:base64Width] + "\n")
		s = s[base64Width:]
	}
	b.WriteString(s + "\n")
}

// Parse reads a license file without checking its signature (Verify does).
// It tolerates what mail does to text — CRLF or CR line ends, base64 lines
// wrapped at any width, blank lines and blank space around lines, and any text
// before the BEGIN line or after the END line, which is never trusted — and
// refuses anything else with ErrMalformed.
func Parse(data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, newError(ErrMalformed, nil, "the file is %d bytes, more than the %d a license file can be", len(data), MaxFileSize)
	}
	payloadB64, sigB64, err := unarmour(data)
	if err != nil {
		return nil, err
	}
	f := &File{}
	if f.Payload, err = decodeBase64(payloadB64); err != nil {
		return nil, newError(ErrMalformed, nil, "the payload is not base64: %v", err)
	}
	if f.Signature, err = decodeBase64(sigB64); err != nil {
		return nil, newError(ErrMalformed, nil, "the signature is not base64: %v", err)
	}
	if len(f.Signature) != ed25519.SignatureSize {
		return nil, newError(ErrMalformed, nil, "the signature is %d bytes, not %d", len(f.Signature), ed25519.SignatureSize)
	}
	var p licensePayload
	if err := decodeCanonical(f.Payload, &p, encodeLicense); err != nil {
		return nil, newError(ErrMalformed, nil, "%v", err)
	}
	f.License = p.License
	return f, nil
}

// unarmour finds the three marker lines and returns the text between them:
// the payload's and the signature's base64, blank space included.
func unarmour(data []byte) (payload, sig []byte, err error) {
	markers := []string{beginLine, signatureLine, endLine}
	var starts, ends [3]int // where each marker's line starts, and where the line after it starts
	found := 0
	for start := 0; start < len(data); {
		end := bytes.IndexAny(data[start:], "\r\n")
		next := len(data)
		if end >= 0 {
			end += start
			next = end + 1
		} else {
			end = len(data)
		}
		line := string(bytes.Trim(data[start:end], blank))
		for i, m := range markers {
			if line != m {
				continue
			}
			if i != found {
				return nil, nil, newError(ErrMalformed, nil, "the line %s is out of place or appears twice", m)
			}
			starts[i], ends[i] = start, next
			found++
		}
		start = next
	}
	if found < len(markers) {
		return nil, nil, newError(ErrMalformed, nil, "the line %s is missing", markers[found])
	}
	return data[ends[0]:starts[1]], data[ends[1]:starts[2]], nil
}

// blank is the blank space that mail may add or change: it is ignored around
// the marker lines and anywhere in the base64.
const blank = " \t\r\n"

// decodeBase64 reads standard, padded base64 with blank space anywhere. It is
// strict: unused bits must be zero, so that each text decodes from exactly one
// spelling and no changed character is ever ignored.
func decodeBase64(text []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if strings.ContainsRune(blank, r) {
			return -1
		}
		return r
	}, text)
	return base64.StdEncoding.Strict().AppendDecode(nil, clean)
}
