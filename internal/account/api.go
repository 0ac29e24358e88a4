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
	rt.API("POST /api/v1/auth/logout", h.logout)
	rt.API("GET /api/v1/me", h.me)
	rt.API("PATCH /api/v1/me", h.updateMe)
	rt.API("GET /api/v1/tokens", h.tokens)
	rt.API("POST /api/v1/tokens", h.createToken)
	rt.API("DELETE /api/v1/tokens/{id}", h.revokeToken)
	rt.API("GET /api/v1/orgs", h.orgs)
	rt.API("POST /api/v1/orgs", h.createOrg)
	rt.API("GET /api/v1/orgs/{org}", h.org)
	rt.API("GET /api/v1/orgs/{org}/users", h.orgUsers)
	rt.API("POST /api/v1/orgs/{org}/users", h.createOrgUser)
	rt.API("GET /api/v1/orgs/{org}/users/{id}", h.orgUser)
	rt.API("PATCH /api/v1/orgs/{org}/users/{id}", h.updateOrgUser)
	rt.API("DELETE /api/v1/orgs/{org}/users/{id}", h.deleteOrgUser)
	rt.API("POST /api/v1/orgs/{org}/users/{id}/restore", h.restoreOrgUser)
	rt.API("GET /api/v1/staff", h.staff)
	rt.API("POST /api/v1/staff", h.createStaff)
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

func (h *API) logout(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := h.svc.Logout(r.Context(), a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *API) me(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	u, err := h.svc.Me(r.Context(), a)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, u)
}

func (h *API) updateMe(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	var in ProfilePatch
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.svc.UpdateProfile(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, u)
}

func (h *API) tokens(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Tokens(r.Context(), a)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, web.PageRequest{Limit: len(list)}, tokenID))
}

func (h *API) createToken(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
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

func (h *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := h.svc.RevokeToken(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *API) orgs(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Orgs(r.Context(), a, page.After, page.Limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, page, orgID))
}

func (h *API) createOrg(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
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

func (h *API) org(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	o, err := h.svc.Org(r.Context(), a, r.PathValue("org"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, o)
}

func (h *API) orgUsers(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("deleted") == "true" {
		deleted, err := h.svc.DeletedOrgUsers(r.Context(), a, r.PathValue("org"))
		if err != nil {
			return err
		}
		return web.JSON(w, http.StatusOK, web.NewList(deleted, web.PageRequest{Limit: len(deleted)}, userID))
	}
	list, err := h.svc.OrgUsers(r.Context(), a, r.PathValue("org"), page.After, page.Limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, page, userID))
}

func (h *API) orgUser(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	u, err := h.svc.OrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, u)
}

func (h *API) createOrgUser(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
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

func (h *API) updateOrgUser(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	if _, err := h.svc.RequireInOrg(r.Context(), a, org, actor.ManageOrgUsers); err != nil {
		return err
	}
	var in UserPatch
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.svc.UpdateOrgUser(r.Context(), a, org, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, u)
}

func (h *API) deleteOrgUser(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	d, err := h.svc.DeleteOrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"), r.URL.Query().Get("confirm"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, d)
}

func (h *API) restoreOrgUser(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	u, err := h.svc.RestoreOrgUser(r.Context(), a, r.PathValue("org"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, u)
}

func (h *API) staff(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	list, err := h.svc.Staff(r.Context(), a, page.After, page.Limit)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.NewList(list, page, userID))
}

func (h *API) createStaff(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
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
