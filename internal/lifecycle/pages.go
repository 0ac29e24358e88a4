package lifecycle

import (
	"net/http"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the console's product pages: every product with its versions,
// and for product_manager and vendor_admin forms to add a version and to
// change a version's dates.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /console/products", p.list)
	rt.Page("GET /lifecycle", p.lifecycle)
	rt.Page("GET /lifecycle/{product}", p.lifecycleProduct)
	rt.Page("GET /lifecycle/changes.atom", p.changesFeed)
	rt.Page("POST /console/products/{code}/versions", p.addVersion)
	rt.Page("POST /console/products/{code}/versions/{name}", p.editDates)
}

// productsData fills the page.
type productsData struct {
	Products  []Detail
	CanManage bool
	Failed    string // the product whose form failed
	Edited    string // the version whose dates form failed; "" for the add form
	Form      Version
	Errors    *web.FormErrors
	Done      string
}

// FailedAdd reports whether the product's add form is the one that failed.
func (d productsData) FailedAdd(code string) bool { return d.Failed == code && d.Edited == "" }

// FailedEdit reports whether the dates form of the version is the one that
// failed.
func (d productsData) FailedEdit(v Version) bool { return d.Failed == v.Product && d.Edited == v.Name }

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d productsData) error {
	var err error
	if d.Products, err = p.svc.Details(r.Context()); err != nil {
		return err
	}
	d.CanManage = a.Can(actor.ManageProducts)
	switch r.URL.Query().Get("done") {
	case "version":
		d.Done = "products.done.version"
	case "dates":
		d.Done = "products.done.dates"
	}
	return p.pages.Render(w, r, status, "console_products", d)
}

func (p *Pages) list(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.render(w, r, a, http.StatusOK, productsData{})
}

func (p *Pages) addVersion(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	v := Version{Name: r.PostFormValue("name"), ReleasedOn: strings.TrimSpace(r.PostFormValue("released_on")),
		StandardSupportUntil: strings.TrimSpace(r.PostFormValue("standard_support_until")),
		ExtendedSupportUntil: strings.TrimSpace(r.PostFormValue("extended_support_until"))}
	if _, err = p.svc.AddVersion(r.Context(), a, code, v); err == nil {
		http.Redirect(w, r, "/console/products?done=version#product-"+code, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.render(w, r, a, status, productsData{Failed: code, Form: v, Errors: fe})
}

func (p *Pages) editDates(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	code, name := r.PathValue("code"), r.PathValue("name")
	form := Version{Product: code, Name: name, ReleasedOn: r.PostFormValue("released_on"),
		StandardSupportUntil: r.PostFormValue("standard_support_until"), ExtendedSupportUntil: r.PostFormValue("extended_support_until")}
	edit := DatesEdit{ReleasedOn: SetDate(form.ReleasedOn), StandardSupportUntil: SetDate(form.StandardSupportUntil),
		ExtendedSupportUntil: SetDate(form.ExtendedSupportUntil)}
	if _, err = p.svc.EditDates(r.Context(), a, code, name, edit); err == nil {
		http.Redirect(w, r, "/console/products?done=dates#product-"+code, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.render(w, r, a, status, productsData{Failed: code, Edited: name, Form: form, Errors: fe})
}
