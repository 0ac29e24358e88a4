package ideas

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/markdown"
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
	// KnownProduct says whether a product code is on the lifecycle table:
	// an idea is about one of the vendor's products.
	KnownProduct func(ctx context.Context, code string) (bool, error)
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

// Errors of the square's rules; each code is also its message's key.
var (
	errAlreadyVoted = problem.New(http.StatusConflict, "idea.already_voted")
	errNotVoted     = problem.New(http.StatusConflict, "idea.not_voted")
)

// errMerged refuses an action on a merged idea, naming the idea it was
// merged into (in the detail and as the member "into").
func errMerged(into string) error {
	e := problem.New(http.StatusConflict, "idea.merged").With("into", into)
	e.Extra = map[string]any{"into": into}
	return e
}

// errClosed refuses a vote on a declined or shipped idea.
func errClosed(status string) error {
	return problem.New(http.StatusConflict, "idea.closed").Explained("idea.closed_"+status, nil)
}

// errUnchanged rolls back a transaction that found nothing to do (following
// an idea one already follows): no write, so nothing to audit.
var errUnchanged = errors.New("ideas: nothing to change")

func authorOf(a *actor.Actor) Author { return Author{ID: a.UserID, Name: a.Name, Staff: a.IsVendor()} }

// IdeaURL is the page of an idea.
func IdeaURL(id string) string { return "/ideas/" + url.PathEscape(id) }

// Create posts an idea. The author's own vote counts at once and the author
// follows it (both may be taken back); it is searchable when this returns.
func (s *Service) Create(ctx context.Context, a *actor.Actor, in Input) (Idea, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Idea{}, err
	}
	in, bad := checkInput(in)
	if in.Product != "" && len(in.Product) <= maxProduct {
		known, err := s.deps.KnownProduct(ctx, in.Product)
		if err != nil {
			return Idea{}, err
		}
		if !known {
			bad.Add("product", "field.idea_product")
		}
	}
	if err := bad.Err(); err != nil {
		return Idea{}, err
	}
	now := s.Clock.Now()
	it := Idea{ID: id.New("idea", now), Title: in.Title, Body: in.Body, Product: in.Product, Modules: in.Modules, Author: authorOf(a),
		Status: StatusOpen, StatusAt: now, Votes: 1, Followers: 1, CreatedAt: now, UpdatedAt: now, authorOrg: a.OrgID}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.InsertIdea(ctx, tx, it, WithVote(0, 0, now)); err != nil {
			return err
		}
		if _, err := s.Store.AddVote(ctx, tx, it.ID, a.UserID, a.OrgID, now); err != nil {
			return err
		}
		if _, err := s.Store.AddFollower(ctx, tx, it.ID, a.UserID, a.OrgID, now); err != nil {
			return err
		}
		if err := s.index(ctx, tx, it); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.create", TargetType: Doc, TargetID: it.ID, OrgID: a.OrgID,
			Changes: audit.Diff(nil, audit.Fields{"title": it.Title, "product": it.Product, "modules": strings.Join(it.Modules, ", ")})}); err != nil {
			return err
		}
		var err error
		it, err = s.read(ctx, tx, a, it.ID)
		return err
	})
	if err != nil {
		return Idea{}, err
	}
	return it, nil
}

// Get returns an idea with its status history, images and whether the
// reader voted for and follows it. A merged idea comes back too, with
// MergedInto naming the survivor (its address leads there).
func (s *Service) Get(ctx context.Context, a *actor.Actor, ideaID string) (Idea, error) {
	if err := s.CanRead(a); err != nil {
		return Idea{}, err
	}
	return s.read(ctx, s.Store.DB(), a, ideaID)
}

