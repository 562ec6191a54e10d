//! [`StateStore`]: one SQLite connection behind a mutex, shared by clones.
//!
//! # Why one connection and a mutex
//!
//! Every operation here is one short transaction — a handful of indexed
//! statements, tens of microseconds — and SQLite allows one writer at a time
//! anyway. A pool would add reader concurrency the store does not need and
//! a second place for locks to interact. So a [`StateStore`] is an
//! `Arc<Mutex<Connection>>` (plus the file's path and the [`Clock`]): cheap
//! to clone into every task, `Send + Sync`, and each call holds the lock
//! for exactly one transaction. Calling it from async code without
//! `spawn_blocking` is fine for the per-page and per-request calls; listing
//! a long ledger or audit log is better done on a blocking thread.
//!
//! # SQLite settings (the SQLite-only part, kept here)
//!
//! * `journal_mode = WAL`: readers (`hearken runs` in another process) never
//!   block the daemon's writes, and a commit appends to the log instead of
//!   rewriting pages.
//! * `synchronous = NORMAL`: in WAL mode a commit is durable against a
//!   process crash (SIGKILL) — the case the crash test exercises — and may
//!   lose the last commits only on power loss. That loss is safe for
//!   exactly-once: the index commit (which Tantivy fsyncs) happens *before*
//!   `commit_cursor`, so a lost cursor commit can only move the cursor
//!   *back*, and the re-fetched pages are idempotent upserts. It never moves
//!   a cursor ahead of the documents.
//! * `busy_timeout = 5 s`: another process briefly holding the write lock
//!   makes a call wait, not fail.
//! * `foreign_keys = ON`, as PostgreSQL always is.
//! * Writes use `BEGIN IMMEDIATE`, taking the write lock up front, so a
//!   read-then-write transaction (a run id's sequence number, an audit
//!   `MAX(seq) + 1`) cannot be overtaken by another process between its
//!   read and its write (WAL would otherwise fail it with `SQLITE_BUSY`
//!   without waiting).
//!
//! # Exactly once
//!
//! [`StateStore::record_page`] adds a page's counts to the run's *pending*
//! counts. The host then commits the index, and right after calls
//! [`StateStore::commit_cursor`], which in one transaction moves the
//! pending counts into the committed ones and sets the cursor. A crash
//! before that transaction leaves the previous cursor (the pages are
//! fetched again, and the upserts make that harmless); a crash after it
//! leaves a cursor covering only committed documents. The ledger's counts
//! and the cursor can never disagree, because they move together.
//!
//! # Failure of one process while another runs
//!
//! `mark_interrupted_runs` marks *every* run still `running`; it is meant
//! for start-up of the one process that owns the data directory. Two
//! hearken processes writing one data directory at once must be prevented
//! by the host (a lock file), not here. What the store does guarantee is
//! that a run marked interrupted can no longer move its source's cursor.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params, params_from_iter};

use crate::StateError;
use crate::audit::{audit_path, cap_text};
use crate::clock::{Clock, datetime, run_stamp};
use crate::model::{
    AuditEntry, AuditFilter, AuditRecord, CursorRecord, Decision, PageProgress, RunFilter, RunId,
    RunRecord, RunStatus, Validators,
};
use crate::schema;
use crate::sql::{self, AuditShape};

/// How long a call waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest cursor accepted. Most cursors are a page token or an offset;
/// an HTML forum's carries a bounded set of per-thread marks (the built-in
/// forum plugin keeps at most 2,048, a few hundred KiB), which is what
/// makes its runs incremental. Anything near this limit is a plugin bug,
/// and storing it would make every commit slow.
pub const MAX_CURSOR_BYTES: usize = 1024 * 1024;
/// The longest robots.txt body cached (Google reads the first 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// Run error texts longer than this are cut (they are written by the host).
const MAX_ERROR_BYTES: usize = 4096;
/// Audit reasons longer than this are cut.
const MAX_REASON_BYTES: usize = 1024;
/// What `mark_interrupted_runs` records as the error of a run that had none.
const INTERRUPTED_ERROR: &str = "the run did not finish: its process stopped (killed, crashed or shut down) before recording an end";

/// The embedded state store: per-source cursors, the run ledger, the audit
/// log, HTTP validators and the robots.txt cache. Clones share one
/// connection; see the module docs for the design.
#[derive(Clone)]
pub struct StateStore {
    inner: Arc<Inner>,
}

