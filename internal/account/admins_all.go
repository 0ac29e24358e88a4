package account

import (
	"context"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// AllCustomerAdminIDs returns the ids of every live customer_admin of every
// organisation, for announcements that concern all customers (a catalog
// change): system use, no actor.
func (s *Service) AllCustomerAdminIDs(ctx context.Context) ([]string, error) {
	return s.store.liveIDsWithRole(ctx, s.store.db, actor.CustomerAdmin)
}

// VendorAdminIDs returns the ids of every live vendor_admin, for notices
// only the vendor's administrators act on (a patch file the scrub took out
// of service): system use, no actor.
func (s *Service) VendorAdminIDs(ctx context.Context) ([]string, error) {
	return s.store.liveIDsWithRole(ctx, s.store.db, actor.VendorAdmin)
}

// liveIDsWithRole lists the ids of the users with role who are not deleted.
func (s *Store) liveIDsWithRole(ctx context.Context, q db.Querier, role actor.Role) ([]string, error) {
	return db.QueryAll(ctx, q, func(row db.Scanner) (string, error) {
		var userID string
		return userID, row.Scan(&userID)
	}, "SELECT id FROM users WHERE role = ? AND deleted_at IS NULL ORDER BY id", role)
}

// liveStaff lists the live vendor staff among ids, ordered by id.
func (s *Store) liveStaff(ctx context.Context, q db.Querier, ids []string) ([]User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, v := range ids {
		args[i] = v
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	return queryUsers(ctx, q, "SELECT "+userColumns+" FROM users WHERE org_id IS NULL AND deleted_at IS NULL AND id IN ("+marks+") ORDER BY id", args...)
}

// allLiveStaff lists every live vendor staff member by name.
func (s *Store) allLiveStaff(ctx context.Context) ([]User, error) {
	return queryUsers(ctx, s.db, "SELECT "+userColumns+" FROM users WHERE org_id IS NULL AND deleted_at IS NULL ORDER BY name, id")
}
