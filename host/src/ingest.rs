//! Ingestion: one pass of one source, from plugin to index to cursor.
//!
//! ```text
//! fetcher:  fetch(config, cursor) ─▶ check the batch ─▶ ┐  (plugin, one page ahead)
//!                                                       ▼
//! indexer:  pipeline (all cores) ─▶ upsert ─▶ every COMMIT_EVERY documents or
//!           commit interval, and at the end: commit index ─▶ commit cursor
//! ```
//!
//! The two halves run at once: while the pipeline analyses page *n*, the
//! plugin is already fetching and parsing page *n + 1* (a page's cursor
//! comes back with its batch, so the next call need not wait for the
//! index). A small bounded channel between them keeps memory flat when one
//! side is slower.
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
//! The pages before it are committed with their cursor, as on any failure.
//!
//! # Transient failures
//!
//! A `fetch` call that failed *transiently* is called again, with the same
//! cursor, after an exponential backoff with jitter
//! ([`RetryPolicy`](crate::schedule::backoff::RetryPolicy)), at most
//! `retries` times; then the run ends failed with the reason in the ledger.
//! Transient means: the call ran past its time budget, or the gate saw the
//! site answer 429/5xx or time out during the call *and* the plugin gave up
//! — either with an `http` error, or (what the built-in plugins do, keeping
//! their cursor for the next run) with an empty batch that says it is
//! exhausted. The plugin's own words are not parsed: the gate's record of
//! what happened on the wire ([`HttpGate::take_transient`]) decides. A
//! retry re-sends the failed call's cursor, so the failed call is as if it
//! never happened; a `Retry-After` the site sent is a floor on the wait (and
//! the gate enforces it per host anyway).
//!
//! When a run fails, the pages fetched before the failure are committed
//! with their cursor, so the next run resumes after them.
//!
//! # Stopping
//!
//! A [`StopFlag`] asks a run to end early (the daemon sets it on SIGTERM):
//! the run finishes the page in hand, commits it with its cursor, and ends
//! `interrupted`. A retry's backoff wait is cut short by it.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rayon::prelude::*;
use tokio::sync::{mpsc, watch};

use hearken_deid::{KnownNames, NameFingerprint, NameKey, NameKind, RememberedNames};
use hearken_document::AnalysedDocument;
use hearken_index::{Index, IndexWriter, UpsertOutcome};
use hearken_state::{PageProgress, RunStatus, StateStore, Validators};
use serde::Serialize;

use crate::config::SourceConfig;
use crate::pipeline::clock::Stage;
use crate::pipeline::{Pipeline, Provenance};
use crate::plugin::bindings::{Batch, Record, RecordKind};
use crate::plugin::gate::{HttpGate, NetworkPolicy, Requester, Transient};
use crate::plugin::{
    CallContext, CallLimits, LoadedPlugin, PluginError, PluginRuntime, Scrubber, SourceFailure,
};
use crate::progress::Progress;
use crate::schedule::backoff::{self, RetryPolicy};

/// Documents between index commits.
pub const COMMIT_EVERY: usize = 2_000;
/// Default longest time between index commits while a run makes progress
/// (`[ingest] commit_interval_ms`): bounds the work a crash throws away
/// when the pipeline is slow (a debug build, a busy machine) and pages are
/// small.
pub const COMMIT_INTERVAL: Duration = Duration::from_secs(5);
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
    /// `fetch` calls retried after a transient failure.
    pub retries: u64,
    /// Whether the run was stopped early by its [`StopFlag`] (it ends
    /// `interrupted` in the ledger; the next run resumes from its cursor).
    pub interrupted: bool,
    /// Why the run failed, if it did.
    pub error: Option<String>,
}

/// Asks running ingestion to stop after the page in hand. Cheap to clone;
/// every clone sees the same flag.
#[derive(Debug, Clone)]
pub struct StopFlag(Arc<watch::Sender<bool>>);

impl Default for StopFlag {
    fn default() -> Self {
        Self::new()
    }
}

impl StopFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self(Arc::new(watch::channel(false).0))
    }

    /// Set the flag: runs stop after their current page.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Whether the flag is set.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Wait until the flag is set.
    pub async fn stopped(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close under us.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
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
    /// Transient failures outlasted the retry budget.
    #[error("gave up after {retries} {}: {why}", if *retries == 1 { "retry" } else { "retries" })]
    GaveUp {
        /// Retries made.
        retries: u32,
        /// The last failure, and why there was no further retry if the
        /// budget was not spent.
        why: String,
    },
}

