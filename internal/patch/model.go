package patch

import (
	"time"

	"steward.dev/steward/internal/platform/i18n"
)

// Types of patch.
const (
	DefectFix      = "defect_fix"
	FeatureUpgrade = "feature_upgrade"
)

// Statuses of a patch: a draft is the vendor's alone, a published patch is
// offered to customers, a withdrawn one stays listed (marked, with its
// reason) but is no longer downloaded or planned.
const (
	Draft     = "draft"
	Published = "published"
	Withdrawn = "withdrawn"
)

// Statuses of a file: the scrub takes a file whose stored bytes no longer
// match its SHA-256 out of service.
const (
	FileAvailable   = "available"
	FileQuarantined = "quarantined"
)

// DownloadService is the catalog item that entitles a customer to download.
const DownloadService = "patch_download"

// DefaultMaxFileSize is the largest file accepted unless configured otherwise.
const DefaultMaxFileSize int64 = 4 << 30

// Text is a localised text.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In is the text in lang: English for en, Chinese otherwise.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.English {
		return t.En
	}
	return t.Zh
}

// Patch is one patch of a product with its files.
type Patch struct {
	ID              string     `json:"id"`
	Number          string     `json:"number"`
	Product         string     `json:"product"`
	Type            string     `json:"type"`
	Title           Text       `json:"title"`
	Notes           Text       `json:"notes"` // Markdown
	AppliesTo       string     `json:"applies_to"`
	Requires        []string   `json:"requires"`
	Supersedes      []string   `json:"supersedes"`
	ConflictsWith   []string   `json:"conflicts_with"`
	Status          string     `json:"status"`
	WithdrawnReason string     `json:"withdrawn_reason,omitempty"`
	Files           []File     `json:"files"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	PublishedAt     *time.Time `json:"published_at,omitempty"`
	WithdrawnAt     *time.Time `json:"withdrawn_at,omitempty"`
}

// File is one file of a patch. Its bytes are stored under SHA256; the
// signature is the vendor's Ed25519 signature of the file statement
// (signing.FileStatement of the SHA-256 and the size).
type File struct {
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	Signature string    `json:"signature"` // base64
	KeyID     string    `json:"key_id"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// File returns the patch's file of that name.
func (p Patch) File(name string) (File, bool) {
	for _, f := range p.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// node is what planning and the graph checks need of p.
func (p Patch) node() Node {
	n := Node{ID: p.ID, Number: p.Number, Status: p.Status, Requires: p.Requires, Supersedes: p.Supersedes,
		ConflictsWith: p.ConflictsWith}
	n.AppliesTo, _ = ParseAppliesTo(p.AppliesTo) // stored only after parsing
	if p.PublishedAt != nil {
		n.PublishedAt = *p.PublishedAt
	}
	return n
}

// Input is what a vendor writes of a patch (create, edit).
type Input struct {
	Number        string   `json:"number"`
	Product       string   `json:"product"`
	Type          string   `json:"type"`
	Title         Text     `json:"title"`
	Notes         Text     `json:"notes"`
	AppliesTo     string   `json:"applies_to"`
	Requires      []string `json:"requires"`
	Supersedes    []string `json:"supersedes"`
	ConflictsWith []string `json:"conflicts_with"`
}

// Edit changes a patch: fields left out (nil) keep their value. A published
// patch takes only new notes.
type Edit struct {
	Type          *string   `json:"type"`
	Title         *Text     `json:"title"`
	Notes         *Text     `json:"notes"`
	AppliesTo     *string   `json:"applies_to"`
	Requires      *[]string `json:"requires"`
	Supersedes    *[]string `json:"supersedes"`
	ConflictsWith *[]string `json:"conflicts_with"`
}

// Filter selects patches in a list; empty fields select all.
type Filter struct {
	Product, Number, Status string
}
