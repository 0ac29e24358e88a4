package web

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// PortalActor returns the customer actor of a portal page. Vendor staff are
// sent to the console instead: ok is false and the redirect is written.
func PortalActor(w http.ResponseWriter, r *http.Request) (a *actor.Actor, ok bool, err error) {
	if a, err = RequireActor(r); err != nil {
		return nil, false, err
	}
	if a.IsVendor() {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return nil, false, nil
	}
	return a, true, nil
}

// ConsoleActor returns the vendor actor of a console page; customers get 403.
func ConsoleActor(r *http.Request) (*actor.Actor, error) {
	a, err := RequireActor(r)
	if err != nil {
		return nil, err
	}
	if !a.IsVendor() {
		return nil, problem.ErrForbidden
	}
	return a, nil
}
