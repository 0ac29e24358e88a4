-- +goose Up
-- Questions and answers of the community (internal/community, qa_*.go).
-- Questions, answers and comments are all posts: kind says which, question_id
-- is the question a post belongs to (its own id for a question) and parent_id
-- the post a comment is on (the question for an answer). The author's display
-- name and whether they were vendor staff are kept as they were when posting;
-- author_org is never shown (it scopes the asker's notification preferences).
-- score is the sum of the post's votes, kept in step with qa_votes in the
-- vote's transaction; accepted_id, duplicate_of and locked concern questions.
-- active_at is a question's last answer or change, for the "active" order.
CREATE TABLE qa_posts (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    question_id  TEXT NOT NULL,
    parent_id    TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    author_staff INTEGER NOT NULL,
    author_org   TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    product      TEXT NOT NULL,
    tags         TEXT NOT NULL,
    score        INTEGER NOT NULL DEFAULT 0,
    accepted_id  TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT NOT NULL DEFAULT '',
    locked       INTEGER NOT NULL DEFAULT 0,
    hidden       INTEGER NOT NULL DEFAULT 0,
    hidden_note  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    edited_at    TIMESTAMP,
    active_at    TIMESTAMP NOT NULL
);
CREATE INDEX qa_posts_question ON qa_posts (question_id, kind);
CREATE INDEX qa_posts_parent ON qa_posts (parent_id);
CREATE INDEX qa_posts_active ON qa_posts (kind, active_at);
CREATE INDEX qa_posts_author ON qa_posts (author_id);

-- A question's tags, one row each, for the tag filter.
CREATE TABLE qa_tags (
    question_id TEXT NOT NULL REFERENCES qa_posts(id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (question_id, tag)
);
CREATE INDEX qa_tags_tag ON qa_tags (tag);

-- One vote per person per post: +1 or -1.
CREATE TABLE qa_votes (
    post_id  TEXT NOT NULL REFERENCES qa_posts(id),
    user_id  TEXT NOT NULL,
    value    INTEGER NOT NULL,
    voted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- What a post said before each edit, with who changed it and when.
CREATE TABLE qa_revisions (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES qa_posts(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL,
    edited_by   TEXT NOT NULL,
    editor_name TEXT NOT NULL,
    edited_at   TIMESTAMP NOT NULL
);
CREATE INDEX qa_revisions_post ON qa_revisions (post_id);

-- Reports for the moderators; one per person per post. resolved_at is set
-- when a moderator hides or keeps the post.
CREATE TABLE qa_reports (
    id          TEXT PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES qa_posts(id),
    reporter_id TEXT NOT NULL,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by TEXT NOT NULL DEFAULT '',
    UNIQUE (post_id, reporter_id)
);
CREATE INDEX qa_reports_open ON qa_reports (resolved_at, id);

-- +goose Down
DROP TABLE qa_reports;
DROP TABLE qa_revisions;
DROP TABLE qa_votes;
DROP TABLE qa_tags;
DROP TABLE qa_posts;
