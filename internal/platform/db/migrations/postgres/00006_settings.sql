-- +goose Up
-- Values every instance must share, such as the key that signs confirmation tokens.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
