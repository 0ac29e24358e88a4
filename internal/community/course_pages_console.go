package community

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// The console's course editor: the help center's writers (others 403),
// plain forms that work without JavaScript.

func (p *CoursePages) consoleRoutes(rt *web.Router) {
	rt.Page("GET /console/courses", p.console)
	rt.Page("POST /console/courses", p.saveCourse)
	rt.Page("GET /console/courses/{id}", p.editCourse)
	rt.Page("POST /console/courses/{id}", p.saveCourse)
	rt.Page("POST /console/courses/{id}/lessons", p.addLesson)
	rt.Page("GET /console/courses/{id}/lessons/{lesson}", p.editLesson)
	rt.Page("POST /console/courses/{id}/lessons/{lesson}", p.saveLesson)
	rt.PageWithLimit("POST /console/courses/{id}/lessons/{lesson}/attachments", MaxLessonFile+uploadOverhead, p.upload)
}

// courseEditorData fills the editor: every course (drafts too), the form of
// a new course or of the one being edited (ID set) with its lessons and the
// form of a new lesson.
type courseEditorData struct {
	Courses      []CourseCard
	ID           string
	Form         CourseInput
	Errors       *web.FormErrors
	Lessons      []LessonLink
	LessonForm   LessonInput
	LessonErrors *web.FormErrors
	Done         string
}

func (p *CoursePages) writer(r *http.Request) (*actor.Actor, error) {
	a, err := web.ConsoleActor(r)
	if err != nil {
		return nil, err
	}
	return a, p.svc.Authorize(a)
}

func (p *CoursePages) editorPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, data courseEditorData) error {
	lang := web.Lang(r.Context())
	list, err := p.svc.Courses(r.Context(), a, "", catalogueLimit)
	if err != nil {
		return err
	}
	for _, c := range list {
		data.Courses = append(data.Courses, card(c, lang, nil))
	}
	if data.ID != "" {
		c, err := p.svc.Course(r.Context(), a, data.ID)
		if err != nil {
			return err
		}
		for i, l := range c.Lessons {
			data.Lessons = append(data.Lessons, LessonLink{ID: l.ID, Title: l.Title.In(lang), URL: l.URL(), N: i + 1})
		}
	}
	return p.pages.Render(w, r, status, "course_console", data)
}

func (p *CoursePages) console(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, http.StatusOK, courseEditorData{Form: CourseInput{Level: Beginner, Status: Draft}})
}

func (p *CoursePages) editCourse(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	c, err := p.svc.Course(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, http.StatusOK, courseEditorData{ID: c.ID, Done: doneKey(r),
		Form: CourseInput{Title: c.Title, Summary: c.Summary, Product: c.Product, Level: c.Level, Status: c.Status}})
}

// doneKey is the message of a change that just succeeded (?done=…).
func doneKey(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "saved":
		return "courses.saved"
	case "uploaded":
		return "courses.uploaded"
	}
	return ""
}

func courseForm(r *http.Request) CourseInput {
	return CourseInput{
		Title:   Text{Zh: r.PostFormValue("title_zh"), En: r.PostFormValue("title_en")},
		Summary: Text{Zh: r.PostFormValue("summary_zh"), En: r.PostFormValue("summary_en")},
		Product: r.PostFormValue("product"), Level: r.PostFormValue("level"), Status: r.PostFormValue("status"),
	}
}