struct Inner {
    conn: Mutex<Connection>,
    path: PathBuf,
    clock: Clock,
}

impl std::fmt::Debug for StateStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// A transaction whose `BEGIN` and `COMMIT` are cached prepared statements.
/// (`rusqlite::Transaction` re-parses them on every call, which is a
/// quarter of the cost of a one-row audit append.) Rolls back on drop unless
/// committed, including when a panic unwinds through it.
struct Tx<'c> {
    conn: &'c Connection,
    done: bool,
}

impl<'c> Tx<'c> {
    fn begin(conn: &'c Connection, begin: &'static str) -> rusqlite::Result<Tx<'c>> {
        conn.prepare_cached(begin)?.execute([])?;
        Ok(Tx { conn, done: false })
    }

    fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done
            && !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %e, "state store: rollback failed");
        }
    }
}

/// An error inside a transaction: either SQLite's (mapped with the
/// operation's name at the end) or already one of ours.
enum Fail {
    Sql(rusqlite::Error),
    State(StateError),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Self {
        Fail::Sql(e)
    }
}

impl From<StateError> for Fail {
    fn from(e: StateError) -> Self {
        Fail::State(e)
    }
}

/// Maps an SQLite error, recognising a damaged file wherever it shows up.
fn sql_error(path: &Path, op: &'static str, e: rusqlite::Error) -> StateError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StateError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("SQLite reports: {e}"),
        },
        _ => StateError::Sql {
            path: path.to_path_buf(),
            op,
            source: e,
        },
    }
}

fn to_i64(what: &'static str, v: u64) -> Result<i64, StateError> {
    i64::try_from(v).map_err(|_| StateError::Invalid {
        what,
        detail: format!("{v} is larger than the store can hold"),
    })
}

/// Stored counters are never negative; read them back as `u64`.
fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// `usize` limit with 0 = none, as a portable `LIMIT` value.
fn limit_param(limit: usize) -> i64 {
    if limit == 0 {
        i64::MAX
    } else {
        i64::try_from(limit).unwrap_or(i64::MAX)
    }
}

/// The key of a source's validators for a URL: a BLAKE3 hash of both, so
/// that neither the URL (whose query may carry user names or keys) nor the
/// source is stored in clear, and two sources reading the same URL keep
/// apart validators (each has its own cursor, so a `304` earned by one must
/// not make the other skip a page it never indexed).
fn url_key(source: &str, url: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(source.as_bytes());
    h.update(&[0]);
    h.update(url.as_bytes());
    h.finalize().to_hex().to_string()
}

impl StateStore {
    /// Opens the store at `path`, creating the file if it does not exist and
    /// applying any missing migrations. A file written by a newer hearken is
    /// refused ([`StateError::SchemaTooNew`]); a damaged or non-SQLite file
    /// is refused with an error naming it ([`StateError::Corrupt`]) and is
    /// never deleted or recreated. The parent directory must exist.
    pub fn open(path: &Path) -> Result<StateStore, StateError> {
        StateStore::open_with_clock(path, Clock::system())
    }

