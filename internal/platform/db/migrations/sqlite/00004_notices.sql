-- +goose Up
-- The per-user notice inbox: every room posts to it; each user reads only their own.
-- A purged user takes their notices along (ON DELETE CASCADE).
CREATE TABLE notices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title_zh   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notices_user ON notices (user_id, id);

-- +goose Down
DROP TABLE notices;
