-- +goose Up
-- Private attachments: the bytes live in the blob store under the id.
-- owner_kind/owner_id name the object an attachment belongs to (a rescue, a
-- question), NULL while it belongs to the organisation only. User ids carry no
-- foreign key: a purged user's uploads and reads stay on record.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    name            TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    owner_kind      TEXT,
    owner_id        TEXT,
    idempotency_key TEXT,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    deleted_at      TIMESTAMPTZ
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
    until      TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_by TEXT
);
CREATE INDEX access_grants_org ON access_grants (org_id, id);

-- +goose StatementBegin
CREATE FUNCTION refuse_grant_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'access_grants is append-only';
    END IF;
    IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
       OR (NEW.id, NEW.org_id, NEW.scope, NEW.note, NEW.until, NEW.created_by, NEW.created_at)
          IS DISTINCT FROM (OLD.id, OLD.org_id, OLD.scope, OLD.note, OLD.until, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'access_grants keep their history: only an unrevoked grant may be revoked';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER access_grants_keep_history BEFORE UPDATE OR DELETE ON access_grants
    FOR EACH ROW EXECUTE FUNCTION refuse_grant_change();

-- Lawful requests by the authorities (vendor_admin records them); the customer
-- is told from disclose_on, a Beijing date YYYY-MM-DD. Append-only.
CREATE TABLE lawful_requests (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    authority   TEXT NOT NULL,
    reference   TEXT NOT NULL,
    scope       TEXT NOT NULL,
    note        TEXT NOT NULL,
    until       TIMESTAMPTZ NOT NULL,
    disclose_on TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX lawful_requests_org ON lawful_requests (org_id, id);
CREATE TRIGGER lawful_requests_append_only BEFORE UPDATE OR DELETE ON lawful_requests
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The data-access log: every vendor read of business data, with its basis.
CREATE TABLE access_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
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
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE access_log;
DROP TABLE lawful_requests;
DROP TABLE access_grants;
DROP FUNCTION refuse_grant_change();
DROP TABLE attachments;