    /// [`StateStore::open`] with a given clock (tests, replays).
    pub fn open_with_clock(path: &Path, clock: Clock) -> Result<StateStore, StateError> {
        schema::precheck(path)?;
        let conn = Connection::open(path).map_err(|source| StateError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        StateStore::init(conn, path.to_path_buf(), clock, true)
    }

    /// A store in memory, gone when the last clone is dropped (tests,
    /// `plugin check`).
    pub fn open_in_memory() -> Result<StateStore, StateError> {
        StateStore::open_in_memory_with_clock(Clock::system())
    }

    /// [`StateStore::open_in_memory`] with a given clock.
    pub fn open_in_memory_with_clock(clock: Clock) -> Result<StateStore, StateError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StateError::Open {
            path: path.clone(),
            source,
        })?;
        StateStore::init(conn, path, clock, false)
    }

    fn init(
        mut conn: Connection,
        path: PathBuf,
        clock: Clock,
        file: bool,
    ) -> Result<StateStore, StateError> {
        let map = |op, e| sql_error(&path, op, e);
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| map("set the busy timeout", e))?;
        if file {
            // The first statement that reads the file: a garbage file fails
            // here with SQLITE_NOTADB, which `map` reports as damaged.
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .map_err(|e| map("switch to WAL", e))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(path = %path.display(), mode, "state store is not in WAL mode; concurrent readers will block writers");
            }
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| map("set synchronous", e))?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| map("enable foreign keys", e))?;
        conn.set_prepared_statement_cache_capacity(96);
        schema::migrate(&mut conn, &path, clock.now_ms(), map)?;
        schema::touch_tables(&conn, map)?;
        Ok(StateStore {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                path,
                clock,
            }),
        })
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock dropped its `Tx`, which
        // rolled back; the connection itself is fine to keep using.
        self.inner
            .conn
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, op: &'static str, f: Fail) -> StateError {
        match f {
            Fail::Sql(e) => sql_error(&self.inner.path, op, e),
            Fail::State(e) => e,
        }
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`), committing if
    /// it returns `Ok` and rolling back otherwise.
    fn write<T>(
        &self,
        op: &'static str,
        f: impl FnOnce(&Connection) -> Result<T, Fail>,
    ) -> Result<T, StateError> {
        self.in_tx(op, "BEGIN IMMEDIATE", f)
    }

    /// Runs `f` in one read transaction, so that what it reads is one
    /// consistent snapshot.
    fn read<T>(
        &self,
        op: &'static str,
        f: impl FnOnce(&Connection) -> Result<T, Fail>,
    ) -> Result<T, StateError> {
        self.in_tx(op, "BEGIN", f)
    }

    fn in_tx<T>(
        &self,
        op: &'static str,
        begin: &'static str,
        f: impl FnOnce(&Connection) -> Result<T, Fail>,
    ) -> Result<T, StateError> {
        let conn = self.lock();
        let result = (|| {
            let tx = Tx::begin(&conn, begin)?;
            let out = f(&conn)?;
            tx.commit()?;
            Ok(out)
        })();
        result.map_err(|e| self.fail(op, e))
    }

    // ----- cursors -------------------------------------------------------

    /// Where `source` resumes: the cursor of its last committed page, or
    /// `None` to start from the beginning.
    pub fn cursor(&self, source: &str) -> Result<Option<String>, StateError> {
        Ok(self.cursor_record(source)?.and_then(|c| c.cursor))
    }

    /// The cursor of `source` with the run that set it and when.
    pub fn cursor_record(&self, source: &str) -> Result<Option<CursorRecord>, StateError> {
        self.read("read a cursor", |conn| {
            Ok(conn
                .prepare_cached(sql::SELECT_CURSOR)?
                .query_row(params![source], cursor_from_row)
                .optional()?)
        })
    }

    /// Every source's cursor, by source name.
    pub fn cursors(&self) -> Result<Vec<CursorRecord>, StateError> {
        self.read("list cursors", |conn| {
            let mut stmt = conn.prepare_cached(sql::SELECT_CURSORS)?;
            let rows = stmt.query_map([], cursor_from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    // ----- the run ledger ------------------------------------------------

    /// Starts a run of `source` and returns its id. Refused with
    /// [`StateError::SourceBusy`] while another run of the same source is
    /// `running` — in this process or any other sharing the file.
    pub fn begin_run(
        &self,
        source: &str,
        plugin: &str,
        plugin_version: &str,
    ) -> Result<RunId, StateError> {
        if source.is_empty() {
            return Err(StateError::Invalid {
                what: "source",
                detail: "the source name is empty".into(),
            });
        }
        let now = self.now_ms();
        let stamp = run_stamp(now);
        self.write("begin a run", |tx| {
            let running: Option<String> = tx
                .prepare_cached(sql::SELECT_RUNNING_OF_SOURCE)?
                .query_row(params![source], |row| row.get(0))
                .optional()?;
            if let Some(run) = running {
                return Err(StateError::SourceBusy {
                    source_name: source.to_owned(),
                    run: RunId::from(run),
                }
                .into());
            }
            // Runs that began in the same second get 0001, 0002, …; '.'
            // sorts right after '-', so the range is exactly that second.
            let n: i64 = tx.prepare_cached(sql::COUNT_RUN_IDS_IN_RANGE)?.query_row(
                params![format!("r-{stamp}-"), format!("r-{stamp}.")],
                |row| row.get(0),
            )?;
            let id = format!("r-{stamp}-{:04}", n + 1);
            tx.prepare_cached(sql::INSERT_RUN)?.execute(params![
                id,
                source,
                plugin,
                plugin_version,
                now
            ])?;
            Ok(RunId::from(id))
        })
    }

    /// Adds one fetched page's counts to the run's pending counts. They
    /// become the run's counts at the next [`StateStore::commit_cursor`].
    pub fn record_page(&self, run: &RunId, page: PageProgress) -> Result<(), StateError> {
        let records = to_i64("records", page.records)?;
        let new = to_i64("new", page.new)?;
        let updated = to_i64("updated", page.updated)?;
        let unchanged = to_i64("unchanged", page.unchanged)?;
        let redactions = page
            .redactions
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(kind, n)| Ok((kind.as_str(), to_i64("redactions", *n)?)))
            .collect::<Result<Vec<_>, StateError>>()?;
        self.write("record a page", |tx| {
            running_source(tx, run)?;
            tx.prepare_cached(sql::ADD_PENDING_PAGE)?.execute(params![
                records,
                new,
                updated,
                unchanged,
                run.as_str()
            ])?;
            let mut add = tx.prepare_cached(sql::ADD_PENDING_REDACTIONS)?;
            for (kind, n) in &redactions {
                add.execute(params![run.as_str(), kind, n])?;
            }
            Ok(())
        })
    }

    /// Called right after the index commit that covers the documents of the
    /// pages recorded so far: sets `source`'s cursor to `cursor` and moves
    /// the run's pending counts into its committed counts, in one
    /// transaction, so that the cursor never moves ahead of committed
    /// documents and the ledger never counts documents the index lacks.
    ///
    /// `cursor` is the plugin's next cursor (`None`: start over next time).
    /// Refused if the run is not running (e.g. it was marked interrupted)
    /// or belongs to another source.
    pub fn commit_cursor(
        &self,
        run: &RunId,
        source: &str,
        cursor: Option<&str>,
    ) -> Result<(), StateError> {
        self.commit_cursor_and_validators(run, source, cursor, &[])
    }

    /// [`StateStore::commit_cursor`] that also stores, in the same
    /// transaction, the HTTP validators of the responses the committed pages
    /// came from (`(url, validators)`; validators with neither field set
    /// forget the URL's). Validators must move with the cursor, never ahead
    /// of it: a validator stored for a page whose documents were lost in a
    /// crash would answer the re-fetch with `304 Not Modified`, and the page
    /// would never be indexed.
    pub fn commit_cursor_and_validators(
        &self,
        run: &RunId,
        source: &str,
        cursor: Option<&str>,
        validators: &[(String, Validators)],
    ) -> Result<(), StateError> {
        if let Some(c) = cursor
            && c.len() > MAX_CURSOR_BYTES
        {
            return Err(StateError::Invalid {
                what: "cursor",
                detail: format!(
                    "the plugin's cursor is {} bytes, over the {MAX_CURSOR_BYTES}-byte limit",
                    c.len()
                ),
            });
        }
        let now = self.now_ms();
        self.write("commit a cursor", |tx| {
            let owner = running_source(tx, run)?;
            if owner != source {
                return Err(StateError::SourceMismatch {
                    run: run.clone(),
                    expected: owner,
                    given: source.to_owned(),
                }
                .into());
            }
            tx.prepare_cached(sql::COMMIT_PENDING)?
                .execute(params![run.as_str()])?;
            tx.prepare_cached(sql::COMMIT_PENDING_REDACTIONS)?
                .execute(params![run.as_str()])?;
            tx.prepare_cached(sql::UPSERT_CURSOR)?.execute(params![
                source,
                cursor,
                run.as_str(),
                now
            ])?;
            for (url, v) in validators {
                put_validators(tx, &url_key(source, url), v, now)?;
            }
            Ok(())
        })
    }

    /// Ends a run with `status` (not `Running`) and the host's error text,
    /// which must hold no raw text and is cut at 4 KiB. Pending counts stay
    /// as they are and show in the ledger as uncommitted.
    pub fn finish_run(
        &self,
        run: &RunId,
        status: RunStatus,
        error: Option<&str>,
    ) -> Result<(), StateError> {
        if status == RunStatus::Running {
            return Err(StateError::Invalid {
                what: "status",
                detail: "a run cannot finish as `running`".into(),
            });
        }
        let error = error.map(|e| cap_text(e, MAX_ERROR_BYTES));
        let now = self.now_ms();
        self.write("finish a run", |tx| {
            running_source(tx, run)?;
            tx.prepare_cached(sql::FINISH_RUN)?.execute(params![
                status.as_str(),
                now,
                error,
                run.as_str()
            ])?;
            Ok(())
        })
    }

    /// Marks every run still `running` as `interrupted`, with an error
    /// saying so. Call once at start-up, before any run begins: a run left
    /// running can only be a leftover of a process that died. Returns how
    /// many were marked.
    pub fn mark_interrupted_runs(&self) -> Result<u64, StateError> {
        let now = self.now_ms();
        let n = self.write("mark interrupted runs", |tx| {
            Ok(tx
                .prepare_cached(sql::MARK_INTERRUPTED)?
                .execute(params![now, INTERRUPTED_ERROR])?)
        })?;
        if n > 0 {
            tracing::warn!(
                runs = n,
                "marked runs left running by a previous process as interrupted"
            );
        }
        Ok(n as u64)
    }

    /// The ledger, newest run first (by start time, then id).
    pub fn runs(&self, filter: RunFilter) -> Result<Vec<RunRecord>, StateError> {
        let limit = limit_param(filter.limit);
        self.read("list runs", |conn| {
            let raws = match &filter.source {
                Some(source) => {
                    let mut stmt = conn.prepare_cached(sql::SELECT_RUNS_OF_SOURCE)?;
                    let rows = stmt.query_map(params![source, limit], RawRun::from_row)?;
                    rows.collect::<Result<Vec<_>, _>>()?
                }
                None => {
                    let mut stmt = conn.prepare_cached(sql::SELECT_RUNS)?;
                    let rows = stmt.query_map(params![limit], RawRun::from_row)?;
                    rows.collect::<Result<Vec<_>, _>>()?
                }
            };
            raws.into_iter().map(|raw| raw.finish(conn)).collect()
        })
    }

    /// One run of the ledger.
    pub fn run(&self, run: &RunId) -> Result<Option<RunRecord>, StateError> {
        self.read("read a run", |conn| {
            let raw = conn
                .prepare_cached(sql::SELECT_RUN)?
                .query_row(params![run.as_str()], RawRun::from_row)
                .optional()?;
            raw.map(|raw| raw.finish(conn)).transpose()
        })
    }

    /// Forgets where `source` was: its cursor is deleted, so its next run
    /// starts from the beginning. The ledger keeps the source's runs (it is
    /// history, and the audit log refers to them) and marks them with the
    /// time of forgetting; the audit log is untouched. Every stored HTTP
    /// validator is dropped as well: they are keyed by a hash that cannot be
    /// listed by source, and a stale one would answer the re-read with `304 Not Modified` for
    /// pages whose content the host no longer has. (The cost: other
    /// sources' next requests are unconditional once.) So are the names the
    /// source remembered.
    ///
    /// Refused with [`StateError::SourceBusy`] while the source has a run in
    /// progress. Returns how many runs were newly marked (0 if the source
    /// had no runs or was already forgotten).
    pub fn forget_source(&self, source: &str) -> Result<u64, StateError> {
        let now = self.now_ms();
        let n = self.write("forget a source", |tx| {
            let running: Option<String> = tx
                .prepare_cached(sql::SELECT_RUNNING_OF_SOURCE)?
                .query_row(params![source], |row| row.get(0))
                .optional()?;
            if let Some(run) = running {
                return Err(StateError::SourceBusy {
                    source_name: source.to_owned(),
                    run: RunId::from(run),
                }
                .into());
            }
            tx.prepare_cached(sql::DELETE_CURSOR)?
                .execute(params![source])?;
            tx.prepare_cached(sql::DELETE_REMEMBERED_OF_SOURCE)?
                .execute(params![source])?;
            tx.execute("DELETE FROM http_validators", [])?;
            Ok(tx
                .prepare_cached(sql::MARK_FORGOTTEN)?
                .execute(params![now, source])?)
        })?;
        tracing::info!(source, runs = n, "forgot source cursor");
        Ok(n as u64)
    }

    // ----- the audit log -------------------------------------------------

    /// Appends one HTTP call to the audit log (one short transaction).
    /// The path's query values are masked ([`audit_path`]).
    pub fn audit(&self, entry: &AuditEntry) -> Result<(), StateError> {
        let now = self.now_ms();
        self.write("append to the audit log", |tx| insert_audit(tx, now, entry))
    }

    /// Appends several entries in one transaction, all stamped with the
    /// same time. Several times cheaper per entry than [`StateStore::audit`]
    /// (see `benches/throughput.rs`); all or none are stored.
    pub fn audit_batch(&self, entries: &[AuditEntry]) -> Result<(), StateError> {
        if entries.is_empty() {
            return Ok(());
        }
        let now = self.now_ms();
        self.write("append to the audit log", |tx| {
            for entry in entries {
                insert_audit(tx, now, entry)?;
            }
            Ok(())
        })
    }

    /// Audit entries matching `filter`, newest first.
    pub fn audit_log(&self, filter: AuditFilter) -> Result<Vec<AuditRecord>, StateError> {
        let shape = AuditShape {
            source: filter.source.is_some(),
            run: filter.run.is_some(),
            host: filter.host.is_some(),
            decision: filter.decision.is_some(),
            since: filter.since_ms.is_some(),
            before_seq: filter.before_seq.is_some(),
        };
        let query = sql::audit_select(shape);
        // In the order `audit_select` numbers them.
        let mut values: Vec<Value> = Vec::with_capacity(7);
        values.extend(filter.source.map(Value::Text));
        values.extend(filter.run.map(|r| Value::Text(r.into_string())));
        values.extend(filter.host.map(Value::Text));
        values.extend(filter.decision.map(|d| Value::Text(d.as_str().to_owned())));
        values.extend(filter.since_ms.map(Value::Integer));
        values.extend(filter.before_seq.map(Value::Integer));
        values.push(Value::Integer(limit_param(filter.limit)));
        self.read("read the audit log", |conn| {
            let mut stmt = conn.prepare_cached(&query)?;
            let rows = stmt.query_map(params_from_iter(values), audit_from_row)?;
            let raws = rows.collect::<Result<Vec<_>, _>>()?;
            raws.into_iter().map(RawAudit::finish).collect()
        })
    }

    /// Deletes audit entries recorded before `before_ms` (unix ms), for a
    /// retention policy. Returns how many were deleted.
    pub fn prune_audit(&self, before_ms: i64) -> Result<u64, StateError> {
        self.delete_where("prune the audit log", sql::PRUNE_AUDIT, &before_ms)
    }

    /// Runs one `DELETE` statement with one parameter in a write transaction
    /// of its own; returns how many rows went.
    fn delete_where(
        &self,
        op: &'static str,
        statement: &'static str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<u64, StateError> {
        let n = self.write(op, |tx| {
            Ok(tx.prepare_cached(statement)?.execute(params![value])?)
        })?;
        Ok(n as u64)
    }

    // ----- remembered names ----------------------------------------------

    /// The name fingerprints `source` has remembered, as `(fingerprint,
    /// kind)`, each once. They are keyed hashes (`hearken_deid::RememberedNames`):
    /// the store never holds a name. A kind that does not fit a `u8` comes
    /// back as `u8::MAX`, which no build uses.
    pub fn remembered_names(&self, source: &str) -> Result<Vec<(u64, u8)>, StateError> {
        self.read("read remembered names", |conn| {
            let mut stmt = conn.prepare_cached(sql::SELECT_REMEMBERED_NAMES)?;
            let rows = stmt.query_map(params![source], |row| {
                let fingerprint: i64 = row.get(0)?;
                let kind: i64 = row.get(1)?;
                Ok((
                    u64::from_le_bytes(fingerprint.to_le_bytes()),
                    u8::try_from(kind).unwrap_or(u8::MAX),
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Remembers name fingerprints of `source`'s authors, each as `(author
    /// pseudonym, fingerprint, kind)`, in one transaction; ones already
    /// remembered are left as they are.
    pub fn remember_names(
        &self,
        source: &str,
        names: &[(String, u64, u8)],
    ) -> Result<(), StateError> {
        if names.is_empty() {
            return Ok(());
        }
        self.write("remember names", |tx| {
            let mut stmt = tx.prepare_cached(sql::INSERT_REMEMBERED_NAME)?;
            for (author, fingerprint, kind) in names {
                stmt.execute(params![
                    source,
                    i64::from_le_bytes(fingerprint.to_le_bytes()),
                    i64::from(*kind),
                    author
                ])?;
            }
            Ok(())
        })
    }

    /// Forgets every fingerprint that came from `author`'s name (an author
    /// pseudonym), in every source. Returns how many rows went.
    pub fn forget_author_names(&self, author: &str) -> Result<u64, StateError> {
        self.delete_where(
            "forget an author's remembered names",
            sql::DELETE_REMEMBERED_OF_AUTHOR,
            &author,
        )
    }

    // ----- HTTP validators and robots.txt --------------------------------

    /// The validators `source` stored for `url`, to send as
    /// `If-None-Match` / `If-Modified-Since`. Validators are kept per source
    /// (each source has its own cursor), under a BLAKE3 hash of source and
    /// URL: URLs are never stored in clear.
    pub fn conditional(&self, source: &str, url: &str) -> Result<Option<Validators>, StateError> {
        let key = url_key(source, url);
        self.read("read HTTP validators", |conn| {
            Ok(conn
                .prepare_cached(sql::SELECT_VALIDATORS)?
                .query_row(params![key], |row| {
                    Ok(Validators {
                        etag: row.get(0)?,
                        last_modified: row.get(1)?,
                    })
                })
                .optional()?)
        })
    }

    /// Remembers the validators of a `200` response `source` received for
    /// `url`; with neither set, forgets them. Ingestion stores validators
    /// with [`StateStore::commit_cursor_and_validators`] instead, so that
    /// they never run ahead of the documents.
    pub fn store_conditional(
        &self,
        source: &str,
        url: &str,
        validators: &Validators,
    ) -> Result<(), StateError> {
        let key = url_key(source, url);
        let now = self.now_ms();
        self.write("store HTTP validators", |tx| {
            put_validators(tx, &key, validators, now)?;
            Ok(())
        })
    }

    /// The cached robots.txt of `host` (case-insensitive) and when it was
    /// fetched (unix ms). Freshness is the caller's policy.
    pub fn robots(&self, host: &str) -> Result<Option<(String, i64)>, StateError> {
        let host = host.to_ascii_lowercase();
        self.read("read robots.txt cache", |conn| {
            Ok(conn
                .prepare_cached(sql::SELECT_ROBOTS)?
                .query_row(params![host], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?)
        })
    }

    /// Caches `host`'s robots.txt, fetched now. Bodies over
    /// [`MAX_ROBOTS_BYTES`] are refused (the HTTP layer should have cut
    /// them, as crawlers do).
    pub fn store_robots(&self, host: &str, body: &str) -> Result<(), StateError> {
        if body.len() > MAX_ROBOTS_BYTES {
            return Err(StateError::Invalid {
                what: "robots.txt",
                detail: format!(
                    "{} bytes, over the {MAX_ROBOTS_BYTES}-byte limit",
                    body.len()
                ),
            });
        }
        let host = host.to_ascii_lowercase();
        let now = self.now_ms();
        self.write("cache robots.txt", |tx| {
            tx.prepare_cached(sql::UPSERT_ROBOTS)?
                .execute(params![host, body, now])?;
            Ok(())
        })
    }

    // ----- maintenance ---------------------------------------------------

    /// Runs SQLite's full integrity check (reads the whole file; for a
    /// `hearken doctor`-style command, not for every start-up).
    pub fn integrity_check(&self) -> Result<(), StateError> {
        let problems = self.read("check integrity", |conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        if problems.len() == 1 && problems[0] == "ok" {
            Ok(())
        } else {
            Err(StateError::Corrupt {
                path: self.inner.path.clone(),
                detail: format!("integrity check: {}", problems.join("; ")),
            })
        }
    }
}

/// Upserts (or, with neither field set, deletes) one validator row.
fn put_validators(
    conn: &Connection,
    key: &str,
    validators: &Validators,
    now: i64,
) -> Result<(), Fail> {
    if validators.etag.is_none() && validators.last_modified.is_none() {
        conn.prepare_cached(sql::DELETE_VALIDATORS)?
            .execute(params![key])?;
    } else {
        conn.prepare_cached(sql::UPSERT_VALIDATORS)?
            .execute(params![key, validators.etag, validators.last_modified, now])?;
    }
    Ok(())
}

/// The source of `run` if it is running; otherwise why not.
fn running_source(conn: &Connection, run: &RunId) -> Result<String, Fail> {
    let state: Option<(String, String)> = conn
        .prepare_cached(sql::SELECT_RUN_STATE)?
        .query_row(params![run.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    match state {
        None => Err(StateError::UnknownRun { run: run.clone() }.into()),
        Some((status, source)) if status == RunStatus::Running.as_str() => Ok(source),
        Some((status, _)) => Err(StateError::RunNotRunning {
            run: run.clone(),
            status,
        }
        .into()),
    }
}

fn insert_audit(conn: &Connection, now: i64, entry: &AuditEntry) -> Result<(), Fail> {
    let path = audit_path(&entry.path);
    let reason = entry
        .reason
        .as_deref()
        .map(|r| cap_text(r, MAX_REASON_BYTES));
    let bytes = to_i64("bytes", entry.bytes)?;
    let millis = to_i64("millis", entry.millis)?;
    conn.prepare_cached(sql::INSERT_AUDIT)?.execute(params![
        now,
        entry.run.as_ref().map(RunId::as_str),
        entry.source,
        entry.plugin,
        entry.method,
        entry.host,
        path,
        entry.status.map(i64::from),
        bytes,
        millis,
        entry.decision.as_str(),
        reason,
    ])?;
    Ok(())
}

fn cursor_from_row(row: &Row<'_>) -> rusqlite::Result<CursorRecord> {
    Ok(CursorRecord {
        source: row.get(0)?,
        cursor: row.get(1)?,
        run: row.get::<_, Option<String>>(2)?.map(RunId::from),
        updated: datetime(row.get(3)?),
    })
}

/// A run row before its status is parsed and its redactions are read.
struct RawRun {
    id: String,
    source: String,
    plugin: String,
    plugin_version: String,
    started_ms: i64,
    ended_ms: Option<i64>,
    status: String,
    error: Option<String>,
    counts: [i64; 7],
    forgotten_ms: Option<i64>,
}

impl RawRun {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawRun> {
        Ok(RawRun {
            id: row.get(0)?,
            source: row.get(1)?,
            plugin: row.get(2)?,
            plugin_version: row.get(3)?,
            started_ms: row.get(4)?,
            ended_ms: row.get(5)?,
            status: row.get(6)?,
            error: row.get(7)?,
            counts: [
                row.get(8)?,
                row.get(9)?,
                row.get(10)?,
                row.get(11)?,
                row.get(12)?,
                row.get(13)?,
                row.get(14)?,
            ],
            forgotten_ms: row.get(15)?,
        })
    }

    fn finish(self, conn: &Connection) -> Result<RunRecord, Fail> {
        let status = RunStatus::parse(&self.status).ok_or_else(|| StateError::Invalid {
            what: "runs.status",
            detail: format!("run {} has a status this hearken does not know", self.id),
        })?;
        let redactions: BTreeMap<String, u64> = {
            let mut stmt = conn.prepare_cached(sql::SELECT_RUN_REDACTIONS)?;
            let rows = stmt.query_map(params![self.id], |row| {
                Ok((row.get::<_, String>(0)?, to_u64(row.get(1)?)))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let [
            pages,
            records,
            new,
            updated,
            unchanged,
            pending_pages,
            pending_records,
        ] = self.counts.map(to_u64);
        Ok(RunRecord {
            id: RunId::from(self.id),
            source: self.source,
            plugin: self.plugin,
            plugin_version: self.plugin_version,
            started: datetime(self.started_ms),
            ended: self.ended_ms.map(datetime),
            status,
            pages,
            records,
            new,
            updated,
            unchanged,
            redactions,
            uncommitted_pages: pending_pages,
            uncommitted_records: pending_records,
            error: self.error,
            forgotten: self.forgotten_ms.map(datetime),
        })
    }
}

/// An audit row before its decision is parsed.
struct RawAudit {
    record: AuditRecord,
    decision: String,
}

fn audit_from_row(row: &Row<'_>) -> rusqlite::Result<RawAudit> {
    Ok(RawAudit {
        record: AuditRecord {
            seq: row.get(0)?,
            at: datetime(row.get(1)?),
            run: row.get::<_, Option<String>>(2)?.map(RunId::from),
            source: row.get(3)?,
            plugin: row.get(4)?,
            method: row.get(5)?,
            host: row.get(6)?,
            path: row.get(7)?,
            status: row
                .get::<_, Option<i64>>(8)?
                .and_then(|s| u16::try_from(s).ok()),
            bytes: to_u64(row.get(9)?),
            millis: to_u64(row.get(10)?),
            decision: Decision::Allowed,
            reason: row.get(12)?,
        },
        decision: row.get(11)?,
    })
}

impl RawAudit {
    fn finish(self) -> Result<AuditRecord, Fail> {
        let decision = Decision::parse(&self.decision).ok_or_else(|| StateError::Invalid {
            what: "audit_log.decision",
            detail: format!(
                "entry {} has a decision this hearken does not know",
                self.record.seq
            ),
        })?;
        Ok(AuditRecord {
            decision,
            ..self.record
        })
    }
}
