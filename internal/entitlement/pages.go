package entitlement

import (
	"net/http"
	"strconv"
	"strings"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// PortalPath is the customer's "My services" page.
const PortalPath = "/portal/services"

// ConsolePath is an organisation's entitlement table in the console.
func ConsolePath(orgID string) string { return "/console/orgs/" + orgID + "/services" }

// Pages are "My services" in the portal and the entitlement table of an
// organisation in the console, with the quota ledgers and, for those who
// may, a form to grant extra quota.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET "+PortalPath, p.portal)
	rt.Page("GET /console/orgs/{org}/services", p.console)
	rt.Page("POST /console/orgs/{org}/services/{service}/grants", p.grant)
}

// servicesData fills the services page.
type servicesData struct {
	OrgID, OrgName string
	Console        bool
	At             string // Beijing time the answer holds for
	Rows           []serviceRow
	Ledgers        []ledgerView
	CanGrant       bool
	Errors         *web.FormErrors
	ErrorService   string // the grant form the errors belong to
	Done           string
	FormKey        string // the grant forms' idempotency key: a double submit grants once
}

type serviceRow struct {
	Service, Name, Status string
	ValidFrom, ValidUntil string
	Reasons               []string
	Quota                 *QuotaState
	Delivered             string // a link to where it is delivered, when active
}

type ledgerView struct {
	Service, Name string
	Quota         *QuotaState
	Entries       []entryRow
}

type entryRow struct {
	Kind, Reason, Period, When, Who string
	Count                           int
}

func text(lang i18n.Lang, t catalog.Text) string {
	if lang == i18n.English && t.En != "" {
		return t.En
	}
	return t.Zh
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID string, status int, fe *web.FormErrors, errService string) error {
	ctx := r.Context()
	name, err := p.svc.d.OrgCheck(ctx, a, orgID)
	if err != nil {
		return err
	}
	if !a.Can(actor.ReadServices) {
		return problem.ErrForbidden
	}
	now := p.svc.Now()
	list, err := p.svc.Evaluate(ctx, orgID, now)
	if err != nil {
		return err
	}
	lang := web.Lang(ctx)
	d := servicesData{OrgID: orgID, OrgName: name, Console: a.IsVendor(), At: now.In(clock.Shanghai).Format("2006-01-02 15:04"),
		CanGrant: a.IsVendor() && a.Can(actor.GrantQuota), Errors: fe, ErrorService: errService, FormKey: "page:" + id.Secret(12)}
	if r.URL.Query().Get("done") == "granted" {
		d.Done = "services.done.granted"
	}
	for _, e := range list {
		row := serviceRow{Service: e.Service, Name: text(lang, e.Name), Status: string(e.Status), ValidFrom: e.ValidFrom,
			ValidUntil: e.ValidUntil, Quota: e.Quota}
		if e.Status == Active && strings.HasPrefix(e.Delivered, "/") {
			row.Delivered = e.Delivered
		}
		for _, reason := range e.Reasons {
			row.Reasons = append(row.Reasons, text(lang, reason.Text))
		}
		d.Rows = append(d.Rows, row)
		if e.Quota == nil {
			continue
		}
		entries, err := p.svc.store.List(ctx, a.Scope(), orgID, e.Service, "", 200)
		if err != nil {
			return err
		}
		lv := ledgerView{Service: e.Service, Name: row.Name, Quota: e.Quota}
		for _, en := range entries {
			who := en.ActorRole
			if who == "" {
				who = en.ActorID
			}
			lv.Entries = append(lv.Entries, entryRow{Kind: en.Kind, Count: en.Count, Reason: en.Reason, Period: en.PeriodStart,
				When: en.CreatedAt.In(clock.Shanghai).Format("2006-01-02 15:04"), Who: who})
		}
		d.Ledgers = append(d.Ledgers, lv)
	}
	return p.pages.Render(w, r, status, "services", d)
}

func (p *Pages) portal(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	return p.render(w, r, a, a.OrgID, http.StatusOK, nil, "")
}

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.render(w, r, a, r.PathValue("org"), http.StatusOK, nil, "")
}

func (p *Pages) grant(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	orgID, service := r.PathValue("org"), r.PathValue("service")
	if err := p.svc.RequireInOrg(r.Context(), a, orgID, actor.GrantQuota); err != nil {
		return err
	}
	count, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	if err != nil {
		count = 0 // reported as a bad count
	}
	_, _, err = p.svc.Grant(r.Context(), a, orgID, service, GrantInput{Count: count, Reason: r.PostFormValue("reason")}, r.PostFormValue("key"))
	if err != nil {
		fe, status, ferr := web.AsFormErrors(r, err)
		if ferr != nil {
			return ferr
		}
		return p.render(w, r, a, orgID, status, fe, service)
	}
	http.Redirect(w, r, ConsolePath(orgID)+"?done=granted", http.StatusSeeOther)
	return nil
}
