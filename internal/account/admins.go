package account

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
)

// OrgAdminIDs returns the ids of an organisation's live customer_admins, for
// rooms that tell them something through the notice inbox (system use: no
// actor, every organisation).
func (s *Service) OrgAdminIDs(ctx context.Context, orgID string) ([]string, error) {
	people, err := s.OrgPeople(ctx, orgID)
	var ids []string
	for _, u := range people {
		if u.Role == actor.CustomerAdmin {
			ids = append(ids, u.ID)
		}
	}
	return ids, err
}

// OrgPeople returns an organisation's live users, ordered by id, for rooms
// that e-mail them (system use: no actor, every organisation).
func (s *Service) OrgPeople(ctx context.Context, orgID string) ([]User, error) {
	var out []User
	after := ""
	for {
		users, err := s.store.OrgUsers(ctx, actor.AllOrgs(), orgID, after, 200)
		if err != nil || len(users) == 0 {
			return out, err
		}
		out = append(out, users...)
		after = users[len(users)-1].ID
	}
}
