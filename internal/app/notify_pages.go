package app

import (
	"net/http"
	"strings"
	"unicode"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/notify"
	"steward.dev/steward/internal/platform/web"
)

// notifyPages are the console's channel settings and delivery log and the
// portal's own channels and e-mail choices; the rules are the notifier's.
type notifyPages struct {
	n     *notify.Notifier
	pages *web.Renderer
}

func (p notifyPages) routes(rt *web.Router) {
	rt.Page("GET /console/notify", p.console)
	rt.Page("POST /console/notify/channels", p.consoleCreate)
	rt.Page("POST /console/notify/channels/{id}/test", p.consoleTest)
	rt.Page("POST /console/notify/channels/{id}/delete", p.consoleDelete)
	rt.Page("POST /console/notify/channels/{id}/enabled", p.consoleEnable)
	rt.Page("GET /portal/notify", p.portal)
	rt.Page("POST /portal/notify/channels", p.portalCreate)
	rt.Page("POST /portal/notify/channels/{id}/delete", p.portalDelete)
	rt.Page("POST /portal/notify/preferences", p.portalPreferences)
}

// notifyData is what both pages show.
type notifyData struct {
	Channels   []notify.ChannelView
	CanManage  bool
	Types      []string
	Form       notify.ChannelInput
	KindsText  string
	Errors     *web.FormErrors
	Failed     string // which form the errors belong to
	Done       string
	Test       *testOutcome
	Deliveries []notify.Delivery
	Filter     notify.DeliveryFilter
	States     []string
	EmailOn    bool
	People     []notify.Preference
	OrgID      string
}

type testOutcome struct {
	Channel string
	notify.TestResult
}

// splitKinds reads a list of kinds typed into one field, separated by
// commas (either width), the ideographic comma or spaces.
func splitKinds(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || unicode.IsSpace(r) })
}

func channelForm(r *http.Request) (notify.ChannelInput, string) {
	text := r.PostFormValue("kinds")
	return notify.ChannelInput{Type: r.PostFormValue("type"), Name: r.PostFormValue("name"), URL: r.PostFormValue("url"),
		Secret: r.PostFormValue("secret"), Kinds: splitKinds(text)}, text
}

func (p notifyPages) consolePage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d notifyData) error {
	var err error
	if d.Channels, err = p.n.Channels(r.Context(), a, ""); err != nil {
		return err
	}
	d.Filter = notify.DeliveryFilter{State: r.URL.Query().Get("status"), Kind: r.URL.Query().Get("kind")}
	d.Deliveries, err = p.n.Deliveries(r.Context(), a, d.Filter, "", 100)
	if fe, st, ferr := web.AsFormErrors(r, err); ferr != nil {
		return ferr
	} else if fe != nil {
		d.Errors, d.Failed, status = fe, "filter", st
	}
	d.CanManage, d.Types, d.States, d.EmailOn = a.Can(actor.ManageNotifyChannels), notify.ChannelTypes, notify.DeliveryStates, p.n.EmailEnabled()
	if d.Done == "" {
		d.Done = doneParam(r, "notify_pages.done.created", "notify_pages.done.deleted", "notify_pages.done.saved")
	}
	return p.pages.Render(w, r, status, "notify_console", d)
}

// doneParam is the message of a ?done= redirect, when it is one of ours.
func doneParam(r *http.Request, known ...string) string {
	for _, k := range known {
		if r.URL.Query().Get("done") == strings.TrimPrefix(k, "notify_pages.done.") {
			return k
		}
	}
	return ""
}

func (p notifyPages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.consolePage(w, r, a, http.StatusOK, notifyData{})
}

func (p notifyPages) consoleCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	form, text := channelForm(r)
	_, err = p.n.CreateChannel(r.Context(), a, "", form)
	if err == nil {
		http.Redirect(w, r, "/console/notify?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	form.Secret = ""
	return p.consolePage(w, r, a, status, notifyData{Form: form, KindsText: text, Errors: fe, Failed: "create"})
}

func (p notifyPages) consoleTest(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	ch, err := p.n.Channel(r.Context(), a, "", r.PathValue("id"))
	if err != nil {
		return err
	}
	res, err := p.n.TestChannel(r.Context(), a, ch.ID)
	if err != nil {
		return err
	}
	return p.consolePage(w, r, a, http.StatusOK, notifyData{Test: &testOutcome{Channel: ch.Name, TestResult: res}})
}

func (p notifyPages) consoleDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	if err := p.n.DeleteChannel(r.Context(), a, "", r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/notify?done=deleted", http.StatusSeeOther)
	return nil
}

// consoleEnable switches a vendor channel on or off (enabled=true|false).
func (p notifyPages) consoleEnable(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	on := r.PostFormValue("enabled") == "true"
	if _, err := p.n.UpdateChannel(r.Context(), a, r.PathValue("id"), notify.ChannelPatch{Enabled: &on}); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/notify?done=saved", http.StatusSeeOther)
	return nil
}

func (p notifyPages) portalPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d notifyData) error {
	var err error
	if d.Channels, err = p.n.Channels(r.Context(), a, a.OrgID); err != nil {
		return err
	}
	d.CanManage, d.Types, d.OrgID = a.Can(actor.ManageOrgNotify), notify.ChannelTypes, a.OrgID
	if d.CanManage {
		if d.People, err = p.n.Preferences(r.Context(), a, a.OrgID); err != nil {
			return err
		}
	}
	if d.Done == "" {
		d.Done = doneParam(r, "notify_pages.done.created", "notify_pages.done.deleted", "notify_pages.done.saved")
	}
	return p.pages.Render(w, r, status, "notify_portal", d)
}

func (p notifyPages) portal(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	return p.portalPage(w, r, a, http.StatusOK, notifyData{})
}

func (p notifyPages) portalCreate(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	form, text := channelForm(r)
	_, err = p.n.CreateChannel(r.Context(), a, a.OrgID, form)
	if err == nil {
		http.Redirect(w, r, "/portal/notify?done=created", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	form.Secret = ""
	return p.portalPage(w, r, a, status, notifyData{Form: form, KindsText: text, Errors: fe, Failed: "create"})
}

func (p notifyPages) portalDelete(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	if err := p.n.DeleteChannel(r.Context(), a, a.OrgID, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/notify?done=deleted", http.StatusSeeOther)
	return nil
}

// portalPreferences saves the choices of the preferences form: for each
// person ("user" repeated) a mode (all, some, none) and, for some, the kinds.
func (p notifyPages) portalPreferences(w http.ResponseWriter, r *http.Request) error {
	a, ok, err := web.PortalActor(w, r)
	if !ok {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var items []notify.PreferenceInput
	for _, user := range r.PostForm["user"] {
		switch r.PostFormValue("mode_" + user) {
		case "none":
			items = append(items, notify.PreferenceInput{UserID: user, Kinds: []string{}})
		case "some":
			items = append(items, notify.PreferenceInput{UserID: user, Kinds: append([]string{}, splitKinds(r.PostFormValue("kinds_"+user))...)})
		}
	}
	_, err = p.n.SetPreferences(r.Context(), a, a.OrgID, items)
	if err == nil {
		http.Redirect(w, r, "/portal/notify?done=saved", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.portalPage(w, r, a, status, notifyData{Errors: fe, Failed: "preferences"})
}
