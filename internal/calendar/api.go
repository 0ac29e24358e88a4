package calendar

import (
	"io"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// API holds the JSON handlers of the calendars. Everyone signed in reads
// them; vendor_admin adds calendars and imports holiday years.
type API struct{ svc *Service }

// NewAPI returns the handlers on svc.
func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Routes registers the endpoints.
func (h *API) Routes(rt *web.Router) {
	rt.API("GET /api/v1/calendars", web.Authed(h.list))
	rt.API("POST /api/v1/calendars", web.Authed(h.create))
	rt.API("GET /api/v1/calendars/{id}", web.Authed(h.get))
	rt.API("GET /api/v1/calendars/{id}/days", web.Authed(h.days))
	rt.APIWithLimit("POST /api/v1/calendars/holidays/import", maxHolidayFile, web.Authed(h.importHolidays))
}

// View is a calendar as the API shows it.
type View struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	TimeZone  string      `json:"time_zone"`
	Intervals []OpenHours `json:"intervals"`
	Holidays  *string     `json:"holidays"`
	BuiltIn   bool        `json:"built_in"`
}

// ViewOf is the API's view of c.
func ViewOf(c *Calendar) View {
	v := View{ID: c.ID, Name: c.Name, TimeZone: c.Location.String(), Intervals: c.Hours(), BuiltIn: c.BuiltIn}
	if c.Holidays != "" {
		v.Holidays = &c.Holidays
	}
	return v
}

func (h *API) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	cals, err := h.svc.List(r.Context(), a)
	if err != nil {
		return err
	}
	views := make([]View, len(cals))
	for i, c := range cals {
		views[i] = ViewOf(c)
	}
	return web.JSON(w, http.StatusOK, web.NewList(views, web.PageRequest{Limit: len(views)}, func(v View) string { return v.ID }))
}

func (h *API) get(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if !a.Can(actor.ReadServices) {
		return problem.ErrForbidden
	}
	c, err := h.svc.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, ViewOf(c))
}

func (h *API) create(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if !a.Can(actor.ManageCalendars) {
		return problem.ErrForbidden
	}
	var in Input
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	c, err := h.svc.Create(r.Context(), a, in)
	if err != nil {
		return err
	}
	return web.Created(w, "/api/v1/calendars/"+c.ID, ViewOf(c))
}

func (h *API) days(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	q := r.URL.Query()
	days, err := h.svc.Days(r.Context(), a, r.PathValue("id"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	return web.JSON(w, http.StatusOK, web.List[DayInfo]{Items: days})
}

func (h *API) importHolidays(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	if !a.Can(actor.ManageCalendars) {
		return problem.ErrForbidden
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	res, err := h.svc.ImportHolidays(r.Context(), a, data)
	return web.Respond(w, http.StatusOK, res, err)
}
