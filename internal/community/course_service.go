package community

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"steward.dev/steward/internal/attachment"
	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/id"
	"steward.dev/steward/internal/platform/markdown"
	"steward.dev/steward/internal/platform/problem"
	"steward.dev/steward/internal/platform/search"
)

// Courses: the help center's writers (actor.WriteHelp) write them; anyone
// who may read the community reads published ones; a person who may post
// enrols and marks lessons complete, and sees only their own progress.

// errNotEnrolled is a lesson marked or a certificate asked for before enrolling.
var errNotEnrolled = problem.New(http.StatusConflict, "course.not_enrolled")

// errUnchanged rolls back a transaction whose insert found the row there
// already (enrolled, completed), which is no change to audit.
var errUnchanged = errors.New("already recorded")

// CreateCourse writes a course (a draft unless published) and indexes it
// once published, in the same transaction.
func (s *Service) CreateCourse(ctx context.Context, a *actor.Actor, in CourseInput) (Course, error) {
	if err := s.Authorize(a); err != nil {
		return Course{}, err
	}
	c, err := newCourse(id.New("crs", s.Clock.Now()), in, writer(a), s.Clock.Now())
	if err != nil {
		return Course{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error { return s.insertCourse(ctx, tx, c) })
	return c, err
}

// writer is who a change is recorded as made by.
func writer(a *actor.Actor) string {
	if a.UserID == "" {
		return audit.SystemActor
	}
	return a.UserID
}

func newCourse(courseID string, in CourseInput, by string, now time.Time) (Course, error) {
	c := Course{ID: courseID, Title: in.Title, Summary: in.Summary, Product: in.Product, Level: in.Level, Status: in.Status,
		CreatedAt: now, UpdatedAt: now, UpdatedBy: by, Lessons: []Lesson{}}
	if c.Level == "" {
		c.Level = Beginner
	}
	if c.Status == "" {
		c.Status = Draft
	}
	return checkedCourse(c)
}

func (s *Service) insertCourse(ctx context.Context, tx *db.Tx, c Course) error {
	if err := s.Store.InsertCourse(ctx, tx, c); err != nil {
		return err
	}
	if err := s.reindexCourse(ctx, tx, c.ID); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.create", TargetType: "course", TargetID: c.ID,
		Changes: audit.Diff(nil, audit.Fields{"title": c.Title.Zh, "status": c.Status, "level": c.Level})})
}

// UpdateCourse changes a course's fields and reindexes it.
func (s *Service) UpdateCourse(ctx context.Context, a *actor.Actor, courseID string, p CoursePatch) (Course, error) {
	if err := s.Authorize(a); err != nil {
		return Course{}, err
	}
	before, err := s.Store.Course(ctx, s.Store.DB(), courseID)
	if err != nil {
		return Course{}, err
	}
	c := before
	setIf(&c.Title, p.Title)
	setIf(&c.Summary, p.Summary)
	setIf(&c.Product, p.Product)
	setIf(&c.Level, p.Level)
	setIf(&c.Status, p.Status)
	c.UpdatedAt, c.UpdatedBy = s.Clock.Now(), writer(a)
	if c, err = checkedCourse(c); err != nil {
		return Course{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.UpdateCourse(ctx, tx, c); err != nil {
			return err
		}
		if err := s.reindexCourse(ctx, tx, c.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.update", TargetType: "course", TargetID: c.ID,
			Changes: audit.Diff(
				audit.Fields{"title": before.Title.Zh, "status": before.Status, "level": before.Level, "product": before.Product},
				audit.Fields{"title": c.Title.Zh, "status": c.Status, "level": c.Level, "product": c.Product})})
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, a, c.ID)
}

// DeleteCourse removes a course with its lessons, enrolments and progress,
// and takes it out of the index; then its files' bytes.
func (s *Service) DeleteCourse(ctx context.Context, a *actor.Actor, courseID string) error {
	if err := s.Authorize(a); err != nil {
		return err
	}
	c, err := s.Store.Course(ctx, s.Store.DB(), courseID)
	if err != nil {
		return err
	}
	files, err := s.Store.FileIDs(ctx, s.Store.DB(), courseID, "")
	if err != nil {
		return err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.DeleteCourse(ctx, tx, c.ID); err != nil {
			return err
		}
		if err := s.Index.Delete(ctx, tx, CourseDoc, c.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.delete", TargetType: "course", TargetID: c.ID,
			Changes: audit.Diff(audit.Fields{"title": c.Title.Zh, "status": c.Status, "lessons": c.LessonCount}, nil)})
	})
	if err == nil {
		s.dropFiles(ctx, files)
	}
	return err
}

