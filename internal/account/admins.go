package account

import (
	"context"

	"steward.dev/steward/internal/platform/actor"
)

// OrgAdminIDs returns the ids of an organisation's live customer_admins, for
// rooms that tell them something through the notice inbox (system use: no
// actor, every organisation).
func (s *Service) OrgAdminIDs(ctx context.Context, orgID string) ([]string, error) {
	var ids []string
	after := ""
	for {
		users, err := s.store.OrgUsers(ctx, actor.AllOrgs(), orgID, after, 200)
		if err != nil || len(users) == 0 {
			return ids, err
		}
		for _, u := range users {
			if u.Role == actor.CustomerAdmin {
				ids = append(ids, u.ID)
			}
		}
		after = users[len(users)-1].ID
	}
}
