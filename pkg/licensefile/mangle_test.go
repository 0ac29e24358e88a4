package licensefile_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"steward.dev/steward/pkg/licensefile"
)

const (
	beginLine     = "-----BEGIN STEWARD LICENSE-----"
	signatureLine = "-----SIGNATURE-----"
	endLine       = "-----END STEWARD LICENSE-----"
)

// verifiesAsExample checks that file verifies to exactly the example license.
func verifiesAsExample(t *testing.T, what string, file []byte) {
	t.Helper()
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	want, err := licensefile.Verify(encodeExample(t), keys, validAt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := licensefile.Verify(file, keys, validAt)
	if err != nil {
		t.Fatalf("%s: %v\n%q", what, err, file)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: license %+v, want %+v", what, got, want)
	}
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// Every change of one byte is refused, except in the comment lines and in the
// blank space between base64 lines, where the license read is exactly the same.
func TestEverySingleByteChangeIsRefused(t *testing.T) {
	file := encodeExample(t)
	keys := []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}
	want, err := licensefile.Verify(file, keys, validAt)
	if err != nil {
		t.Fatal(err)
	}
	armourStart := bytes.Index(file, []byte(beginLine))
	armourEnd := bytes.Index(file, []byte(endLine)) + len(endLine)
	if armourStart <= 0 || armourEnd != len(file)-1 {
		t.Fatalf("the example file does not start with comments and end with the END line:\n%s", file)
	}
	replacements := []byte{' ', '\t', '\r', '\n', 'A', 'a', '0', '+', '/', '=', '-', '#', '{', '"', 0, 0xff}
	for bit := range 8 {
		replacements = append(replacements, byte(1)<<bit) // XOR masks, applied below
	}
	checked := 0
	check := func(i int, changed []byte, how string) {
		checked++
		got, err := licensefile.Verify(changed, keys, validAt)
		inComment := i < armourStart-1 // the line end before BEGIN keeps that line apart
		switch {
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("byte %d %s: accepted a different license %+v", i, how, got)
		case err == nil && i >= armourStart && !isBlank(file[i]):
			t.Fatalf("byte %d (%q) %s: accepted", i, file[i], how)
		case err != nil && inComment:
			t.Fatalf("byte %d %s in a comment line: %v", i, how, err)
		case err != nil && !errors.Is(err, licensefile.ErrMalformed) && !errors.Is(err, licensefile.ErrBadSignature) &&
			!errors.Is(err, licensefile.ErrUnknownKey): // a changed key id names no trusted key
			t.Fatalf("byte %d %s: %v, want malformed, bad signature or unknown key", i, how, err)
		}
	}
	for i := range file {
		for k, r := range replacements {
			changed := bytes.Clone(file)
			if k >= len(replacements)-8 {
				changed[i] ^= r
			} else if changed[i] = r; r == file[i] {
				continue
			}
			check(i, changed, "changed to "+string(rune(changed[i])))
		}
		check(i, append(bytes.Clone(file[:i]), file[i+1:]...), "deleted")
	}
	if checked < 20*len(file) {
		t.Fatalf("only %d changes checked", checked)
	}
}

func TestTruncatedFileIsMalformed(t *testing.T) {
	file := encodeExample(t)
	complete := bytes.Index(file, []byte(endLine)) + len(endLine)
	for n := range complete {
		_, err := licensefile.Parse(file[:n])
		wantKind(t, err, licensefile.ErrMalformed)
	}
	verifiesAsExample(t, "cut after the END line", file[:complete])
}

func TestDoubledFileIsMalformed(t *testing.T) {
	file := encodeExample(t)
	other := exampleLicense()
	other.LicenseID = "lic_example0002"
	second, err := licensefile.Encode(other, signer(exampleKey(), exampleKeyID))
	if err != nil {
		t.Fatal(err)
	}
	for _, doubled := range [][]byte{append(bytes.Clone(file), file...), append(bytes.Clone(file), second...),
		bytes.Replace(file, []byte(signatureLine), []byte(signatureLine+"\n"+signatureLine), 1)} {
		_, err := licensefile.Parse(doubled)
		wantKind(t, err, licensefile.ErrMalformed)
	}
}

// rewrap lays the file out again: base64 lines of the given width, lines
// ended with eol, each line passed through dress.
func rewrap(t *testing.T, file []byte, width int, eol string, dress func(string) string) []byte {
	t.Helper()
	f, err := licensefile.Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	block := func(data []byte) {
		s := base64.StdEncoding.EncodeToString(data)
		for len(s) > width {
			lines = append(lines, s[:width])
			s = s[width:]
		}
		lines = append(lines, s)
	}
	lines = append(lines, "Hello, here is your license:", "", beginLine)
	block(f.Payload)
	lines = append(lines, signatureLine)
	block(f.Signature)
	lines = append(lines, endLine, "", "Regards")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(dress(l) + eol)
	}
	return []byte(b.String())
}

