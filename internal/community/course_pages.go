package community

import (
	"errors"
	"html/template"
	"net/http"
	"time"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/web"
)

// CoursePages holds the course pages: the public catalogue, course and
// lesson pages (no login needed to read), enrolment and progress for a
// signed-in person through plain forms, the printable certificate, and the
// console's course editor.
type CoursePages struct {
	svc   *Service
	pages *web.Renderer
}

// NewCoursePages returns the page handlers.
func NewCoursePages(svc *Service, pages *web.Renderer) *CoursePages {
	return &CoursePages{svc: svc, pages: pages}
}

// Routes registers the pages.
func (p *CoursePages) Routes(rt *web.Router) {
	rt.Page("GET /courses", p.catalogue)
	rt.Page("GET /courses/{id}", p.course)
	rt.Page("POST /courses/{id}/enrol", p.enrol)
	rt.Page("GET /courses/{id}/lessons/{lesson}", p.lesson)
	rt.Page("POST /courses/{id}/lessons/{lesson}/complete", p.complete)
	rt.Page("GET /courses/{id}/certificate", p.certificate)
	p.consoleRoutes(rt)
}

// catalogueLimit bounds the catalogue: a vendor's courses are tens, not thousands.
const catalogueLimit = 200

// CourseCard is a course in a list, in the reader's language, with the
// reader's progress when they enrolled.
type CourseCard struct {
	ID, Title, Summary, Level, Status string
	Lessons                           int
	Enrolled                          bool
	Done, Percent                     int
}

func card(c Course, lang i18n.Lang, enrolled map[string]int) CourseCard {
	done, ok := enrolled[c.ID]
	v := CourseCard{ID: c.ID, Title: c.Title.In(lang), Summary: c.Summary.In(lang), Level: c.Level, Status: c.Status,
		Lessons: c.LessonCount, Enrolled: ok, Done: done}
	if c.LessonCount > 0 {
		v.Percent = min(done, c.LessonCount) * 100 / c.LessonCount
	}
	return v
}

// PathView is a learning path in the reader's language.
type PathView struct {
	Title, Summary string
	Steps          []CourseCard
}

type catalogueData struct {
	Paths   []PathView
	Courses []CourseCard
}

func (p *CoursePages) catalogue(w http.ResponseWriter, r *http.Request) error {
	a, lang := actor.From(r.Context()), web.Lang(r.Context())
	courses, err := p.svc.Courses(r.Context(), a, "", catalogueLimit)
	if err != nil {
		return err
	}
	paths, err := p.svc.Paths(r.Context(), a, "", catalogueLimit)
	if err != nil {
		return err
	}
	enrolled, err := p.svc.EnrolledDone(r.Context(), a)
	if err != nil {
		return err
	}
	var data catalogueData
	for _, c := range courses {
		data.Courses = append(data.Courses, card(c, lang, enrolled))
	}
	for _, lp := range paths {
		v := PathView{Title: lp.Title.In(lang), Summary: lp.Summary.In(lang)}
		for _, c := range lp.Steps {
			v.Steps = append(v.Steps, card(c, lang, enrolled))
		}
		data.Paths = append(data.Paths, v)
	}
	return p.pages.Render(w, r, http.StatusOK, "courses", data)
}

// LessonLink is a lesson in a course's list, with the reader's tick.
type LessonLink struct {
	ID, Title, URL string
	N              int
	Done           bool
}

type courseData struct {
	Card     CourseCard
	Product  string
	Lessons  []LessonLink
	SignedIn bool
	Progress Progress
	// Next is the first lesson not completed yet (the first lesson before
	// enrolling); nil when every lesson is done.
	Next *LessonLink
}

