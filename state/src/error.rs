//! The one error type of the state store.
//!
//! Messages say *what* and *where* — the database file, the operation, the
//! run id or source name — and never quote stored content: cursors, paths
//! and error texts are the host's and a plugin's, and stay out of messages.
//! A damaged file gets its own variant ([`StateError::Corrupt`]) because the
//! operator's fix differs from every other failure: move the file aside.

use std::path::PathBuf;

use crate::RunId;

/// Everything that can go wrong in the state store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The database file could not be opened (missing directory,
    /// permissions, locked beyond the busy timeout, …).
    #[error("state store {}: cannot open: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// Reading the file's header failed.
    #[error("state store {}: {source}", path.display())]
    Io {
        /// The database file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The file exists but is not a healthy SQLite database. It is left
    /// untouched: the operator decides whether to restore or move it aside.
    #[error(
        "state store {} is damaged ({detail}); it was left untouched — restore it from a backup, \
         or move it aside to start afresh (which forgets every cursor, so sources re-ingest from the start)",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What is wrong, in words.
        detail: String,
    },
    /// The file was written by a newer hearken.
    #[error(
        "state store {} has schema version {found}, newer than the {supported} this hearken knows; \
         run a hearken at least as new as the one that wrote it",
        path.display()
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// The highest version recorded in the file.
        found: i64,
        /// The highest version this binary knows.
        supported: i64,
    },
    /// The file records a migration this binary does not have under that
    /// number (it came from a different build).
    #[error(
        "state store {}: migration {version} is recorded as `{found}`, but this hearken's is `{expected}`",
        path.display()
    )]
    SchemaMismatch {
        /// The database file.
        path: PathBuf,
        /// The migration number.
        version: i64,
        /// The name recorded in the file.
        found: String,
        /// The name this binary has.
        expected: String,
    },
    /// A migration failed; the file is unchanged.
    #[error("state store {}: migration {version} ({name}) failed: {source}", path.display())]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The migration number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// A statement failed.
    #[error("state store {}: {op}: {source}", path.display())]
    Sql {
        /// The database file (`:memory:` for an in-memory store).
        path: PathBuf,
        /// What the store was doing.
        op: &'static str,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// No run has this id.
    #[error("run {run} is not in the ledger")]
    UnknownRun {
        /// The id asked for.
        run: RunId,
    },
    /// The run has already ended (or was marked interrupted), so it may not
    /// record pages, move a cursor or end again.
    #[error("run {run} is {status}, not running")]
    RunNotRunning {
        /// The run.
        run: RunId,
        /// Its status.
        status: String,
    },
    /// `commit_cursor` named a source other than the run's.
    #[error("run {run} belongs to source `{expected}`, not `{given}`")]
    SourceMismatch {
        /// The run.
        run: RunId,
        /// The run's source.
        expected: String,
        /// The source given.
        given: String,
    },
    /// The source has a run in progress.
    #[error(
        "source `{source_name}` already has a run in progress ({run}); if no hearken process is running, \
         it was interrupted and the next start-up marks it so"
    )]
    SourceBusy {
        /// The source.
        source_name: String,
        /// The run in progress.
        run: RunId,
    },
    /// A value was out of the range the store accepts.
    #[error("{what}: {detail}")]
    Invalid {
        /// Which argument or column.
        what: &'static str,
        /// What is wrong with it (never the value itself).
        detail: String,
    },
}
