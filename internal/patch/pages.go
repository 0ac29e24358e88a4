package patch

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// uploadFormOverhead is what a multipart form may add to the file itself.
const uploadFormOverhead = 64 << 10

// consolePageSize is how many patches the console lists per page.
const consolePageSize = 50

// Pages are the patch pages: the customers' patch center in the portal (the
// patches that apply to their contracts, the installation plan, downloads
// or why not), and the vendor's patch console (drafts, files with upload
// progress, publish, withdraw, download statistics).
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages. The upload form is the way without
// JavaScript; with it, the page sends the raw file to the API's PUT and
// shows the upload's progress.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /portal/patches", p.center)
	rt.Page("GET /portal/patches/{id}", p.orgPatch)
	rt.Page("GET /console/patches", p.consoleList)
	rt.Page("POST /console/patches", p.create)
	rt.Page("GET /console/patches/{id}", p.consolePatch)
	rt.Page("POST /console/patches/{id}", p.edit)
	rt.PageWithLimit("POST /console/patches/{id}/files", p.svc.MaxFileSize()+uploadFormOverhead, p.uploadForm)
	rt.Page("POST /console/patches/{id}/publish", p.publish)
	rt.Page("POST /console/patches/{id}/withdraw", p.withdraw)
}

// ConsolePath is a patch's page in the console.
func ConsolePath(patchID string) string { return "/console/patches/" + url.PathEscape(patchID) }

// patchView is a patch as a page shows it, in the page's language.
type patchView struct {
	ID, Number, Product, Type, Status, Title string
	AppliesTo, WithdrawnReason               string
	Requires, Supersedes, ConflictsWith      []string
	Published, Withdrawn                     string // Beijing time, "" when not
	Notes                                    template.HTML
	Files                                    []fileView
	Versions                                 []string // the organisation's versions it applies to (portal)
}

type fileView struct {
	Name, Size, SHA256, KeyID, Status, Href string
	Available                               bool
}

func viewOf(pt Patch, lang i18n.Lang) patchView {
	v := patchView{ID: pt.ID, Number: pt.Number, Product: pt.Product, Type: pt.Type, Status: pt.Status, Title: pt.Title.In(lang),
		AppliesTo: pt.AppliesTo, WithdrawnReason: pt.WithdrawnReason, Requires: pt.Requires, Supersedes: pt.Supersedes,
		ConflictsWith: pt.ConflictsWith, Published: beijing(pt.PublishedAt), Withdrawn: beijing(pt.WithdrawnAt),
		Notes: markdown.Render(pt.Notes.In(lang))}
	v.Files = filesOf(pt.ID, pt.Files)
	return v
}

func filesOf(patchID string, files []File) []fileView {
	out := make([]fileView, len(files))
	for i, f := range files {
		out[i] = fileView{Name: f.Name, Size: attachment.HumanSize(f.Size), SHA256: f.SHA256, KeyID: f.KeyID, Status: f.Status,
			Href: FilePath(patchID, f.Name), Available: f.Status == FileAvailable}
	}
	return out
}

// beijing shows an instant in Beijing time, as every page does; "" for none.
func beijing(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(clock.Shanghai).Format("2006-01-02 15:04")
}

// refusalWords says in words why the organisation may not download a
// product's patches, from MayDownload's answer: the entitlement's reasons
// when it has them (they say what to do next), else the problem's own
// message (a used-up quota says so). nil when it may; failures of the
// server are returned for the error page.
func refusalWords(lang i18n.Lang, err error) ([]string, error) {
	if err == nil {
		return nil, nil
	}
	pe, ok := problem.As(err)
	if !ok || pe.Status >= http.StatusInternalServerError {
		return nil, err
	}
	if reasons, ok := pe.Extra["reasons"].([]entitlement.Reason); ok && len(reasons) > 0 {
		words := make([]string, len(reasons))
		for i, r := range reasons {
			words[i] = Text(r.Text).In(lang)
		}
		return words, nil
	}
	return []string{i18n.T(lang, pe.MessageKey(), pe.Args)}, nil
}

