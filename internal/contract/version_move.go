package contract

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// MoveVersion moves an active contract to another version of its product
// inside the caller's transaction, with its audit record (a license upgrade
// moves the contract along with the license). The caller checks the version
// and calls VersionMoved once the transaction has committed.
func (s *Service) MoveVersion(ctx context.Context, tx *db.Tx, orgID, contractID, version string) error {
	before, err := s.d.Store.Get(ctx, tx, actor.AllOrgs(), orgID, contractID)
	if err != nil {
		return err
	}
	if before.Status == Terminated {
		return ErrTerminated
	}
	if before.Version == version {
		return nil
	}
	after := before
	after.Version, after.UpdatedAt = version, s.d.Clock.Now()
	if err := s.d.Store.Update(ctx, tx, after); err != nil {
		return err
	}
	return s.record(ctx, tx, "contract.move_version", before, after)
}

// VersionMoved tells OnChange (the entitlement engine) about a committed
// MoveVersion.
func (s *Service) VersionMoved(orgID string) { s.changed(orgID, nil) }
