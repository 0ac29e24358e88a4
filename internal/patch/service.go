package patch

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// OrgContract is what the room needs of one of an organisation's active
// contracts.
type OrgContract struct {
	ID      string `json:"id"`
	Product string `json:"product"`
	Version string `json:"version"`
}

// Deps are what the service is built from; app wires the other rooms in as
// functions, so this room imports none of their stores.
type Deps struct {
	Store *Store
	Blobs blob.Store
	Audit *audit.Recorder
	Clock clock.Clock
	// Product answers nil for a product of the lifecycle table,
	// problem.ErrNotFound otherwise.
	Product func(ctx context.Context, code string) error
	// Sign signs the statement of a file (its SHA-256 and size) with the
	// vendor's current key.
	Sign func(sha256 string, size int64) (signature []byte, keyID string, err error)
	// Entitled answers nil when the organisation's patch_download
	// entitlement is active at the instant, else the entitlement's refusal.
	Entitled func(ctx context.Context, orgID string, at time.Time) error
	// Contracts lists an organisation's active contracts.
	Contracts func(ctx context.Context, orgID string) ([]OrgContract, error)
	// Orgs is 404 unless the organisation exists and the actor may see it.
	Orgs audit.OrgCheck
	// Notices and VendorAdmins tell the vendor_admins about a file the
	// scrub took out of service.
	Notices      *notice.Service
	VendorAdmins func(ctx context.Context) ([]string, error)
	// MaxFileSize is the largest file accepted (DefaultMaxFileSize when 0).
	MaxFileSize int64
	// LinkKey signs download links (LoadLinkKey).
	LinkKey []byte
}

// Service holds the patch use cases.
type Service struct {
	d Deps
	// Downloads counts downloads per organisation in memory; app flushes
	// it every 30 seconds and on shutdown.
	Downloads *Counter
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.MaxFileSize <= 0 {
		d.MaxFileSize = DefaultMaxFileSize
	}
	return &Service{d: d, Downloads: NewCounter(d.Store, d.Clock)}
}

// MaxFileSize is the largest file accepted, in bytes.
func (s *Service) MaxFileSize() int64 { return s.d.MaxFileSize }

// Errors of the patch room.
var (
	ErrNotDraft     = problem.New(http.StatusConflict, "patch.not_draft")
	ErrNotPublished = problem.New(http.StatusConflict, "patch.not_published")
	ErrNotesOnly    = problem.New(http.StatusConflict, "patch.notes_only")
	ErrNoFiles      = problem.New(http.StatusUnprocessableEntity, "patch.no_files")
	ErrNoContract   = problem.New(http.StatusForbidden, "patch.product_not_in_contract")
	ErrQuarantined  = problem.New(http.StatusServiceUnavailable, "patch.file_quarantined")
	ErrChecksum     = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "patch.checksum_mismatch",
		Fields: []problem.Field{{Field: "X-Checksum-Sha256", Message: "field.checksum_mismatch"}}}
)

// errWithdrawn is the 410 answer for a withdrawn patch's files, with its reason.
func errWithdrawn(p Patch) error {
	e := problem.New(http.StatusGone, "patch.withdrawn").With("number", p.Number).With("reason", p.WithdrawnReason)
	e.Extra = map[string]any{"reason": p.WithdrawnReason}
	return e
}

// TooLarge is the 413 answer for a file over the limit: nothing is stored.
func (s *Service) TooLarge() error {
	e := problem.New(http.StatusRequestEntityTooLarge, "patch.too_large").With("limit", gibibytes(s.d.MaxFileSize))
	e.Extra = map[string]any{"limit_bytes": s.d.MaxFileSize}
	return e
}

