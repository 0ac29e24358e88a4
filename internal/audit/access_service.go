package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/jobs"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// ErrNoBasis refuses a vendor read of business data that has no basis.
var ErrNoBasis = problem.New(http.StatusForbidden, "access.no_basis")

// DiscloseJob is the kind of job that tells the customer about a lawful
// request once its disclosure date has come.
const DiscloseJob = "lawful_request.disclose"

// OrgCheck returns the organisation's name, or problem.ErrNotFound unless it
// exists and the actor may see it. The account room provides it (through
// app): account imports this room, so this room cannot import account.
type OrgCheck func(ctx context.Context, a *actor.Actor, orgID string) (name string, err error)

// OwnerBasis decides whether the object an attachment belongs to (a rescue, a
// question) gives the vendor actor a basis to read it, reading inside q.
type OwnerBasis func(ctx context.Context, q db.Querier, a *actor.Actor, orgID, ownerID string) (Basis, bool, error)

// Disclosure is what the customer_admins are told about a lawful request.
type Disclosure struct {
	Request LawfulRequest
	Link    string // the page where they see it
}

// Discloser tells an organisation's customer_admins, inside tx, that a lawful
// request was made (the notice inbox, wired by app).
type Discloser func(ctx context.Context, tx *db.Tx, d Disclosure) error

// Access is data-access transparency: access grants, lawful requests, the
// basis check before a vendor reads business data, and the log of those reads.
type Access struct {
	store    *AccessStore
	db       *db.DB
	audit    *Recorder
	clock    clock.Clock
	orgs     OrgCheck
	mu       sync.RWMutex
	owners   map[string]OwnerBasis
	disclose Discloser
}

// NewAccess returns the service.
func NewAccess(store *AccessStore, d *db.DB, rec *Recorder, c clock.Clock, orgs OrgCheck) *Access {
	return &Access{store: store, db: d, audit: rec, clock: c, orgs: orgs, owners: map[string]OwnerBasis{}}
}

// RegisterOwner makes objects of kind (a rescue, a question) a basis for
// reading the attachments they own; the owning room registers it at start-up.
func (s *Access) RegisterOwner(kind string, fn OwnerBasis) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[kind] = fn
}

// SetDiscloser wires how the customer_admins are told of a lawful request
// (the notice inbox). Without it the disclosure job only audits that the date
// has come.
func (s *Access) SetDiscloser(disclose Discloser) { s.disclose = disclose }

// RequireInOrg checks that the organisation is visible to the actor (else
// 404), then that the actor holds p (else 403). Handlers call it before
// reading a body.
func (s *Access) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) error {
	if _, err := s.orgs(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(p) {
		return problem.ErrForbidden
	}
	return nil
}

// Authorize lets a vendor actor read obj when there is a basis, and writes
// the data-access record (audited) before it returns: the caller sends the
// bytes only after a nil error. Customer staff of the organisation read their
// own data without a record; ErrNoBasis refuses a vendor without a basis.
func (s *Access) Authorize(ctx context.Context, a *actor.Actor, obj Object) (Basis, error) {
	if !a.Can(actor.ReadBusinessData) {
		return Basis{}, problem.ErrForbidden
	}
	if !a.IsVendor() {
		if a.OrgID != obj.OrgID {
			return Basis{}, problem.ErrNotFound
		}
		return Basis{}, nil
	}
	var basis Basis
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if basis, err = s.basis(ctx, tx, a, obj); err != nil {
			return err
		}
		now := s.clock.Now()
		rec := Record{ID: id.New("acc", now), At: now, OrgID: obj.OrgID, ActorID: a.UserID, ActorName: a.Name, ActorRole: string(a.Role),
			ObjectKind: obj.Kind, ObjectID: obj.ID, ObjectLabel: obj.Label, Basis: basis}
		rec.RequestID, rec.ClientAddr = web.RequestID(ctx), web.ClientAddrOf(ctx)
		if err := s.store.InsertRecord(ctx, tx, rec); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, withheldIfLawful(basis.Kind, Entry{OrgID: obj.OrgID, Action: "data.read", TargetType: obj.Kind, TargetID: obj.ID,
			Changes: Diff(nil, Fields{"access_record": rec.ID, "basis_kind": basis.Kind, "basis_id": basis.ID})}))
	})
	return basis, err
}

