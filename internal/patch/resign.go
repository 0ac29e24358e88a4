package patch

import (
	"context"
	"encoding/base64"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/db"
)

// Resign signs every file signed with the retired key again with the current
// key, inside the retirement's transaction tx: a file is signed once, at
// upload, and verifiers refuse a retired key, so without this every older
// file would fail `steward patch verify`. Each file's new key is audited.
func (s *Service) Resign(ctx context.Context, tx *db.Tx, retiredKeyID string) error {
	files, err := s.d.Store.SignedWith(ctx, tx, retiredKeyID)
	if err != nil {
		return err
	}
	for _, f := range files {
		sig, keyID, err := s.d.Sign(f.SHA256, f.Size)
		if err != nil {
			return err
		}
		if err := s.d.Store.SetSignature(ctx, tx, f.patchID, f.Name, base64.StdEncoding.EncodeToString(sig), keyID); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, tx, audit.Entry{Action: "patch.file_resign", TargetType: "patch", TargetID: f.patchID,
			Changes: audit.Diff(audit.Fields{"name": f.Name, "key_id": f.KeyID}, audit.Fields{"name": f.Name, "key_id": keyID})}); err != nil {
			return err
		}
	}
	return nil
}
