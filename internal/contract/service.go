package contract

import (
	"context"
	"errors"
	"net/http"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// ErrTerminated refuses to change a terminated contract.
var ErrTerminated = problem.New(http.StatusConflict, "contract.terminated")

// Items tells which codes name items of the catalog in effect at an instant.
type Items func(ctx context.Context, at time.Time) (func(code string) bool, error)

// Deps are what the service needs.
type Deps struct {
	Store    *Store
	Audit    *audit.Recorder
	Clock    clock.Clock
	Products *lifecycle.Service
	Items    Items
	Orgs     audit.OrgCheck // the organisation exists and the actor may see it
}

// Service holds the contract use cases. Vendor staff with ManageContracts
// (agent, vendor_admin) create and change contracts; the organisation's own
// staff and vendor staff read them.
type Service struct {
	d Deps
	// OnChange, when set, is called with the organisation after every
	// committed change to one of its contracts (the entitlement engine's
	// cache forgets it). Set it before serving.
	OnChange func(orgID string)
}

// NewService returns the contract service.
func NewService(d Deps) *Service { return &Service{d: d} }

// RequireInOrg checks that the organisation exists and the actor may see it
// (else 404), then that the actor holds p (else 403 role.forbidden).
// Handlers call it before reading a body.
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) (string, error) {
	name, err := s.d.Orgs(ctx, a, orgID)
	if err != nil {
		return "", err
	}
	if !a.Can(p) {
		return "", problem.ErrForbidden
	}
	return name, nil
}

// List returns an organisation's contracts, oldest first.
func (s *Service) List(ctx context.Context, a *actor.Actor, orgID string) ([]Contract, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return nil, err
	}
	list, err := s.d.Store.List(ctx, a.Scope(), orgID)
	if list == nil {
		list = []Contract{}
	}
	return list, err
}

// Get returns one of an organisation's contracts.
func (s *Service) Get(ctx context.Context, a *actor.Actor, orgID, contractID string) (Contract, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices); err != nil {
		return Contract{}, err
	}
	return s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), orgID, contractID)
}

// OrgContracts returns every contract of an organisation, terminated ones
// included, oldest first: a system read for the entitlement engine.
func (s *Service) OrgContracts(ctx context.Context, orgID string) ([]Contract, error) {
	return s.d.Store.List(ctx, actor.AllOrgs(), orgID)
}

// Create adds an active contract to an organisation.
func (s *Service) Create(ctx context.Context, a *actor.Actor, orgID string, in Input) (Contract, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageContracts); err != nil {
		return Contract{}, err
	}
	return s.create(ctx, orgID, "", in)
}

func (s *Service) create(ctx context.Context, orgID, contractID string, in Input) (Contract, error) {
	c := in.contract()
	if err := s.check(ctx, &c); err != nil {
		return Contract{}, err
	}
	now := s.d.Clock.Now()
	if contractID == "" {
		contractID = id.New("ctr", now)
	}
	c.ID, c.OrgID, c.Status, c.CreatedAt, c.UpdatedAt = contractID, orgID, Active, now, now
	err := s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Insert(ctx, tx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, "contract.create", Contract{}, c)
	})
	return c, s.changed(orgID, err)
}

// Update changes a contract's version, end, modules, users, reference or
// overrides; the result must pass every rule a new contract does.
func (s *Service) Update(ctx context.Context, a *actor.Actor, orgID, contractID string, p Patch) (Contract, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageContracts); err != nil {
		return Contract{}, err
	}
	return s.change(ctx, a, orgID, contractID, "contract.update", func(c Contract) (Contract, error) {
		c = p.apply(c)
		return c, s.check(ctx, &c)
	})
}

// Terminate ends a contract now; terminating it again changes nothing.
func (s *Service) Terminate(ctx context.Context, a *actor.Actor, orgID, contractID string) (Contract, error) {
	if _, err := s.RequireInOrg(ctx, a, orgID, actor.ManageContracts); err != nil {
		return Contract{}, err
	}
	return s.change(ctx, a, orgID, contractID, "contract.terminate", func(c Contract) (Contract, error) {
		c.Status = Terminated
		return c, nil
	})
}

// change reads the contract inside a transaction, lets edit make the new
// one, and writes it with its audit record when anything changed.
func (s *Service) change(ctx context.Context, a *actor.Actor, orgID, contractID, action string, edit func(Contract) (Contract, error)) (Contract, error) {
	var out Contract
	wrote := false
	err := s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		before, err := s.d.Store.Get(ctx, tx, a.Scope(), orgID, contractID)
		if err != nil {
			return err
		}
		out = before
		if before.Status == Terminated {
			if action == "contract.terminate" {
				return nil
			}
			return ErrTerminated
		}
		after, err := edit(before)
		if err != nil {
			return err
		}
		if len(audit.Diff(before.auditFields(), after.auditFields())) == 0 {
			return nil
		}
		after.UpdatedAt = s.d.Clock.Now()
		if err := s.d.Store.Update(ctx, tx, after); err != nil {
			return err
		}
		out, wrote = after, true
		return s.record(ctx, tx, action, before, after)
	})
	if !wrote {
		return out, err
	}
	return out, s.changed(orgID, err)
}

func (s *Service) record(ctx context.Context, tx *db.Tx, action string, before, after Contract) error {
	var from audit.Fields
	if before.ID != "" {
		from = before.auditFields()
	}
	return s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: after.OrgID, Action: action, TargetType: "contract", TargetID: after.ID,
		Changes: audit.Diff(from, after.auditFields())})
}

// changed tells OnChange about a committed change (err == nil).
func (s *Service) changed(orgID string, err error) error {
	if err == nil && s.OnChange != nil {
		s.OnChange(orgID)
	}
	return err
}

// check gathers what the lifecycle table and the catalog in effect say
// about the contract's references and applies the rules.
func (s *Service) check(ctx context.Context, c *Contract) error {
	var f Facts
	if c.Product != "" {
		p, err := s.d.Products.Product(ctx, c.Product)
		switch {
		case err == nil:
			f.Product = &p
			if c.Version != "" {
				if _, f.VersionKnown, err = s.d.Products.Version(ctx, c.Product, c.Version); err != nil {
					return err
				}
			}
		case !errors.Is(err, problem.ErrNotFound):
			return err
		}
	}
	item, err := s.d.Items(ctx, s.d.Clock.Now())
	if err != nil {
		return err
	}
	f.Item = item
	return c.normalize(f)
}

// EnsureContract creates a contract with a fixed id unless it exists (demo
// data); an existing one is left alone.
func (s *Service) EnsureContract(ctx context.Context, orgID, contractID string, in Input) error {
	_, err := s.d.Store.Get(ctx, s.d.Store.DB(), actor.AllOrgs(), orgID, contractID)
	if errors.Is(err, problem.ErrNotFound) {
		_, err = s.create(ctx, orgID, contractID, in)
	}
	return err
}

func (c Contract) auditFields() audit.Fields {
	return audit.Fields{"product": c.Product, "deployment": c.Deployment, "version": c.Version, "starts_on": c.StartsOn,
		"ends_on": c.EndsOn, "modules": c.Modules, "users": c.Users, "reference": c.Reference, "status": c.Status,
		"overrides": c.Overrides}
}
