package account

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
)

// OrgRegion returns an organisation's region, or problem.ErrNotFound: a
// system read for the entitlement engine, which decides who may ask.
func (s *Service) OrgRegion(ctx context.Context, orgID string) (string, error) {
	o, err := s.store.Org(ctx, actor.AllOrgs(), orgID)
	return o.Region, err
}
