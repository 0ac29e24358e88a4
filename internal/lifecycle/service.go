package lifecycle

import (
	"context"
	"errors"
	"net/http"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Errors of the lifecycle table.
var (
	ErrProductExists = problem.New(http.StatusConflict, "product.exists")
	ErrVersionExists = problem.New(http.StatusConflict, "product.version_exists")
)

// Notices posts to the notice inbox inside the caller's transaction
// (*notice.Service is one).
type Notices interface {
	Post(ctx context.Context, tx *db.Tx, userIDs []string, m notice.Message) error
}

// AffectedAdmins lists the customer_admins of the organisations with an
// active contract on a product's version, read through q (the caller's
// transaction). app wires it to the contract and account rooms, which
// lifecycle cannot import (contract imports lifecycle).
type AffectedAdmins func(ctx context.Context, q db.Querier, product, version string) ([]string, error)

// Deps are what the service is built from.
type Deps struct {
	Store          *Store
	Audit          *audit.Recorder
	Clock          clock.Clock
	Notices        Notices
	AffectedAdmins AffectedAdmins
}

// Service holds the lifecycle table's use cases. Anyone may read it (it is
// the vendor's public product lifecycle page); product_manager and
// vendor_admin change it.
type Service struct {
	store          *Store
	audit          *audit.Recorder
	clock          clock.Clock
	notices        Notices
	affectedAdmins AffectedAdmins
	// OnChange, when set, is called after every committed change (the
	// entitlement engine's cache forgets). Set it before serving.
	OnChange func()

	latestSource LatestSource // see UseLatest
}

// NewService returns the lifecycle service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, audit: d.Audit, clock: d.Clock, notices: d.Notices, affectedAdmins: d.AffectedAdmins}
}

func (s *Service) changed() {
	if s.OnChange != nil {
		s.OnChange()
	}
}

// Products lists every product with its modules, by code.
func (s *Service) Products(ctx context.Context) ([]Product, error) {
	return s.store.Products(ctx, s.store.DB())
}

// Product returns a product with its modules, or problem.ErrNotFound.
func (s *Service) Product(ctx context.Context, code string) (Product, error) {
	return s.store.Product(ctx, s.store.DB(), code)
}

// Detail returns a product with its versions.
func (s *Service) Detail(ctx context.Context, code string) (Detail, error) {
	p, err := s.Product(ctx, code)
	if err != nil {
		return Detail{}, err
	}
	vs, err := s.Versions(ctx, code)
	return Detail{Product: p, Versions: vs}, err
}

// Details lists every product with its modules and versions, by code.
func (s *Service) Details(ctx context.Context) ([]Detail, error) {
	products, err := s.Products(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Detail, 0, len(products))
	for _, p := range products {
		vs, err := s.Versions(ctx, p.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, Detail{Product: p, Versions: vs})
	}
	return out, nil
}

// Versions lists a product's versions, oldest release first (none for an
// unknown product).
func (s *Service) Versions(ctx context.Context, product string) ([]Version, error) {
	vs, err := s.store.Versions(ctx, s.store.DB(), product)
	if vs == nil {
		vs = []Version{}
	}
	return vs, err
}

// Version returns a product's version by name; false when there is none.
func (s *Service) Version(ctx context.Context, product, name string) (Version, bool, error) {
	return s.store.Version(ctx, s.store.DB(), product, name)
}

// CreateProduct adds a product with its modules.
func (s *Service) CreateProduct(ctx context.Context, a *actor.Actor, p Product) (Product, error) {
	if !a.Can(actor.ManageProducts) {
		return Product{}, problem.ErrForbidden
	}
	return p, s.createProduct(ctx, &p)
}

func (s *Service) createProduct(ctx context.Context, p *Product) error {
	if err := p.normalize(); err != nil {
		return err
	}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertProduct(ctx, tx, *p, s.clock.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "product.create", TargetType: "product", TargetID: p.Code,
			Changes: audit.Diff(nil, audit.Fields{"name": p.Name, "deployments": p.Deployments, "modules": p.Modules})})
	})
	if err == nil {
		s.changed()
	}
	return err
}

// AddVersion adds a version to a product.
func (s *Service) AddVersion(ctx context.Context, a *actor.Actor, product string, v Version) (Version, error) {
	if !a.Can(actor.ManageProducts) {
		return Version{}, problem.ErrForbidden
	}
	return v, s.addVersion(ctx, product, &v)
}

func (s *Service) addVersion(ctx context.Context, product string, v *Version) error {
	if _, err := s.Product(ctx, product); err != nil {
		return err
	}
	v.Product = product
	if err := v.normalize(); err != nil {
		return err
	}
	err := s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		now := s.clock.Now()
		if err := s.store.InsertVersion(ctx, tx, *v, now); err != nil {
			return err
		}
		c := newChange(ChangeVersionAdded, Version{}, *v, now)
		if err := s.store.InsertChange(ctx, tx, c); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Entry{Action: "product.version_create", TargetType: "product_version", TargetID: product + "/" + v.Name,
			Changes: c.audited()})
	})
	if err == nil {
		s.changed()
	}
	return err
}

// EnsureProduct creates the product unless one has its code, and adds the
// versions it lacks; what exists is left alone (demo data, start-up).
func (s *Service) EnsureProduct(ctx context.Context, p Product, versions []Version) error {
	_, err := s.Product(ctx, p.Code)
	if errors.Is(err, problem.ErrNotFound) {
		err = s.createProduct(ctx, &p)
	}
	for _, v := range versions {
		if err != nil {
			return err
		}
		var exists bool
		if _, exists, err = s.Version(ctx, p.Code, v.Name); err == nil && !exists {
			err = s.addVersion(ctx, p.Code, &v)
		}
	}
	return err
}
