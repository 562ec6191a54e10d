-- Hearken state store, schema version 1: cursors, run ledger, audit log,
-- HTTP validators and the robots.txt cache.
--
-- Portable SQL. This file runs unchanged on SQLite (3.35 or later) and on
-- PostgreSQL (12 or later); `src/sql.rs` has a check that PREPAREs every
-- statement against a live PostgreSQL when one is available. The rules:
--   * ids and names are TEXT; times are BIGINT unix milliseconds (UTC);
--     counters are BIGINT (SQLite reads BIGINT as INTEGER affinity);
--   * no AUTOINCREMENT, WITHOUT ROWID, INSERT OR REPLACE, STRICT or other
--     SQLite-only syntax; upserts are INSERT ... ON CONFLICT ... DO UPDATE;
--   * enumerations are lower-case TEXT, never booleans;
--   * column names avoid keywords of either dialect (`cursor`, `position`).

-- The run ledger: one row per run of one source. `docs_*`, `pages` and
-- `records` count only what an index commit covered (moved there by
-- commit_cursor); `pending_*` count pages fetched since the last commit.
CREATE TABLE runs (
    id              TEXT    NOT NULL PRIMARY KEY,
    source          TEXT    NOT NULL,
    plugin          TEXT    NOT NULL,
    plugin_version  TEXT    NOT NULL,
    started_ms      BIGINT  NOT NULL,
    ended_ms        BIGINT,
    status          TEXT    NOT NULL,
    error           TEXT,
    pages           BIGINT  NOT NULL DEFAULT 0,
    records         BIGINT  NOT NULL DEFAULT 0,
    docs_new        BIGINT  NOT NULL DEFAULT 0,
    docs_updated    BIGINT  NOT NULL DEFAULT 0,
    docs_unchanged  BIGINT  NOT NULL DEFAULT 0,
    pending_pages      BIGINT NOT NULL DEFAULT 0,
    pending_records    BIGINT NOT NULL DEFAULT 0,
    pending_new        BIGINT NOT NULL DEFAULT 0,
    pending_updated    BIGINT NOT NULL DEFAULT 0,
    pending_unchanged  BIGINT NOT NULL DEFAULT 0,
    -- Set when the source's cursor was forgotten after this run.
    forgotten_ms    BIGINT
);

CREATE INDEX runs_by_start ON runs (started_ms, id);
CREATE INDEX runs_by_source ON runs (source, started_ms, id);
-- At most one running run per source, whichever process asks (a partial
-- unique index: SQLite 3.8+ and PostgreSQL both have them).
CREATE UNIQUE INDEX runs_one_running_per_source ON runs (source) WHERE status = 'running';

-- Redactions per identifier type and run, split like the counts above.
CREATE TABLE run_redactions (
    run_id     TEXT   NOT NULL REFERENCES runs (id),
    kind       TEXT   NOT NULL,
    committed  BIGINT NOT NULL DEFAULT 0,
    pending    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, kind)
);

-- Where each source resumes. A NULL cursor_value means "from the start".
CREATE TABLE cursors (
    source        TEXT   NOT NULL PRIMARY KEY,
    cursor_value  TEXT,
    run_id        TEXT,
    updated_ms    BIGINT NOT NULL
);

-- Every HTTP call a plugin made or tried to make. `seq` is assigned as
-- MAX(seq) + 1 inside the inserting transaction, so it is dense and gives
-- a total order independent of the wall clock.
CREATE TABLE audit_log (
    seq          BIGINT NOT NULL PRIMARY KEY,
    at_ms        BIGINT NOT NULL,
    run_id       TEXT,
    source       TEXT   NOT NULL,
    plugin       TEXT   NOT NULL,
    method       TEXT   NOT NULL,
    host         TEXT   NOT NULL,
    path         TEXT   NOT NULL,
    http_status  INTEGER,
    bytes        BIGINT NOT NULL,
    millis       BIGINT NOT NULL,
    decision     TEXT   NOT NULL,
    reason       TEXT
);

CREATE INDEX audit_by_source ON audit_log (source, seq);
CREATE INDEX audit_by_run ON audit_log (run_id, seq);

-- HTTP validators for conditional requests, keyed by a BLAKE3 hash of the
-- URL so that query-string values (tokens, search terms) are not stored.
CREATE TABLE http_validators (
    url_key        TEXT   NOT NULL PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    stored_ms      BIGINT NOT NULL
);

-- robots.txt bodies per host (lower-case host[:port]).
CREATE TABLE robots_cache (
    host        TEXT   NOT NULL PRIMARY KEY,
    body        TEXT   NOT NULL,
    fetched_ms  BIGINT NOT NULL
);