/// How a run's page loop ended, when it did not fail.
enum Ended {
    /// The plugin said it was exhausted (or `max_pages` was reached).
    Finished,
    /// The [`StopFlag`] was set; what was fetched is committed.
    Stopped,
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
    /// Where each run reports its pages and commits.
    pub progress: Arc<dyn Progress>,
    /// Longest time a run holds indexed documents before it commits them
    /// with its cursor ([`COMMIT_INTERVAL`] unless configured).
    pub commit_interval: Duration,
}

impl std::fmt::Debug for IngestEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IngestEnv").finish_non_exhaustive()
    }
}

/// Run one pass of source `name`: fetch until the plugin says it is
/// exhausted (or `max_pages`), index, and move the cursor. Transient
/// failures are retried under the source's retry policy; `stop` ends the
/// run after the page in hand (status `interrupted`).
pub async fn run_source(
    env: &IngestEnv,
    name: &str,
    cfg: &SourceConfig,
    plugin: &LoadedPlugin,
    stop: &StopFlag,
) -> RunSummary {
    let mut summary = RunSummary {
        source: name.to_string(),
        ..RunSummary::default()
    };
    let run = match env
        .state
        .begin_run(name, &plugin.info.name, &plugin.info.version)
    {
        Ok(run) => run,
        Err(e) => {
            summary.error = Some(format!("could not start a run: {e}"));
            return summary;
        }
    };
    summary.run_id = run.as_str().to_string();
    env.progress.started(&summary);
    let result = run_pages(env, name, cfg, plugin, &run, &mut summary, stop).await;
    // Every request of the run is in the audit log before the run is
    // recorded as ended.
    env.gate.flush_audit();
    env.gate.take_transient(run.as_str());
    env.gate.take_validators(run.as_str());
    let (status, error) = match &result {
        Ok(Ended::Finished) => (RunStatus::Succeeded, None),
        Ok(Ended::Stopped) => (RunStatus::Interrupted, None),
        Err(e) => (RunStatus::Failed, Some(e.to_string())),
    };
    summary.interrupted = status == RunStatus::Interrupted;
    let ledger_note = if summary.interrupted {
        Some(format!(
            "stopped on request after {} page{}; the next run resumes from the cursor",
            summary.pages,
            if summary.pages == 1 { "" } else { "s" }
        ))
    } else {
        error.clone()
    };
    if let Err(e) = env.state.finish_run(&run, status, ledger_note.as_deref()) {
        tracing::error!(
            source = name,
            "could not record the end of run {}: {e}",
            run.as_str()
        );
    }
    match &error {
        Some(e) => tracing::error!(source = name, run = run.as_str(), "run failed: {e}"),
        None if summary.interrupted => tracing::info!(
            source = name,
            run = run.as_str(),
            pages = summary.pages,
            "run stopped on request; the next run resumes from the cursor"
        ),
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
    env.progress.finished(&summary);
    summary
}

async fn run_pages(
    env: &IngestEnv,
    name: &str,
    cfg: &SourceConfig,
    plugin: &LoadedPlugin,
    run: &hearken_state::RunId,
    summary: &mut RunSummary,
    stop: &StopFlag,
) -> Result<Ended, IngestError> {
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
            granted: cfg
                .grant_hosts
                .iter()
                .map(|h| h.get_ref().clone())
                .collect(),
            max_response_bytes: cfg.max_response_mib * 1024 * 1024,
            timeout: Duration::from_secs(cfg.request_timeout_secs),
            min_interval: Duration::from_millis(cfg.min_interval_ms),
            obey_robots: cfg.obey_robots,
        },
        inputs: Arc::new(cfg.inputs.iter().map(PathBuf::from).collect()),
        max_input_bytes: 64 * 1024 * 1024,
        scrubber: Some(scrubber),
    };
    let limits = CallLimits {
        time: cfg.time_budget(),
        memory_bytes: (cfg.memory_mib * 1024 * 1024) as usize,
    };
    let config_json = cfg.plugin_config_json().to_string();
    let from = Provenance {
        source: name.to_string(),
        plugin: plugin.info.name.clone(),
        plugin_version: plugin.info.version.clone(),
        run_id: run.as_str().to_string(),
    };

    let retry = Retry {
        policy: RetryPolicy {
            retries: cfg.retries,
            base: Duration::from_millis(cfg.backoff_ms),
        },
        seed: backoff::seed(name, run.as_str()),
    };
    let cursor = env.state.cursor(name)?;
    let (pages_tx, pages_rx) = mpsc::channel(FETCH_AHEAD);
    let fetcher = Fetcher {
        env,
        name,
        cfg,
        plugin,
        ctx: &ctx,
        limits,
        config_json: &config_json,
        retry: &retry,
        stop,
    };
    let mut retries = 0;
    let (fetched, indexed) = tokio::join!(
        fetcher.run(cursor.clone(), pages_tx, &mut retries),
        index_pages(env, name, run, &from, cursor, pages_rx, summary),
    );
    summary.retries += retries;
    // An index or state-store failure is the more fundamental one: the
    // fetcher only stopped because the indexer went away.
    indexed?;
    fetched
}