// dropFiles removes the bytes of files whose rows are gone. A failure
// leaves bytes that no row names, which are never served.
func (s *Service) dropFiles(ctx context.Context, fileIDs []string) {
	for _, f := range fileIDs {
		_ = s.deps.Blobs.Delete(context.WithoutCancel(ctx), f)
	}
}

// Course returns a course with its lessons; a draft is 404 for anyone but
// its writers.
func (s *Service) Course(ctx context.Context, a *actor.Actor, courseID string) (Course, error) {
	if err := s.CanRead(a); err != nil {
		return Course{}, err
	}
	c, err := s.courseIn(ctx, s.Store.DB(), courseID)
	if err != nil {
		return Course{}, err
	}
	if c.Status != Published && !a.Can(actor.WriteHelp) {
		return Course{}, problem.ErrNotFound
	}
	return c, nil
}

// courseIn reads a course with its lessons rendered, through q.
func (s *Service) courseIn(ctx context.Context, q db.Querier, courseID string) (Course, error) {
	c, err := s.Store.Course(ctx, q, courseID)
	if err != nil {
		return Course{}, err
	}
	if c.Lessons, err = s.Store.Lessons(ctx, q, courseID); err != nil {
		return Course{}, err
	}
	for i := range c.Lessons {
		c.Lessons[i] = renderLesson(c.Lessons[i])
	}
	return c, nil
}

func renderLesson(l Lesson) Lesson {
	l.HTML = HTMLText{Zh: markdown.Render(l.Body.Zh), En: markdown.Render(l.Body.En)}
	l.Video = VideoOf(l.VideoURL)
	return l
}

// Courses lists a page of courses newest first (limit+1 asked by the
// caller): drafts too for their writers.
func (s *Service) Courses(ctx context.Context, a *actor.Actor, after string, limit int) ([]Course, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	return s.Store.Courses(ctx, s.Store.DB(), CourseFilter{After: after, Limit: limit, Drafts: a.Can(actor.WriteHelp)})
}

// Lesson returns a lesson of a course the actor may read, with the course.
func (s *Service) Lesson(ctx context.Context, a *actor.Actor, courseID, lessonID string) (Course, Lesson, error) {
	c, err := s.Course(ctx, a, courseID)
	if err != nil {
		return Course{}, Lesson{}, err
	}
	i := slices.IndexFunc(c.Lessons, func(l Lesson) bool { return l.ID == lessonID })
	if i < 0 {
		return Course{}, Lesson{}, problem.ErrNotFound
	}
	return c, c.Lessons[i], nil
}

// AddLesson appends a lesson to a course.
func (s *Service) AddLesson(ctx context.Context, a *actor.Actor, courseID string, in LessonInput) (Lesson, error) {
	if err := s.Authorize(a); err != nil {
		return Lesson{}, err
	}
	if _, err := s.Store.Course(ctx, s.Store.DB(), courseID); err != nil {
		return Lesson{}, err
	}
	now := s.Clock.Now()
	l, err := checkedLesson(Lesson{ID: id.New("les", now), CourseID: courseID, Title: in.Title, Body: in.Body, VideoURL: in.VideoURL,
		CreatedAt: now, UpdatedAt: now, Files: []LessonFile{}})
	if err != nil {
		return Lesson{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		var err error
		if l.Position, err = s.insertLesson(ctx, tx, l, writer(a)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.add_lesson", TargetType: "course_lesson", TargetID: l.ID,
			Changes: audit.Diff(nil, audit.Fields{"course": courseID, "title": l.Title.Zh, "position": l.Position})})
	})
	return renderLesson(l), err
}

// insertLesson stores the lesson at the course's end and reindexes the course.
func (s *Service) insertLesson(ctx context.Context, tx *db.Tx, l Lesson, by string) (int, error) {
	pos, err := s.Store.InsertLesson(ctx, tx, l)
	if err != nil {
		return 0, err
	}
	if err := s.Store.TouchCourse(ctx, tx, l.CourseID, by, l.UpdatedAt); err != nil {
		return 0, err
	}
	return pos, s.reindexCourse(ctx, tx, l.CourseID)
}

