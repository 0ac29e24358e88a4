package web

import (
	"errors"
	"net/http"
	"net/url"

	"steward.dev/steward/internal/platform/problem"
)

// Invitation says whether the reader may take part on a page (post, answer,
// vote, comment) and, if not, why in words: a visitor is asked to log in
// (Login, the login page that comes back to the page), anyone else refused
// reads the rule's reason (Refusal), so a page shows either instead of a
// form that would fail.
type Invitation struct {
	Login   string
	Refusal string
}

// May is true when the reader may take part.
func (i Invitation) May() bool { return i.Login == "" && i.Refusal == "" }

// Invite words refused, the answer of the rule that lets the reader take
// part (nil when it does), for the page at back. A failure that is no
// refusal (the database's) is returned for the error page.
func Invite(r *http.Request, refused error, back string) (Invitation, error) {
	if refused == nil {
		return Invitation{}, nil
	}
	if errors.Is(refused, problem.ErrUnauthenticated) {
		return Invitation{Login: "/login?" + url.Values{"next": {back}}.Encode()}, nil
	}
	fe, _, err := AsFormErrors(r, refused)
	if err != nil {
		return Invitation{}, err
	}
	return Invitation{Refusal: fe.Summary}, nil
}