/// Pages fetched ahead of the indexer: the plugin works on the next page
/// while the pipeline analyses this one (they use different cores), and
/// at most this many pages wait in between, so memory stays bounded.
const FETCH_AHEAD: usize = 2;

/// One accepted `fetch`, on its way from the fetcher to the indexer.
struct FetchedPage {
    batch: Batch,
    validators: Vec<(String, Validators)>,
}

/// The fetching half of a run: calls the plugin page after page, checks
/// each batch against the contract and hands it to the indexer. It never
/// touches the index or the cursor store; the indexer commits what it was
/// handed, so what a failure here leaves behind is every page before it.
struct Fetcher<'a> {
    env: &'a IngestEnv,
    name: &'a str,
    cfg: &'a SourceConfig,
    plugin: &'a LoadedPlugin,
    ctx: &'a CallContext,
    limits: CallLimits,
    config_json: &'a str,
    retry: &'a Retry,
    stop: &'a StopFlag,
}

impl Fetcher<'_> {
    async fn run(
        self,
        mut cursor: Option<String>,
        pages: mpsc::Sender<FetchedPage>,
        retries: &mut u64,
    ) -> Result<Ended, IngestError> {
        // Cursors seen this run, as 128-bit digests: a crawl's cursor can
        // be hundreds of KiB, and a run makes thousands of calls, so
        // keeping the strings themselves cost gigabytes.
        let mut seen_cursors: HashSet<[u8; 16]> = HashSet::new();
        for page in 0..self.cfg.max_pages {
            let fetch_started = std::time::Instant::now();
            let fetched = fetch_with_retries(
                self.env,
                self.plugin,
                self.ctx,
                self.limits,
                self.config_json,
                cursor.as_deref(),
                self.retry,
                retries,
                self.stop,
            )
            .await;
            self.env
                .pipeline
                .clock()
                .add(Stage::Plugin, fetch_started.elapsed());
            // `None`: stopped during a backoff wait.
            let Some((batch, validators)) = fetched? else {
                return Ok(Ended::Stopped);
            };
            check_batch(&self.plugin.info.name, page, &batch)?;
            let exhausted = batch.exhausted;
            if let Some(next) = &batch.cursor {
                cursor = Some(next.clone());
            }
            if pages.send(FetchedPage { batch, validators }).await.is_err() {
                // The indexer failed; its error is the run's.
                return Ok(Ended::Finished);
            }
            if exhausted {
                return Ok(Ended::Finished);
            }
            if self.stop.is_stopped() {
                return Ok(Ended::Stopped);
            }
            // A plugin that hands back the same cursor without finishing
            // would loop until max_pages; stop it early with a clear
            // message.
            if !seen_cursors.insert(cursor_digest(cursor.as_deref())) {
                return Err(PluginError::Contract {
                    plugin: self.plugin.info.name.clone(),
                    reason: format!("page {} returned a cursor it had already returned without saying it was exhausted", page + 1),
                }
                .into());
            }
        }
        tracing::warn!(
            source = self.name,
            "stopped after max_pages = {} fetch calls; the next run resumes from the cursor",
            self.cfg.max_pages
        );
        Ok(Ended::Finished)
    }
}

/// The indexing half of a run: analyses and upserts each page the fetcher
/// hands over, in order, and commits the index and then the cursor of the
/// last page it indexed — every [`COMMIT_EVERY`] documents or commit
/// interval, on the plugin's last page, and when the fetcher stops for any
/// reason (so a failure keeps the pages before it).
async fn index_pages(
    env: &IngestEnv,
    name: &str,
    run: &hearken_state::RunId,
    from: &Provenance,
    mut cursor: Option<String>,
    mut pages: mpsc::Receiver<FetchedPage>,
    summary: &mut RunSummary,
) -> Result<(), IngestError> {
    let mut pending = Pending {
        run,
        source: name,
        docs: 0,
        validators: Vec::new(),
        names: Vec::new(),
    };
    let mut names = RunNames::load(env, name)?;
    let mut pending_cursor_dirty = false;
    let mut last_commit = std::time::Instant::now();
    while let Some(FetchedPage { batch, validators }) = pages.recv().await {
        summary.pages += 1;
        let Batch {
            records,
            cursor: next,
            exhausted,
        } = batch;
        let page_records = records.len() as u64;
        summary.records += page_records;
        let progress = index_records(env, records, from, &mut names, &mut pending.names).await?;
        pending.docs += (progress.new + progress.updated) as usize;
        // The call's pages are in the index writer now: their validators
        // may be stored with the commit that makes them durable.
        pending.validators.extend(validators);
        add_progress(summary, &progress);
        env.state.record_page(run, progress)?;
        env.progress.page(summary, page_records);
        if let Some(next) = next {
            if cursor.as_deref() != Some(next.as_str()) {
                pending_cursor_dirty = true;
            }
            cursor = Some(next);
        }
        let due = pending.docs >= COMMIT_EVERY
            || ((pending.docs > 0 || pending_cursor_dirty || !pending.validators.is_empty())
                && last_commit.elapsed() >= env.commit_interval);
        if exhausted || due {
            pending.commit(env, summary, cursor.as_deref()).await?;
            pending_cursor_dirty = false;
            last_commit = std::time::Instant::now();
        }
    }
    if pending.docs > 0
        || pending_cursor_dirty
        || !pending.validators.is_empty()
        || !pending.names.is_empty()
    {
        pending.commit(env, summary, cursor.as_deref()).await?;
    }
    Ok(())
}