func gibibytes(n int64) string {
	if n%(1<<30) == 0 {
		return strconv.FormatInt(n>>30, 10) + " GiB"
	}
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// seesDrafts: vendor staff see drafts (API.md: products, versions and
// patches are the vendor's; every vendor role reads them).
func seesDrafts(a *actor.Actor) bool { return a.IsVendor() }

func manage(a *actor.Actor) error { return actor.Require(a, actor.ManageProducts) }

// Create stores a new draft (product_manager, vendor_admin).
func (s *Service) Create(ctx context.Context, a *actor.Actor, in Input) (Patch, error) {
	if err := manage(a); err != nil {
		return Patch{}, err
	}
	if err := in.normalize(); err != nil {
		return Patch{}, err
	}
	if err := s.d.Product(ctx, in.Product); errors.Is(err, problem.ErrNotFound) {
		return Patch{}, problem.InvalidField("product", "field.product_unknown")
	} else if err != nil {
		return Patch{}, err
	}
	now := s.d.Clock.Now()
	p := Patch{ID: id.New("pat", now), Number: in.Number, Product: in.Product, Type: in.Type, Title: in.Title, Notes: in.Notes,
		AppliesTo: in.AppliesTo, Requires: in.Requires, Supersedes: in.Supersedes, ConflictsWith: in.ConflictsWith,
		Status: Draft, Files: []File{}, CreatedAt: now, UpdatedAt: now}
	err := s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkGraph(ctx, tx, p); err != nil {
			return err
		}
		if err := s.d.Store.Insert(ctx, tx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, "patch.create", nil, &p)
	})
	return p, err
}

// checkGraph checks p against the product's other patches.
func (s *Service) checkGraph(ctx context.Context, q db.Querier, p Patch) error {
	all, err := s.d.Store.Product(ctx, q, p.Product)
	if err != nil {
		return err
	}
	others := make([]Node, 0, len(all))
	for _, o := range all {
		if o.ID != p.ID {
			others = append(others, o.node())
		}
	}
	return CheckGraph(others, p.node())
}

func (s *Service) record(ctx context.Context, tx *db.Tx, action string, before, after *Patch) error {
	fields := func(p *Patch) audit.Fields {
		if p == nil {
			return nil
		}
		return audit.Fields{"number": p.Number, "product": p.Product, "type": p.Type, "title": p.Title, "notes": p.Notes,
			"applies_to": p.AppliesTo, "requires": p.Requires, "supersedes": p.Supersedes, "conflicts_with": p.ConflictsWith,
			"status": p.Status, "withdrawn_reason": p.WithdrawnReason}
	}
	return s.d.Audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: "patch", TargetID: after.ID,
		Changes: audit.Diff(fields(before), fields(after))})
}

// Get returns a patch with its files. Published and withdrawn patches are
// public (a is nil without login); drafts are vendor staff's, else 404.
func (s *Service) Get(ctx context.Context, a *actor.Actor, patchID string) (Patch, error) {
	p, err := s.d.Store.Get(ctx, s.d.Store.DB(), patchID)
	if err == nil && p.Status == Draft && !seesDrafts(a) {
		return Patch{}, problem.ErrNotFound
	}
	return p, err
}

