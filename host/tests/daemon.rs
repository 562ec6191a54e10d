//! Scheduled ingestion as an operator meets it: transient failures retried
//! with backoff (`hearken run`), and `hearken daemon` running sources on
//! their schedules, answering `/health` and `/metrics`, and stopping cleanly
//! on SIGTERM.

// Helpers outside `#[test]` functions unwrap too: a failed unwrap is a
// failed test here.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use hearken::demo::site::SiteServer;
use hearken_sample::SampleConfig;

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

/// Run the binary off the async runtime (the test's site server lives on it).
async fn hearken(args: &[&str], cwd: &Path) -> Output {
    let mut cmd = hearken_cmd(args, cwd);
    tokio::task::spawn_blocking(move || cmd.output().expect("run hearken"))
        .await
        .unwrap()
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(out)))
}

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
    let common = |plugin: &str| {
        let mut t = toml::Table::new();
        t.insert("plugin".into(), plugin.into());
        t.insert("schedule".into(), schedule.into());
        t.insert("min_interval_ms".into(), 0.into());
        t
    };
    let grant = toml::Value::Array(vec!["127.0.0.1".into()]);
    for name in ["forum-a", "forum-b"] {
        let mut s = common("forum");
        s.insert("grant_hosts".into(), grant.clone());
        let mut c = toml::Table::new();
        c.insert("engine".into(), "phpbb".into());
        c.insert("start_url".into(), server.url(&manifest.forum_start).into());
        s.insert("config".into(), c.into());
        sources.insert(name.into(), s.into());
    }
    for name in ["feed-a", "feed-b"] {
        let mut s = common("posts");
        s.insert("grant_hosts".into(), grant.clone());
        let mut c = toml::Table::new();
        c.insert("kind".into(), "feed".into());
        c.insert(
            "urls".into(),
            toml::Value::Array(vec![server.url(&manifest.feed_start).into()]),
        );
        s.insert("config".into(), c.into());
        sources.insert(name.into(), s.into());
    }
    let mut board = common("transcripts");
    let inputs: Vec<toml::Value> = manifest
        .transcripts
        .iter()
        .map(|t| site_root.join(t).to_str().unwrap().into())
        .collect();
    board.insert("inputs".into(), toml::Value::Array(inputs));
    let files: Vec<toml::Value> = manifest
        .transcripts
        .iter()
        .map(|t| t.rsplit('/').next().unwrap().into())
        .collect();
    let mut roles = toml::Table::new();
    for doc in &truth.documents {
        if let Some(role) = &doc.role {
            roles.insert(doc.author.clone(), role.as_str().into());
        }
    }
    let mut c = toml::Table::new();
    c.insert("files".into(), toml::Value::Array(files));
    c.insert("roles".into(), roles.into());
    c.insert("default_role".into(), "patient".into());
    board.insert("config".into(), c.into());
    sources.insert("board".into(), board.into());
    sources
}

fn write_config(dir: &Path, sources: toml::Table) -> PathBuf {
    let mut root = toml::Table::new();
    root.insert("data_dir".into(), "data".into());
    root.insert("sources".into(), sources.into());
    let path = dir.join("hearken.toml");
    std::fs::write(&path, toml::to_string(&root).unwrap()).unwrap();
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
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
