package community

import (
	"time"
)

// CourseDoc is the search document type of published courses.
const CourseDoc = "course"

// Course levels, from first steps to the finer points.
const (
	Beginner     = "beginner"
	Intermediate = "intermediate"
	Advanced     = "advanced"
)

// Course is an online course: ordered lessons on one product. A draft is
// seen by the writers of the help center only.
type Course struct {
	ID      string `json:"id"`
	Title   Text   `json:"title"`
	Summary Text   `json:"summary"`
	Product string `json:"product"`
	Level   string `json:"level"`
	Status  string `json:"status"`
	// Lessons are filled when one course is read; lists give LessonCount.
	Lessons     []Lesson  `json:"lessons,omitempty"`
	LessonCount int       `json:"lesson_count"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   string    `json:"updated_by"`
}

// URL is the public page of the course.
func (c Course) URL() string { return "/courses/" + c.ID }

// Lesson is one step of a course. Body is Markdown in each language; HTML
// holds it rendered and sanitised; Video says how the page shows VideoURL.
type Lesson struct {
	ID        string       `json:"id"`
	CourseID  string       `json:"course_id"`
	Position  int          `json:"position"`
	Title     Text         `json:"title"`
	Body      Text         `json:"body"`
	HTML      HTMLText     `json:"html"`
	VideoURL  string       `json:"video_url"`
	Video     Video        `json:"video"`
	Files     []LessonFile `json:"files"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// URL is the lesson's page.
func (l Lesson) URL() string { return "/courses/" + l.CourseID + "/lessons/" + l.ID }

// LessonFile is a file handed out with a lesson (slides, a sample ledger);
// its bytes are in the blob store under its id.
type LessonFile struct {
	ID        string    `json:"id"`
	LessonID  string    `json:"lesson_id"`
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
}

// LearningPath is an ordered list of courses to take one after another.
type LearningPath struct {
	ID      string   `json:"id"`
	Title   Text     `json:"title"`
	Summary Text     `json:"summary"`
	Courses []string `json:"courses"`
	// Steps are the courses themselves, in order, as the reader may see them
	// (a draft or deleted course is left out).
	Steps     []Course  `json:"steps"`
	CreatedAt time.Time `json:"created_at"`
}

// Progress is one person's way through a course.
type Progress struct {
	CourseID   string         `json:"course_id"`
	UserID     string         `json:"user_id"`
	EnrolledAt time.Time      `json:"enrolled_at"`
	Lessons    []LessonStatus `json:"lessons"`
	Done       int            `json:"done"`
	Total      int            `json:"total"`
	Percent    int            `json:"percent"`
	// CompletedAt is when the last lesson was completed, once all are.
	CompletedAt *time.Time `json:"completed_at"`
}

// LessonStatus says whether a lesson is completed, and when.
type LessonStatus struct {
	LessonID    string     `json:"lesson_id"`
	CompletedAt *time.Time `json:"completed_at"`
}

// Complete reports whether every lesson of a course with lessons is done.
func (p Progress) Complete() bool { return p.Total > 0 && p.Done == p.Total }

// progressOf counts the completions of the course's lessons (lessons
// deleted since do not count).
func progressOf(c Course, userID string, enrolledAt time.Time, completed map[string]time.Time) Progress {
	p := Progress{CourseID: c.ID, UserID: userID, EnrolledAt: enrolledAt, Lessons: []LessonStatus{}, Total: len(c.Lessons)}
	var last time.Time
	for _, l := range c.Lessons {
		st := LessonStatus{LessonID: l.ID}
		if at, ok := completed[l.ID]; ok {
			st.CompletedAt = &at
			p.Done++
			if at.After(last) {
				last = at
			}
		}
		p.Lessons = append(p.Lessons, st)
	}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	if p.Complete() {
		p.CompletedAt = &last
	}
	return p
}

// CourseInput creates a course; Level defaults to beginner, Status to draft.
type CourseInput struct {
	Title   Text   `json:"title"`
	Summary Text   `json:"summary"`
	Product string `json:"product"`
	Level   string `json:"level"`
	Status  string `json:"status"`
}

// CoursePatch changes the fields given.
type CoursePatch struct {
	Title   *Text   `json:"title"`
	Summary *Text   `json:"summary"`
	Product *string `json:"product"`
	Level   *string `json:"level"`
	Status  *string `json:"status"`
}

// LessonInput adds a lesson at the end of a course.
type LessonInput struct {
	Title    Text   `json:"title"`
	Body     Text   `json:"body"`
	VideoURL string `json:"video_url"`
}

// LessonPatch changes the fields given; Position moves the lesson to that
// place (1 is first), the others closing up around it.
type LessonPatch struct {
	Title    *Text   `json:"title"`
	Body     *Text   `json:"body"`
	VideoURL *string `json:"video_url"`
	Position *int    `json:"position"`
}

// PathInput creates a learning path of existing courses, in order.
type PathInput struct {
	Title   Text     `json:"title"`
	Summary Text     `json:"summary"`
	Courses []string `json:"courses"`
}
