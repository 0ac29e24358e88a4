package catalog

import (
	"encoding/json"
	"net/http"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// The console's catalog editor: product_manager and vendor_admin (others 403).

// editorActor returns the vendor actor of an editor page.
func (p *Pages) editorActor(r *http.Request) (*actor.Actor, error) {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return nil, err
	}
	return a, p.svc.Authorize(a)
}

// consoleData fills the versions list.
type consoleData struct {
	Versions []Version
	InEffect string // id
	Form     DraftInput
	Errors   *web.FormErrors
}

func (p *Pages) consolePage(w http.ResponseWriter, r *http.Request, status int, form DraftInput, fe *web.FormErrors) error {
	all, err := p.svc.Versions(r.Context())
	if err != nil {
		return err
	}
	data := consoleData{Versions: all, Form: form, Errors: fe}
	for _, v := range all {
		if v.State == Effective {
			data.InEffect = v.ID
		}
	}
	if data.Form.BasedOn == "" {
		data.Form.BasedOn = data.InEffect
	}
	return p.pages.Render(w, r, status, "console_catalog", data)
}

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.editorActor(r); err != nil {
		return err
	}
	return p.consolePage(w, r, http.StatusOK, DraftInput{}, nil)
}

func (p *Pages) createDraft(w http.ResponseWriter, r *http.Request) error {
	a, err := p.editorActor(r)
	if err != nil {
		return err
	}
	form := DraftInput{Name: r.PostFormValue("name"), BasedOn: r.PostFormValue("based_on")}
	v, err := p.svc.CreateDraft(r.Context(), a, form)
	if err == nil {
		http.Redirect(w, r, "/console/catalog/"+v.ID+"?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.consolePage(w, r, status, form, fe)
}

// versionData fills one version's page: a draft's editor and announce
// form, or an announced version's withdraw button.
type versionData struct {
	Version       Version
	ItemsJSON     string
	Name          string
	EffectiveFrom string
	Earliest      string // the first day an announcement today may take effect
	Today         string // Beijing
	CanWithdraw   bool
	InEffect      string // id, for the diff link
	Errors        *web.FormErrors
	Done          string
}

// versionPage shows a version; form values and errors of a failed submit
// are passed in data.
func (p *Pages) renderVersion(w http.ResponseWriter, r *http.Request, status int, versionID string, data versionData) error {
	v, err := p.svc.Version(r.Context(), versionID)
	if err != nil {
		return err
	}
	now := p.svc.Clock.Now()
	data.Version, data.Today, data.Earliest = v, clock.BeijingDate(now), EarliestEffective(now)
	data.CanWithdraw = v.State == Announced
	if data.ItemsJSON == "" {
		raw, _ := json.MarshalIndent(v.Items, "", "  ")
		data.ItemsJSON = string(raw)
	}
	if data.Name == "" {
		data.Name = v.Name
	}
	if data.EffectiveFrom == "" {
		data.EffectiveFrom = data.Earliest
	}
	if cur, err := p.svc.InEffect(r.Context(), now); err == nil {
		data.InEffect = cur.ID
	}
	return p.pages.Render(w, r, status, "console_catalog_version", data)
}

func (p *Pages) versionPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.editorActor(r); err != nil {
		return err
	}
	done := ""
	switch r.URL.Query().Get("done") {
	case "created", "updated":
		done = "page.done." + r.URL.Query().Get("done")
	case "announced", "withdrawn":
		done = "catalog.done." + r.URL.Query().Get("done")
	}
	return p.renderVersion(w, r, http.StatusOK, r.PathValue("id"), versionData{Done: done})
}

// formError redisplays the version page with err's field messages, or
// returns err for the error page.
func (p *Pages) formError(w http.ResponseWriter, r *http.Request, err error, data versionData) error {
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	data.Errors = fe
	return p.renderVersion(w, r, status, r.PathValue("id"), data)
}

func (p *Pages) saveDraft(w http.ResponseWriter, r *http.Request) error {
	a, err := p.editorActor(r)
	if err != nil {
		return err
	}
	name, itemsJSON := r.PostFormValue("name"), r.PostFormValue("items")
	data := versionData{Name: name, ItemsJSON: itemsJSON}
	var items []Item
	if err := web.DecodeReader(strings.NewReader(itemsJSON), &items); err != nil {
		return p.formError(w, r, prefixFields(err, "items"), data)
	}
	if items == nil {
		items = []Item{}
	}
	if _, err := p.svc.UpdateDraft(r.Context(), a, r.PathValue("id"), DraftPatch{Name: &name, Items: &items}); err != nil {
		return p.formError(w, r, err, data)
	}
	http.Redirect(w, r, "/console/catalog/"+r.PathValue("id")+"?done=updated", http.StatusSeeOther)
	return nil
}

func (p *Pages) announce(w http.ResponseWriter, r *http.Request) error {
	a, err := p.editorActor(r)
	if err != nil {
		return err
	}
	day := r.PostFormValue("effective_from")
	if _, err := p.svc.Announce(r.Context(), a, r.PathValue("id"), AnnounceInput{EffectiveFrom: day}); err != nil {
		return p.formError(w, r, err, versionData{EffectiveFrom: day})
	}
	http.Redirect(w, r, "/console/catalog/"+r.PathValue("id")+"?done=announced", http.StatusSeeOther)
	return nil
}

func (p *Pages) withdraw(w http.ResponseWriter, r *http.Request) error {
	a, err := p.editorActor(r)
	if err != nil {
		return err
	}
	if _, err := p.svc.Withdraw(r.Context(), a, r.PathValue("id")); err != nil {
		return p.formError(w, r, err, versionData{})
	}
	http.Redirect(w, r, "/console/catalog/"+r.PathValue("id")+"?done=withdrawn", http.StatusSeeOther)
	return nil
}

// diffData fills the side-by-side comparison.
type diffData struct {
	Versions []Version
	A, B     string
	Diff     *Diff
	Rows     []diffRow
}

// diffRow is one line of the side-by-side table: an item's field in A and in B.
type diffRow struct {
	Code, Field string
	Name        Text
	Old, New    string // JSON, or "" when absent on that side
	Kind        string // added, removed or changed
}

func (p *Pages) diff(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.editorActor(r); err != nil {
		return err
	}
	all, err := p.svc.Versions(r.Context())
	if err != nil {
		return err
	}
	data := diffData{Versions: all, A: r.URL.Query().Get("a"), B: r.URL.Query().Get("b")}
	if data.A != "" && data.B != "" {
		d, err := p.svc.Diff(r.Context(), data.A, data.B)
		if err != nil {
			return err
		}
		data.Diff, data.Rows = &d, sideBySide(d)
	}
	return p.pages.Render(w, r, http.StatusOK, "console_catalog_diff", data)
}

// sideBySide lays a diff out as rows: removed items on the left, added on
// the right, and each changed field with its old and new value.
func sideBySide(d Diff) []diffRow {
	var rows []diffRow
	show := func(v any) string {
		raw, _ := json.MarshalIndent(v, "", "  ")
		return string(raw)
	}
	for _, it := range d.Removed {
		rows = append(rows, diffRow{Code: it.Code, Name: it.Name, Old: show(it), Kind: "removed"})
	}
	for _, it := range d.Added {
		rows = append(rows, diffRow{Code: it.Code, Name: it.Name, New: show(it), Kind: "added"})
	}
	for _, c := range d.Changed {
		for _, f := range c.Fields {
			rows = append(rows, diffRow{Code: c.Code, Name: c.Name, Field: f.Field, Old: show(f.Old), New: show(f.New), Kind: "changed"})
		}
	}
	return rows
}

// prefixFields names the fields of a JSON decoding problem inside the form
// field they came from ("items", "items.quota.count").
func prefixFields(err error, field string) error {
	pe, ok := problem.As(err)
	if !ok {
		return err
	}
	var bad problem.Invalid
	for _, f := range pe.Fields {
		name := field
		if f.Field != "" {
			name += "." + f.Field
		}
		bad.Add(name, f.Message)
	}
	if out := bad.Err(); out != nil {
		return out
	}
	return err
}
