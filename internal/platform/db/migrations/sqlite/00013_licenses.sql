-- +goose Up
-- Signed licenses issued from contracts. file holds the exact bytes served
-- at /api/v1/licenses/{id}/file (the signature covers its payload); the
-- other columns repeat what it says so that lists need not parse files.
-- status is the stored one (active, superseded, revoked); "expired" is
-- computed for today. An upgrade remembers the client's Idempotency-Key and
-- what was asked (request) so that a repeat returns the first result.
CREATE TABLE licenses (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    product         TEXT NOT NULL,
    version         TEXT NOT NULL,
    deployment      TEXT NOT NULL,
    modules         TEXT NOT NULL, -- JSON array of module codes, sorted
    users           INTEGER NOT NULL,
    valid_from      TEXT NOT NULL, -- YYYY-MM-DD, Beijing
    valid_until     TEXT,          -- NULL for perpetual
    supersedes      TEXT REFERENCES licenses(id),
    superseded_by   TEXT REFERENCES licenses(id),
    key_id          TEXT NOT NULL,
    status          TEXT NOT NULL,
    issued_at       TIMESTAMP NOT NULL,
    issued_by       TEXT NOT NULL,
    revoked_at      TIMESTAMP,
    revoked_reason  TEXT NOT NULL DEFAULT '',
    file            TEXT NOT NULL,
    idempotency_key TEXT,
    request         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX licenses_org ON licenses (org_id, issued_at);
CREATE UNIQUE INDEX licenses_idempotency ON licenses (org_id, idempotency_key);

-- The signed revocation list: one row whose sequence grows by one with each
-- revocation, taken by UPDATE inside the revoking transaction so that
-- instances on one database never hand out a sequence twice.
CREATE TABLE license_revocations (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    sequence  INTEGER NOT NULL,
    document  TEXT NOT NULL
);
INSERT INTO license_revocations (id, sequence, document) VALUES (1, 0, '');

-- +goose Down
DROP TABLE license_revocations;
DROP TABLE licenses;
