//! Ingestion: one pass of one source, from plugin to index to cursor.
//!
//! ```text
//! loop:  fetch(config, cursor) ─▶ check the batch ─▶ pipeline (all cores) ─▶ upsert ─┐
//!        ▲                                                                         │
//!        └── every `commit_every` documents, and at the end: commit index ─▶ commit cursor
//! ```
//!
//! The cursor only moves after the index commit that covers the documents
//! fetched with it, in one state-store transaction with the run's counts. A
//! crash anywhere in between re-fetches from the last committed cursor, and
//! idempotent upserts (a document's id is `{source}:{record id}`) make the
//! re-fetch harmless: nothing lost, nothing twice.
//!
//! A batch that breaks the contract (a record without an id, a URL that is
//! not a URL, a time that is not RFC 3339, the same id twice) fails the run
//! with an error naming the record and the field — never quoting its text.
//! What was committed before stays committed.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearken_document::AnalysedDocument;
use hearken_index::{Index, IndexWriter, UpsertOutcome};
use hearken_state::{PageProgress, RunStatus, StateStore};
use serde::Serialize;

use crate::config::SourceConfig;
use crate::pipeline::{Pipeline, Provenance};
use crate::plugin::bindings::{Batch, Record, RecordKind};
use crate::plugin::gate::{HttpGate, NetworkPolicy, Requester};
use crate::plugin::{CallContext, CallLimits, LoadedPlugin, PluginError, PluginRuntime, Scrubber};

/// Documents between index commits.
pub const COMMIT_EVERY: usize = 2_000;
/// Largest body a record may carry, in bytes.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What one source's run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    /// Source name.
    pub source: String,
    /// Run id in the ledger.
    pub run_id: String,
    /// `fetch` calls made.
    pub pages: u64,
    /// Records received.
    pub records: u64,
    /// Documents new to the index.
    pub new: u64,
    /// Documents that replaced a changed version.
    pub updated: u64,
    /// Documents already in the index unchanged.
    pub unchanged: u64,
    /// Identifiers removed, by type.
    pub redactions: BTreeMap<String, u64>,
    /// Why the run failed, if it did.
    pub error: Option<String>,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The plugin failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The index failed.
    #[error("index: {0}")]
    Index(#[from] hearken_index::IndexError),
    /// The state store failed.
    #[error("state store: {0}")]
    State(#[from] hearken_state::StateError),
    /// A worker thread failed.
    #[error("pipeline worker failed: {0}")]
    Worker(String),
}

/// What every source's run shares.
pub struct IngestEnv {
    /// The plugin engine.
    pub runtime: Arc<PluginRuntime>,
    /// The network gate.
    pub gate: Arc<HttpGate>,
    /// The pipeline.
    pub pipeline: Arc<Pipeline>,
    /// The index.
    pub index: Index,
    /// The index's single writer.
    pub writer: Arc<Mutex<IndexWriter>>,
    /// Cursors, ledger, audit.
    pub state: StateStore,
}

impl std::fmt::Debug for IngestEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IngestEnv").finish_non_exhaustive()
    }
}

/// Run one pass of source `name`: fetch until the plugin says it is
/// exhausted (or `max_pages`), index, and move the cursor.
pub async fn run_source(env: &IngestEnv, name: &str, cfg: &SourceConfig, plugin: &LoadedPlugin) -> RunSummary {
    let mut summary = RunSummary { source: name.to_string(), ..RunSummary::default() };
    let run = match env.state.begin_run(name, &plugin.info.name, &plugin.info.version) {
        Ok(run) => run,
        Err(e) => {
            summary.error = Some(format!("could not start a run: {e}"));
            return summary;
        }
    };
    summary.run_id = run.as_str().to_string();
    let result = run_pages(env, name, cfg, plugin, &run, &mut summary).await;
    let (status, error) = match &result {
        Ok(()) => (RunStatus::Succeeded, None),
        Err(e) => (RunStatus::Failed, Some(e.to_string())),
    };
    if let Err(e) = env.state.finish_run(&run, status, error.as_deref()) {
        tracing::error!(source = name, "could not record the end of run {}: {e}", run.as_str());
    }
    match &error {
        Some(e) => tracing::error!(source = name, run = run.as_str(), "run failed: {e}"),
        None => tracing::info!(
            source = name,
            run = run.as_str(),
            pages = summary.pages,
            records = summary.records,
            new = summary.new,
            updated = summary.updated,
            unchanged = summary.unchanged,
            "run finished"
        ),
    }
    summary.error = error;
    summary
}

