-- +goose Up
-- The search index (internal/platform/search). title_terms and body_terms are
-- the segmented, stemmed terms joined by spaces (segmentation happens in Go,
-- so the database only splits on spaces); title and body are the text shown
-- in snippets. versions is " 8.0 9.0 " (spaces around each) for a LIKE match,
-- "" when the document applies to every version. boost multiplies the rank
-- (accepted and staff answers). search_fts holds the same terms for FTS5,
-- under the same rowid.
CREATE TABLE search_docs (
    seq         INTEGER PRIMARY KEY,
    type        TEXT NOT NULL,
    id          TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    product     TEXT NOT NULL,
    versions    TEXT NOT NULL,
    boost       REAL NOT NULL,
    url         TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    title_terms TEXT NOT NULL,
    body_terms  TEXT NOT NULL,
    UNIQUE (type, id)
);
CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, tokenize = 'unicode61 remove_diacritics 0');

-- +goose Down
DROP TABLE search_fts;
DROP TABLE search_docs;