/// What a run has indexed but not yet committed: documents in the index
/// writer, the HTTP validators of the responses they came from, and the
/// name fingerprints of their new authors (`(author pseudonym, fingerprint,
/// kind code)`, see [`RunNames`]).
struct Pending<'a> {
    run: &'a hearken_state::RunId,
    source: &'a str,
    docs: usize,
    validators: Vec<(String, Validators)>,
    names: Vec<(String, u64, u8)>,
}

impl Pending<'_> {
    /// Commit the index, then — in one state-store transaction — the
    /// cursor, the pages' counts and their validators (see the module docs
    /// of [`crate::plugin::gate`] for why validators wait for this).
    async fn commit(
        &mut self,
        env: &IngestEnv,
        summary: &RunSummary,
        cursor: Option<&str>,
    ) -> Result<(), IngestError> {
        commit(env).await?;
        // The log of the requests behind this cursor is stored before it,
        // and so are the names of the authors of the documents it covers.
        env.gate.flush_audit();
        env.state.remember_names(self.source, &self.names)?;
        self.names.clear();
        env.state
            .commit_cursor_and_validators(self.run, self.source, cursor, &self.validators)?;
        env.progress.committed(summary, self.docs as u64);
        self.docs = 0;
        self.validators.clear();
        Ok(())
    }
}

/// A digest of a cursor (or of its absence) for the repeated-cursor check.
fn cursor_digest(cursor: Option<&str>) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    match cursor {
        None => h.update(b"\0none"),
        Some(c) => h.update(b"\x01").update(c.as_bytes()),
    };
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// A source's retry policy and the seed of its jitter for this run.
struct Retry {
    policy: RetryPolicy,
    seed: u64,
}

/// One `fetch`, retried while it fails transiently, with the validators of
/// the responses the accepted call received (those of failed attempts are
/// dropped: their pages were not indexed). `Ok(None)`: the stop flag was
/// set during a backoff wait.
#[allow(clippy::too_many_arguments)]
async fn fetch_with_retries(
    env: &IngestEnv,
    plugin: &LoadedPlugin,
    ctx: &CallContext,
    limits: CallLimits,
    config_json: &str,
    cursor: Option<&str>,
    retry: &Retry,
    retries: &mut u64,
    stop: &StopFlag,
) -> Result<Option<(Batch, Vec<(String, Validators)>)>, IngestError> {
    let run_id = ctx.requester.run_id.as_deref().unwrap_or_default();
    let mut attempt = 0u32;
    loop {
        // Forget what an earlier call saw: only this call's failures and
        // responses count.
        env.gate.take_transient(run_id);
        env.gate.take_validators(run_id);
        let result = env
            .runtime
            .fetch(plugin, ctx.clone(), limits, config_json, cursor)
            .await;
        let seen = env.gate.take_transient(run_id);
        let validators = env.gate.take_validators(run_id);
        let Some(failure) = transient_failure(&result, seen.as_ref()) else {
            return Ok(Some((result?, validators)));
        };
        attempt += 1;
        let Some(wait) = retry.policy.delay(attempt, failure.retry_after, retry.seed) else {
            let made = attempt - 1;
            let why = if made < retry.policy.retries {
                format!(
                    "{}; the site asked to wait longer than a run waits ({} s), so the next run tries again",
                    failure.why,
                    backoff::MAX_RETRY_WAIT.as_secs()
                )
            } else {
                failure.why
            };
            return Err(IngestError::GaveUp { retries: made, why });
        };
        *retries += 1;
        tracing::warn!(
            source = %ctx.requester.source,
            attempt,
            wait_ms = wait.as_millis() as u64,
            "transient failure ({}); retrying",
            failure.why
        );
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stop.stopped() => return Ok(None),
        }
    }
}

