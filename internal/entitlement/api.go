package entitlement

import (
	"net/http"
	"net/url"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of entitlements and the quota ledger.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/orgs/{org}/entitlements", web.Authed(h.entitlements))
	rt.API("GET /api/v1/orgs/{org}/quota/{service}", web.Authed(h.ledger))
	rt.API("POST /api/v1/orgs/{org}/quota/{service}/grants", web.Authed(h.grant))
}

// entitlementList is the answer of GET …/entitlements.
type entitlementList struct {
	Items []Entitlement `json:"items"`
	At    time.Time     `json:"at"`
}

func (h *API) entitlements(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	orgID := r.PathValue("org")
	if err := h.svc.CanRead(a, orgID); err != nil {
		return err
	}
	at, err := web.TimeParam(r, "at", h.svc.Now())
	if err != nil {
		return err
	}
	list, err := h.svc.Evaluate(r.Context(), orgID, at)
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, entitlementList{Items: list, At: at.UTC()})
}

// ledgerPage is the answer of GET …/quota/{service}: the current quota and
// the entries, oldest first, as a list page.
type ledgerPage struct {
	Service    string      `json:"service"`
	Status     Status      `json:"status"`
	Quota      *QuotaState `json:"quota"`
	Items      []Entry     `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

func (h *API) ledger(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if err := h.svc.RequireInOrg(r.Context(), a, r.PathValue("org"), actor.ReadServices); err != nil {
		return err
	}
	page, err := web.ParsePage(r)
	if err != nil {
		return err
	}
	l, err := h.svc.Ledger(r.Context(), a, r.PathValue("org"), r.PathValue("service"), page.After, page.Limit)
	if err != nil {
		return err
	}
	list := web.NewList(l.Entries, page, func(e Entry) string { return e.ID })
	return web.JSON(w, http.StatusOK, ledgerPage{Service: l.Service, Status: l.Status, Quota: l.Quota, Items: list.Items, NextCursor: list.NextCursor})
}

func (h *API) grant(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	orgID, service := r.PathValue("org"), r.PathValue("service")
	if err := h.svc.RequireInOrg(r.Context(), a, orgID, actor.GrantQuota); err != nil {
		return err
	}
	var in GrantInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	e, created, err := h.svc.Grant(r.Context(), a, orgID, service, in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	if !created {
		return web.JSON(w, http.StatusOK, e)
	}
	return web.Created(w, LedgerPath(orgID, service), e)
}

// LedgerPath is the API path of an organisation's ledger of a service.
func LedgerPath(orgID, service string) string {
	return "/api/v1/orgs/" + url.PathEscape(orgID) + "/quota/" + url.PathEscape(service)
}
