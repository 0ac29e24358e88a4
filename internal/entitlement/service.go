package entitlement

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// The sources the engine reads; app wires the catalog, contract, lifecycle
// and account rooms' services to them.
type (
	// CatalogSource answers which catalog version is in effect at an
	// instant (an empty version before the first one).
	CatalogSource interface {
		InEffect(ctx context.Context, at time.Time) (catalog.Version, error)
	}
	// ContractSource lists an organisation's contracts, terminated ones included.
	ContractSource interface {
		OrgContracts(ctx context.Context, orgID string) ([]contract.Contract, error)
	}
	// LifecycleSource finds a product version on the lifecycle table.
	LifecycleSource interface {
		Version(ctx context.Context, product, name string) (lifecycle.Version, bool, error)
	}
	// OrgSource returns an organisation's region (a system read), or
	// problem.ErrNotFound.
	OrgSource interface {
		OrgRegion(ctx context.Context, orgID string) (string, error)
	}
)

// Channel is the LISTEN/NOTIFY channel on which instances tell each other
// what to forget: "catalog", "lifecycle", "org:<id>" (its contracts),
// "usage:<id>" (its ledger).
const Channel = "steward_entitlement"

// Deps are what the service is built from.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Recorder
	Clock     clock.Clock
	Catalog   CatalogSource
	Contracts ContractSource
	Lifecycle LifecycleSource
	Orgs      OrgSource
	OrgCheck  audit.OrgCheck // the organisation exists and the actor may see it
	Logger    *slog.Logger
}

// Service evaluates entitlements from a cache and keeps the quota ledger.
type Service struct {
	d     Deps
	store *Store
	cache *cache
}

// NewService returns the service. Call Listen once to hear other instances.
func NewService(d Deps) *Service {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Service{d: d, store: NewStore(d.DB), cache: newCache()}
}

// Listen makes the cache forget what other instances change (PostgreSQL;
// a no-op on SQLite). It stops when the database closes.
func (s *Service) Listen() {
	s.d.DB.Listen(context.Background(), Channel, s.notified)
}

func (s *Service) notified(payload string) {
	switch {
	case payload == "catalog":
		s.cache.forgetCatalog()
	case payload == "lifecycle":
		s.cache.forgetVersions()
	case strings.HasPrefix(payload, "org:"):
		s.cache.forgetOrg(strings.TrimPrefix(payload, "org:"))
	case strings.HasPrefix(payload, "usage:"):
		s.cache.forgetUsage(strings.TrimPrefix(payload, "usage:"))
	default: // "" after (re)connecting, or something unknown: forget everything
		s.cache.forgetAll()
	}
}

// CatalogChanged is the catalog's OnChange hook: forget here, tell the others.
func (s *Service) CatalogChanged() {
	s.cache.forgetCatalog()
	s.tell("catalog")
}

// LifecycleChanged is the lifecycle table's OnChange hook.
func (s *Service) LifecycleChanged() {
	s.cache.forgetVersions()
	s.tell("lifecycle")
}

// ContractsChanged is the contracts' OnChange hook.
func (s *Service) ContractsChanged(orgID string) {
	s.cache.forgetOrg(orgID)
	s.tell("org:" + orgID)
}

// tell notifies the other instances after a commit made elsewhere. A failure
// is logged: they would then see the change only after their next reconnect.
func (s *Service) tell(payload string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.d.DB.Notify(ctx, nil, Channel, payload); err != nil {
		s.d.Logger.Error("entitlement: notify other instances", "payload", payload, "err", err)
	}
}

// input gathers the engine's input for an organisation at an instant, from
// the cache, filling what it lacks.
func (s *Service) input(ctx context.Context, orgID string, at time.Time, day string) (Input, error) {
	cat, ok, gen := s.cache.catalog(day)
	if !ok {
		v, err := s.d.Catalog.InEffect(ctx, at)
		if err != nil {
			return Input{}, err
		}
		cat = v
		s.cache.putCatalog(day, v, gen)
	}
	org, gen := s.cache.org(orgID)
	if org == nil {
		region, err := s.d.Orgs.OrgRegion(ctx, orgID)
		if err != nil {
			return Input{}, err
		}
		cs, err := s.d.Contracts.OrgContracts(ctx, orgID)
		if err != nil {
			return Input{}, err
		}
		org = &orgEntry{region: region, contracts: cs}
		s.cache.putOrg(orgID, org, gen)
	}
	versions, missing, gen := s.cache.versionsOf(org.contracts)
	for _, k := range missing {
		v, ok, err := s.d.Lifecycle.Version(ctx, k.product, k.name)
		if err != nil {
			return Input{}, err
		}
		versions[k] = versionHit{v, ok}
		s.cache.putVersion(k, versions[k], gen)
	}
	usage, ok, gen := s.cache.orgUsage(orgID)
	if !ok {
		u, err := s.store.OrgUsage(ctx, orgID)
		if err != nil {
			return Input{}, err
		}
		usage = u
		s.cache.putUsage(orgID, u, gen)
	}
	return Input{Region: org.region, Catalog: cat, Contracts: org.contracts, Lifecycle: versions.lookup,
		Usage: usageLookup(usage).lookup, At: at, today: day}, nil
}

