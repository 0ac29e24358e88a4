package ideas

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the square's JSON handlers. Reading is public (unless the
// community requires a login); posting, voting, following and commenting
// need CanPost, checked before a body is read.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// APIPath is the address of an idea in the API.
func APIPath(id string) string { return "/api/v1/ideas/" + id }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/ideas", h.read(h.list))
	rt.API("POST /api/v1/ideas", h.write(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		var in Input
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		it, err := h.svc.Create(r.Context(), a, in)
		if err != nil {
			return err
		}
		return web.Created(w, APIPath(it.ID), it)
	}))
	rt.API("GET /api/v1/ideas/similar", h.read(h.similar))
	rt.API("GET /api/v1/ideas/roadmap", h.read(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		columns, err := h.svc.Roadmap(r.Context(), a, r.URL.Query().Get("product"))
		return web.Respond(w, http.StatusOK, columns, err)
	}))
	rt.API("GET /api/v1/ideas/{id}", h.read(h.idea))
	for path, do := range map[string]func(context.Context, *actor.Actor, string) (Idea, error){
		"POST /api/v1/ideas/{id}/vote": h.svc.Vote, "DELETE /api/v1/ideas/{id}/vote": h.svc.Unvote,
		"POST /api/v1/ideas/{id}/follow": h.svc.Follow, "DELETE /api/v1/ideas/{id}/follow": h.svc.Unfollow,
	} {
		rt.API(path, h.write(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
			if err := web.Decode(r, &struct{}{}); err != nil {
				return err
			}
			it, err := do(r.Context(), a, r.PathValue("id"))
			return web.Respond(w, http.StatusOK, it, err)
		}))
	}
	rt.API("GET /api/v1/ideas/{id}/comments", h.read(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		list, err := h.svc.Comments(r.Context(), a, r.PathValue("id"))
		return web.Respond(w, http.StatusOK, web.List[Comment]{Items: list}, err)
	}))
	rt.API("POST /api/v1/ideas/{id}/comments", h.write(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		var in struct {
			Body string `json:"body"`
		}
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		c, err := h.svc.Comment(r.Context(), a, r.PathValue("id"), in.Body)
		if err != nil {
			return err
		}
		return web.Created(w, APIPath(c.IdeaID)+"/comments", c)
	}))
	rt.APIWithLimit("POST /api/v1/ideas/{id}/images", ImageFormLimit, h.write(h.addImage))
	rt.Page("GET /ideas/{id}/images/{name}", h.read(h.image))
}

// ImageFormLimit is the largest multipart body an image upload may send: the
// picture and the form around it.
const ImageFormLimit = MaxImageSize + 64<<10

// read serves a read to whoever may read the square.
func (h *API) read(do web.ActorHandler) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := actor.From(r.Context())
		if err := h.svc.CanRead(a); err != nil {
			return err
		}
		return do(w, r, a)
	}
}

// write serves a write of a signed-in person allowed to post, refused
// before the body is read.
func (h *API) write(do web.ActorHandler) web.HandlerFunc {
	return web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := h.svc.CanPost(r.Context(), a); err != nil {
			return err
		}
		return do(w, r, a)
	})
}

func (h *API) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	list, next, err := h.svc.List(r.Context(), a, f)
	if list == nil {
		list = []Idea{}
	}
	return web.Respond(w, http.StatusOK, web.List[Idea]{Items: list, NextCursor: next}, err)
}

// idea answers an idea; a merged one answers 308 to the survivor, which a
// client follows with the same method.
func (h *API) idea(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	it, err := h.svc.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if it.MergedInto != "" {
		w.Header().Set("Location", APIPath(it.MergedInto))
		return web.JSON(w, http.StatusPermanentRedirect, it)
	}
	return web.JSON(w, http.StatusOK, it)
}

// Similar ideas a title shows at most.
const (
	similarDefault = 5
	similarMax     = 10
)

func (h *API) similar(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	limit, err := web.LimitParam(r, similarDefault, similarMax, "field.idea_similar_limit")
	if err != nil {
		return err
	}
	list, err := h.svc.Similar(r.Context(), a, r.URL.Query().Get("title"), limit)
	return web.Respond(w, http.StatusOK, web.List[Idea]{Items: list}, err)
}

// addImage stores the multipart field file as a picture of the idea.
func (h *API) addImage(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	part, err := web.FilePart(r, "file")
	if err != nil {
		return imageUploadError(err)
	}
	defer part.Close()
	img, err := h.svc.AddImage(r.Context(), a, r.PathValue("id"), part.FileName(), part.Header.Get("Content-Type"), part)
	if err != nil {
		return imageUploadError(err)
	}
	return web.Created(w, img.URL, img)
}

// imageUploadError words a body over the route's limit as the picture being
// too large.
func imageUploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errImageTooLarge()
	}
	return err
}

// image sends a picture's bytes: public, cached for a day (a name keeps its
// bytes), with the sniffed type and never sniffed again by the browser.
func (h *API) image(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	img, body, err := h.svc.Image(r.Context(), a, r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		return err
	}
	defer body.Close()
	hd := w.Header()
	hd.Set("Content-Type", img.ContentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "public, max-age=86400")
	if rs, ok := body.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", time.Time{}, rs)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, body)
	return err
}
