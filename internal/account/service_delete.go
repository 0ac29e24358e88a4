package account

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// ErrRestoreExpired answers a restore after the window closed.
var ErrRestoreExpired = problem.New(http.StatusConflict, "user.restore_expired")

const deleteUserAction = "user.delete"

// DeletionImpact is what deleting a user loses, shown before it happens.
type DeletionImpact struct {
	Object          string    `json:"object"`
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Email           string    `json:"email"`
	Role            string    `json:"role"`
	Sessions        int       `json:"sessions"`
	APITokens       int       `json:"api_tokens"`
	RestorableUntil time.Time `json:"restorable_until"`
	RestoreDays     int       `json:"restore_days"`
}

// Deletion is the result of a confirmed delete.
type Deletion struct {
	ID              string    `json:"id"`
	DeletedAt       time.Time `json:"deleted_at"`
	RestorableUntil time.Time `json:"restorable_until"`
}

// DeleteOrgUser removes a customer user in two steps: without a token it
// answers 428 with the impact and a token; with the token it deletes. The user's
// sessions and tokens end at once; the account can be restored within the
// window. Nobody deletes themselves, and the last customer_admin stays.
func (s *Service) DeleteOrgUser(ctx context.Context, a *actor.Actor, orgID, userID, token string) (Deletion, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return Deletion{}, err
	}
	defer s.cache.forget(userID)
	var out Deletion
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.OrgUser(ctx, tx, a.Scope(), orgID, userID)
		if err != nil {
			return err
		}
		if u.ID == a.UserID {
			return ErrSelfDelete
		}
		if u.Role == actor.CustomerAdmin {
			if err := s.keepAnAdmin(ctx, tx, orgID); err != nil {
				return err
			}
		}
		if token == "" {
			impact, err := s.deletionImpact(ctx, tx, u)
			if err != nil {
				return err
			}
			return s.confirm.Required(deleteUserAction, u.ID, impact)
		}
		if err := s.confirm.Check(token, deleteUserAction, u.ID); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := s.store.SoftDeleteUser(ctx, tx, u.ID, now); err != nil {
			return err
		}
		out = Deletion{ID: u.ID, DeletedAt: now, RestorableUntil: now.Add(s.restoreWindow)}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: deleteUserAction, TargetType: "user", TargetID: u.ID,
			Changes: audit.Diff(u.auditFields(), nil)})
	})
	return out, err
}

// DeletionImpact describes what deleting a user would lose, for the page
// that asks the person to confirm.
func (s *Service) DeletionImpact(ctx context.Context, a *actor.Actor, orgID, userID string) (DeletionImpact, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return DeletionImpact{}, err
	}
	u, err := s.store.OrgUser(ctx, s.store.DB(), a.Scope(), orgID, userID)
	if err != nil {
		return DeletionImpact{}, err
	}
	return s.deletionImpact(ctx, s.store.DB(), u)
}

// ConfirmToken issues the token the confirmation page submits.
func (s *Service) ConfirmToken(userID string) string {
	token, _ := s.confirm.Issue(deleteUserAction, userID)
	return token
}

func (s *Service) deletionImpact(ctx context.Context, q db.Querier, u User) (DeletionImpact, error) {
	sessions, apiTokens, err := s.store.CountUserTokens(ctx, q, u.ID)
	if err != nil {
		return DeletionImpact{}, err
	}
	return DeletionImpact{Object: "user", ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role),
		Sessions: sessions, APITokens: apiTokens, RestorableUntil: s.clock.Now().Add(s.restoreWindow),
		RestoreDays: int(s.restoreWindow / (24 * time.Hour))}, nil
}

// DeletedOrgUsers lists an organisation's users that can still be restored.
func (s *Service) DeletedOrgUsers(ctx context.Context, a *actor.Actor, orgID string) ([]User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return nil, err
	}
	users, err := s.store.DeletedOrgUsers(ctx, a.Scope(), orgID, s.clock.Now().Add(-s.restoreWindow))
	for i := range users {
		until := users[i].DeletedAt.Add(s.restoreWindow)
		users[i].RestorableUntil = &until
	}
	return users, err
}

// RestoreOrgUser brings a deleted user back within the window; they log in
// with their old password (their sessions stay ended).
func (s *Service) RestoreOrgUser(ctx context.Context, a *actor.Actor, orgID, userID string) (User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return User{}, err
	}
	var out User
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.DeletedOrgUser(ctx, tx, a.Scope(), orgID, userID)
		if err != nil {
			return err
		}
		if s.clock.Now().After(u.DeletedAt.Add(s.restoreWindow)) {
			return ErrRestoreExpired
		}
		if err := s.store.RestoreUser(ctx, tx, u.ID, s.clock.Now()); err != nil {
			return err
		}
		u.DeletedAt = nil
		out = u
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "user.restore", TargetType: "user", TargetID: u.ID,
			Changes: audit.Diff(nil, u.auditFields())})
	})
	return out, err
}

// PurgeDeleted removes for good the users deleted longer ago than the
// window; the purge job runs it. It returns how many went.
func (s *Service) PurgeDeleted(ctx context.Context) (int, error) {
	users, err := s.store.UsersDeletedBefore(ctx, s.clock.Now().Add(-s.restoreWindow))
	if err != nil {
		return 0, err
	}
	for i, u := range users {
		err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
			if err := s.store.PurgeUser(ctx, tx, u.ID); err != nil {
				return err
			}
			return s.audit.Record(ctx, tx, audit.Entry{OrgID: u.OrgID, Action: "user.purge", TargetType: "user", TargetID: u.ID})
		})
		s.cache.forget(u.ID)
		if err != nil {
			return i, fmt.Errorf("purge %s: %w", u.ID, err)
		}
	}
	return len(users), nil
}
