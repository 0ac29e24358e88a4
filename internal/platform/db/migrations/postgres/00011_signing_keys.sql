-- +goose Up
-- The vendor's Ed25519 signing keys (patch artifacts, licenses). The key of
-- the highest generation signs; a retired key is no longer trusted. The
-- unique generation makes two instances starting (or rotating) at once agree
-- on one key per generation. private_key is the 32-byte seed in base64:
-- every instance needs it to sign, so this table is as secret as the vendor's
-- signing authority (see docs/architecture.md).
CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    generation  INTEGER NOT NULL UNIQUE,
    algorithm   TEXT NOT NULL CHECK (algorithm = 'ed25519'),
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);

-- +goose Down
DROP TABLE signing_keys;
