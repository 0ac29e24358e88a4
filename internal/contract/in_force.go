package contract

import (
	"context"
	"strings"

	"steward.dev/steward/internal/platform/db"
)

// inForce is the condition of an active contract covering a Beijing day
// (the day's date is the argument): started on or before it and, unless
// perpetual, ending on or after it.
const inForce = "status = 'active' AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)"

// InForce lists the contracts of the organisations named that are in force
// on day (YYYY-MM-DD, Beijing), by organisation then age: a system read for
// product managers' view of who wants an idea.
func (s *Service) InForce(ctx context.Context, orgIDs []string, day string) ([]Contract, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(orgIDs)+2)
	for _, o := range orgIDs {
		args = append(args, o)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(orgIDs)), ", ")
	return db.QueryAll(ctx, s.d.Store.DB(), scan, "SELECT "+columns+" FROM contracts WHERE org_id IN ("+marks+") AND "+inForce+
		" ORDER BY org_id, created_at, id", append(args, day, day)...)
}

// OrgsWithDeployment lists, by id, the organisations holding a contract of
// the deployment kind in force on day (YYYY-MM-DD, Beijing).
func (s *Service) OrgsWithDeployment(ctx context.Context, deployment, day string) ([]string, error) {
	return db.QueryAll(ctx, s.d.Store.DB(), func(row db.Scanner) (string, error) {
		var orgID string
		return orgID, row.Scan(&orgID)
	}, "SELECT DISTINCT org_id FROM contracts WHERE deployment = ? AND "+inForce+" ORDER BY org_id", deployment, day, day)
}
