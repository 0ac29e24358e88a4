package account

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
)

// StaffByIDs returns the live vendor staff among ids (customer staff, deleted
// and unknown ids are left out), ordered by id: system use, no actor. The
// on-call rota checks its members with it and the escalation engine reads
// whom to e-mail, in which language. q is the caller's transaction when it
// has one, so a burst of reports never needs a second connection each.
func (s *Service) StaffByIDs(ctx context.Context, q db.Querier, ids []string) ([]User, error) {
	return s.store.liveStaff(ctx, q, ids)
}

// StaffIDsWithRole returns the ids of the live vendor staff holding role (an
// escalation level that pages "every vendor_admin"): system use, no actor.
func (s *Service) StaffIDsWithRole(ctx context.Context, q db.Querier, role actor.Role) ([]string, error) {
	if !role.IsVendor() {
		return nil, nil
	}
	return s.store.liveIDsWithRole(ctx, q, role)
}

// LiveStaff lists every live vendor staff member by name: the people the
// rota editor offers (engineers read it too, who may not manage staff).
func (s *Service) LiveStaff(ctx context.Context) ([]User, error) {
	return s.store.allLiveStaff(ctx)
}
