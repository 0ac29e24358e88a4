package patch

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// ErrLengthRequired answers an upload without Content-Length: the size
// limit is checked before a byte is stored, and a client that cannot say
// the size cannot resume either.
var ErrLengthRequired = problem.New(http.StatusLengthRequired, "patch.length_required")

// Upload is one file's bytes for a draft.
type Upload struct {
	Name     string
	Body     io.Reader
	Size     int64  // the announced length; negative when unknown
	Checksum string // optional SHA-256 the bytes must have: hex, or base64 as S3 sends it
}

// PutFile stores a file of a draft under its name, replacing a file of the
// same name. The bytes stream into the blob store while they are hashed;
// a body over the limit or with another checksum leaves nothing behind.
// The vendor's key signs the file's statement, stored with the row.
func (s *Service) PutFile(ctx context.Context, a *actor.Actor, patchID string, up Upload) (File, error) {
	if err := manage(a); err != nil {
		return File{}, err
	}
	p, err := s.d.Store.Get(ctx, s.d.Store.DB(), patchID)
	if err != nil {
		return File{}, err
	}
	if p.Status != Draft {
		return File{}, ErrNotDraft
	}
	name, err := ParseFileName(up.Name)
	if err != nil {
		return File{}, err
	}
	want, err := parseChecksum(up.Checksum)
	switch {
	case err != nil:
		return File{}, err
	case up.Size < 0:
		return File{}, ErrLengthRequired
	case up.Size > s.d.MaxFileSize:
		return File{}, s.TooLarge()
	}
	info, err := s.d.Blobs.PutContent(ctx, up.Body, want)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, blob.ErrChecksum):
		return File{}, ErrChecksum
	case errors.As(err, &tooBig):
		return File{}, s.TooLarge()
	case err != nil:
		return File{}, err
	}
	sig, keyID, err := s.d.Sign(info.SHA256, info.Size)
	if err != nil {
		return File{}, errors.Join(err, s.dropUnreferenced(ctx, info.SHA256))
	}
	f := File{Name: name, Size: info.Size, SHA256: info.SHA256, Signature: base64.StdEncoding.EncodeToString(sig), KeyID: keyID,
		Status: FileAvailable, CreatedAt: s.d.Clock.Now()}
	var replaced File
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		p, err := s.d.Store.Get(ctx, tx, patchID)
		if err != nil {
			return err
		}
		if p.Status != Draft { // published while the bytes streamed in
			return ErrNotDraft
		}
		replaced, _ = p.File(name)
		if err := s.d.Store.PutFile(ctx, tx, p.ID, f); err != nil {
			return err
		}
		p.UpdatedAt = f.CreatedAt
		if err := s.d.Store.Update(ctx, tx, p); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, tx, audit.Entry{Action: "patch.file_put", TargetType: "patch", TargetID: p.ID,
			Changes: audit.Diff(fileFields(replaced), fileFields(f))})
	})
	if err != nil {
		return File{}, errors.Join(err, s.dropUnreferenced(ctx, info.SHA256))
	}
	if replaced.SHA256 != "" && replaced.SHA256 != f.SHA256 {
		if err := s.dropUnreferenced(ctx, replaced.SHA256); err != nil {
			return f, err
		}
	}
	return f, nil
}

func fileFields(f File) audit.Fields {
	if f.Name == "" {
		return nil
	}
	return audit.Fields{"name": f.Name, "size": f.Size, "sha256": f.SHA256, "key_id": f.KeyID}
}

// dropUnreferenced deletes stored content that no file row names any more
// (a failed upload, a replaced file). Content is shared by every file with
// the same bytes, so it goes only once the last reference has.
func (s *Service) dropUnreferenced(ctx context.Context, sha string) error {
	ctx = context.WithoutCancel(ctx)
	n, err := s.d.Store.References(ctx, s.d.Store.DB(), sha)
	if err != nil || n > 0 {
		return err
	}
	return s.d.Blobs.Delete(ctx, sha)
}

// parseChecksum reads an X-Checksum-Sha256 value: 64 hex digits, or the
// base64 of the 32 bytes (what S3 clients send). It returns lower-case hex.
func parseChecksum(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) == 64 {
		if raw, err := hex.DecodeString(s); err == nil {
			return hex.EncodeToString(raw), nil
		}
	}
	if raw, err := base64.StdEncoding.Strict().DecodeString(s); err == nil && len(raw) == 32 {
		return hex.EncodeToString(raw), nil
	}
	return "", problem.InvalidField("X-Checksum-Sha256", "field.checksum")
}