// read is the idea as Get answers it, read through q: the read pool, or the
// transaction of a change, which answers from the rows it has just written
// instead of having another connection read them again.
func (s *Service) read(ctx context.Context, q db.Querier, a *actor.Actor, ideaID string) (Idea, error) {
	it, err := s.Store.Idea(ctx, q, ideaID)
	if err != nil {
		return Idea{}, err
	}
	if err := s.decorate(ctx, q, a, []*Idea{&it}); err != nil {
		return Idea{}, err
	}
	if it.StatusHistory, err = s.Store.StatusHistory(ctx, q, it.ID); err != nil {
		return Idea{}, err
	}
	for i := range it.StatusHistory {
		if sh := it.StatusHistory[i].ShippedIn; sh != nil {
			sh.Product = it.Product
			sh.URL = shippedURL(*sh)
		}
	}
	images, err := s.Store.Images(ctx, q, it.ID)
	for _, img := range images {
		img.URL = imageURL(it.ID, img.Name)
		it.Images = append(it.Images, img.Image)
	}
	return it, err
}

// decorate fills what an idea read from the store lacks: its HTML, where it
// shipped as a link, no images yet, and whether the reader voted for and
// follows it.
func (s *Service) decorate(ctx context.Context, q db.Querier, a *actor.Actor, list []*Idea) error {
	ids := make([]string, len(list))
	for i, it := range list {
		it.HTML, it.Images, ids[i] = markdown.Render(it.Body), []Image{}, it.ID
		if it.ShippedIn != nil {
			it.ShippedIn.URL = shippedURL(*it.ShippedIn)
		}
	}
	if a == nil {
		return nil
	}
	voted, following, err := s.Store.Reader(ctx, q, a.UserID, ids)
	for _, it := range list {
		it.Voted, it.Following = voted[it.ID], following[it.ID]
	}
	return err
}

// shippedURL is the page of the patch or the version an idea shipped in.
func shippedURL(sh ShippedIn) string {
	if sh.Kind == ShippedInPatch {
		return "/patches/" + url.PathEscape(sh.Product) + "/" + url.PathEscape(sh.Ref)
	}
	return "/lifecycle/" + url.PathEscape(sh.Product)
}

// List returns a page of live ideas in f's order and the cursor of the next
// page ("" on the last). Product managers (CanManage) may narrow it to the
// ideas an organisation posted or voted for (Org) or that organisations with
// a contract of a deployment kind in force want (Deployment); others asking
// so are refused.
func (s *Service) List(ctx context.Context, a *actor.Actor, f Filter) ([]Idea, string, error) {
	if err := s.CanRead(a); err != nil {
		return nil, "", err
	}
	if (f.Org != "" || f.Deployment != "") && s.CanManage(a) != nil {
		return nil, "", problem.ErrForbidden.Explained("idea.pm_filters", nil)
	}
	q := listQuery{Sort: cmp.Or(f.Sort, SortTrending), Status: f.Status, Product: f.Product, Module: f.Module, Limit: cmp.Or(f.Limit, defaultLimit) + 1}
	if _, ok := sortKeys[q.Sort]; !ok {
		return nil, "", problem.InvalidField("sort", "field.idea_sort")
	}
	if q.Status != "" && !slices.Contains(Statuses, q.Status) {
		return nil, "", problem.InvalidField("status", "field.idea_status")
	}
	if f.Cursor != "" {
		var err error
		if q.After, err = cursorID(f.Cursor); err != nil {
			return nil, "", err
		}
	}
	if f.Org != "" || f.Deployment != "" {
		orgs, err := s.wanting(ctx, f.Org, f.Deployment)
		if err != nil {
			return nil, "", err
		}
		q.Orgs = orgs
	}
	list, err := s.Store.List(ctx, q)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) == q.Limit {
		list = list[:q.Limit-1]
		next = cursorAfter(list[len(list)-1].ID)
	}
	return list, next, s.decorateAll(ctx, a, list)
}

// wanting are the organisations of the org and deployment filters: the one
// named, those with a contract of the deployment kind in force today, or
// those of both.
func (s *Service) wanting(ctx context.Context, org, deployment string) ([]string, error) {
	if deployment == "" {
		return []string{org}, nil
	}
	if s.deps.Customers == nil {
		return nil, errors.New("ideas: the deployment filter needs Deps.Customers")
	}
	orgs, err := s.deps.Customers.WithDeployment(ctx, deployment, clock.BeijingDate(s.Clock.Now()))
	if err != nil {
		return nil, err
	}
	if org != "" {
		orgs = slices.DeleteFunc(orgs, func(o string) bool { return o != org })
	}
	return append([]string{}, orgs...), nil
}

