package account

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// usersData fills the user management page of one organisation, shared by the
// portal (a customer_admin's own organisation) and the console (any).
type usersData struct {
	Org       Org
	Users     []User
	Base      string // the page's path; forms post below it
	CanManage bool
	Roles     []actor.Role
	Form      UserInput // the create form's values after a failed submit
	Errors    *web.FormErrors
	Done      string // i18n key of the message after a successful change
}

// usersPage renders the users of org, with form errors when a submit failed.
func (p *Pages) usersPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID, base string, status int, form UserInput, fe *web.FormErrors) error {
	org, err := p.svc.Org(r.Context(), a, orgID)
	if err != nil {
		return err
	}
	users, err := p.svc.OrgUsers(r.Context(), a, orgID, "", 200)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "org_users", usersData{
		Org: org, Users: users, Base: base, CanManage: a.Can(actor.ManageOrgUsers), Roles: actor.CustomerRoles,
		Form: form, Errors: fe, Done: doneMessage(r),
	})
}

// doneMessage maps ?done= after a redirect to the confirmation shown.
func doneMessage(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "created":
		return "page.done.created"
	case "updated":
		return "page.done.updated"
	case "deleted":
		return "page.done.deleted"
	}
	return ""
}

func userForm(r *http.Request) UserInput {
	return UserInput{
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: actor.Role(r.PostFormValue("role")),
		Password: r.PostFormValue("password"), Locale: r.PostFormValue("locale"),
	}
}

func userPatchForm(r *http.Request) UserPatch {
	var p UserPatch
	if v := r.PostFormValue("name"); v != "" {
		p.Name = &v
	}
	if v := actor.Role(r.PostFormValue("role")); v != "" {
		p.Role = &v
	}
	if v := r.PostFormValue("locale"); v != "" {
		p.Locale = &v
	}
	if v := r.PostFormValue("password"); v != "" {
		p.Password = &v
	}
	return p
}

// afterChange redirects on success, or redisplays the page with the problem.
func (p *Pages) afterChange(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID, base, done string, form UserInput, err error) error {
	if err == nil {
		http.Redirect(w, r, base+"?done="+done, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	form.Password = ""
	return p.usersPage(w, r, a, orgID, base, status, form, fe)
}

func (p *Pages) portalUsers(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := requireCustomer(w, r)
	if !ok {
		return err
	}
	if err := Require(a, actor.ManageOrgUsers); err != nil {
		return err
	}
	return p.usersPage(w, r, a, a.OrgID, "/portal/users", http.StatusOK, UserInput{}, nil)
}

func (p *Pages) portalCreateUser(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := requireCustomer(w, r)
	if !ok {
		return err
	}
	form := userForm(r)
	_, err = p.svc.CreateOrgUser(r.Context(), a, a.OrgID, form)
	return p.afterChange(w, r, a, a.OrgID, "/portal/users", "created", form, err)
}

func (p *Pages) portalUpdateUser(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := requireCustomer(w, r)
	if !ok {
		return err
	}
	_, err = p.svc.UpdateOrgUser(r.Context(), a, a.OrgID, r.PathValue("id"), userPatchForm(r))
	return p.afterChange(w, r, a, a.OrgID, "/portal/users", "updated", UserInput{}, err)
}

func (p *Pages) portalDeleteUser(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := requireCustomer(w, r)
	if !ok {
		return err
	}
	err = p.svc.DeleteOrgUser(r.Context(), a, a.OrgID, r.PathValue("id"))
	return p.afterChange(w, r, a, a.OrgID, "/portal/users", "deleted", UserInput{}, err)
}

func (p *Pages) consoleOrg(w http.ResponseWriter, r *http.Request) error {
	a, err := requireVendor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	return p.usersPage(w, r, a, org, "/console/orgs/"+org, http.StatusOK, UserInput{}, nil)
}

func (p *Pages) consoleCreateUser(w http.ResponseWriter, r *http.Request) error {
	a, err := requireVendor(r)
	if err != nil {
		return err
	}
	org, form := r.PathValue("org"), userForm(r)
	_, err = p.svc.CreateOrgUser(r.Context(), a, org, form)
	return p.afterChange(w, r, a, org, "/console/orgs/"+org, "created", form, err)
}

func (p *Pages) consoleUpdateUser(w http.ResponseWriter, r *http.Request) error {
	a, err := requireVendor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	_, err = p.svc.UpdateOrgUser(r.Context(), a, org, r.PathValue("id"), userPatchForm(r))
	return p.afterChange(w, r, a, org, "/console/orgs/"+org, "updated", UserInput{}, err)
}

func (p *Pages) consoleDeleteUser(w http.ResponseWriter, r *http.Request) error {
	a, err := requireVendor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	err = p.svc.DeleteOrgUser(r.Context(), a, org, r.PathValue("id"))
	return p.afterChange(w, r, a, org, "/console/orgs/"+org, "deleted", UserInput{}, err)
}
