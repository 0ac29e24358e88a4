package license

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/pkg/licensefile"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted, in bytes.
const maxIdempotencyKey = 200

// maxReason is the longest revocation reason, in characters.
const maxReason = 500

// Deps are what the service needs.
type Deps struct {
	Store     *Store
	Audit     *audit.Recorder
	Clock     clock.Clock
	Contracts *contract.Service
	Products  *lifecycle.Service
	// Entitled is nil when the organisation may use license_upgrade at the
	// instant, else the entitlement engine's refusal.
	Entitled func(ctx context.Context, orgID string, at time.Time) error
	// Sign signs a message with the vendor's current key and names the key
	// (signing.Keyring.Sign).
	Sign func(msg []byte) (sig []byte, keyID string)
}

// Service holds the license use cases: vendor staff with IssueLicenses
// (agent, vendor_admin) issue and revoke; the organisation's customer_admin
// and the same staff upgrade; the organisation's own staff and vendor staff
// read.
type Service struct{ d Deps }

// NewService returns the license service.
func NewService(d Deps) *Service { return &Service{d: d} }

// RequireInOrg checks that the organisation exists and the actor may see it
// (else 404), then that the actor holds p (else 403 role.forbidden), and
// returns the organisation's name: the contract room's check, as a license
// belongs to a contract. Handlers call it before reading a body.
func (s *Service) RequireInOrg(ctx context.Context, a *actor.Actor, orgID string, p actor.Permission) (string, error) {
	return s.d.Contracts.RequireInOrg(ctx, a, orgID, p)
}

func (s *Service) today() string { return clock.BeijingDate(s.d.Clock.Now()) }

// withStatus fills in the status for today and the organisation's name.
func (s *Service) withStatus(l License, orgName string) License {
	l.Status, l.OrgName = statusOn(l.stored, l.ValidUntil, s.today()), orgName
	return l
}

// List returns a page of an organisation's licenses, newest first.
func (s *Service) List(ctx context.Context, a *actor.Actor, orgID, after string, limit int) ([]License, error) {
	name, err := s.RequireInOrg(ctx, a, orgID, actor.ReadServices)
	if err != nil {
		return nil, err
	}
	list, err := s.d.Store.List(ctx, a.Scope(), orgID, after, limit)
	for i := range list {
		list[i] = s.withStatus(list[i], name)
	}
	if list == nil {
		list = []License{}
	}
	return list, err
}

// Get returns a license the actor may read; another organisation's is 404.
func (s *Service) Get(ctx context.Context, a *actor.Actor, licenseID string) (License, error) {
	l, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), licenseID)
	if err != nil {
		return License{}, err
	}
	name, err := s.RequireInOrg(ctx, a, l.OrgID, actor.ReadServices)
	return s.withStatus(l, name), err
}

// File returns a license with its signed file's bytes.
func (s *Service) File(ctx context.Context, a *actor.Actor, licenseID string) (License, []byte, error) {
	l, err := s.Get(ctx, a, licenseID)
	return l, l.file, err
}

// contractOf returns the organisation's contract by id (system read): a
// contract of another organisation or none at all is ErrContract.
func (s *Service) contractOf(ctx context.Context, orgID, contractID string) (contract.Contract, error) {
	all, err := s.d.Contracts.OrgContracts(ctx, orgID)
	if err != nil {
		return contract.Contract{}, err
	}
	i := slices.IndexFunc(all, func(c contract.Contract) bool { return c.ID == contractID })
	switch {
	case contractID == "":
		return contract.Contract{}, problem.InvalidField("contract_id", "field.required")
	case i < 0:
		return contract.Contract{}, ErrContract.With("contract_id", contractID)
	case all[i].Status != contract.Active:
		return contract.Contract{}, ErrContractEnded.With("contract_id", contractID)
	}
	return all[i], nil
}

