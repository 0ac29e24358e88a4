-- +goose Up
-- The Innovation Square (internal/ideas). The author's display name, whether
-- they were vendor staff and their organisation are kept as they were when
-- posting; author_org is shown to product managers only. votes, followers
-- and comments are counts kept in step with their tables in the same
-- transaction. trend orders the trending list: the log of the sum over the
-- idea's votes of 2^(days since the epoch / half-life), so that a vote's
-- weight halves with each half-life of its age and the order never needs a
-- recomputation as time passes (see ideas.Trend). merged_into is the idea a
-- merged duplicate leads to ('' for a live idea); shipped_kind and
-- shipped_ref say where a shipped idea can be had.
CREATE TABLE ideas (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    product      TEXT NOT NULL,
    modules      TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    author_staff BOOLEAN NOT NULL,
    author_org   TEXT NOT NULL,
    status       TEXT NOT NULL,
    status_at    TIMESTAMPTZ NOT NULL,
    shipped_kind TEXT NOT NULL DEFAULT '',
    shipped_ref  TEXT NOT NULL DEFAULT '',
    merged_into  TEXT NOT NULL DEFAULT '',
    votes        INTEGER NOT NULL DEFAULT 0,
    followers    INTEGER NOT NULL DEFAULT 0,
    comments     INTEGER NOT NULL DEFAULT 0,
    trend        DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
-- Every order of the list (trend, votes, created_at, each then id) reads its
-- page off an index led by merged_into ('' for the live ideas), alone or
-- with the status or the product filter; the roadmap's shipped column reads
-- the latest shipped off status_at.
CREATE INDEX ideas_trending ON ideas (merged_into, trend, id);
CREATE INDEX ideas_top ON ideas (merged_into, votes, id);
CREATE INDEX ideas_new ON ideas (merged_into, created_at, id);
CREATE INDEX ideas_status_trending ON ideas (merged_into, status, trend, id);
CREATE INDEX ideas_status_top ON ideas (merged_into, status, votes, id);
CREATE INDEX ideas_status_new ON ideas (merged_into, status, created_at, id);
CREATE INDEX ideas_status_changed ON ideas (merged_into, status, status_at, id);
CREATE INDEX ideas_product_trending ON ideas (merged_into, product, trend, id);
CREATE INDEX ideas_product_top ON ideas (merged_into, product, votes, id);
CREATE INDEX ideas_product_new ON ideas (merged_into, product, created_at, id);
CREATE INDEX ideas_author ON ideas (author_id);
CREATE INDEX ideas_author_org ON ideas (author_org);

-- An idea's modules, one row each, for the module filter.
CREATE TABLE idea_modules (
    idea_id TEXT NOT NULL REFERENCES ideas(id),
    module  TEXT NOT NULL,
    PRIMARY KEY (idea_id, module)
);
CREATE INDEX idea_modules_module ON idea_modules (module);

-- One vote per person per idea; org_id is the voter's organisation ('' for
-- vendor staff), for the demand product managers see.
CREATE TABLE idea_votes (
    idea_id  TEXT NOT NULL REFERENCES ideas(id),
    user_id  TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    voted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);
CREATE INDEX idea_votes_user ON idea_votes (user_id);
CREATE INDEX idea_votes_org ON idea_votes (org_id);

-- Who follows an idea, told of each change like its voters; org_id is the
-- follower's organisation ('' for vendor staff), whose channels and e-mail
-- preferences the news goes through.
CREATE TABLE idea_followers (
    idea_id TEXT NOT NULL REFERENCES ideas(id),
    user_id TEXT NOT NULL,
    org_id  TEXT NOT NULL,
    since   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);
CREATE INDEX idea_followers_user ON idea_followers (user_id);

-- Comments on ideas; a vendor staff member's is an official reply.
CREATE TABLE idea_comments (
    id           TEXT PRIMARY KEY,
    idea_id      TEXT NOT NULL REFERENCES ideas(id),
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    author_staff BOOLEAN NOT NULL,
    author_org   TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idea_comments_idea ON idea_comments (idea_id, created_at);

-- Every status change of an idea with its public explanation.
CREATE TABLE idea_status_changes (
    id           TEXT PRIMARY KEY,
    idea_id      TEXT NOT NULL REFERENCES ideas(id),
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    shipped_kind TEXT NOT NULL DEFAULT '',
    shipped_ref  TEXT NOT NULL DEFAULT '',
    by_id        TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX idea_status_changes_idea ON idea_status_changes (idea_id, at);

-- Pictures attached to ideas; the bytes are in the blob store under sha256.
CREATE TABLE idea_images (
    idea_id      TEXT NOT NULL REFERENCES ideas(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (idea_id, name)
);

-- +goose Down
DROP TABLE idea_images;
DROP TABLE idea_status_changes;
DROP TABLE idea_comments;
DROP TABLE idea_followers;
DROP TABLE idea_votes;
DROP TABLE idea_modules;
DROP TABLE ideas;
