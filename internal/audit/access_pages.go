package audit

import (
	"net/http"
	"strings"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/web"
)

// PortalAccessPath is the customer_admin's data-access page.
const PortalAccessPath = "/portal/access"

// ConsoleAccessPath is an organisation's data-access page in the console.
func ConsoleAccessPath(orgID string) string { return "/console/orgs/" + orgID + "/access" }

// localInput is the value format of an <input type="datetime-local">,
// which the pages read as Beijing time.
const localInput = "2006-01-02T15:04"

// AccessPages are the data-access pages: the customer_admin's in the portal
// (grant, revoke, see the log) and an organisation's in the console.
type AccessPages struct {
	svc   *Access
	pages *web.Renderer
}

// NewAccessPages returns the page handlers.
func NewAccessPages(svc *Access, pages *web.Renderer) *AccessPages {
	return &AccessPages{svc: svc, pages: pages}
}

// Routes registers the pages.
func (p *AccessPages) Routes(rt *web.Router) {
	rt.Page("GET "+PortalAccessPath, p.portal)
	rt.Page("POST "+PortalAccessPath+"/grants", p.portalGrant)
	rt.Page("POST "+PortalAccessPath+"/grants/{id}/revoke", p.portalRevoke)
	rt.Page("GET /console/orgs/{org}/access", p.console)
	rt.Page("POST /console/orgs/{org}/lawful-requests", p.consoleLawfulRequest)
}

// accessData fills the data-access page.
type accessData struct {
	OrgID, OrgName string
	Console        bool
	Base           string // the page's path; forms post below it
	Done           string
	Scopes         []string

	Grants      []grantRow
	CanGrant    bool
	GrantForm   grantForm
	GrantErrors *web.FormErrors

	ShowLawful      bool
	Lawful          []lawfulRow
	CanRecordLawful bool
	LawfulForm      lawfulForm
	LawfulErrors    *web.FormErrors

	ShowLog bool
	Log     []recordRow
}

type grantForm struct{ Until, UntilMin, Scope, Note string }

type lawfulForm struct {
	LawfulRequestInput
	UntilLocal, Today string
}

type grantRow struct {
	ID, Scope, Note, Until, Created, Revoked string
	Active                                   bool
}

type lawfulRow struct {
	Authority, Reference, Scope, Note, Until, DiscloseOn, Created string
	Active, Disclosed                                             bool
}

type recordRow struct {
	When, Who, Role, Object, ObjectID, Basis, BasisID string
}

// beijing shows an instant in Beijing time, as every page does.
func beijing(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") }

// basisLabel names a basis kind in lang; an owner kind a room registered
// without a message shows as it is.
func basisLabel(lang i18n.Lang, kind string) string {
	if key := "access.basis." + kind; i18n.Has(key) {
		return i18n.T(lang, key, nil)
	}
	return kind
}

// accessPage gathers what the actor may see of the organisation's access and renders it.
func (p *AccessPages) accessPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID string, status int, d accessData) error {
	ctx, now := r.Context(), p.svc.clock.Now()
	name, err := p.svc.orgs(ctx, a, orgID)
	if err != nil {
		return err
	}
	d.OrgID, d.OrgName, d.Console, d.Scopes = orgID, name, a.IsVendor(), []string{ScopeAttachments, ScopeAll}
	d.Base = PortalAccessPath
	if d.Console {
		d.Base = ConsoleAccessPath(orgID)
	}
	if d.Done == "" {
		d.Done = accessDone(r)
	}
	if d.GrantErrors == nil { // a fresh form, not one redisplayed with its errors
		d.GrantForm = grantForm{Until: now.AddDate(0, 0, 7).In(clock.Shanghai).Format(localInput), Scope: ScopeAttachments}
	}
	d.GrantForm.UntilMin = now.In(clock.Shanghai).Format(localInput)
	if d.LawfulErrors == nil {
		d.LawfulForm.Scope, d.LawfulForm.UntilLocal = ScopeAttachments, now.AddDate(0, 1, 0).In(clock.Shanghai).Format(localInput)
	}
	d.LawfulForm.Today = clock.BeijingDate(now)
	d.CanGrant = a.Can(actor.GrantDataAccess)
	d.CanRecordLawful = a.Can(actor.RecordLawfulRequests)

	grants, err := p.svc.Grants(ctx, a, orgID, "", 200)
	if err != nil {
		return err
	}
	for _, g := range grants {
		row := grantRow{ID: g.ID, Scope: g.Scope, Note: g.Note, Until: beijing(g.Until), Created: beijing(g.CreatedAt), Active: g.Active}
		if g.RevokedAt != nil {
			row.Revoked = beijing(*g.RevokedAt)
		}
		d.Grants = append(d.Grants, row)
	}
	if d.ShowLawful = a.Can(actor.ReadLawfulRequests); d.ShowLawful {
		list, err := p.svc.LawfulRequests(ctx, a, orgID, "", 200)
		if err != nil {
			return err
		}
		for _, l := range list {
			d.Lawful = append(d.Lawful, lawfulRow{Authority: l.Authority, Reference: l.Reference, Scope: l.Scope, Note: l.Note,
				Until: beijing(l.Until), DiscloseOn: l.DiscloseOn, Created: beijing(l.CreatedAt), Active: l.Active, Disclosed: l.Disclosed})
		}
	}
	if d.ShowLog = a.Can(actor.ReadAccessLog); d.ShowLog {
		records, err := p.svc.Log(ctx, a, orgID, "", 200)
		if err != nil {
			return err
		}
		lang := web.Lang(ctx)
		for _, rec := range records {
			d.Log = append(d.Log, recordRow{When: beijing(rec.At), Who: rec.ActorName, Role: rec.ActorRole,
				Object: rec.ObjectLabel, ObjectID: rec.ObjectID, Basis: basisLabel(lang, rec.Basis.Kind), BasisID: rec.Basis.ID})
		}
	}
	return p.pages.Render(w, r, status, "access", d)
}

