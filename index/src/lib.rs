//! The search index: a [tantivy] index of de-identified, analysed
//! documents, with an idempotent writer, Hearken's query language, facet
//! counts and a date histogram.
//!
//! # Brief overview
//!
//! - [`Index`] opens (or creates) the index in a directory, checks its
//!   schema version, and answers searches. It is cheap to clone and safe to
//!   share between threads; its reader reloads after every commit.
//! - [`IndexWriter`] ([`Index::writer`]) holds the single writer lock and
//!   [upserts](IndexWriter::upsert) documents: idempotent on the stable id,
//!   and an unchanged document is not rewritten. Nothing is visible until
//!   [`IndexWriter::commit`]; the host commits in batches (and moves a
//!   source's cursor only after the commit).
//! - [`SearchRequest`] → [`Index::search`] → [`SearchResults`]: hits with
//!   highlighted snippets, facet counts over the whole result set and an
//!   optional histogram. The query language is described in [`query`].
//! - [`reindex`] rebuilds an index of another schema version from the
//!   documents stored in it.
//!
//! The layout follows tantivy's own: [`schema`] (fields and why),
//! [`writer`], [`query`] (our language → tantivy queries), [`search`]
//! (ordering, paging, snippets) and [`facets`] (counting).
//!
//! # What is stored
//!
//! Each document is stored whole, as the JSON of its [`AnalysedDocument`],
//! so [`Index::get`] and [`Index::documents`] return exactly what was
//! written and a schema change never loses information. The index only
//! ever holds de-identified text (the host guarantees it); this crate
//! still never logs document text.
//!
//! ```
//! # fn main() -> Result<(), hearken_index::IndexError> {
//! use hearken_index::{Index, SearchRequest};
//! let index = Index::create_in_ram()?;
//! let results = index.search(&SearchRequest {
//!     query: "\"side effects\"~2 sentiment:negative".into(),
//!     ..SearchRequest::default()
//! })?;
//! assert_eq!(results.total, 0);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hearken_document::AnalysedDocument;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, IndexReader, ReloadPolicy, Searcher, TERMINATED, Term};

pub mod error;
pub mod facets;
pub mod query;
pub mod reindex;
pub mod schema;
pub mod search;
pub mod writer;

pub use error::{IndexError, render_query_error};
pub use facets::{Bucket, FacetCount, Facets, Interval};
pub use query::{period_bounds, validate_query};
pub use reindex::{ReindexReport, reindex};
pub use schema::SCHEMA_VERSION;
pub use search::{Hit, HitSentiment, SearchRequest, SearchResults, SortOrder};
pub use writer::{ByField, IndexWriter, UpsertOutcome, WriterOptions};

use crate::error::io_error;
use crate::schema::Fields;

/// An open index. Clones share the same index and reader.
#[derive(Clone)]
pub struct Index {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub index: tantivy::Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// The directory, or `None` for an in-RAM index.
    pub dir: Option<PathBuf>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

/// Threads used to search segments in parallel.
fn search_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

impl Index {
    /// Opens the index in `dir`, or creates it (and `dir`) if there is none.
    ///
    /// Fails with [`IndexError::SchemaVersion`] if the index was written
    /// with another [`SCHEMA_VERSION`]: run [`reindex`] (`hearken
    /// reindex`) to rebuild it.
    pub fn open_or_create(dir: &Path) -> Result<Index, IndexError> {
        std::fs::create_dir_all(dir).map_err(io_error("cannot create", dir))?;
        let (wanted, fields) = schema::build_schema();
        let index = if dir.join("meta.json").exists() {
            // 0: an index from before versions were recorded.
            let found = schema::read_version(dir)?.unwrap_or(0);
            if found != SCHEMA_VERSION {
                return Err(IndexError::SchemaVersion {
                    dir: dir.to_path_buf(),
                    found,
                    expected: SCHEMA_VERSION,
                });
            }
            let index = tantivy::Index::open_in_dir(dir)?;
            if index.schema() != wanted {
                return Err(IndexError::SchemaChanged {
                    dir: dir.to_path_buf(),
                    version: found,
                });
            }
            index
        } else {
            let index = tantivy::Index::create_in_dir(dir, wanted)?;
            schema::write_version(dir)?;
            index
        };
        Index::from_tantivy(index, fields, Some(dir.to_path_buf()))
    }

    /// A new, empty index in memory (for tests and benchmarks).
    pub fn create_in_ram() -> Result<Index, IndexError> {
        let (schema, fields) = schema::build_schema();
        Index::from_tantivy(tantivy::Index::create_in_ram(schema), fields, None)
    }

