package hotline

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/entitlement"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the rescue pages: the customers' "Report a fatal failure" form,
// their reports with the public timeline, and the vendor's live queue and
// the workspace of one report. Every form posts without JavaScript and
// comes back with a redirect, or with its errors beside the fields.
type Pages struct {
	svc   *Service
	pages *web.Renderer
	orgs  OrgList
}

// NewPages returns the page handlers; orgs are what the console's phone
// report offers.
func NewPages(svc *Service, pages *web.Renderer, orgs OrgList) *Pages {
	return &Pages{svc: svc, pages: pages, orgs: orgs}
}

// The pages' paths. DeliveredPath is where the catalog item says the
// service is delivered (its link on the catalog and "My services").
const (
	DeliveredPath = "/rescues"
	ReportPath    = "/portal/rescue"
	MinePath      = "/portal/rescues"
	QueuePath     = "/console/rescues"
	pollSeconds   = 5   // how often the queue page refreshes its table
	listPageSize  = 200 // reports a list shows: an organisation has a few a year
)

// Routes registers the pages; the attachment form takes bodies up to the
// attachment limit plus the form's own bytes.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET "+DeliveredPath, p.delivered)
	rt.Page("GET "+ReportPath, p.reportPage)
	rt.Page("POST "+ReportPath, p.report)
	rt.Page("GET "+MinePath, p.mine)
	rt.Page("GET /portal/rescues/{id}", p.portalRescue)
	rt.PageWithLimit("POST /portal/rescues/{id}/files", p.svc.d.Attachments.MaxSize()+formOverhead, p.upload)
	rt.Page("GET "+QueuePath, p.queue)
	rt.Page("POST "+QueuePath, p.phoneReport)
	rt.Page("GET /console/rescues/{id}", p.consoleRescue)
	rt.Page("POST /console/rescues/{id}/updates", p.addUpdate)
	rt.Page("POST /console/rescues/{id}/{action}", p.act)
}