func accessDone(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "granted":
		return "access.done.granted"
	case "revoked":
		return "access.done.revoked"
	case "recorded":
		return "access.done.recorded"
	}
	return ""
}

func (p *AccessPages) portal(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	if err := p.svc.RequireInOrg(r.Context(), a, a.OrgID, actor.ReadAccessLog); err != nil {
		return err
	}
	return p.accessPage(w, r, a, a.OrgID, http.StatusOK, accessData{})
}

// localToRFC3339 reads a datetime-local value as Beijing time; a value it
// cannot read is passed on for the service to name the field.
func localToRFC3339(v string) string {
	t, err := time.ParseInLocation(localInput, strings.TrimSpace(v), clock.Shanghai)
	if err != nil {
		return v
	}
	return t.Format(time.RFC3339)
}

func (p *AccessPages) portalGrant(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	form := grantForm{Until: r.PostFormValue("until"), Scope: r.PostFormValue("scope"), Note: r.PostFormValue("note")}
	_, err = p.svc.CreateGrant(r.Context(), a, a.OrgID, GrantInput{Until: localToRFC3339(form.Until), Scope: form.Scope, Note: form.Note})
	if err == nil {
		http.Redirect(w, r, PortalAccessPath+"?done=granted", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.accessPage(w, r, a, a.OrgID, status, accessData{GrantForm: form, GrantErrors: fe})
}

func (p *AccessPages) portalRevoke(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	if _, err := p.svc.RevokeGrant(r.Context(), a, a.OrgID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, PortalAccessPath+"?done=revoked", http.StatusSeeOther)
	return nil
}

func (p *AccessPages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	if err := p.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), actor.ReadAccessGrants); err != nil {
		return err
	}
	return p.accessPage(w, r, a, r.PathValue("org"), http.StatusOK, accessData{})
}

func (p *AccessPages) consoleLawfulRequest(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	form := lawfulForm{LawfulRequestInput: LawfulRequestInput{Authority: r.PostFormValue("authority"), Reference: r.PostFormValue("reference"),
		Scope: r.PostFormValue("scope"), DiscloseOn: r.PostFormValue("disclose_on"), Note: r.PostFormValue("note")},
		UntilLocal: r.PostFormValue("until")}
	in := form.LawfulRequestInput
	in.Until = localToRFC3339(form.UntilLocal)
	_, err = p.svc.CreateLawfulRequest(r.Context(), a, org, in)
	if err == nil {
		http.Redirect(w, r, ConsoleAccessPath(org)+"?done=recorded", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.accessPage(w, r, a, org, status, accessData{LawfulForm: form, LawfulErrors: fe})
}

// noBasisData fills the page a vendor sees when a read has no basis.
type noBasisData struct {
	OrgID, OrgName  string
	AccessPath      string
	CanRecordLawful bool
}

// NoBasisPage answers a vendor's refused read of business data in a browser:
// 403 with how to get a basis (the customer_admin grants access in the
// portal, or a vendor_admin records a lawful request).
func (s *Access) NoBasisPage(rd *web.Renderer, w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID string) error {
	name, err := s.orgs(r.Context(), a, orgID)
	if err != nil {
		return err
	}
	return rd.Render(w, r, http.StatusForbidden, "access_no_basis", noBasisData{
		OrgID: orgID, OrgName: name, AccessPath: ConsoleAccessPath(orgID), CanRecordLawful: a.Can(actor.RecordLawfulRequests),
	})
}
