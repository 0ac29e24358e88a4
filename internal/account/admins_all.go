package account

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// AllCustomerAdminIDs returns the ids of every live customer_admin of every
// organisation, for announcements that concern all customers (a catalog
// change): system use, no actor.
func (s *Service) AllCustomerAdminIDs(ctx context.Context) ([]string, error) {
	return s.store.liveIDsWithRole(ctx, actor.CustomerAdmin)
}

// VendorAdminIDs returns the ids of every live vendor_admin, for notices
// only the vendor's administrators act on (a patch file the scrub took out
// of service): system use, no actor.
func (s *Service) VendorAdminIDs(ctx context.Context) ([]string, error) {
	return s.store.liveIDsWithRole(ctx, actor.VendorAdmin)
}

// liveIDsWithRole lists the ids of the users with role who are not deleted.
func (s *Store) liveIDsWithRole(ctx context.Context, role actor.Role) ([]string, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (string, error) {
		var userID string
		return userID, row.Scan(&userID)
	}, "SELECT id FROM users WHERE role = ? AND deleted_at IS NULL ORDER BY id", role)
}
