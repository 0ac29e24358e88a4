package community

import (
	"strings"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// Limits of courses and learning paths.
const (
	maxSummary     = 2000
	maxPathCourses = 50
)

// errVideoURL is a video address that is not an https address.
var errVideoURL = problem.InvalidField("video_url", "field.course_video_url")

var levels = map[string]bool{Beginner: true, Intermediate: true, Advanced: true}

// checkedCourse trims the course and names every field at fault.
func checkedCourse(c Course) (Course, error) {
	var bad problem.Invalid
	c.Title, c.Summary, c.Product = trimText(c.Title), trimText(c.Summary), strings.TrimSpace(c.Product)
	checkText(&bad, "title", c.Title, maxTitle)
	checkLength(&bad, "summary", c.Summary, maxSummary)
	if utf8.RuneCountInString(c.Product) > maxTag {
		bad.Add("product", "field.too_long")
	}
	if !levels[c.Level] {
		bad.Add("level", "field.course_level")
	}
	if c.Status != Draft && c.Status != Published {
		bad.Add("status", "field.help_status")
	}
	return c, bad.Err()
}

// checkLength bounds both languages of an optional text.
func checkLength(bad *problem.Invalid, field string, t Text, limit int) {
	if utf8.RuneCountInString(t.Zh) > limit {
		bad.Add(field+".zh", "field.too_long")
	}
	if utf8.RuneCountInString(t.En) > limit {
		bad.Add(field+".en", "field.too_long")
	}
}

// checkLesson trims the lesson and checks its video address, adding every
// field at fault to bad.
func checkLesson(bad *problem.Invalid, l Lesson) Lesson {
	l.Title, l.Body = trimText(l.Title), trimText(l.Body)
	checkText(bad, "title", l.Title, maxTitle)
	checkText(bad, "body", l.Body, maxBody)
	video, err := ParseVideoURL(l.VideoURL)
	if err != nil {
		bad.Add("video_url", "field.course_video_url")
	}
	l.VideoURL = video
	return l
}

// checkedLesson is checkLesson of a lesson on its own.
func checkedLesson(l Lesson) (Lesson, error) {
	var bad problem.Invalid
	l = checkLesson(&bad, l)
	return l, bad.Err()
}

// checkedPath trims the path and checks its list of course ids (that they
// exist is the service's part).
func checkedPath(p LearningPath) (LearningPath, error) {
	var bad problem.Invalid
	p.Title, p.Summary = trimText(p.Title), trimText(p.Summary)
	checkText(&bad, "title", p.Title, maxTitle)
	checkLength(&bad, "summary", p.Summary, maxSummary)
	seen := map[string]bool{}
	ids := make([]string, 0, len(p.Courses))
	for _, c := range p.Courses {
		if c = strings.TrimSpace(c); c != "" && !seen[c] {
			seen[c] = true
			ids = append(ids, c)
		}
	}
	switch {
	case len(ids) == 0:
		bad.Add("courses", "field.required")
	case len(ids) > maxPathCourses:
		bad.Add("courses", "field.course_path_too_long")
	}
	p.Courses = ids
	return p, bad.Err()
}
