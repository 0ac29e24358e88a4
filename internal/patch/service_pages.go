package patch

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// OrgPatch returns a published or withdrawn patch of a product the
// organisation has an active contract for, with the contracts whose version
// it applies to (perhaps none), for the portal's patch page. Drafts and
// other products' patches are 404: the portal shows an organisation its own
// products only.
func (s *Service) OrgPatch(ctx context.Context, a *actor.Actor, orgID, patchID string) (OrgPatch, error) {
	if err := s.requireOrg(ctx, a, orgID); err != nil {
		return OrgPatch{}, err
	}
	p, err := s.d.Store.Get(ctx, s.d.Store.DB(), patchID)
	if err != nil {
		return OrgPatch{}, err
	}
	if p.Status == Draft {
		return OrgPatch{}, problem.ErrNotFound
	}
	contracts, err := s.d.Contracts(ctx, orgID)
	if err != nil {
		return OrgPatch{}, err
	}
	applies, _ := ParseAppliesTo(p.AppliesTo)
	out, ours := OrgPatch{Patch: p, Contracts: []OrgContract{}}, false
	for _, c := range contracts {
		if c.Product != p.Product {
			continue
		}
		ours = true
		if applies.Matches(c.Version) {
			out.Contracts = append(out.Contracts, c)
		}
	}
	if !ours {
		return OrgPatch{}, problem.ErrNotFound
	}
	return out, nil
}

// OrgName is the organisation's name as the actor may see it (404
// otherwise), for naming organisations in download statistics.
func (s *Service) OrgName(ctx context.Context, a *actor.Actor, orgID string) (string, error) {
	return s.d.Orgs(ctx, a, orgID)
}
