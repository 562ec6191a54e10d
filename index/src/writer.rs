//! The single writer: idempotent upserts, deletes, batched commits.
//!
//! # Idempotence
//!
//! A document's stable id (`{source}:{record id}`) is its key. `upsert`
//! deletes the id's term and adds the new version in one batch, so a
//! re-ingested record replaces itself and never duplicates; tantivy applies
//! a delete to every earlier add of the batch too, so even two upserts of
//! one id before a commit leave one document.
//!
//! Before writing, `upsert` compares the document's content hash (see
//! [`encode`](crate::schema::encode), which ignores `run_id`)
//! with the stored one, read from a fast column (no document is decoded).
//! An unchanged document is not rewritten: a re-run over the same posts
//! costs one term lookup per post and causes no segment churn.
//!
//! Uncommitted changes are invisible to the reader, so the writer keeps
//! its own small map of what the open batch did to each id (and which
//! `delete_where` filters it ran), and answers from it first. The map is
//! cleared on commit; it is as large as a batch.
//!
//! # Batches and memory
//!
//! Nothing is visible until [`IndexWriter::commit`], and a commit is a
//! durable point (an fsync and a new reader): the host commits per batch
//! of a source (so a cursor moves only once its documents are safe), not
//! per document. Tantivy flushes a segment whenever a worker's arena
//! fills, whatever the commits, so the memory budget bounds the writer's
//! RAM: [`WriterOptions::default`] is one indexing thread with 128 MB and
//! one merge thread, which on a 2-core machine leaves the other core to the
//! pipeline (de-identification and analysis dominate ingest cost).
//!
//! # Locking
//!
//! tantivy's directory lock (`.tantivy-writer.lock`, an OS file lock)
//! makes the writer single: a second one, in this process or another,
//! fails at once with [`IndexError::Locked`] naming the directory. The lock
//! is released when the writer is dropped; uncommitted changes are then
//! discarded.

use std::collections::HashMap;

use hearken_document::AnalysedDocument;
use tantivy::directory::error::LockError;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, TantivyError, Term};

use crate::schema::{Fields, encode, names, to_tantivy};
use crate::{Index, IndexError, display_dir, find_id, load};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UpsertOutcome {
    /// The id was not in the index: the document was added.
    New,
    /// The id was there with other content: it was replaced.
    Updated,
    /// The id was there with the same content: nothing was written.
    Unchanged,
}

/// A field to delete by, for `hearken forget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ByField {
    /// Every document of a source.
    Source(String),
    /// Every document of an author pseudonym.
    Author(String),
}

/// How the writer uses threads and memory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WriterOptions {
    /// Indexing threads (each with its own arena and segment).
    pub threads: usize,
    /// Memory budget per indexing thread, in bytes (tantivy needs at least
    /// 15 MB). A full arena is flushed to a new segment.
    pub memory_per_thread: usize,
    /// Threads merging segments in the background.
    pub merge_threads: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            threads: 1,
            memory_per_thread: 128 << 20,
            merge_threads: 1,
        }
    }
}

/// What the open batch has done to an id.
#[derive(Debug, Clone)]
enum Pending {
    Upserted {
        hash: u64,
        source: String,
        author: Option<String>,
    },
    Deleted,
}

