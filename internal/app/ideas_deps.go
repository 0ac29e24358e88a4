package app

import (
	"context"
	"errors"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/ideas"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// ideaShipments finds where a shipped idea can be had: a published patch of
// its product (the patch room) or a version on the lifecycle table.
type ideaShipments struct {
	patches  *patch.Service
	products *lifecycle.Service
}

// PatchPublished reports whether the product has a published patch of that
// number; a withdrawn one, a draft and an unknown product have none.
func (s ideaShipments) PatchPublished(ctx context.Context, product, number string) (bool, error) {
	p, err := s.patches.ReleasedPatch(ctx, product, number)
	if errors.Is(err, problem.ErrNotFound) {
		return false, nil
	}
	return err == nil && p.Status == patch.Published, err
}

// VersionExists reports whether the product has a version of that name.
func (s ideaShipments) VersionExists(ctx context.Context, product, name string) (bool, error) {
	_, ok, err := s.products.Version(ctx, product, name)
	return ok, err
}

// ideaCustomers describes the organisations wanting ideas to product
// managers: names from the accounts, contracts in force from the contract
// room (system reads: the service has checked who asks).
type ideaCustomers struct {
	orgs      *account.Store
	contracts *contract.Service
}

// Describe gives each organisation's name and its contracts in force on day;
// an organisation deleted since has no name.
func (c ideaCustomers) Describe(ctx context.Context, orgIDs []string, day string) (map[string]ideas.OrgDemand, error) {
	out := make(map[string]ideas.OrgDemand, len(orgIDs))
	for _, orgID := range orgIDs {
		o, err := c.orgs.Org(ctx, actor.AllOrgs(), orgID)
		if err != nil && !errors.Is(err, problem.ErrNotFound) {
			return nil, err
		}
		out[orgID] = ideas.OrgDemand{OrgID: orgID, OrgName: o.Name, Contracts: []ideas.Contract{}}
	}
	inForce, err := c.contracts.InForce(ctx, orgIDs, day)
	for _, k := range inForce {
		d := out[k.OrgID]
		d.Contracts = append(d.Contracts, ideas.Contract{ID: k.ID, Reference: k.Reference, Product: k.Product, Deployment: k.Deployment, Version: k.Version})
		out[k.OrgID] = d
	}
	return out, err
}

// WithDeployment lists the organisations with a contract of that deployment
// kind in force on day.
func (c ideaCustomers) WithDeployment(ctx context.Context, deployment, day string) ([]string, error) {
	return c.contracts.OrgsWithDeployment(ctx, deployment, day)
}