// saveCourse creates a course (no id in the path) or changes one, then
// shows it in the editor.
func (p *CoursePages) saveCourse(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	in := courseForm(r)
	var c Course
	if courseID := r.PathValue("id"); courseID == "" {
		c, err = p.svc.CreateCourse(r.Context(), a, in)
	} else {
		c, err = p.svc.UpdateCourse(r.Context(), a, courseID, CoursePatch{Title: &in.Title, Summary: &in.Summary, Product: &in.Product,
			Level: &in.Level, Status: &in.Status})
	}
	if err == nil {
		http.Redirect(w, r, "/console/courses/"+c.ID+"?done=saved", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, status, courseEditorData{ID: r.PathValue("id"), Form: in, Errors: fe})
}

func lessonForm(r *http.Request) LessonInput {
	return LessonInput{
		Title:    Text{Zh: r.PostFormValue("title_zh"), En: r.PostFormValue("title_en")},
		Body:     Text{Zh: r.PostFormValue("body_zh"), En: r.PostFormValue("body_en")},
		VideoURL: r.PostFormValue("video_url"),
	}
}

func (p *CoursePages) addLesson(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	in := lessonForm(r)
	l, err := p.svc.AddLesson(r.Context(), a, r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, consoleLesson(l)+"?done=saved", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	c, err := p.svc.Course(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return p.editorPage(w, r, a, status, courseEditorData{ID: c.ID, LessonForm: in, LessonErrors: fe,
		Form: CourseInput{Title: c.Title, Summary: c.Summary, Product: c.Product, Level: c.Level, Status: c.Status}})
}

func consoleLesson(l Lesson) string { return "/console/courses/" + l.CourseID + "/lessons/" + l.ID }

// lessonEditorData fills a lesson's editor and its upload form.
type lessonEditorData struct {
	CourseID, CourseTitle string
	Lesson                Lesson
	Form                  LessonInput
	Position              string
	Errors                *web.FormErrors
	UploadErrors          *web.FormErrors
	Done                  string
}

func (p *CoursePages) lessonPage(w http.ResponseWriter, r *http.Request, a *actor.Actor, status int, data lessonEditorData) error {
	c, l, err := p.svc.Lesson(r.Context(), a, r.PathValue("id"), r.PathValue("lesson"))
	if err != nil {
		return err
	}
	data.CourseID, data.CourseTitle, data.Lesson = c.ID, c.Title.In(web.Lang(r.Context())), l
	if data.Position == "" {
		data.Form, data.Position = LessonInput{Title: l.Title, Body: l.Body, VideoURL: l.VideoURL}, strconv.Itoa(l.Position)
	}
	return p.pages.Render(w, r, status, "course_console_lesson", data)
}

func (p *CoursePages) editLesson(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	return p.lessonPage(w, r, a, http.StatusOK, lessonEditorData{Done: doneKey(r)})
}

func (p *CoursePages) saveLesson(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	in, position := lessonForm(r), strings.TrimSpace(r.PostFormValue("position"))
	patch := LessonPatch{Title: &in.Title, Body: &in.Body, VideoURL: &in.VideoURL}
	n, perr := strconv.Atoi(position)
	if perr != nil {
		n = 0 // out of range: the service names the field
	}
	patch.Position = &n
	l, err := p.svc.UpdateLesson(r.Context(), a, r.PathValue("id"), r.PathValue("lesson"), patch)
	if err == nil {
		http.Redirect(w, r, consoleLesson(l)+"?done=saved", http.StatusSeeOther)
		return nil
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.lessonPage(w, r, a, status, lessonEditorData{Form: in, Position: position, Errors: fe})
}

// upload stores the form's file with the lesson, streamed without a
// temporary copy.
func (p *CoursePages) upload(w http.ResponseWriter, r *http.Request) error {
	a, err := p.writer(r)
	if err != nil {
		return err
	}
	courseID, lessonID := r.PathValue("id"), r.PathValue("lesson")
	err = func() error {
		part, err := web.FilePart(r, "file")
		if err != nil {
			return err
		}
		_, err = p.svc.AddLessonFile(r.Context(), a, courseID, lessonID, part.FileName(), part)
		return err
	}()
	if err == nil {
		http.Redirect(w, r, "/console/courses/"+courseID+"/lessons/"+lessonID+"?done=uploaded", http.StatusSeeOther)
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = web.ErrTooLarge.With("limit", strconv.FormatInt(tooBig.Limit, 10))
	}
	fe, status, err := web.AsFormErrors(r, err)
	if err != nil {
		return err
	}
	return p.lessonPage(w, r, a, status, lessonEditorData{UploadErrors: fe})
}