// productView is one of the organisation's products in the patch center.
type productView struct {
	Code     string
	Versions []string // of its active contracts
	Refusal  []string // why it may not download, in words; empty when it may
	Patches  []patchView
}

// planForm is the plan form as typed.
type planForm struct{ Product, Version, Installed string }

// centerData fills the patch center.
type centerData struct {
	Products     []*productView
	ProductCodes []string
	Form         planForm
	Plan         *PlanView
	PlanRefused  bool                  // the plan's product's files may not be downloaded
	Titles       map[string]string     // by patch number, in the page's language
	Files        map[string][]fileView // of each step, by patch number
	BlockedWhy   map[string]string
	Missing      map[string]string // a blocked patch's prerequisites that cannot be had, listed
	Errors       *web.FormErrors
}

func (p *Pages) center(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	ctx, lang := r.Context(), web.Lang(r.Context())
	list, err := p.svc.OrgPatches(ctx, a, a.OrgID)
	if err != nil {
		return err
	}
	d := centerData{Titles: map[string]string{}, Files: map[string][]fileView{}, BlockedWhy: map[string]string{}, Missing: map[string]string{}}
	byCode := map[string]*productView{}
	byProduct := map[string][]OrgContract{}
	for _, c := range list.Contracts {
		if byProduct[c.Product] == nil {
			d.ProductCodes = append(d.ProductCodes, c.Product)
		}
		byProduct[c.Product] = append(byProduct[c.Product], c)
	}
	for _, code := range d.ProductCodes {
		pv := &productView{Code: code, Versions: versionsOf(byProduct[code])}
		if pv.Refusal, err = refusalWords(lang, p.svc.MayDownload(ctx, a, code)); err != nil {
			return err
		}
		byCode[code] = pv
		d.Products = append(d.Products, pv)
	}
	for _, op := range list.Items {
		v := viewOf(op.Patch, lang)
		v.Versions = versionsOf(op.Contracts)
		byCode[op.Product].Patches = append(byCode[op.Product].Patches, v)
	}
	status := http.StatusOK
	if len(list.Contracts) > 0 {
		q := r.URL.Query()
		d.Form = planForm{Product: strings.TrimSpace(q.Get("product")), Version: strings.TrimSpace(q.Get("version")), Installed: q.Get("installed")}
		d.Form.prefill(list.Contracts)
		plan, err := p.svc.OrgPlan(ctx, a, a.OrgID, PlanRequest{Product: d.Form.Product, Version: d.Form.Version, Installed: numbers(d.Form.Installed)})
		if err == nil {
			d.Plan = &plan
			d.PlanRefused = byCode[plan.Product] == nil || len(byCode[plan.Product].Refusal) > 0
			d.words(plan, lang)
		} else if d.Errors, status, err = web.AsFormErrors(r, err); err != nil {
			return err
		}
	}
	return p.pages.Render(w, r, status, "patch_center", d)
}

// prefill fills in what the form left out from the first contract (of the
// product chosen), so the center opens on a plan for the organisation's
// own version.
func (f *planForm) prefill(contracts []OrgContract) {
	for _, c := range contracts {
		if f.Product == "" {
			f.Product = c.Product
		}
		if c.Product == f.Product && f.Version == "" {
			f.Version = c.Version
		}
	}
}

// words gives the plan's titles, blocked reasons and lists in the page's language.
func (d *centerData) words(plan PlanView, lang i18n.Lang) {
	for _, st := range plan.Steps {
		d.Titles[st.Number], d.Files[st.Number] = st.Title.In(lang), filesOf(st.ID, st.Files)
	}
	for _, c := range plan.Conflicts {
		d.Titles[c.Number], d.Titles[c.With] = c.Title.In(lang), c.WithTitle.In(lang)
	}
	for _, b := range plan.Blocked {
		d.Titles[b.Number], d.BlockedWhy[b.Number] = b.Title.In(lang), b.Text.In(lang)
		d.Missing[b.Number] = strings.Join(b.Missing, i18n.T(lang, "patch_pages.sep", nil))
	}
}

