-- +goose Up
-- Online courses (internal/community, course*.go). A course has bilingual
-- title and summary, a product, a level and a status (draft or published);
-- its lessons are ordered by position (1, 2, …) and carry a Markdown body in
-- each language and an optional https video address. Lesson files are bytes
-- in the blob store under the file's id. A learning path lists course ids in
-- order (a JSON array). Enrolments and lesson completions belong to one
-- person; org_id keeps a customer's rows beside its organisation ('' for
-- vendor staff).
CREATE TABLE courses (
    id         TEXT PRIMARY KEY,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    summary_zh TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    product    TEXT NOT NULL,
    level      TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE course_lessons (
    id         TEXT PRIMARY KEY,
    course_id  TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    video_url  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX course_lessons_course ON course_lessons (course_id, position);

CREATE TABLE course_files (
    id         TEXT PRIMARY KEY,
    lesson_id  TEXT NOT NULL REFERENCES course_lessons(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX course_files_lesson ON course_files (lesson_id);

CREATE TABLE learning_paths (
    id         TEXT PRIMARY KEY,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    summary_zh TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    courses    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE course_enrolments (
    course_id   TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    enrolled_at TIMESTAMP NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX course_enrolments_user ON course_enrolments (user_id);

CREATE TABLE lesson_completions (
    lesson_id    TEXT NOT NULL REFERENCES course_lessons(id) ON DELETE CASCADE,
    course_id    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    completed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX lesson_completions_user ON lesson_completions (user_id, course_id);

-- +goose Down
DROP TABLE lesson_completions;
DROP TABLE course_enrolments;
DROP TABLE learning_paths;
DROP TABLE course_files;
DROP TABLE course_lessons;
DROP TABLE courses;
