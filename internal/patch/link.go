package patch

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// MaxLinkTTL is the longest a download link lives (and its default).
const MaxLinkTTL = 24 * time.Hour

// Errors of signed links: both 403, and the problem says what to do.
var (
	ErrLinkInvalid = problem.New(http.StatusForbidden, "patch.link_invalid")
	ErrLinkExpired = problem.New(http.StatusForbidden, "patch.link_expired")
)

// Link is a signed URL of a file that works without a token, for download
// managers that resume and split downloads.
type Link struct {
	URL       string    `json:"url"` // absolute when made by the API
	ExpiresAt time.Time `json:"expires_at"`
}

// The query parameters of a signed link. The MAC covers the patch, the file
// name, the organisation ("" for vendor staff) and the expiry, so changing
// any part of the URL breaks it.
const (
	linkOrg     = "org"
	linkExpires = "expires"
	linkSig     = "sig"
)

// IsLink reports whether a request's query carries a signed link.
func IsLink(q url.Values) bool { return q.Has(linkSig) || q.Has(linkExpires) || q.Has(linkOrg) }

// LoadLinkKey returns the key that signs download links, kept in settings
// so that every instance accepts every instance's links; it is made on
// first use.
func LoadLinkKey(ctx context.Context, d *db.DB) ([]byte, error) {
	return db.Secret(ctx, d, "patch_link_key", 32)
}

// Link makes a signed URL path of a file for the actor, valid for ttl (at
// most MaxLinkTTL; 0 means the most). The actor must be able to download
// the file now; the link is bound to its organisation, whose entitlement is
// checked again on every use.
func (s *Service) Link(ctx context.Context, a *actor.Actor, patchID, name string, ttl time.Duration) (Link, error) {
	if a == nil {
		return Link{}, problem.ErrUnauthenticated
	}
	if ttl < 0 || ttl > MaxLinkTTL {
		return Link{}, problem.InvalidField("ttl_seconds", "field.link_ttl")
	}
	if ttl == 0 {
		ttl = MaxLinkTTL
	}
	_, f, body, err := s.open(ctx, requesterOf(a), patchID, name)
	if err != nil {
		return Link{}, err
	}
	body.Close()
	org := ""
	if !a.IsVendor() {
		org = a.OrgID
	}
	expires := s.d.Clock.Now().Add(ttl).Truncate(time.Second).UTC()
	q := url.Values{}
	q.Set(linkOrg, org)
	q.Set(linkExpires, strconv.FormatInt(expires.Unix(), 10))
	q.Set(linkSig, base64.RawURLEncoding.EncodeToString(s.linkMAC(patchID, f.Name, org, expires.Unix())))
	return Link{URL: FilePath(patchID, f.Name) + "?" + q.Encode(), ExpiresAt: expires}, nil
}

// FilePath is the API path of a patch's file.
func FilePath(patchID, name string) string {
	return "/api/v1/patches/" + url.PathEscape(patchID) + "/files/" + url.PathEscape(name)
}

func (s *Service) linkMAC(patchID, name, org string, expires int64) []byte {
	m := hmac.New(sha256.New, s.d.LinkKey)
	fmt.Fprintf(m, "patch-file\x00%s\x00%s\x00%s\x00%d", patchID, name, org, expires)
	return m.Sum(nil)
}

// OpenLinked opens a file through a signed link's query: any change to the
// link (or a parameter added) is ErrLinkInvalid, an old one ErrLinkExpired.
// The organisation it is bound to must still be entitled. It returns the
// organisation to count the download for ("" for vendor staff's links).
func (s *Service) OpenLinked(ctx context.Context, q url.Values, patchID, name string) (string, Patch, File, io.ReadSeekCloser, error) {
	org, err := s.checkLink(q, patchID, name)
	if err != nil {
		return "", Patch{}, File{}, nil, err
	}
	p, f, body, err := s.open(ctx, requester{vendor: org == "", orgID: org}, patchID, name)
	return org, p, f, body, err
}

func (s *Service) checkLink(q url.Values, patchID, name string) (string, error) {
	for k, v := range q {
		if (k != linkOrg && k != linkExpires && k != linkSig) || len(v) != 1 {
			return "", ErrLinkInvalid
		}
	}
	org := q.Get(linkOrg)
	expires, err := strconv.ParseInt(q.Get(linkExpires), 10, 64)
	sig, sigErr := base64.RawURLEncoding.DecodeString(q.Get(linkSig))
	if err != nil || sigErr != nil || !hmac.Equal(sig, s.linkMAC(patchID, name, org, expires)) {
		return "", ErrLinkInvalid
	}
	if s.d.Clock.Now().Unix() > expires {
		return "", ErrLinkExpired.With("expired_at", time.Unix(expires, 0).UTC().Format(time.RFC3339))
	}
	return org, nil
}
