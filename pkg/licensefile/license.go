// Package licensefile reads and checks Steward license files offline. It is
// the package a vendor's own software imports, so it uses the standard library
// only (a test keeps it so). docs/license-format.md describes every byte of the
// format for verifiers written in other languages.
package licensefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// License is what a license file grants. Service days are Beijing days
// (UTC+8): ValidFrom and ValidUntil are dates written YYYY-MM-DD, both
// inclusive.
type License struct {
	LicenseID  string    `json:"license_id"`
	OrgID      string    `json:"org_id"`
	OrgName    string    `json:"org_name"`
	Product    string    `json:"product"`
	Version    string    `json:"version"` // the product line the license unlocks
	Deployment string    `json:"deployment"`
	Modules    []string  `json:"modules"` // module codes, sorted, each once
	Users      int       `json:"users"`
	IssuedAt   time.Time `json:"issued_at"`             // UTC, whole seconds
	ValidFrom  string    `json:"valid_from"`            // first Beijing day
	ValidUntil string    `json:"valid_until,omitempty"` // last Beijing day; empty for a perpetual license
	Supersedes string    `json:"supersedes,omitempty"`  // the license this one replaces, if any
	KeyID      string    `json:"key_id"`                // the signing key's id
}

// Perpetual reports whether the license has no last day.
func (l *License) Perpetual() bool { return l.ValidUntil == "" }

// Beijing is the zone of service days. A fixed offset rather than
// Asia/Shanghai from the zone database: the package must work without one, and
// China has kept UTC+8 without daylight saving since 1991.
var Beijing = time.FixedZone("UTC+8", 8*60*60)

// licenseFormat is the version marker, the first member of every payload.
const licenseFormat = 1

// licensePayload is the signed JSON: the marker first, then the license's
// fields in the order of License.
type licensePayload struct {
	V int `json:"v"`
	License
}

// normalized returns the license in the form it is signed in: the issue
// instant in UTC without fractions of a second and the modules sorted.
func (l License) normalized() License {
	l.IssuedAt = l.IssuedAt.UTC().Truncate(time.Second)
	l.Modules = slices.Sorted(slices.Values(l.Modules))
	if l.Modules == nil {
		l.Modules = []string{} // written [], never null
	}
	return l
}

// check names the first field that a license may not have.
func (l *License) check() error {
	for _, f := range []struct {
		name, value string
		required    bool
	}{{"license_id", l.LicenseID, true}, {"org_id", l.OrgID, true}, {"org_name", l.OrgName, false},
		{"product", l.Product, true}, {"version", l.Version, true}, {"deployment", l.Deployment, true},
		{"supersedes", l.Supersedes, false}, {"key_id", l.KeyID, true}} {
		switch {
		case f.required && f.value == "":
			return fmt.Errorf("%s is empty", f.name)
		case !utf8.ValidString(f.value): // encoding/json would replace the bytes, and sign something else
			return fmt.Errorf("%s is not UTF-8", f.name)
		}
	}
	for i, m := range l.Modules {
		switch {
		case m == "" || !utf8.ValidString(m):
			return fmt.Errorf("modules[%d] %q is empty or not UTF-8", i, m)
		case i > 0 && m <= l.Modules[i-1]:
			return fmt.Errorf("modules[%d] %q is out of order or listed twice", i, m)
		}
	}
	if l.Users <= 0 {
		return fmt.Errorf("users is %d, not a positive number", l.Users)
	}
	if l.IssuedAt.IsZero() {
		return fmt.Errorf("issued_at is missing")
	}
	if !isDate(l.ValidFrom) {
		return fmt.Errorf("valid_from %q is not a date YYYY-MM-DD", l.ValidFrom)
	}
	if l.ValidUntil != "" && (!isDate(l.ValidUntil) || l.ValidUntil < l.ValidFrom) {
		return fmt.Errorf("valid_until %q is not a date YYYY-MM-DD on or after valid_from", l.ValidUntil)
	}
	return nil
}

func isDate(s string) bool {
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && d.Format(time.DateOnly) == s
}

// canonicalJSON is the one encoding of v that is signed: encoding/json's,
// without HTML escaping (<, > and & stay as they are) and without the
// encoder's final newline. Every string must be valid UTF-8, so that nothing
// is replaced on the way.
func canonicalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodeLicense is the canonical payload of a license that passes check.
func encodeLicense(p licensePayload) ([]byte, error) {
	if p.V != licenseFormat {
		return nil, fmt.Errorf("format version %d; this package reads version %d", p.V, licenseFormat)
	}
	p.License = p.License.normalized()
	if err := p.License.check(); err != nil {
		return nil, err
	}
	return canonicalJSON(p)
}

// decodeCanonical reads a payload into v and accepts it only when encode(v)
// gives the very same bytes: no other spelling, member order, whitespace,
// duplicate or unknown member of the same content is ever accepted.
func decodeCanonical[T any](payload []byte, v *T, encode func(T) ([]byte, error)) error {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the payload is not the expected JSON: %v", err)
	}
	again, err := encode(*v)
	if err != nil {
		return fmt.Errorf("the payload: %v", err)
	}
	if !bytes.Equal(again, payload) {
		return fmt.Errorf("the payload is not in canonical form")
	}
	return nil
}
