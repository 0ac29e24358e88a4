package patch

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
)

// requireOrg checks that the organisation is visible to the actor (else
// 404) and that the actor may read its services (else 403).
func (s *Service) requireOrg(ctx context.Context, a *actor.Actor, orgID string) error {
	if a == nil {
		return problem.ErrUnauthenticated
	}
	if _, err := s.d.Orgs(ctx, a, orgID); err != nil {
		return err
	}
	if !a.Can(actor.ReadServices) {
		return problem.ErrForbidden
	}
	return nil
}

// published returns a product's patches that customers see (published and
// withdrawn), in creation order.
func (s *Service) published(ctx context.Context, product string) ([]Patch, error) {
	all, err := s.d.Store.Product(ctx, s.d.Store.DB(), product)
	out := all[:0]
	for _, p := range all {
		if p.Status != Draft {
			out = append(out, p)
		}
	}
	return out, err
}

// OrgPatch is a published patch with the organisation's contracts it
// applies to.
type OrgPatch struct {
	Patch
	Contracts []OrgContract `json:"contracts"`
}

// OrgPatches is the answer of GET /api/v1/orgs/{org}/patches.
type OrgPatches struct {
	Items      []OrgPatch    `json:"items"`
	NextCursor string        `json:"next_cursor"` // always the last page
	Contracts  []OrgContract `json:"contracts"`   // the active contracts considered
}

// OrgPatches lists the published patches that apply to the organisation's
// active contracts (product, and version by applies_to), by product then
// creation order.
func (s *Service) OrgPatches(ctx context.Context, a *actor.Actor, orgID string) (OrgPatches, error) {
	if err := s.requireOrg(ctx, a, orgID); err != nil {
		return OrgPatches{}, err
	}
	contracts, err := s.d.Contracts(ctx, orgID)
	if err != nil {
		return OrgPatches{}, err
	}
	out := OrgPatches{Items: []OrgPatch{}, Contracts: append([]OrgContract{}, contracts...)}
	byProduct := map[string][]OrgContract{}
	for _, c := range contracts {
		byProduct[c.Product] = append(byProduct[c.Product], c)
	}
	products := make([]string, 0, len(byProduct))
	for p := range byProduct {
		products = append(products, p)
	}
	sort.Strings(products)
	for _, product := range products {
		patches, err := s.published(ctx, product)
		if err != nil {
			return OrgPatches{}, err
		}
		for _, p := range patches {
			if p.Status != Published {
				continue
			}
			applies, _ := ParseAppliesTo(p.AppliesTo)
			op := OrgPatch{Patch: p, Contracts: []OrgContract{}}
			for _, c := range byProduct[product] {
				if applies.Matches(c.Version) {
					op.Contracts = append(op.Contracts, c)
				}
			}
			if len(op.Contracts) > 0 {
				out.Items = append(out.Items, op)
			}
		}
	}
	return out, nil
}

// PlanRequest asks what to install: Product and Version default to the
// organisation's only contract's; Installed are patch numbers.
type PlanRequest struct {
	Product, Version string
	Installed        []string
}

// maxInstalled bounds the installed list of a plan request.
const maxInstalled = 2000

// PlanView is a plan with each patch's title, type and files, and the
// reasons in words.
type PlanView struct {
	Product   string         `json:"product"`
	Version   string         `json:"version"`
	Installed []string       `json:"installed"`
	Steps     []PlanStep     `json:"steps"`
	Conflicts []PlanConflict `json:"conflicts"`
	Blocked   []PlanBlocked  `json:"blocked"`
}

// PlanStep is a patch to install, in order.
type PlanStep struct {
	Step
	Type  string `json:"type"`
	Title Text   `json:"title"`
	Files []File `json:"files"`
}

// PlanConflict names both patches of a declared conflict with their titles
// (an installed patch's title when the product has it).
type PlanConflict struct {
	Conflict
	Title     Text `json:"title"`
	WithTitle Text `json:"with_title"`
}

