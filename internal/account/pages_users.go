package account

import (
	"net/http"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/confirm"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// orgArea is where member management happens: a customer_admin's own
// organisation in the portal, or any organisation in the console.
type orgArea struct {
	actor   *actor.Actor
	orgID   string
	page    string // the users page
	actions string // forms post below this path
}

// area resolves the organisation from the path: /portal/… is the actor's
// own, /console/orgs/{org}/… the one named (vendor staff only).
func area(w http.ResponseWriter, r *http.Request) (orgArea, bool, error) {
	if strings.HasPrefix(r.URL.Path, "/portal/") {
		a, ok, err := web.PortalActor(w, r)
		if !ok {
			return orgArea{}, false, err
		}
		return orgArea{actor: a, orgID: a.OrgID, page: "/portal/users", actions: "/portal/users"}, true, nil
	}
	a, err := web.ConsoleActor(r)
	if err != nil {
		return orgArea{}, false, err
	}
	org := r.PathValue("org")
	return orgArea{actor: a, orgID: org, page: "/console/orgs/" + org, actions: "/console/orgs/" + org + "/users"}, true, nil
}

// usersData fills the member management page.
type usersData struct {
	Org       Org
	Users     []User
	Deleted   []User
	Actions   string
	CanManage bool
	Roles     []actor.Role
	Form      UserInput // the create form's values after a failed submit
	Errors    *web.FormErrors
	Done      string // i18n key of the message after a successful change
}

// usersPage renders the users of the area's organisation, with form errors
// when a submit failed.
func (p *Pages) usersPage(w http.ResponseWriter, r *http.Request, ar orgArea, status int, form UserInput, fe *web.FormErrors) error {
	ctx := r.Context()
	org, err := p.svc.Org(ctx, ar.actor, ar.orgID)
	if err != nil {
		return err
	}
	users, err := p.svc.OrgUsers(ctx, ar.actor, ar.orgID, "", 200)
	if err != nil {
		return err
	}
	data := usersData{Org: org, Users: users, Actions: ar.actions, CanManage: ar.actor.Can(actor.ManageOrgUsers),
		Roles: actor.CustomerRoles, Form: form, Errors: fe, Done: doneMessage(r)}
	if data.CanManage {
		if data.Deleted, err = p.svc.DeletedOrgUsers(ctx, ar.actor, ar.orgID); err != nil {
			return err
		}
	}
	return p.pages.Render(w, r, status, "org_users", data)
}

// doneMessage maps ?done= after a redirect to the confirmation shown.
func doneMessage(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "created", "updated", "deleted", "restored":
		return "page.done." + r.URL.Query().Get("done")
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
func (p *Pages) afterChange(w http.ResponseWriter, r *http.Request, ar orgArea, done string, form UserInput, err error) error {
	if err == nil {
		http.Redirect(w, r, ar.page+"?done="+done, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	form.Password = ""
	return p.usersPage(w, r, ar, status, form, fe)
}

func (p *Pages) users(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	if strings.HasPrefix(r.URL.Path, "/portal/") {
		if err := Require(ar.actor, actor.ManageOrgUsers); err != nil {
			return err
		}
	}
	return p.usersPage(w, r, ar, http.StatusOK, UserInput{}, nil)
}

func (p *Pages) createUser(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	form := userForm(r)
	_, err = p.svc.CreateOrgUser(r.Context(), ar.actor, ar.orgID, form)
	return p.afterChange(w, r, ar, "created", form, err)
}

func (p *Pages) updateUser(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	_, err = p.svc.UpdateOrgUser(r.Context(), ar.actor, ar.orgID, r.PathValue("id"), userPatchForm(r))
	return p.afterChange(w, r, ar, "updated", UserInput{}, err)
}

func (p *Pages) restoreUser(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	_, err = p.svc.RestoreOrgUser(r.Context(), ar.actor, ar.orgID, r.PathValue("id"))
	return p.afterChange(w, r, ar, "restored", UserInput{}, err)
}

// deleteData fills the page that shows what a deletion loses and asks the
// person to type the name.
type deleteData struct {
	Impact DeletionImpact
	Token  string
	Cancel string
	Action string
	Errors *web.FormErrors
}

func (p *Pages) confirmDeleteUser(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	return p.deletePage(w, r, ar, http.StatusOK, nil)
}

func (p *Pages) deletePage(w http.ResponseWriter, r *http.Request, ar orgArea, status int, fe *web.FormErrors) error {
	impact, err := p.svc.DeletionImpact(r.Context(), ar.actor, ar.orgID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "confirm_delete_user", deleteData{
		Impact: impact, Token: p.svc.ConfirmToken(impact.ID), Cancel: ar.page,
		Action: ar.actions + "/" + impact.ID + "/delete", Errors: fe,
	})
}

// errTypedName asks the person to type the name exactly.
var errTypedName = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "confirmation.name_mismatch",
	Fields: []problem.Field{{Field: "confirm_name", Message: "field.confirm_name"}}}

func (p *Pages) deleteUser(w http.ResponseWriter, r *http.Request) error {
	ar, ok, err := area(w, r)
	if !ok {
		return err
	}
	impact, err := p.svc.DeletionImpact(r.Context(), ar.actor, ar.orgID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !confirm.TypedMatches(r.PostFormValue("confirm_name"), impact.Name) {
		err = errTypedName
	} else {
		_, err = p.svc.DeleteOrgUser(r.Context(), ar.actor, ar.orgID, impact.ID, r.PostFormValue("confirm"))
	}
	if err == nil {
		http.Redirect(w, r, ar.page+"?done=deleted", http.StatusSeeOther)
		return nil
	}
	fe, status, ferr := web.AsFormErrors(r, err)
	if ferr != nil {
		return ferr
	}
	return p.deletePage(w, r, ar, status, fe)
}
