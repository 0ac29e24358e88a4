package oncall

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/web"
)

// Pages are the console's rota page: each schedule with its members in
// order, hand-over, the next weeks' on-call table and its overrides; the
// escalation policies; the open escalations. Plain forms, no script needed.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// ConsolePath is the rota page.
const ConsolePath = "/console/oncall"

// weeksShown is how many weeks of each rota the page tabulates.
const weeksShown = 4

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET "+ConsolePath, p.show)
	rt.Page("POST "+ConsolePath+"/schedules", p.createSchedule)
	rt.Page("POST "+ConsolePath+"/schedules/{id}", p.updateSchedule)
	rt.Page("POST "+ConsolePath+"/schedules/{id}/overrides", p.addOverride)
	rt.Page("POST "+ConsolePath+"/schedules/{id}/overrides/{oid}/delete", p.deleteOverride)
	rt.Page("POST "+ConsolePath+"/policies", p.createPolicy)
	rt.Page("POST "+ConsolePath+"/policies/{id}", p.updatePolicy)
}

// scheduleView is a schedule as the page shows it.
type scheduleView struct {
	Schedule
	Weeks []Shift
	// Slots are the member pickers: the members in order and one empty
	// slot to add someone.
	Slots []string
}

// policyView is a policy as the page shows it, with one empty level to add.
type policyView struct {
	Policy
	Rows []Level
}

// oncallData fills the page.
type oncallData struct {
	Schedules   []scheduleView
	Policies    []policyView
	Escalations []Escalation
	Staff       []account.User
	Names       map[string]string // user id → name
	Weekdays    []string
	Options     []targetOption // what a level may page
	CanManage   bool
	// NewSchedule and NewPolicy are the add forms' values.
	NewSchedule scheduleView
	NewPolicy   policyView
	Override    OverrideInput
	// Form names the form the Errors belong to ("schedule:ID",
	// "override:ID", "policy:ID", "schedule:new", "policy:new").
	Form   string
	Errors *web.FormErrors
	Done   string
}

// targetOption is one choice of a level's targets: its form value and words.
type targetOption struct {
	Value, Kind, Name string
}

// Selected reports whether a level pages the option.
func (o targetOption) Selected(l Level) bool {
	for _, t := range l.Targets {
		if targetValue(t) == o.Value {
			return true
		}
	}
	return false
}

func targetValue(t Target) string { return t.Type + ":" + t.ID }

// Label names a level's target in words for the page.
func (d oncallData) Label(t Target) string {
	for _, o := range d.Options {
		if o.Value == targetValue(t) {
			return o.Name
		}
	}
	return t.ID
}

// FieldError is the message under a field of the form the errors belong to.
func (d oncallData) FieldError(form, field string) string {
	if d.Form != form {
		return ""
	}
	return d.Errors.Field(field)
}

// Summary is the failed form's sentence, shown in that form only.
func (d oncallData) Summary(form string) *web.FormErrors {
	if d.Form != form {
		return nil
	}
	return d.Errors
}

// failed is a form that did not go through: which, what it held, why.
type failed struct {
	form     string
	schedule *Schedule
	policy   *Policy
	override OverrideInput
	errors   *web.FormErrors
}

