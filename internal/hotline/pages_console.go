package hotline

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// OrgChoice is an organisation the console's phone report offers.
type OrgChoice struct{ ID, Name string }

// OrgList lists the organisations vendor staff may file a report for (app
// wires it to the account room).
type OrgList func(ctx context.Context, a *actor.Actor) ([]OrgChoice, error)

// queueData fills the console's queue.
type queueData struct {
	Rescues      []rescueView
	State        string   // the filter: a state, or "" for every state but closed
	States       []string // what the filter offers
	Self         string   // this page's address, which the table polls
	Now, NowText string   // the server's instant (RFC 3339, and Beijing time)
	PollSeconds  int
	CanReport    bool
	Orgs         []OrgChoice
	Form         reportForm
	Errors       *web.FormErrors
	Key          string
}

// filterOpen is the queue's default filter: every state but closed.
const filterOpen = "open"

func queueStates() []string {
	out := []string{filterOpen}
	for _, s := range States {
		out = append(out, string(s))
	}
	return out
}

func (p *Pages) renderQueue(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d queueData) error {
	ctx := r.Context()
	d.State, d.States, d.PollSeconds = r.URL.Query().Get("state"), queueStates(), pollSeconds
	if d.State == "" {
		d.State = filterOpen
	}
	state := State(d.State)
	if d.State == filterOpen {
		state = ""
	}
	list, err := p.svc.Queue(ctx, a, state, "", listPageSize)
	if err != nil {
		return err
	}
	d.Self = QueuePath + "?" + url.Values{"state": {d.State}}.Encode()
	now, lang := p.svc.Now(), web.Lang(ctx)
	d.Now, d.NowText = now.UTC().Format(time.RFC3339), beijing(now)
	names := map[string]string{}
	for _, rescue := range list {
		if _, ok := names[rescue.OrgID]; !ok {
			if names[rescue.OrgID], err = p.svc.d.Orgs(ctx, a, rescue.OrgID); err != nil {
				return err
			}
		}
		d.Rescues = append(d.Rescues, viewOf(rescue, a, names[rescue.OrgID], now, lang))
	}
	if d.CanReport = a.Can(actor.ReportRescue); d.CanReport {
		if d.Orgs, err = p.orgs(ctx, a); err != nil {
			return err
		}
	}
	if d.Key == "" {
		d.Key = id.Secret(16)
	}
	return p.pages.Render(w, r, status, "rescue_queue", d)
}

func (p *Pages) queue(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.renderQueue(w, r, a, http.StatusOK, queueData{Form: reportForm{Since: p.svc.Now().In(clock.Shanghai).Format(sinceLayouts[0]), BusinessStopped: "true"}})
}

// phoneReport files a report on a customer's behalf while it is on the phone.
func (p *Pages) phoneReport(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	form := readReport(r)
	in, sinceBad := form.input(true)
	key := r.PostFormValue("idempotency_key")
	rescue, _, err := p.svc.Report(r.Context(), a, form.OrgID, in, key)
	if err == nil {
		http.Redirect(w, r, ConsolePath(rescue.ID)+"?done=reported", http.StatusSeeOther)
		return nil
	}
	if pe, ok := problem.As(err); ok && pe.Status == http.StatusNotFound {
		err = problem.InvalidField("org", "field.org_unknown")
	}
	fe, status, err := reportErrors(r, err, sinceBad)
	if err != nil {
		return err
	}
	return p.renderQueue(w, r, a, status, queueData{Form: form, Errors: fe, Key: key})
}

func (p *Pages) renderConsole(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d rescueData) error {
	rescue, err := p.svc.Find(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := p.fill(r, a, rescue, &d); err != nil {
		return err
	}
	d.CanHandle, d.Reasons, d.Causes = a.Can(actor.WorkRescues), []string{NotFatal, ExcludedCause}, Causes
	d.Can = map[string]bool{"update": rescue.State != Closed}
	for _, act := range []Action{Ack, Confirm, Mitigate, Resolve, Downgrade, Close} {
		if _, ok := act.Next(rescue.State); !ok {
			continue
		}
		if act == Downgrade || act == Close {
			d.Can[string(act)] = true
		} else {
			d.Buttons = append(d.Buttons, act)
		}
	}
	return p.pages.Render(w, r, status, "rescue_console", d)
}

func (p *Pages) consoleRescue(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.renderConsole(w, r, a, http.StatusOK, rescueData{Update: updateForm{Public: true}})
}

// updateForm is the timeline form as typed.
type updateForm struct {
	Body   string
	Public bool
}

// change runs one of the workspace's forms: on success back to the page
// saying what was done, else the page with the form's errors.
func (p *Pages) change(w http.ResponseWriter, r *http.Request, form, done string, do func(a *actor.Actor, rescue Rescue, d *rescueData) error) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	rescue, err := p.svc.Find(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := rescueData{Failed: form, Update: updateForm{Public: true}}
	if err = do(a, rescue, &d); err == nil {
		http.Redirect(w, r, ConsolePath(rescue.ID)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	d.Errors = fe
	return p.renderConsole(w, r, a, status, d)
}

// actionDone is what the page says after each action.
var actionDone = map[Action]string{Ack: "acknowledged", Confirm: "confirmed", Downgrade: "downgraded", Mitigate: "mitigated",
	Resolve: "resolved", Close: "closed"}

// act runs ack, confirm, downgrade, mitigate, resolve or close.
func (p *Pages) act(w http.ResponseWriter, r *http.Request) error {
	act := Action(r.PathValue("action"))
	done, ok := actionDone[act]
	if !ok {
		return problem.ErrNotFound
	}
	form := "action"
	if act == Downgrade || act == Close {
		form = string(act)
	}
	return p.change(w, r, form, done, func(a *actor.Actor, rescue Rescue, d *rescueData) error {
		ctx, org, id := r.Context(), rescue.OrgID, rescue.ID
		var err error
		switch act {
		case Ack:
			_, err = p.svc.Ack(ctx, a, org, id, ActionInput{})
		case Confirm:
			_, err = p.svc.Confirm(ctx, a, org, id, ActionInput{})
		case Mitigate:
			_, err = p.svc.Mitigate(ctx, a, org, id, ActionInput{})
		case Resolve:
			_, err = p.svc.Resolve(ctx, a, org, id, ActionInput{})
		case Downgrade:
			d.Downgrade = DowngradeInput{Reason: r.PostFormValue("reason"), Cause: r.PostFormValue("cause"), Note: r.PostFormValue("note")}
			if d.Downgrade.Reason == NotFatal {
				d.Downgrade.Cause = "" // the form's select keeps a cause the reason does not take
			}
			_, err = p.svc.Downgrade(ctx, a, org, id, d.Downgrade)
		case Close:
			d.Postmortem = r.PostFormValue("postmortem")
			_, err = p.svc.Close(ctx, a, org, id, CloseInput{Postmortem: d.Postmortem})
		}
		return err
	})
}

// addUpdate records a public update or an internal note.
func (p *Pages) addUpdate(w http.ResponseWriter, r *http.Request) error {
	return p.change(w, r, "update", "updated", func(a *actor.Actor, rescue Rescue, d *rescueData) error {
		d.Update = updateForm{Body: r.PostFormValue("body"), Public: r.PostFormValue("public") != "false"}
		public := d.Update.Public
		_, err := p.svc.AddUpdate(r.Context(), a, rescue.OrgID, rescue.ID, UpdateInput{Body: d.Update.Body, Public: &public})
		return err
	})
}
