-- +goose Up
-- Patches of the lifecycle table's products, their files and download
-- counts. requires, supersedes and conflicts_with hold JSON arrays of patch
-- numbers of the same product. A file's bytes live in the blob store under
-- their SHA-256 (content-addressed), so two rows may name the same bytes.
CREATE TABLE patches (
    id               TEXT PRIMARY KEY,
    product          TEXT NOT NULL REFERENCES products(code),
    number           TEXT NOT NULL,
    type             TEXT NOT NULL,
    title_zh         TEXT NOT NULL,
    title_en         TEXT NOT NULL,
    notes_zh         TEXT NOT NULL,
    notes_en         TEXT NOT NULL,
    applies_to       TEXT NOT NULL,
    requires         TEXT NOT NULL,
    supersedes       TEXT NOT NULL,
    conflicts_with   TEXT NOT NULL,
    status           TEXT NOT NULL, -- draft, published, withdrawn
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    published_at     TIMESTAMPTZ,
    withdrawn_at     TIMESTAMPTZ,
    UNIQUE (product, number)
);

CREATE TABLE patch_files (
    patch_id   TEXT NOT NULL REFERENCES patches(id),
    name       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    signature  TEXT NOT NULL, -- Ed25519 over the file statement, base64
    key_id     TEXT NOT NULL,
    status     TEXT NOT NULL, -- available, quarantined (the scrub found other bytes)
    checked_at TIMESTAMPTZ,           -- the scrub's last look; NULL before the first
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (patch_id, name)
);
CREATE INDEX patch_files_sha256 ON patch_files (sha256);

-- Downloads that started at byte 0, per file and organisation, added to by
-- each instance's periodic flush of its in-memory counters.
CREATE TABLE patch_downloads (
    patch_id TEXT NOT NULL REFERENCES patches(id),
    name     TEXT NOT NULL,
    org_id   TEXT NOT NULL REFERENCES orgs(id),
    count    BIGINT NOT NULL,
    last_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (patch_id, name, org_id)
);

-- +goose Down
DROP TABLE patch_downloads;
DROP TABLE patch_files;
DROP TABLE patches;
