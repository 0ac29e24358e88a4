package patch

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// The public patch pages, read without login like the lifecycle table: a
// product's published and withdrawn patches, and each one's release notes
// with its files' checksums and signatures, so that anyone can check a
// file they were given. Downloading stays in the customer's patch center.

// PublicPath is a patch's public page.
func PublicPath(product, number string) string {
	return "/patches/" + url.PathEscape(product) + "/" + url.PathEscape(number)
}

// PublicPages serve the public patch pages and the product's Atom feed.
type PublicPages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPublicPages returns the public page handlers.
func NewPublicPages(svc *Service, pages *web.Renderer) *PublicPages {
	return &PublicPages{svc: svc, pages: pages}
}

// Routes registers the pages; /patches/{product}.atom is the feed, since
// the router matches whole path segments.
func (p *PublicPages) Routes(rt *web.Router) {
	rt.Page("GET /patches/{product}", p.product)
	rt.Page("GET /patches/{product}/{number}", p.patch)
}

// Released returns a product's published and withdrawn patches, newest
// publication first; an unknown product is 404.
func (s *Service) Released(ctx context.Context, product string) ([]Patch, error) {
	if err := s.d.Product(ctx, product); err != nil {
		return nil, err
	}
	patches, err := s.published(ctx, product)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(patches, func(a, b Patch) int { return publishedAt(b).Compare(publishedAt(a)) })
	return patches, nil
}

// publishedAt is when p was published; zero for a patch withdrawn before
// publication was recorded, which sorts last.
func publishedAt(p Patch) time.Time {
	if p.PublishedAt == nil {
		return time.Time{}
	}
	return *p.PublishedAt
}

// ReleasedPatch returns a product's published or withdrawn patch by its
// number; a draft, like an unknown number, is 404.
func (s *Service) ReleasedPatch(ctx context.Context, product, number string) (Patch, error) {
	patches, err := s.Released(ctx, product)
	if err != nil {
		return Patch{}, err
	}
	for _, pt := range patches {
		if pt.Number == number {
			return pt, nil
		}
	}
	return Patch{}, problem.ErrNotFound
}

// publicListData fills patch_public_product.
type publicListData struct {
	Product string
	Patches []patchView
}

func (p *PublicPages) product(w http.ResponseWriter, r *http.Request) error {
	product := r.PathValue("product")
	if code, ok := strings.CutSuffix(product, ".atom"); ok {
		return p.feed(w, r, code)
	}
	patches, err := p.svc.Released(r.Context(), product)
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	data := publicListData{Product: product, Patches: make([]patchView, len(patches))}
	for i, pt := range patches {
		data.Patches[i] = viewOf(pt, lang)
	}
	return p.pages.Render(w, r, http.StatusOK, "patch_public_product", data)
}

// publicData fills patch_public: the patch as the pages show it, with what
// only the public page adds.
type publicData struct {
	Patch      patchView
	AppliesTo  string // in words
	Relations  []publicRelation
	Files      []signedFile
	PortalPath string // the patch in the customer's patch center
}

// publicRelation is one of requires, supersedes and conflicts_with, with a
// link to each patch it names.
type publicRelation struct {
	Name  string // the field, also in the label's i18n key
	Links []publicLink
}

type publicLink struct{ Number, Href string }

// signedFile is a file as the public page shows it: what steward patch
// verify checks.
type signedFile struct {
	Name, Size, SHA256, Signature, KeyID string
	Available                            bool
}

func (p *PublicPages) patch(w http.ResponseWriter, r *http.Request) error {
	product := r.PathValue("product")
	pt, err := p.svc.ReleasedPatch(r.Context(), product, r.PathValue("number"))
	if err != nil {
		return err
	}
	lang := web.Lang(r.Context())
	applies, _ := ParseAppliesTo(pt.AppliesTo) // stored only after parsing
	data := publicData{Patch: viewOf(pt, lang), AppliesTo: appliesWords(applies, lang),
		PortalPath: "/portal/patches/" + url.PathEscape(pt.ID)}
	for _, rel := range []publicRelation{{Name: "requires"}, {Name: "supersedes"}, {Name: "conflicts_with"}} {
		for _, n := range map[string][]string{"requires": pt.Requires, "supersedes": pt.Supersedes, "conflicts_with": pt.ConflictsWith}[rel.Name] {
			rel.Links = append(rel.Links, publicLink{Number: n, Href: PublicPath(product, n)})
		}
		if len(rel.Links) > 0 {
			data.Relations = append(data.Relations, rel)
		}
	}
	for _, f := range pt.Files {
		data.Files = append(data.Files, signedFile{Name: f.Name, Size: attachment.HumanSize(f.Size), SHA256: f.SHA256,
			Signature: f.Signature, KeyID: f.KeyID, Available: f.Status == FileAvailable})
	}
	return p.pages.Render(w, r, http.StatusOK, "patch_public", data)
}

// appliesWords says which versions a applies to in lang: each comparison
// in words, joined by "and" within an alternative and "or" between them.
func appliesWords(a AppliesTo, lang i18n.Lang) string {
	alternatives := make([]string, len(a.alternatives))
	for i, alt := range a.alternatives {
		words := make([]string, len(alt))
		for j, c := range alt {
			words[j] = i18n.T(lang, "patch_public.applies."+operatorWords[c.op], map[string]any{"version": c.version.String()})
		}
		alternatives[i] = strings.Join(words, i18n.T(lang, "patch_public.applies.and", nil))
	}
	return strings.Join(alternatives, i18n.T(lang, "patch_public.applies.or", nil))
}

// operatorWords names each operator's message.
var operatorWords = [...]string{opEqual: "equal", opAtLeast: "at_least", opAtMost: "at_most", opAbove: "above", opBelow: "below"}
