//! The crash test: `hearken run` killed with SIGKILL at twenty different
//! moments of an ingestion, restarted each time, then run to the end. Every
//! generated document must be in the index exactly once, and every cursor at
//! the end (a further run finds nothing new).
//!
//! Kill moments alternate between two kinds:
//!
//! - a fixed delay after the restart, from a quarter second to three
//!   seconds: the process is opening its state and index, loading plugins,
//!   fetching its first pages;
//! - a moment *after this process's first index commit* plus a varying
//!   extra delay: runs are mid-page, mid-pipeline, between an index commit
//!   and its cursor commit, or committing.
//!
//! Each restart resumes from what the previous one committed, so the second
//! kind lands at ever later points of the corpus, not twenty times at its
//! start; the test checks that by the document counts it sees between
//! kills.

// Helpers outside `#[test]` functions unwrap too: a failed unwrap is a
// failed test here.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hearken::demo::site::SiteServer;
use hearken_sample::SampleConfig;

/// Documents in the generated corpus: forum posts, feed items and
/// transcript turns. Sized so that the test stays within about three
/// minutes in a debug build on two cores.
const DOCS: usize = 2000;
/// Kills that must land on a running process.
const KILLS: usize = 20;

fn hearken_cmd(args: &[&str], cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearken"));
    cmd.args(args)
        .current_dir(cwd)
        .env(
            "HEARKEN_PLUGIN_CACHE",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasmtime-cache"),
        )
        .env_remove("HEARKEN_DATA")
        .env_remove("HEARKEN_CONFIG")
        .env_remove("HEARKEN_LOG");
    cmd
}

async fn run_to_end(cfg: &str, cwd: &Path) -> serde_json::Value {
    let mut cmd = hearken_cmd(&["run", "--config", cfg, "--json"], cwd);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn config(server: &SiteServer, site: &Path, manifest: &hearken_sample::SiteManifest) -> String {
    let quoted = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inputs: Vec<String> = manifest
        .transcripts
        .iter()
        .map(|t| site.join(t).to_str().unwrap().to_string())
        .collect();
    let files: Vec<String> = manifest
        .transcripts
        .iter()
        .map(|t| t.rsplit('/').next().unwrap().to_string())
        .collect();
    format!(
        r#"data_dir = "data"

[sources.forum]
plugin = "forum"
grant_hosts = ["127.0.0.1"]
min_interval_ms = 0
[sources.forum.config]
engine = "phpbb"
start_url = "{forum}"

[sources.feed]
plugin = "posts"
grant_hosts = ["127.0.0.1"]
min_interval_ms = 0
[sources.feed.config]
kind = "feed"
urls = ["{feed}"]

[sources.board]
plugin = "transcripts"
inputs = [{inputs}]
[sources.board.config]
files = [{files}]
default_role = "patient"
"#,
        forum = server.url(&manifest.forum_start),
        feed = server.url(&manifest.feed_start),
        inputs = quoted(&inputs),
        files = quoted(&files),
    )
}

/// The source a truth document belongs to, by the file it is in.
fn source_of(doc: &hearken_sample::DocTruth) -> &'static str {
    if doc.url.starts_with("forum/") {
        "forum"
    } else if doc.url.starts_with("posts/") {
        "feed"
    } else {
        "board"
    }
}

/// Documents committed to the index so far (0 before it exists).
fn index_count(data: &Path) -> u64 {
    if !data.join("index").join("meta.json").exists() {
        return 0;
    }
    hearken_index::Index::open_or_create(&data.join("index"))
        .and_then(|i| i.count())
        .unwrap_or(0)
}

/// When to kill a restarted run.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// This long after the start.
    After(Duration),
    /// This long after the index first grows past what it held at the start.
    AfterCommit(Duration),
}