// courseView reads the course and, for a person who enrolled, their
// progress, and lists the lessons with their ticks.
func (p *CoursePages) courseView(r *http.Request, a *actor.Actor, courseID string) (Course, courseData, error) {
	lang := web.Lang(r.Context())
	c, err := p.svc.Course(r.Context(), a, courseID)
	if err != nil {
		return Course{}, courseData{}, err
	}
	data := courseData{Product: c.Product, SignedIn: a != nil}
	enrolled := map[string]int{}
	if a != nil {
		data.Progress, err = p.svc.progressOf(r.Context(), a, c)
		switch {
		case err == nil:
			enrolled[c.ID] = data.Progress.Done
		case !errors.Is(err, problem.ErrNotFound): // not enrolled is no progress
			return Course{}, courseData{}, err
		}
	}
	c.LessonCount = len(c.Lessons)
	data.Card = card(c, lang, enrolled)
	for i, l := range c.Lessons {
		link := LessonLink{ID: l.ID, Title: l.Title.In(lang), URL: l.URL(), N: i + 1,
			Done: data.Card.Enrolled && data.Progress.Lessons[i].CompletedAt != nil}
		data.Lessons = append(data.Lessons, link)
	}
	for i := range data.Lessons {
		if !data.Lessons[i].Done {
			data.Next = &data.Lessons[i]
			break
		}
	}
	return c, data, nil
}

func (p *CoursePages) course(w http.ResponseWriter, r *http.Request) error {
	_, data, err := p.courseView(r, actor.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "course", data)
}

func (p *CoursePages) enrol(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	progress, _, err := p.svc.Enrol(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/courses/"+progress.CourseID, http.StatusSeeOther)
	return nil
}

type lessonData struct {
	Course   CourseCard
	Lesson   Lesson
	N        int
	Title    string
	Body     template.HTML
	English  bool // the English text is shown
	SignedIn bool
	Enrolled bool
	// CompletedAt is when the reader completed the lesson, if they have.
	CompletedAt *time.Time
	Prev, Next  *LessonLink
}

func (p *CoursePages) lesson(w http.ResponseWriter, r *http.Request) error {
	a, lang := actor.From(r.Context()), web.Lang(r.Context())
	c, cd, err := p.courseView(r, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	at := -1
	for i, l := range c.Lessons {
		if l.ID == r.PathValue("lesson") {
			at = i
		}
	}
	if at < 0 {
		return problem.ErrNotFound
	}
	l := c.Lessons[at]
	data := lessonData{Course: cd.Card, Lesson: l, N: at + 1, Title: l.Title.Zh, Body: l.HTML.Zh, SignedIn: a != nil, Enrolled: cd.Card.Enrolled}
	if data.English = lang == i18n.English && l.Body.En != ""; data.English {
		data.Title, data.Body = l.Title.In(lang), l.HTML.En
	}
	if data.Enrolled {
		data.CompletedAt = cd.Progress.Lessons[at].CompletedAt
	}
	if at > 0 {
		data.Prev = &cd.Lessons[at-1]
	}
	if at+1 < len(cd.Lessons) {
		data.Next = &cd.Lessons[at+1]
	}
	return p.pages.Render(w, r, http.StatusOK, "course_lesson", data)
}

// complete marks the lesson done and goes on to the next lesson, or back to
// the course after the last.
func (p *CoursePages) complete(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	courseID, lessonID := r.PathValue("id"), r.PathValue("lesson")
	if _, err := p.svc.CompleteLesson(r.Context(), a, courseID, lessonID); err != nil {
		return err
	}
	c, err := p.svc.Course(r.Context(), a, courseID)
	if err != nil {
		return err
	}
	next := c.URL()
	for i, l := range c.Lessons {
		if l.ID == lessonID && i+1 < len(c.Lessons) {
			next = c.Lessons[i+1].URL()
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type certificateData struct {
	Name, Course, Date string
	Total              int
}

// certificate is the printable completion page; until the person completed
// every lesson it answers 409 saying how far they are.
func (p *CoursePages) certificate(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	cert, err := p.svc.Certificate(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.pages.Render(w, r, http.StatusOK, "course_certificate", certificateData{Name: cert.Name,
		Course: cert.Course.Title.In(web.Lang(r.Context())), Total: len(cert.Course.Lessons),
		Date: cert.CompletedAt.In(clock.Shanghai).Format("2006-01-02")})
}
