package contract

import (
	"context"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
)

// OrgsOnVersion lists the organisations with an active contract on a
// product's version that has not ended by today in Beijing: the customers a
// change to the version's dates concerns (system use, no actor). q lets the
// caller read inside its transaction.
func (s *Service) OrgsOnVersion(ctx context.Context, q db.Querier, product, version string) ([]string, error) {
	return s.d.Store.OrgsOnVersion(ctx, q, product, version, clock.BeijingDate(s.d.Clock.Now()))
}

// OrgsOnVersion lists, by id, the organisations with an active contract on
// the product's version whose end (if any) is on or after today.
func (s *Store) OrgsOnVersion(ctx context.Context, q db.Querier, product, version, today string) ([]string, error) {
	return db.QueryAll(ctx, q, func(row db.Scanner) (string, error) {
		var orgID string
		return orgID, row.Scan(&orgID)
	}, "SELECT DISTINCT org_id FROM contracts WHERE product = ? AND version = ? AND status = ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY org_id",
		product, version, Active, today)
}
