//! The values that go in and out of the store.
//!
//! Inputs ([`PageProgress`], [`AuditEntry`], the filters) are plain structs
//! the host fills in. Outputs ([`RunRecord`], [`AuditRecord`],
//! [`CursorRecord`]) are `Serialize` for `hearken runs --json` and friends;
//! times in them are RFC 3339 strings in UTC, enumerations lower-case.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A run's id: `r-<UTC second of its start>-<nnnn>`, e.g.
/// `r-20250304T101500Z-0001`. Ids sort by start time as strings, are unique
/// within a store, and say when the run began to a human reading a log.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(String);

impl RunId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for RunId {
    /// Wraps an id read back from somewhere else (a CLI argument, a log);
    /// the store answers [`StateError::UnknownRun`](crate::StateError) for
    /// one it does not have.
    fn from(s: String) -> Self {
        RunId(s)
    }
}

impl From<&str> for RunId {
    fn from(s: &str) -> Self {
        RunId(s.to_owned())
    }
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Started and not yet finished (or its process died; see
    /// [`StateStore::mark_interrupted_runs`](crate::StateStore::mark_interrupted_runs)).
    Running,
    /// Finished: the source was read as far as it goes for now.
    Succeeded,
    /// Finished with an error (recorded in the ledger).
    Failed,
    /// Stopped before finishing: shut down, killed, or crashed.
    Interrupted,
}

impl RunStatus {
    /// The lower-case word stored in the database and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<RunStatus> {
        Some(match s {
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "interrupted" => RunStatus::Interrupted,
            _ => return None,
        })
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one fetched page brought, once its records went through the
/// pipeline (counted before the index commit that covers them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageProgress {
    /// Records the plugin returned on this page.
    pub records: u64,
    /// Documents new to the index.
    pub new: u64,
    /// Documents already indexed whose content changed.
    pub updated: u64,
    /// Documents already indexed and unchanged.
    pub unchanged: u64,
    /// Identifiers removed by de-identification, by type (`NAME`, `EMAIL`, …).
    pub redactions: BTreeMap<String, u64>,
}

/// Which runs [`StateStore::runs`](crate::StateStore::runs) returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only this source's runs.
    pub source: Option<String>,
    /// At most this many, newest first; 0 means no limit.
    pub limit: usize,
}

/// One run in the ledger, as `hearken runs` shows it.
///
/// `pages`, `records`, `new`, `updated`, `unchanged` and `redactions` count
/// only what an index commit covered (they move in the same transaction as
/// the cursor). Pages fetched after the last commit — lost to a crash or a
/// failure, and fetched again by the next run — are in `uncommitted_pages`
/// and `uncommitted_records`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// The run's id.
    pub id: RunId,
    /// The source's name from the configuration.
    pub source: String,
    /// The plugin's name.
    pub plugin: String,
    /// The plugin's version.
    pub plugin_version: String,
    /// When the run began.
    #[serde(with = "time::serde::rfc3339")]
    pub started: OffsetDateTime,
    /// When it ended; `None` while running.
    #[serde(with = "time::serde::rfc3339::option")]
    pub ended: Option<OffsetDateTime>,
    /// Where it stands.
    pub status: RunStatus,
    /// Committed pages.
    pub pages: u64,
    /// Committed records.
    pub records: u64,
    /// Committed documents new to the index.
    pub new: u64,
    /// Committed documents updated.
    pub updated: u64,
    /// Committed documents unchanged.
    pub unchanged: u64,
    /// Committed redactions by identifier type.
    pub redactions: BTreeMap<String, u64>,
    /// Pages fetched but not covered by an index commit.
    pub uncommitted_pages: u64,
    /// Records on those pages.
    pub uncommitted_records: u64,
    /// The error the host recorded, for failed and interrupted runs.
    pub error: Option<String>,
    /// When the source's cursor was forgotten after this run, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub forgotten: Option<OffsetDateTime>,
}

/// Whether the capability gate let an HTTP call through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The call was made.
    Allowed,
    /// The call was refused before any byte left the machine.
    Denied,
}

impl Decision {
    /// The lower-case word stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "denied",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Decision> {
        match s {
            "allowed" => Some(Decision::Allowed),
            "denied" => Some(Decision::Denied),
            _ => None,
        }
    }
}

/// One HTTP call a plugin made or tried to make, as the host appends it.
///
/// `path` is the request's path and query; the store keeps the path and the
/// query's parameter *names* and replaces every value with `*` (see
/// [`audit_path`](crate::audit_path)): values can be API tokens, session ids
/// or search terms about someone's health, and the audit log must be safe to
/// hand to a reviewer. Path segments are kept: they are the same public
/// locations that evidence links in the index point at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The run the call belongs to, if any (e.g. not for `plugin check`).
    pub run: Option<RunId>,
    /// The source's name.
    pub source: String,
    /// The plugin's name.
    pub plugin: String,
    /// The HTTP method (`GET`).
    pub method: String,
    /// The host, with a port if not the default one.
    pub host: String,
    /// The path and query (see above for what is kept).
    pub path: String,
    /// The response status; `None` when denied or when no response came.
    pub status: Option<u16>,
    /// Response body bytes received.
    pub bytes: u64,
    /// Wall time of the call in milliseconds.
    pub millis: u64,
    /// Allowed or denied.
    pub decision: Decision,
    /// Why it was denied, or what failed (the host writes it; no raw text).
    pub reason: Option<String>,
}

/// Which audit entries [`StateStore::audit_log`](crate::StateStore::audit_log)
/// returns. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this source.
    pub source: Option<String>,
    /// Only this run.
    pub run: Option<RunId>,
    /// Only this host.
    pub host: Option<String>,
    /// Only allowed or only denied calls.
    pub decision: Option<Decision>,
    /// Only entries recorded at or after this time (unix ms).
    pub since_ms: Option<i64>,
    /// Only entries with a smaller sequence number (to page backwards:
    /// pass the last `seq` of the previous page).
    pub before_seq: Option<i64>,
    /// At most this many, newest first; 0 means no limit.
    pub limit: usize,
}

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Position in the log: dense, starting at 1, in append order.
    pub seq: i64,
    /// When the store recorded the call: right after it finished, or, for
    /// entries written in a batch, when the batch was stored (the host's
    /// audit writer stores what has queued up, a transaction later at most).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The run, if any.
    pub run: Option<RunId>,
    /// The source.
    pub source: String,
    /// The plugin.
    pub plugin: String,
    /// The method.
    pub method: String,
    /// The host.
    pub host: String,
    /// The path, with query values masked.
    pub path: String,
    /// The response status, if there was one.
    pub status: Option<u16>,
    /// Bytes received.
    pub bytes: u64,
    /// Milliseconds taken.
    pub millis: u64,
    /// Allowed or denied.
    pub decision: Decision,
    /// The reason, if any.
    pub reason: Option<String>,
}

/// Where a source resumes, and which run put it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CursorRecord {
    /// The source.
    pub source: String,
    /// The plugin's opaque cursor; `None` means "from the start".
    pub cursor: Option<String>,
    /// The run whose commit set it.
    pub run: Option<RunId>,
    /// When it was set.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
}

/// HTTP validators remembered for one URL, sent back as `If-None-Match` and
/// `If-Modified-Since` so that an unchanged page costs a 304.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` response header, verbatim (quotes and `W/` included).
    pub etag: Option<String>,
    /// The `Last-Modified` response header, verbatim.
    pub last_modified: Option<String>,
}
