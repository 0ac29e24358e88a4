-- +goose Up
-- The search index (internal/platform/search). title_terms and body_terms are
-- the segmented, stemmed terms joined by spaces (segmentation happens in Go);
-- the 'simple' configuration only splits them and lowercases, and the title
-- weighs A, the body B. title and body are the text shown in snippets.
-- versions is " 8.0 9.0 " (spaces around each) for a LIKE match, "" when the
-- document applies to every version. boost multiplies the rank (accepted and
-- staff answers).
CREATE TABLE search_docs (
    seq         BIGSERIAL PRIMARY KEY,
    type        TEXT NOT NULL,
    id          TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    product     TEXT NOT NULL,
    versions    TEXT NOT NULL,
    boost       DOUBLE PRECISION NOT NULL,
    url         TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    title_terms TEXT NOT NULL,
    body_terms  TEXT NOT NULL,
    terms       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_terms), 'A') ||
        setweight(to_tsvector('simple', body_terms), 'B')) STORED,
    UNIQUE (type, id)
);
CREATE INDEX search_docs_terms ON search_docs USING GIN (terms);

-- +goose Down
DROP TABLE search_docs;
