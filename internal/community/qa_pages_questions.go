package community

import (
	"net/http"
	"net/url"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// The question list, the ask form and the similar questions shown while a
// title is typed.

// QuestionsPath is the question list; the ask form posts to it.
const QuestionsPath = "/community/questions"

// Page sizes: questions per page of the list, similar posts under the title.
const (
	listPageSize = 20
	similarCount = 6
)

// questionSorts are the list's orders, in the order of its tabs.
var questionSorts = []string{SortNew, SortActive, SortVotes, SortUnanswered}

// questionRow is a question in a list, as the page shows it.
type questionRow struct {
	Question
	Answered bool // has a visible answer
}

// sortTab is one of the list's orders.
type sortTab struct {
	Sort, URL string
	Current   bool
}

type listData struct {
	Filter    QuestionFilter
	Sorts     []sortTab
	Questions []questionRow
	More      string // the next page's address, "" on the last
	Filtered  bool   // a tag or product narrows the list
}

func rows(list []Question) []questionRow {
	out := make([]questionRow, len(list))
	for i, q := range list {
		out[i] = questionRow{Question: q, Answered: q.Answers > 0}
	}
	return out
}

// listURL is the address of a page of the list.
func listURL(f QuestionFilter, after string) string {
	v := url.Values{}
	if f.Sort != SortNew {
		v.Set("sort", f.Sort)
	}
	for k, s := range map[string]string{"tag": f.Tag, "product": f.Product, "after": after} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return QuestionsPath
	}
	return QuestionsPath + "?" + v.Encode()
}

func (p *QAPages) list(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	f, err := questionFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.After, f.Limit = r.URL.Query().Get("after"), listPageSize+1
	list, err := p.svc.Questions(r.Context(), a, f)
	if err != nil {
		return err
	}
	d := listData{Filter: f, Filtered: f.Tag != "" || f.Product != ""}
	if len(list) > listPageSize {
		list = list[:listPageSize]
		d.More = listURL(f, list[len(list)-1].ID)
	}
	d.Questions = rows(list)
	for _, s := range questionSorts {
		d.Sorts = append(d.Sorts, sortTab{Sort: s, URL: listURL(QuestionFilter{Sort: s, Tag: f.Tag, Product: f.Product}, ""), Current: s == f.Sort})
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_list", d)
}

// mayPost asks the service whether a may post; back is the page to return
// to after logging in.
func (p *QAPages) mayPost(r *http.Request, a *actor.Actor, back string) (web.Invitation, error) {
	return web.Invite(r, p.svc.CanPost(r.Context(), a), back)
}

// askForm is the ask form as typed.
type askForm struct {
	Title, Body, Product, Tags string
}

func readAsk(r *http.Request) askForm {
	v := r.PostFormValue
	return askForm{Title: v("title"), Body: v("body"), Product: v("product"), Tags: v("tags")}
}

// input is the form as the service takes it.
func (f askForm) input() QuestionInput {
	return QuestionInput{Title: f.Title, Body: f.Body, Product: f.Product, Tags: commaList(f.Tags)}
}

// commaList splits tags typed as a list separated by commas of either width.
func commaList(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '，' })
}

// similarHit is a question or article like the title being typed.
type similarHit struct {
	Type, Title, URL string
}

type similarData struct {
	Title string // as typed; nothing is looked up for an empty title
	Hits  []similarHit
}

type askData struct {
	web.Invitation
	Form    askForm
	Errors  *web.FormErrors
	Similar similarData
}

// similar looks up what is like the title, for the ask form and its box.
func (p *QAPages) similar(r *http.Request, a *actor.Actor, title string) (similarData, error) {
	d := similarData{Title: strings.TrimSpace(title)}
	hits, err := p.svc.Similar(r.Context(), a, d.Title, similarCount)
	for _, h := range hits {
		d.Hits = append(d.Hits, similarHit{Type: h.Type, Title: h.Title, URL: h.URL})
	}
	return d, err
}

func (p *QAPages) renderAsk(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, d askData) error {
	var err error
	back := AskPath
	if d.Form.Title != "" {
		back += "?" + url.Values{"title": {d.Form.Title}}.Encode()
	}
	if d.Invitation, err = p.mayPost(r, a, back); err != nil {
		return err
	}
	if d.Similar, err = p.similar(r, a, d.Form.Title); err != nil {
		return err
	}
	return p.pages.Render(w, r, status, "qa_ask", d)
}

// askPage shows the form; a title in the address (from a search that found
// nothing, or the form's "similar" button without JavaScript) is filled in
// and its similar questions are listed.
func (p *QAPages) askPage(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	q := r.URL.Query()
	return p.renderAsk(w, r, a, http.StatusOK, askData{Form: askForm{Title: q.Get("title"), Body: q.Get("body"),
		Product: q.Get("product"), Tags: q.Get("tags")}})
}

func (p *QAPages) ask(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	form := readAsk(r)
	q, err := p.svc.AskQuestion(r.Context(), a, form.input())
	if err == nil {
		http.Redirect(w, r, QuestionURL(q.ID)+"?done=asked", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.renderAsk(w, r, a, status, askData{Form: form, Errors: fe})
}

// similarBox answers the ask form's title field as it is typed: the page
// holds the box, which htmx takes out of it (hx-select). Without
// JavaScript it is a page of its own.
func (p *QAPages) similarBox(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	d, err := p.similar(r, a, r.URL.Query().Get("title"))
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "qa_similar", d)
}
