package ideas

import (
	"context"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
)

// Service holds the use cases of the ideas square: posting, voting, following,
// commenting, the lists and search, and product managers' answers (status
// changes, merges, demand).
type Service struct {
	Store *Store
	Audit *audit.Recorder
	Clock clock.Clock
	Index search.Index
	deps  Deps
}

// Deps are what the square is built on.
type Deps struct {
	Store *Store
	Audit *audit.Recorder
	Clock clock.Clock
	Index search.Index
	// Entitlements answers whether a customer's organisation has
	// requirement listening now (entitlement.Service).
	Entitlements Entitlements
	// RequireLogin closes the square to visitors who are not signed in, with
	// the rest of the community; by default anyone may read it.
	RequireLogin bool
	// Notices, Notify and People tell voters and followers of each status
	// change: the inbox, e-mail to the live users named, and the
	// organisations' and the vendor's channels (group robots, webhooks).
	Notices *notice.Service
	Notify  *notify.Notifier
	People  func(ctx context.Context, userIDs []string) ([]notify.Address, error)
	// Blobs keeps the bytes of ideas' images.
	Blobs blob.Store
	// Shipments checks where a shipped idea can be had.
	Shipments Shipments
	// Customers describes the organisations wanting an idea.
	Customers Customers
}

// Entitlements is the part of the entitlement room the square asks.
type Entitlements interface {
	Check(ctx context.Context, orgID, service string, at time.Time) (entitlement.Entitlement, error)
}

// Shipments finds the patch or the version a shipped idea names.
type Shipments interface {
	// PatchPublished reports whether a published patch of product has number.
	PatchPublished(ctx context.Context, product, number string) (bool, error)
	// VersionExists reports whether product has a version of that name on
	// the lifecycle table.
	VersionExists(ctx context.Context, product, name string) (bool, error)
}

// Customers tells product managers about the organisations wanting ideas.
type Customers interface {
	// Describe gives each organisation's name and its contracts in force on
	// day (YYYY-MM-DD, Beijing), keyed by organisation.
	Describe(ctx context.Context, orgIDs []string, day string) (map[string]OrgDemand, error)
	// WithDeployment are the organisations holding a contract of that
	// deployment kind in force on day.
	WithDeployment(ctx context.Context, deployment, day string) ([]string, error)
}

// NewService returns the square on deps.
func NewService(d Deps) *Service {
	return &Service{Store: d.Store, Audit: d.Audit, Clock: d.Clock, Index: d.Index, deps: d}
}

// CanRead says whether the actor may read the square: anyone, signed in or
// not, unless the community requires a login (then 401 for a visitor).
func (s *Service) CanRead(a *actor.Actor) error {
	if s.deps.RequireLogin && a == nil {
		return problem.ErrUnauthenticated
	}
	return nil
}

// CanPost says whether the actor may post, vote, follow and comment: the role
// must allow it (401 for a visitor, 403 otherwise) and a customer's
// organisation must have requirement listening now (403 with the reason).
func (s *Service) CanPost(ctx context.Context, a *actor.Actor) error {
	if err := actor.Require(a, actor.PostCommunity); err != nil {
		return err
	}
	if a.IsVendor() {
		return nil
	}
	_, err := s.deps.Entitlements.Check(ctx, a.OrgID, RequirementListening, s.Clock.Now())
	return err
}

// CanManage says whether the actor may change statuses and merge ideas
// (product managers).
func (s *Service) CanManage(a *actor.Actor) error { return actor.Require(a, actor.ManageIdeas) }