// basis finds the first basis for a vendor read, in order: the owning
// object, an active grant, an active lawful request.
func (s *Access) basis(ctx context.Context, tx *db.Tx, a *actor.Actor, obj Object) (Basis, error) {
	if obj.OwnerKind != "" {
		s.mu.RLock()
		fn := s.owners[obj.OwnerKind]
		s.mu.RUnlock()
		if fn != nil {
			b, ok, err := fn(ctx, tx, a, obj.OrgID, obj.OwnerID)
			if err != nil || ok {
				return b, err
			}
		}
	}
	now := s.clock.Now()
	if grant, ok, err := s.store.ActiveGrant(ctx, tx, obj.OrgID, obj.Scope, now); err != nil || ok {
		return Basis{Kind: BasisGrant, ID: grant}, err
	}
	if lawful, ok, err := s.store.ActiveLawfulRequest(ctx, tx, obj.OrgID, obj.Scope, now); err != nil || ok {
		return Basis{Kind: BasisLawfulRequest, ID: lawful}, err
	}
	return Basis{}, ErrNoBasis
}

// withheldIfLawful keeps what concerns a lawful request out of the
// organisation's own audit trail (the customer_admin reads it): the
// organisation goes into the changes instead, for the vendor_admin. The
// customer learns of the request from its disclosure date, in the
// lawful-request list and the data-access log.
func withheldIfLawful(basisKind string, e Entry) Entry {
	if basisKind == BasisLawfulRequest && e.OrgID != "" {
		if e.Changes == nil {
			e.Changes = map[string]Change{}
		}
		e.Changes["org_id"] = Change{After: e.OrgID}
		e.OrgID = ""
	}
	return e
}

// CreateGrant gives the vendor access to the organisation's business data.
func (s *Access) CreateGrant(ctx context.Context, a *actor.Actor, orgID string, in GrantInput) (Grant, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.GrantDataAccess); err != nil {
		return Grant{}, err
	}
	now := s.clock.Now()
	until, err := in.normalize(now)
	if err != nil {
		return Grant{}, err
	}
	g := Grant{ID: id.New("grt", now), OrgID: orgID, Scope: in.Scope, Note: in.Note, Until: until, CreatedBy: a.UserID, CreatedAt: now}
	g.activeAt(now)
	return g, s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertGrant(ctx, tx, g); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, Entry{OrgID: orgID, Action: "access_grant.create", TargetType: "access_grant", TargetID: g.ID,
			Changes: Diff(nil, Fields{"scope": g.Scope, "note": g.Note, "until": g.Until})})
	})
}

// Grants lists the organisation's grants, newest first (up to limit+1).
func (s *Access) Grants(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]Grant, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadAccessGrants); err != nil {
		return nil, err
	}
	list, err := s.store.Grants(ctx, a.Scope(), orgID, before, limit+1)
	now := s.clock.Now()
	for i := range list {
		list[i].activeAt(now)
	}
	return list, err
}

// RevokeGrant ends a grant at once; revoking it again changes nothing.
func (s *Access) RevokeGrant(ctx context.Context, a *actor.Actor, orgID, grantID string) (Grant, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.GrantDataAccess); err != nil {
		return Grant{}, err
	}
	var g Grant
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if g, err = s.store.Grant(ctx, tx, a.Scope(), orgID, grantID); err != nil || g.RevokedAt != nil {
			return err
		}
		now := s.clock.Now()
		if err := s.store.RevokeGrant(ctx, tx, g.ID, a.UserID, now); err != nil {
			return err
		}
		g.RevokedAt, g.RevokedBy = &now, &a.UserID
		return s.audit.Record(ctx, tx, Entry{OrgID: orgID, Action: "access_grant.revoke", TargetType: "access_grant", TargetID: g.ID,
			Changes: map[string]Change{"revoked_at": {After: now}}})
	})
	g.activeAt(s.clock.Now())
	return g, err
}

