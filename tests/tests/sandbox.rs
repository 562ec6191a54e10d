//! Hostile plugins: each way a plugin can misbehave fails that plugin's call
//! with an error naming the cause, and leaves every other source alone.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use hearken::demo::site::SiteServer;
use hearken::plugin::gate::{Decision, HttpGate, MemoryAudit, NetworkPolicy, Requester};
use hearken::plugin::{
    CallContext, CallLimits, LoadedPlugin, PluginError, PluginRuntime, SourceFailure,
};
use hearken_tests::{load_fixture, runtime};

/// A site with a robots.txt, a small page, a redirect to a host the plugin
/// did not declare (same port, name `localhost`), and a response far over
/// the cap.
async fn hostile_site() -> SiteServer {
    let router = Router::new()
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /private/\n" }),
        )
        .route("/ok", get(|| async { "fine" }))
        .route("/private/page", get(|| async { "secret" }))
        .route(
            "/redirect",
            get(|headers: HeaderMap| async move {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("127.0.0.1:80");
                let port = host.rsplit(':').next().unwrap_or("80");
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, format!("http://localhost:{port}/ok"))],
                )
                    .into_response()
            }),
        )
        .route("/huge", get(|| async { vec![b'x'; 5 * 1024 * 1024] }));
    SiteServer::serve(router).await.expect("serve")
}

struct Harness {
    runtime: Arc<PluginRuntime>,
    plugin: LoadedPlugin,
    audit: Arc<MemoryAudit>,
    gate: Arc<HttpGate>,
}

impl Harness {
    async fn new() -> Self {
        let runtime = runtime(env!("CARGO_TARGET_TMPDIR"));
        let plugin = load_fixture(&runtime, "hearken_plugin_hostile").await;
        let audit = Arc::new(MemoryAudit::default());
        let gate = Arc::new(HttpGate::new(audit.clone()).expect("gate"));
        Self {
            runtime,
            plugin,
            audit,
            gate,
        }
    }

    fn ctx(&self) -> CallContext {
        CallContext {
            gate: Some(self.gate.clone()),
            requester: Requester {
                source: "hostile-source".into(),
                plugin: self.plugin.info.name.clone(),
                declared: self.plugin.info.hosts.clone(),
                run_id: None,
            },
            network: NetworkPolicy {
                // The operator grants both; the plugin declares only 127.0.0.1.
                granted: vec!["127.0.0.1".into(), "localhost".into()],
                max_response_bytes: 1024 * 1024,
                timeout: Duration::from_secs(5),
                min_interval: Duration::ZERO,
                obey_robots: true,
            },
            inputs: Arc::new(Vec::new()),
            max_input_bytes: 0,
            scrubber: Some(Arc::new(|s: &str| s.to_string())),
        }
    }

    async fn fetch(
        &self,
        config: serde_json::Value,
        limits: CallLimits,
    ) -> Result<(), PluginError> {
        self.runtime
            .fetch(&self.plugin, self.ctx(), limits, &config.to_string(), None)
            .await
            .map(|_| ())
    }
}

