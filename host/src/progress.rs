//! What an ingestion run shows its operator while it runs.
//!
//! `hearken run` is started by a person at a terminal as often as by cron,
//! and the two want different things: a person wants one live line per
//! source (pages, records, documents indexed) that updates in place; cron
//! and `hearken daemon` write to a log file, where lines that redraw
//! themselves are garbage and a plain line per event is what `grep` needs.
//! Ingestion reports through the [`Progress`] trait and does not know which
//! it is talking to: [`LogProgress`] writes a `tracing` line per page and
//! per commit, [`BarProgress`] draws `indicatif` bars, and
//! [`for_stderr`] picks one by whether stderr is a terminal.
//!
//! While bars are on screen, log lines would tear them; [`log_writer`] is
//! the writer the log subscriber uses, and it hides the bars for the moment
//! it takes to print a line.
//!
//! Nothing here ever sees record text: only counts, source names and run
//! ids.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::ingest::RunSummary;

/// Receives the progress of ingestion runs. Every method gets the run's
/// totals so far; implementations must be cheap (they are called on the
/// ingestion path) and must not fail.
pub trait Progress: Send + Sync {
    /// A run of `summary.source` began (`summary.run_id` is set).
    fn started(&self, summary: &RunSummary);
    /// A page (one `fetch` call) was fetched and indexed; it held
    /// `records` records. The index is not committed yet.
    fn page(&self, summary: &RunSummary, records: u64);
    /// The index and the cursor were committed; `documents` documents
    /// (new or updated) became durable with this commit.
    fn committed(&self, summary: &RunSummary, documents: u64);
    /// The run ended (see `summary.error` and `summary.interrupted`).
    fn finished(&self, summary: &RunSummary);
}

/// Plain log lines, one per run start, page and commit (the end of a run
/// is logged by ingestion itself).
#[derive(Debug, Default, Clone, Copy)]
pub struct LogProgress;

impl Progress for LogProgress {
    fn started(&self, s: &RunSummary) {
        tracing::info!(source = %s.source, run = %s.run_id, "{}: run started", s.source);
    }

    fn page(&self, s: &RunSummary, records: u64) {
        tracing::info!(
            source = %s.source,
            run = %s.run_id,
            "{}: page {} fetched with {records} records; so far {} records, {} new, {} updated, {} unchanged",
            s.source,
            s.pages,
            s.records,
            s.new,
            s.updated,
            s.unchanged
        );
    }

    fn committed(&self, s: &RunSummary, documents: u64) {
        tracing::info!(
            source = %s.source,
            run = %s.run_id,
            "{}: committed {documents} documents and the cursor after page {}",
            s.source,
            s.pages
        );
    }

    fn finished(&self, _: &RunSummary) {}
}

/// The bars on screen, for [`log_writer`].
static ACTIVE: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// Live bars on the terminal, one line per source.
#[derive(Debug)]
pub struct BarProgress {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl BarProgress {
    /// Bars drawn on stderr. Log lines printed while they are shown go
    /// above them (see [`log_writer`]).
    pub fn new() -> Self {
        let multi = MultiProgress::new();
        *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = Some(multi.clone());
        Self {
            multi,
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn bar(&self, source: &str) -> ProgressBar {
        let mut bars = self.bars.lock().unwrap_or_else(PoisonError::into_inner);
        bars.entry(source.to_string())
            .or_insert_with(|| {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {prefix:<20} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.set_prefix(source.to_string());
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            })
            .clone()
    }
}

impl Default for BarProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for BarProgress {
    fn drop(&mut self) {
        *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

fn counts(s: &RunSummary) -> String {
    format!(
        "{} pages, {} records, {} documents indexed ({} new, {} updated, {} unchanged)",
        s.pages,
        s.records,
        s.new + s.updated,
        s.new,
        s.updated,
        s.unchanged
    )
}

impl Progress for BarProgress {
    fn started(&self, s: &RunSummary) {
        self.bar(&s.source).set_message("starting");
    }

    fn page(&self, s: &RunSummary, _records: u64) {
        self.bar(&s.source).set_message(counts(s));
    }

    fn committed(&self, s: &RunSummary, _documents: u64) {
        self.bar(&s.source).set_message(counts(s));
    }

    fn finished(&self, s: &RunSummary) {
        let bar = self.bar(&s.source);
        let outcome = match (&s.error, s.interrupted) {
            (Some(_), _) => "failed",
            (None, true) => "interrupted",
            (None, false) => "done",
        };
        bar.finish_with_message(format!("{outcome}: {}", counts(s)));
    }
}

/// Bars when stderr is a terminal (and `TERM` is not `dumb`), log lines
/// otherwise.
pub fn for_stderr() -> std::sync::Arc<dyn Progress> {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    if std::io::stderr().is_terminal() && !dumb {
        std::sync::Arc::new(BarProgress::new())
    } else {
        std::sync::Arc::new(LogProgress)
    }
}

/// Where log lines go: stderr, above any bars on screen.
#[derive(Debug, Default, Clone, Copy)]
pub struct LogWriter;

/// A [`LogWriter`], as `tracing_subscriber`'s `with_writer` wants it.
pub fn log_writer() -> LogWriter {
    LogWriter
}

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let active = ACTIVE
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match active {
            Some(multi) => multi.suspend(|| std::io::stderr().write_all(buf)),
            None => std::io::stderr().write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_messages_count_pages_records_and_indexed_documents() {
        let s = RunSummary {
            source: "forum".into(),
            pages: 3,
            records: 42,
            new: 30,
            updated: 2,
            unchanged: 10,
            ..RunSummary::default()
        };
        assert_eq!(
            counts(&s),
            "3 pages, 42 records, 32 documents indexed (30 new, 2 updated, 10 unchanged)"
        );
    }
}
