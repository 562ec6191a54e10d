//! Scheduled ingestion as an operator meets it: transient failures retried
//! with backoff (`hearken run`), and `hearken daemon` running sources on
//! their schedules, answering `/health` and `/metrics`, and stopping cleanly
//! on SIGTERM.

// Helpers outside `#[test]` functions unwrap too: a failed unwrap is a
// failed test here.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use hearken::demo::site::SiteServer;
use hearken_sample::SampleConfig;

use common::{Kind, free_port, hearken, hearken_cmd, json, sample_source, show};

/// An RSS 2.0 feed of `n` invented public posts, linking back to `base`.
fn feed(base: &str, tag: &str, n: usize) -> String {
    let items: String = (1..=n)
        .map(|i| {
            format!(
                "<item><title>Week {i} on the trial</title><guid isPermaLink=\"false\">{tag}-{i}</guid>\
                 <link>{base}p/{tag}/{i}</link><pubDate>Tue, 0{i} Apr 2025 09:30:00 GMT</pubDate>\
                 <dc:creator>walks_with_sticks</dc:creator><description>Infusion day {i} went ok, \
                 the drive to the clinic is the worst part honestly. tired but hopeful</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <channel><title>Patient voices</title><link>{base}</link>{items}</channel></rss>"
    )
}

fn rss(body: String) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_answered_429_then_500_backs_off_and_finishes_while_others_finish_regardless() {
    let tmp = tempfile::tempdir().unwrap();
    // Every request to the flaky feed, with when it arrived.
    let flaky_hits: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let down_hits = Arc::new(AtomicUsize::new(0));
    let base: Arc<Mutex<String>> = Arc::default();
    let router = Router::new()
        .route(
            "/flaky.xml",
            get({
                let hits = flaky_hits.clone();
                let base = base.clone();
                move || async move {
                    let n = {
                        let mut hits = hits.lock().unwrap();
                        hits.push(Instant::now());
                        hits.len()
                    };
                    match n {
                        1 => (
                            StatusCode::TOO_MANY_REQUESTS,
                            [(header::RETRY_AFTER, "1")],
                            "slow down",
                        )
                            .into_response(),
                        2 => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
                        _ => rss(feed(&base.lock().unwrap(), "flaky", 3)),
                    }
                }
            }),
        )
        .route(
            "/down.xml",
            get({
                let hits = down_hits.clone();
                move || async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    StatusCode::SERVICE_UNAVAILABLE
                }
            }),
        )
        .route(
            "/steady.xml",
            get({
                let base = base.clone();
                move || async move { rss(feed(&base.lock().unwrap(), "steady", 4)) }
            }),
        );
    let server = SiteServer::serve(router).await.unwrap();
    *base.lock().unwrap() = server.url("");

    let source = |name: &str, extra: &str| {
        format!(
            "[sources.{name}]\nplugin = \"posts\"\ngrant_hosts = [\"127.0.0.1\"]\nmin_interval_ms = 0\n{extra}\
             [sources.{name}.config]\nkind = \"feed\"\nurls = [\"{}\"]\n\n",
            server.url(&format!("{name}.xml"))
        )
    };
    let config = format!(
        "data_dir = \"data\"\n\n{}{}{}",
        source("flaky", "retries = 3\nbackoff_ms = 200\n"),
        source("down", "retries = 2\nbackoff_ms = 50\n"),
        source("steady", ""),
    );
    let config_path = tmp.path().join("hearken.toml");
    std::fs::write(&config_path, config).unwrap();
    let cfg = config_path.to_str().unwrap();

    let out = hearken(&["run", "--config", cfg, "--json"], tmp.path()).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "one source failed: {}",
        show(&out)
    );
    let summaries = json(&out);
    let by_name = |name: &str| {
        summaries
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == name)
            .unwrap_or_else(|| panic!("no {name} in {summaries:#}"))
            .clone()
    };

    // The flaky source: 429 (Retry-After 1 s), 500, then the feed.
    let flaky = by_name("flaky");
    assert!(flaky["error"].is_null(), "{flaky:#}");
    assert_eq!(flaky["retries"], 2, "{flaky:#}");
    assert_eq!(flaky["new"], 3, "{flaky:#}");
    let hits = flaky_hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 3, "one request per attempt");
    let after_429 = hits[1] - hits[0];
    assert!(
        after_429 >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured: {after_429:?}"
    );
    // Second retry: 2 × 200 ms with jitter in [½, 1].
    let after_500 = hits[2] - hits[1];
    assert!(
        after_500 >= Duration::from_millis(190),
        "no backoff after the 500: {after_500:?}"
    );

    // The source that never recovers: first try plus two retries, then failed.
    let down = by_name("down");
    let error = down["error"].as_str().unwrap_or_else(|| panic!("{down:#}"));
    assert!(error.contains("gave up after 2 retries"), "{error}");
    assert!(error.contains("/down.xml answered HTTP 503"), "{error}");
    assert_eq!(down_hits.load(Ordering::SeqCst), 3);

    let steady = by_name("steady");
    assert!(steady["error"].is_null(), "{steady:#}");
    assert_eq!(steady["new"], 4, "{steady:#}");

    // The ledger says the same.
    let runs = json(&hearken(&["runs", "--config", cfg, "--json"], tmp.path()).await);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 3, "{runs:#?}");
    let run = |name: &str| runs.iter().find(|r| r["source"] == name).unwrap();
    assert_eq!(run("flaky")["status"], "succeeded");
    assert_eq!(run("flaky")["new"], 3);
    assert_eq!(run("steady")["status"], "succeeded");
    assert_eq!(run("steady")["new"], 4);
    assert_eq!(run("down")["status"], "failed");
    let ledger_error = run("down")["error"].as_str().unwrap();
    assert!(
        ledger_error.contains("gave up after 2 retries"),
        "{ledger_error}"
    );

    // The audit log has every attempt, with its status.
    let state = hearken_state::StateStore::open(&tmp.path().join("data/state.sqlite")).unwrap();
    let audit = state
        .audit_log(hearken_state::AuditFilter {
            source: Some("flaky".into()),
            ..Default::default()
        })
        .unwrap();
    let mut statuses: Vec<(i64, Option<u16>)> = audit
        .iter()
        .filter(|a| a.path == "/flaky.xml")
        .map(|a| (a.seq, a.status))
        .collect();
    statuses.sort();
    let statuses: Vec<Option<u16>> = statuses.into_iter().map(|(_, s)| s).collect();
    assert_eq!(statuses, vec![Some(429), Some(500), Some(200)]);

    // A second run is not retried into failure: the feed has nothing new.
    let again = hearken(
        &["run", "--source", "flaky", "--config", cfg, "--json"],
        tmp.path(),
    )
    .await;
    let again = json(&again);
    assert!(again[0]["error"].is_null(), "{again:#}");
    assert_eq!(again[0]["new"], 0, "{again:#}");
    assert_eq!(again[0]["retries"], 0, "{again:#}");
}

