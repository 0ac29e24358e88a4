package catalog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
)

// Notices posts to the notice inbox inside the caller's transaction
// (*notice.Service is one).
type Notices interface {
	Post(ctx context.Context, tx *db.Tx, userIDs []string, m notice.Message) error
}

// Deps are what the service is built from. CustomerAdmins lists every
// customer_admin of every organisation (the people an announcement notifies);
// app wires it to the account room so that catalog does not import it.
type Deps struct {
	Store          *Store
	Audit          *audit.Recorder
	Clock          clock.Clock
	Notices        Notices
	CustomerAdmins func(ctx context.Context) ([]string, error)
}

// Service holds the catalog's use cases.
type Service struct {
	Deps
	// OnChange, when set (in app.Build, before serving), is called after
	// every commit that changes a version, so that caches built on the
	// catalog (the entitlement engine's) can forget it.
	OnChange func()

	mu    sync.Mutex
	cache liveCache
}

// liveCache holds the announced versions for InEffect.
type liveCache struct {
	loaded   bool
	loadedAt time.Time // the clock when they were read
	versions []Version // announced, by effective_from
}

// cacheTTL is how long InEffect trusts its copy for future instants: another
// instance's announcement or withdrawal shows within it. Instants before the
// end of the Beijing day the copy was read on need no refresh: announcing
// reaches 30 days ahead and withdrawing only days after today, so no change
// made since can alter which version was in effect then.
const cacheTTL = 5 * time.Second

// NewService returns the catalog service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// InEffect returns the version in effect at the instant (its state is
// "effective"): the announced version with the latest effective_from on or
// before at's Beijing day; ErrNoneInEffect before the first. It reads from a
// cache kept correct by the rules above; the items are shared, so callers
// must not change them.
func (s *Service) InEffect(ctx context.Context, at time.Time) (Version, error) {
	live, err := s.live(ctx, at)
	if err != nil {
		return Version{}, err
	}
	if i := ResolveStates(live, at); i >= 0 {
		return live[i], nil
	}
	return Version{}, ErrNoneInEffect
}

// live returns a copy of the announced versions' list, fresh enough for at.
func (s *Service) live(ctx context.Context, at time.Time) ([]Version, error) {
	now := s.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.cache
	fresh := c.loaded && !now.Before(c.loadedAt) && (at.Before(nextBeijingDay(c.loadedAt)) || now.Sub(c.loadedAt) < cacheTTL)
	if !fresh {
		versions, err := s.Store.Announced(ctx)
		if err != nil {
			return nil, err
		}
		*c = liveCache{loaded: true, loadedAt: now, versions: versions}
	}
	return slices.Clone(c.versions), nil
}

// changed forgets the cache and tells OnChange; call it after a commit.
func (s *Service) changed() {
	s.mu.Lock()
	s.cache = liveCache{}
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange()
	}
}

// Versions lists every version with its state as of now.
func (s *Service) Versions(ctx context.Context) ([]Version, error) {
	all, err := s.Store.All(ctx)
	if err != nil {
		return nil, err
	}
	ResolveStates(all, s.Clock.Now())
	return all, nil
}

// Version returns one version with its state as of now.
func (s *Service) Version(ctx context.Context, versionID string) (Version, error) {
	all, err := s.Versions(ctx)
	if err != nil {
		return Version{}, err
	}
	if v, ok := find(all, versionID); ok {
		return v, nil
	}
	return Version{}, problem.ErrNotFound
}

// InstallDefault stores the default catalog unless it is there; safe on
// every start and with several instances starting at once.
func (s *Service) InstallDefault(ctx context.Context) error {
	if _, err := s.Store.Get(ctx, s.Store.DB(), DefaultID); err == nil || !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	v := Default()
	v.CreatedAt = s.Clock.Now()
	v.UpdatedAt = v.CreatedAt
	err := s.commit(ctx, s.insert(ctx, v), audit.Entry{Action: "catalog.install_default", TargetID: v.ID,
		Changes: map[string]audit.Change{"name": {After: v.Name}, "effective_from": {After: v.EffectiveFrom}, "items": {After: itemCodes(v.Items)}}}, nil)
	if db.IsUniqueViolation(err) { // another instance installed it first
		return nil
	}
	return err
}

// DraftInput creates a draft: without items it copies the version based_on
// (by default the one in effect now).
type DraftInput struct {
	Name    string  `json:"name"`
	BasedOn string  `json:"based_on"`
	Items   *[]Item `json:"items"`
}

// DraftPatch changes a draft; fields left out keep their value.
type DraftPatch struct {
	Name  *string `json:"name"`
	Items *[]Item `json:"items"`
}

// requireEditor lets the catalog's editors (product_manager, vendor_admin) through.
func requireEditor(a *actor.Actor) error { return actor.Require(a, actor.EditCatalog) }

// Authorize says whether the actor may edit the catalog: handlers call it
// before reading a request's body.
func (s *Service) Authorize(a *actor.Actor) error { return requireEditor(a) }