// numbers splits a typed list of patch numbers at commas, spaces and new lines.
func numbers(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// versionsOf lists the contracts' versions once each, in their order.
func versionsOf(contracts []OrgContract) []string {
	var out []string
	for _, c := range contracts {
		if !slices.Contains(out, c.Version) {
			out = append(out, c.Version)
		}
	}
	return out
}

// orgPatchData fills the portal's page of one patch.
type orgPatchData struct {
	Patch   patchView
	Refusal []string
}

func (p *Pages) orgPatch(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	ctx, lang := r.Context(), web.Lang(r.Context())
	op, err := p.svc.OrgPatch(ctx, a, a.OrgID, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := orgPatchData{Patch: viewOf(op.Patch, lang)}
	d.Patch.Versions = versionsOf(op.Contracts)
	if d.Refusal, err = refusalWords(lang, p.svc.MayDownload(ctx, a, op.Product)); err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "patch_detail", d)
}

// patchForm is the create and edit form as typed: relations are lists of
// patch numbers separated by commas or spaces.
type patchForm struct {
	Number, Product, Type, TitleZh, TitleEn, NotesZh, NotesEn string
	AppliesTo, Requires, Supersedes, ConflictsWith            string
}

func readForm(r *http.Request) patchForm {
	v := r.PostFormValue
	return patchForm{Number: v("number"), Product: v("product"), Type: v("type"), TitleZh: v("title_zh"), TitleEn: v("title_en"),
		NotesZh: v("notes_zh"), NotesEn: v("notes_en"), AppliesTo: v("applies_to"), Requires: v("requires"),
		Supersedes: v("supersedes"), ConflictsWith: v("conflicts_with")}
}

func formOf(pt Patch) patchForm {
	return patchForm{Number: pt.Number, Product: pt.Product, Type: pt.Type, TitleZh: pt.Title.Zh, TitleEn: pt.Title.En,
		NotesZh: pt.Notes.Zh, NotesEn: pt.Notes.En, AppliesTo: pt.AppliesTo, Requires: strings.Join(pt.Requires, ", "),
		Supersedes: strings.Join(pt.Supersedes, ", "), ConflictsWith: strings.Join(pt.ConflictsWith, ", ")}
}

// Types are the types the form offers.
func (patchForm) Types() []string { return []string{DefectFix, FeatureUpgrade} }

// relation is one of the form's lists of patch numbers.
type relation struct{ Name, Value string }

// Relations are the form's lists of patch numbers, named as the API names them.
func (f patchForm) Relations() []relation {
	return []relation{{"requires", f.Requires}, {"supersedes", f.Supersedes}, {"conflicts_with", f.ConflictsWith}}
}

func (f patchForm) input() Input {
	return Input{Number: f.Number, Product: f.Product, Type: f.Type, Title: Text{Zh: f.TitleZh, En: f.TitleEn},
		Notes: Text{Zh: f.NotesZh, En: f.NotesEn}, AppliesTo: f.AppliesTo, Requires: numbers(f.Requires),
		Supersedes: numbers(f.Supersedes), ConflictsWith: numbers(f.ConflictsWith)}
}

// formErrors localises a failed submit for the form and shows the errors
// of single numbers of a relation ("requires[1]") next to the relation's
// one text field, naming the number.
func formErrors(r *http.Request, err error, in Input) (*web.FormErrors, int, error) {
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return nil, 0, err
	}
	lists := map[string][]string{"requires": in.Requires, "supersedes": in.Supersedes, "conflicts_with": in.ConflictsWith}
	fields := make([]string, 0, len(fe.Fields))
	for f := range fe.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		base, index, ok := strings.Cut(f, "[")
		i, convErr := strconv.Atoi(strings.TrimSuffix(index, "]"))
		if !ok || convErr != nil || i < 0 || i >= len(lists[base]) {
			continue
		}
		msg := lists[base][i] + ": " + fe.Fields[f]
		if prev := fe.Fields[base]; prev != "" {
			msg = prev + "; " + msg
		}
		fe.Fields[base] = msg
		delete(fe.Fields, f)
	}
	return fe, status, nil
}

