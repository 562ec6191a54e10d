//! The daemon's loop: each scheduled source on its own timeline.
//!
//! One loop per source, all polled by one task: a source's loop runs its
//! runs one after another, so two runs of one source can never overlap in
//! this process (and the state store refuses a second `running` run of a
//! source from another process sharing the data directory). A semaphore
//! caps how many sources run at once (`[ingest] concurrency`), as
//! `hearken run` does.
//!
//! When a source is due is computed from the **ledger**, not from memory:
//! the start of its last run (whatever its outcome) and the schedule give
//! the next due time. After downtime that time is in the past, so the source
//! runs once, at once; the next due time is then computed from that run's
//! start and lies in the future — one catch-up run, not one per missed slot.
//! Restarting the daemon therefore neither re-runs a source that just ran
//! nor forgets one that is overdue.
//!
//! Stopping: the loops watch the [`StopFlag`]. A loop waiting for its next
//! slot (or for a concurrency permit) ends at once; a loop inside a run lets
//! [`run_source`] finish the page in hand, commit it and end the run
//! `interrupted`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hearken_state::{RunFilter, StateError, StateStore};
use tokio::sync::Semaphore;

use super::Schedule;
use super::metrics::Metrics;
use crate::config::SourceConfig;
use crate::ingest::{IngestEnv, RunSummary, StopFlag, run_source};
use crate::plugin::LoadedPlugin;

/// How long a source's loop waits after a run that could not even start
/// (the state store failed, or another process is running the source)
/// before it looks again.
pub const START_FAILURE_PAUSE: Duration = Duration::from_secs(30);

/// One source as the daemon runs it.
#[derive(Debug)]
pub struct ScheduledSource<'a> {
    /// The source's name.
    pub name: &'a str,
    /// Its configuration.
    pub config: &'a SourceConfig,
    /// Its plugin.
    pub plugin: &'a LoadedPlugin,
    /// When it runs.
    pub schedule: Schedule,
}

/// Run every source on its schedule until `stop` is set; returns each
/// source's run summaries, in the order given.
pub async fn run_until_stopped(
    env: &IngestEnv,
    sources: &[ScheduledSource<'_>],
    concurrency: usize,
    metrics: &Metrics,
    stop: &StopFlag,
) -> Vec<Vec<RunSummary>> {
    let permits = Semaphore::new(concurrency.max(1));
    let loops = sources
        .iter()
        .map(|s| source_loop(env, s, &permits, metrics, stop));
    futures_util::future::join_all(loops).await
}

async fn source_loop(
    env: &IngestEnv,
    source: &ScheduledSource<'_>,
    permits: &Semaphore,
    metrics: &Metrics,
    stop: &StopFlag,
) -> Vec<RunSummary> {
    let mut summaries = Vec::new();
    while !stop.is_stopped() {
        let now = Utc::now();
        let due = match last_start(&env.state, source.name) {
            Ok(last) => source.schedule.next_after(last, now),
            Err(e) => {
                tracing::error!(source = source.name, "could not read the run ledger: {e}");
                now + chrono::Duration::from_std(START_FAILURE_PAUSE).unwrap_or_default()
            }
        };
        metrics.next_run(source.name, due);
        if due > now {
            let wait = (due - now).to_std().unwrap_or_default();
            tracing::debug!(source = source.name, next = %due, "waiting for the next run");
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = stop.stopped() => break,
            }
            // Look again: the ledger (and the clock) decide, not the timer.
            continue;
        }
        let permit = tokio::select! {
            p = permits.acquire() => p,
            () = stop.stopped() => break,
        };
        if permit.is_err() || stop.is_stopped() {
            break;
        }
        metrics.run_started(source.name);
        let summary = run_source(env, source.name, source.config, source.plugin, stop).await;
        drop(permit);
        metrics.run_finished(&summary, Utc::now());
        let started = !summary.run_id.is_empty();
        summaries.push(summary);
        if !started {
            // The ledger did not move, so the source would be due again at
            // once: pause instead of spinning.
            tokio::select! {
                () = tokio::time::sleep(START_FAILURE_PAUSE) => {}
                () = stop.stopped() => break,
            }
        }
    }
    summaries
}

/// When the last run of `source` began, from the ledger.
pub fn last_start(state: &StateStore, source: &str) -> Result<Option<DateTime<Utc>>, StateError> {
    let runs = state.runs(RunFilter {
        source: Some(source.to_string()),
        limit: 1,
    })?;
    Ok(runs.first().and_then(|r| {
        let millis = r.started.unix_timestamp_nanos() / 1_000_000;
        DateTime::from_timestamp_millis(i64::try_from(millis).ok()?)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_state::{Clock, RunStatus};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    #[test]
    fn last_start_reads_the_newest_run_of_the_source() {
        let now = Arc::new(AtomicI64::new(1_741_083_300_000)); // 2025-03-04T10:15:00Z
        let clock = {
            let now = now.clone();
            Clock::from_fn(move || now.load(Ordering::SeqCst))
        };
        let state = StateStore::open_in_memory_with_clock(clock).unwrap();
        assert_eq!(last_start(&state, "forum").unwrap(), None);
        let a = state.begin_run("forum", "forum", "0.1.0").unwrap();
        state.finish_run(&a, RunStatus::Failed, Some("x")).unwrap();
        now.store(1_741_083_360_500, Ordering::SeqCst);
        let b = state.begin_run("forum", "forum", "0.1.0").unwrap();
        state.finish_run(&b, RunStatus::Succeeded, None).unwrap();
        now.store(1_741_083_999_000, Ordering::SeqCst);
        let c = state.begin_run("posts", "posts", "0.1.0").unwrap();
        state.finish_run(&c, RunStatus::Succeeded, None).unwrap();
        let last = last_start(&state, "forum").unwrap().unwrap();
        assert_eq!(last.to_rfc3339(), "2025-03-04T10:16:00.500+00:00");

        // After downtime: due at once (one catch-up run), then a slot ahead
        // of the catch-up run's start.
        let schedule = Schedule::parse("every 6h").unwrap();
        let days_later: DateTime<Utc> = "2025-03-07T00:00:00Z".parse().unwrap();
        assert!(schedule.next_after(Some(last), days_later) < days_later);
        assert!(schedule.next_after(Some(days_later), days_later) > days_later);
    }
}
