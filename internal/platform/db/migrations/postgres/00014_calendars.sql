-- +goose Up
-- Business-hours calendars the vendor adds (the built-ins 7x24 and
-- cn-workdays live in code). intervals is a JSON array of
-- {"weekday","open","close"}; holidays names the holiday set followed ('' for
-- none).
CREATE TABLE calendars (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    time_zone  TEXT NOT NULL,
    intervals  TEXT NOT NULL,
    holidays   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- One imported year of a holiday set and the notices it comes from (papers,
-- a JSON array). The primary key lets two instances seeding the shipped years
-- at once agree on one copy (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE holiday_years (
    holiday_set TEXT NOT NULL,
    year        INTEGER NOT NULL,
    papers      TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (holiday_set, year)
);

-- The listed days of a year: days off (off_day) and make-up workdays.
-- date is YYYY-MM-DD; a re-import replaces the year's rows.
CREATE TABLE holidays (
    holiday_set TEXT NOT NULL,
    year        INTEGER NOT NULL,
    date        TEXT NOT NULL,
    name        TEXT NOT NULL,
    off_day     BOOLEAN NOT NULL,
    PRIMARY KEY (holiday_set, date),
    FOREIGN KEY (holiday_set, year) REFERENCES holiday_years (holiday_set, year) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE holidays;
DROP TABLE holiday_years;
DROP TABLE calendars;
