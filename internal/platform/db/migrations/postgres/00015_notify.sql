-- +goose Up
-- Notification channels: the vendor's own (org_id NULL) and each customer
-- organisation's group robots and webhooks. kinds is a JSON array of the event
-- kinds the channel receives ("rescue.reported", "rescue.*"); an empty array
-- means every kind. secret is write-only: the API shows its last four
-- characters, never the rest.
CREATE TABLE notify_channels (
    id          TEXT PRIMARY KEY,
    org_id      TEXT REFERENCES orgs(id),
    type        TEXT NOT NULL, -- webhook, wecom, dingtalk, feishu
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL DEFAULT '',
    kinds       TEXT NOT NULL DEFAULT '[]',
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX notify_channels_org ON notify_channels (org_id, id);

-- Which event kinds each person of a customer organisation gets by e-mail
-- (JSON array as above). A person without a row gets every kind addressed
-- to them.
CREATE TABLE notify_preferences (
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    user_id     TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

-- The delivery log: one row per event and destination, written in the
-- publishing transaction; the notify.deliver job sends it and records each
-- attempt. dedup_key (event key + destination) makes a repeat a no-op.
-- state: pending, sent, failed, skipped. event is the JSON of what is sent.
CREATE TABLE notify_deliveries (
    id           TEXT PRIMARY KEY,
    dedup_key    TEXT NOT NULL UNIQUE,
    event_key    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    org_id       TEXT,
    channel_type TEXT NOT NULL, -- email, webhook, wecom, dingtalk, feishu
    channel_id   TEXT,          -- NULL for e-mail
    recipient    TEXT NOT NULL, -- the e-mail address, or the channel's name
    event        TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER NOT NULL DEFAULT 0, -- HTTP status or SMTP reply code
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ
);
CREATE INDEX notify_deliveries_state ON notify_deliveries (state, id);
CREATE INDEX notify_deliveries_kind ON notify_deliveries (kind, id);

-- +goose Down
DROP TABLE notify_deliveries;
DROP TABLE notify_preferences;
DROP TABLE notify_channels;
