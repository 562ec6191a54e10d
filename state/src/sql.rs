//! Every SQL statement the store runs, in one place, in portable SQL.
//!
//! The state store is SQLite today and should be able to become PostgreSQL
//! when a team outgrows one machine (DESIGN.md, "Beyond one machine"). The
//! cheapest way to keep that door open is to never write SQL that only one of
//! them understands, and to keep every statement where a test can see it:
//!
//! * Placeholders are `$1`, `$2`, … — PostgreSQL's form. SQLite reads `$1` as
//!   a *named* parameter and numbers named parameters in order of first
//!   appearance, so each statement must mention `$1` before `$2` and so on;
//!   `placeholders_are_positional` checks that for every statement here, so
//!   `rusqlite::params![..]` binds by position on both engines.
//! * Upserts are `INSERT … ON CONFLICT (…) DO UPDATE SET col = excluded.col`
//!   (SQLite 3.24+, PostgreSQL 9.5+), and a reference to the existing row's
//!   column is qualified with the table name, which PostgreSQL requires.
//! * No `INSERT OR REPLACE`, `AUTOINCREMENT`, `WITHOUT ROWID`, `IFNULL`,
//!   `LIMIT -1`, booleans or SQLite date functions; times are computed in
//!   Rust (see `clock.rs`) and stored as BIGINT unix milliseconds.
//! * Audit sequence numbers are `MAX(seq) + 1` inside the inserting
//!   transaction. On SQLite the transaction holds the write lock (`BEGIN
//!   IMMEDIATE`), so this is race-free even across processes; on PostgreSQL
//!   two concurrent writers can pick the same number and one gets a
//!   primary-key violation to retry. That is the one behavioural difference,
//!   and it only matters once several machines share a database.
//!
//! What *is* SQLite-only is confined to `store.rs` (`PRAGMA`s for WAL, the
//! busy timeout and foreign keys; `BEGIN IMMEDIATE`; `integrity_check`) and
//! `schema.rs` (reading the file header). The test `postgres_accepts_every_statement`
//! runs the migrations and `PREPARE`s every statement below on a real
//! PostgreSQL when `HEARKEN_STATE_PG` names one.

/// Creates the migration bookkeeping table (run before any migration).
pub(crate) const CREATE_SCHEMA_VERSION: &str = "CREATE TABLE IF NOT EXISTS schema_version (\
     version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";
/// Applied migrations, oldest first.
pub(crate) const SELECT_SCHEMA_VERSIONS: &str =
    "SELECT version, name FROM schema_version ORDER BY version";
/// Records one applied migration.
pub(crate) const INSERT_SCHEMA_VERSION: &str =
    "INSERT INTO schema_version (version, name, applied_ms) VALUES ($1, $2, $3)";

/// The status and source of one run.
pub(crate) const SELECT_RUN_STATE: &str = "SELECT status, source FROM runs WHERE id = $1";
/// The running run of a source, if any.
pub(crate) const SELECT_RUNNING_OF_SOURCE: &str =
    "SELECT id FROM runs WHERE source = $1 AND status = 'running'";
/// How many run ids already fall in `[$1, $2)`: run ids in one second.
pub(crate) const COUNT_RUN_IDS_IN_RANGE: &str =
    "SELECT COUNT(*) FROM runs WHERE id >= $1 AND id < $2";
/// Starts a run.
pub(crate) const INSERT_RUN: &str = "INSERT INTO runs \
     (id, source, plugin, plugin_version, started_ms, status) \
     VALUES ($1, $2, $3, $4, $5, 'running')";
/// Adds one fetched page to a run's pending counts.
pub(crate) const ADD_PENDING_PAGE: &str = "UPDATE runs SET \
     pending_pages = pending_pages + 1, \
     pending_records = pending_records + $1, \
     pending_new = pending_new + $2, \
     pending_updated = pending_updated + $3, \
     pending_unchanged = pending_unchanged + $4 \
     WHERE id = $5";
/// Adds pending redactions of one kind.
pub(crate) const ADD_PENDING_REDACTIONS: &str = "INSERT INTO run_redactions \
     (run_id, kind, committed, pending) VALUES ($1, $2, 0, $3) \
     ON CONFLICT (run_id, kind) DO UPDATE SET pending = run_redactions.pending + excluded.pending";
