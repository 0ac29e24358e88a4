-- +goose Up
-- The help center (internal/community). Categories are addressed by slug and
-- nest one level through parent ('' at the top). An article's tags and
-- versions are JSON arrays; status is draft or published. Every change keeps
-- the article as it was before in help_article_revisions, with who changed it
-- and when.
CREATE TABLE help_categories (
    slug       TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    parent     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE help_articles (
    id         TEXT PRIMARY KEY,
    category   TEXT NOT NULL REFERENCES help_categories(slug),
    product    TEXT NOT NULL,
    versions   TEXT NOT NULL,
    tags       TEXT NOT NULL,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX help_articles_category ON help_articles (category, status);

CREATE TABLE help_article_revisions (
    id         TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES help_articles(id) ON DELETE CASCADE,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    status     TEXT NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  TIMESTAMP NOT NULL
);
CREATE INDEX help_article_revisions_article ON help_article_revisions (article_id);

-- +goose Down
DROP TABLE help_article_revisions;
DROP TABLE help_articles;
DROP TABLE help_categories;
