-- +goose Up
-- Private attachments: the bytes live in the blob store under the id.
-- owner_kind/owner_id name the object an attachment belongs to (a rescue, a
-- question), NULL while it belongs to the organisation only. User ids carry no
-- foreign key: a purged user's uploads and reads stay on record.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    owner_kind      TEXT,
    owner_id        TEXT,
    idempotency_key TEXT,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE INDEX attachments_org ON attachments (org_id, id);
CREATE INDEX attachments_owner ON attachments (owner_kind, owner_id);
CREATE UNIQUE INDEX attachments_idempotency ON attachments (org_id, created_by, idempotency_key);

-- Access the customer_admin gave the vendor to its business data. Only
-- revoked_at/revoked_by may change, once; nothing is deleted.
CREATE TABLE access_grants (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs(id),
    scope      TEXT NOT NULL,
    note       TEXT NOT NULL,
    until      TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by TEXT
);
CREATE INDEX access_grants_org ON access_grants (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER access_grants_keep_history BEFORE UPDATE ON access_grants
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.org_id IS NOT OLD.org_id OR NEW.scope IS NOT OLD.scope OR NEW.note IS NOT OLD.note
  OR NEW.until IS NOT OLD.until OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'access_grants keep their history: only an unrevoked grant may be revoked'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_grants_no_delete BEFORE DELETE ON access_grants
BEGIN SELECT RAISE(ABORT, 'access_grants is append-only'); END;
-- +goose StatementEnd

-- Lawful requests by the authorities (vendor_admin records them); the customer
-- is told from disclose_on, a Beijing date YYYY-MM-DD. Append-only.
CREATE TABLE lawful_requests (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    authority   TEXT NOT NULL,
    reference   TEXT NOT NULL,
    scope       TEXT NOT NULL,
    note        TEXT NOT NULL,
    until       TIMESTAMP NOT NULL,
    disclose_on TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX lawful_requests_org ON lawful_requests (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER lawful_requests_no_update BEFORE UPDATE ON lawful_requests
BEGIN SELECT RAISE(ABORT, 'lawful_requests is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER lawful_requests_no_delete BEFORE DELETE ON lawful_requests
BEGIN SELECT RAISE(ABORT, 'lawful_requests is append-only'); END;
-- +goose StatementEnd

-- The data-access log: every vendor read of business data, with its basis.
CREATE TABLE access_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    org_id       TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    object_label TEXT NOT NULL,
    basis_kind   TEXT NOT NULL,
    basis_id     TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    client_addr  TEXT NOT NULL
);
CREATE INDEX access_log_org ON access_log (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE access_log;
DROP TABLE lawful_requests;
DROP TABLE access_grants;
DROP TABLE attachments;