func (p *Pages) render(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, f failed) error {
	ctx := r.Context()
	schedules, err := p.svc.Schedules(ctx, a)
	if err != nil {
		return err
	}
	policies, err := p.svc.Policies(ctx, a)
	if err != nil {
		return err
	}
	open, err := p.svc.Escalations(ctx, a, StateOpen, "", 100)
	if err != nil {
		return err
	}
	staff, err := p.svc.accounts.LiveStaff(ctx)
	if err != nil {
		return err
	}
	now := p.svc.clock.Now()
	d := oncallData{Escalations: open, Staff: staff, Names: map[string]string{}, CanManage: a.Can(actor.ManageRota),
		Weekdays:    []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"},
		NewSchedule: scheduleView{Schedule: Schedule{ID: "new", HandoverWeekday: "monday", HandoverTime: "09:00", StartsOn: clock.BeijingDate(now)}, Slots: []string{""}},
		NewPolicy:   policyView{Policy: Policy{ID: "new"}, Rows: []Level{{DelayMinutes: 15}}},
		Override:    f.override, Form: f.form, Errors: f.errors}
	if len(d.Escalations) > 100 {
		d.Escalations = d.Escalations[:100]
	}
	for _, u := range staff {
		d.Names[u.ID] = u.Name
	}
	for _, sc := range schedules {
		d.Options = append(d.Options, targetOption{Value: targetValue(Target{TargetSchedule, sc.ID}), Kind: "oncall.target.schedule", Name: sc.Name})
	}
	for _, role := range actor.VendorRoles {
		d.Options = append(d.Options, targetOption{Value: targetValue(Target{TargetRole, string(role)}), Kind: "oncall.target.role", Name: string(role)})
	}
	for _, u := range staff {
		d.Options = append(d.Options, targetOption{Value: targetValue(Target{TargetUser, u.ID}), Kind: "oncall.target.user", Name: u.Name})
	}
	for _, sc := range schedules {
		if sc, err = p.svc.schedule(ctx, p.svc.store.DB(), sc.ID); err != nil {
			return err
		}
		if f.schedule != nil && f.schedule.ID == sc.ID {
			sc.Name, sc.Members, sc.HandoverWeekday, sc.HandoverTime, sc.StartsOn = f.schedule.Name, f.schedule.Members, f.schedule.HandoverWeekday, f.schedule.HandoverTime, f.schedule.StartsOn
		}
		d.Schedules = append(d.Schedules, scheduleView{Schedule: sc, Weeks: weeksOf(sc, now), Slots: append(append([]string(nil), sc.Members...), "")})
	}
	if f.schedule != nil && f.schedule.ID == "new" {
		d.NewSchedule = scheduleView{Schedule: *f.schedule, Slots: append(append([]string(nil), f.schedule.Members...), "")}
	}
	for _, pol := range policies {
		if f.policy != nil && f.policy.ID == pol.ID {
			pol = *f.policy
		}
		d.Policies = append(d.Policies, policyView{Policy: pol, Rows: append(append([]Level(nil), pol.Levels...), Level{DelayMinutes: 15})})
	}
	if f.policy != nil && f.policy.ID == "new" {
		d.NewPolicy = policyView{Policy: *f.policy, Rows: append(append([]Level(nil), f.policy.Levels...), Level{DelayMinutes: 15})}
	}
	if done := r.URL.Query().Get("done"); done == "saved" || done == "override_added" || done == "override_deleted" {
		d.Done = "oncall.done." + done
	}
	return p.pages.Render(w, r, status, "oncall_console", d)
}

// weeksOf tabulates the rotation's next weeks; none when a failed form
// left the hand-over or the start unreadable.
func weeksOf(sc Schedule, now time.Time) []Shift {
	_, _, timeOK := parseHandover(sc.HandoverTime)
	_, dateErr := time.Parse(time.DateOnly, sc.StartsOn)
	if _, dayOK := weekdays[sc.HandoverWeekday]; !dayOK || !timeOK || dateErr != nil {
		return nil
	}
	return sc.Weeks(now, weeksShown)
}

func (p *Pages) show(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	return p.render(w, r, a, http.StatusOK, failed{})
}

