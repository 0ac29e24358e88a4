package community

import (
	"net/http"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/web"
)

// CourseAPI holds the JSON handlers of courses and learning paths.
type CourseAPI struct{ svc *Service }

// NewCourseAPI returns the handlers on svc.
func NewCourseAPI(svc *Service) *CourseAPI { return &CourseAPI{svc: svc} }

// MaxLessonFile is the largest file a lesson hands out.
const MaxLessonFile = attachment.DefaultMaxSize

// Routes registers the endpoints.
func (h *CourseAPI) Routes(rt *web.Router) {
	rt.API("GET /api/v1/courses", h.courses)
	rt.API("POST /api/v1/courses", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in CourseInput) (any, error) {
		c, err := h.svc.CreateCourse(r.Context(), a, in)
		return created{"/api/v1/courses/" + c.ID, c}, err
	}))
	rt.API("GET /api/v1/courses/{id}", h.course)
	rt.API("PATCH /api/v1/courses/{id}", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in CoursePatch) (any, error) {
		c, err := h.svc.UpdateCourse(r.Context(), a, r.PathValue("id"), in)
		return c, err
	}))
	rt.API("DELETE /api/v1/courses/{id}", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		return noContent(w, h.svc.DeleteCourse(r.Context(), a, r.PathValue("id")))
	}))
	rt.API("POST /api/v1/courses/{id}/lessons", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in LessonInput) (any, error) {
		l, err := h.svc.AddLesson(r.Context(), a, r.PathValue("id"), in)
		return created{lessonPath(l), l}, err
	}))
	rt.API("GET /api/v1/courses/{id}/lessons/{lesson}", h.lesson)
	rt.API("PATCH /api/v1/courses/{id}/lessons/{lesson}", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in LessonPatch) (any, error) {
		l, err := h.svc.UpdateLesson(r.Context(), a, r.PathValue("id"), r.PathValue("lesson"), in)
		return l, err
	}))
	rt.API("DELETE /api/v1/courses/{id}/lessons/{lesson}", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		return noContent(w, h.svc.DeleteLesson(r.Context(), a, r.PathValue("id"), r.PathValue("lesson")))
	}))
	rt.APIWithLimit("POST /api/v1/courses/{id}/lessons/{lesson}/attachments", MaxLessonFile+uploadOverhead, h.upload)
	rt.API("GET /api/v1/courses/{id}/lessons/{lesson}/attachments/{file}", h.download)
	rt.API("POST /api/v1/courses/{id}/enrol", web.Authed(h.enrol))
	rt.API("GET /api/v1/courses/{id}/progress", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		p, err := h.svc.Progress(r.Context(), a, r.PathValue("id"), r.URL.Query().Get("user"))
		return web.Respond(w, http.StatusOK, p, err)
	}))
	rt.API("POST /api/v1/courses/{id}/lessons/{lesson}/complete", web.Authed(func(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
		p, err := h.svc.CompleteLesson(r.Context(), a, r.PathValue("id"), r.PathValue("lesson"))
		return web.Respond(w, http.StatusOK, p, err)
	}))
	rt.API("GET /api/v1/learning-paths", h.paths)
	rt.API("POST /api/v1/learning-paths", act(h.svc.writer, func(r *http.Request, a *actor.Actor, in PathInput) (any, error) {
		p, err := h.svc.CreatePath(r.Context(), a, in)
		return created{"/api/v1/learning-paths/" + p.ID, p}, err
	}))
	rt.API("GET /api/v1/learning-paths/{id}", func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.svc.Path(r.Context(), actor.From(r.Context()), r.PathValue("id"))
		return web.Respond(w, http.StatusOK, p, err)
	})
}

// uploadOverhead is room for a multipart form's boundaries and headers
// around the file itself.
const uploadOverhead = 64 << 10

func lessonPath(l Lesson) string { return "/api/v1/courses/" + l.CourseID + "/lessons/" + l.ID }

func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *CourseAPI) courses(w http.ResponseWriter, r *http.Request) error {
	a := actor.From(r.Context())
	return web.ServeList(w, r, func(after string, limit int) ([]Course, error) {
		return h.svc.Courses(r.Context(), a, after, limit+1)
	}, func(c Course) string { return c.ID })
}

func (h *CourseAPI) course(w http.ResponseWriter, r *http.Request) error {
	c, err := h.svc.Course(r.Context(), actor.From(r.Context()), r.PathValue("id"))
	return web.Respond(w, http.StatusOK, c, err)
}

func (h *CourseAPI) lesson(w http.ResponseWriter, r *http.Request) error {
	_, l, err := h.svc.Lesson(r.Context(), actor.From(r.Context()), r.PathValue("id"), r.PathValue("lesson"))
	return web.Respond(w, http.StatusOK, l, err)
}

func (h *CourseAPI) paths(w http.ResponseWriter, r *http.Request) error {
	a := actor.From(r.Context())
	return web.ServeList(w, r, func(after string, limit int) ([]LearningPath, error) {
		return h.svc.Paths(r.Context(), a, after, limit+1)
	}, func(p LearningPath) string { return p.ID })
}

// upload takes the multipart form's "file" as a file of the lesson,
// streamed to the blob store.
func (h *CourseAPI) upload(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	if err := h.svc.Authorize(a); err != nil {
		return err
	}
	part, err := web.FilePart(r, "file")
	if err != nil {
		return err
	}
	f, err := h.svc.AddLessonFile(r.Context(), a, r.PathValue("id"), r.PathValue("lesson"), part.FileName(), part)
	if err != nil {
		return err
	}
	return web.Created(w, f.URL, f)
}

func (h *CourseAPI) download(w http.ResponseWriter, r *http.Request) error {
	f, body, err := h.svc.OpenLessonFile(r.Context(), actor.From(r.Context()), r.PathValue("id"), r.PathValue("lesson"), r.PathValue("file"))
	if err != nil {
		return err
	}
	// Served as the attachments are: always a download, never sniffed.
	attachment.Serve(w, r, attachment.Attachment{Name: f.Name, SHA256: f.SHA256, ContentType: "application/octet-stream", CreatedAt: f.CreatedAt}, body)
	return nil
}

func (h *CourseAPI) enrol(w http.ResponseWriter, r *http.Request, a *actor.Actor) error {
	p, created, err := h.svc.Enrol(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if created {
		return web.Created(w, "/api/v1/courses/"+p.CourseID+"/progress", p)
	}
	return web.JSON(w, http.StatusOK, p)
}