// UpdateLesson changes a lesson; a new position moves it among the others.
func (s *Service) UpdateLesson(ctx context.Context, a *actor.Actor, courseID, lessonID string, p LessonPatch) (Lesson, error) {
	if err := s.Authorize(a); err != nil {
		return Lesson{}, err
	}
	c, err := s.courseIn(ctx, s.Store.DB(), courseID)
	if err != nil {
		return Lesson{}, err
	}
	at := slices.IndexFunc(c.Lessons, func(l Lesson) bool { return l.ID == lessonID })
	if at < 0 {
		return Lesson{}, problem.ErrNotFound
	}
	before := c.Lessons[at]
	l := before
	setIf(&l.Title, p.Title)
	setIf(&l.Body, p.Body)
	setIf(&l.VideoURL, p.VideoURL)
	l.UpdatedAt = s.Clock.Now()
	var bad problem.Invalid
	l = checkLesson(&bad, l)
	if p.Position != nil && (*p.Position < 1 || *p.Position > len(c.Lessons)) {
		bad.Add("position", "field.course_position")
	}
	if err := bad.Err(); err != nil {
		return Lesson{}, err
	}
	order := make([]string, 0, len(c.Lessons))
	for _, x := range c.Lessons {
		if x.ID != l.ID {
			order = append(order, x.ID)
		}
	}
	to := at
	if p.Position != nil {
		to = *p.Position - 1
	}
	order = slices.Insert(order, to, l.ID)
	l.Position = to + 1
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.UpdateLesson(ctx, tx, l); err != nil {
			return err
		}
		if err := s.Store.Renumber(ctx, tx, order); err != nil {
			return err
		}
		if err := s.Store.TouchCourse(ctx, tx, courseID, writer(a), l.UpdatedAt); err != nil {
			return err
		}
		if err := s.reindexCourse(ctx, tx, courseID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.update_lesson", TargetType: "course_lesson", TargetID: l.ID,
			Changes: audit.Diff(
				audit.Fields{"title": before.Title.Zh, "position": before.Position, "video_url": before.VideoURL, "body": len(before.Body.Zh)},
				audit.Fields{"title": l.Title.Zh, "position": l.Position, "video_url": l.VideoURL, "body": len(l.Body.Zh)})})
	})
	return renderLesson(l), err
}

// DeleteLesson removes a lesson (with its files and everyone's completion
// of it) and closes up the others' positions.
func (s *Service) DeleteLesson(ctx context.Context, a *actor.Actor, courseID, lessonID string) error {
	if err := s.Authorize(a); err != nil {
		return err
	}
	c, err := s.courseIn(ctx, s.Store.DB(), courseID)
	if err != nil {
		return err
	}
	at := slices.IndexFunc(c.Lessons, func(l Lesson) bool { return l.ID == lessonID })
	if at < 0 {
		return problem.ErrNotFound
	}
	l := c.Lessons[at]
	var rest []string
	for _, x := range c.Lessons {
		if x.ID != l.ID {
			rest = append(rest, x.ID)
		}
	}
	files, err := s.Store.FileIDs(ctx, s.Store.DB(), courseID, lessonID)
	if err != nil {
		return err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.DeleteLesson(ctx, tx, l.ID); err != nil {
			return err
		}
		if err := s.Store.Renumber(ctx, tx, rest); err != nil {
			return err
		}
		if err := s.Store.TouchCourse(ctx, tx, courseID, writer(a), s.Clock.Now()); err != nil {
			return err
		}
		if err := s.reindexCourse(ctx, tx, courseID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.delete_lesson", TargetType: "course_lesson", TargetID: l.ID,
			Changes: audit.Diff(audit.Fields{"course": courseID, "title": l.Title.Zh, "position": l.Position}, nil)})
	})
	if err == nil {
		s.dropFiles(ctx, files)
	}
	return err
}

// AddLessonFile stores a file handed out with a lesson: its bytes stream
// into the blob store under the file's id (a body over the route's limit
// stores nothing), then its row is written with the audit record.
func (s *Service) AddLessonFile(ctx context.Context, a *actor.Actor, courseID, lessonID, name string, body io.Reader) (LessonFile, error) {
	if err := s.Authorize(a); err != nil {
		return LessonFile{}, err
	}
	if _, _, err := s.Lesson(ctx, a, courseID, lessonID); err != nil {
		return LessonFile{}, err
	}
	name, err := attachment.ParseName(name)
	if pe, ok := problem.As(err); ok && len(pe.Fields) > 0 { // the form's field is "file"
		return LessonFile{}, problem.InvalidField("file", pe.Fields[0].Message)
	} else if err != nil {
		return LessonFile{}, err
	}
	now := s.Clock.Now()
	f := LessonFile{ID: id.New("lf", now), LessonID: lessonID, Name: name, CreatedAt: now}
	info, err := s.deps.Blobs.Put(ctx, f.ID, body)
	if err != nil {
		return LessonFile{}, err
	}
	f.Size, f.SHA256, f.URL = info.Size, info.SHA256, fileURL(courseID, f)
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if err := s.Store.InsertFile(ctx, tx, f); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.add_file", TargetType: "course_file", TargetID: f.ID,
			Changes: audit.Diff(nil, audit.Fields{"lesson": lessonID, "name": f.Name, "size": f.Size, "sha256": f.SHA256})})
	})
	if err != nil {
		s.dropFiles(ctx, []string{f.ID})
		return LessonFile{}, err
	}
	return f, nil
}

