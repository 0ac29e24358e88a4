package patch

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/blob"
	"steward.dev/steward/internal/platform/problem"
)

// requester is who asks for a file's bytes: vendor staff, or an
// organisation (a customer logged in, or the organisation a signed link is
// bound to).
type requester struct {
	vendor bool
	orgID  string
}

func requesterOf(a *actor.Actor) requester { return requester{vendor: a.IsVendor(), orgID: a.OrgID} }

// MayDownload answers nil when the organisation may download the product's
// patches now: its patch_download entitlement is active (else 403 with the
// entitlement's reason) and it has a contract for the product (else 403
// patch.product_not_in_contract). Vendor staff always may.
func (s *Service) MayDownload(ctx context.Context, a *actor.Actor, product string) error {
	if a == nil {
		return problem.ErrUnauthenticated
	}
	return s.mayDownload(ctx, requesterOf(a), product)
}

func (s *Service) mayDownload(ctx context.Context, who requester, product string) error {
	if who.vendor {
		return nil
	}
	if err := s.d.Entitled(ctx, who.orgID, s.d.Clock.Now()); err != nil {
		return err
	}
	contracts, err := s.d.Contracts(ctx, who.orgID)
	if err != nil {
		return err
	}
	for _, c := range contracts {
		if c.Product == product {
			return nil
		}
	}
	return ErrNoContract.With("product", product)
}

// Open returns a file of a patch and its bytes (an *os.File on local
// storage) for the actor to download; the caller closes them.
func (s *Service) Open(ctx context.Context, a *actor.Actor, patchID, name string) (Patch, File, io.ReadSeekCloser, error) {
	if a == nil {
		return Patch{}, File{}, nil, problem.ErrUnauthenticated
	}
	return s.open(ctx, requesterOf(a), patchID, name)
}

// open checks, in this order: the patch is visible (drafts only to vendor
// staff: 404), the requester may download (403), the patch is not
// withdrawn (410 with the reason), the file exists (404) and is in service
// (503 while quarantined).
func (s *Service) open(ctx context.Context, who requester, patchID, name string) (Patch, File, io.ReadSeekCloser, error) {
	p, err := s.d.Store.Get(ctx, s.d.Store.DB(), patchID)
	if err != nil {
		return Patch{}, File{}, nil, err
	}
	if p.Status == Draft && !who.vendor {
		return Patch{}, File{}, nil, problem.ErrNotFound
	}
	if err := s.mayDownload(ctx, who, p.Product); err != nil {
		return Patch{}, File{}, nil, err
	}
	if p.Status == Withdrawn {
		return Patch{}, File{}, nil, errWithdrawn(p)
	}
	f, ok := p.File(name)
	if !ok {
		return Patch{}, File{}, nil, problem.ErrNotFound
	}
	if f.Status != FileAvailable {
		return Patch{}, File{}, nil, ErrQuarantined.With("name", f.Name)
	}
	body, _, err := s.d.Blobs.Open(ctx, f.SHA256)
	if errors.Is(err, blob.ErrNotFound) { // the scrub will quarantine it and tell the vendor
		return Patch{}, File{}, nil, ErrQuarantined.With("name", f.Name)
	}
	return p, f, body, err
}

// ETag is a file's strong entity tag: its content's SHA-256.
func (f File) ETag() string { return `"sha256:` + f.SHA256 + `"` }

// Serve sends a file's bytes and closes body: Range, If-Range, ETag, HEAD
// and 416 come from http.ServeContent, which hands an *os.File to the
// kernel's sendfile. A download that starts at byte 0 is counted for the
// organisation (not vendor staff's, not every ranged piece of a download
// manager's).
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, orgID string, p Patch, f File, body io.ReadSeekCloser) {
	defer body.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", attachment.ContentDisposition(f.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-transform")
	h.Set("ETag", f.ETag())
	if raw, err := hex.DecodeString(f.SHA256); err == nil {
		h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":")
	}
	h.Set("X-Steward-Signature", f.Signature)
	h.Set("X-Steward-Key-Id", f.KeyID)
	// A large file takes longer than the server's read timeout to send; the
	// request has been read, so lift the deadlines for this connection.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // not supported by test recorders: nothing to lift there
	_ = rc.SetWriteDeadline(time.Time{})
	if orgID != "" && r.Method == http.MethodGet && !notModified(r, f) && StartsAtZero(effectiveRange(r, f), f.Size) {
		s.Downloads.Add(p.ID, f.Name, orgID)
	}
	http.ServeContent(w, r, "", f.CreatedAt, body)
}

