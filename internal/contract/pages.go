package contract

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the console's contract pages: an organisation's contracts, a
// form to add one, and a button to terminate each.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /console/orgs/{org}/contracts", p.list)
	rt.Page("POST /console/orgs/{org}/contracts", p.create)
	rt.Page("POST /console/orgs/{org}/contracts/{id}/terminate", p.terminate)
}

// ConsolePath is an organisation's contracts page in the console.
func ConsolePath(orgID string) string { return "/console/orgs/" + orgID + "/contracts" }

// contractsData fills the page.
type contractsData struct {
	OrgID, OrgName string
	Contracts      []Contract
	Products       []lifecycle.Detail
	Names          map[string]lifecycle.Text // product code → name
	Deployments    []string
	CanManage      bool
	Form           Input
	Quota          string // the form's quota overrides, "code=count, …"
	Errors         *web.FormErrors
	FieldErrors    []string // "field: message", for fields the form has no place for
	Done           string
}

// Checked reports whether the form had the module ticked.
func (d contractsData) Checked(code string) bool {
	for _, m := range d.Form.Modules {
		if m == code {
			return true
		}
	}
	return false
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, form Input, quota string, fe *web.FormErrors) error {
	ctx := r.Context()
	orgID := r.PathValue("org")
	name, err := p.svc.RequireInOrg(ctx, a, orgID, actor.ReadServices)
	if err != nil {
		return err
	}
	list, err := p.svc.List(ctx, a, orgID)
	if err != nil {
		return err
	}
	d := contractsData{OrgID: orgID, OrgName: name, Contracts: list, Names: map[string]lifecycle.Text{}, Deployments: catalog.Deployments,
		CanManage: a.Can(actor.ManageContracts), Form: form, Quota: quota, Errors: fe}
	if d.Products, err = p.svc.d.Products.Details(ctx); err != nil {
		return err
	}
	for _, prod := range d.Products {
		d.Names[prod.Code] = prod.Name
	}
	if fe != nil {
		for field, msg := range fe.Fields {
			d.FieldErrors = append(d.FieldErrors, field+": "+msg)
		}
		sort.Strings(d.FieldErrors)
	}
	switch r.URL.Query().Get("done") {
	case "created", "terminated":
		d.Done = "contracts.done." + r.URL.Query().Get("done")
	}
	return p.pages.Render(w, r, status, "console_contracts", d)
}

func (p *Pages) list(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.render(w, r, a, http.StatusOK, Input{Users: 1}, "", nil)
}

// form reads the create form: modules are ticked boxes, override codes are
// separated by commas or spaces, quotas are written code=count.
func form(r *http.Request) (Input, string) {
	in := Input{Product: r.PostFormValue("product"), Deployment: r.PostFormValue("deployment"), Version: r.PostFormValue("version"),
		StartsOn: strings.TrimSpace(r.PostFormValue("starts_on")), EndsOn: strings.TrimSpace(r.PostFormValue("ends_on")),
		Modules: r.PostForm["modules"], Reference: r.PostFormValue("reference")}
	in.Users, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("users")))
	quota := r.PostFormValue("overrides_quota")
	o := Overrides{Add: codes(r.PostFormValue("overrides_add")), Remove: codes(r.PostFormValue("overrides_remove")), Quota: map[string]int{}}
	for _, pair := range codes(quota) {
		code, count, _ := strings.Cut(pair, "=")
		n, err := strconv.Atoi(count)
		if err != nil {
			n = -1 // refused as a negative count, naming the item
		}
		o.Quota[code] = n
	}
	in.Overrides = &o
	return in, quota
}

func codes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == '\n' })
}

func (p *Pages) create(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	if _, err := p.svc.RequireInOrg(r.Context(), a, org, actor.ManageContracts); err != nil {
		return err
	}
	in, quota := form(r)
	_, err = p.svc.Create(r.Context(), a, org, in)
	if err == nil {
		http.Redirect(w, r, ConsolePath(org)+"?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.render(w, r, a, status, in, quota, fe)
}

func (p *Pages) terminate(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	if _, err := p.svc.Terminate(r.Context(), a, org, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, ConsolePath(org)+"?done=terminated", http.StatusSeeOther)
	return nil
}