/// Five sources (two forum, two feed, one transcript kind) over the demo
/// site, each on `schedule`.
fn five_sources(server: &SiteServer, site_root: &Path, schedule: &str) -> toml::Table {
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), site_root).unwrap();
    let truth = hearken_sample::read_truth(site_root).unwrap();
    let mut sources = toml::Table::new();
    for (name, kind) in [
        ("forum-a", Kind::Forum),
        ("forum-b", Kind::Forum),
        ("feed-a", Kind::Feed),
        ("feed-b", Kind::Feed),
        ("board", Kind::Board),
    ] {
        let s = sample_source(kind, server, site_root, &manifest, &truth, Some(schedule));
        sources.insert(name.into(), s.into());
    }
    sources
}

fn write_config(dir: &Path, sources: toml::Table) -> PathBuf {
    common::write_config(dir, "data", sources)
}

/// A running `hearken daemon`, killed if the test fails before it stops.
struct Daemon {
    child: std::process::Child,
    stderr: PathBuf,
    addr: String,
}

impl Daemon {
    fn start(config: &Path, cwd: &Path, log_name: &str) -> Daemon {
        let addr = format!("127.0.0.1:{}", free_port());
        let stderr = cwd.join(log_name);
        let child = hearken_cmd(
            &[
                "daemon",
                "--config",
                config.to_str().unwrap(),
                "--metrics-addr",
                &addr,
                "--json",
            ],
            cwd,
        )
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start hearken daemon");
        Daemon {
            child,
            stderr,
            addr,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    async fn get(&self, path: &str) -> Option<(u16, String)> {
        let resp = reqwest::get(format!("http://{}{path}", self.addr))
            .await
            .ok()?;
        let status = resp.status().as_u16();
        Some((status, resp.text().await.ok()?))
    }

    /// Poll `/health` until `done` holds for its JSON, or fail after `limit`.
    async fn wait_for_health(
        &mut self,
        limit: Duration,
        what: &str,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let until = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the daemon exited early ({status}):\n{}", self.log());
            }
            if let Some((200, body)) = self.get("/health").await {
                let health: serde_json::Value = serde_json::from_str(&body).unwrap();
                if done(&health) {
                    return health;
                }
                assert!(
                    Instant::now() < until,
                    "timed out waiting for {what}: {health:#}\n{}",
                    self.log()
                );
            } else {
                assert!(
                    Instant::now() < until,
                    "/health never answered\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// SIGTERM, then wait (at most a minute) for the exit; returns the output.
    async fn terminate(mut self) -> (std::process::ExitStatus, serde_json::Value, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let until = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < until,
                "the daemon did not stop within a minute of SIGTERM\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let mut stdout = String::new();
        use std::io::Read;
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let summary = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", self.log()));
        (status, summary, self.log())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const FIVE: [&str; 5] = ["board", "feed-a", "feed-b", "forum-a", "forum-b"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_runs_five_sources_on_schedule_and_stops_cleanly_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let site_root = tmp.path().join("site");
    std::fs::create_dir_all(&site_root).unwrap();
    let server = SiteServer::serve_dir(&site_root).await.unwrap();
    let sources = five_sources(&server, &site_root, "every 2s");
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), &site_root).unwrap();
    let config = write_config(tmp.path(), sources.clone());

    let mut daemon = Daemon::start(&config, tmp.path(), "daemon-1.log");
    // Every source runs at least twice (the first pass indexes the site,
    // later ones find nothing new).
    let health = daemon
        .wait_for_health(Duration::from_secs(240), "two runs of every source", |h| {
            FIVE.iter().all(|s| {
                let runs = &h["sources"][s]["runs"];
                runs["succeeded"].as_u64().unwrap_or(0) >= 2
            })
        })
        .await;
    assert_eq!(health["status"], "ok");
    for s in FIVE {
        assert_eq!(health["sources"][s]["runs"]["failed"], 0, "{health:#}");
    }
    let (code, metrics) = daemon.get("/metrics").await.unwrap();
    assert_eq!(code, 200);
    for s in FIVE {
        let series = format!("hearken_runs_total{{source=\"{s}\",status=\"succeeded\"}} ");
        let line = metrics
            .lines()
            .find(|l| l.starts_with(&series))
            .unwrap_or_else(|| panic!("no {series} in\n{metrics}"));
        let n: f64 = line[series.len()..].parse().unwrap();
        assert!(n >= 2.0, "{line}");
    }
    assert!(metrics.contains("# TYPE hearken_documents_total counter"));

    let (status, summary, log) = daemon.terminate().await;
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("shutdown requested"), "{log}");
    for s in FIVE {
        assert!(
            summary["sources"][s]["runs"]["succeeded"].as_u64().unwrap() >= 2,
            "{summary:#}"
        );
    }

    // The ledger: ≥2 runs per source, none overlapping, none left running,
    // only the last one may be interrupted (the SIGTERM), and the first
    // pass found exactly what the site holds.
    let state = hearken_state::StateStore::open(&tmp.path().join("data/state.sqlite")).unwrap();
    let expected_new = |s: &str| match s {
        "board" => manifest.transcript_turns,
        "feed-a" | "feed-b" => manifest.feed_items,
        _ => manifest.forum_posts,
    } as u64;
    for s in FIVE {
        let mut runs = state
            .runs(hearken_state::RunFilter {
                source: Some(s.into()),
                limit: 0,
            })
            .unwrap();
        runs.reverse(); // oldest first
        assert!(runs.len() >= 2, "{s}: {runs:#?}");
        for (i, run) in runs.iter().enumerate() {
            let last = i + 1 == runs.len();
            match run.status {
                hearken_state::RunStatus::Succeeded => assert!(run.error.is_none(), "{run:#?}"),
                hearken_state::RunStatus::Interrupted if last => {}
                other => panic!("{s}: run {i} is {other}: {run:#?}"),
            }
            let ended = run
                .ended
                .unwrap_or_else(|| panic!("{s}: run {i} never ended"));
            if let Some(next) = runs.get(i + 1) {
                assert!(ended <= next.started, "{s}: runs {i} and {} overlap", i + 1);
            }
        }
        let new: u64 = runs.iter().map(|r| r.new).sum();
        assert_eq!(new, expected_new(s), "{s}: {runs:#?}");
        assert_eq!(
            runs[0].new,
            expected_new(s),
            "{s}: the first run reads it all"
        );
        assert!(
            state.cursor_record(s).unwrap().is_some(),
            "{s} has a cursor"
        );
    }

    // A restart with an hourly schedule: the sources ran moments ago, so
    // none is due — except one never run before, which runs once, at once.
    let mut hourly = five_sources(&server, &site_root, "every 1h");
    let mut extra = hourly["feed-a"].as_table().unwrap().clone();
    extra.insert("schedule".into(), "every 1h".into());
    hourly.insert("feed-c".into(), extra.into());
    let config = write_config(tmp.path(), hourly);
    let before: usize = state
        .runs(hearken_state::RunFilter::default())
        .unwrap()
        .len();
    let mut daemon = Daemon::start(&config, tmp.path(), "daemon-2.log");
    let health = daemon
        .wait_for_health(Duration::from_secs(120), "the new source's run", |h| {
            h["sources"]["feed-c"]["runs"]["succeeded"] == 1
        })
        .await;
    // Give the others a moment in which they must stay idle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for s in FIVE {
        let next = health["sources"][s]["next_run"].as_str().unwrap();
        let next: chrono::DateTime<chrono::Utc> = next.parse().unwrap();
        assert!(
            next > chrono::Utc::now() + chrono::Duration::minutes(50),
            "{s}: {next}"
        );
    }
    let (status, summary, log) = daemon.terminate().await;
    assert_eq!(status.code(), Some(0), "{log}");
    for s in FIVE {
        assert_eq!(summary["sources"][s]["runs"]["succeeded"], 0, "{summary:#}");
    }
    let after = state.runs(hearken_state::RunFilter::default()).unwrap();
    assert_eq!(after.len(), before + 1, "only feed-c ran");
    assert_eq!(after[0].source, "feed-c");
    assert_eq!(after[0].new, manifest.feed_items as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_writer_on_the_data_directory_is_refused_while_readers_work() {
    let tmp = tempfile::tempdir().unwrap();
    // A feed that answers slowly, so the daemon's run is live for a while.
    let base: Arc<Mutex<String>> = Arc::default();
    let router = Router::new().route(
        "/slow.xml",
        get({
            let base = base.clone();
            move || async move {
                tokio::time::sleep(Duration::from_secs(4)).await;
                rss(feed(&base.lock().unwrap(), "slow", 3))
            }
        }),
    );
    let server = SiteServer::serve(router).await.unwrap();
    *base.lock().unwrap() = server.url("");
    let config = tmp.path().join("hearken.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = \"data\"\n\n[sources.slow]\nplugin = \"posts\"\ngrant_hosts = [\"127.0.0.1\"]\n\
             min_interval_ms = 0\nschedule = \"every 1h\"\n[sources.slow.config]\nkind = \"feed\"\n\
             urls = [\"{}\"]\n",
            server.url("slow.xml")
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let data = tmp.path().join("data");

    let mut daemon = Daemon::start(&config, tmp.path(), "daemon.log");
    let pid = daemon.child.id();
    // Wait until the daemon's run is in the ledger and still running.
    let until = Instant::now() + Duration::from_secs(120);
    let state = loop {
        assert!(
            Instant::now() < until,
            "the daemon never started a run\n{}",
            daemon.log()
        );
        if let Ok(Some(status)) = daemon.child.try_wait() {
            panic!("the daemon exited early ({status}):\n{}", daemon.log());
        }
        if data.join("state.sqlite").exists()
            && let Ok(state) = hearken_state::StateStore::open(&data.join("state.sqlite"))
            && state
                .runs(hearken_state::RunFilter::default())
                .unwrap()
                .first()
                .is_some_and(|r| r.status == hearken_state::RunStatus::Running)
        {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    // A `hearken run` and a second daemon are refused at once, naming the
    // directory and the daemon's PID ...
    let refused = format!(
        "the data directory {} is in use by another hearken process (PID {pid})",
        data.display()
    );
    let run = hearken(&["run", "--config", cfg], tmp.path()).await;
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains(&refused),
        "{}",
        show(&run)
    );
    let addr = format!("127.0.0.1:{}", free_port());
    let second = hearken(
        &["daemon", "--config", cfg, "--metrics-addr", &addr],
        tmp.path(),
    )
    .await;
    assert_eq!(second.status.code(), Some(1), "{}", show(&second));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains(&refused),
        "{}",
        show(&second)
    );
    // ... and neither marked the daemon's live run interrupted.
    let live = &state.runs(hearken_state::RunFilter::default()).unwrap()[0];
    assert_eq!(live.status, hearken_state::RunStatus::Running, "{live:#?}");

    // Readers work meanwhile.
    let runs = json(&hearken(&["runs", "--config", cfg, "--json"], tmp.path()).await);
    assert_eq!(runs[0]["source"], "slow", "{runs:#}");

    // The run finishes; then search and show read what it indexed, still
    // beside the daemon.
    daemon
        .wait_for_health(Duration::from_secs(120), "the slow run", |h| {
            h["sources"]["slow"]["runs"]["succeeded"] == 1
        })
        .await;
    let hits = hearken(&["search", "clinic", "--config", cfg, "--json"], tmp.path()).await;
    assert!(hits.status.success(), "{}", show(&hits));
    let hits = json(&hits);
    let id = hits["hits"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{hits:#}"))
        .to_string();
    let shown = hearken(&["show", &id, "--config", cfg, "--json"], tmp.path()).await;
    assert!(shown.status.success(), "{}", show(&shown));
    assert_eq!(json(&shown)["id"], id.as_str());

    let (status, _, log) = daemon.terminate().await;
    assert_eq!(status.code(), Some(0), "{log}");
    let runs = state.runs(hearken_state::RunFilter::default()).unwrap();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].status, hearken_state::RunStatus::Succeeded);
    assert_eq!(runs[0].new, 3);

    // With the daemon gone, the lock went with it.
    let after = hearken(&["run", "--config", cfg, "--json"], tmp.path()).await;
    assert!(after.status.success(), "{}", show(&after));
}
