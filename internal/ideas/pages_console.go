package ideas

import (
	"net/http"
	"net/url"
	"strings"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// Product managers' console of the square: every idea with the filters the
// public square lacks (module, organisation, deployment kind) and how many
// organisations want each; an idea's demand, and the forms that answer it
// with a status or merge it into another.

// ConsolePath is the product managers' list of ideas.
const ConsolePath = "/console/ideas"

// ConsoleIdeaPath is an idea's console page.
func ConsoleIdeaPath(id string) string { return ConsolePath + "/" + url.PathEscape(id) }

// exportPath is the CSV export of the API, which takes the console's filters.
const exportPath = "/api/v1/ideas/export"

func (p *Pages) consoleRoutes(rt *web.Router) {
	rt.Page("GET "+ConsolePath, web.Authed(p.managing(p.consoleList)))
	rt.Page("GET "+ConsolePath+"/{id}", web.Authed(p.managing(p.consoleIdea)))
	rt.Page("POST "+ConsolePath+"/{id}/status", web.Authed(p.managing(p.changeStatus)))
	rt.Page("POST "+ConsolePath+"/{id}/merge", web.Authed(p.managing(p.merge)))
}

// managing lets product managers in and answers 403 to everyone else.
func (p *Pages) managing(h web.ActorHandler) web.ActorHandler {
	return func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		if err := p.svc.CanManage(a); err != nil {
			return err
		}
		return h(w, r, a)
	}
}

type consoleRow struct {
	ideaRow
	Orgs int // organisations wanting it
}

type consoleListData struct {
	Filter      Filter
	Products    productViews
	Statuses    []string
	Deployments []string
	Sorts       []string
	Rows        []consoleRow
	More        string
	Export      string
}

func (p *Pages) consoleList(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	lp, err := p.listPage(r, a)
	if err != nil {
		return err
	}
	ids := make([]string, len(lp.Rows))
	for i, row := range lp.Rows {
		ids[i] = row.ID
	}
	orgs, err := p.svc.DemandCounts(r.Context(), a, ids)
	if err != nil {
		return err
	}
	export := lp.Filter
	export.Cursor = ""
	d := consoleListData{Filter: lp.Filter, Products: lp.Products, Statuses: Statuses, Deployments: catalog.Deployments, Sorts: squareSorts,
		Export: listURL(exportPath, export)}
	if lp.Next != nil {
		d.More = listURL(ConsolePath, *lp.Next)
	}
	for _, row := range lp.Rows {
		d.Rows = append(d.Rows, consoleRow{ideaRow: row, Orgs: orgs[row.ID]})
	}
	return p.pages.Render(w, r, http.StatusOK, "idea_console_list", d)
}

// statusForm and mergeForm are the console's forms as typed.
type statusForm struct {
	Status, Explanation, ShippedIn string
}

type consoleIdeaData struct {
	Row      ideaRow
	Demand   Demand
	Statuses []string
	Status   statusForm
	Into     string
	// Failed is the form the Errors belong to: "status" or "merge".
	Failed string
	Errors *web.FormErrors
	Done   string
}

func (p *Pages) renderConsoleIdea(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d consoleIdeaData) error {
	ctx := r.Context()
	row, err := p.live(w, r, a, ConsoleIdeaPath)
	if err != nil || row.ID == "" {
		return err
	}
	it := row.Idea
	if d.Demand, err = p.svc.Demand(ctx, a, it.ID); err != nil {
		return err
	}
	d.Row, d.Statuses = row, Statuses
	if d.Failed != "status" {
		d.Status = statusForm{Status: it.Status}
	}
	if done := r.URL.Query().Get("done"); done == "status" || done == "merged" {
		d.Done = "ideas_pages.done." + done
	}
	return p.pages.Render(w, r, status, "idea_console", d)
}

func (p *Pages) consoleIdea(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	return p.renderConsoleIdea(w, r, a, http.StatusOK, consoleIdeaData{})
}

// changeStatus moves the idea to the form's status with its public
// explanation, which every voter and follower is told of.
func (p *Pages) changeStatus(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	form := statusForm{Status: r.PostFormValue("status"), Explanation: r.PostFormValue("explanation"), ShippedIn: strings.TrimSpace(r.PostFormValue("shipped_in"))}
	it, err := p.svc.ChangeStatus(r.Context(), a, r.PathValue("id"), StatusInput(form))
	if err == nil {
		http.Redirect(w, r, ConsoleIdeaPath(it.ID)+"?done=status", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderConsoleIdea(w, r, a, status, consoleIdeaData{Failed: "status", Status: form, Errors: fe})
}

// merge merges the idea into the one named, which survives; the console
// goes on to the survivor.
func (p *Pages) merge(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	typed := r.PostFormValue("into")
	survivor, err := p.svc.Merge(r.Context(), a, r.PathValue("id"), MergeInput{Into: ideaRef(typed)})
	if err == nil {
		http.Redirect(w, r, ConsoleIdeaPath(survivor.ID)+"?done=merged", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderConsoleIdea(w, r, a, status, consoleIdeaData{Failed: "merge", Into: typed, Errors: fe})
}

// ideaRef reads the idea a product manager names: its id, or the address of
// its page (public or console) pasted whole.
func ideaRef(typed string) string { return web.PastedID(typed, SquarePath) }
