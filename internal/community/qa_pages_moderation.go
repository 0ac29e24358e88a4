package community

import (
	"net/http"
	"net/url"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// ModerationPath is the moderators' queue of reported posts.
const ModerationPath = "/community/moderation"

// reportsPageSize is how many open reports the queue shows at once.
const reportsPageSize = 50

// reportRow is an open report with the addresses of its post.
type reportRow struct {
	Report
	URL  string // the post on its question's page
	Base string // where the post's actions (hide, unhide) are posted
}

type moderationData struct {
	Reports []reportRow
	More    string
}

// moderation lists the open reports, oldest first, each with the post's
// excerpt and the buttons to hide it or keep it (which settles its reports).
func (p *QAPages) moderation(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := actor.Require(a, actor.Moderate); err != nil {
		return err
	}
	list, err := p.svc.Reports(r.Context(), a, r.URL.Query().Get("after"), reportsPageSize+1)
	if err != nil {
		return err
	}
	var d moderationData
	if len(list) > reportsPageSize {
		list = list[:reportsPageSize]
		d.More = ModerationPath + "?" + url.Values{"after": {list[len(list)-1].ID}}.Encode()
	}
	for _, rep := range list {
		d.Reports = append(d.Reports, reportRow{Report: rep, URL: QuestionURL(rep.QuestionID) + "#post-" + rep.PostID,
			Base: QuestionURL(rep.QuestionID) + "/posts/" + rep.PostID})
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_moderation", d)
}
