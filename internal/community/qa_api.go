package community

import (
	"context"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// QAAPI holds the Q&A's JSON handlers. Reading is public (unless the
// community requires a login); posting needs CanPost and moderating
// actor.Moderate, both checked before the body is read.
type QAAPI struct{ svc *Service }

// NewQAAPI returns the handlers on svc.
func NewQAAPI(svc *Service) *QAAPI { return &QAAPI{svc: svc} }

// Routes registers the endpoints.
func (h *QAAPI) Routes(rt *web.Router) {
	post, moderate := h.svc.CanPost, func(_ context.Context, a *actor.Actor) error { return actor.Require(a, actor.Moderate) }
	rt.API("GET /api/v1/questions", h.questions)
	rt.API("POST /api/v1/questions", act(post, func(r *http.Request, a *actor.Actor, in QuestionInput) (any, error) {
		q, err := h.svc.AskQuestion(r.Context(), a, in)
		return created{"/api/v1/questions/" + q.ID, q}, err
	}))
	rt.API("GET /api/v1/questions/similar", h.similar)
	rt.API("GET /api/v1/questions/{id}", func(w http.ResponseWriter, r *http.Request) error {
		t, err := h.svc.Question(r.Context(), actor.From(r.Context()), r.PathValue("id"))
		return web.Respond(w, http.StatusOK, t, err)
	})
	rt.API("POST /api/v1/questions/{id}/answers", act(post, func(r *http.Request, a *actor.Actor, in AnswerInput) (any, error) {
		p, err := h.svc.Answer(r.Context(), a, r.PathValue("id"), in)
		return created{"/api/v1/questions/" + p.QuestionID, p}, err
	}))
	rt.API("POST /api/v1/questions/{id}/lock", act(moderate, func(r *http.Request, a *actor.Actor, _ struct{}) (any, error) {
		return h.svc.Lock(r.Context(), a, r.PathValue("id"))
	}))
	rt.API("POST /api/v1/questions/{id}/unlock", act(moderate, func(r *http.Request, a *actor.Actor, _ struct{}) (any, error) {
		return h.svc.Unlock(r.Context(), a, r.PathValue("id"))
	}))
	rt.API("POST /api/v1/questions/{id}/close", act(moderate, func(r *http.Request, a *actor.Actor, in CloseInput) (any, error) {
		return h.svc.CloseAsDuplicate(r.Context(), a, r.PathValue("id"), in.DuplicateOf)
	}))
	rt.API("POST /api/v1/answers/{id}/accept", act(post, func(r *http.Request, a *actor.Actor, _ struct{}) (any, error) {
		return h.svc.Accept(r.Context(), a, r.PathValue("id"))
	}))
	rt.API("POST /api/v1/posts/{id}/vote", act(post, func(r *http.Request, a *actor.Actor, in VoteInput) (any, error) {
		value, err := voteValue(in)
		if err != nil {
			return nil, err
		}
		return h.svc.Vote(r.Context(), a, r.PathValue("id"), value)
	}))
	rt.API("DELETE /api/v1/posts/{id}/vote", act(post, func(r *http.Request, a *actor.Actor, _ struct{}) (any, error) {
		return h.svc.Vote(r.Context(), a, r.PathValue("id"), 0)
	}))
	rt.API("POST /api/v1/posts/{id}/comments", act(post, func(r *http.Request, a *actor.Actor, in CommentInput) (any, error) {
		c, err := h.svc.Comment(r.Context(), a, r.PathValue("id"), in)
		return created{"/api/v1/questions/" + c.QuestionID, c}, err
	}))
	rt.API("PATCH /api/v1/posts/{id}", act(post, func(r *http.Request, a *actor.Actor, in PostPatch) (any, error) {
		return h.svc.EditPost(r.Context(), a, r.PathValue("id"), in)
	}))
	rt.API("GET /api/v1/posts/{id}/revisions", func(w http.ResponseWriter, r *http.Request) error {
		list, err := h.svc.Revisions(r.Context(), actor.From(r.Context()), r.PathValue("id"))
		return web.Respond(w, http.StatusOK, web.List[Revision]{Items: list}, err)
	})
	rt.API("POST /api/v1/posts/{id}/report", act(post, func(r *http.Request, a *actor.Actor, in ReportInput) (any, error) {
		return h.svc.Report(r.Context(), a, r.PathValue("id"), in)
	}))
	rt.API("POST /api/v1/posts/{id}/hide", act(moderate, func(r *http.Request, a *actor.Actor, in HideInput) (any, error) {
		return h.svc.Hide(r.Context(), a, r.PathValue("id"), in.Reason)
	}))
	rt.API("POST /api/v1/posts/{id}/unhide", act(moderate, func(r *http.Request, a *actor.Actor, _ struct{}) (any, error) {
		return h.svc.Unhide(r.Context(), a, r.PathValue("id"))
	}))
	rt.API("GET /api/v1/moderation/reports", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		return web.ServeList(w, r, func(after string, limit int) ([]Report, error) {
			return h.svc.Reports(r.Context(), a, after, limit+1)
		}, func(r Report) string { return r.ID })
	}))
}

func (h *QAAPI) questions(w http.ResponseWriter, r *http.Request) error {
	f, err := questionFilter(r.URL.Query())
	if err != nil {
		return err
	}
	return web.ServeList(w, r, func(after string, limit int) ([]Question, error) {
		f.After, f.Limit = after, limit+1
		return h.svc.Questions(r.Context(), actor.From(r.Context()), f)
	}, func(q Question) string { return q.ID })
}

// Similar results a title shows at most.
const (
	similarDefault = 5
	similarMax     = 10
)

func (h *QAAPI) similar(w http.ResponseWriter, r *http.Request) error {
	limit, err := web.LimitParam(r, similarDefault, similarMax, "field.qa_similar_limit")
	if err != nil {
		return err
	}
	hits, err := h.svc.Similar(r.Context(), actor.From(r.Context()), r.URL.Query().Get("title"), limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, hitList(hits, ""))
}
