package notice

import (
	"net/http"
	"net/url"

	"steward.dev/steward/internal/platform/web"
)

// Pages holds the inbox's HTML handlers, for customers and vendor staff alike.
type Pages struct {
	svc   *Service
	pages *web.Renderer
}

// NewPages returns the page handlers.
func NewPages(svc *Service, pages *web.Renderer) *Pages { return &Pages{svc: svc, pages: pages} }

// Routes registers the pages.
func (p *Pages) Routes(rt *web.Router) {
	rt.Page("GET /notices", p.inbox)
	rt.Page("POST /notices/read-all", p.readAll)
	rt.Page("POST /notices/{id}/read", p.read)
}

// inboxData fills the inbox page.
type inboxData struct {
	Inbox
	Self string // this page's address, where "mark read" returns to
	Next string // the next (older) page's address; empty on the last page
	Done string // i18n key of the message after a change
}

func (p *Pages) inbox(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	in, err := inbox(r, p.svc, a)
	if err != nil {
		return err
	}
	data := inboxData{Inbox: in, Self: r.URL.RequestURI()}
	if in.NextCursor != "" {
		q := url.Values{"cursor": {in.NextCursor}}
		if in.UnreadOnly {
			q.Set("unread", "true")
		}
		data.Next = "/notices?" + q.Encode()
	}
	if r.URL.Query().Get("done") == "read_all" {
		data.Done = "notices.done_read_all"
	}
	return p.pages.Render(w, r, http.StatusOK, "notices", data)
}

// read marks a notice read, then goes where the form says: back to the
// inbox, or to the notice's own link when the person opened it.
func (p *Pages) read(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if _, err := p.svc.MarkRead(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	next := localLink(r.PostFormValue("next"))
	if next == "" {
		next = "/notices"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (p *Pages) readAll(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := p.svc.MarkAllRead(r.Context(), a); err != nil {
		return err
	}
	http.Redirect(w, r, "/notices?done=read_all", http.StatusSeeOther)
	return nil
}