fn index_ids(data: &Path) -> Vec<String> {
    let index = hearken_index::Index::open_or_create(&data.join("index")).unwrap();
    index
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing-dependent (issue 8 stays open): on a fast or idle machine a run can finish before its kill \
            lands and the test runs out of attempts; the kill moments must be scaled to a measured run time"]
async fn killed_twenty_times_nothing_is_lost_and_nothing_is_indexed_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let manifest = hearken_sample::write_site(&SampleConfig::with_docs(DOCS, 11), &site).unwrap();
    let truth = hearken_sample::read_truth(&site).unwrap();
    assert_eq!(truth.documents.len(), manifest.documents);
    let server = SiteServer::serve_dir(&site).await.unwrap();
    let cfg_path = tmp.path().join("hearken.toml");
    std::fs::write(&cfg_path, config(&server, &site, &manifest)).unwrap();
    let cfg = cfg_path.to_str().unwrap();
    let data = tmp.path().join("data");

    let moments: Vec<Moment> = (0..KILLS as u64)
        .map(|i| {
            if i % 2 == 0 {
                Moment::AfterCommit(Duration::from_millis(350 * ((i / 2) % 5)))
            } else {
                Moment::After(Duration::from_millis(250 + 300 * (i / 2)))
            }
        })
        .collect();
    let mut landed = 0;
    let mut finished_first = 0;
    let mut counts_between_kills = Vec::new();
    let started = Instant::now();
    for moment in moments.iter().cycle() {
        if landed == KILLS {
            break;
        }
        assert!(
            landed + finished_first < 3 * KILLS,
            "the kills keep missing: {landed} landed"
        );
        let before = index_count(&data);
        let spawned = Instant::now();
        let mut child = hearken_cmd(&["run", "--config", cfg], tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let extra = match *moment {
            Moment::After(delay) => delay,
            Moment::AfterCommit(extra) => {
                // Wait for this process's first commit (or its end, or a
                // generous limit), then a little more.
                while index_count(&data) == before
                    && child.try_wait().unwrap().is_none()
                    && spawned.elapsed() < Duration::from_secs(60)
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                extra
            }
        };
        tokio::time::sleep(extra).await;
        if child.try_wait().unwrap().is_some() {
            finished_first += 1;
            continue;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        landed += 1;
        counts_between_kills.push(index_count(&data));
    }
    eprintln!(
        "{landed} kills landed ({finished_first} runs finished first) in {:?}; documents after each kill: {counts_between_kills:?}",
        started.elapsed()
    );
    // The kills fell at many points of the ingestion, not all at its start
    // or all after its end.
    let partial: BTreeSet<u64> = counts_between_kills
        .iter()
        .copied()
        .filter(|&n| n > 0 && n < manifest.documents as u64)
        .collect();
    assert!(
        partial.len() >= 3,
        "kills should land mid-ingestion: {counts_between_kills:?}"
    );

    // Run to the end.
    let summaries = run_to_end(cfg, tmp.path()).await;
    for s in summaries.as_array().unwrap() {
        assert!(s["error"].is_null(), "{s:#}");
    }

    // Every document exactly once, under its source.
    let ids = index_ids(&data);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a document is in the index twice");
    let expected: BTreeSet<String> = truth
        .documents
        .iter()
        .map(|d| match source_of(d) {
            // The transcripts plugin names a turn by its file and time
            // offset (the truth's URL, with milliseconds always written),
            // not by the truth's turn number.
            "board" => {
                let url = d.url.trim_start_matches("transcripts/");
                let millis = if url.rsplit(':').next().is_some_and(|s| s.contains('.')) {
                    ""
                } else {
                    ".000"
                };
                format!("board:{url}{millis}")
            }
            source => format!("{source}:{}", d.id),
        })
        .collect();
    let found: BTreeSet<String> = ids.into_iter().collect();
    let missing: Vec<_> = expected.difference(&found).take(5).collect();
    let extra: Vec<_> = found.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing (first 5): {missing:?}; not in the truth (first 5): {extra:?}"
    );
    assert_eq!(found.len(), manifest.documents);

    // Every cursor at the end: one more run finds nothing new or changed,
    // and no run was left `running`.
    let again = run_to_end(cfg, tmp.path()).await;
    for s in again.as_array().unwrap() {
        assert!(s["error"].is_null(), "{s:#}");
        assert_eq!(s["new"], 0, "{s:#}");
        assert_eq!(s["updated"], 0, "{s:#}");
    }
    let state = hearken_state::StateStore::open(&data.join("state.sqlite")).unwrap();
    let runs = state.runs(hearken_state::RunFilter::default()).unwrap();
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &runs {
        *by_status.entry(r.status.as_str()).or_default() += 1;
    }
    assert_eq!(by_status.get("running"), None, "{by_status:?}");
    assert_eq!(by_status.get("failed"), None, "{by_status:?}");
    // A kill that lands while plugins are still loading leaves no run
    // behind, so how many runs end `interrupted` depends on the machine's
    // speed; at least one kill must have landed mid-run for the test to mean
    // anything.
    assert!(
        by_status.get("interrupted").copied().unwrap_or(0) >= 1,
        "{by_status:?}"
    );
    for source in ["forum", "feed", "board"] {
        let cursor = state.cursor_record(source).unwrap().unwrap();
        let last = &runs.iter().find(|r| r.source == source).unwrap().id;
        assert_eq!(
            cursor.run.as_ref(),
            Some(last),
            "{source}'s cursor was set by its last run"
        );
    }
}