// PlanBlocked is a patch that cannot be installed, with why in words.
type PlanBlocked struct {
	Blocked
	Title Text `json:"title"`
	Text  Text `json:"text"`
}

// OrgPlan answers what the organisation should install on a version of a
// product: MakePlan over the product's published and withdrawn patches.
func (s *Service) OrgPlan(ctx context.Context, a *actor.Actor, orgID string, req PlanRequest) (PlanView, error) {
	if err := s.requireOrg(ctx, a, orgID); err != nil {
		return PlanView{}, err
	}
	contracts, err := s.d.Contracts(ctx, orgID)
	if err != nil {
		return PlanView{}, err
	}
	if err := s.completePlanRequest(ctx, &req, contracts); err != nil {
		return PlanView{}, err
	}
	patches, err := s.published(ctx, req.Product)
	if err != nil {
		return PlanView{}, err
	}
	nodes, byNumber := make([]Node, len(patches)), map[string]Patch{}
	for i, p := range patches {
		nodes[i], byNumber[p.Number] = p.node(), p
	}
	plan := MakePlan(nodes, req.Version, req.Installed)
	view := PlanView{Product: req.Product, Version: req.Version, Installed: req.Installed, Steps: []PlanStep{},
		Conflicts: []PlanConflict{}, Blocked: []PlanBlocked{}}
	for _, st := range plan.Steps {
		p := byNumber[st.Number]
		view.Steps = append(view.Steps, PlanStep{Step: st, Type: p.Type, Title: p.Title, Files: p.Files})
	}
	for _, c := range plan.Conflicts {
		view.Conflicts = append(view.Conflicts, PlanConflict{Conflict: c, Title: byNumber[c.Number].Title, WithTitle: byNumber[c.With].Title})
	}
	for _, b := range plan.Blocked {
		view.Blocked = append(view.Blocked, PlanBlocked{Blocked: b, Title: byNumber[b.Number].Title,
			Text: Text{Zh: i18n.T(i18n.Chinese, b.Reason, nil), En: i18n.T(i18n.English, b.Reason, nil)}})
	}
	return view, nil
}

// completePlanRequest checks a plan request and fills in the product and
// version from the organisation's contracts when they are left out.
func (s *Service) completePlanRequest(ctx context.Context, req *PlanRequest, contracts []OrgContract) error {
	req.Product, req.Version = strings.TrimSpace(req.Product), strings.TrimSpace(req.Version)
	if req.Product == "" {
		req.Product = only(contracts, func(c OrgContract) string { return c.Product })
		if req.Product == "" {
			return problem.InvalidField("product", "field.patch_plan_product")
		}
	}
	if err := s.d.Product(ctx, req.Product); errors.Is(err, problem.ErrNotFound) {
		return problem.InvalidField("product", "field.product_unknown")
	} else if err != nil {
		return err
	}
	if req.Version == "" {
		var ofProduct []OrgContract
		for _, c := range contracts {
			if c.Product == req.Product {
				ofProduct = append(ofProduct, c)
			}
		}
		req.Version = only(ofProduct, func(c OrgContract) string { return c.Version })
		if req.Version == "" {
			return problem.InvalidField("version", "field.patch_plan_version")
		}
	}
	if !ValidVersion(req.Version) {
		return problem.InvalidField("version", "field.patch_version")
	}
	var bad problem.Invalid
	installed := make([]string, 0, len(req.Installed))
	for _, n := range req.Installed {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !validNumber(n) {
			bad.Add("installed", "field.patch_number")
			break
		}
		installed = append(installed, n)
	}
	if len(installed) > maxInstalled {
		bad.Add("installed", "field.patch_relations_many")
	}
	req.Installed = installed
	return bad.Err()
}

// only returns the value every contract has, or "" when they have none or
// several.
func only(contracts []OrgContract, value func(OrgContract) string) string {
	v := ""
	for _, c := range contracts {
		if v != "" && value(c) != v {
			return ""
		}
		v = value(c)
	}
	return v
}

