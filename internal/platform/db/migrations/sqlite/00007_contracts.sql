-- +goose Up
-- The minimal lifecycle table (products, their modules and versions) and the
-- contracts that name them. Calendar dates are YYYY-MM-DD text: Asia/Shanghai
-- days, compared as strings.
CREATE TABLE products (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    deployments TEXT NOT NULL, -- JSON array of deployment kinds offered
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE product_modules (
    product  TEXT NOT NULL REFERENCES products(code),
    code     TEXT NOT NULL,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (product, code)
);

CREATE TABLE product_versions (
    product                TEXT NOT NULL REFERENCES products(code),
    name                   TEXT NOT NULL,
    released_on            TEXT NOT NULL,
    standard_support_until TEXT NOT NULL,
    extended_support_until TEXT,
    created_at             TIMESTAMP NOT NULL,
    PRIMARY KEY (product, name)
);

CREATE TABLE contracts (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs(id),
    product    TEXT NOT NULL REFERENCES products(code),
    deployment TEXT NOT NULL,
    version    TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT,           -- NULL for perpetual licenses
    modules    TEXT NOT NULL,  -- JSON array of module codes
    users      INTEGER NOT NULL,
    reference  TEXT NOT NULL,
    status     TEXT NOT NULL,
    overrides  TEXT NOT NULL,  -- JSON {"add","remove","quota"}
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contracts_org ON contracts (org_id, id);

-- +goose Down
DROP TABLE contracts;
DROP TABLE product_versions;
DROP TABLE product_modules;
DROP TABLE products;
