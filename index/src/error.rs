//! One error type for the whole crate.
//!
//! Following tantivy's own `TantivyError`, every failure of this crate is a
//! variant of [`IndexError`], so the host can match on the few it treats
//! specially — a stale schema ([`IndexError::SchemaVersion`]) sends the
//! user to `hearken reindex`, a held lock ([`IndexError::Locked`]) is a
//! "try again later", a bad query ([`IndexError::QueryParse`]) is a usage
//! error (exit code 2) shown with a caret — and print the rest.
//!
//! # Privacy
//!
//! The index holds de-identified text only, but messages here still never
//! quote document content: they name a document by id, a directory by
//! path, a query by byte position. The one thing echoed back is the
//! researcher's own query (by [`render_query_error`]), which is not patient
//! text.

use std::path::PathBuf;

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// The directory holds an index written with another schema version.
    #[error(
        "the index in {} was written with schema version {found}, but this build of Hearken \
         uses schema version {expected}; run `hearken reindex` to rebuild it from its stored \
         documents",
        dir.display()
    )]
    SchemaVersion {
        /// The index directory.
        dir: PathBuf,
        /// The version recorded in the directory (0: an index from before
        /// versions were recorded).
        found: u32,
        /// The version this build writes ([`crate::SCHEMA_VERSION`]).
        expected: u32,
    },
    /// The index records this build's schema version but its fields differ
    /// (a schema change that forgot to bump [`crate::SCHEMA_VERSION`]).
    #[error(
        "the index in {} says schema version {version} but its fields differ from this build's; \
         run `hearken reindex` to rebuild it from its stored documents",
        dir.display()
    )]
    SchemaChanged {
        /// The index directory.
        dir: PathBuf,
        /// The version both claim.
        version: u32,
    },
    /// Another writer holds the index lock.
    #[error(
        "the index in {} is locked by another writer — most likely another `hearken` process \
         (a run, the daemon or a reindex) is writing to it; wait for it to finish and try again",
        dir.display()
    )]
    Locked {
        /// The index directory (`<in memory>` for an in-RAM index).
        dir: PathBuf,
    },
    /// The query could not be parsed.
    #[error("cannot parse the query at byte {position}: {message}")]
    QueryParse {
        /// What is wrong and what was expected there.
        message: String,
        /// Byte offset into the query where the problem is.
        position: usize,
        /// Length of the query in bytes (so a caret can be drawn past its
        /// end when something is missing there).
        query_len: usize,
    },
    /// A search request has a value this crate cannot use.
    #[error("invalid search request: {0}")]
    InvalidRequest(String),
    /// The version file in the index directory is unreadable.
    #[error("the schema version file {} is not valid: {message}", path.display())]
    VersionFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A stored document could not be decoded.
    #[error("stored document {location} cannot be decoded: {message}")]
    CorruptDocument {
        /// Which document (id or segment/doc address).
        location: String,
        /// The decoder's complaint (serde's message: it names a position
        /// and an expected type, never content).
        message: String,
    },
    /// A document could not be encoded for storage.
    #[error("document {id} cannot be encoded: {source}")]
    Encode {
        /// The document id.
        id: String,
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// A file-system operation on the index directory failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot create", "cannot rename", …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// An error from tantivy itself.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl IndexError {
    /// For a [`IndexError::QueryParse`], the query with a caret under the
    /// offending position and the message, ready to print; `None` for other
    /// errors.
    pub fn render_with_query(&self, query: &str) -> Option<String> {
        match self {
            IndexError::QueryParse {
                message, position, ..
            } => Some(render_query_error(query, *position, message)),
            _ => None,
        }
    }
}

/// Draws `query` with a caret under byte `position` and `message` after it:
///
/// ```text
/// theme:travel AND (placebo
///                          ^ expected `)` to close the group opened at byte 17
/// ```
///
/// The caret is placed by characters, not bytes, so it lines up under
/// non-ASCII queries in a terminal that shows one column per character.
pub fn render_query_error(query: &str, position: usize, message: &str) -> String {
    let position = position.min(query.len());
    // Count the characters before the position, stepping back to a char
    // boundary if a position ever points inside one.
    let mut boundary = position;
    while !query.is_char_boundary(boundary) {
        boundary -= 1;
    }
    let column = query[..boundary].chars().count();
    format!("{query}\n{}^ {message}", " ".repeat(column))
}

pub(crate) fn io_error(
    action: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> IndexError {
    let path = path.into();
    move |source| IndexError::Io {
        action,
        path,
        source,
    }
}