// OpenLessonFile returns a lesson file's bytes to anyone who may read the
// course.
func (s *Service) OpenLessonFile(ctx context.Context, a *actor.Actor, courseID, lessonID, fileID string) (LessonFile, io.ReadSeekCloser, error) {
	_, l, err := s.Lesson(ctx, a, courseID, lessonID)
	if err != nil {
		return LessonFile{}, nil, err
	}
	i := slices.IndexFunc(l.Files, func(f LessonFile) bool { return f.ID == fileID })
	if i < 0 {
		return LessonFile{}, nil, problem.ErrNotFound
	}
	body, _, err := s.deps.Blobs.Open(ctx, fileID)
	if err != nil {
		return LessonFile{}, nil, fmt.Errorf("lesson file %s: %w", fileID, err)
	}
	return l.Files[i], body, nil
}

// Enrol signs the person up for a published course; created is false when
// they already were.
func (s *Service) Enrol(ctx context.Context, a *actor.Actor, courseID string) (p Progress, created bool, err error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Progress{}, false, err
	}
	c, err := s.Course(ctx, a, courseID)
	if err != nil {
		return Progress{}, false, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if created, err := s.Store.Enrol(ctx, tx, c.ID, a.UserID, a.OrgID, s.Clock.Now()); err != nil {
			return err
		} else if !created {
			return errUnchanged
		}
		return s.Audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "course.enrol", TargetType: "course", TargetID: c.ID,
			Changes: audit.Diff(nil, audit.Fields{"user": a.UserID})})
	})
	created = err == nil
	if err != nil && !errors.Is(err, errUnchanged) {
		return Progress{}, false, err
	}
	p, err = s.progressOf(ctx, a, c)
	return p, created, err
}

// Progress returns the person's own progress through a course they
// enrolled in; asking for someone else's (userID set and not theirs), or
// without an enrolment, is 404.
func (s *Service) Progress(ctx context.Context, a *actor.Actor, courseID, userID string) (Progress, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Progress{}, err
	}
	if userID != "" && userID != a.UserID {
		return Progress{}, problem.ErrNotFound
	}
	c, err := s.Course(ctx, a, courseID)
	if err != nil {
		return Progress{}, err
	}
	return s.progressOf(ctx, a, c)
}

func (s *Service) progressOf(ctx context.Context, a *actor.Actor, c Course) (Progress, error) {
	at, err := s.Store.Enrolment(ctx, s.Store.DB(), c.ID, a.UserID)
	if err != nil {
		return Progress{}, err
	}
	done, err := s.Store.Completions(ctx, s.Store.DB(), c.ID, a.UserID)
	if err != nil {
		return Progress{}, err
	}
	return progressOf(c, a.UserID, at, done), nil
}

// CompleteLesson marks a lesson of a course the person enrolled in as
// complete (again is no change) and returns their progress.
func (s *Service) CompleteLesson(ctx context.Context, a *actor.Actor, courseID, lessonID string) (Progress, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Progress{}, err
	}
	c, l, err := s.Lesson(ctx, a, courseID, lessonID)
	if err != nil {
		return Progress{}, err
	}
	if _, err := s.Store.Enrolment(ctx, s.Store.DB(), c.ID, a.UserID); errors.Is(err, problem.ErrNotFound) {
		return Progress{}, errNotEnrolled
	} else if err != nil {
		return Progress{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		if created, err := s.Store.Complete(ctx, tx, c.ID, l.ID, a.UserID, s.Clock.Now()); err != nil {
			return err
		} else if !created {
			return errUnchanged
		}
		return s.Audit.Record(ctx, tx, audit.Entry{OrgID: a.OrgID, Action: "course.complete_lesson", TargetType: "course_lesson", TargetID: l.ID,
			Changes: audit.Diff(nil, audit.Fields{"user": a.UserID, "course": c.ID})})
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return Progress{}, err
	}
	return s.progressOf(ctx, a, c)
}

