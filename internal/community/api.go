package community

import (
	"context"
	"net/http"
	"strconv"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
	"steward.dev/steward/internal/platform/web"
)

// API holds the help center's JSON handlers. Reading needs no login unless
// the community's setting requires one; writing needs actor.WriteHelp,
// checked before the body is read.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/help/categories", readable(h.svc, h.categories))
	rt.API("POST /api/v1/help/categories", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in CategoryInput) (any, error) {
		c, err := h.svc.CreateCategory(r.Context(), a, in)
		return created{"/help/" + c.Slug, c}, err
	}))
	rt.API("GET /api/v1/help/articles", readable(h.svc, h.articles))
	rt.API("POST /api/v1/help/articles", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in ArticleInput) (any, error) {
		art, err := h.svc.CreateArticle(r.Context(), a, in)
		return created{"/api/v1/help/articles/" + art.ID, art}, err
	}))
	rt.API("GET /api/v1/help/articles/{id}", readable(h.svc, h.article))
	rt.API("PATCH /api/v1/help/articles/{id}", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in ArticlePatch) (any, error) {
		return h.svc.UpdateArticle(r.Context(), a, r.PathValue("id"), in)
	}))
	rt.API("DELETE /api/v1/help/articles/{id}", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := h.svc.DeleteArticle(r.Context(), a, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}))
	rt.API("POST /api/v1/help/articles/{id}/feedback", web.Authed(h.feedback))
	rt.API("GET /api/v1/help/articles/{id}/revisions", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		list, err := h.svc.ArticleRevisions(r.Context(), a, r.PathValue("id"))
		return web.Respond(w, http.StatusOK, web.List[ArticleRevision]{Items: list}, err)
	}))
	rt.API("GET /api/v1/help/articles/{id}/revisions/{rev}", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		rev, err := revisionNumber(r)
		if err != nil {
			return err
		}
		diff, err := h.svc.ArticleRevision(r.Context(), a, r.PathValue("id"), rev)
		return web.Respond(w, http.StatusOK, diff, err)
	}))
	rt.API("GET /api/v1/search", readable(h.svc, h.search))
}

// readable serves a read of the community to whoever may read it: anyone,
// unless the setting requires a login (then 401, or the login page).
func readable(svc *Service, read web.ActorHandler) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := actor.From(r.Context())
		if err := svc.CanRead(a); err != nil {
			return err
		}
		return read(w, r, a)
	}
}

func (h *API) categories(w http.ResponseWriter, r *http.Request, _ *actor.Actor) error {
	list, err := h.svc.Categories(r.Context())
	return web.Respond(w, http.StatusOK, web.List[Category]{Items: list}, err)
}

func (h *API) articles(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(after string, limit int) ([]Article, error) {
		return h.svc.Articles(r.Context(), a, ArticleFilter{Category: r.URL.Query().Get("category"), After: after, Limit: limit + 1})
	}, func(a Article) string { return a.ID })
}

func (h *API) article(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	art, err := h.svc.ArticleDetail(r.Context(), a, r.PathValue("id"))
	return web.Respond(w, http.StatusOK, art, err)
}

// feedback records whether the article helped the signed-in reader; who may
// post is checked before the body is read.
func (h *API) feedback(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.svc.CanPost(r.Context(), a); err != nil {
		return err
	}
	var in FeedbackInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	f, err := h.svc.GiveFeedback(r.Context(), a, r.PathValue("id"), in)
	return web.Respond(w, http.StatusOK, f, err)
}

// revisionNumber reads the {rev} of a revision's path: a positive number.
func revisionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("rev"))
	if err != nil || n < 1 {
		return 0, problem.InvalidField("rev", "field.help_revision")
	}
	return n, nil
}

// hit is one search result as the API shows it.
type hit struct {
	Type    string  `json:"type"`
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Snippet string  `json:"snippet"`
	URL     string  `json:"url"`
	Score   float64 `json:"score"`
}

func (h *API) search(w http.ResponseWriter, r *http.Request, _ *actor.Actor) error {
	q := r.URL.Query()
	limit, err := web.LimitParam(r, search.DefaultLimit, search.MaxLimit, "field.search_limit")
	if err != nil {
		return err
	}
	res, err := h.svc.Search(r.Context(), search.Query{Text: q.Get("q"), Type: q.Get("type"), Product: q.Get("product"),
		Version: q.Get("version"), Cursor: q.Get("cursor"), Limit: limit}, web.Lang(r.Context()))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, hitList(res.Items, res.NextCursor))
}

// hitList is a page of search hits as the API shows them.
func hitList(hits []search.Hit, next string) web.List[hit] {
	out := web.List[hit]{Items: []hit{}, NextCursor: next}
	for _, x := range hits {
		out.Items = append(out.Items, hit{Type: x.Type, ID: x.ID, Title: x.Title, Snippet: x.Snippet, URL: x.URL, Score: x.Score})
	}
	return out
}

// created is a new object and the address to read it at: answered 201.
type created struct {
	location string
	v        any
}

// act is a write of the community: gate refuses the actor before the body (of type In)
// is decoded; a created object is answered 201 with its Location.
func act[In any](gate func(context.Context, *actor.Actor) error, do func(r *http.Request, a *actor.Actor, in In) (any, error)) web.HandlerFunc {
	return web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := gate(r.Context(), a); err != nil {
			return err
		}
		var in In
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		v, err := do(r, a, in)
		if err != nil {
			return err
		}
		if c, ok := v.(created); ok {
			return web.Created(w, c.location, c.v)
		}
		return web.JSON(w, http.StatusOK, v)
	})
}
