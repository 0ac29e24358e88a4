package app

import (
	"fmt"
	"net"
	"net/http"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
	webfiles "steward.dev/steward/web"
)

// platformRoutes registers what belongs to no room: health, metrics, the
// OpenAPI document, static files, the home redirect and the language switch.
func (a *App) platformRoutes(rt *web.Router, metrics *web.Metrics) error {
	openAPI, err := buildOpenAPI(openAPIFiles)
	if err != nil {
		return fmt.Errorf("the API document: %w", err)
	}
	rt.Raw("GET /livez", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	}))
	rt.Raw("GET /readyz", http.HandlerFunc(a.readyz))
	rt.Raw("GET /metrics", a.metricsGuard(metrics.Handler()))
	rt.Raw("GET /static/", http.FileServerFS(webfiles.Files))
	rt.API("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(openAPI)
		return err
	})
	rt.Page("GET /{$}", home)
	rt.Page("POST /lang", a.switchLang)
	return nil
}

// readyz answers 200 once the database answers and every migration is applied.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.Ping(r.Context()); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	if pending, err := a.DB.Pending(r.Context()); err != nil || pending {
		http.Error(w, "migrations pending", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// metricsGuard keeps /metrics to loopback unless configured public.
func (a *App) metricsGuard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := net.ParseIP(web.ClientAddr(r)); !a.Config.MetricsPublic && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "metrics are served to loopback only (set STEWARD_METRICS_PUBLIC=true to change)", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// home sends a person to the portal or the console, or to log in.
func home(w http.ResponseWriter, r *http.Request) error {
	a := actor.From(r.Context())
	switch {
	case a == nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case a.IsVendor():
		http.Redirect(w, r, "/console", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	}
	return nil
}

// switchLang remembers the chosen language in a cookie and, for a logged-in
// person, in their account; then returns to the page they were on.
func (a *App) switchLang(w http.ResponseWriter, r *http.Request) error {
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		return problem.InvalidField("lang", "field.locale")
	}
	web.SetLang(w, r, lang)
	if who := actor.From(r.Context()); who != nil {
		if err := a.Accounts.SetLocale(r.Context(), who, string(lang)); err != nil {
			return err
		}
	}
	http.Redirect(w, r, web.LocalPath(r.PostFormValue("next"), "/"), http.StatusSeeOther)
	return nil
}

// chrome is what the layout shows around a logged-in person's page: the
// navigation and the unread count of their notices (one indexed query). A
// failing count is logged and shows no badge rather than failing the page.
func (a *App) chrome(r *http.Request, who *actor.Actor) web.Chrome {
	unread, err := a.Notices.Unread(r.Context(), who)
	if err != nil {
		a.Config.Logger.ErrorContext(r.Context(), "unread notices", "err", err, "request_id", web.RequestID(r.Context()))
	}
	return web.Chrome{Nav: navigation(who), Unread: unread}
}

// menuItem is one entry of a menu, shown to those who hold its permission
// (everyone when it has none).
type menuItem struct {
	web.NavItem
	needs *actor.Permission
}

func entry(href, label string, needs *actor.Permission) menuItem {
	return menuItem{web.NavItem{Href: href, Label: label}, needs}
}

// The console's (vendor staff) and the portal's (customers) menus.
var (
	consoleMenu = []menuItem{
		entry("/console", "nav.console_home", nil),
		entry("/console/orgs", "nav.orgs", nil),
		entry("/console/rescues", "nav.rescues", &actor.WorkRescues),
		entry("/console/catalog", "nav.catalog_editor", &actor.EditCatalog),
		entry("/console/help", "nav.help_editor", &actor.WriteHelp),
		entry("/console/courses", "nav.course_editor", &actor.WriteHelp),
		entry("/community/questions", "nav.questions", &actor.PostCommunity),
		entry("/community/moderation", "nav.moderation", &actor.Moderate),
		entry("/console/ideas", "nav.ideas_console", &actor.ManageIdeas),
		entry("/console/products", "nav.products", &actor.ManageProducts),
		entry("/console/patches", "nav.patches", &actor.ManageProducts),
		entry("/console/calendars", "nav.calendars", nil),
		entry("/console/oncall", "nav.oncall", &actor.ReadRota),
		entry("/console/notify", "nav.notify", &actor.ReadNotifyLog),
		entry("/console/staff", "nav.staff", &actor.ManageStaff),
		entry("/console/jobs", "nav.jobs", &actor.WatchJobs),
	}
	portalMenu = []menuItem{
		entry("/portal", "nav.portal_home", nil),
		entry("/portal/rescue", "nav.rescue", &actor.ReportRescue),
		entry("/catalog", "nav.catalog", nil),
		entry("/community", "nav.community", nil),
		entry("/ideas", "nav.ideas", nil),
		entry("/help", "nav.help", nil),
		entry("/courses", "nav.courses", nil),
		entry("/lifecycle", "nav.lifecycle", nil),
		entry("/portal/services", "nav.services", &actor.ReadServices),
		entry("/portal/patches", "nav.patch_center", &actor.ReadServices),
		entry("/portal/licenses", "nav.licenses", &actor.ReadServices),
		entry("/portal/users", "nav.users", &actor.ManageOrgUsers),
		entry("/portal/files", "nav.files", &actor.AttachFiles),
		entry("/portal/access", "nav.access", &actor.GrantDataAccess),
		entry("/portal/notify", "nav.notify_portal", &actor.ReadServices),
	}
)

// navigation is the menu of the portal (customers) or the console (vendor staff).
func navigation(a *actor.Actor) []web.NavItem {
	menu := portalMenu
	if a.IsVendor() {
		menu = consoleMenu
	}
	var nav []web.NavItem
	for _, m := range menu {
		if m.needs == nil || a.Can(*m.needs) {
			nav = append(nav, m.NavItem)
		}
	}
	return nav
}
