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
	return s.store.CustomerAdminIDs(ctx)
}

// CustomerAdminIDs lists the ids of every live customer_admin.
func (s *Store) CustomerAdminIDs(ctx context.Context) ([]string, error) {
	return db.QueryAll(ctx, s.db, func(row db.Scanner) (string, error) {
		var userID string
		return userID, row.Scan(&userID)
	}, "SELECT id FROM users WHERE role = ? AND org_id IS NOT NULL AND deleted_at IS NULL ORDER BY id", actor.CustomerAdmin)
}
