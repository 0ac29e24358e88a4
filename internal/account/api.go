package account

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of the account room.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("POST /api/v1/auth/login", h.login)
	rt.API("POST /api/v1/auth/logout", web.Authed(h.logout))
	rt.API("GET /api/v1/me", web.Authed(h.me))
	rt.API("PATCH /api/v1/me", web.Authed(h.updateMe))
	rt.API("GET /api/v1/tokens", web.Authed(h.tokens))
	rt.API("POST /api/v1/tokens", web.Authed(h.createToken))
	rt.API("DELETE /api/v1/tokens/{id}", web.Authed(h.revokeToken))
	rt.API("GET /api/v1/orgs", web.Authed(h.orgs))
	rt.API("POST /api/v1/orgs", web.Authed(h.createOrg))
	rt.API("GET /api/v1/orgs/{org}", web.Authed(h.org))
	rt.API("GET /api/v1/orgs/{org}/users", web.Authed(h.orgUsers))
	rt.API("POST /api/v1/orgs/{org}/users", web.Authed(h.createOrgUser))
	rt.API("GET /api/v1/orgs/{org}/users/{id}", web.Authed(h.orgUser))
	rt.API("PATCH /api/v1/orgs/{org}/users/{id}", web.Authed(h.updateOrgUser))
	rt.API("DELETE /api/v1/orgs/{org}/users/{id}", web.Authed(h.deleteOrgUser))
	rt.API("POST /api/v1/orgs/{org}/users/{id}/restore", web.Authed(h.restoreOrgUser))
	rt.API("GET /api/v1/staff", web.Authed(h.staff))
	rt.API("POST /api/v1/staff", web.Authed(h.createStaff))
}

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (h *API) login(w http.ResponseWriter, r *http.Request) error {
	var in loginInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	s, err := h.svc.Login(r.Context(), in.Email, in.Password, web.ClientAddr(r))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, s)
}

func (h *API) logout(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.svc.Logout(r.Context(), a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *API) me(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := h.svc.Me(r.Context(), a)
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) updateMe(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in ProfilePatch
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	v, err := h.svc.UpdateProfile(r.Context(), a, in)
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) tokens(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	list, err := h.svc.Tokens(r.Context(), a)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, web.PageRequest{Limit: len(list)}, tokenID))
}

func (h *API) createToken(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	var in struct {
		Name      string    `json:"name"`
		ExpiresAt *web.Time `json:"expires_at"`
	}
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	t, err := h.svc.CreateToken(r.Context(), a, TokenInput{Name: in.Name, ExpiresAt: in.ExpiresAt.Ptr()})
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/tokens/"+t.ID, t)
}

func (h *API) revokeToken(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.svc.RevokeToken(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *API) orgs(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(after string, limit int) ([]Org, error) {
		return h.svc.Orgs(r.Context(), a, after, limit)
	}, orgID)
}

func (h *API) createOrg(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := Require(a, actor.CreateOrgs); err != nil {
		return err
	}
	var in OrgInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	o, err := h.svc.CreateOrg(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/orgs/"+o.ID, o)
}

func (h *API) org(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := h.svc.Org(r.Context(), a, r.PathValue("org"))
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) orgUsers(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	org := r.PathValue("org")
	if r.URL.Query().Get("deleted") == "true" {
		deleted, err := h.svc.DeletedOrgUsers(r.Context(), a, org)
		if err != nil {
			return err
		}
		return web.JSON(w, http.StatusOK, web.NewList(deleted, web.PageRequest{Limit: len(deleted)}, userID))
	}
	return web.ServeList(w, r, func(after string, limit int) ([]User, error) {
		return h.svc.OrgUsers(r.Context(), a, org, after, limit)
	}, userID)
}

func (h *API) orgUser(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := h.svc.OrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) createOrgUser(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	org := r.PathValue("org")
	if _, err := h.svc.RequireInOrg(r.Context(), a, org, actor.ManageOrgUsers); err != nil {
		return err
	}
	var in UserInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.svc.CreateOrgUser(r.Context(), a, org, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/orgs/"+org+"/users/"+u.ID, u)
}

func (h *API) updateOrgUser(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	org := r.PathValue("org")
	if _, err := h.svc.RequireInOrg(r.Context(), a, org, actor.ManageOrgUsers); err != nil {
		return err
	}
	var in UserPatch
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	v, err := h.svc.UpdateOrgUser(r.Context(), a, org, r.PathValue("id"), in)
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) deleteOrgUser(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := h.svc.DeleteOrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"), r.URL.Query().Get("confirm"))
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) restoreOrgUser(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	v, err := h.svc.RestoreOrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, v, err)
}

func (h *API) staff(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return web.ServeList(w, r, func(after string, limit int) ([]User, error) {
		return h.svc.Staff(r.Context(), a, after, limit)
	}, userID)
}

func (h *API) createStaff(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := Require(a, actor.ManageStaff); err != nil {
		return err
	}
	var in UserInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.svc.CreateStaff(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/staff/"+u.ID, u)
}

func orgID(o Org) string     { return o.ID }
func userID(u User) string   { return u.ID }
func tokenID(t Token) string { return t.ID }
