-- +goose Up
-- Fatal-failure rescue reports (internal/hotline). number is R-<year>-NNNN,
-- taken from rescue_numbers inside the reporting transaction, so numbers are
-- unique and without gaps across instances. quota_entry is the ledger entry
-- the report consumed, refund_entry the one a downgrade gave back. The SLA
-- targets are copied from the catalog item when the report is filed; ack_due
-- and update_due are the next due instants (NULL when no clock runs), and
-- breaches the missed targets as JSON [{"kind","due","met_at"}], counted in
-- ack_breaches and update_breaches for the metrics.
CREATE TABLE rescues (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES orgs(id),
    number           TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    users_affected   TEXT NOT NULL,
    business_stopped BOOLEAN NOT NULL,
    since            TIMESTAMPTZ NOT NULL,
    contact_name     TEXT NOT NULL,
    contact_phone    TEXT NOT NULL,
    environment      TEXT NOT NULL,
    reported_via     TEXT NOT NULL,
    caller_name      TEXT NOT NULL DEFAULT '',
    caller_phone     TEXT NOT NULL DEFAULT '',
    reported_by      TEXT NOT NULL,
    reporter_name    TEXT NOT NULL,
    idempotency_key  TEXT,
    quota_entry      TEXT NOT NULL,
    refund_entry     TEXT NOT NULL DEFAULT '',
    refunded_at      TIMESTAMPTZ,
    downgrade_reason TEXT NOT NULL DEFAULT '',
    downgrade_cause  TEXT NOT NULL DEFAULT '',
    downgrade_note   TEXT NOT NULL DEFAULT '',
    downgraded_at    TIMESTAMPTZ,
    postmortem       TEXT NOT NULL DEFAULT '',
    calendar         TEXT NOT NULL,
    ack_minutes      INTEGER NOT NULL,
    update_minutes   INTEGER NOT NULL,
    ack_due          TIMESTAMPTZ,
    update_due       TIMESTAMPTZ,
    breaches         TEXT NOT NULL DEFAULT '[]',
    ack_breaches     INTEGER NOT NULL DEFAULT 0,
    update_breaches  INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    acknowledged_at  TIMESTAMPTZ,
    acknowledged_by  TEXT NOT NULL DEFAULT '',
    confirmed_at     TIMESTAMPTZ,
    mitigated_at     TIMESTAMPTZ,
    resolved_at      TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ
);
CREATE INDEX rescues_org ON rescues (org_id, id);
CREATE INDEX rescues_state ON rescues (state, id);
CREATE UNIQUE INDEX rescues_idempotency ON rescues (org_id, reported_by, idempotency_key);

-- The timeline: the report, state changes, public updates, internal notes
-- (public false, vendor staff only) and attachments added.
CREATE TABLE rescue_updates (
    id            TEXT PRIMARY KEY,
    rescue_id     TEXT NOT NULL REFERENCES rescues(id),
    kind          TEXT NOT NULL,
    public        BOOLEAN NOT NULL,
    body          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT '',
    attachment_id TEXT NOT NULL DEFAULT '',
    author_id     TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    author_role   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX rescue_updates_rescue ON rescue_updates (rescue_id, id);

-- The last number given out per Beijing year.
CREATE TABLE rescue_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- +goose Down
DROP TABLE rescue_numbers;
DROP TABLE rescue_updates;
DROP TABLE rescues;
