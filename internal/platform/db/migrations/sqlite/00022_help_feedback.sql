-- +goose Up
-- Readers' feedback on help articles: one vote per signed-in person per
-- article, changeable, with a reason when the article did not help and an
-- optional note for the writers.
CREATE TABLE help_feedback (
    article_id TEXT NOT NULL REFERENCES help_articles(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    helpful    INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- Who wrote an article's first revision, for its history; articles written
-- before this column take it from the audit trail's record of their creation.
ALTER TABLE help_articles ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
UPDATE help_articles SET created_by = COALESCE((SELECT MIN(actor_id) FROM audit_log
    WHERE action = 'help.create_article' AND target_type = 'help_article' AND target_id = help_articles.id), '');

-- +goose Down
ALTER TABLE help_articles DROP COLUMN created_by;
DROP TABLE help_feedback;
