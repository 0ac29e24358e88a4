package community

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// The SQL of courses. Courses, lessons and learning paths are the vendor's
// public content (not scoped by organisation); enrolments and completions
// are read by their own person only, by user id.

const courseColumns = `id, title_zh, title_en, summary_zh, summary_en, product, level, status, created_at, updated_at, updated_by,
	(SELECT COUNT(*) FROM course_lessons l WHERE l.course_id = courses.id)`

func scanCourse(row db.Scanner) (Course, error) {
	var c Course
	err := row.Scan(&c.ID, &c.Title.Zh, &c.Title.En, &c.Summary.Zh, &c.Summary.En, &c.Product, &c.Level, &c.Status,
		&c.CreatedAt, &c.UpdatedAt, &c.UpdatedBy, &c.LessonCount)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// InsertCourse stores a new course.
func (s *Store) InsertCourse(ctx context.Context, tx *db.Tx, c Course) error {
	_, err := tx.Exec(ctx, `INSERT INTO courses (id, title_zh, title_en, summary_zh, summary_en, product, level, status, created_at, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Title.Zh, c.Title.En, c.Summary.Zh, c.Summary.En, c.Product, c.Level, c.Status,
		c.CreatedAt, c.UpdatedAt, c.UpdatedBy)
	return err
}

// UpdateCourse writes a changed course.
func (s *Store) UpdateCourse(ctx context.Context, tx *db.Tx, c Course) error {
	_, err := tx.Exec(ctx, `UPDATE courses SET title_zh = ?, title_en = ?, summary_zh = ?, summary_en = ?, product = ?, level = ?, status = ?,
		updated_at = ?, updated_by = ? WHERE id = ?`, c.Title.Zh, c.Title.En, c.Summary.Zh, c.Summary.En, c.Product, c.Level, c.Status,
		c.UpdatedAt, c.UpdatedBy, c.ID)
	return err
}

// TouchCourse records that a course changed through one of its lessons.
func (s *Store) TouchCourse(ctx context.Context, tx *db.Tx, courseID, by string, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE courses SET updated_at = ?, updated_by = ? WHERE id = ?`, at, by, courseID)
	return err
}

// DeleteCourse removes a course; its lessons, files' rows, enrolments and
// completions go with it.
func (s *Store) DeleteCourse(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM courses WHERE id = ?`, id)
	return err
}

// Course returns one course whatever its status, without its lessons.
func (s *Store) Course(ctx context.Context, q db.Querier, id string) (Course, error) {
	c, err := scanCourse(q.QueryRow(ctx, "SELECT "+courseColumns+" FROM courses WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Course{}, problem.ErrNotFound
	}
	return c, err
}

// CourseFilter selects a page of courses, newest first: those after the id
// After, published only unless Drafts.
type CourseFilter struct {
	After  string
	Drafts bool
	Limit  int
}

// Courses lists a page of courses by id, newest first, without lessons.
func (s *Store) Courses(ctx context.Context, q db.Querier, f CourseFilter) ([]Course, error) {
	query := "SELECT " + courseColumns + " FROM courses WHERE 1 = 1"
	var args []any
	if !f.Drafts {
		query += " AND status = ?"
		args = append(args, Published)
	}
	if f.After != "" {
		query += " AND id < ?"
		args = append(args, f.After)
	}
	query += " ORDER BY id DESC LIMIT ?"
	return db.QueryAll(ctx, q, scanCourse, query, append(args, f.Limit)...)
}

const lessonColumns = "id, course_id, position, title_zh, title_en, body_zh, body_en, video_url, created_at, updated_at"

func scanLesson(row db.Scanner) (Lesson, error) {
	var l Lesson
	err := row.Scan(&l.ID, &l.CourseID, &l.Position, &l.Title.Zh, &l.Title.En, &l.Body.Zh, &l.Body.En, &l.VideoURL, &l.CreatedAt, &l.UpdatedAt)
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	return l, err
}

// Lessons returns a course's lessons in order, each with its files.
func (s *Store) Lessons(ctx context.Context, q db.Querier, courseID string) ([]Lesson, error) {
	lessons, err := db.QueryAll(ctx, q, scanLesson, "SELECT "+lessonColumns+" FROM course_lessons WHERE course_id = ? ORDER BY position, id", courseID)
	if err != nil {
		return nil, err
	}
	files, err := db.QueryAll(ctx, q, scanFile, `SELECT f.id, f.lesson_id, f.name, f.size, f.sha256, f.created_at FROM course_files f
		JOIN course_lessons l ON l.id = f.lesson_id WHERE l.course_id = ? ORDER BY f.id`, courseID)
	if err != nil {
		return nil, err
	}
	for i := range lessons {
		lessons[i].Files = []LessonFile{}
		for _, f := range files {
			if f.LessonID == lessons[i].ID {
				f.URL = fileURL(courseID, f)
				lessons[i].Files = append(lessons[i].Files, f)
			}
		}
	}
	return lessons, nil
}

// InsertLesson stores a new lesson after the course's last one and returns
// its position.
func (s *Store) InsertLesson(ctx context.Context, tx *db.Tx, l Lesson) (int, error) {
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM course_lessons WHERE course_id = ?`, l.CourseID).Scan(&l.Position); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, "INSERT INTO course_lessons ("+lessonColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		l.ID, l.CourseID, l.Position, l.Title.Zh, l.Title.En, l.Body.Zh, l.Body.En, l.VideoURL, l.CreatedAt, l.UpdatedAt)
	return l.Position, err
}