// listData fills the console's patch list.
type listData struct {
	Patches   []patchView
	Filter    Filter
	Next      string // the next page's address, "" on the last
	CanManage bool
	Form      patchForm
	Errors    *web.FormErrors
}

// Statuses are the statuses the filter offers.
func (listData) Statuses() []string { return []string{Draft, Published, Withdrawn} }

func (p *Pages) renderList(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, form patchForm, fe *web.FormErrors) error {
	q := r.URL.Query()
	d := listData{Filter: Filter{Product: strings.TrimSpace(q.Get("product")), Status: q.Get("status")}, CanManage: a.Can(actor.ManageProducts),
		Form: form, Errors: fe}
	list, err := p.svc.List(r.Context(), a, d.Filter, q.Get("cursor"), consolePageSize)
	if bad, ok := problem.As(err); ok && bad.Status == http.StatusBadRequest { // an unknown status in the address: list them all
		d.Filter.Status = ""
		list, err = p.svc.List(r.Context(), a, d.Filter, q.Get("cursor"), consolePageSize)
	}
	if err != nil {
		return err
	}
	if len(list) > consolePageSize {
		list = list[:consolePageSize]
		next := url.Values{"product": {d.Filter.Product}, "status": {d.Filter.Status}, "cursor": {list[len(list)-1].ID}}
		d.Next = "/console/patches?" + next.Encode()
	}
	for _, pt := range list {
		d.Patches = append(d.Patches, viewOf(pt, web.Lang(r.Context())))
	}
	return p.pages.Render(w, r, status, "patch_console_list", d)
}

func (p *Pages) consoleList(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.renderList(w, r, a, http.StatusOK, patchForm{Type: DefectFix}, nil)
}

