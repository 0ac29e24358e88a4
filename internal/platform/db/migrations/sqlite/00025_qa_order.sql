-- +goose Up
-- The question list's three orders read a page straight off an index, so a
-- page of 20 costs the same with 50 questions or 50,000 (before, every
-- question was sorted, and its answers counted, to show the first 20).
DROP INDEX qa_posts_active;
CREATE INDEX qa_posts_active ON qa_posts (kind, active_at, id);
CREATE INDEX qa_posts_new ON qa_posts (kind, id);
CREATE INDEX qa_posts_votes ON qa_posts (kind, score, id);

-- +goose Down
DROP INDEX qa_posts_votes;
DROP INDEX qa_posts_new;
DROP INDEX qa_posts_active;
CREATE INDEX qa_posts_active ON qa_posts (kind, active_at);
