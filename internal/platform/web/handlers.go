package web

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
)

// ActorHandler handles a request of a logged-in person.
type ActorHandler func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error

// Authed adapts h for the router: an anonymous request gets 401 (API) or the
// login page (pages) before h runs.
func Authed(h ActorHandler) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := RequireActor(r)
		if err != nil {
			return err
		}
		return h(w, r, a)
	}
}

// ServeList answers a list request: it reads ?limit= and ?cursor=, asks
// fetch for one row more than the page (to know whether another follows) and
// writes {"items","next_cursor"}.
func ServeList[T any](w http.ResponseWriter, r *http.Request, fetch func(after string, limit int) ([]T, error), idOf func(T) string) error {
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	items, err := fetch(page.After, page.Limit)
	if err != nil {
		return err
	}
	return JSON(w, http.StatusOK, NewList(items, page, idOf))
}

// Respond writes a service's result v as JSON with the status, or returns
// its error for the router to answer.
func Respond(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	return JSON(w, status, v)
}