func (s *Service) decorateAll(ctx context.Context, a *actor.Actor, list []Idea) error {
	ptrs := make([]*Idea, len(list))
	for i := range list {
		ptrs[i] = &list[i]
	}
	return s.decorate(ctx, s.Store.DB(), a, ptrs)
}

// Vote adds the reader's vote: once per person (409 idea.already_voted),
// never on a merged idea (409 idea.merged) nor on a declined or shipped one
// (409 idea.closed). Votes from several instances at once count once each:
// the idea's row is locked for the check and the count.
func (s *Service) Vote(ctx context.Context, a *actor.Actor, ideaID string) (Idea, error) {
	return s.change(ctx, a, ideaID, "idea.vote", func(tx *db.Tx, it Idea, now time.Time) error {
		if it.Status == StatusDeclined || it.Status == StatusShipped {
			return errClosed(it.Status)
		}
		trend, err := s.Store.Trend(ctx, tx, it.ID)
		if err != nil {
			return err
		}
		if added, err := s.Store.AddVote(ctx, tx, it.ID, a.UserID, a.OrgID, now); err != nil || !added {
			return cmp.Or(err, error(errAlreadyVoted))
		}
		return s.Store.CountVote(ctx, tx, it.ID, WithVote(trend, it.Votes, now))
	})
}

// Unvote takes the reader's vote back (409 idea.not_voted without one),
// whatever the idea's status; the trend is recomputed from the votes left.
func (s *Service) Unvote(ctx context.Context, a *actor.Actor, ideaID string) (Idea, error) {
	return s.change(ctx, a, ideaID, "idea.unvote", func(tx *db.Tx, it Idea, _ time.Time) error {
		if removed, err := s.Store.RemoveVote(ctx, tx, it.ID, a.UserID); err != nil || !removed {
			return cmp.Or(err, error(errNotVoted))
		}
		return s.Store.Recount(ctx, tx, it.ID)
	})
}

// Follow makes the reader follow an idea (told of each status change);
// following it again changes nothing.
func (s *Service) Follow(ctx context.Context, a *actor.Actor, ideaID string) (Idea, error) {
	return s.change(ctx, a, ideaID, "idea.follow", func(tx *db.Tx, it Idea, now time.Time) error {
		if added, err := s.Store.AddFollower(ctx, tx, it.ID, a.UserID, a.OrgID, now); err != nil || !added {
			return cmp.Or(err, errUnchanged)
		}
		return s.Store.CountFollowers(ctx, tx, it.ID, 1)
	})
}

// Unfollow stops the reader following an idea; not following it changes
// nothing.
func (s *Service) Unfollow(ctx context.Context, a *actor.Actor, ideaID string) (Idea, error) {
	return s.change(ctx, a, ideaID, "idea.unfollow", func(tx *db.Tx, it Idea, _ time.Time) error {
		if removed, err := s.Store.RemoveFollower(ctx, tx, it.ID, a.UserID); err != nil || !removed {
			return cmp.Or(err, errUnchanged)
		}
		return s.Store.CountFollowers(ctx, tx, it.ID, -1)
	})
}

// change runs one of the reader's actions on a live idea with its row
// locked, audited as action, and returns the idea as it then stands.
func (s *Service) change(ctx context.Context, a *actor.Actor, ideaID, action string, do func(tx *db.Tx, it Idea, now time.Time) error) (Idea, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Idea{}, err
	}
	var out Idea
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		it, err := s.locked(ctx, tx, ideaID)
		if err != nil {
			return err
		}
		if err := do(tx, it, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Entry{Action: action, TargetType: Doc, TargetID: it.ID, OrgID: a.OrgID}); err != nil {
			return err
		}
		out, err = s.read(ctx, tx, a, it.ID)
		return err
	})
	if errors.Is(err, errUnchanged) {
		return s.Get(ctx, a, ideaID)
	}
	return out, err
}