fn limits() -> CallLimits {
    CallLimits {
        time: Duration::from_secs(2),
        memory_bytes: 64 * 1024 * 1024,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_infinite_loop_is_stopped_at_its_time_budget() {
    let h = Harness::new().await;
    let started = std::time::Instant::now();
    let err = h
        .fetch(serde_json::json!({"mode": "loop"}), limits())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PluginError::TimeBudget { plugin, budget } if plugin == "hostile" && *budget == Duration::from_secs(2)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("ran past its time budget of 2s"),
        "{err}"
    );
    // Stopped near the budget, not after the outer safety timeout.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_memory_bomb_hits_the_cap() {
    let h = Harness::new().await;
    let err = h
        .fetch(serde_json::json!({"mode": "membomb"}), limits())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PluginError::MemoryCap { cap, .. } if *cap == 64 * 1024 * 1024),
        "{err:?}"
    );
    assert!(err.to_string().contains("memory cap of 64 MiB"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_reported_as_a_panic() {
    let h = Harness::new().await;
    let err = h
        .fetch(serde_json::json!({"mode": "panic"}), limits())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PluginError::Panicked { plugin } if plugin == "hostile"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undeclared_host_is_denied_and_audited() {
    let site = hostile_site().await;
    let h = Harness::new().await;
    let url = format!("http://localhost:{}/ok", site.addr().port());
    let err = h
        .fetch(
            serde_json::json!({"mode": "undeclared-host", "url": url}),
            limits(),
        )
        .await
        .unwrap_err();
    let PluginError::Source {
        error: SourceFailure::Http(msg),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(msg.contains("is not declared by plugin `hostile`"), "{msg}");
    let audit = h.audit.entries();
    assert!(
        audit.iter().any(|e| e.decision == Decision::Denied
            && e.host.starts_with("localhost")
            && e.path == "/ok"),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_an_undeclared_host_is_denied() {
    let site = hostile_site().await;
    let h = Harness::new().await;
    let url = site.url("redirect");
    let err = h
        .fetch(
            serde_json::json!({"mode": "redirect", "url": url}),
            limits(),
        )
        .await
        .unwrap_err();
    let PluginError::Source {
        error: SourceFailure::Http(msg),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("localhost") && msg.contains("is not declared"),
        "{msg}"
    );
    let audit = h.audit.entries();
    let redirect = audit
        .iter()
        .find(|e| e.path == "/redirect")
        .expect("the first hop is audited");
    assert_eq!(
        (redirect.decision, redirect.status),
        (Decision::Allowed, Some(302))
    );
    assert!(
        audit
            .iter()
            .any(|e| e.decision == Decision::Denied && e.host.starts_with("localhost")),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_over_the_cap_is_refused() {
    let site = hostile_site().await;
    let h = Harness::new().await;
    let err = h
        .fetch(
            serde_json::json!({"mode": "oversize", "url": site.url("huge")}),
            limits(),
        )
        .await
        .unwrap_err();
    let PluginError::Source {
        error: SourceFailure::Http(msg),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(msg.contains("TooLarge(1048576)"), "{msg}");
    let audit = h.audit.entries();
    assert!(
        audit.iter().any(|e| e.path == "/huge"
            && e.reason
                .as_deref()
                .is_some_and(|r| r.contains("larger than the 1048576-byte cap"))),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_is_obeyed() {
    let site = hostile_site().await;
    let h = Harness::new().await;
    let err = h
        .fetch(
            serde_json::json!({"mode": "oversize", "url": site.url("private/page")}),
            limits(),
        )
        .await
        .unwrap_err();
    let PluginError::Source {
        error: SourceFailure::Http(msg),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("robots.txt") && msg.contains("disallows /private/page"),
        "{msg}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_importing_the_file_system_is_refused_at_load() {
    let runtime = runtime(env!("CARGO_TARGET_TMPDIR"));
    let path = hearken_tests::fixture_plugin("hearken_plugin_fs_import");
    let err = hearken::plugin::load_file(&runtime, &path)
        .await
        .unwrap_err();
    let PluginError::ForbiddenImport { import, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(import.starts_with("wasi:filesystem/"), "{import}");
    assert!(
        err.to_string()
            .contains("source plugins have no file system"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_bytes_are_not_a_plugin() {
    let runtime = runtime(env!("CARGO_TARGET_TMPDIR"));
    let err = runtime
        .load(b"\0asm\x0d\0\x01\0garbage", "garbage.wasm")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PluginError::Invalid { origin, .. } if origin == "garbage.wasm"),
        "{err:?}"
    );
}

/// A hostile source and a good one in the same run: the hostile one fails
/// with its specific error in the ledger; the good one's documents are
/// indexed all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_plugin_in_the_same_run_still_finishes_and_is_indexed() {
    use hearken::app::{DataDir, open_for_ingest_with};
    use hearken::config::{Config, SourceConfig};
    use hearken::ingest::run_source;

    let tmp = tempfile::tempdir().unwrap();
    let transcript = tmp.path().join("board-2025-03-12.vtt");
    std::fs::write(
        &transcript,
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Moderator>Welcome everyone, thanks for coming in today.\n\n\
         00:00:05.500 --> 00:00:12.000\n<v Patient A>Honestly the travel is the hardest part, it's a three hour drive each way.\n\n\
         00:00:12.500 --> 00:00:20.000\n<v Patient B>For me it's the side effects, I was scared of the nausea.\n",
    )
    .unwrap();

    let runtime = runtime(env!("CARGO_TARGET_TMPDIR"));
    let data = DataDir::new(tmp.path().join("data"));
    let (mut registry, problems) = hearken::plugin::PluginRegistry::load(&runtime, None)
        .await
        .unwrap();
    assert!(problems.is_empty());
    registry.insert(load_fixture(&runtime, "hearken_plugin_hostile").await);

    let mut good = SourceConfig::new("transcripts");
    good.inputs = vec![transcript];
    good.config = Some(toml::Spanned::new(
        0..0,
        toml::toml! { files = ["board-2025-03-12.vtt"] },
    ));
    let mut bad = SourceConfig::new("hostile");
    bad.time_budget_secs = 2;
    bad.config = Some(toml::Spanned::new(0..0, toml::toml! { mode = "loop" }));
    let mut config = Config::default();
    config.sources.insert("board".into(), good);
    config.sources.insert("spinner".into(), bad);

    let opened = open_for_ingest_with(&config, data, (runtime, registry))
        .await
        .unwrap();
    let stop = hearken::ingest::StopFlag::new();
    let runs = config.sources.iter().map(|(name, source)| {
        let plugin = opened.registry.get(source.plugin.get_ref()).unwrap();
        run_source(&opened.env, name, source, plugin, &stop)
    });
    let summaries = futures_util::future::join_all(runs).await;
    let board = summaries.iter().find(|s| s.source == "board").unwrap();
    let spinner = summaries.iter().find(|s| s.source == "spinner").unwrap();
    assert!(board.error.is_none(), "{board:?}");
    assert_eq!(board.new, 3, "{board:?}");
    let err = spinner.error.as_deref().unwrap_or_default();
    assert!(
        err.contains("plugin `hostile` ran past its time budget of 2s"),
        "{err}"
    );

    opened.env.index.reload().unwrap();
    assert_eq!(opened.env.index.count().unwrap(), 3);
    let ledger = opened
        .env
        .state
        .runs(hearken_state::RunFilter {
            source: Some("spinner".into()),
            limit: 5,
        })
        .unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].status, hearken_state::RunStatus::Failed);
    assert!(
        ledger[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("time budget"),
        "{:?}",
        ledger[0].error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_cache_directory_still_caches_compiled_plugins() {
    // The default data directory is relative (`./hearken-data`), and
    // wasmtime takes only an absolute cache directory: before the runtime
    // made it absolute, `hearken demo` compiled every plugin on every run.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let cwd = std::env::current_dir().unwrap();
    let common = cwd
        .components()
        .zip(dir.path().components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = std::path::PathBuf::new();
    for _ in cwd.components().skip(common) {
        relative.push("..");
    }
    relative.extend(dir.path().components().skip(common));
    assert!(relative.is_relative(), "{}", relative.display());

    let runtime = PluginRuntime::new(Some(&relative)).unwrap();
    // Compiled, cached, then refused for its imports.
    let path = hearken_tests::fixture_plugin("hearken_plugin_fs_import");
    assert!(hearken::plugin::load_file(&runtime, &path).await.is_err());
    let mut files = 0;
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files += 1;
            }
        }
    }
    assert!(files > 0, "nothing cached under {}", relative.display());
}