// sign makes the license's file and names its key.
func (s *Service) sign(l *License) error {
	file, err := licensefile.Encode(licensefile.License{LicenseID: l.ID, OrgID: l.OrgID, OrgName: l.OrgName, Product: l.Product,
		Version: l.Version, Deployment: l.Deployment, Modules: l.Modules, Users: l.Users, IssuedAt: l.IssuedAt,
		ValidFrom: l.ValidFrom, ValidUntil: l.ValidUntil, Supersedes: l.Supersedes}, s.d.Sign)
	if err != nil {
		return err
	}
	parsed, err := licensefile.Parse(file)
	if err != nil {
		return err
	}
	l.file, l.KeyID, l.Modules = file, parsed.License.KeyID, parsed.License.Modules
	return nil
}

// fromContract is a new active license on the contract's terms at version.
func (s *Service) fromContract(a *actor.Actor, orgName string, c contract.Contract, version string) License {
	now := s.d.Clock.Now().Truncate(time.Second)
	by := a.UserID
	if by == "" {
		by = audit.SystemActor
	}
	return License{ID: id.New("lic", now), OrgID: c.OrgID, OrgName: orgName, ContractID: c.ID, Product: c.Product,
		Version: version, Deployment: c.Deployment, Modules: slices.Clone(c.Modules), Users: c.Users,
		ValidFrom: c.StartsOn, ValidUntil: c.EndsOn, IssuedAt: now, IssuedBy: by, stored: Active}
}

// Issue signs a license on an active contract's terms: its modules, users,
// version, deployment and period.
func (s *Service) Issue(ctx context.Context, a *actor.Actor, orgID string, in IssueInput) (License, error) {
	name, err := s.RequireInOrg(ctx, a, orgID, actor.IssueLicenses)
	if err != nil {
		return License{}, err
	}
	return s.issue(ctx, a, name, orgID, strings.TrimSpace(in.ContractID), "")
}

func (s *Service) issue(ctx context.Context, a *actor.Actor, orgName, orgID, contractID, licenseID string) (License, error) {
	c, err := s.contractOf(ctx, orgID, contractID)
	if err != nil {
		return License{}, err
	}
	l := s.fromContract(a, orgName, c, c.Version)
	if licenseID != "" {
		l.ID = licenseID
	}
	if err := s.sign(&l); err != nil {
		return License{}, err
	}
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Insert(ctx, tx, l, "", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, "license.issue", l, nil)
	})
	return s.withStatus(l, orgName), err
}

func (s *Service) record(ctx context.Context, tx *db.Tx, action string, l License, changes map[string]audit.Change) error {
	if changes == nil {
		changes = audit.Diff(nil, audit.Fields{"contract_id": l.ContractID, "product": l.Product, "version": l.Version,
			"deployment": l.Deployment, "modules": l.Modules, "users": l.Users, "valid_from": l.ValidFrom,
			"valid_until": l.ValidUntil, "supersedes": l.Supersedes, "key_id": l.KeyID})
	}
	return s.d.Audit.Record(ctx, tx, audit.Entry{OrgID: l.OrgID, Action: action, TargetType: "license", TargetID: l.ID, Changes: changes})
}