/// Moves a run's pending counts into its committed counts.
pub(crate) const COMMIT_PENDING: &str = "UPDATE runs SET \
     pages = pages + pending_pages, \
     records = records + pending_records, \
     docs_new = docs_new + pending_new, \
     docs_updated = docs_updated + pending_updated, \
     docs_unchanged = docs_unchanged + pending_unchanged, \
     pending_pages = 0, pending_records = 0, pending_new = 0, \
     pending_updated = 0, pending_unchanged = 0 \
     WHERE id = $1";
/// Moves a run's pending redactions into its committed redactions.
pub(crate) const COMMIT_PENDING_REDACTIONS: &str = "UPDATE run_redactions SET \
     committed = committed + pending, pending = 0 \
     WHERE run_id = $1 AND pending <> 0";
/// Sets a source's cursor.
pub(crate) const UPSERT_CURSOR: &str = "INSERT INTO cursors \
     (source, cursor_value, run_id, updated_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (source) DO UPDATE SET cursor_value = excluded.cursor_value, \
     run_id = excluded.run_id, updated_ms = excluded.updated_ms";
/// Ends a run.
pub(crate) const FINISH_RUN: &str = "UPDATE runs SET status = $1, ended_ms = $2, error = $3 \
     WHERE id = $4 AND status = 'running'";
/// Ends every run still marked running.
pub(crate) const MARK_INTERRUPTED: &str = "UPDATE runs SET status = 'interrupted', \
     ended_ms = $1, error = COALESCE(error, $2) WHERE status = 'running'";

/// The columns of a run, in the order `store::run_from_row` reads them.
macro_rules! run_columns {
    () => {
        "SELECT id, source, plugin, plugin_version, started_ms, ended_ms, status, error, \
         pages, records, docs_new, docs_updated, docs_unchanged, \
         pending_pages, pending_records, forgotten_ms FROM runs"
    };
}
/// Newest runs first.
pub(crate) const SELECT_RUNS: &str = concat!(
    run_columns!(),
    " ORDER BY started_ms DESC, id DESC LIMIT $1"
);
/// Newest runs of one source first.
pub(crate) const SELECT_RUNS_OF_SOURCE: &str = concat!(
    run_columns!(),
    " WHERE source = $1 ORDER BY started_ms DESC, id DESC LIMIT $2"
);
/// One run.
pub(crate) const SELECT_RUN: &str = concat!(run_columns!(), " WHERE id = $1");
/// Committed redactions of one run.
pub(crate) const SELECT_RUN_REDACTIONS: &str = "SELECT kind, committed FROM run_redactions \
     WHERE run_id = $1 AND committed > 0 ORDER BY kind";

/// One source's cursor.
pub(crate) const SELECT_CURSOR: &str =
    "SELECT source, cursor_value, run_id, updated_ms FROM cursors WHERE source = $1";
/// Every cursor.
pub(crate) const SELECT_CURSORS: &str =
    "SELECT source, cursor_value, run_id, updated_ms FROM cursors ORDER BY source";
/// Forgets a cursor.
pub(crate) const DELETE_CURSOR: &str = "DELETE FROM cursors WHERE source = $1";
/// Marks a forgotten source's runs.
pub(crate) const MARK_FORGOTTEN: &str =
    "UPDATE runs SET forgotten_ms = $1 WHERE source = $2 AND forgotten_ms IS NULL";

/// Appends one audit entry.
pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (seq, at_ms, run_id, source, plugin, method, host, path, http_status, bytes, millis, decision, reason) \
     VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log), \
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
/// Deletes audit entries older than a time.
pub(crate) const PRUNE_AUDIT: &str = "DELETE FROM audit_log WHERE at_ms < $1";

/// The validators stored for one URL key.
pub(crate) const SELECT_VALIDATORS: &str =
    "SELECT etag, last_modified FROM http_validators WHERE url_key = $1";
/// Stores the validators for one URL key.
pub(crate) const UPSERT_VALIDATORS: &str = "INSERT INTO http_validators \
     (url_key, etag, last_modified, stored_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (url_key) DO UPDATE SET etag = excluded.etag, \
     last_modified = excluded.last_modified, stored_ms = excluded.stored_ms";