// Certificate is what the printable completion page shows.
type Certificate struct {
	Course      Course
	Name        string
	CompletedAt time.Time
}

// Certificate returns the person's completion of a course: 409 with the
// reason until they enrolled and completed every lesson.
func (s *Service) Certificate(ctx context.Context, a *actor.Actor, courseID string) (Certificate, error) {
	if err := s.CanPost(ctx, a); err != nil {
		return Certificate{}, err
	}
	c, err := s.Course(ctx, a, courseID)
	if err != nil {
		return Certificate{}, err
	}
	p, err := s.progressOf(ctx, a, c)
	if errors.Is(err, problem.ErrNotFound) {
		return Certificate{}, errNotEnrolled
	} else if err != nil {
		return Certificate{}, err
	}
	if !p.Complete() {
		return Certificate{}, problem.New(http.StatusConflict, "course.incomplete").With("done", p.Done).With("total", p.Total)
	}
	return Certificate{Course: c, Name: a.Name, CompletedAt: *p.CompletedAt}, nil
}

// EnrolledDone returns, for each course the person enrolled in, how many of
// its lessons they completed (empty for a visitor).
func (s *Service) EnrolledDone(ctx context.Context, a *actor.Actor) (map[string]int, error) {
	if a == nil || a.UserID == "" {
		return map[string]int{}, nil
	}
	return s.Store.Enrolled(ctx, a.UserID)
}

// CreatePath lays out a learning path of existing courses.
func (s *Service) CreatePath(ctx context.Context, a *actor.Actor, in PathInput) (LearningPath, error) {
	if err := s.Authorize(a); err != nil {
		return LearningPath{}, err
	}
	p, err := s.checkedPath(ctx, LearningPath{ID: id.New("lp", s.Clock.Now()), Title: in.Title, Summary: in.Summary,
		Courses: in.Courses, CreatedAt: s.Clock.Now()})
	if err != nil {
		return LearningPath{}, err
	}
	err = s.Store.DB().InTx(ctx, func(tx *db.Tx) error { return s.insertPath(ctx, tx, p) })
	if err != nil {
		return LearningPath{}, err
	}
	return s.Path(ctx, a, p.ID)
}

// checkedPath checks the path's fields and that each course exists.
func (s *Service) checkedPath(ctx context.Context, p LearningPath) (LearningPath, error) {
	p, err := checkedPath(p)
	if err != nil {
		return LearningPath{}, err
	}
	for _, c := range p.Courses {
		if _, err := s.Store.Course(ctx, s.Store.DB(), c); errors.Is(err, problem.ErrNotFound) {
			return LearningPath{}, problem.InvalidField("courses", "field.course_unknown")
		} else if err != nil {
			return LearningPath{}, err
		}
	}
	return p, nil
}

func (s *Service) insertPath(ctx context.Context, tx *db.Tx, p LearningPath) error {
	if err := s.Store.InsertPath(ctx, tx, p); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "course.create_path", TargetType: "learning_path", TargetID: p.ID,
		Changes: audit.Diff(nil, audit.Fields{"title": p.Title.Zh, "courses": strings.Join(p.Courses, ",")})})
}

// Path returns a learning path with the courses the actor may read.
func (s *Service) Path(ctx context.Context, a *actor.Actor, pathID string) (LearningPath, error) {
	if err := s.CanRead(a); err != nil {
		return LearningPath{}, err
	}
	p, err := s.Store.Path(ctx, pathID)
	if err != nil {
		return LearningPath{}, err
	}
	return s.withSteps(ctx, a, p)
}

// Paths lists a page of learning paths (limit+1 asked by the caller).
func (s *Service) Paths(ctx context.Context, a *actor.Actor, after string, limit int) ([]LearningPath, error) {
	if err := s.CanRead(a); err != nil {
		return nil, err
	}
	list, err := s.Store.Paths(ctx, after, limit)
	for i := range list {
		if err != nil {
			break
		}
		list[i], err = s.withSteps(ctx, a, list[i])
	}
	return list, err
}

func (s *Service) withSteps(ctx context.Context, a *actor.Actor, p LearningPath) (LearningPath, error) {
	p.Steps = []Course{}
	for _, courseID := range p.Courses {
		c, err := s.Store.Course(ctx, s.Store.DB(), courseID)
		if errors.Is(err, problem.ErrNotFound) {
			continue
		} else if err != nil {
			return LearningPath{}, err
		}
		if c.Status == Published || a.Can(actor.WriteHelp) {
			p.Steps = append(p.Steps, c)
		}
	}
	return p, nil
}

