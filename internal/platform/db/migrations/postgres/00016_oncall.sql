-- +goose Up
-- On-call rotas of vendor engineers, escalation policies and the escalations
-- they drive. members and levels are JSON (an ordered list of user ids; the
-- levels with their targets and delays). handover_time is HH:MM and starts_on
-- YYYY-MM-DD, both Beijing time. An escalation copies its policy's levels at
-- the page, so editing a policy never changes one that is running; step is the
-- last step notified (0 = level 1 the first time round).
CREATE TABLE oncall_schedules (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    members          TEXT NOT NULL,
    handover_weekday INTEGER NOT NULL,
    handover_time    TEXT NOT NULL,
    starts_on        TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE TABLE oncall_overrides (
    id          TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL REFERENCES oncall_schedules(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX oncall_overrides_schedule ON oncall_overrides (schedule_id, starts_at);
CREATE TABLE escalation_policies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    levels     TEXT NOT NULL,
    repeats    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE escalations (
    id              TEXT PRIMARY KEY,
    page_key        TEXT NOT NULL UNIQUE,
    policy_id       TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    title_zh        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    body_zh         TEXT NOT NULL,
    body_en         TEXT NOT NULL,
    link            TEXT NOT NULL,
    levels          TEXT NOT NULL,
    repeats         INTEGER NOT NULL,
    step            INTEGER NOT NULL,
    notified_at     TIMESTAMPTZ NOT NULL,
    next_at         TIMESTAMPTZ,
    acknowledged_by TEXT,
    acknowledged_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX escalations_open ON escalations (acknowledged_at, id);

-- +goose Down
DROP TABLE escalations;
DROP TABLE escalation_policies;
DROP TABLE oncall_overrides;
DROP TABLE oncall_schedules;