    fn from_tantivy(
        mut index: tantivy::Index,
        fields: Fields,
        dir: Option<PathBuf>,
    ) -> Result<Index, IndexError> {
        schema::register_analyzers(&index);
        index.set_multithread_executor(search_threads())?;
        // Reload on commits by other processes too (the daemon writing
        // while `hearken serve` reads); our own writer also reloads
        // explicitly after each commit, so the delay never shows there.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Index {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                dir,
            }),
        })
    }

    /// The index directory, `None` for an in-RAM index.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.dir.as_deref()
    }

    /// The writer, with [`WriterOptions::default`]. There is one writer per
    /// index: if another (in this process or another) holds the lock, this
    /// fails with [`IndexError::Locked`].
    pub fn writer(&self) -> Result<IndexWriter, IndexError> {
        self.writer_with(&WriterOptions::default())
    }

    /// The writer, with explicit threads and memory budget.
    pub fn writer_with(&self, options: &WriterOptions) -> Result<IndexWriter, IndexError> {
        IndexWriter::new(self.clone(), options)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        search::run(&self.inner, request)
    }

    /// The document with this id, as it was written.
    pub fn get(&self, id: &str) -> Result<Option<AnalysedDocument>, IndexError> {
        let searcher = self.inner.reader.searcher();
        match find_id(&searcher, &self.inner.fields, id)? {
            None => Ok(None),
            Some(address) => load(&searcher, &self.inner.fields, address).map(Some),
        }
    }

    /// How many documents the index holds (as of the last reload).
    pub fn count(&self) -> Result<u64, IndexError> {
        Ok(self.inner.reader.searcher().num_docs())
    }

    /// Every stored document, ordered by id. This holds them all in
    /// memory; for a large index prefer [`Index::for_each_document`].
    pub fn documents(&self) -> Result<Vec<AnalysedDocument>, IndexError> {
        let mut docs = Vec::new();
        self.for_each_document(|doc| {
            docs.push(doc);
            Ok(())
        })?;
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(docs)
    }

    /// Calls `f` with every stored document, in storage order (which is
    /// not meaningful); stops at the first error `f` returns.
    pub fn for_each_document(
        &self,
        f: impl FnMut(AnalysedDocument) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        let searcher = self.inner.reader.searcher();
        let doc_field = self.inner.fields.doc;
        for_each_stored(&searcher, doc_field, f)
    }

    /// Makes the latest commit visible to searches now rather than after
    /// the reader's polling delay (commits by this process's writer are
    /// visible at once without it).
    pub fn reload(&self) -> Result<(), IndexError> {
        Ok(self.inner.reader.reload()?)
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

/// Calls `f` with every stored document of a searcher, decoding the JSON
/// in `doc_field`.
pub(crate) fn for_each_stored(
    searcher: &Searcher,
    doc_field: tantivy::schema::Field,
    mut f: impl FnMut(AnalysedDocument) -> Result<(), IndexError>,
) -> Result<(), IndexError> {
    use tantivy::schema::Value;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let store = segment
            .get_store_reader(1)
            .map_err(|e| IndexError::Tantivy(e.into()))?;
        for (n, stored) in store
            .iter::<tantivy::TantivyDocument>(segment.alive_bitset())
            .enumerate()
        {
            let stored = stored?;
            let location = || format!("number {n} of segment {ord}");
            let json = stored
                .get_first(doc_field)
                .and_then(|v| v.as_str())
                .ok_or_else(|| IndexError::CorruptDocument {
                    location: location(),
                    message: "the stored document has no `doc` field".into(),
                })?;
            f(schema::decode_json(json, location)?)?;
        }
    }
    Ok(())
}

/// The address of the live document with this id, if any.
pub(crate) fn find_id(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
) -> Result<Option<DocAddress>, IndexError> {
    let term = Term::from_field_text(fields.id, id);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(fields.id)?;
        let Some(mut postings) = inverted
            .read_postings(&term, IndexRecordOption::Basic)
            .map_err(|e| IndexError::Tantivy(e.into()))?
        else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if !segment.is_deleted(doc) {
                return Ok(Some(DocAddress::new(ord as u32, doc)));
            }
            doc = postings.advance();
        }
    }
    Ok(None)
}

/// Loads and decodes the stored document at `address`.
pub(crate) fn load(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
) -> Result<AnalysedDocument, IndexError> {
    let stored: tantivy::TantivyDocument = searcher.doc(address)?;
    schema::decode_stored(fields, &stored, || {
        format!(
            "number {} of segment {}",
            address.doc_id, address.segment_ord
        )
    })
}

/// A path to show in messages for an index that may live in memory.
pub(crate) fn display_dir(dir: Option<&Path>) -> PathBuf {
    dir.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("<in memory>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shareable<T: Send + Sync + Clone + 'static>() {}
    fn movable<T: Send + 'static>() {}

    #[test]
    fn handles_can_cross_threads() {
        // The host searches from many tasks and writes from a blocking one.
        shareable::<Index>();
        movable::<IndexWriter>();
        movable::<SearchResults>();
    }

    #[test]
    fn in_ram_index_reports_its_lock_without_a_path() {
        let index = Index::create_in_ram().unwrap();
        let _writer = index.writer().unwrap();
        let err = index.writer().unwrap_err();
        assert!(err.to_string().contains("<in memory>"), "{err}");
    }
}
