package account

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// Pages holds the HTML handlers of the account room: login, the portal and
// console homes, and organisation, user and staff management.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /login", p.loginForm)
	rt.Page("POST /login", p.login)
	rt.Page("POST /logout", p.logout)
	rt.Page("GET /portal", p.portalHome)
	rt.Page("GET /console", p.consoleHome)
	rt.Page("GET /console/orgs", p.consoleOrgs)
	rt.Page("POST /console/orgs", p.consoleCreateOrg)
	// The same member management serves a customer_admin's own organisation
	// in the portal and any organisation in the console.
	for _, r := range []struct{ page, actions string }{
		{"/portal/users", "/portal/users"},
		{"/console/orgs/{org}", "/console/orgs/{org}/users"},
	} {
		rt.Page("GET "+r.page, p.users)
		rt.Page("POST "+r.actions, p.createUser)
		rt.Page("POST "+r.actions+"/{id}", p.updateUser)
		rt.Page("GET "+r.actions+"/{id}/delete", p.confirmDeleteUser)
		rt.Page("POST "+r.actions+"/{id}/delete", p.deleteUser)
		rt.Page("POST "+r.actions+"/{id}/restore", p.restoreUser)
	}
	rt.Page("GET /console/staff", p.consoleStaff)
	rt.Page("POST /console/staff", p.consoleCreateStaff)
}

// loginData fills the login form.
type loginData struct {
	Email  string
	Next   string
	Errors *web.FormErrors
}

func (p *Pages) loginForm(w http.ResponseWriter, r *http.Request) error {
	if actor.From(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return p.pages.Render(w, r, http.StatusOK, "login", loginData{Next: web.LocalPath(r.URL.Query().Get("next"), "")})
}

func (p *Pages) login(w http.ResponseWriter, r *http.Request) error {
	email, next := r.PostFormValue("email"), web.LocalPath(r.PostFormValue("next"), "/")
	s, err := p.svc.Login(r.Context(), email, r.PostFormValue("password"), web.ClientAddr(r))
	if err != nil {
		if pe, ok := problem.As(err); ok {
			web.SetRetryAfter(w, pe.Extra)
		}
		fe, status, ferr := web.AsFormErrors(r, err)
		if ferr != nil {
			return ferr
		}
		return p.pages.Render(w, r, status, "login", loginData{Email: email, Next: next, Errors: fe})
	}
	web.SetSession(w, r, s.Token, s.ExpiresAt)
	if _, err := r.Cookie(web.LangCookie); err != nil {
		if l, ok := i18n.Parse(s.User.Locale); ok {
			web.SetLang(w, r, l)
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (p *Pages) logout(w http.ResponseWriter, r *http.Request) error {
	if a := actor.From(r.Context()); a != nil {
		if err := p.svc.Logout(r.Context(), a); err != nil {
			return err
		}
	}
	web.ClearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type homeData struct {
	User User
	Org  Org
}

func (p *Pages) portalHome(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	u, err := p.svc.Me(r.Context(), a)
	if err != nil {
		return err
	}
	org, err := p.svc.Org(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "portal_home", homeData{User: u, Org: org})
}

func (p *Pages) consoleHome(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	u, err := p.svc.Me(r.Context(), a)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "console_home", homeData{User: u})
}
