-- +goose Up
-- What changed in the lifecycle table (a version added, its dates edited),
-- for the public Atom feeds, and the end-of-service reminders already sent.

CREATE TABLE lifecycle_changes (
    id         TEXT PRIMARY KEY,
    product    TEXT NOT NULL REFERENCES products(code),
    version    TEXT NOT NULL,
    kind       TEXT NOT NULL,  -- version_added, dates_changed
    changes    TEXT NOT NULL,  -- JSON {"field": {"before", "after"}} of the dates that changed; "" is no date
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX lifecycle_changes_at ON lifecycle_changes (changed_at, id);
CREATE INDEX lifecycle_changes_product ON lifecycle_changes (product, changed_at, id);

-- One row per reminder sent: the key names the end date it counted down to,
-- so a moved date starts a fresh series, and a second instance or a re-run
-- cannot send the same one again.
CREATE TABLE lifecycle_reminders (
    product                TEXT NOT NULL,
    version                TEXT NOT NULL,
    standard_support_until TEXT NOT NULL,
    days                   INTEGER NOT NULL,  -- 180, 90, 30 or 7
    sent_at                TIMESTAMP NOT NULL,
    PRIMARY KEY (product, version, standard_support_until, days)
);

-- +goose Down
DROP TABLE lifecycle_reminders;
DROP TABLE lifecycle_changes;
