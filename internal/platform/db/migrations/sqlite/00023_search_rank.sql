-- +goose Up
-- What a search reads for every match besides the full-text index: the
-- filters and the boost, in a narrow table. Reading them from search_docs
-- meant reading its wide rows (texts and terms, often spilling onto overflow
-- pages) for each of thousands of matches, which was most of a search's time.
CREATE TABLE search_rank (
    seq      INTEGER PRIMARY KEY,
    type     TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    product  TEXT NOT NULL,
    versions TEXT NOT NULL,
    boost    REAL NOT NULL
);
INSERT INTO search_rank (seq, type, org_id, product, versions, boost)
    SELECT seq, type, org_id, product, versions, boost FROM search_docs;

-- +goose Down
DROP TABLE search_rank;