// after redirects to the page when err is nil, or shows the page again with
// the form's values and what was wrong with them.
func (p *Pages) after(w http.ResponseWriter, r *http.Request, a *actor.Actor, done string, f failed, err error) error {
	if err == nil {
		http.Redirect(w, r, ConsolePath+"?done="+done, http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	f.errors = fe
	return p.render(w, r, a, status, f)
}

// scheduleForm reads a schedule form: the member pickers in order, empty
// ones left out.
func scheduleForm(r *http.Request) ScheduleInput {
	r.ParseForm() // a body that does not parse leaves the fields empty, and they are refused by name
	var members []string
	for _, m := range r.PostForm["members"] {
		if m = strings.TrimSpace(m); m != "" {
			members = append(members, m)
		}
	}
	return ScheduleInput{Name: r.PostFormValue("name"), Members: members, HandoverWeekday: r.PostFormValue("handover_weekday"),
		HandoverTime: r.PostFormValue("handover_time"), StartsOn: r.PostFormValue("starts_on")}
}

func (in ScheduleInput) schedule(id string) *Schedule {
	return &Schedule{ID: id, Name: in.Name, Members: in.Members, HandoverWeekday: in.HandoverWeekday, HandoverTime: in.HandoverTime, StartsOn: in.StartsOn}
}

func (p *Pages) createSchedule(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	in := scheduleForm(r)
	_, err = p.svc.CreateSchedule(r.Context(), a, in)
	return p.after(w, r, a, "saved", failed{form: "schedule:new", schedule: in.schedule("new")}, err)
}

func (p *Pages) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	in := scheduleForm(r)
	_, err = p.svc.UpdateSchedule(r.Context(), a, id, SchedulePatch{Name: &in.Name, Members: &in.Members, HandoverWeekday: &in.HandoverWeekday,
		HandoverTime: &in.HandoverTime, StartsOn: &in.StartsOn})
	return p.after(w, r, a, "saved", failed{form: "schedule:" + id, schedule: in.schedule(id)}, err)
}

func (p *Pages) addOverride(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	in := OverrideInput{UserID: r.PostFormValue("user_id"), Date: r.PostFormValue("date")}
	_, err = p.svc.AddOverride(r.Context(), a, id, in)
	return p.after(w, r, a, "override_added", failed{form: "override:" + id, override: in}, err)
}

func (p *Pages) deleteOverride(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	if err := p.svc.DeleteOverride(r.Context(), a, r.PathValue("id"), r.PathValue("oid")); err != nil {
		return err
	}
	http.Redirect(w, r, ConsolePath+"?done=override_deleted", http.StatusSeeOther)
	return nil
}

// policyForm reads a policy form: row i is targets_i (a multiple choice of
// "type:id") and delay_i; a row without targets is left out, which is how a
// level is removed.
func policyForm(r *http.Request) (name string, levels []Level, repeats int) {
	r.ParseForm() // as in scheduleForm
	for i := 0; ; i++ {
		key := strconv.Itoa(i)
		if _, ok := r.PostForm["delay_"+key]; !ok {
			break
		}
		var l Level
		for _, v := range r.PostForm["targets_"+key] {
			kind, id, _ := strings.Cut(v, ":")
			l.Targets = append(l.Targets, Target{Type: kind, ID: id})
		}
		if len(l.Targets) == 0 {
			continue
		}
		l.DelayMinutes, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("delay_" + key)))
		levels = append(levels, l)
	}
	repeats, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("repeats")))
	if err != nil {
		repeats = -1 // refused, naming the field
	}
	return r.PostFormValue("name"), levels, repeats
}

func (p *Pages) createPolicy(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	name, levels, repeats := policyForm(r)
	_, err = p.svc.CreatePolicy(r.Context(), a, PolicyInput{Name: name, Levels: levels, Repeats: repeats})
	return p.after(w, r, a, "saved", failed{form: "policy:new", policy: &Policy{ID: "new", Name: name, Levels: levels, Repeats: repeats}}, err)
}

func (p *Pages) updatePolicy(w http.ResponseWriter, r *http.Request) error {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	name, levels, repeats := policyForm(r)
	_, err = p.svc.UpdatePolicy(r.Context(), a, id, PolicyPatch{Name: &name, Levels: &levels, Repeats: &repeats})
	return p.after(w, r, a, "saved", failed{form: "policy:" + id, policy: &Policy{ID: id, Name: name, Levels: levels, Repeats: repeats}}, err)
}

// Nth is the 1-based number of the i-th member or level, for the page.
func (oncallData) Nth(i int) int { return i + 1 }