// UpdateLesson writes a changed lesson (its position included).
func (s *Store) UpdateLesson(ctx context.Context, tx *db.Tx, l Lesson) error {
	_, err := tx.Exec(ctx, `UPDATE course_lessons SET position = ?, title_zh = ?, title_en = ?, body_zh = ?, body_en = ?, video_url = ?, updated_at = ?
		WHERE id = ?`, l.Position, l.Title.Zh, l.Title.En, l.Body.Zh, l.Body.En, l.VideoURL, l.UpdatedAt, l.ID)
	return err
}

// Renumber gives the lessons named positions 1, 2, … in that order.
func (s *Store) Renumber(ctx context.Context, tx *db.Tx, lessonIDs []string) error {
	for i, lessonID := range lessonIDs {
		if _, err := tx.Exec(ctx, `UPDATE course_lessons SET position = ? WHERE id = ?`, i+1, lessonID); err != nil {
			return err
		}
	}
	return nil
}

// DeleteLesson removes a lesson with its files' rows and completions.
func (s *Store) DeleteLesson(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.Exec(ctx, `DELETE FROM course_lessons WHERE id = ?`, id)
	return err
}

func scanFile(row db.Scanner) (LessonFile, error) {
	var f LessonFile
	err := row.Scan(&f.ID, &f.LessonID, &f.Name, &f.Size, &f.SHA256, &f.CreatedAt)
	f.CreatedAt = f.CreatedAt.UTC()
	return f, err
}

func fileURL(courseID string, f LessonFile) string {
	return "/api/v1/courses/" + courseID + "/lessons/" + f.LessonID + "/attachments/" + f.ID
}

