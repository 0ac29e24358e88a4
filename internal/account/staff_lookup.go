package account

import (
	"context"
	"strings"

	"steward.dev/steward/internal/platform/actor"
)

// StaffByIDs returns the live vendor staff among ids (customer staff, deleted
// and unknown ids are left out), ordered by id: system use, no actor. The
// on-call rota checks its members with it and the escalation engine reads
// whom to e-mail, in which language.
func (s *Service) StaffByIDs(ctx context.Context, ids []string) ([]User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, v := range ids {
		args[i] = v
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	return queryUsers(ctx, s.store.db, "SELECT "+userColumns+" FROM users WHERE org_id IS NULL AND deleted_at IS NULL AND id IN ("+marks+") ORDER BY id", args...)
}

// StaffIDsWithRole returns the ids of the live vendor staff holding role (an
// escalation level that pages "every vendor_admin"): system use, no actor.
func (s *Service) StaffIDsWithRole(ctx context.Context, role actor.Role) ([]string, error) {
	if !role.IsVendor() {
		return nil, nil
	}
	return s.store.liveIDsWithRole(ctx, role)
}

// LiveStaff lists every live vendor staff member by name: the people the
// rota editor offers (engineers read it too, who may not manage staff).
func (s *Service) LiveStaff(ctx context.Context) ([]User, error) {
	return queryUsers(ctx, s.store.db, "SELECT "+userColumns+" FROM users WHERE org_id IS NULL AND deleted_at IS NULL ORDER BY name, id")
}
