package hotline

import (
	"context"
	"database/sql"
	"errors"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// Find returns a rescue by its id alone, for the console: its links (in the
// queue, in e-mails and notices: ConsolePath) name no organisation. Only
// vendor staff find rescues this way; customers read their own through Get.
func (s *Service) Find(ctx context.Context, a *actor.Actor, rescueID string) (Rescue, error) {
	if a == nil {
		return Rescue{}, problem.ErrUnauthenticated
	}
	if !a.IsVendor() {
		return Rescue{}, problem.ErrNotFound
	}
	orgID, err := s.d.Store.OrgOf(ctx, rescueID)
	if err != nil {
		return Rescue{}, err
	}
	return s.Get(ctx, a, orgID, rescueID)
}

// OrgOf returns the organisation of a rescue, or problem.ErrNotFound.
func (s *Store) OrgOf(ctx context.Context, rescueID string) (string, error) {
	var orgID string
	err := s.db.QueryRow(ctx, "SELECT org_id FROM rescues WHERE id = ?", rescueID).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", problem.ErrNotFound
	}
	return orgID, err
}
