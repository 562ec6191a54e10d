//! The state store: per-source cursors, the run ledger and the audit log,
//! embedded in the data directory as one SQLite file.
//!
//! # Brief overview
//!
//! * [`StateStore`] — open with [`StateStore::open`] (or
//!   [`StateStore::open_in_memory`]); cheap to clone, `Send + Sync`.
//! * Cursors: [`StateStore::cursor`] says where a source resumes;
//!   [`StateStore::commit_cursor`] moves it, atomically with the run's
//!   counts, right after the index commit that covers the pages.
//! * The run ledger: [`StateStore::begin_run`] → [`StateStore::record_page`]
//!   per page → [`StateStore::commit_cursor`] per index commit →
//!   [`StateStore::finish_run`]; [`StateStore::runs`] lists it as
//!   [`RunRecord`]s; [`StateStore::mark_interrupted_runs`] cleans up after a
//!   crash.
//! * The audit log: [`StateStore::audit`] / [`StateStore::audit_batch`]
//!   append [`AuditEntry`]s (query values masked by [`audit_path`]);
//!   [`StateStore::audit_log`] reads them back.
//! * Caches for the HTTP layer: [`StateStore::conditional`] /
//!   [`StateStore::store_conditional`] for ETag and Last-Modified,
//!   [`StateStore::robots`] / [`StateStore::store_robots`] for robots.txt.
//! * Remembered names for de-identification, as keyed fingerprints, never
//!   names: [`StateStore::remembered_names`] / [`StateStore::remember_names`],
//!   dropped by [`StateStore::forget_author_names`] and
//!   [`StateStore::forget_source`].
//!
//! ```
//! use hearken_state::{PageProgress, RunFilter, RunStatus, StateStore};
//!
//! let store = StateStore::open_in_memory()?;
//! let run = store.begin_run("forum", "forum", "0.1.0")?;
//! store.record_page(&run, PageProgress { records: 20, new: 18, unchanged: 2, ..Default::default() })?;
//! // ... the index commits the 20 documents, then:
//! store.commit_cursor(&run, "forum", Some("page=2"))?;
//! store.finish_run(&run, RunStatus::Succeeded, None)?;
//!
//! assert_eq!(store.cursor("forum")?.as_deref(), Some("page=2"));
//! let ledger = store.runs(RunFilter { source: None, limit: 10 })?;
//! assert_eq!((ledger[0].pages, ledger[0].new), (1, 18));
//! # Ok::<(), hearken_state::StateError>(())
//! ```
//!
//! # Decisions
//!
//! * **Portable SQL.** Migrations (`migrations/NNNN_*.sql`) and queries
//!   (`sql.rs`) are written to run unchanged on PostgreSQL; the SQLite-only
//!   parts (PRAGMAs, `BEGIN IMMEDIATE`, the file-header check) are in
//!   `store.rs` and `schema.rs`. See `sql.rs` for the rules and the check.
//! * **Ids are TEXT, times are BIGINT unix milliseconds (UTC).** Integers
//!   compare, index and subtract the same way on both engines with no
//!   time-zone semantics; serialized output turns them into RFC 3339.
//! * **One clock** ([`Clock`]), read once per operation by the store.
//! * **Nothing is silently recreated.** A damaged file, or one from a newer
//!   hearken, is an error naming it ([`StateError::Corrupt`],
//!   [`StateError::SchemaTooNew`]).
//! * **Audit paths keep names, not values** ([`audit_path`]); HTTP
//!   validators are keyed by a hash of the URL, so query values are never
//!   stored.

mod audit;
mod clock;
mod error;
mod model;
mod schema;
mod sql;
mod store;

pub use audit::{MAX_AUDIT_PATH, audit_path};
pub use clock::Clock;
pub use error::StateError;
pub use model::{
    AuditEntry, AuditFilter, AuditRecord, CursorRecord, Decision, PageProgress, RunFilter, RunId,
    RunRecord, RunStatus, Validators,
};
pub use schema::{MIGRATIONS, Migration, SCHEMA_VERSION};
pub use store::{MAX_CURSOR_BYTES, MAX_ROBOTS_BYTES, StateStore};