// CreateDraft stores a new draft version.
func (s *Service) CreateDraft(ctx context.Context, a *actor.Actor, in DraftInput) (Version, error) {
	if err := requireEditor(a); err != nil {
		return Version{}, err
	}
	var bad problem.Invalid
	name := checkName(&bad, in.Name)
	now := s.Clock.Now()
	var base Version
	var err error
	if in.BasedOn = strings.TrimSpace(in.BasedOn); in.BasedOn != "" {
		base, err = s.Store.Get(ctx, s.Store.DB(), in.BasedOn)
		if errors.Is(err, problem.ErrNotFound) {
			bad.Add("based_on", errUnknownBasedOn)
		} else if err != nil {
			return Version{}, err
		}
	} else if base, err = s.InEffect(ctx, now); err != nil && !errors.Is(err, ErrNoneInEffect) {
		return Version{}, err
	}
	items := cloneItems(base.Items)
	if in.Items != nil {
		items = *in.Items
	}
	if checkItems(&bad, items); bad.Err() != nil {
		return Version{}, bad.Err()
	}
	v := Version{ID: id.New("cat", now), Name: name, State: Draft, BasedOn: base.ID, Items: items, CreatedAt: now, UpdatedAt: now}
	err = s.commit(ctx, s.insert(ctx, v), audit.Entry{Action: "catalog.create_draft", TargetID: v.ID,
		Changes: map[string]audit.Change{"name": {After: v.Name}, "based_on": {After: v.BasedOn}, "items": {After: itemCodes(v.Items)}}}, nil)
	return v, err
}

// UpdateDraft changes a draft's name or items; a version that is not a draft
// is 409 state.conflict.
func (s *Service) UpdateDraft(ctx context.Context, a *actor.Actor, versionID string, p DraftPatch) (Version, error) {
	v, err := s.editable(ctx, a, versionID, isDraft)
	if err != nil {
		return Version{}, err
	}
	before := v
	var bad problem.Invalid
	if p.Name != nil {
		v.Name = checkName(&bad, *p.Name)
	}
	if p.Items != nil {
		v.Items = *p.Items
	}
	if checkItems(&bad, v.Items); bad.Err() != nil {
		return Version{}, bad.Err()
	}
	v.UpdatedAt = s.Clock.Now()
	changes := audit.Diff(audit.Fields{"name": before.Name}, audit.Fields{"name": v.Name})
	if d := Compare(before, v); !d.Empty() {
		changes["items"] = audit.Change{Before: itemCodes(before.Items), After: d.Summary()}
	}
	err = s.commit(ctx, func(tx *db.Tx) (bool, error) { return s.Store.UpdateDraft(ctx, tx, v) },
		audit.Entry{Action: "catalog.update_draft", TargetID: v.ID, Changes: changes}, nil)
	return v, err
}

// commit runs change in a transaction with its audit record (on a
// catalog_version) and, when notify is set, a notice to every customer_admin.
// A change that finds the version no longer in the state it needs (false) is
// 409 state.conflict. After the commit the cache is dropped and OnChange told.
func (s *Service) commit(ctx context.Context, change func(tx *db.Tx) (bool, error), e audit.Entry, notify *notice.Message) error {
	var admins []string
	if notify != nil {
		var err error
		if admins, err = s.CustomerAdmins(ctx); err != nil {
			return err
		}
	}
	e.TargetType = "catalog_version"
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		ok, err := change(tx)
		if err != nil {
			return err
		}
		if !ok {
			return problem.ErrConflict
		}
		if err := s.Audit.Record(ctx, tx, e); err != nil {
			return err
		}
		if notify == nil {
			return nil
		}
		return s.Notices.Post(ctx, tx, admins, *notify)
	})
	if err == nil {
		s.changed()
	}
	return err
}

// insert is the change that stores a new version.
func (s *Service) insert(ctx context.Context, v Version) func(tx *db.Tx) (bool, error) {
	return func(tx *db.Tx) (bool, error) { return true, s.Store.Insert(ctx, tx, v) }
}

// editable loads a version for the editor a: 404 when there is none, 409
// state.conflict when allowed says no.
func (s *Service) editable(ctx context.Context, a *actor.Actor, versionID string, allowed func(Version) bool) (Version, error) {
	if err := requireEditor(a); err != nil {
		return Version{}, err
	}
	v, err := s.Store.Get(ctx, s.Store.DB(), versionID)
	if err == nil && !allowed(v) {
		err = problem.ErrConflict
	}
	return v, err
}

func isDraft(v Version) bool { return v.State == Draft }

func checkName(bad *problem.Invalid, name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		bad.Add("name", errRequired)
	case utf8.RuneCountInString(name) > maxNameRunes:
		bad.Add("name", errTooLong)
	}
	return name
}

func itemCodes(items []Item) []string {
	codes := make([]string, len(items))
	for i, it := range items {
		codes[i] = it.Code
	}
	return codes
}

// cloneItems copies items deeply enough that editing the copy leaves the
// original (maybe a cached version's) alone.
func cloneItems(items []Item) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		it.AppliesTo = slices.Clone(it.AppliesTo)
		it.Regions = slices.Clone(it.Regions)
		it.Parts = slices.Clone(it.Parts)
		it.Exclusions = slices.Clone(it.Exclusions)
		if it.Quota != nil {
			q := *it.Quota
			it.Quota = &q
		}
		if it.SLA != nil {
			sla := *it.SLA
			it.SLA = &sla
		}
		out[i] = it
	}
	return out
}
