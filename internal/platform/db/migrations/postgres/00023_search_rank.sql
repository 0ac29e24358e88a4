-- +goose Up
-- Titles' own terms, indexed apart: a search may look for a term found in
-- most documents in the titles only, and this index finds those few without
-- reading every document that holds the term somewhere.
CREATE INDEX search_docs_title_terms ON search_docs USING GIN (to_tsvector('simple', title_terms));

-- +goose Down
DROP INDEX search_docs_title_terms;