func TestWhatMailDoesToTextIsTolerated(t *testing.T) {
	file := encodeExample(t)
	same := func(s string) string { return s }
	for width := 1; width <= 100; width++ {
		verifiesAsExample(t, "wrapped", rewrap(t, file, width, "\n", same))
		verifiesAsExample(t, "wrapped, CRLF", rewrap(t, file, width, "\r\n", same))
	}
	for name, dress := range map[string]func(string) string{
		"trailing spaces":       func(s string) string { return s + "  \t " },
		"indented":              func(s string) string { return "\t  " + s },
		"blank lines between":   func(s string) string { return s + "\r\n \r\n" },
		"spaces inside base64":  func(s string) string { return strings.Join(strings.SplitAfter(s, ""), " ") },
		"empty lines, CR alone": func(s string) string { return s + "\r\r" },
	} {
		if name == "spaces inside base64" {
			file := rewrap(t, file, 60, "\n", same)
			// only inside the blocks: marker lines must stay whole
			var out []string
			for _, l := range strings.Split(string(file), "\n") {
				if !strings.HasPrefix(l, "-----") {
					l = dress(l)
				}
				out = append(out, l)
			}
			verifiesAsExample(t, name, []byte(strings.Join(out, "\n")))
			continue
		}
		verifiesAsExample(t, name, rewrap(t, file, 76, "\n", dress))
	}
	verifiesAsExample(t, "CRLF", bytes.ReplaceAll(file, []byte("\n"), []byte("\r\n")))
	verifiesAsExample(t, "blank space around", append(append([]byte("\n\n  \r\n"), file...), "\n\n \t\n"...))
}

func TestChangedTextIsRefused(t *testing.T) {
	file := encodeExample(t)
	for name, changed := range map[string][]byte{
		"quoted reply":                 bytes.ReplaceAll(file, []byte("\n"), []byte("\n> ")),
		"lower-case armour":            bytes.Replace(file, []byte(beginLine), []byte(strings.ToLower(beginLine)), 1),
		"non-breaking space in base64": bytes.Replace(file, []byte(beginLine+"\n"), []byte(beginLine+"\n\u00a0"), 1),
		"URL-safe base64":              []byte(strings.NewReplacer("+", "-", "/", "_").Replace(string(file))),
	} {
		if bytes.Equal(changed, file) {
			t.Fatalf("%s: nothing changed", name)
		}
		_, err := licensefile.Parse(changed)
		wantKind(t, err, licensefile.ErrMalformed)
	}
}

// Parse accepts one spelling of a license: a signature over any other
// payload, even one a JSON reader would take for the same license, is refused.
func TestOnlyTheCanonicalPayloadIsRead(t *testing.T) {
	f, err := licensefile.Parse(encodeExample(t))
	if err != nil {
		t.Fatal(err)
	}
	canonical := string(f.Payload)
	for name, payload := range map[string]string{
		"whitespace":        strings.Replace(canonical, `,"org_id"`, `, "org_id"`, 1),
		"members reordered": strings.Replace(strings.Replace(canonical, `"v":1,`, ``, 1), `"key_id"`, `"v":1,"key_id"`, 1),
		"unknown member":    strings.Replace(canonical, `"v":1,`, `"v":1,"extra":true,`, 1),
		"duplicate member":  strings.Replace(canonical, `"users":120`, `"users":120,"users":120`, 1),
		"version 2":         strings.Replace(canonical, `"v":1`, `"v":2`, 1),
		"local time":        strings.Replace(canonical, `06:30:00Z`, `14:30:00+08:00`, 1),
		"fraction":          strings.Replace(canonical, `06:30:00Z`, `06:30:00.000Z`, 1),
		"modules unsorted":  strings.Replace(canonical, `"ap","ar"`, `"ar","ap"`, 1),
		"escaped":           strings.Replace(canonical, `示`, `\u793a`, 1),
		"modules null":      strings.Replace(canonical, `["ap","ar","gl","inv"]`, `null`, 1),
		"trailing newline":  canonical + "\n",
		"two values":        canonical + canonical,
	} {
		if payload == canonical {
			t.Fatalf("%s: nothing changed", name)
		}
		sig := ed25519.Sign(exampleKey(), []byte("steward-license-v1\n"+payload))
		file := beginLine + "\n" + base64.StdEncoding.EncodeToString([]byte(payload)) + "\n" + signatureLine + "\n" +
			base64.StdEncoding.EncodeToString(sig) + "\n" + endLine + "\n"
		_, err := licensefile.Verify([]byte(file), []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}, validAt)
		wantKind(t, err, licensefile.ErrMalformed)
	}
}

// The size cap comes before any decoding: a 10 MB file is refused as soon as
// its length is known.
func TestTenMegabyteFileIsRefusedByItsSize(t *testing.T) {
	file := encodeExample(t)
	huge := append(bytes.Repeat([]byte("# padding padding padding\n"), 10<<20/26), file...)
	if len(huge) < 10<<20 {
		t.Fatalf("only %d bytes", len(huge))
	}
	_, err := licensefile.Verify(huge, []licensefile.TrustedKey{trusted(exampleKey(), exampleKeyID)}, validAt)
	wantKind(t, err, licensefile.ErrMalformed)
	if !strings.Contains(err.Error(), "more than the 65536") {
		t.Fatalf("refused for another reason than its size: %v", err)
	}
	at := licensefile.MaxFileSize - len(file)
	verifiesAsExample(t, "exactly the largest size", append(bytes.Repeat([]byte{'\n'}, at), file...))
	_, err = licensefile.Parse(append(bytes.Repeat([]byte{'\n'}, at+1), file...))
	wantKind(t, err, licensefile.ErrMalformed)
}
