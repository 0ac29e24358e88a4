package account

import (
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// orgsData fills the console's organisation list.
type orgsData struct {
	Orgs      []Org
	CanCreate bool
	Form      OrgInput
	Errors    *web.FormErrors
	Done      string
}

func (p *Pages) orgsPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, form OrgInput, fe *web.FormErrors) error {
	orgs, err := p.svc.Orgs(r.Context(), a, "", 200)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "console_orgs", orgsData{
		Orgs: orgs, CanCreate: a.Can(actor.CreateOrgs), Form: form, Errors: fe, Done: doneMessage(r),
	})
}

func (p *Pages) consoleOrgs(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.orgsPage(w, r, a, http.StatusOK, OrgInput{}, nil)
}

func (p *Pages) consoleCreateOrg(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	form := OrgInput{Name: r.PostFormValue("name"), Region: r.PostFormValue("region")}
	o, err := p.svc.CreateOrg(r.Context(), a, form)
	if err == nil {
		http.Redirect(w, r, "/console/orgs/"+o.ID+"?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.orgsPage(w, r, a, status, form, fe)
}

// staffData fills the console's staff page.
type staffData struct {
	Staff  []User
	Roles  []actor.Role
	Form   UserInput
	Errors *web.FormErrors
	Done   string
}

func (p *Pages) staffPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, form UserInput, fe *web.FormErrors) error {
	staff, err := p.svc.Staff(r.Context(), a, "", 200)
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "console_staff", staffData{
		Staff: staff, Roles: actor.VendorRoles, Form: form, Errors: fe, Done: doneMessage(r),
	})
}

func (p *Pages) consoleStaff(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.staffPage(w, r, a, http.StatusOK, UserInput{}, nil)
}

func (p *Pages) consoleCreateStaff(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	form := userForm(r)
	if _, err := p.svc.CreateStaff(r.Context(), a, form); err == nil {
		http.Redirect(w, r, "/console/staff?done=created", http.StatusSeeOther)
		return nil
	} else if fe, status, err := web.AsFormErrors(r, err); err != nil {
		return err
	} else {
		form.Password = ""
		return p.staffPage(w, r, a, status, form, fe)
	}
}
