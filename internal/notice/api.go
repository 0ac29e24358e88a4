package notice

import (
	"net/http"
	"strconv"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// API holds the inbox's JSON handlers: any logged-in user, own notices only.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints. The two actions take an empty body or {}.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/notices", h.list)
	rt.API("POST /api/v1/notices/read-all", h.readAll)
	rt.API("POST /api/v1/notices/{id}/read", h.read)
}

// Inbox is a page of the actor's notices and how many are unread in all.
type Inbox struct {
	web.List[Notice]
	Unread     int  `json:"unread"`
	UnreadOnly bool `json:"-"`
}

// inbox answers ?unread=true|false, ?limit= and ?cursor= for API and page.
func inbox(r *http.Request, svc *Service, a *actor.Actor) (Inbox, error) {
	page, err := web.ParsePage(r)
	if err != nil {
		return Inbox{}, err
	}
	var in Inbox
	if v := r.URL.Query().Get("unread"); v != "" {
		if in.UnreadOnly, err = strconv.ParseBool(v); err != nil {
			return Inbox{}, problem.InvalidField("unread", "field.unread")
		}
	}
	list := svc.List
	if in.UnreadOnly {
		list = svc.ListUnread
	}
	items, err := list(r.Context(), a, page.After, page.Limit)
	if err != nil {
		return Inbox{}, err
	}
	in.List = web.NewList(items, page, func(n Notice) string { return n.ID })
	in.Unread, err = svc.Unread(r.Context(), a)
	return in, err
}

func (h *API) list(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	in, err := inbox(r, h.svc, a)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, in)
}

// actionActor returns the actor of an action, whose body is empty or {}.
func actionActor(r *http.Request) (*actor.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	return a, web.Decode(r, &struct{}{})
}

func (h *API) read(w http.ResponseWriter, r *http.Request) error {
	a, err := actionActor(r)
	if err != nil {
		return err
	}
	n, err := h.svc.MarkRead(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, n)
}

func (h *API) readAll(w http.ResponseWriter, r *http.Request) error {
	a, err := actionActor(r)
	if err != nil {
		return err
	}
	if err := h.svc.MarkAllRead(r.Context(), a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