// locked locks a live idea's row and reads it: 404 when there is none, 409
// idea.merged naming the survivor when it was merged.
func (s *Service) locked(ctx context.Context, tx *db.Tx, ideaID string) (Idea, error) {
	if err := s.Store.Lock(ctx, tx, ideaID); err != nil {
		return Idea{}, err
	}
	it, err := s.Store.Idea(ctx, tx, ideaID)
	if err != nil {
		return Idea{}, err
	}
	if it.MergedInto != "" {
		return Idea{}, errMerged(it.MergedInto)
	}
	return it, nil
}

// Comment adds a comment to a live idea; a vendor staff member's is an
// official reply.
func (s *Service) Comment(ctx context.Context, a *actor.Actor, ideaID, body string) (Comment, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Comment{}, err
	}
	body, err := checkComment(body)
	if err != nil {
		return Comment{}, err
	}
	now := s.Clock.Now()
	c := Comment{ID: id.New("ic", now), IdeaID: ideaID, Body: body, Author: authorOf(a), Official: a.IsVendor(), CreatedAt: now}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.locked(ctx, tx, ideaID); err != nil {
			return err
		}
		if err := s.Store.InsertComment(ctx, tx, c, a.OrgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.comment", TargetType: Doc, TargetID: ideaID, OrgID: a.OrgID,
			Changes: audit.Diff(nil, audit.Fields{"comment": c.ID})})
	})
	if err != nil {
		return Comment{}, err
	}
	c.HTML = markdown.Render(c.Body)
	return c, nil
}

// Comments lists an idea's comments, oldest first.
func (s *Service) Comments(ctx context.Context, a *actor.Actor, ideaID string) ([]Comment, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	if _, err := s.Store.Idea(ctx, s.Store.DB(), ideaID); err != nil {
		return nil, err
	}
	list, err := s.Store.Comments(ctx, ideaID)
	for i := range list {
		list[i].HTML = markdown.Render(list[i].Body)
	}
	if list == nil {
		list = []Comment{}
	}
	return list, err
}

// Similar finds live ideas holding at least half the words of a title being
// typed, best first, so that a customer about to post a duplicate votes for
// the existing idea instead.
func (s *Service) Similar(ctx context.Context, a *actor.Actor, title string, limit int) ([]Idea, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	if title = strings.TrimSpace(title); title == "" || limit < 1 {
		return []Idea{}, nil
	}
	res, err := s.Index.Search(ctx, search.Query{Text: title, Type: Doc, Limit: min(limit, search.MaxLimit), MinShare: 0.5})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Items))
	for i, h := range res.Items {
		ids[i] = h.ID
	}
	found, err := s.Store.Live(ctx, ids)
	if err != nil {
		return nil, err
	}
	list := []Idea{}
	for _, hitID := range ids { // in the search's order
		if i := slices.IndexFunc(found, func(it Idea) bool { return it.ID == hitID }); i >= 0 {
			list = append(list, found[i])
		}
	}
	return list, s.decorateAll(ctx, a, list)
}

// RoadmapStatuses are the roadmap's columns, in order.
var RoadmapStatuses = []string{StatusUnderReview, StatusPlanned, StatusInProgress, StatusShipped}

// roadmapLimit is how many ideas a roadmap column shows.
const roadmapLimit = 50

// Roadmap returns the live ideas under review, planned, in progress and
// shipped (of one product unless ""), by status: the most voted first, the
// shipped ones latest first; each column at most 50.
func (s *Service) Roadmap(ctx context.Context, a *actor.Actor, product string) (map[string][]Idea, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	out := map[string][]Idea{}
	for _, status := range RoadmapStatuses {
		list, err := s.Store.Column(ctx, status, product, status == StatusShipped, roadmapLimit)
		if err != nil {
			return nil, err
		}
		if list == nil {
			list = []Idea{}
		}
		if err := s.decorateAll(ctx, a, list); err != nil {
			return nil, err
		}
		out[status] = list
	}
	return out, nil
}