func (p *Pages) create(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	if err := manage(a); err != nil {
		return err
	}
	form := readForm(r)
	in := form.input()
	created, err := p.svc.Create(r.Context(), a, in)
	if err == nil {
		http.Redirect(w, r, ConsolePath(created.ID)+"?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := formErrors(r, err, in)
	if err != nil {
		return err
	}
	return p.renderList(w, r, a, status, form, fe)
}

// patchData fills the console's page of one patch.
type patchData struct {
	Patch     patchView
	NotesHTML struct{ Zh, En template.HTML } // both languages' notes, for the vendor to check each
	CanManage bool
	Form      patchForm
	Failed    string // the form that failed: edit, upload, publish or withdraw
	Errors    *web.FormErrors
	Reason    string
	Done      string
	MaxSize   string
	UploadAPI string // the API path a file's name is appended to
	Stats     []statView
	Downloads int64
}

// ErrorsOf returns the errors of the form that failed, nil for the others.
func (d patchData) ErrorsOf(form string) *web.FormErrors {
	if d.Failed != form {
		return nil
	}
	return d.Errors
}

type statView struct {
	Org, File, Last string
	Count           int64
}

func (p *Pages) renderPatch(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d patchData) error {
	ctx := r.Context()
	pt, err := p.svc.Get(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d.Patch, d.CanManage, d.MaxSize = viewOf(pt, web.Lang(ctx)), a.Can(actor.ManageProducts), attachment.HumanSize(p.svc.MaxFileSize())
	d.NotesHTML.Zh, d.NotesHTML.En = markdown.Render(pt.Notes.Zh), markdown.Render(pt.Notes.En)
	d.UploadAPI = "/api/v1/patches/" + url.PathEscape(pt.ID) + "/files/"
	if d.Failed != "edit" {
		d.Form = formOf(pt)
	}
	switch done := r.URL.Query().Get("done"); done {
	case "created", "saved", "uploaded", "published", "withdrawn":
		d.Done = "patch_pages.done." + done
	}
	stats, err := p.svc.Stats(ctx, a, pt.ID)
	if err != nil {
		return err
	}
	d.Downloads = stats.Total
	for _, c := range stats.Items {
		name, err := p.svc.OrgName(ctx, a, c.OrgID)
		if errors.Is(err, problem.ErrNotFound) {
			name = c.OrgID // an organisation deleted since it downloaded
		} else if err != nil {
			return err
		}
		d.Stats = append(d.Stats, statView{Org: name, File: c.Name, Count: c.Count, Last: beijing(&c.LastAt)})
	}
	return p.pages.Render(w, r, status, "patch_console", d)
}

func (p *Pages) consolePatch(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.renderPatch(w, r, a, http.StatusOK, patchData{})
}

// change runs one of the patch page's forms: on success it goes back to
// the page saying what was done, else it shows the page with the form's
// errors next to its fields.
func (p *Pages) change(w http.ResponseWriter, r *http.Request, form string, do func(a *actor.Actor, d *patchData) (Input, error)) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	if err := manage(a); err != nil {
		return err
	}
	d := patchData{Failed: form}
	in, err := do(a, &d)
	if err == nil {
		done := map[string]string{"edit": "saved", "upload": "uploaded", "publish": "published", "withdraw": "withdrawn"}[form]
		http.Redirect(w, r, ConsolePath(r.PathValue("id"))+"?done="+done, http.StatusSeeOther)
		return nil
	}
	fe, status, err := formErrors(r, err, in)
	if err != nil {
		return err
	}
	d.Errors = fe
	return p.renderPatch(w, r, a, status, d)
}

// edit saves the edit form: every field of a draft, the notes of a
// published patch (the form shows only those).
func (p *Pages) edit(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "edit", func(a *actor.Actor, d *patchData) (Input, error) {
		d.Form = readForm(r)
		in := d.Form.input()
		pt, err := p.svc.Get(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return in, err
		}
		e := Edit{Notes: &in.Notes}
		if pt.Status == Draft {
			e = Edit{Type: &in.Type, Title: &in.Title, Notes: &in.Notes, AppliesTo: &in.AppliesTo, Requires: &in.Requires,
				Supersedes: &in.Supersedes, ConflictsWith: &in.ConflictsWith}
		}
		_, err = p.svc.Update(r.Context(), a, pt.ID, e)
		return in, err
	})
}

// uploadForm stores the multipart form's file (the page without
// JavaScript), streamed into the service without a temporary copy.
func (p *Pages) uploadForm(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "upload", func(a *actor.Actor, _ *patchData) (Input, error) {
		allowUpload(w, r, p.svc.MaxFileSize()+uploadFormOverhead)
		err := p.receive(r, a)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = p.svc.TooLarge()
		}
		return Input{}, err
	})
}

// receive stores the form's file under its own name. The form's length
// stands for the file's, which it bounds.
func (p *Pages) receive(r *http.Request, a *actor.Actor) error {
	part, err := web.FilePart(r, "file")
	if err != nil {
		return err
	}
	_, err = p.svc.PutFile(r.Context(), a, r.PathValue("id"), Upload{Name: part.FileName(), Body: part, Size: r.ContentLength})
	return err
}

func (p *Pages) publish(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "publish", func(a *actor.Actor, _ *patchData) (Input, error) {
		pt, err := p.svc.Get(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return Input{}, err
		}
		_, err = p.svc.Publish(r.Context(), a, pt.ID)
		// The graph checks name the stored relations' entries.
		return Input{Requires: pt.Requires, Supersedes: pt.Supersedes, ConflictsWith: pt.ConflictsWith}, err
	})
}

// withdraw takes a published patch back once the vendor has given a reason
// and ticked that customers will no longer get its files.
func (p *Pages) withdraw(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "withdraw", func(a *actor.Actor, d *patchData) (Input, error) {
		d.Reason = r.PostFormValue("reason")
		if r.PostFormValue("confirm") != "yes" {
			var bad problem.Invalid
			if strings.TrimSpace(d.Reason) == "" {
				bad.Add("reason", "field.required")
			}
			bad.Add("confirm", "field.patch_withdraw_confirm")
			return Input{}, bad.Err()
		}
		_, err := p.svc.Withdraw(r.Context(), a, r.PathValue("id"), d.Reason)
		return Input{}, err
	})
}
