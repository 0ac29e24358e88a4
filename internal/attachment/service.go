package attachment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted, in bytes.
const maxIdempotencyKey = 200

// Deps are what the service is built from.
type Deps struct {
	Store   *Store
	Blobs   blob.Store
	Audit   *audit.Recorder
	Access  *audit.Access // the basis check and the data-access log
	Orgs    audit.OrgCheck
	Clock   clock.Clock
	MaxSize int64 // bytes; DefaultMaxSize when zero
}

// Service holds the attachment use cases.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.MaxSize <= 0 {
		d.MaxSize = DefaultMaxSize
	}
	return &Service{d: d}
}

// MaxSize is the largest attachment accepted, in bytes.
func (s *Service) MaxSize() int64 { return s.d.MaxSize }

// TooLarge is the problem for a file over the limit: 413, nothing stored.
func (s *Service) TooLarge() error {
	e := problem.New(http.StatusRequestEntityTooLarge, "attachment.too_large").With("limit", mebibytes(s.d.MaxSize))
	e.Extra = map[string]any{"limit_bytes": s.d.MaxSize}
	return e
}

// RequireInOrg checks that the organisation is visible to the actor (else
// 404), then that the actor holds p (else 403).
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) error {
	if _, err := s.d.Orgs(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}

// Upload is one file to store.
type Upload struct {
	Name           string    // as given; checked by ParseName
	Body           io.Reader // the bytes, read once
	IdempotencyKey string    // optional: a repeat returns the first upload
	OwnerKind      string    // optional: the object the file belongs to ("rescue", …)
	OwnerID        string
}

// Create stores a file of the organisation, uploaded by its own staff or by
// vendor staff on its behalf. A file over the limit is refused with nothing
// stored; a repeated idempotency key returns the first upload unchanged.
func (s *Service) Create(ctx context.Context, a *actor.Actor, orgID string, up Upload) (Attachment, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.AttachFiles); err != nil {
		return Attachment{}, err
	}
	name, err := ParseName(up.Name)
	if err != nil {
		return Attachment{}, err
	}
	if len(up.IdempotencyKey) > maxIdempotencyKey || hasNonPrintable(up.IdempotencyKey) {
		return Attachment{}, problem.InvalidField("Idempotency-Key", "field.idempotency_key")
	}
	if up.IdempotencyKey != "" {
		if first, err := s.d.Store.ByIdempotencyKey(ctx, a.Scope(), orgID, a.UserID, up.IdempotencyKey); err == nil {
			return first, nil
		} else if !errors.Is(err, problem.ErrNotFound) {
			return Attachment{}, err
		}
	}
	now := s.d.Clock.Now()
	att := Attachment{ID: id.New("att", now), OrgID: orgID, Name: name, CreatedBy: a.UserID, CreatedAt: now}
	if up.OwnerKind != "" {
		att.OwnerKind, att.OwnerID = &up.OwnerKind, &up.OwnerID
	}
	sniff := &sniffer{r: &limited{r: up.Body, left: s.d.MaxSize, tooLarge: s.TooLarge()}}
	info, err := s.d.Blobs.Put(ctx, att.ID, sniff)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Attachment{}, s.TooLarge()
		}
		return Attachment{}, err
	}
	att.Size, att.SHA256, att.ContentType = info.Size, info.SHA256, contentType(sniff.head)
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Insert(ctx, tx, att, up.IdempotencyKey); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "attachment.create", TargetType: Kind, TargetID: att.ID,
			Changes: audit.Diff(nil, audit.Fields{"name": att.Name, "size": att.Size, "sha256": att.SHA256})})
	})
	if err != nil {
		if derr := s.d.Blobs.Delete(context.WithoutCancel(ctx), att.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("remove the blob of a failed upload: %w", derr))
		}
		if errors.Is(err, errDuplicate) { // the same key won a race meanwhile
			return s.d.Store.ByIdempotencyKey(ctx, a.Scope(), orgID, a.UserID, up.IdempotencyKey)
		}
		return Attachment{}, err
	}
	return att, nil
}

// List returns the organisation's attachments, newest first (up to limit+1).
// Their metadata is account-like data: vendor staff list it freely.
func (s *Service) List(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]Attachment, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.AttachFiles); err != nil {
		return nil, err
	}
	return s.d.Store.List(ctx, a.Scope(), orgID, before, limit+1)
}

// Get returns an attachment's metadata (not its bytes).
func (s *Service) Get(ctx context.Context, a *actor.Actor, attachmentID string) (Attachment, error) {
	if !a.Can(actor.AttachFiles) {
		return Attachment{}, problem.ErrForbidden
	}
	return s.d.Store.Get(ctx, a.Scope(), attachmentID)
}

// Open returns an attachment's bytes for the actor to read. The
// organisation's own staff read freely; vendor staff need a basis, and the
// read is in the data-access log before Open returns. Without a basis the
// error is audit.ErrNoBasis, with the attachment (for the page that says how
// to get one).
func (s *Service) Open(ctx context.Context, a *actor.Actor, attachmentID string) (Attachment, io.ReadSeekCloser, error) {
	att, err := s.d.Store.Get(ctx, a.Scope(), attachmentID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if !a.Can(actor.ReadBusinessData) {
		return att, nil, problem.ErrForbidden
	}
	body, _, err := s.d.Blobs.Open(ctx, att.ID)
	if err != nil {
		return att, nil, fmt.Errorf("attachment %s: %w", att.ID, err)
	}
	ownerKind, ownerID := att.owner()
	if _, err := s.d.Access.Authorize(ctx, a, audit.Object{OrgID: att.OrgID, Kind: Kind, ID: att.ID, Label: att.Name, Scope: Scope,
		OwnerKind: ownerKind, OwnerID: ownerID}); err != nil {
		body.Close()
		return att, nil, err
	}
	return att, body, nil
}

func hasNonPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return true
		}
	}
	return false
}

func mebibytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// limited passes on at most left bytes; one byte more is tooLarge.
type limited struct {
	r        io.Reader
	left     int64
	tooLarge error
}

func (l *limited) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if l.left -= int64(n); l.left < 0 {
		return n, l.tooLarge
	}
	return n, err
}

// sniffer keeps the first bytes that pass through it, for the content type.
type sniffer struct {
	r    io.Reader
	head []byte
}

func (s *sniffer) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if room := sniffLen - len(s.head); room > 0 {
		s.head = append(s.head, p[:min(n, room)]...)
	}
	return n, err
}
