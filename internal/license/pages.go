package license

import (
	"net/http"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the customers' licenses page (download, upgrade, history) and
// the console's licenses of an organisation (issue, revoke, history).
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /portal/licenses", p.portal)
	rt.Page("POST /portal/licenses/{id}/upgrade", p.upgrade)
	rt.Page("GET /console/orgs/{org}/licenses", p.console)
	rt.Page("POST /console/orgs/{org}/licenses", p.issue)
	rt.Page("POST /console/orgs/{org}/licenses/{id}/revoke", p.revoke)
}

// PortalPath is the customers' licenses page.
const PortalPath = "/portal/licenses"

// ConsolePath is an organisation's licenses page in the console.
func ConsolePath(orgID string) string { return "/console/orgs/" + orgID + "/licenses" }

// pageSize is how many licenses a page shows: an organisation has a few
// per contract.
const pageSize = 200

// licenseView is a license with what the page says about it.
type licenseView struct {
	License
	UpgradeTo string   // the version an upgrade would give now
	Refusal   []string // why it cannot be upgraded, in words
}

type licensesData struct {
	OrgID, OrgName string
	Licenses       []licenseView
	Contracts      []contract.Contract // active ones, to issue from (console)
	CanIssue       bool
	CanUpgrade     bool
	Key            string // a fresh Idempotency-Key, so that a form sent twice upgrades once
	Errors         *web.FormErrors
	Failed         string // the license whose form failed
	Done           string
}

// refusalWords says in words why an upgrade is not possible: the
// entitlement's reasons and what to do instead, or the problem's message.
func refusalWords(lang i18n.Lang, err error) ([]string, error) {
	pe, ok := problem.As(err)
	if !ok || pe.Status >= 500 || pe.Status == http.StatusNotFound {
		return nil, err
	}
	var words []string
	if reasons, ok := pe.Extra["reasons"].([]entitlement.Reason); ok && len(reasons) > 0 {
		for _, r := range reasons {
			words = append(words, r.Text.In(lang))
		}
	} else {
		words = append(words, i18n.T(lang, pe.MessageKey(), pe.Args))
	}
	if instead, ok := pe.Extra["instead"].(catalog.Text); ok {
		words = append(words, instead.In(lang))
	}
	return words, nil
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID, page string, status int, d licensesData) error {
	ctx, lang := r.Context(), web.Lang(r.Context())
	name, err := p.svc.RequireInOrg(ctx, a, orgID, actor.ReadServices)
	if err != nil {
		return err
	}
	list, err := p.svc.List(ctx, a, orgID, "", pageSize)
	if err != nil {
		return err
	}
	d.OrgID, d.OrgName, d.Key = orgID, name, id.Secret(16)
	d.CanIssue, d.CanUpgrade = a.Can(actor.IssueLicenses), a.Can(actor.UpgradeLicenses)
	for _, l := range list {
		v := licenseView{License: l}
		if l.Status == Active && d.CanUpgrade {
			to, err := p.svc.UpgradeOffer(ctx, l)
			if v.UpgradeTo = to; err != nil {
				if v.Refusal, err = refusalWords(lang, err); err != nil {
					return err
				}
			}
		}
		d.Licenses = append(d.Licenses, v)
	}
	if d.CanIssue {
		all, err := p.svc.d.Contracts.List(ctx, a, orgID)
		if err != nil {
			return err
		}
		for _, c := range all {
			if c.Status == contract.Active {
				d.Contracts = append(d.Contracts, c)
			}
		}
	}
	switch done := r.URL.Query().Get("done"); done {
	case "issued", "upgraded", "revoked":
		d.Done = "license_pages.done." + done
	}
	return p.pages.Render(w, r, status, page, d)
}

func (p *Pages) portal(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	return p.render(w, r, a, a.OrgID, "license_portal", http.StatusOK, licensesData{})
}

func (p *Pages) upgrade(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	licenseID := r.PathValue("id")
	_, _, err = p.svc.Upgrade(r.Context(), a, licenseID, UpgradeInput{}, r.PostFormValue("idempotency_key"))
	if err == nil {
		http.Redirect(w, r, PortalPath+"?done=upgraded", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.render(w, r, a, a.OrgID, "license_portal", status, licensesData{Errors: fe, Failed: licenseID})
}

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.render(w, r, a, r.PathValue("org"), "license_console", http.StatusOK, licensesData{})
}

// consoleChange runs a console form's change and answers with the page
// again: redirected with done, or with the form's errors.
func (p *Pages) consoleChange(w http.ResponseWriter, r *http.Request, failed, done string, change func(a *actor.Actor, orgID string) error) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	orgID := r.PathValue("org")
	if err := change(a, orgID); err != nil {
		fe, status, err := web.AsFormErrors(r, err)
		if err != nil {
			return err
		}
		return p.render(w, r, a, orgID, "license_console", status, licensesData{Errors: fe, Failed: failed})
	}
	http.Redirect(w, r, ConsolePath(orgID)+"?done="+done, http.StatusSeeOther)
	return nil
}

func (p *Pages) issue(w http.ResponseWriter, r *http.Request) error {
	return p.consoleChange(w, r, "issue", "issued", func(a *actor.Actor, orgID string) error {
		_, err := p.svc.Issue(r.Context(), a, orgID, IssueInput{ContractID: r.PostFormValue("contract_id")})
		return err
	})
}

func (p *Pages) revoke(w http.ResponseWriter, r *http.Request) error {
	licenseID := r.PathValue("id")
	return p.consoleChange(w, r, licenseID, "revoked", func(a *actor.Actor, orgID string) error {
		l, err := p.svc.Get(r.Context(), a, licenseID)
		if err != nil {
			return err
		}
		if l.OrgID != orgID {
			return problem.ErrNotFound
		}
		_, err = p.svc.Revoke(r.Context(), a, licenseID, RevokeInput{Reason: r.PostFormValue("reason")})
		return err
	})
}