// Upgrade exchanges an active license for one on a newer released version
// (by default the product's newest) with exactly the same modules and users
// and the subscription's period; the old license is superseded and the
// contract moves to the new version. Only while the organisation's
// license_upgrade entitlement is active. With an Idempotency-Key, a repeat
// returns the first upgrade's license (created is false then).
func (s *Service) Upgrade(ctx context.Context, a *actor.Actor, licenseID string, in UpgradeInput, key string) (l License, created bool, err error) {
	old, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), licenseID)
	if err != nil {
		return License{}, false, err
	}
	name, err := s.RequireInOrg(ctx, a, old.OrgID, actor.UpgradeLicenses)
	if err != nil {
		return License{}, false, err
	}
	if len(key) > maxIdempotencyKey || strings.IndexFunc(key, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return License{}, false, problem.InvalidField("Idempotency-Key", "field.idempotency_key")
	}
	asked := strings.TrimSpace(in.ToVersion)
	request := licenseID + "\n" + asked
	if key != "" {
		if first, ok, err := s.repeated(ctx, old.OrgID, key, request, name); ok || err != nil {
			return first, false, err
		}
	}
	target, c, err := s.upgradePlan(ctx, old, asked)
	if err != nil {
		return License{}, false, err
	}
	l = s.fromContract(a, name, c, target.Name)
	l.Modules, l.Users, l.Supersedes = slices.Clone(old.Modules), old.Users, old.ID
	if err := s.sign(&l); err != nil {
		return License{}, false, err
	}
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.Insert(ctx, tx, l, key, request); err != nil {
			return err
		}
		switch done, err := s.d.Store.MarkSuperseded(ctx, tx, old.ID, l.ID); {
		case err != nil:
			return err
		case !done:
			return ErrNotActive.With("status", Superseded)
		}
		if err := s.d.Contracts.MoveVersion(ctx, tx, l.OrgID, l.ContractID, l.Version); err != nil {
			return err
		}
		if err := s.record(ctx, tx, "license.upgrade", l, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, "license.supersede", old, map[string]audit.Change{
			"status": {Before: Active, After: Superseded}, "superseded_by": {Before: nil, After: l.ID}})
	})
	if key != "" && db.IsUniqueViolation(err) { // the same key's upgrade committed meanwhile
		first, _, err := s.repeated(ctx, old.OrgID, key, request, name)
		return first, false, err
	}
	if err != nil {
		return License{}, false, err
	}
	s.d.Contracts.VersionMoved(l.OrgID)
	return s.withStatus(l, name), true, nil
}

// upgradePlan checks that the license may be upgraded to asked (or the
// newest released version) now and returns the version and the contract.
func (s *Service) upgradePlan(ctx context.Context, old License, asked string) (lifecycle.Version, contract.Contract, error) {
	if st := statusOn(old.stored, old.ValidUntil, s.today()); st != Active {
		return lifecycle.Version{}, contract.Contract{}, ErrNotActive.With("status", st)
	}
	if err := s.d.Entitled(ctx, old.OrgID, s.d.Clock.Now()); err != nil {
		return lifecycle.Version{}, contract.Contract{}, withInstead(err)
	}
	versions, err := s.d.Products.Versions(ctx, old.Product)
	if err != nil {
		return lifecycle.Version{}, contract.Contract{}, err
	}
	target, err := upgradeTo(versions, old.Version, asked, s.today())
	if err != nil {
		return lifecycle.Version{}, contract.Contract{}, err
	}
	c, err := s.contractOf(ctx, old.OrgID, old.ContractID)
	return target, c, err
}

// UpgradeOffer is what an upgrade of an active license would give now: the
// newest released version, or why there is none (the entitlement's refusal
// or no newer version), for the portal's button.
func (s *Service) UpgradeOffer(ctx context.Context, l License) (string, error) {
	target, _, err := s.upgradePlan(ctx, l, "")
	return target.Name, err
}

// repeated returns the license an earlier upgrade with key made (ok), or
// ErrIdemReused when that upgrade asked for something else.
func (s *Service) repeated(ctx context.Context, orgID, key, request, orgName string) (License, bool, error) {
	first, firstRequest, err := s.d.Store.ByIdempotencyKey(ctx, s.d.Store.DB(), orgID, key)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return License{}, false, nil
	case err != nil:
		return License{}, false, err
	case firstRequest != request:
		return License{}, false, ErrIdemReused
	}
	return s.withStatus(first, orgName), true, nil
}

// withInstead adds to the entitlement engine's refusal what the customer can
// do instead of an upgrade.
func withInstead(err error) error {
	pe, ok := problem.As(err)
	if !ok || pe.Status != http.StatusForbidden {
		return err
	}
	c := *pe
	c.Extra = map[string]any{}
	for k, v := range pe.Extra {
		c.Extra[k] = v
	}
	c.Extra["instead"] = Instead
	return &c
}