// Evaluate answers for every item of the catalog in effect at the instant.
// A system read: callers check the actor first (ForActor does). The answer
// is shared with other callers until something it depends on changes:
// callers must not change it.
func (s *Service) Evaluate(ctx context.Context, orgID string, at time.Time) ([]Entitlement, error) {
	day := clock.BeijingDate(at)
	list, ok, gen := s.cache.result(orgID, day)
	if ok {
		return list, nil
	}
	in, err := s.input(ctx, orgID, at, day)
	if err != nil {
		return nil, err
	}
	list = Evaluate(in)
	s.cache.putResult(orgID, day, list, gen)
	return list, nil
}

// ErrUnknownService is a service code the catalog in effect lacks.
var ErrUnknownService = problem.New(http.StatusNotFound, "entitlement.unknown_service")

// Lookup answers for one service, whatever the status.
func (s *Service) Lookup(ctx context.Context, orgID, service string, at time.Time) (Entitlement, error) {
	list, err := s.Evaluate(ctx, orgID, at)
	if err != nil {
		return Entitlement{}, err
	}
	for _, e := range list {
		if e.Service == service {
			return e, nil
		}
	}
	return Entitlement{}, ErrUnknownService.With("service", service)
}

// Check is the question every channel asks: may the organisation use the
// service at the instant? It returns the entitlement when it is active with
// quota left (or no quota), else a problem whose code is the reason: 403
// entitlement.* (or lifecycle.unknown_version), 409 quota.exhausted.
func (s *Service) Check(ctx context.Context, orgID, service string, at time.Time) (Entitlement, error) {
	e, err := s.Lookup(ctx, orgID, service, at)
	if err != nil {
		return e, err
	}
	return e, Refusal(e)
}

// Refusal is the problem a channel answers with when e does not allow use:
// nil for an active service with quota left.
func Refusal(e Entitlement) error {
	if e.Status == Active {
		if e.Quota != nil && e.Quota.Remaining <= 0 {
			return exhausted(e, e.Quota)
		}
		return nil
	}
	code := ReasonNotInContract
	if len(e.Reasons) > 0 {
		code = e.Reasons[0].Code
	}
	pe := problem.New(http.StatusForbidden, code).With("service_zh", e.Name.Zh).With("service_en", e.Name.En)
	pe.Extra = map[string]any{"service": e.Service, "status": e.Status, "reasons": e.Reasons}
	return pe
}

func exhausted(e Entitlement, q *QuotaState) error {
	pe := problem.New(http.StatusConflict, ReasonQuotaExhausted).With("service_zh", e.Name.Zh).With("service_en", e.Name.En).
		With("limit", q.Limit).With("period_start", q.PeriodStart).With("period_end", q.PeriodEnd)
	pe.Extra = map[string]any{"service": e.Service, "quota": q}
	return pe
}

// ForActor is Evaluate for a person (CanRead, then Evaluate).
func (s *Service) ForActor(ctx context.Context, a *actor.Actor, orgID string, at time.Time) ([]Entitlement, error) {
	if err := s.CanRead(a, orgID); err != nil {
		return nil, err
	}
	return s.Evaluate(ctx, orgID, at)
}

// CanRead checks, without the database, that the actor may read the
// organisation's services: a customer only its own organisation (else 404),
// and ReadServices (else 403). Whether a vendor's organisation exists is
// found by Evaluate (404 when the cache's fill finds no region).
func (s *Service) CanRead(a *actor.Actor, orgID string) error {
	if a == nil {
		return problem.ErrUnauthenticated
	}
	if !a.IsVendor() && a.OrgID != orgID {
		return problem.ErrNotFound
	}
	if !a.Can(actor.ReadServices) {
		return problem.ErrForbidden
	}
	return nil
}

// Now is the service clock's time.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// RequireInOrg checks that the organisation exists and the actor may see it
// (else 404), then that the actor holds p (else 403 role.forbidden).
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) error {
	if _, err := s.d.OrgCheck(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}
