-- +goose Up
-- Catalog versions: the stored state is draft, announced or withdrawn;
-- "effective" and "superseded" are computed from effective_from (a Beijing
-- day, YYYY-MM-DD) against the time asked about. items is the version's list
-- of service items as JSON text.
CREATE TABLE catalog_versions (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'announced', 'withdrawn')),
    based_on       TEXT NOT NULL DEFAULT '',
    announced_at   TIMESTAMP,
    effective_from TEXT NOT NULL DEFAULT '',
    items          TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
-- At most one announced version takes effect on a given day, so exactly one
-- is in effect at any instant (also when two instances announce at once).
CREATE UNIQUE INDEX catalog_versions_effective ON catalog_versions (effective_from) WHERE state = 'announced';

-- +goose Down
DROP TABLE catalog_versions;