/// Forgets the validators for one URL key.
pub(crate) const DELETE_VALIDATORS: &str = "DELETE FROM http_validators WHERE url_key = $1";

/// The cached robots.txt of one host.
pub(crate) const SELECT_ROBOTS: &str = "SELECT body, fetched_ms FROM robots_cache WHERE host = $1";
/// Caches the robots.txt of one host.
pub(crate) const UPSERT_ROBOTS: &str = "INSERT INTO robots_cache (host, body, fetched_ms) \
     VALUES ($1, $2, $3) ON CONFLICT (host) DO UPDATE SET body = excluded.body, \
     fetched_ms = excluded.fetched_ms";

/// Which optional conditions an audit query has. The store builds one SQL
/// text per shape (at most 64, each prepared once and cached), which keeps
/// every condition index-friendly instead of `($1 IS NULL OR col = $1)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AuditShape {
    pub source: bool,
    pub run: bool,
    pub host: bool,
    pub decision: bool,
    pub since: bool,
    pub before_seq: bool,
}

impl AuditShape {
    /// Every shape, for tests that check each generated statement.
    #[cfg(test)]
    pub(crate) fn all() -> impl Iterator<Item = AuditShape> {
        (0u8..64).map(|bits| AuditShape {
            source: bits & 1 != 0,
            run: bits & 2 != 0,
            host: bits & 4 != 0,
            decision: bits & 8 != 0,
            since: bits & 16 != 0,
            before_seq: bits & 32 != 0,
        })
    }
}

/// The audit query for one shape. Parameters come in the order of the
/// fields of [`AuditShape`] (present ones only), then the limit.
pub(crate) fn audit_select(shape: AuditShape) -> String {
    let mut sql = String::from(
        "SELECT seq, at_ms, run_id, source, plugin, method, host, path, http_status, \
         bytes, millis, decision, reason FROM audit_log",
    );
    let mut n = 0;
    let mut cond = |sql: &mut String, column: &str, op: &str| {
        n += 1;
        sql.push_str(if n == 1 { " WHERE " } else { " AND " });
        sql.push_str(column);
        sql.push(' ');
        sql.push_str(op);
        sql.push_str(" $");
        sql.push_str(&n.to_string());
    };
    let checks = [
        (shape.source, "source", "="),
        (shape.run, "run_id", "="),
        (shape.host, "host", "="),
        (shape.decision, "decision", "="),
        (shape.since, "at_ms", ">="),
        (shape.before_seq, "seq", "<"),
    ];
    for (on, column, op) in checks {
        if on {
            cond(&mut sql, column, op);
        }
    }
    let limit = checks.iter().filter(|(on, _, _)| *on).count() + 1;
    sql.push_str(" ORDER BY seq DESC LIMIT $");
    sql.push_str(&limit.to_string());
    sql
}

/// The names one source has remembered: `(fingerprint, kind)`.
pub(crate) const SELECT_REMEMBERED_NAMES: &str =
    "SELECT DISTINCT fingerprint, kind FROM remembered_names WHERE source = $1";
/// Remembers one name fingerprint of one author (nothing if already there).
pub(crate) const INSERT_REMEMBERED_NAME: &str = "INSERT INTO remembered_names \
     (source, fingerprint, kind, author) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (source, fingerprint, kind, author) DO NOTHING";
/// Forgets what one source remembered.
pub(crate) const DELETE_REMEMBERED_OF_SOURCE: &str =
    "DELETE FROM remembered_names WHERE source = $1";
/// Forgets what one author's name left.
pub(crate) const DELETE_REMEMBERED_OF_AUTHOR: &str =
    "DELETE FROM remembered_names WHERE author = $1";