// notModified reports whether http.ServeContent answers 304: an
// If-None-Match naming the file's entity tag (or *), or else an
// If-Modified-Since not before it was stored.
func notModified(r *http.Request, f File) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			if tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/"); tag == "*" || tag == f.ETag() {
				return true
			}
		}
		return false
	}
	t, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && f.CreatedAt.Unix() <= t.Unix()
}

// effectiveRange is the Range header http.ServeContent will honour: none
// when an If-Range names another entity tag or another modification time.
func effectiveRange(r *http.Request, f File) string {
	rng := r.Header.Get("Range")
	ir := strings.TrimSpace(r.Header.Get("If-Range"))
	if rng == "" || ir == "" {
		return rng
	}
	if strings.HasPrefix(ir, `"`) || strings.HasPrefix(ir, `W/`) {
		if ir == f.ETag() {
			return rng
		}
		return ""
	}
	if t, err := http.ParseTime(ir); err == nil && t.Unix() == f.CreatedAt.Unix() {
		return rng
	}
	return ""
}

// StartsAtZero reports whether a GET of a file of size bytes with this
// Range header is answered from the file's first byte, the way
// http.ServeContent answers it: no header, a satisfiable set of ranges
// whose first starts at 0, or ranges that together ask for more than the
// file (served whole). An empty file is always served whole; a header it
// refuses (416) starts nowhere.
func StartsAtZero(header string, size int64) bool {
	ranges, err := ParseRange(header, size)
	if err != nil {
		return size == 0 && errors.Is(err, ErrRangeNoOverlap)
	}
	var total int64
	for _, r := range ranges {
		total += r.Length
	}
	return len(ranges) == 0 || total > size || ranges[0].Start == 0
}

// ByteRange is a satisfiable piece of a file: Length bytes from Start.
type ByteRange struct{ Start, Length int64 }

// Errors of ParseRange: both are a 416 from http.ServeContent.
var (
	ErrRangeSyntax    = errors.New("patch: malformed Range")
	ErrRangeNoOverlap = errors.New("patch: no range overlaps the file")
)

// ParseRange reads a Range header (RFC 9110 §14.1.2, bytes only) for a file
// of size bytes into its satisfiable ranges, in the order asked, clipped to
// the file. An empty header is no ranges; ranges that all begin past the
// end are ErrRangeNoOverlap; anything malformed is ErrRangeSyntax.
func ParseRange(header string, size int64) ([]ByteRange, error) {
	if header == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok {
		return nil, ErrRangeSyntax
	}
	var out []ByteRange
	beyond := false
	for _, part := range strings.Split(spec, ",") {
		part = trimOWS(part)
		if part == "" {
			continue
		}
		first, last, ok := strings.Cut(part, "-")
		if !ok {
			return nil, ErrRangeSyntax
		}
		first, last = trimOWS(first), trimOWS(last)
		if first == "" { // a suffix: the last N bytes
			n, err := strconv.ParseInt(last, 10, 64)
			if last == "" || last[0] == '-' || err != nil || n < 0 {
				return nil, ErrRangeSyntax
			}
			n = min(n, size)
			out = append(out, ByteRange{Start: size - n, Length: n})
			continue
		}
		start, err := strconv.ParseInt(first, 10, 64)
		if err != nil || start < 0 {
			return nil, ErrRangeSyntax
		}
		if start >= size {
			beyond = true
			continue
		}
		end := size - 1
		if last != "" {
			e, err := strconv.ParseInt(last, 10, 64)
			if err != nil || e < start {
				return nil, ErrRangeSyntax
			}
			end = min(e, size-1)
		}
		out = append(out, ByteRange{Start: start, Length: end - start + 1})
	}
	if beyond && len(out) == 0 {
		return nil, ErrRangeNoOverlap
	}
	return out, nil
}

// trimOWS drops the spaces and tabs around a list element (and CR and LF,
// as net/textproto does).
func trimOWS(s string) string { return strings.Trim(s, " \t\r\n") }