// Stats is a patch's download counts by file and organisation.
type Stats struct {
	PatchID string          `json:"patch_id"`
	Total   int64           `json:"total"`
	Items   []DownloadCount `json:"items"`
}

// Stats returns a patch's download counts, for vendor staff. Counts reach
// the database with each instance's periodic flush (every 30 seconds).
func (s *Service) Stats(ctx context.Context, a *actor.Actor, patchID string) (Stats, error) {
	if !a.IsVendor() {
		return Stats{}, problem.ErrForbidden
	}
	if _, err := s.d.Store.Get(ctx, s.d.Store.DB(), patchID); err != nil {
		return Stats{}, err
	}
	items, err := s.d.Store.Downloads(ctx, patchID)
	st := Stats{PatchID: patchID, Items: items}
	if st.Items == nil {
		st.Items = []DownloadCount{}
	}
	for _, c := range items {
		st.Total += c.Count
	}
	return st, err
}

// Signature is what `steward patch verify` looks up for a file's content.
type Signature struct {
	SHA256    string          `json:"sha256"`
	Size      int64           `json:"size"`
	Signature string          `json:"signature"`
	KeyID     string          `json:"key_id"`
	Files     []SignatureFile `json:"files"`
}

// SignatureFile is a published file with that content.
type SignatureFile struct {
	PatchID string `json:"patch_id"`
	Number  string `json:"number"`
	Product string `json:"product"`
	Name    string `json:"name"`
	Status  string `json:"status"`
}

// ErrBadSHA256 is a lookup for something that is not a SHA-256.
var ErrBadSHA256 = &problem.Error{Status: http.StatusBadRequest, Code: "request.invalid",
	Fields: []problem.Field{{Field: "sha256", Message: "field.sha256"}}}

// Signature looks up the published files with the content (public); 404
// when no published patch has it. The newest file's signature is given.
func (s *Service) Signature(ctx context.Context, sha string) (Signature, error) {
	sha = strings.ToLower(sha)
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return Signature{}, ErrBadSHA256
	}
	files, err := s.d.Store.BySHA256(ctx, sha)
	if err != nil {
		return Signature{}, err
	}
	if len(files) == 0 {
		return Signature{}, problem.ErrNotFound
	}
	out := Signature{SHA256: sha, Files: make([]SignatureFile, 0, len(files))}
	for _, f := range files {
		if !f.CreatedAt.Before(newest(files).CreatedAt) {
			out.Size, out.Signature, out.KeyID = f.Size, f.Signature, f.KeyID
		}
		out.Files = append(out.Files, SignatureFile{PatchID: f.PatchID, Number: f.Number, Product: f.Product, Name: f.Name, Status: f.Status})
	}
	return out, nil
}

func newest(files []Signed) Signed {
	n := files[0]
	for _, f := range files[1:] {
		if f.CreatedAt.After(n.CreatedAt) {
			n = f
		}
	}
	return n
}

// Latest is a version's newest published patch.
type Latest struct {
	Number string // the patch number
	Date   string // the Beijing day it was published
	Path   string // its public page
}

// Latest returns the newest published patch that applies to a version of a
// product (for the lifecycle table's latest patch level); nil when none does.
func (s *Service) Latest(ctx context.Context, product, version string) (*Latest, error) {
	patches, err := s.published(ctx, product)
	if err != nil {
		return nil, err
	}
	var best *Patch
	for i, p := range patches {
		applies, _ := ParseAppliesTo(p.AppliesTo)
		if p.Status == Published && applies.Matches(version) && (best == nil || !p.PublishedAt.Before(*best.PublishedAt)) {
			best = &patches[i]
		}
	}
	if best == nil {
		return nil, nil
	}
	return &Latest{Number: best.Number, Date: clock.BeijingDate(*best.PublishedAt), Path: PublicPath(product, best.Number)}, nil
}