async fn run_pages(
    env: &IngestEnv,
    name: &str,
    cfg: &SourceConfig,
    plugin: &LoadedPlugin,
    run: &hearken_state::RunId,
    summary: &mut RunSummary,
) -> Result<(), IngestError> {
    let pipeline = env.pipeline.clone();
    let scrubber: Scrubber = Arc::new(move |s: &str| pipeline.scrub(s));
    let ctx = CallContext {
        gate: Some(env.gate.clone()),
        requester: Requester {
            source: name.to_string(),
            plugin: plugin.info.name.clone(),
            declared: plugin.info.hosts.clone(),
            run_id: Some(run.as_str().to_string()),
        },
        network: NetworkPolicy {
            granted: cfg.grant_hosts.iter().map(|h| h.get_ref().clone()).collect(),
            max_response_bytes: cfg.max_response_mib * 1024 * 1024,
            timeout: Duration::from_secs(cfg.request_timeout_secs),
            min_interval: Duration::from_millis(cfg.min_interval_ms),
            obey_robots: cfg.obey_robots,
        },
        inputs: Arc::new(cfg.inputs.iter().map(PathBuf::from).collect()),
        max_input_bytes: 64 * 1024 * 1024,
        scrubber: Some(scrubber),
    };
    let limits = CallLimits { time: cfg.time_budget(), memory_bytes: (cfg.memory_mib * 1024 * 1024) as usize };
    let config_json = cfg.plugin_config_json().to_string();
    let from = Provenance {
        source: name.to_string(),
        plugin: plugin.info.name.clone(),
        plugin_version: plugin.info.version.clone(),
        run_id: run.as_str().to_string(),
    };

    let mut cursor = env.state.cursor(name)?;
    let mut pending_docs = 0usize;
    let mut pending_cursor_dirty = false;
    let mut seen_cursors: HashSet<Option<String>> = HashSet::new();
    for page in 0..cfg.max_pages {
        let batch = env.runtime.fetch(plugin, ctx.clone(), limits, &config_json, cursor.as_deref()).await?;
        summary.pages += 1;
        check_batch(&plugin.info.name, page, &batch)?;
        let Batch { records, cursor: next, exhausted } = batch;
        summary.records += records.len() as u64;
        let progress = index_records(env, records, &from).await?;
        pending_docs += (progress.new + progress.updated) as usize;
        add_progress(summary, &progress);
        env.state.record_page(run, progress)?;
        if let Some(next) = next {
            if cursor.as_deref() != Some(next.as_str()) {
                pending_cursor_dirty = true;
            }
            cursor = Some(next);
        }
        if exhausted || pending_docs >= COMMIT_EVERY {
            commit(env)?;
            env.state.commit_cursor(run, name, cursor.as_deref())?;
            pending_docs = 0;
            pending_cursor_dirty = false;
        }
        if exhausted {
            return Ok(());
        }
        // A plugin that hands back the same cursor without finishing would
        // loop until max_pages; stop it early with a clear message.
        if !seen_cursors.insert(cursor.clone()) {
            commit(env)?;
            env.state.commit_cursor(run, name, cursor.as_deref())?;
            return Err(PluginError::Contract {
                plugin: plugin.info.name.clone(),
                reason: format!("page {} returned a cursor it had already returned without saying it was exhausted", page + 1),
            }
            .into());
        }
    }
    if pending_docs > 0 || pending_cursor_dirty {
        commit(env)?;
        env.state.commit_cursor(run, name, cursor.as_deref())?;
    }
    tracing::warn!(source = name, "stopped after max_pages = {} fetch calls; the next run resumes from the cursor", cfg.max_pages);
    Ok(())
}

fn commit(env: &IngestEnv) -> Result<(), IngestError> {
    let mut writer = env.writer.lock().map_err(|_| IngestError::Worker("index writer lock poisoned".into()))?;
    writer.commit()?;
    Ok(())
}

fn add_progress(summary: &mut RunSummary, p: &PageProgress) {
    summary.new += p.new;
    summary.updated += p.updated;
    summary.unchanged += p.unchanged;
    for (k, v) in &p.redactions {
        *summary.redactions.entry(k.clone()).or_default() += v;
    }
}

/// Run the pipeline over a batch on the blocking pool (using every core)
/// and upsert the documents.
async fn index_records(env: &IngestEnv, records: Vec<Record>, from: &Provenance) -> Result<PageProgress, IngestError> {
    let pipeline = env.pipeline.clone();
    let from = from.clone();
    let docs: Vec<AnalysedDocument> = tokio::task::spawn_blocking(move || analyse_batch(&pipeline, records, &from))
        .await
        .map_err(|e| IngestError::Worker(e.to_string()))?;
    let writer = env.writer.clone();
    tokio::task::spawn_blocking(move || -> Result<PageProgress, IngestError> {
        let mut writer = writer.lock().map_err(|_| IngestError::Worker("index writer lock poisoned".into()))?;
        let mut progress = PageProgress { records: docs.len() as u64, ..PageProgress::default() };
        for doc in &docs {
            match writer.upsert(doc)? {
                UpsertOutcome::New => progress.new += 1,
                UpsertOutcome::Updated => progress.updated += 1,
                UpsertOutcome::Unchanged => progress.unchanged += 1,
            }
            for (k, v) in &doc.redactions {
                *progress.redactions.entry(k.clone()).or_default() += u64::from(*v);
            }
        }
        Ok(progress)
    })
    .await
    .map_err(|e| IngestError::Worker(e.to_string()))?
}

