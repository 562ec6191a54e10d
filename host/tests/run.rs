//! `hearken run` as cron meets it, over real sockets on loopback: plain
//! progress lines when stderr is not a terminal, conditional requests that
//! make an unchanged page cost a `304` and nothing else, and robots.txt
//! kept in the state store across runs.

// Helpers outside `#[test]` functions unwrap too: a failed unwrap is a
// failed test here.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use hearken::demo::site::SiteServer;
use hearken_sample::SampleConfig;

use common::{hearken, json_ok, show, three_sample_sources, write_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_each_page_and_commit_is_a_log_line() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), &site).unwrap();
    let truth = hearken_sample::read_truth(&site).unwrap();
    let server = SiteServer::serve_dir(&site).await.unwrap();
    let sources = three_sample_sources(&server, &site, &manifest, &truth);
    let cfg = write_config(tmp.path(), "data", sources);

    // `output()` pipes stderr: not a terminal.
    let out = hearken(
        &["run", "--config", cfg.to_str().unwrap(), "--json"],
        tmp.path(),
    )
    .await;
    let summaries = json_ok(&out);
    let log = String::from_utf8_lossy(&out.stderr);
    for s in summaries.as_array().unwrap() {
        let name = s["source"].as_str().unwrap();
        let pages = s["pages"].as_u64().unwrap();
        assert!(pages >= 1, "{s:#}");
        assert!(log.contains(&format!("{name}: run started")), "{log}");
        // One line per page, numbered, with the run's totals so far.
        for page in 1..=pages {
            let line = format!("{name}: page {page} fetched with ");
            assert_eq!(log.matches(&line).count(), 1, "{line:?} in\n{log}");
        }
        assert!(
            !log.contains(&format!("{name}: page {} fetched", pages + 1)),
            "{log}"
        );
        let last = format!(
            "so far {} records, {} new, {} updated, {} unchanged",
            s["records"], s["new"], s["updated"], s["unchanged"]
        );
        assert!(log.contains(&last), "{last:?} in\n{log}");
        // The commits together cover every new document.
        let committed: u64 = log
            .lines()
            .filter_map(|l| {
                let rest = l.split(&format!("{name}: committed ")).nth(1)?;
                rest.split(' ').next()?.parse::<u64>().ok()
            })
            .sum();
        assert_eq!(committed, s["new"].as_u64().unwrap(), "{log}");
    }
    // No bar drawing codes in a log, and no patient text: none of the
    // identifiers the sample planted in posts reaches the log.
    assert!(!log.contains('\u{1b}'), "{log}");
    for id in &truth.identifiers {
        if id.value.len() >= 6 {
            assert!(!log.contains(&id.value), "{} leaked into the log", id.value);
        }
    }
}

/// One feed request as the server saw it: its `If-None-Match`, its
/// `If-Modified-Since`, and the status answered.
type Seen = (Option<String>, Option<String>, u16);

/// A feed whose content is versioned: answers with an `ETag` and a
/// `Last-Modified`, and honours `If-None-Match` / `If-Modified-Since`.
#[derive(Default)]
struct VersionedFeed {
    /// Items in the feed.
    items: AtomicUsize,
    /// Every feed request: its `If-None-Match`, `If-Modified-Since`, and
    /// the status answered.
    requests: Mutex<Vec<Seen>>,
    robots_fetches: AtomicUsize,
}