// List returns the patches matching f after the cursor, up to limit+1;
// drafts only for vendor staff.
func (s *Service) List(ctx context.Context, a *actor.Actor, f Filter, after string, limit int) ([]Patch, error) {
	var bad problem.Invalid
	switch f.Status {
	case "", Published, Withdrawn:
	case Draft:
		if !seesDrafts(a) {
			return []Patch{}, nil
		}
	default:
		bad.Add("status", "field.patch_status")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return s.d.Store.List(ctx, f, seesDrafts(a), after, limit+1)
}

// Update edits a patch: a draft in every field, a published one only in
// its notes (release notes may be corrected); a withdrawn one not at all.
func (s *Service) Update(ctx context.Context, a *actor.Actor, patchID string, e Edit) (Patch, error) {
	return s.change(ctx, a, patchID, "patch.update", func(tx *db.Tx, p *Patch, _ time.Time) error {
		draft := p.Status == Draft
		edited, err := s.apply(*p, e)
		if err != nil {
			return err
		}
		*p = edited
		if draft {
			return s.checkGraph(ctx, tx, *p)
		}
		return nil
	})
}

// apply returns p with the edit's fields, checked by the same rules as a
// new patch.
func (s *Service) apply(p Patch, e Edit) (Patch, error) {
	switch {
	case p.Status == Withdrawn:
		return p, ErrNotDraft
	case p.Status == Published && (e.Type != nil || e.Title != nil || e.AppliesTo != nil || e.Requires != nil ||
		e.Supersedes != nil || e.ConflictsWith != nil):
		return p, ErrNotesOnly
	}
	in := Input{Number: p.Number, Product: p.Product, Type: p.Type, Title: p.Title, Notes: p.Notes, AppliesTo: p.AppliesTo,
		Requires: p.Requires, Supersedes: p.Supersedes, ConflictsWith: p.ConflictsWith}
	set(&in.Type, e.Type)
	set(&in.Title, e.Title)
	set(&in.Notes, e.Notes)
	set(&in.AppliesTo, e.AppliesTo)
	set(&in.Requires, e.Requires)
	set(&in.Supersedes, e.Supersedes)
	set(&in.ConflictsWith, e.ConflictsWith)
	if err := in.normalize(); err != nil {
		return p, err
	}
	p.Type, p.Title, p.Notes, p.AppliesTo = in.Type, in.Title, in.Notes, in.AppliesTo
	p.Requires, p.Supersedes, p.ConflictsWith = in.Requires, in.Supersedes, in.ConflictsWith
	return p, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Publish offers a draft to customers: it needs a file, and passes the
// graph checks once more (a prerequisite may have been withdrawn meanwhile).
func (s *Service) Publish(ctx context.Context, a *actor.Actor, patchID string) (Patch, error) {
	return s.change(ctx, a, patchID, "patch.publish", func(tx *db.Tx, p *Patch, now time.Time) error {
		if p.Status != Draft {
			return ErrNotDraft
		}
		if len(p.Files) == 0 {
			return ErrNoFiles
		}
		p.Status, p.PublishedAt = Published, &now
		return s.checkGraph(ctx, tx, *p)
	})
}

// maxReasonLen bounds a withdrawal's reason, in characters.
const maxReasonLen = 1000

// Withdraw takes a published patch back: it stays listed with the reason,
// and its files are no longer served.
func (s *Service) Withdraw(ctx context.Context, a *actor.Actor, patchID, reason string) (Patch, error) {
	if err := manage(a); err != nil {
		return Patch{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Patch{}, problem.InvalidField("reason", "field.required")
	case utf8.RuneCountInString(reason) > maxReasonLen || !utf8.ValidString(reason):
		return Patch{}, problem.InvalidField("reason", "field.patch_reason_long")
	}
	return s.change(ctx, a, patchID, "patch.withdraw", func(_ *db.Tx, p *Patch, now time.Time) error {
		if p.Status != Published {
			return ErrNotPublished
		}
		p.Status, p.WithdrawnAt, p.WithdrawnReason = Withdrawn, &now, reason
		return nil
	})
}

// change applies edit to a patch in a transaction and records the change.
func (s *Service) change(ctx context.Context, a *actor.Actor, patchID, action string, edit func(*db.Tx, *Patch, time.Time) error) (Patch, error) {
	if err := manage(a); err != nil {
		return Patch{}, err
	}
	var after Patch
	err := s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, err := s.d.Store.Get(ctx, tx, patchID)
		if err != nil {
			return err
		}
		after = before
		now := s.d.Clock.Now()
		if err := edit(tx, &after, now); err != nil {
			return err
		}
		after.UpdatedAt = now
		if err := s.d.Store.Update(ctx, tx, after); err != nil {
			return err
		}
		return s.record(ctx, tx, action, &before, &after)
	})
	return after, err
}