/// The pipeline over one batch, split across the machine's cores. Every
/// author in the batch is a known name for every record in it.
pub fn analyse_batch(pipeline: &Pipeline, records: Vec<Record>, from: &Provenance) -> Vec<AnalysedDocument> {
    let names: Vec<String> = {
        let mut set: Vec<String> = records
            .iter()
            .filter_map(|r| r.author.clone())
            .filter(|a| !a.trim().is_empty())
            .collect();
        set.sort();
        set.dedup();
        set
    };
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(records.len().max(1));
    if threads <= 1 || records.len() < 16 {
        return records.into_iter().map(|r| pipeline.process(r, &known, from)).collect();
    }
    let chunk = records.len().div_ceil(threads);
    let mut chunks: Vec<Vec<Record>> = Vec::new();
    let mut it = records.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|part| {
                let known = &known;
                scope.spawn(move || part.into_iter().map(|r| pipeline.process(r, known, from)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// Check a batch against the contract before anything is indexed.
fn check_batch(plugin: &str, page: u64, batch: &Batch) -> Result<(), PluginError> {
    let mut ids = HashSet::new();
    for (i, r) in batch.records.iter().enumerate() {
        let at = || format!("page {}, record {} ({})", page + 1, i + 1, safe_id(&r.id));
        let fail = |what: String| PluginError::Contract { plugin: plugin.to_string(), reason: format!("{}: {what}", at()) };
        if r.id.trim().is_empty() {
            return Err(fail("`id` is empty".into()));
        }
        if r.id.len() > 512 {
            return Err(fail("`id` is longer than 512 bytes".into()));
        }
        if !ids.insert(r.id.as_str()) {
            return Err(fail("the same `id` appears twice in one batch".into()));
        }
        match url::Url::parse(&r.url) {
            Ok(u) if matches!(u.scheme(), "http" | "https" | "file") => {}
            Ok(u) => return Err(fail(format!("`url` has scheme `{}`; expected http, https or file", u.scheme()))),
            Err(e) => return Err(fail(format!("`url` is not an absolute URL ({e})"))),
        }
        if let Some(p) = &r.published {
            if crate::pipeline::parse_rfc3339(p).is_none() {
                return Err(fail("`published` is not an RFC 3339 time".into()));
            }
        }
        if r.body.len() > MAX_BODY_BYTES {
            return Err(fail(format!("`body` is {} bytes, over the {MAX_BODY_BYTES}-byte limit", r.body.len())));
        }
        if r.kind == RecordKind::TranscriptTurn && r.thread_id.is_none() {
            return Err(fail("a transcript turn needs a `thread-id` (the transcript)".into()));
        }
    }
    Ok(())
}

/// A record id fit for a message: ids are source-native numbers and slugs,
/// but a broken plugin could put anything there, so odd ones are withheld.
fn safe_id(id: &str) -> String {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || "-_:./#".contains(c)) {
        format!("id `{id}`")
    } else {
        format!("an id of {} bytes", id.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::bindings::BodyFormat;

    fn rec(id: &str, url: &str, published: Option<&str>) -> Record {
        Record {
            id: id.into(),
            url: url.into(),
            kind: RecordKind::Post,
            thread_id: None,
            parent_id: None,
            author: None,
            speaker_role: None,
            published: published.map(str::to_string),
            title: None,
            body: "b".into(),
            body_format: BodyFormat::Text,
            extra: vec![],
        }
    }

    fn batch(records: Vec<Record>) -> Batch {
        Batch { records, cursor: None, exhausted: true }
    }

    #[test]
    fn contract_violations_name_the_record_and_field() {
        let ok = rec("p1", "http://127.0.0.1/x", Some("2025-01-02T03:04:05Z"));
        assert!(check_batch("f", 0, &batch(vec![ok.clone()])).is_ok());
        let e = check_batch("f", 0, &batch(vec![rec("", "http://a/", None)])).unwrap_err().to_string();
        assert!(e.contains("page 1, record 1") && e.contains("`id` is empty"), "{e}");
        let e = check_batch("f", 2, &batch(vec![ok.clone(), rec("p2", "not a url", None)])).unwrap_err().to_string();
        assert!(e.contains("page 3, record 2 (id `p2`)") && e.contains("`url` is not an absolute URL"), "{e}");
        let e = check_batch("f", 0, &batch(vec![rec("p3", "http://a/", Some("yesterday"))])).unwrap_err().to_string();
        assert!(e.contains("`published` is not an RFC 3339 time") && !e.contains("yesterday"), "{e}");
        let e = check_batch("f", 0, &batch(vec![ok.clone(), ok])).unwrap_err().to_string();
        assert!(e.contains("twice"), "{e}");
        let e = check_batch("f", 0, &batch(vec![rec("Maria Lopez's post", "javascript:alert(1)", None)])).unwrap_err().to_string();
        assert!(!e.contains("Maria"), "{e}");
    }
}
