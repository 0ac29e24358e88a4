package patch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/i18n"
)

// One scrub run re-hashes at most this many contents or, once past it,
// this many bytes, those checked longest ago first: a daily run reads a
// bounded amount, and every file comes round again.
const (
	scrubContents = 200
	scrubBytes    = 16 << 30
)

// ScrubResult says what a scrub run did.
type ScrubResult struct {
	Checked     int   // contents that still match
	Quarantined int   // contents taken out of service
	Bytes       int64 // bytes read
}

// Scrub re-hashes stored files. Content whose bytes no longer match its
// SHA-256 and size (or are gone) is quarantined: every file with it stops
// being served, and the vendor_admins get a notice. Downloads stay
// zero-copy because this check runs apart from them.
func (s *Service) Scrub(ctx context.Context) (ScrubResult, error) {
	var res ScrubResult
	due, err := s.d.Store.DueForScrub(ctx, scrubContents)
	if err != nil {
		return res, err
	}
	for _, c := range due {
		if res.Bytes >= scrubBytes {
			break
		}
		ok, err := s.matches(ctx, c)
		if err != nil {
			return res, err
		}
		res.Bytes += c.Size
		if ok {
			res.Checked++
			err = s.d.Store.Checked(ctx, c.SHA256, s.d.Clock.Now())
		} else {
			res.Quarantined++
			err = s.quarantine(ctx, c.SHA256)
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// matches reports whether the stored bytes of c still have its SHA-256 and
// size; missing bytes do not.
func (s *Service) matches(ctx context.Context, c File) (bool, error) {
	body, _, err := s.d.Blobs.Open(ctx, c.SHA256)
	if errors.Is(err, blob.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer body.Close()
	h := sha256.New()
	n, err := io.Copy(h, body)
	if err != nil {
		return false, err
	}
	return n == c.Size && hex.EncodeToString(h.Sum(nil)) == c.SHA256, nil
}

func (s *Service) quarantine(ctx context.Context, sha string) error {
	admins, err := s.d.VendorAdmins(ctx)
	if err != nil {
		return err
	}
	return s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		files, err := s.d.Store.Quarantine(ctx, tx, sha, s.d.Clock.Now())
		if err != nil || len(files) == 0 {
			return err
		}
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Product + " " + f.Number + " " + f.Name
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{Action: "patch.file_quarantine", TargetType: "patch_content", TargetID: sha,
			Changes: audit.Diff(audit.Fields{"status": FileAvailable}, audit.Fields{"status": FileQuarantined, "files": names})}); err != nil {
			return err
		}
		args := map[string]any{"files": strings.Join(names, ", "), "sha256": sha}
		text := func(key string) notice.Text {
			return notice.Text{Zh: i18n.T(i18n.Chinese, key, args), En: i18n.T(i18n.English, key, args)}
		}
		return s.d.Notices.Post(ctx, tx, admins, notice.Message{Title: text("patch.quarantine.title"), Body: text("patch.quarantine.body"),
			Link: ConsolePath(files[0].PatchID)})
	})
}