// CreateLawfulRequest records a lawful request by the authorities on the
// organisation and schedules telling its customer_admins on the disclosure date.
func (s *Access) CreateLawfulRequest(ctx context.Context, a *actor.Actor, orgID string, in LawfulRequestInput) (LawfulRequest, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.RecordLawfulRequests); err != nil {
		return LawfulRequest{}, err
	}
	now := s.clock.Now()
	until, err := in.normalize(now)
	if err != nil {
		return LawfulRequest{}, err
	}
	l := LawfulRequest{ID: id.New("lrq", now), OrgID: orgID, Authority: in.Authority, Reference: in.Reference, Scope: in.Scope,
		Note: in.Note, Until: until, DiscloseOn: in.DiscloseOn, CreatedBy: a.UserID, CreatedAt: now}
	l.stateAt(now)
	return l, s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertLawfulRequest(ctx, tx, l); err != nil {
			return err
		}
		if err := jobs.Enqueue(ctx, tx, now, DiscloseJob, disclosePayload{ID: l.ID}, l.DisclosureStart(), DiscloseJob+":"+l.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, withheldIfLawful(BasisLawfulRequest, Entry{OrgID: orgID, Action: "lawful_request.create",
			TargetType: "lawful_request", TargetID: l.ID, Changes: Diff(nil, Fields{"authority": l.Authority, "reference": l.Reference,
				"scope": l.Scope, "until": l.Until, "disclose_on": l.DiscloseOn})}))
	})
}

// LawfulRequests lists the organisation's lawful requests, newest first (up
// to limit+1): all for the vendor_admin, the disclosed ones for a customer_admin.
func (s *Access) LawfulRequests(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]LawfulRequest, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadLawfulRequests); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	list, err := s.store.LawfulRequests(ctx, a.Scope(), orgID, s.disclosedBy(a, now), before, limit+1)
	for i := range list {
		list[i].stateAt(now)
	}
	return list, err
}

// Log lists the organisation's data-access records, newest first (up to
// limit+1); a customer does not see reads on a lawful request before its
// disclosure date.
func (s *Access) Log(ctx context.Context, a *actor.Actor, orgID, before string, limit int) ([]Record, error) {
	if err := s.RequireInOrg(ctx, a, orgID, actor.ReadAccessLog); err != nil {
		return nil, err
	}
	return s.store.Records(ctx, a.Scope(), orgID, s.disclosedBy(a, s.clock.Now()), before, limit+1)
}

// disclosedBy is the Beijing date up to which lawful requests are shown to a:
// today for customer staff, no limit ("") for the vendor.
func (s *Access) disclosedBy(a *actor.Actor, now time.Time) string {
	if a.IsVendor() {
		return ""
	}
	return clock.BeijingDate(now)
}

type disclosePayload struct {
	ID string `json:"id"`
}

// RunDisclosure is the DiscloseJob handler: it tells the organisation's
// customer_admins about the lawful request named in the payload.
func (s *Access) RunDisclosure(ctx context.Context, payload []byte) error {
	var p disclosePayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return fmt.Errorf("disclose: payload: %w", err)
	}
	l, err := s.store.LawfulRequest(ctx, s.db, p.ID)
	if err != nil {
		return fmt.Errorf("disclose %s: %w", p.ID, err)
	}
	now := s.clock.Now()
	if l.DisclosureStart().After(now) {
		return fmt.Errorf("disclose %s: not before %s", l.ID, l.DiscloseOn)
	}
	l.stateAt(now)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if s.disclose != nil {
			if err := s.disclose(ctx, tx, Disclosure{Request: l, Link: PortalAccessPath}); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx, Entry{OrgID: l.OrgID, Action: "lawful_request.disclose", TargetType: "lawful_request", TargetID: l.ID})
	})
}