/// Why a `fetch` result counts as a transient failure, if it does.
#[derive(Debug, PartialEq, Eq)]
struct TransientFailure {
    why: String,
    retry_after: Option<Duration>,
}

/// Classify a `fetch` result given what the gate saw during the call (see
/// the module docs): a time-budget stop, an `http` error while the site was
/// failing, or an empty exhausted batch while the site was failing.
fn transient_failure(
    result: &Result<Batch, PluginError>,
    seen: Option<&Transient>,
) -> Option<TransientFailure> {
    let retry_after = seen.and_then(|t| t.retry_after);
    match (result, seen) {
        (Err(e @ PluginError::TimeBudget { .. }), _) => Some(TransientFailure {
            why: e.to_string(),
            retry_after,
        }),
        (
            Err(
                e @ PluginError::Source {
                    error: SourceFailure::Http(_),
                    ..
                },
            ),
            Some(t),
        ) => Some(TransientFailure {
            why: format!("{e} ({t})"),
            retry_after,
        }),
        (Ok(batch), Some(t)) if batch.records.is_empty() && batch.exhausted => {
            Some(TransientFailure {
                why: format!("the plugin stopped early because {t}"),
                retry_after,
            })
        }
        _ => None,
    }
}

async fn commit(env: &IngestEnv) -> Result<(), IngestError> {
    with_writer(env, |writer| Ok(writer.commit()?)).await
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
async fn index_records(
    env: &IngestEnv,
    records: Vec<Record>,
    from: &Provenance,
    names: &mut RunNames,
    new_names: &mut Vec<(String, u64, u8)>,
) -> Result<PageProgress, IngestError> {
    let pipeline = env.pipeline.clone();
    let from = from.clone();
    let remembered = names.remembered.clone();
    let AnalysedBatch {
        docs,
        names: batch_names,
    } = tokio::task::spawn_blocking(move || analyse_batch(&pipeline, records, &from, remembered))
        .await
        .map_err(|e| IngestError::Worker(e.to_string()))?;
    names.add(batch_names, new_names);
    with_writer(env, move |writer| {
        let mut progress = PageProgress {
            records: docs.len() as u64,
            ..PageProgress::default()
        };
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
}

/// Run `work` with the index writer, on the blocking pool, and count its
/// time as the index stage's. Upserts and commits wait for Tantivy and for
/// the disk; a runtime thread held that long is one the plugin calls
/// cannot use.
async fn with_writer<T: Send + 'static>(
    env: &IngestEnv,
    work: impl FnOnce(&mut IndexWriter) -> Result<T, IngestError> + Send + 'static,
) -> Result<T, IngestError> {
    let writer = env.writer.clone();
    let pipeline = env.pipeline.clone();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let mut writer = writer
            .lock()
            .map_err(|_| IngestError::Worker("index writer lock poisoned".into()))?;
        let done = work(&mut writer);
        pipeline.clock().add(Stage::Index, started.elapsed());
        done
    })
    .await
    .map_err(|e| IngestError::Worker(e.to_string()))?
}

/// Lower scheduling priority (nice) of the analysis threads.
pub const ANALYSIS_NICE: i32 = 10;

