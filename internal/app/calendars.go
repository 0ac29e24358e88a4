package app

import (
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/calendar"
	"steward.dev/steward/internal/platform/web"
)

// buildCalendars wires the business-hours calendars the SLA clocks run on.
// Rooms that keep SLAs are built after it; Prepare seeds the shipped holiday
// years.
func (a *App) buildCalendars(rec *audit.Recorder, pages *web.Renderer, rt *web.Router) {
	a.Calendars = calendar.NewService(calendar.Deps{DB: a.DB, Audit: rec, Clock: a.Config.Clock})
	a.Calendars.Listen()
	calendar.NewAPI(a.Calendars).Routes(rt)
	calendar.NewPages(a.Calendars, pages).Routes(rt)
}