// reindexCourse puts a published course in the index with its lessons'
// text, or takes a draft out, through the change's transaction.
func (s *Service) reindexCourse(ctx context.Context, tx *db.Tx, courseID string) error {
	c, err := s.courseIn(ctx, tx, courseID)
	if err != nil {
		return err
	}
	if c.Status != Published {
		return s.Index.Delete(ctx, tx, CourseDoc, c.ID)
	}
	return s.Index.Put(ctx, tx, courseDoc(c))
}

// courseDoc is a course as the index holds it: both titles, the summaries,
// and each lesson's titles and plain text.
func courseDoc(c Course) search.Doc {
	body := []string{c.Summary.Zh, c.Summary.En}
	for _, l := range c.Lessons {
		body = append(body, l.Title.Zh, l.Title.En, markdown.Text(l.Body.Zh), markdown.Text(l.Body.En))
	}
	return search.Doc{Type: CourseDoc, ID: c.ID, Product: c.Product, Title: strings.TrimSpace(c.Title.Zh + " " + c.Title.En),
		Body: strings.Join(slices.DeleteFunc(body, func(s string) bool { return s == "" }), "\n"), URL: c.URL(), UpdatedAt: c.UpdatedAt}
}

// CourseDocs hands every published course's document to put: what the
// rebuild command indexes, the same as every change indexes.
func (s *Service) CourseDocs(ctx context.Context, put func(search.Doc) error) error {
	after := ""
	for {
		page, err := s.Store.Courses(ctx, s.Store.DB(), CourseFilter{After: after, Limit: 100})
		if err != nil || len(page) == 0 {
			return err
		}
		for _, listed := range page {
			c, err := s.courseIn(ctx, s.Store.DB(), listed.ID)
			if err != nil {
				return err
			}
			if err := put(courseDoc(c)); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
	}
}

// ImportCourses writes shipped courses with their lessons under fixed ids
// (their addresses stay the same), and then the learning paths, skipping
// those already there, in one transaction.
func (s *Service) ImportCourses(ctx context.Context, a *actor.Actor, courses []Course, paths []LearningPath) error {
	if err := s.Authorize(a); err != nil {
		return err
	}
	now := s.Clock.Now()
	var fresh []Course
	for _, in := range courses {
		if _, err := s.Store.Course(ctx, s.Store.DB(), in.ID); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		c, err := newCourse(in.ID, CourseInput{Title: in.Title, Summary: in.Summary, Product: in.Product, Level: in.Level, Status: in.Status}, writer(a), now)
		if err != nil {
			return fmt.Errorf("course %s: %w", in.ID, err)
		}
		for _, shipped := range in.Lessons {
			l, err := checkedLesson(Lesson{ID: shipped.ID, CourseID: c.ID, Title: shipped.Title, Body: shipped.Body, VideoURL: shipped.VideoURL,
				CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return fmt.Errorf("course %s lesson %s: %w", in.ID, shipped.ID, err)
			}
			c.Lessons = append(c.Lessons, l)
		}
		fresh = append(fresh, c)
	}
	var freshPaths []LearningPath
	for _, p := range paths {
		if _, err := s.Store.Path(ctx, p.ID); err == nil {
			continue
		} else if !errors.Is(err, problem.ErrNotFound) {
			return err
		}
		p.CreatedAt = now
		if _, err := checkedPath(p); err != nil {
			return fmt.Errorf("learning path %s: %w", p.ID, err)
		}
		freshPaths = append(freshPaths, p)
	}
	err := s.Store.DB().InTx(ctx, func(tx *db.Tx) error {
		for _, c := range fresh {
			if err := s.Store.InsertCourse(ctx, tx, c); err != nil {
				return err
			}
			for _, l := range c.Lessons {
				if _, err := s.Store.InsertLesson(ctx, tx, l); err != nil {
					return err
				}
			}
			if err := s.reindexCourse(ctx, tx, c.ID); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Entry{Action: "course.create", TargetType: "course", TargetID: c.ID,
				Changes: audit.Diff(nil, audit.Fields{"title": c.Title.Zh, "status": c.Status, "lessons": len(c.Lessons)})}); err != nil {
				return err
			}
		}
		for _, p := range freshPaths {
			if err := s.insertPath(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) { // another instance imported them meanwhile
		return nil
	}
	return err
}
