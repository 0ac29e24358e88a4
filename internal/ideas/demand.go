package ideas

import (
	"cmp"
	"context"
	"slices"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
)

// Demand tells product managers who wants an idea: the customer
// organisations among its author and voters, how many of each voted, and
// their contracts in force today in Beijing; the most voters first.
func (s *Service) Demand(ctx context.Context, a *actor.Actor, ideaID string) (Demand, error) {
	if err := s.CanManage(a); err != nil {
		return Demand{}, err
	}
	it, err := s.Store.Idea(ctx, s.Store.DB(), ideaID)
	if err != nil {
		return Demand{}, err
	}
	if it.MergedInto != "" {
		return Demand{}, errMerged(it.MergedInto)
	}
	wanting, err := s.Store.Wanting(ctx, []string{ideaID})
	if err != nil {
		return Demand{}, err
	}
	orgIDs := make([]string, len(wanting))
	for i, w := range wanting {
		orgIDs[i] = w.OrgID
	}
	described, err := s.deps.Customers.Describe(ctx, orgIDs, clock.BeijingDate(s.Clock.Now()))
	if err != nil {
		return Demand{}, err
	}
	d := Demand{IdeaID: ideaID, Orgs: len(wanting), Wanted: make([]OrgDemand, len(wanting))}
	for i, w := range wanting {
		o := described[w.OrgID]
		if o.Contracts == nil {
			o.Contracts = []Contract{}
		}
		d.Wanted[i] = OrgDemand{OrgID: w.OrgID, OrgName: cmp.Or(o.OrgName, w.OrgID), Voters: w.Voters, Contracts: o.Contracts}
	}
	slices.SortFunc(d.Wanted, func(x, y OrgDemand) int {
		return cmp.Or(cmp.Compare(y.Voters, x.Voters), cmp.Compare(x.OrgName, y.OrgName), cmp.Compare(x.OrgID, y.OrgID))
	})
	return d, nil
}

// DemandCounts says how many customer organisations want each of the ideas
// (their authors' and voters'), in one query; an idea nobody outside the
// vendor wants is absent (0).
func (s *Service) DemandCounts(ctx context.Context, a *actor.Actor, ideaIDs []string) (map[string]int, error) {
	if err := s.CanManage(a); err != nil {
		return nil, err
	}
	wanting, err := s.Store.Wanting(ctx, ideaIDs)
	counts := map[string]int{}
	for _, w := range wanting {
		counts[w.IdeaID]++
	}
	return counts, err
}
