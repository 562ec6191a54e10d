//! Rebuilding an index from its stored documents (`hearken reindex`).
//!
//! Every version of the schema stores the whole [`AnalysedDocument`] as
//! JSON in a field named `doc`, so an index of any version can be read
//! without knowing the rest of its schema. Rebuilding:
//!
//! 1. opens the old index with its own schema and takes its writer lock,
//!    so nothing ingests into it meanwhile ([`IndexError::Locked`] if
//!    something is);
//! 2. streams its live documents, segment by segment, into a fresh index
//!    of the current schema in a sibling directory (`<dir>.reindex`),
//!    committing every [`BATCH`] documents so memory stays flat;
//! 3. swaps the directories (old → `<dir>.pre-reindex`, new → `<dir>`)
//!    and deletes the old one.
//!
//! A crash before step 3 leaves the old index untouched (and a stale
//! `.reindex` directory that the next attempt clears). The swap is two
//! renames; if the second fails, the first is undone.

use std::path::{Path, PathBuf};

use hearken_document::AnalysedDocument;
use tantivy::TantivyError;
use tantivy::directory::error::LockError;
use tantivy::indexer::IndexWriterOptions;

use crate::error::io_error;
use crate::schema::{self, SCHEMA_VERSION, names};
use crate::{Index, IndexError, WriterOptions, for_each_stored};

/// Documents per commit while rebuilding.
pub const BATCH: u64 = 50_000;

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReindexReport {
    /// The schema version the old index had (0: unrecorded).
    pub from_version: u32,
    /// The version it has now ([`SCHEMA_VERSION`]).
    pub to_version: u32,
    /// Documents carried over.
    pub documents: u64,
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    dir.with_file_name(name)
}

fn remove_if_present(path: &Path) -> Result<(), IndexError> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error("cannot remove", path)(e)),
    }
}

/// Rebuilds the index in `dir` with the current schema from the documents
/// stored in it, whatever its schema version.
pub fn reindex(dir: &Path) -> Result<ReindexReport, IndexError> {
    let from_version = schema::read_version(dir)?.unwrap_or(0);
    let old = tantivy::Index::open_in_dir(dir)?;
    let doc_field =
        old.schema()
            .get_field(names::DOC)
            .map_err(|_| IndexError::CorruptDocument {
                location: dir.display().to_string(),
                message: "the index has no stored `doc` field, so it cannot be rebuilt from \
                          stored documents; ingest its sources again instead"
                    .into(),
            })?;
    // Hold the old index's writer lock for the whole rebuild.
    let lock = old
        .writer_with_options::<tantivy::TantivyDocument>(
            IndexWriterOptions::builder().num_worker_threads(1).build(),
        )
        .map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked {
                dir: dir.to_path_buf(),
            },
            other => IndexError::Tantivy(other),
        })?;
    let searcher = old.reader()?.searcher();

    let staging = sibling(dir, ".reindex");
    remove_if_present(&staging)?;
    let documents = {
        let new = Index::open_or_create(&staging)?;
        let mut writer = new.writer_with(&WriterOptions::default())?;
        let mut documents = 0u64;
        for_each_stored(&searcher, doc_field, |doc: AnalysedDocument| {
            writer.add_fresh(&doc)?;
            documents += 1;
            if documents.is_multiple_of(BATCH) {
                writer.commit()?;
                tracing::info!(documents, "reindex progress");
            }
            Ok(())
        })?;
        writer.commit()?;
        writer.wait_merging_threads()?;
        documents
    };
    drop(searcher);
    drop(lock);
    drop(old);

    let backup = sibling(dir, ".pre-reindex");
    remove_if_present(&backup)?;
    std::fs::rename(dir, &backup).map_err(io_error("cannot move the old index to", &backup))?;
    if let Err(e) = std::fs::rename(&staging, dir) {
        // Put the old index back before reporting.
        let _ = std::fs::rename(&backup, dir);
        return Err(io_error("cannot move the rebuilt index to", dir)(e));
    }
    remove_if_present(&backup)?;
    tracing::info!(
        documents,
        from_version,
        to_version = SCHEMA_VERSION,
        "index rebuilt"
    );
    Ok(ReindexReport {
        from_version,
        to_version: SCHEMA_VERSION,
        documents,
    })
}