// delivered sends a person to their side of the hotline: customers to the
// report form, vendor staff to the queue.
func (p *Pages) delivered(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	to := ReportPath
	if a.IsVendor() {
		to = QueuePath
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formOverhead is what a multipart form may add to the file itself.
const formOverhead = 64 << 10

// beijing shows an instant in Beijing time, as every page does.
func beijing(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02 15:04") }

// sinceLayouts are what a datetime-local field sends (with or without
// seconds) and what a person types where the browser offers a text field.
var sinceLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// parseSince reads the report form's "since", a Beijing wall-clock time.
func parseSince(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range sinceLayouts {
		if t, err := time.ParseInLocation(layout, s, clock.Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// reportForm is the report form as typed; the phone report adds the
// organisation and the caller.
type reportForm struct {
	Title, Description, UsersAffected, BusinessStopped, Since string
	ContactName, ContactPhone, Environment                    string
	OrgID, CallerName, CallerPhone                            string
}

// UserChoices are the answers to "users affected".
func (reportForm) UserChoices() []string { return []string{AffectsAll, AffectsMost, AffectsSome} }

func readReport(r *http.Request) reportForm {
	v := r.PostFormValue
	return reportForm{Title: v("title"), Description: v("description"), UsersAffected: v("users_affected"),
		BusinessStopped: v("business_stopped"), Since: v("since"), ContactName: v("contact_name"),
		ContactPhone: v("contact_phone"), Environment: v("environment"), OrgID: v("org"),
		CallerName: v("caller_name"), CallerPhone: v("caller_phone")}
}

// input is the form as the service takes it. A since that cannot be read
// is left out (the service names it required) and reported by sinceBad.
func (f reportForm) input(vendor bool) (in ReportInput, sinceBad bool) {
	in = ReportInput{Title: f.Title, Description: f.Description, UsersAffected: f.UsersAffected,
		Contact: &Contact{Name: f.ContactName, Phone: f.ContactPhone}, Environment: f.Environment}
	if b, ok := map[string]bool{"true": true, "false": false}[f.BusinessStopped]; ok {
		in.BusinessStopped = &b
	}
	if strings.TrimSpace(f.Since) != "" {
		if t, ok := parseSince(f.Since); ok {
			in.Since = &t
		} else {
			sinceBad = true
		}
	}
	if vendor {
		in.ReportedVia, in.Caller = ViaPhone, &Contact{Name: f.CallerName, Phone: f.CallerPhone}
	}
	return in, sinceBad
}

// reportErrors localises a refused report for its form; a since that could
// not be read gets its own message.
func reportErrors(r *http.Request, err error, sinceBad bool) (*web.FormErrors, int, error) {
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return nil, 0, err
	}
	if sinceBad {
		fe.Fields["since"] = i18n.T(web.Lang(r.Context()), "field.rescue_since_format", nil)
	}
	return fe, status, nil
}

// reportData fills the report page.
type reportData struct {
	Quota                     *entitlement.QuotaState
	AckMinutes, UpdateMinutes int
	Refusal                   []string // why the organisation cannot report now, in words
	PeriodEnd                 string   // the end of the quota period that refuses it
	Form                      reportForm
	Errors                    *web.FormErrors
	Key                       string // the form's Idempotency-Key: a form sent twice reports once
}

func (p *Pages) renderReport(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d reportData) error {
	ctx := r.Context()
	e, err := p.svc.Quota(ctx, a, a.OrgID)
	if err != nil {
		return err
	}
	sla, err := p.svc.Terms(ctx, p.svc.Now())
	if err != nil {
		return err
	}
	d.Quota, d.AckMinutes, d.UpdateMinutes = e.Quota, sla.AckMinutes, sla.UpdateMinutes
	if d.Refusal, d.PeriodEnd, err = refusalWords(web.Lang(ctx), entitlement.Refusal(e)); err != nil {
		return err
	}
	if d.Key == "" {
		d.Key = id.Secret(16)
	}
	return p.pages.Render(w, r, status, "rescue_report", d)
}

// refusalWords says in words why a report would be refused: the
// entitlement's reasons when it has them, else the problem's message; with
// the end of the quota period when the quota is used up.
func refusalWords(lang i18n.Lang, refusal error) ([]string, string, error) {
	if refusal == nil {
		return nil, "", nil
	}
	pe, ok := problem.As(refusal)
	if !ok || pe.Status >= http.StatusInternalServerError {
		return nil, "", refusal
	}
	var end string
	if q, ok := pe.Extra["quota"].(*entitlement.QuotaState); ok {
		end = q.PeriodEnd
	}
	if reasons, ok := pe.Extra["reasons"].([]entitlement.Reason); ok && len(reasons) > 0 {
		words := make([]string, len(reasons))
		for i, reason := range reasons {
			words[i] = reason.Text.In(lang)
		}
		return words, end, nil
	}
	return []string{i18n.T(lang, pe.Code, pe.Args)}, end, nil
}

func (p *Pages) reportPage(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	form := reportForm{Since: p.svc.Now().In(clock.Shanghai).Format("2006-01-02T15:04"), BusinessStopped: "true", ContactName: a.Name}
	return p.renderReport(w, r, a, http.StatusOK, reportData{Form: form})
}

func (p *Pages) report(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	form := readReport(r)
	in, sinceBad := form.input(false)
	key := r.PostFormValue("idempotency_key")
	rescue, _, err := p.svc.Report(r.Context(), a, a.OrgID, in, key)
	if err == nil {
		http.Redirect(w, r, PortalPath(rescue.ID)+"?done=reported", http.StatusSeeOther)
		return nil
	}
	fe, status, err := reportErrors(r, err, sinceBad)
	if err != nil {
		return err
	}
	return p.renderReport(w, r, a, status, reportData{Form: form, Errors: fe, Key: key})
}

// rescueView is a rescue as a page shows it, in the page's language.
type rescueView struct {
	ID, Number, OrgID, OrgName, State, Title, Description string
	UsersAffected, ContactName, ContactPhone, Environment string
	ReportedVia, Caller, Since, Reported                  string
	BusinessStopped, Breached                             bool
	Clocks                                                []clockView
	Breaches                                              []breachView
	Downgrade                                             *downgradeView
	Postmortem                                            template.HTML
	Timeline                                              []entryView
	Files                                                 []fileView
}

// clockView is one SLA clock: running towards Due, or done at DoneAt.
type clockView struct {
	Name, Due, DueISO, Left, DoneAt string
	Running, Breached               bool
}

type breachView struct{ Kind, Due string }

type downgradeView struct {
	Words, Note string
	Refunded    bool
}

type entryView struct {
	Kind, State, At, Who, Body, FileHref string
	Public                               bool
}

type fileView struct{ Name, Href, Added string }

// viewOf shows r at the instant now to a, in lang: customers never see
// internal notes, whatever the service gave.
func viewOf(r Rescue, a *actor.Actor, orgName string, now time.Time, lang i18n.Lang) rescueView {
	v := rescueView{ID: r.ID, Number: r.Number, OrgID: r.OrgID, OrgName: orgName, State: string(r.State), Title: r.Title,
		Description: r.Description, UsersAffected: r.UsersAffected, ContactName: r.Contact.Name, ContactPhone: r.Contact.Phone,
		Environment: r.Environment, ReportedVia: r.ReportedVia, Since: beijing(r.Since), Reported: beijing(r.CreatedAt),
		BusinessStopped: r.BusinessStopped, Postmortem: template.HTML(r.PostmortemHTML)}
	if r.Caller != nil {
		v.Caller = r.Caller.Name + " " + r.Caller.Phone
	}
	v.Clocks = []clockView{clockOf(BreachAck, r.Due.Ack, r.AcknowledgedAt, r.Breaches, now, lang),
		clockOf(BreachUpdate, r.Due.Update, nil, r.Breaches, now, lang)}
	for _, c := range v.Clocks {
		v.Breached = v.Breached || c.Breached
	}
	for _, b := range r.Breaches {
		v.Breaches = append(v.Breaches, breachView{Kind: b.Kind, Due: beijing(b.Due)})
	}
	if d := r.Downgrade; d != nil {
		words := i18n.T(lang, "rescue_pages.reason."+d.Reason, map[string]any{"cause": i18n.T(lang, "rescue_pages.cause."+d.Cause, nil)})
		v.Downgrade = &downgradeView{Words: words, Note: d.Note, Refunded: r.Refund != nil}
	}
	for _, u := range r.Timeline {
		if !u.Public && !a.IsVendor() {
			continue
		}
		e := entryView{Kind: u.Kind, State: string(u.State), At: beijing(u.CreatedAt), Who: u.AuthorName, Body: u.Body, Public: u.Public}
		if u.Kind == EntryAttachment && u.AttachmentID != "" {
			e.FileHref = fileHref(a, r.OrgID, u.AttachmentID)
			v.Files = append(v.Files, fileView{Name: u.Body, Href: e.FileHref, Added: e.At})
			e.Body = ""
		}
		v.Timeline = append(v.Timeline, e)
	}
	return v
}

// fileHref is the download of an attachment through the attachment room's
// pages: the portal's for customers, the console's (with its basis check
// and access log) for vendor staff.
func fileHref(a *actor.Actor, orgID, attachmentID string) string {
	if a.IsVendor() {
		return "/console/orgs/" + url.PathEscape(orgID) + "/files/" + url.PathEscape(attachmentID)
	}
	return "/portal/files/" + url.PathEscape(attachmentID)
}

// clockOf is one clock: running while due is set; done at doneAt; breached
// when it has a breach of its kind or runs past its due instant.
func clockOf(kind string, due, doneAt *time.Time, breaches []Breach, now time.Time, lang i18n.Lang) clockView {
	c := clockView{Name: kind}
	for _, b := range breaches {
		c.Breached = c.Breached || b.Kind == kind && (b.MetAt == nil || doneAt != nil)
	}
	if due != nil {
		left := due.Sub(now)
		c.Running, c.Due, c.DueISO = true, beijing(*due), due.UTC().Format(time.RFC3339)
		c.Left = i18n.T(lang, "rescue_pages.clock.left", map[string]any{"left": span(left)})
		if left < 0 {
			c.Breached = true
			c.Left = i18n.T(lang, "rescue_pages.clock.over", map[string]any{"left": span(left)})
		}
	} else if doneAt != nil {
		c.DoneAt = beijing(*doneAt)
	}
	return c
}

// span shows a duration as h:mm:ss, as the countdown script does.
func span(d time.Duration) string {
	s := int(d.Abs() / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// mineData fills the customer's list of reports.
type mineData struct{ Rescues []rescueView }

func (p *Pages) mine(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	list, err := p.svc.List(r.Context(), a, a.OrgID, "", listPageSize)
	if err != nil {
		return err
	}
	var d mineData
	now, lang := p.svc.Now(), web.Lang(r.Context())
	for _, rescue := range list {
		d.Rescues = append(d.Rescues, viewOf(rescue, a, "", now, lang))
	}
	return p.pages.Render(w, r, http.StatusOK, "rescue_mine", d)
}

// rescueData fills the page of one rescue, the customer's or the console's.
type rescueData struct {
	Rescue  rescueView
	Quota   *entitlement.QuotaState // the organisation's, now (portal)
	Now     string                  // the server's instant, RFC 3339: the countdowns count from it
	Done    string
	Failed  string // the form that failed
	Errors  *web.FormErrors
	Upload  string // where the attachment form posts; "" for none
	MaxSize string

	// The console's workspace.
	CanHandle  bool
	Buttons    []Action        // the actions without a form that the state allows
	Can        map[string]bool // the forms the state allows: downgrade, close, update
	Reasons    []string
	Causes     []string
	Downgrade  DowngradeInput // as typed, after a refusal
	Postmortem string
	Update     updateForm
}

// doneWords are the ?done= values the rescue pages confirm.
var doneWords = []string{"reported", "uploaded", "acknowledged", "confirmed", "downgraded", "updated", "mitigated", "resolved", "closed"}

// fill completes the data of a rescue page from the rescue read for a.
func (p *Pages) fill(r *http.Request, a *actor.Actor, rescue Rescue, d *rescueData) error {
	ctx := r.Context()
	name, err := p.svc.d.Orgs(ctx, a, rescue.OrgID)
	if err != nil {
		return err
	}
	now := p.svc.Now()
	d.Rescue, d.Quota, d.Now = viewOf(rescue, a, name, now, web.Lang(ctx)), rescue.Quota, now.UTC().Format(time.RFC3339)
	if done := r.URL.Query().Get("done"); slices.Contains(doneWords, done) {
		d.Done = "rescue_pages.done." + done
	}
	return nil
}

func (p *Pages) renderPortal(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d rescueData) error {
	rescue, err := p.svc.Get(r.Context(), a, a.OrgID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := p.fill(r, a, rescue, &d); err != nil {
		return err
	}
	if a.Can(actor.AttachFiles) && rescue.State != Closed {
		d.Upload, d.MaxSize = PortalPath(rescue.ID)+"/files#files", attachment.HumanSize(p.svc.d.Attachments.MaxSize())
	}
	return p.pages.Render(w, r, status, "rescue_portal", d)
}

func (p *Pages) portalRescue(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	return p.renderPortal(w, r, a, http.StatusOK, rescueData{})
}

// upload stores the multipart form's file as an attachment of the rescue,
// streamed without a temporary copy.
func (p *Pages) upload(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	rescueID := r.PathValue("id")
	err = p.receive(r, a, rescueID)
	if err == nil {
		http.Redirect(w, r, PortalPath(rescueID)+"?done=uploaded#files", http.StatusSeeOther)
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = p.svc.d.Attachments.TooLarge()
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderPortal(w, r, a, status, rescueData{Failed: "upload", Errors: fe})
}

// receive hands the form's file to the service.
func (p *Pages) receive(r *http.Request, a *actor.Actor, rescueID string) error {
	part, err := web.FilePart(r, "file")
	if err != nil {
		return err
	}
	_, err = p.svc.AddAttachment(r.Context(), a, a.OrgID, rescueID, part.FileName(), part, "")
	return err
}
