-- +goose Up
-- The quota ledger: every use of a quota item (consume), every return of one
-- (refund, pointing at the entry it refunds) and every extra allowance vendor
-- staff grant for a period (grant). Quotas belong to the organisation; a
-- period is named by its first day (YYYY-MM-DD, Asia/Shanghai). A repeated
-- idempotency key finds the first entry instead of adding one; a refund's key
-- is "refund:<entry id>", so an entry is refunded at most once.
CREATE TABLE quota_entries (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES orgs(id),
    service         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('consume', 'refund', 'grant')),
    count           INTEGER NOT NULL CHECK (count > 0),
    idempotency_key TEXT NOT NULL,
    reason          TEXT NOT NULL,
    refunds         TEXT REFERENCES quota_entries(id),
    period_start    TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    actor_role      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (org_id, service, idempotency_key)
);
CREATE INDEX quota_entries_period ON quota_entries (org_id, service, period_start);

-- +goose Down
DROP TABLE quota_entries;