// InsertFile stores a lesson file's row (its bytes are in the blob store).
func (s *Store) InsertFile(ctx context.Context, tx *db.Tx, f LessonFile) error {
	_, err := tx.Exec(ctx, `INSERT INTO course_files (id, lesson_id, name, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		f.ID, f.LessonID, f.Name, f.Size, f.SHA256, f.CreatedAt)
	return err
}

// FileIDs lists the ids (blob keys) of the files of a course, or of one of
// its lessons when lessonID is set.
func (s *Store) FileIDs(ctx context.Context, q db.Querier, courseID, lessonID string) ([]string, error) {
	return db.QueryAll(ctx, q, func(row db.Scanner) (string, error) {
		var fileID string
		return fileID, row.Scan(&fileID)
	}, `SELECT f.id FROM course_files f JOIN course_lessons l ON l.id = f.lesson_id WHERE l.course_id = ? AND (? = '' OR l.id = ?)`,
		courseID, lessonID, lessonID)
}

func scanPath(row db.Scanner) (LearningPath, error) {
	var p LearningPath
	var courses string
	if err := row.Scan(&p.ID, &p.Title.Zh, &p.Title.En, &p.Summary.Zh, &p.Summary.En, &courses, &p.CreatedAt); err != nil {
		return LearningPath{}, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(courses), &p.Courses); err != nil {
		return LearningPath{}, fmt.Errorf("learning path %s: courses: %w", p.ID, err)
	}
	return p, nil
}

const pathColumns = "id, title_zh, title_en, summary_zh, summary_en, courses, created_at"

// InsertPath stores a new learning path.
func (s *Store) InsertPath(ctx context.Context, tx *db.Tx, p LearningPath) error {
	_, err := tx.Exec(ctx, "INSERT INTO learning_paths ("+pathColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		p.ID, p.Title.Zh, p.Title.En, p.Summary.Zh, p.Summary.En, encodeList(p.Courses), p.CreatedAt)
	return err
}

// Path returns one learning path.
func (s *Store) Path(ctx context.Context, id string) (LearningPath, error) {
	p, err := scanPath(s.db.QueryRow(ctx, "SELECT "+pathColumns+" FROM learning_paths WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return LearningPath{}, problem.ErrNotFound
	}
	return p, err
}

// Paths lists a page of learning paths, oldest first (the order they were
// laid out in), after the id After.
func (s *Store) Paths(ctx context.Context, after string, limit int) ([]LearningPath, error) {
	return db.QueryAll(ctx, s.db, scanPath, "SELECT "+pathColumns+" FROM learning_paths WHERE id > ? ORDER BY id LIMIT ?", after, limit)
}

// Enrol records that the person enrolled; false when they already had.
func (s *Store) Enrol(ctx context.Context, tx *db.Tx, courseID, userID, orgID string, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO course_enrolments (course_id, user_id, org_id, enrolled_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (course_id, user_id) DO NOTHING`, courseID, userID, orgID, at)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Enrolment returns when the person enrolled in the course (404 when not).
func (s *Store) Enrolment(ctx context.Context, q db.Querier, courseID, userID string) (time.Time, error) {
	var at time.Time
	err := q.QueryRow(ctx, `SELECT enrolled_at FROM course_enrolments WHERE course_id = ? AND user_id = ?`, courseID, userID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, problem.ErrNotFound
	}
	return at.UTC(), err
}

// Complete records that the person completed a lesson; false when they had.
func (s *Store) Complete(ctx context.Context, tx *db.Tx, courseID, lessonID, userID string, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO lesson_completions (lesson_id, course_id, user_id, completed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (lesson_id, user_id) DO NOTHING`, lessonID, courseID, userID, at)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Completions returns when the person completed each lesson of the course.
func (s *Store) Completions(ctx context.Context, q db.Querier, courseID, userID string) (map[string]time.Time, error) {
	type done struct {
		lesson string
		at     time.Time
	}
	rows, err := db.QueryAll(ctx, q, func(row db.Scanner) (done, error) {
		var d done
		return d, row.Scan(&d.lesson, &d.at)
	}, `SELECT lesson_id, completed_at FROM lesson_completions WHERE course_id = ? AND user_id = ?`, courseID, userID)
	out := make(map[string]time.Time, len(rows))
	for _, d := range rows {
		out[d.lesson] = d.at.UTC()
	}
	return out, err
}

// Enrolled returns, for each course the person enrolled in, how many of its
// lessons they completed.
func (s *Store) Enrolled(ctx context.Context, userID string) (map[string]int, error) {
	type count struct {
		course string
		done   int
	}
	rows, err := db.QueryAll(ctx, s.db, func(row db.Scanner) (count, error) {
		var c count
		return c, row.Scan(&c.course, &c.done)
	}, `SELECT e.course_id, (SELECT COUNT(*) FROM lesson_completions c WHERE c.course_id = e.course_id AND c.user_id = e.user_id)
		FROM course_enrolments e WHERE e.user_id = ?`, userID)
	out := make(map[string]int, len(rows))
	for _, c := range rows {
		out[c.course] = c.done
	}
	return out, err
}