impl VersionedFeed {
    fn answer(&self, headers: &HeaderMap, base: &str) -> axum::response::Response {
        let items = self.items.load(Ordering::SeqCst);
        let etag = format!("\"v{items}\"");
        // One second per version, as servers stamp files.
        let last_modified = format!("Tue, 04 Mar 2025 10:15:{items:02} GMT");
        let get = |h: header::HeaderName| {
            headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let inm = get(header::IF_NONE_MATCH);
        let ims = get(header::IF_MODIFIED_SINCE);
        let unchanged = match (&inm, &ims) {
            (Some(tag), _) => tag == &etag,
            (None, Some(since)) => since == &last_modified,
            (None, None) => false,
        };
        let status = if unchanged { 304 } else { 200 };
        self.requests.lock().unwrap().push((inm, ims, status));
        if unchanged {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let body: String = (1..=items)
            .map(|i| {
                format!(
                    "<item><title>Visit {i}</title><guid isPermaLink=\"false\">visit-{i}</guid>\
                     <link>{base}p/{i}</link><pubDate>Tue, 0{i} Apr 2025 09:30:00 GMT</pubDate>\
                     <description>Visit {i}: the parking at the site costs more than the \
                     travel stipend covers, honestly.</description></item>"
                )
            })
            .collect();
        (
            [
                (header::CONTENT_TYPE, "application/rss+xml".to_string()),
                (header::ETAG, etag),
                (header::LAST_MODIFIED, last_modified),
            ],
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Trial diary</title>\
                 <link>{base}</link>{body}</channel></rss>"
            ),
        )
            .into_response()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_pages_cost_a_304_and_robots_txt_is_fetched_once_across_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let feed = Arc::new(VersionedFeed::default());
    feed.items.store(3, Ordering::SeqCst);
    let base: Arc<Mutex<String>> = Arc::default();
    let router = Router::new()
        .route(
            "/feed.xml",
            get({
                let feed = feed.clone();
                let base = base.clone();
                move |headers: HeaderMap| async move {
                    let base = base.lock().unwrap().clone();
                    feed.answer(&headers, &base)
                }
            }),
        )
        .route(
            "/robots.txt",
            get({
                let feed = feed.clone();
                move || async move {
                    feed.robots_fetches.fetch_add(1, Ordering::SeqCst);
                    "User-agent: *\nDisallow: /private/\n"
                }
            }),
        );
    let server = SiteServer::serve(router).await.unwrap();
    *base.lock().unwrap() = server.url("");

    // Two sources read the same feed: each keeps its own validators.
    let source = |name: &str| {
        format!(
            "[sources.{name}]\nplugin = \"posts\"\ngrant_hosts = [\"127.0.0.1\"]\nmin_interval_ms = 0\n\
             [sources.{name}.config]\nkind = \"feed\"\nurls = [\"{}\"]\n\n",
            server.url("feed.xml")
        )
    };
    let cfg_path = tmp.path().join("hearken.toml");
    std::fs::write(
        &cfg_path,
        format!(
            "data_dir = \"data\"\n\n{}{}",
            source("diary"),
            source("mirror")
        ),
    )
    .unwrap();
    let cfg = cfg_path.to_str().unwrap();
    let run = |only: Option<&'static str>| {
        let mut args = vec!["run", "--config", cfg, "--json"];
        if let Some(only) = only {
            args.extend(["--source", only]);
        }
        let dir = tmp.path().to_path_buf();
        async move {
            let out = hearken(&args, &dir).await;
            assert!(out.status.success(), "{}", show(&out));
            let summaries = json_ok(&out);
            summaries.as_array().unwrap().clone()
        }
    };
    let by_name = |summaries: &[serde_json::Value], name: &str| {
        summaries
            .iter()
            .find(|s| s["source"] == name)
            .unwrap_or_else(|| panic!("no {name} in {summaries:#?}"))
            .clone()
    };

    // First run of `diary`: nothing to send, the whole feed comes back.
    let first = run(Some("diary")).await;
    assert_eq!(by_name(&first, "diary")["new"], 3);
    assert_eq!(
        feed.requests.lock().unwrap().clone(),
        vec![(None, None, 200)]
    );

    // Second run, both sources: `diary` sends the validators it stored and
    // gets a 304, which yields no records at all; `mirror` never read the
    // feed, sends nothing and indexes all of it.
    let second = run(None).await;
    let diary = by_name(&second, "diary");
    assert!(diary["error"].is_null(), "{diary:#}");
    assert_eq!(diary["records"], 0, "{diary:#}");
    assert_eq!(diary["new"], 0, "{diary:#}");
    assert_eq!(diary["retries"], 0, "{diary:#}");
    assert_eq!(by_name(&second, "mirror")["new"], 3);
    let requests = feed.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "{requests:?}");
    let conditional = (
        Some("\"v3\"".to_string()),
        Some("Tue, 04 Mar 2025 10:15:03 GMT".to_string()),
        304,
    );
    assert!(requests[1..].contains(&conditional), "{requests:?}");
    assert!(requests[1..].contains(&(None, None, 200)), "{requests:?}");

    // robots.txt: fetched by the first process, then read from the state
    // store by the second (well within its day).
    assert_eq!(feed.robots_fetches.load(Ordering::SeqCst), 1);

    // The audit log shows the 304.
    let state = hearken_state::StateStore::open(&tmp.path().join("data/state.sqlite")).unwrap();
    let audit = state
        .audit_log(hearken_state::AuditFilter {
            source: Some("diary".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.path == "/feed.xml" && a.status == Some(304)),
        "{audit:#?}"
    );

    // The feed changes: the stored validators no longer match, the feed
    // comes back with a 200, and the new item is indexed (the plugin's
    // cursor skips the items it had already seen).
    feed.items.store(4, Ordering::SeqCst);
    let third = run(Some("diary")).await;
    let diary = by_name(&third, "diary");
    assert_eq!(diary["records"], 1, "{diary:#}");
    assert_eq!(diary["new"], 1, "{diary:#}");
    let last = feed.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.0.as_deref(), Some("\"v3\""));
    assert_eq!(last.2, 200);
    // And the next run is conditional on the new version.
    let fourth = run(Some("diary")).await;
    assert_eq!(by_name(&fourth, "diary")["records"], 0);
    let last = feed.requests.lock().unwrap().last().cloned().unwrap();
    assert_eq!((last.0.as_deref(), last.2), (Some("\"v4\""), 304));
    assert_eq!(feed.robots_fetches.load(Ordering::SeqCst), 1);
}