/// The index's single writer. See the [module docs](self).
pub struct IndexWriter {
    index: Index,
    writer: tantivy::IndexWriter<TantivyDocument>,
    pending: HashMap<String, Pending>,
    /// `delete_where` filters run in the open batch: a committed document
    /// matching one of them is gone once the batch commits.
    deleted_by: Vec<ByField>,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter")
            .field("dir", &self.index.dir())
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl ByField {
    fn term(&self, fields: &Fields) -> Term {
        match self {
            ByField::Source(s) => Term::from_field_text(fields.source, s),
            ByField::Author(a) => Term::from_field_text(fields.author, a),
        }
    }

    fn matches(&self, source: &str, author: Option<&str>) -> bool {
        match self {
            ByField::Source(s) => s == source,
            ByField::Author(a) => author == Some(a.as_str()),
        }
    }
}

impl IndexWriter {
    pub(crate) fn new(index: Index, options: &WriterOptions) -> Result<IndexWriter, IndexError> {
        let tantivy_options = IndexWriterOptions::builder()
            .num_worker_threads(options.threads.max(1))
            .memory_budget_per_thread(options.memory_per_thread)
            .num_merge_threads(options.merge_threads.max(1))
            .build();
        let writer = index
            .inner()
            .index
            .writer_with_options(tantivy_options)
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => IndexError::Locked {
                    dir: display_dir(index.dir()),
                },
                other => IndexError::Tantivy(other),
            })?;
        Ok(IndexWriter {
            index,
            writer,
            pending: HashMap::new(),
            deleted_by: Vec::new(),
        })
    }

    fn fields(&self) -> &Fields {
        &self.index.inner().fields
    }

    fn searcher(&self) -> Searcher {
        self.index.inner().reader.searcher()
    }

    /// The committed, live document with this id that the open batch has
    /// not deleted, with its content hash.
    fn committed(&self, id: &str) -> Result<Option<(DocAddress, u64)>, IndexError> {
        let searcher = self.searcher();
        let Some(address) = find_id(&searcher, self.fields(), id)? else {
            return Ok(None);
        };
        if !self.deleted_by.is_empty() {
            // Rare (a `forget` in the middle of a batch): decode the
            // document to see whether a pending filter covers it.
            let doc = load(&searcher, self.fields(), address)?;
            if self
                .deleted_by
                .iter()
                .any(|by| by.matches(&doc.source, doc.author.as_deref()))
            {
                return Ok(None);
            }
        }
        let segment = searcher.segment_reader(address.segment_ord);
        let hash = segment
            .fast_fields()
            .u64(names::HASH)?
            .first(address.doc_id)
            .unwrap_or(0);
        Ok(Some((address, hash)))
    }

    /// The content hash the index will hold for `id` once the batch
    /// commits, `None` if it will hold no such document.
    fn current_hash(&self, id: &str) -> Result<Option<u64>, IndexError> {
        match self.pending.get(id) {
            Some(Pending::Upserted { hash, .. }) => Ok(Some(*hash)),
            Some(Pending::Deleted) => Ok(None),
            None => Ok(self.committed(id)?.map(|(_, hash)| hash)),
        }
    }

    /// Adds or replaces `doc`, keyed on `doc.id`; does nothing if the index
    /// already holds the same content (ignoring `run_id`).
    pub fn upsert(&mut self, doc: &AnalysedDocument) -> Result<UpsertOutcome, IndexError> {
        let (json, hash) = encode(doc)?;
        let outcome = match self.current_hash(&doc.id)? {
            Some(old) if old == hash => return Ok(UpsertOutcome::Unchanged),
            Some(_) => UpsertOutcome::Updated,
            None => UpsertOutcome::New,
        };
        let tantivy_doc = to_tantivy(self.fields(), doc, json, hash);
        // A new id is in no segment and not pending: there is nothing to
        // delete, and a delete would still be looked up in every segment
        // at the next commit.
        if outcome == UpsertOutcome::Updated {
            self.writer
                .delete_term(Term::from_field_text(self.fields().id, &doc.id));
        }
        self.writer.add_document(tantivy_doc)?;
        self.pending.insert(
            doc.id.clone(),
            Pending::Upserted {
                hash,
                source: doc.source.clone(),
                author: doc.author.clone(),
            },
        );
        Ok(outcome)
    }

    /// Adds a document known not to be in the index, without looking it
    /// up or remembering it (for rebuilding into an empty index).
    pub(crate) fn add_fresh(&mut self, doc: &AnalysedDocument) -> Result<(), IndexError> {
        let (json, hash) = encode(doc)?;
        let tantivy_doc = to_tantivy(self.fields(), doc, json, hash);
        self.writer.add_document(tantivy_doc)?;
        Ok(())
    }

    /// Deletes the document with this id; `true` if there was one.
    pub fn delete(&mut self, id: &str) -> Result<bool, IndexError> {
        let existed = self.current_hash(id)?.is_some();
        self.writer
            .delete_term(Term::from_field_text(self.fields().id, id));
        self.pending.insert(id.to_string(), Pending::Deleted);
        Ok(existed)
    }

    /// Deletes every document of a source or an author; returns how many
    /// there were (committed ones and ones upserted in the open batch).
    pub fn delete_where(&mut self, by: ByField) -> Result<u64, IndexError> {
        let searcher = self.searcher();
        let term = by.term(self.fields());
        let query = TermQuery::new(term.clone(), IndexRecordOption::Basic);
        // Committed matches, minus those the batch has already replaced or
        // deleted (counted below from the batch, or not at all) and those
        // an earlier `delete_where` of this batch already took.
        let mut count = 0u64;
        if self.pending.is_empty() && self.deleted_by.is_empty() {
            count = searcher.search(&query, &tantivy::collector::Count)? as u64;
        } else {
            let addresses = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
            for address in addresses {
                let doc = load(&searcher, self.fields(), address)?;
                let superseded = self.pending.contains_key(&doc.id)
                    || self
                        .deleted_by
                        .iter()
                        .any(|d| d.matches(&doc.source, doc.author.as_deref()));
                if !superseded {
                    count += 1;
                }
            }
        }
        for pending in self.pending.values_mut() {
            if let Pending::Upserted { source, author, .. } = pending
                && by.matches(source, author.as_deref())
            {
                count += 1;
                *pending = Pending::Deleted;
            }
        }
        self.writer.delete_term(term);
        self.deleted_by.push(by);
        Ok(count)
    }

    /// Makes the batch durable and visible, and reloads the reader so that
    /// searches (and the next upserts) see it at once.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.pending.clear();
        self.deleted_by.clear();
        self.index.inner().reader.reload()?;
        Ok(())
    }

    /// Changes made since the last commit (upserts and deletes).
    pub fn pending(&self) -> usize {
        self.pending.len() + self.deleted_by.len()
    }

    /// Drops the uncommitted batch.
    pub fn rollback(&mut self) -> Result<(), IndexError> {
        self.writer.rollback()?;
        self.pending.clear();
        self.deleted_by.clear();
        Ok(())
    }

    /// Waits for background merges to finish (e.g. at the end of a large
    /// ingest or a reindex, before measuring the index size). Consumes the
    /// writer and releases the lock.
    pub fn wait_merging_threads(self) -> Result<(), IndexError> {
        Ok(self.writer.wait_merging_threads()?)
    }
}
