package ideas

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// Limits of an idea's pictures.
const (
	MaxImageSize = 5 << 20 // bytes
	maxImages    = 6
	maxImageStem = 60
	fallbackStem = "image"
	imageNameTry = maxImages + 1
)

// imageTypes are the sniffed content types accepted, with the extension an
// image's name gets.
var imageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}

// SniffImage says which accepted picture type the first bytes of a file
// are (http.DetectContentType), or "" for anything else: an SVG, an HTML
// page or a file that merely calls itself an image is refused.
func SniffImage(head []byte) string {
	t := http.DetectContentType(head)
	if _, ok := imageTypes[t]; ok {
		return t
	}
	return ""
}

// ImageName turns the name a file was uploaded under into the name of its
// address: letters, digits, '-' and '_' of the name without its extension
// (anything else becomes '-', runs folded, at most 60 characters, "image"
// when nothing is left) and the extension of its sniffed type, so an author
// can write ![](…/images/screenshot.png) in the idea's Markdown.
func ImageName(uploaded, contentType string) string {
	base := path.Base(strings.ReplaceAll(uploaded, `\`, "/"))
	stem := strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range stem {
		if b.Len() >= maxImageStem {
			break
		}
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	clean := strings.TrimRight(b.String(), "-")
	if clean == "" {
		clean = fallbackStem
	}
	return clean + imageTypes[contentType]
}

func imageURL(ideaID, name string) string { return IdeaURL(ideaID) + "/images/" + url.PathEscape(name) }

// errImageType refuses a file that is not a PNG, JPEG, GIF or WebP picture.
var errImageType = &problem.Error{Status: http.StatusUnsupportedMediaType, Code: "request.invalid",
	Fields: []problem.Field{{Field: "file", Message: "field.idea_image_type"}}}

// errImageTooLarge refuses a picture over MaxImageSize; nothing is stored.
func errImageTooLarge() error {
	e := problem.New(http.StatusRequestEntityTooLarge, "idea.image_too_large").With("limit", "5 MiB")
	e.Extra = map[string]any{"limit_bytes": MaxImageSize}
	return e
}

// AddImage attaches a picture to an idea: its author or vendor staff may,
// up to six per idea and 5 MiB each; only PNG, JPEG, GIF and WebP, by their
// bytes (the declared contentType is kept in the audit record only). The
// bytes are stored once by their SHA-256; the same picture added again to an
// idea is the image it already has.
func (s *Service) AddImage(ctx context.Context, a *actor.Actor, ideaID, name, contentType string, r io.Reader) (Image, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Image{}, err
	}
	it, err := s.Store.Idea(ctx, s.Store.DB(), ideaID)
	if err != nil {
		return Image{}, err
	}
	if it.Author.ID != a.UserID && !a.IsVendor() {
		return Image{}, problem.ErrForbidden.Explained("idea.image_forbidden", nil)
	}
	if it.MergedInto != "" {
		return Image{}, errMerged(it.MergedInto)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImageSize+1))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || len(data) > MaxImageSize:
		return Image{}, errImageTooLarge()
	case err != nil:
		return Image{}, err
	case len(data) == 0:
		return Image{}, problem.InvalidField("file", "field.required")
	}
	sniffed := SniffImage(data)
	if sniffed == "" {
		return Image{}, errImageType
	}
	sum := sha256.Sum256(data)
	img := storedImage{Image: Image{Name: ImageName(name, sniffed), ContentType: sniffed, Size: int64(len(data))}, SHA256: hex.EncodeToString(sum[:]),
		CreatedAt: s.Clock.Now()}
	// Refuse a full idea and find bytes it already has before storing any:
	// the transaction checks again, so only a race leaves unnamed bytes.
	have, err := s.Store.Images(ctx, s.Store.DB(), ideaID)
	if err != nil {
		return Image{}, err
	}
	switch free, err := freeName(have, img); {
	case err != nil:
		return Image{}, err
	case free == "": // these very bytes are there already
		return s.imageWith(ctx, ideaID, img.SHA256)
	}
	if _, err := s.deps.Blobs.PutContent(ctx, bytes.NewReader(data), img.SHA256); err != nil {
		return Image{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.locked(ctx, tx, ideaID); err != nil {
			return err
		}
		have, err := s.Store.Images(ctx, tx, ideaID)
		if err != nil {
			return err
		}
		if img.Name, err = freeName(have, img); err != nil {
			return err
		}
		if img.Name == "" {
			return errUnchanged
		}
		if err := s.Store.InsertImage(ctx, tx, ideaID, img); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "idea.image", TargetType: Doc, TargetID: ideaID, OrgID: a.OrgID,
			Changes: audit.Diff(nil, audit.Fields{"name": img.Name, "size": img.Size, "sha256": img.SHA256, "content_type": img.ContentType,
				"declared_type": contentType})})
	})
	if errors.Is(err, errUnchanged) {
		return s.imageWith(ctx, ideaID, img.SHA256)
	}
	if err != nil {
		return Image{}, err
	}
	img.URL = imageURL(ideaID, img.Name)
	return img.Image, nil
}

// imageWith is the idea's image of those bytes.
func (s *Service) imageWith(ctx context.Context, ideaID, sha256 string) (Image, error) {
	have, err := s.Store.Images(ctx, s.Store.DB(), ideaID)
	for _, h := range have {
		if h.SHA256 == sha256 {
			h.URL = imageURL(ideaID, h.Name)
			return h.Image, nil
		}
	}
	return Image{}, cmp.Or[error](err, problem.ErrNotFound)
}

// freeName is the name img is stored under among the idea's images: its own
// name or, when another picture has it, the first of name-2, name-3, … that
// is free; "" when the idea already has these very bytes. More than six
// pictures are refused.
func freeName(have []storedImage, img storedImage) (string, error) {
	taken := map[string]bool{}
	for _, h := range have {
		if h.SHA256 == img.SHA256 {
			return "", nil
		}
		taken[h.Name] = true
	}
	if len(have) >= maxImages {
		return "", problem.New(http.StatusConflict, "idea.too_many_images").With("max", maxImages)
	}
	ext := path.Ext(img.Name)
	stem := strings.TrimSuffix(img.Name, ext)
	for n := 1; n <= imageNameTry; n++ {
		name := img.Name
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		if !taken[name] {
			return name, nil
		}
	}
	return "", fmt.Errorf("ideas: no free image name after %s", img.Name) // cannot happen: at most six are taken
}

// Image opens a picture of an idea, public like the idea: its description and
// its bytes, which the caller closes.
func (s *Service) Image(ctx context.Context, a *actor.Actor, ideaID, name string) (Image, io.ReadCloser, error) {
	if err := s.CanRead(a); err != nil {
		return Image{}, nil, err
	}
	img, err := s.Store.Image(ctx, ideaID, name)
	if err != nil {
		return Image{}, nil, err
	}
	body, _, err := s.deps.Blobs.Open(ctx, img.SHA256)
	if err != nil {
		return Image{}, nil, err
	}
	img.URL = imageURL(ideaID, img.Name)
	return img.Image, body, nil
}
