package account

import (
	"context"
	"errors"
	"steward.dev/steward/internal/audit"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Require returns role.forbidden unless the actor holds p. Handlers call it
// before reading the body: authorisation comes before validation.
func Require(a *actor.Actor, p actor.Permission) error {
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}

// RequireInOrg checks that the organisation exists and is visible to the actor
// (else 404, so another organisation's things look absent), then that the
// actor holds p there (else 403).
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) (Org, error) {
	org, err := s.store.Org(ctx, a.Scope(), orgID)
	if err != nil {
		return Org{}, err
	}
	return org, Require(a, p)
}

// CreateOrg creates a customer organisation.
func (s *Service) CreateOrg(ctx context.Context, a *actor.Actor, in OrgInput) (Org, error) {
	if err := Require(a, actor.CreateOrgs); err != nil {
		return Org{}, err
	}
	if err := in.normalize(); err != nil {
		return Org{}, err
	}
	now := s.clock.Now()
	o := Org{ID: id.New("org", now), Name: in.Name, Region: in.Region, CreatedAt: now, UpdatedAt: now}
	return o, s.insertOrg(ctx, o)
}

func (s *Service) insertOrg(ctx context.Context, o Org) error {
	return s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertOrg(ctx, tx, o); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: o.ID, Action: "org.create", TargetType: "org", TargetID: o.ID,
			Changes: audit.Diff(nil, o.auditFields())})
	})
}

// Org returns one organisation the actor may see.
func (s *Service) Org(ctx context.Context, a *actor.Actor, orgID string) (Org, error) {
	return s.store.Org(ctx, a.Scope(), orgID)
}

// Orgs lists the organisations the actor may see: all for vendor staff, its
// own for a customer. It returns up to limit+1 rows so the caller can tell
// whether another page follows.
func (s *Service) Orgs(ctx context.Context, a *actor.Actor, after string, limit int) ([]Org, error) {
	return s.store.Orgs(ctx, a.Scope(), after, limit+1)
}

// OrgUsers lists an organisation's users (up to limit+1).
func (s *Service) OrgUsers(ctx context.Context, a *actor.Actor, orgID, after string, limit int) ([]User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ReadOrgUsers); err != nil {
		return nil, err
	}
	return s.store.OrgUsers(ctx, a.Scope(), orgID, after, limit+1)
}

// OrgUser returns one user of an organisation.
func (s *Service) OrgUser(ctx context.Context, a *actor.Actor, orgID, userID string) (User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ReadOrgUsers); err != nil {
		return User{}, err
	}
	return s.store.OrgUser(ctx, s.store.DB(), a.Scope(), orgID, userID)
}

// CreateOrgUser adds a customer user to an organisation.
func (s *Service) CreateOrgUser(ctx context.Context, a *actor.Actor, orgID string, in UserInput) (User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return User{}, err
	}
	return s.createUser(ctx, orgID, in)
}

// CreateStaff adds a vendor staff account.
func (s *Service) CreateStaff(ctx context.Context, a *actor.Actor, in UserInput) (User, error) {
	if err := Require(a, actor.ManageStaff); err != nil {
		return User{}, err
	}
	return s.createUser(ctx, "", in)
}

// Staff lists the vendor staff (up to limit+1).
func (s *Service) Staff(ctx context.Context, a *actor.Actor, after string, limit int) ([]User, error) {
	if err := Require(a, actor.ManageStaff); err != nil {
		return nil, err
	}
	return s.store.Staff(ctx, after, limit+1)
}

// CreateUser adds a user without an acting person: the command line and
// start-up use it. orgID is empty for vendor staff.
func (s *Service) CreateUser(ctx context.Context, orgID string, in UserInput) (User, error) {
	if orgID != "" {
		if _, err := s.store.Org(ctx, actor.AllOrgs(), orgID); err != nil {
			return User{}, problem.InvalidField("org", "field.org_unknown")
		}
	}
	return s.createUser(ctx, orgID, in)
}

func (s *Service) createUser(ctx context.Context, orgID string, in UserInput) (User, error) {
	if err := in.normalize(orgID != ""); err != nil {
		return User{}, err
	}
	now := s.clock.Now()
	u := User{ID: id.New("usr", now), OrgID: orgID, Email: in.Email, Name: in.Name, Role: in.Role, Locale: in.Locale,
		CreatedAt: now, UpdatedAt: now, passwordHash: s.hasher.Hash(in.Password)}
	return u, s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertUser(ctx, tx, u); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{OrgID: orgID, Action: "user.create", TargetType: "user", TargetID: u.ID,
			Changes: audit.Diff(nil, u.auditFields())})
	})
}

// UpdateOrgUser changes a customer user's name, role, language or password.
// An organisation always keeps at least one customer_admin.
func (s *Service) UpdateOrgUser(ctx context.Context, a *actor.Actor, orgID, userID string, p UserPatch) (User, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageOrgUsers); err != nil {
		return User{}, err
	}
	defer s.cache.forget(userID)
	var out User
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		u, err := s.store.OrgUser(ctx, tx, a.Scope(), orgID, userID)
		if err != nil {
			return err
		}
		if err := p.normalize(u.Email); err != nil {
			return err
		}
		if u.Role == actor.CustomerAdmin && p.Role != nil && *p.Role != actor.CustomerAdmin {
			if err := s.keepAnAdmin(ctx, tx, orgID); err != nil {
				return err
			}
		}
		keep := ""
		if u.ID == a.UserID {
			keep = a.TokenID
		}
		out, err = s.applyPatch(ctx, tx, u, p, keep)
		return err
	})
	return out, err
}

func (s *Service) keepAnAdmin(ctx context.Context, tx *db.Tx, orgID string) error {
	n, err := s.store.CountOrgAdmins(ctx, tx, orgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// HasUsers reports whether any account exists yet.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	return n > 0, err
}

// EnsureUser creates the user unless a live user has the email; an existing
// account (and its password) is left alone. It reports whether it created one.
func (s *Service) EnsureUser(ctx context.Context, orgID string, in UserInput) (bool, error) {
	_, err := s.store.UserByEmail(ctx, in.Email)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, problem.ErrNotFound) {
		return false, err
	}
	_, err = s.CreateUser(ctx, orgID, in)
	return err == nil, err
}

// EnsureOrg creates an organisation with a fixed id unless it exists (demo data).
func (s *Service) EnsureOrg(ctx context.Context, orgID string, in OrgInput) error {
	if _, err := s.store.Org(ctx, actor.AllOrgs(), orgID); err == nil {
		return nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	if err := in.normalize(); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.insertOrg(ctx, Org{ID: orgID, Name: in.Name, Region: in.Region, CreatedAt: now, UpdatedAt: now})
}