/// Sets up rayon's global pool, where [`analyse_batch`] runs, once per
/// process: named threads that run at a lower priority ([`ANALYSIS_NICE`],
/// Linux only) than the rest of the process.
///
/// # Why a lower priority
///
/// A run is a chain of plugin calls per source — each call needs the
/// cursor of the one before — while the analysis of fetched batches can go
/// at any pace, as long as it keeps up in the end. On a 2-core machine the
/// two compete: at 100k documents the forum's chain of calls finished last,
/// alone, long after the other sources, because while they ran it got a
/// share of the cores rather than one of its own. With the analysis
/// yielding to it, the chain runs at full speed and the analysis fills
/// every cycle the chain leaves. Nice 10 rather than 5: at nice 5 the
/// tokio workers that run the chains still spent a third of a 100k ingest
/// runnable but waiting for a core (`/proc/*/task/*/schedstat`); at 10 the
/// forum's chain ended about 2 s sooner. The analysis cannot fall behind
/// for long either way: the fetcher waits once [`FETCH_AHEAD`] pages are
/// queued, and then the cores are the analysis's.
pub fn analysis_pool() {
    static POOL: std::sync::Once = std::sync::Once::new();
    POOL.call_once(|| {
        let built = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("hearken-analysis-{i}"))
            .start_handler(|_| lower_priority())
            .build_global();
        // Somebody used rayon first (a test, an embedding program): its
        // pool is as good, only not niced.
        if let Err(e) = built {
            tracing::debug!("analysis pool: {e}");
        }
    });
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // On Linux, PRIO_PROCESS with a thread id sets that thread's nice.
    let tid = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(tid), ANALYSIS_NICE) {
        tracing::debug!("analysis thread keeps its priority: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// A batch's analysed documents, and the name fingerprints of its authors
/// for the source to remember.
#[derive(Debug, Default)]
pub struct AnalysedBatch {
    /// The documents, in the records' order.
    pub docs: Vec<AnalysedDocument>,
    /// `(author pseudonym, fingerprint)` for every author of the batch.
    pub names: Vec<(String, NameFingerprint)>,
}

/// The pipeline over one batch, split across the machine's cores. Every
/// author in the batch is a known name for every record in it, and so is
/// every name the source has `remembered` from earlier batches (see
/// [`hearken_deid::RememberedNames`] for why: without them a member named in
/// another's post was redacted only when the two shared a plugin call).
pub fn analyse_batch(
    pipeline: &Pipeline,
    records: Vec<Record>,
    from: &Provenance,
    remembered: Arc<RememberedNames>,
) -> AnalysedBatch {
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
    let stage = pipeline.deid();
    let fingerprints: Vec<(String, NameFingerprint)> = names
        .iter()
        .flat_map(|name| {
            let author = stage.key.pseudonym(&from.source, name);
            hearken_deid::fingerprints(name, remembered.key())
                .into_iter()
                .map(move |fp| (author.clone(), fp))
        })
        .collect();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    let known = KnownNames::new(&known).with_remembered(remembered);
    // Rayon's pool lives as long as the process: a page's records are
    // shared among threads that already exist, instead of spawning threads
    // for every page. `collect` keeps the records' order.
    let docs = records
        .into_par_iter()
        .map(|r| pipeline.process(r, &known, from))
        .collect();
    AnalysedBatch {
        docs,
        names: fingerprints,
    }
}

/// The names a run de-identifies with beyond each batch's own authors.
#[derive(Debug)]
struct RunNames {
    /// What the source remembered before the run, and every author of the
    /// run's batches so far.
    remembered: Arc<RememberedNames>,
    /// Pseudonyms of the run's authors whose names are stored or pending.
    authors: HashSet<String>,
}

impl RunNames {
    fn new(remembered: RememberedNames) -> RunNames {
        RunNames {
            remembered: Arc::new(remembered),
            authors: HashSet::new(),
        }
    }

    fn load(env: &IngestEnv, source: &str) -> Result<RunNames, IngestError> {
        let key = env.pipeline.deid().key.name_key();
        Ok(RunNames::new(load_remembered(&env.state, key, source)?))
    }

    /// A batch's authors are known names for the batches after it, and for
    /// later runs once committed: the fingerprints of authors new to the
    /// run go into `to_store` (see [`Pending`]). Each author of a run is
    /// stored once under her pseudonym, so that `forget --author` finds what
    /// her name left.
    fn add(
        &mut self,
        names: Vec<(String, NameFingerprint)>,
        to_store: &mut Vec<(String, u64, u8)>,
    ) {
        let mut new_authors: Vec<String> = Vec::new();
        for (author, fp) in names {
            if self.authors.contains(&author) {
                continue;
            }
            Arc::make_mut(&mut self.remembered).insert(fp);
            if new_authors.last() != Some(&author) {
                new_authors.push(author.clone());
            }
            to_store.push((author, fp.fingerprint, fp.kind.code()));
        }
        self.authors.extend(new_authors);
    }
}

/// The names a source has remembered, from the state store, under the
/// data directory's key. A kind this build does not know (a newer build
/// wrote it) is skipped.
fn load_remembered(
    state: &StateStore,
    key: NameKey,
    source: &str,
) -> Result<RememberedNames, IngestError> {
    let mut remembered = RememberedNames::new(key);
    let mut unknown = 0u64;
    for (fingerprint, code) in state.remembered_names(source)? {
        match NameKind::from_code(code) {
            Some(kind) => {
                remembered.insert(NameFingerprint { fingerprint, kind });
            }
            None => unknown += 1,
        }
    }
    if unknown > 0 {
        tracing::warn!(
            source,
            unknown,
            "remembered names of a kind this build does not know were skipped"
        );
    }
    Ok(remembered)
}

/// Check a batch against the contract before anything is indexed.
pub(crate) fn check_batch(plugin: &str, page: u64, batch: &Batch) -> Result<(), PluginError> {
    let mut ids = HashSet::new();
    for (i, r) in batch.records.iter().enumerate() {
        let at = || format!("page {}, record {} ({})", page + 1, i + 1, safe_id(&r.id));
        let fail = |what: String| PluginError::Contract {
            plugin: plugin.to_string(),
            reason: format!("{}: {what}", at()),
        };
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
            Ok(u) => {
                return Err(fail(format!(
                    "`url` has scheme `{}`; expected http, https or file",
                    u.scheme()
                )));
            }
            Err(e) => return Err(fail(format!("`url` is not an absolute URL ({e})"))),
        }
        if let Some(p) = &r.published
            && crate::pipeline::parse_rfc3339(p).is_none()
        {
            return Err(fail("`published` is not an RFC 3339 time".into()));
        }
        if r.body.len() > MAX_BODY_BYTES {
            return Err(fail(format!(
                "`body` is {} bytes, over the {MAX_BODY_BYTES}-byte limit",
                r.body.len()
            )));
        }
        if r.kind == RecordKind::TranscriptTurn && r.thread_id.is_none() {
            return Err(fail(
                "a transcript turn needs a `thread-id` (the transcript)".into(),
            ));
        }
    }
    Ok(())
}

/// A record id fit for a message (ingestion's and `plugin check`'s): ids
/// are source-native numbers and slugs, but a broken plugin could put
/// anything there, so odd ones are withheld.
pub(crate) fn safe_id(id: &str) -> String {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:./#".contains(c))
    {
        format!("id `{id}`")
    } else {
        format!("an id of {} bytes", id.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::bindings::BodyFormat;

    /// A member named in another member's post is redacted whichever batch
    /// the two came in: the run remembers every author it has seen.
    #[test]
    fn a_name_from_an_earlier_batch_is_redacted_in_a_later_one() {
        let pipeline = crate::pipeline::test_pipeline();
        let from = Provenance {
            source: "forum".into(),
            plugin: "forum".into(),
            plugin_version: "0.1.0".into(),
            run_id: "r-1".into(),
        };
        let post = |id: &str, author: &str, body: &str| Record {
            author: Some(author.into()),
            body: body.into(),
            ..rec(id, &format!("http://127.0.0.1:8080/t/1#{id}"), None)
        };
        let mut names = RunNames::new(RememberedNames::new(pipeline.deid().key.name_key()));
        let mut queued = Vec::new();
        let first = analyse_batch(
            &pipeline,
            vec![post("p1", "kettle_corn", "hello all, first post here")],
            &from,
            names.remembered.clone(),
        );
        let author = pipeline.deid().key.pseudonym("forum", "kettle_corn");
        assert_eq!(first.docs[0].author.as_deref(), Some(author.as_str()));
        // The handle and its two words, under the author's pseudonym.
        assert_eq!(first.names.len(), 3);
        assert!(first.names.iter().all(|(a, _)| *a == author));
        names.add(first.names, &mut queued);
        assert_eq!(queued.len(), 3);
        assert!(queued.iter().all(|(a, _, _)| *a == author));

        let later = || {
            vec![post(
                "p2",
                "dana_w",
                "agree with kettle_corn, the travel costs add up",
            )]
        };
        let alone = analyse_batch(
            &pipeline,
            later(),
            &from,
            Arc::new(RememberedNames::new(pipeline.deid().key.name_key())),
        );
        assert!(
            alone.docs[0].body.contains("kettle_corn"),
            "{}",
            alone.docs[0].body
        );
        let remembered = analyse_batch(&pipeline, later(), &from, names.remembered.clone());
        assert!(
            !remembered.docs[0].body.contains("kettle_corn"),
            "{}",
            remembered.docs[0].body
        );
        assert!(remembered.docs[0].body.contains("the travel costs add up"));

        // An author already stored in this run is not queued again.
        let again = analyse_batch(
            &pipeline,
            vec![post("p3", "kettle_corn", "me again")],
            &from,
            names.remembered.clone(),
        );
        names.add(again.names, &mut queued);
        assert_eq!(queued.len(), 3);

        // A later run loads what this one stored, and only for its source;
        // a kind this build does not know is skipped.
        let state = StateStore::open_in_memory().unwrap();
        let mut stored = queued.clone();
        stored.push((author.clone(), 99, 200));
        state.remember_names("forum", &stored).unwrap();
        let key = || pipeline.deid().key.name_key();
        let next_run = load_remembered(&state, key(), "forum").unwrap();
        assert_eq!(next_run.len(), 3);
        let redacted = analyse_batch(&pipeline, later(), &from, Arc::new(next_run));
        assert!(
            !redacted.docs[0].body.contains("kettle_corn"),
            "{}",
            redacted.docs[0].body
        );
        assert!(load_remembered(&state, key(), "posts").unwrap().is_empty());
    }

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
        Batch {
            records,
            cursor: None,
            exhausted: true,
        }
    }

    fn transient(status: Option<u16>, retry_after: Option<u64>) -> Transient {
        Transient {
            host: "127.0.0.1:9".into(),
            path: "/feed.xml".into(),
            status,
            what: status.map_or("timed out".into(), |s| format!("answered HTTP {s}")),
            retry_after: retry_after.map(Duration::from_secs),
            count: 1,
        }
    }

    fn http_error() -> Result<Batch, PluginError> {
        Err(PluginError::Source {
            plugin: "posts".into(),
            error: SourceFailure::Http("http://127.0.0.1:9/feed.xml answered HTTP 503".into()),
        })
    }

    #[test]
    fn an_early_stop_while_the_site_fails_is_transient() {
        let gave_up: Result<Batch, PluginError> = Ok(Batch {
            records: vec![],
            cursor: Some("c".into()),
            exhausted: true,
        });
        let t = transient(Some(429), Some(1));
        let f = transient_failure(&gave_up, Some(&t)).unwrap();
        assert_eq!(f.retry_after, Some(Duration::from_secs(1)));
        assert!(
            f.why
                .contains("127.0.0.1:9/feed.xml answered HTTP 429 with Retry-After 1 s"),
            "{}",
            f.why
        );
        // The same batch with a quiet site is simply the end of the source.
        assert_eq!(transient_failure(&gave_up, None), None);
        // A batch with records is progress, whatever else failed.
        let progress: Result<Batch, PluginError> = Ok(batch(vec![rec("p1", "http://a/", None)]));
        assert_eq!(transient_failure(&progress, Some(&t)), None);
        // A batch that is not exhausted goes on to its next page.
        let more: Result<Batch, PluginError> = Ok(Batch {
            records: vec![],
            cursor: Some("c".into()),
            exhausted: false,
        });
        assert_eq!(transient_failure(&more, Some(&t)), None);
    }

    #[test]
    fn http_errors_are_transient_only_when_the_gate_saw_the_site_fail() {
        let t = transient(None, None);
        let f = transient_failure(&http_error(), Some(&t)).unwrap();
        assert!(f.why.contains("timed out"), "{}", f.why);
        // A 403, a denial or a parse error is not retried.
        assert_eq!(transient_failure(&http_error(), None), None);
        let parse: Result<Batch, PluginError> = Err(PluginError::Source {
            plugin: "posts".into(),
            error: SourceFailure::Parse("line 3".into()),
        });
        assert_eq!(transient_failure(&parse, Some(&t)), None);
        let budget: Result<Batch, PluginError> = Err(PluginError::TimeBudget {
            plugin: "posts".into(),
            budget: Duration::from_secs(2),
        });
        assert!(transient_failure(&budget, None).is_some());
        let trap: Result<Batch, PluginError> = Err(PluginError::Panicked {
            plugin: "posts".into(),
        });
        assert_eq!(transient_failure(&trap, Some(&t)), None);
    }

    #[tokio::test]
    async fn the_stop_flag_wakes_waiters() {
        let stop = StopFlag::new();
        assert!(!stop.is_stopped());
        let waiter = {
            let stop = stop.clone();
            tokio::spawn(async move { stop.stopped().await })
        };
        tokio::task::yield_now().await;
        stop.stop();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
        // Already set: returns at once.
        stop.stopped().await;
        assert!(stop.is_stopped());
    }

    #[test]
    fn contract_violations_name_the_record_and_field() {
        let ok = rec("p1", "http://127.0.0.1/x", Some("2025-01-02T03:04:05Z"));
        assert!(check_batch("f", 0, &batch(vec![ok.clone()])).is_ok());
        let e = check_batch("f", 0, &batch(vec![rec("", "http://a/", None)]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("page 1, record 1") && e.contains("`id` is empty"),
            "{e}"
        );
        let e = check_batch(
            "f",
            2,
            &batch(vec![ok.clone(), rec("p2", "not a url", None)]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("page 3, record 2 (id `p2`)") && e.contains("`url` is not an absolute URL"),
            "{e}"
        );
        let e = check_batch(
            "f",
            0,
            &batch(vec![rec("p3", "http://a/", Some("yesterday"))]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("`published` is not an RFC 3339 time") && !e.contains("yesterday"),
            "{e}"
        );
        let e = check_batch("f", 0, &batch(vec![ok.clone(), ok]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
        let e = check_batch(
            "f",
            0,
            &batch(vec![rec("Maria Lopez's post", "javascript:alert(1)", None)]),
        )
        .unwrap_err()
        .to_string();
        assert!(!e.contains("Maria"), "{e}");
    }
}