/// Every fixed statement, named, for the portability tests.
#[cfg(test)]
pub(crate) const FIXED: &[(&str, &str)] = &[
    ("insert_schema_version", INSERT_SCHEMA_VERSION),
    ("select_schema_versions", SELECT_SCHEMA_VERSIONS),
    ("select_run_state", SELECT_RUN_STATE),
    ("select_running_of_source", SELECT_RUNNING_OF_SOURCE),
    ("count_run_ids_in_range", COUNT_RUN_IDS_IN_RANGE),
    ("insert_run", INSERT_RUN),
    ("add_pending_page", ADD_PENDING_PAGE),
    ("add_pending_redactions", ADD_PENDING_REDACTIONS),
    ("commit_pending", COMMIT_PENDING),
    ("commit_pending_redactions", COMMIT_PENDING_REDACTIONS),
    ("upsert_cursor", UPSERT_CURSOR),
    ("finish_run", FINISH_RUN),
    ("mark_interrupted", MARK_INTERRUPTED),
    ("select_runs", SELECT_RUNS),
    ("select_runs_of_source", SELECT_RUNS_OF_SOURCE),
    ("select_run", SELECT_RUN),
    ("select_run_redactions", SELECT_RUN_REDACTIONS),
    ("select_cursor", SELECT_CURSOR),
    ("select_cursors", SELECT_CURSORS),
    ("delete_cursor", DELETE_CURSOR),
    ("mark_forgotten", MARK_FORGOTTEN),
    ("insert_audit", INSERT_AUDIT),
    ("prune_audit", PRUNE_AUDIT),
    ("select_validators", SELECT_VALIDATORS),
    ("upsert_validators", UPSERT_VALIDATORS),
    ("delete_validators", DELETE_VALIDATORS),
    ("select_robots", SELECT_ROBOTS),
    ("upsert_robots", UPSERT_ROBOTS),
    ("select_remembered_names", SELECT_REMEMBERED_NAMES),
    ("insert_remembered_name", INSERT_REMEMBERED_NAME),
    ("delete_remembered_of_source", DELETE_REMEMBERED_OF_SOURCE),
    ("delete_remembered_of_author", DELETE_REMEMBERED_OF_AUTHOR),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::MIGRATIONS;
    use rusqlite::Connection;

    fn every_statement() -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = FIXED
            .iter()
            .map(|(name, sql)| ((*name).to_owned(), (*sql).to_owned()))
            .collect();
        for (i, shape) in AuditShape::all().enumerate() {
            all.push((format!("audit_select_{i}"), audit_select(shape)));
        }
        all
    }

    fn migrated() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(CREATE_SCHEMA_VERSION).unwrap();
        for m in MIGRATIONS {
            conn.execute_batch(m.sql).unwrap();
        }
        conn
    }

    /// SQLite numbers `$N` parameters by first appearance; binding by
    /// position is only right if `$1..$n` appear in order.
    #[test]
    fn placeholders_are_positional() {
        let conn = migrated();
        for (name, sql) in every_statement() {
            let stmt = conn.prepare(&sql).unwrap_or_else(|e| panic!("{name}: {e}"));
            for i in 1..=stmt.parameter_count() {
                assert_eq!(
                    stmt.parameter_name(i),
                    Some(format!("${i}").as_str()),
                    "{name}: parameter {i} is out of order in {sql}"
                );
            }
        }
    }

    #[test]
    fn no_sqlite_only_syntax() {
        let banned = [
            "OR REPLACE",
            "OR IGNORE",
            "AUTOINCREMENT",
            "WITHOUT ROWID",
            "STRICT",
            "IFNULL",
            "PRAGMA",
            "GLOB",
            "?",
            "DATETIME(",
            "STRFTIME",
            "LIMIT -1",
        ];
        let migrations = MIGRATIONS
            .iter()
            .map(|m| (m.name.to_owned(), m.sql.to_owned()));
        for (name, sql) in every_statement().into_iter().chain(migrations) {
            // Comments may mention what is banned; strip them.
            let code: String = sql
                .lines()
                .map(|l| l.split("--").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n")
                .to_uppercase();
            for b in banned {
                assert!(!code.contains(b), "{name} uses {b}");
            }
        }
    }

    #[test]
    fn audit_select_numbers_parameters_in_order() {
        let sql = audit_select(AuditShape {
            source: true,
            decision: true,
            before_seq: true,
            ..AuditShape::default()
        });
        assert!(sql.ends_with(
            " WHERE source = $1 AND decision = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
        ));
        let bare = audit_select(AuditShape::default());
        assert!(bare.ends_with(" FROM audit_log ORDER BY seq DESC LIMIT $1"));
    }

    /// Runs the migrations and PREPAREs every statement on a real
    /// PostgreSQL, through `psql`, inside a throw-away schema. Set
    /// `HEARKEN_STATE_PG` to a libpq connection string (for example
    /// `host=/tmp/pg dbname=postgres user=postgres`) to run it; without it
    /// the test says so and passes, because CI has no PostgreSQL.
    #[test]
    fn postgres_accepts_every_statement() {
        let Ok(conninfo) = std::env::var("HEARKEN_STATE_PG") else {
            eprintln!("HEARKEN_STATE_PG is not set: skipping the PostgreSQL portability check");
            return;
        };
        let schema = format!("hearken_state_check_{}", std::process::id());
        let mut script = String::new();
        script.push_str("\\set ON_ERROR_STOP 1\n");
        script.push_str(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE;\n"));
        script.push_str(&format!(
            "CREATE SCHEMA {schema};\nSET search_path TO {schema};\n"
        ));
        script.push_str("BEGIN;\n");
        script.push_str(CREATE_SCHEMA_VERSION);
        script.push_str(";\n");
        for m in MIGRATIONS {
            script.push_str(m.sql);
            script.push('\n');
        }
        script.push_str("COMMIT;\n");
        for (i, (_, sql)) in every_statement().iter().enumerate() {
            script.push_str(&format!("PREPARE q{i} AS {sql};\n"));
        }
        // A short scenario, so that the statements are not only parsed but
        // run: a run with a page, a commit, an upsert, two audit rows.
        let idx = |name: &str| {
            every_statement()
                .iter()
                .position(|(n, _)| n == name)
                .unwrap()
        };
        script.push_str(&format!(
            "EXECUTE q{}('r-1', 'forum', 'forum', '0.1.0', 1000);\n\
             EXECUTE q{}(2, 1, 1, 0, 'r-1');\n\
             EXECUTE q{}('r-1', 'NAME', 3);\n\
             EXECUTE q{}('r-1', 'NAME', 4);\n\
             EXECUTE q{}('r-1');\n\
             EXECUTE q{}('r-1');\n\
             EXECUTE q{}('forum', 'page=2', 'r-1', 2000);\n\
             EXECUTE q{}('forum', 'page=3', 'r-1', 3000);\n\
             EXECUTE q{}(1, 'r-1', 'forum', 'forum', 'GET', 'h', '/', 200, 10, 5, 'allowed', NULL);\n\
             EXECUTE q{}(2, NULL, 'forum', 'forum', 'GET', 'h', '/', NULL, 0, 0, 'denied', 'not granted');\n\
             EXECUTE q{}('succeeded', 4000, NULL, 'r-1');\n",
            idx("insert_run"),
            idx("add_pending_page"),
            idx("add_pending_redactions"),
            idx("add_pending_redactions"),
            idx("commit_pending"),
            idx("commit_pending_redactions"),
            idx("upsert_cursor"),
            idx("upsert_cursor"),
            idx("insert_audit"),
            idx("insert_audit"),
            idx("finish_run"),
        ));
        script.push_str(
            "SELECT 'CHECK', pages, records, docs_new, status FROM runs WHERE id = 'r-1';\n\
             SELECT 'CHECK', committed, pending FROM run_redactions;\n\
             SELECT 'CHECK', cursor_value FROM cursors;\n\
             SELECT 'CHECK', string_agg(seq::text, ',' ORDER BY seq) FROM audit_log;\n",
        );
        script.push_str(&format!("DROP SCHEMA {schema} CASCADE;\n"));
        let out = std::process::Command::new("psql")
            .args([
                "-X", "-q", "-A", "-t", "-F", "|", "-d", &conninfo, "-f", "-",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(script.as_bytes())?;
                child.wait_with_output()
            })
            .expect("psql runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "psql failed:\n{stderr}\n{stdout}");
        let checks: Vec<&str> = stdout.lines().filter(|l| l.starts_with("CHECK")).collect();
        assert_eq!(
            checks,
            [
                "CHECK|1|2|1|succeeded",
                "CHECK|7|0",
                "CHECK|page=3",
                "CHECK|1,2"
            ],
            "{stderr}"
        );
    }
}
