// Package attachment keeps customers' private attachments (logs, screenshots,
// data extracts): business data that vendor staff read only with a basis,
// recorded in the data-access log (package audit). The bytes live in the blob
// store under the attachment's id; later rooms (rescues, questions) own
// attachments through owner_kind and owner_id.
package attachment

import (
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Object kind and data scope of attachments in the data-access log and in grants.
const (
	Kind  = "attachment"
	Scope = "attachments"
)

// DefaultMaxSize is the largest attachment accepted unless configured otherwise.
const DefaultMaxSize = 25 << 20

// maxNameBytes is the longest name, in bytes (what file systems allow).
const maxNameBytes = 255

// Attachment is a file an organisation handed over.
type Attachment struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"org_id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	OwnerKind   *string   `json:"owner_kind"`
	OwnerID     *string   `json:"owner_id"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// owner returns the owning object's kind and id, empty when it has none.
func (a Attachment) owner() (string, string) {
	if a.OwnerKind == nil || a.OwnerID == nil {
		return "", ""
	}
	return *a.OwnerKind, *a.OwnerID
}

// ParseName checks a file name from outside (the ?name= of an upload, a
// form's file name): surrounding spaces are dropped; it must not be empty,
// be longer than 255 bytes, be invalid UTF-8, or hold a path or characters
// that hide what the name says: / \ .. NUL, control characters, or the
// bidirectional overrides that make "exe.txt" look like "txt.exe".
func ParseName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	switch {
	case name == "":
		return "", problem.InvalidField("name", "field.required")
	case len(name) > maxNameBytes:
		return "", problem.InvalidField("name", "field.attachment_name_long")
	case !utf8.ValidString(name), strings.ContainsAny(name, `/\`), strings.Contains(name, ".."),
		strings.ContainsFunc(name, hiddenRune):
		return "", problem.InvalidField("name", "field.attachment_name")
	}
	return name, nil
}

// hiddenRune reports control characters (NUL included) and bidirectional
// formatting characters.
func hiddenRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u200e', r == '\u200f', r == '\u061c', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// sniffLen is how much of the start of a file decides its content type.
const sniffLen = 512

// contentType sniffs the first bytes of a file (http.DetectContentType).
// Types a browser would run as a page (HTML, XML with its stylesheets and
// scripts) are served as application/octet-stream instead.
func contentType(head []byte) string {
	t := http.DetectContentType(head)
	media, _, _ := strings.Cut(t, ";")
	switch strings.TrimSpace(media) {
	case "text/html", "text/xml", "application/xml", "image/svg+xml":
		return "application/octet-stream"
	}
	return t
}

// ContentDisposition is the header that makes a browser save the file under
// its name: an ASCII fallback for old clients and the exact name in RFC 5987
// form (filename*=UTF-8”…).
func ContentDisposition(name string) string {
	var fallback, exact strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' {
			fallback.WriteRune(r)
		} else {
			fallback.WriteByte('_')
		}
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isAttrChar(c) {
			exact.WriteByte(c)
		} else {
			exact.WriteByte('%')
			exact.WriteByte(hex[c>>4])
			exact.WriteByte(hex[c&15])
		}
	}
	return `attachment; filename="` + fallback.String() + `"; filename*=UTF-8''` + exact.String()
}

// isAttrChar is RFC 5987's attr-char: what a filename* value keeps as it is.
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
