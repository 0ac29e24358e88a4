package attachment

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// formOverhead is what a multipart form may add to the file itself.
const formOverhead = 64 << 10

// Pages are the file pages: the organisation's own in the portal and any
// organisation's in the console, each with an upload form and download links.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages; the upload forms take bodies up to the
// attachment limit plus the form's own bytes.
func (p *Pages) Routes(rt *web.Router) {
	limit := p.svc.MaxSize() + formOverhead
	rt.Page("GET /portal/files", p.portal)
	rt.PageWithLimit("POST /portal/files", limit, p.upload(func(r *http.Request, a *actor.Actor) (string, string, error) {
		if a.IsVendor() {
			return "", "", problem.ErrForbidden
		}
		return a.OrgID, "/portal/files", nil
	}))
	rt.Page("GET /portal/files/{id}", p.download)
	rt.Page("GET /console/orgs/{org}/files", p.console)
	rt.PageWithLimit("POST /console/orgs/{org}/files", limit, p.upload(func(r *http.Request, a *actor.Actor) (string, string, error) {
		if !a.IsVendor() {
			return "", "", problem.ErrForbidden
		}
		return r.PathValue("org"), consoleFiles(r.PathValue("org")), nil
	}))
	rt.Page("GET /console/orgs/{org}/files/{id}", p.download)
}

func consoleFiles(org string) string { return "/console/orgs/" + org + "/files" }

// filesData fills the files page.
type filesData struct {
	OrgID, OrgName string
	Console        bool
	Base           string // the page's path: the form posts to it, downloads are below it
	Files          []fileRow
	MaxSize        string
	Errors         *web.FormErrors
	Done           string
	AccessPath     string
}

type fileRow struct{ ID, Name, Size, Type, Created string }

func (p *Pages) filesPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, orgID, base string, status int, fe *web.FormErrors) error {
	name, err := p.svc.d.Orgs(r.Context(), a, orgID)
	if err != nil {
		return err
	}
	list, err := p.svc.List(r.Context(), a, orgID, "", 200)
	if err != nil {
		return err
	}
	d := filesData{OrgID: orgID, OrgName: name, Console: a.IsVendor(), Base: base, MaxSize: mebibytes(p.svc.MaxSize()), Errors: fe}
	if r.URL.Query().Get("done") == "uploaded" {
		d.Done = "files.done.uploaded"
	}
	if d.Console {
		d.AccessPath = audit.ConsoleAccessPath(orgID)
	} else if a.Can(actor.GrantDataAccess) {
		d.AccessPath = audit.PortalAccessPath
	}
	for _, f := range list {
		d.Files = append(d.Files, fileRow{ID: f.ID, Name: f.Name, Size: HumanSize(f.Size), Type: f.ContentType, Created: beijing(f.CreatedAt)})
	}
	return p.pages.Render(w, r, status, "files", d)
}

func (p *Pages) portal(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	return p.filesPage(w, r, a, a.OrgID, "/portal/files", http.StatusOK, nil)
}

func (p *Pages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	org := r.PathValue("org")
	return p.filesPage(w, r, a, org, consoleFiles(org), http.StatusOK, nil)
}

// upload handles a multipart form with a "file" field, streamed into the
// service without a temporary copy. where names the organisation and the
// page for the actor, or refuses it.
func (p *Pages) upload(where func(*http.Request, *actor.Actor) (org, base string, err error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return p.uploadForm(w, r, where)
	}
}

func (p *Pages) uploadForm(w http.ResponseWriter, r *http.Request, where func(*http.Request, *actor.Actor) (string, string, error)) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	org, base, err := where(r, a)
	if err != nil {
		return err
	}
	if err := p.svc.RequireInOrg(r.Context(), a, org, actor.AttachFiles); err != nil {
		return err
	}
	err = p.receive(r, a, org)
	if err == nil {
		http.Redirect(w, r, base+"?done=uploaded", http.StatusSeeOther)
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = p.svc.TooLarge()
	}
	fe, status, ferr := web.AsFormErrors(r, err)
	if ferr != nil {
		return ferr
	}
	return p.filesPage(w, r, a, org, base, status, fe)
}

// receive stores the form's file.
func (p *Pages) receive(r *http.Request, a *actor.Actor, org string) error {
	part, err := web.FilePart(r, "file")
	if err != nil {
		return err
	}
	_, err = p.svc.Create(r.Context(), a, org, Upload{Name: part.FileName(), Body: part})
	return err
}

// download sends the file, or for a vendor without a basis the page that
// says how to get one.
func (p *Pages) download(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if org := r.PathValue("org"); (org == "") == a.IsVendor() {
		return problem.ErrNotFound // the portal's links are for customers, the console's for vendor staff
	}
	if org := r.PathValue("org"); org != "" {
		if meta, err := p.svc.Get(r.Context(), a, r.PathValue("id")); err != nil || meta.OrgID != org {
			return problem.ErrNotFound // another organisation's file under this one's page
		}
	}
	att, body, err := p.svc.Open(r.Context(), a, r.PathValue("id"))
	if errors.Is(err, audit.ErrNoBasis) {
		return p.svc.d.Access.NoBasisPage(p.pages, w, r, a, att.OrgID)
	}
	if err != nil {
		return err
	}
	Serve(w, r, att, body)
	return nil
}

// beijing shows an instant in Beijing time, as every page does.
func beijing(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") }

// HumanSize shows a byte count as people read it (the patch pages show
// file sizes the same way).
func HumanSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}