// Instead is what a customer without the upgrade entitlement can do.
var Instead = catalog.Text{
	Zh: "许可升级仅面向订阅客户（公有云、私有云订阅）。永久许可客户如需新版本许可，请联系您的客户经理购买新版本许可或转为订阅；订阅已到期的客户请先续订。",
	En: "License upgrades are for subscription customers (public cloud, private cloud subscription). With a perpetual license, contact your account manager to buy a license for the new version or move to a subscription; if your subscription has ended, renew it first.",
}

// Revoke revokes a license with a reason and publishes a new revocation
// list, in one transaction: the list's sequence grows by one.
func (s *Service) Revoke(ctx context.Context, a *actor.Actor, licenseID string, in RevokeInput) (License, error) {
	l, err := s.d.Store.Get(ctx, s.d.Store.DB(), a.Scope(), licenseID)
	if err != nil {
		return License{}, err
	}
	name, err := s.RequireInOrg(ctx, a, l.OrgID, actor.IssueLicenses)
	if err != nil {
		return License{}, err
	}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case reason == "":
		return License{}, problem.InvalidField("reason", "field.required")
	case len([]rune(reason)) > maxReason:
		return License{}, problem.InvalidField("reason", "field.too_long")
	}
	if l.stored == Revoked {
		return s.withStatus(l, name), nil
	}
	now := s.d.Clock.Now().Truncate(time.Second)
	err = s.d.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.d.Store.MarkRevoked(ctx, tx, l.ID, now, reason); err != nil {
			return err
		}
		if err := s.publishRevocations(ctx, tx, now); err != nil {
			return err
		}
		return s.record(ctx, tx, "license.revoke", l, map[string]audit.Change{
			"status": {Before: l.stored, After: Revoked}, "revoked_reason": {Before: nil, After: reason}})
	})
	if err != nil {
		return License{}, err
	}
	l.stored, l.RevokedAt, l.RevokedReason = Revoked, &now, reason
	return s.withStatus(l, name), nil
}

// publishRevocations signs the list of every revoked license under the next
// sequence number and stores it.
func (s *Service) publishRevocations(ctx context.Context, tx *db.Tx, now time.Time) error {
	seq, err := s.d.Store.NextRevocationSequence(ctx, tx)
	if err != nil {
		return err
	}
	revoked, err := s.d.Store.Revoked(ctx, tx)
	if err != nil {
		return err
	}
	doc, err := s.revocationList(seq, now, revoked)
	if err != nil {
		return err
	}
	return s.d.Store.SaveRevocationList(ctx, tx, doc)
}

func (s *Service) revocationList(seq int64, now time.Time, revoked []License) ([]byte, error) {
	rl := licensefile.RevocationList{Sequence: seq, IssuedAt: now, Revoked: []licensefile.Revocation{}}
	for _, l := range revoked {
		rl.Revoked = append(rl.Revoked, licensefile.Revocation{LicenseID: l.ID, RevokedAt: *l.RevokedAt, Reason: l.RevokedReason})
	}
	return licensefile.EncodeRevocationList(rl, s.d.Sign)
}

// RevocationList returns the current signed revocation list document;
// before the first revocation, an empty list of sequence 0 signed now.
func (s *Service) RevocationList(ctx context.Context) ([]byte, error) {
	doc, err := s.d.Store.RevocationList(ctx)
	if err != nil || len(doc) > 0 {
		return doc, err
	}
	return s.revocationList(0, s.d.Clock.Now(), nil)
}

// EnsureDemo issues a license with a fixed id on a demo contract unless the
// contract has one already (demo data, idempotent across restarts).
func (s *Service) EnsureDemo(ctx context.Context, orgID, contractID, licenseID string) error {
	have, err := s.d.Store.ByContract(ctx, s.d.Store.DB(), contractID)
	if err != nil || len(have) > 0 {
		return err
	}
	system := &actor.Actor{Role: actor.VendorAdmin}
	name, err := s.RequireInOrg(ctx, system, orgID, actor.IssueLicenses)
	if err != nil {
		return err
	}
	_, err = s.issue(ctx, system, name, orgID, contractID, licenseID)
	return err
}
