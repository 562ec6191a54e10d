//! `hearken daemon`: run the sources on their schedules until stopped.
//!
//! The daemon is `hearken run` on a timer, with the operator away: the
//! config is checked exactly as `run` checks it (exit 2 on a mistake) before
//! anything starts, then each source with a `schedule` runs on it (see
//! [`crate::schedule::runner`] for the timing rules: never two runs of one
//! source at once, one catch-up run after downtime). Sources without a
//! schedule are left to `hearken run` and named in the log.
//!
//! SIGTERM or SIGINT asks for a graceful stop: runs finish the page in
//! hand, commit it with its cursor and end `interrupted`, idle sources stop
//! waiting, and the daemon exits 0 once all have. A second signal exits at
//! once with code 1; the runs it cuts short are marked `interrupted` at the
//! next start, and their uncommitted pages are fetched again (nothing is
//! lost, and nothing is indexed twice).
//!
//! `/health` (JSON, 200 while running, 503 while stopping) and Prometheus
//! `/metrics` are served on `--metrics-addr`, loopback by default: they
//! name sources and errors, which is operator information, not public.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Serialize;

use super::run::check_against_plugins;
use super::{CliError, CliResult, Exit, Global, Output};
use crate::app::{load_plugins, open_for_ingest_with};
use crate::ingest::StopFlag;
use crate::schedule::Schedule;
use crate::schedule::metrics::{Metrics, SourceMetrics};
use crate::schedule::runner::{ScheduledSource, run_until_stopped};

/// `hearken daemon` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where `/health` and `/metrics` are served.
    #[arg(long, default_value = "127.0.0.1:9464")]
    pub metrics_addr: SocketAddr,
}

/// What the daemon prints when it stops (`--json`: one document).
#[derive(Debug, Serialize)]
pub struct DaemonSummary {
    /// Where `/health` and `/metrics` were served.
    pub metrics_addr: SocketAddr,
    /// Per scheduled source, its counters over the daemon's life.
    pub sources: std::collections::BTreeMap<String, SourceMetrics>,
    /// Sources in the config without a schedule (not run).
    pub unscheduled: Vec<String>,
}

/// Run the daemon until SIGTERM or SIGINT.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let Some(config) = global.config()? else {
        return Err(CliError::usage(anyhow::anyhow!(
            "no config file at {}; write one with `hearken init`",
            global.config.display()
        )));
    };
    let data = global.data_dir(Some(&config));
    let plugins = load_plugins(&data).await?;
    check_against_plugins(&config, &plugins.1, &global.config).map_err(CliError::usage)?;

    let mut schedules = Vec::new();
    let mut unscheduled = Vec::new();
    for (name, source) in &config.sources {
        match source
            .schedule
            .as_ref()
            .map(|s| Schedule::parse(s.get_ref()))
        {
            Some(Ok(schedule)) => schedules.push((name.as_str(), source, schedule)),
            // Config::parse has already rejected a bad schedule.
            Some(Err(e)) => return Err(CliError::usage(e)),
            None => unscheduled.push(name.clone()),
        }
    }
    if schedules.is_empty() {
        return Err(CliError::usage(anyhow::anyhow!(
            "no source in {} has a `schedule`, so the daemon would do nothing; add e.g. `schedule = \"every 6h\"` to a source, or use `hearken run`",
            global.config.display()
        )));
    }
    for name in &unscheduled {
        tracing::info!(
            source = name.as_str(),
            "no schedule: the daemon leaves this source to `hearken run`"
        );
    }

    let listener = tokio::net::TcpListener::bind(args.metrics_addr)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "could not serve metrics on {}: {e} (pass another --metrics-addr)",
                args.metrics_addr
            )
        })?;
    let metrics_addr = listener.local_addr()?;
    let opened = open_for_ingest_with(&config, data, plugins).await?;
    let mut sources = Vec::new();
    for (name, source, schedule) in schedules {
        let Some(plugin) = opened.registry.get(source.plugin.get_ref()) else {
            // check_against_plugins has already reported a missing plugin.
            continue;
        };
        sources.push(ScheduledSource {
            name,
            config: source,
            plugin,
            schedule,
        });
    }

    let stop = StopFlag::new();
    let metrics = Arc::new(Metrics::new(sources.iter().map(|s| s.name)));
    let (server_stop, server_stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_metrics(
        listener,
        metrics.clone(),
        stop.clone(),
        server_stopped,
    ));
    let signals = tokio::spawn(watch_signals(stop.clone()));
    tracing::info!(
        sources = sources.len(),
        "daemon started; health and metrics on http://{metrics_addr}/"
    );

    run_until_stopped(
        &opened.env,
        &sources,
        config.ingest.concurrency,
        &metrics,
        &stop,
    )
    .await;
    signals.abort();
    let _ = server_stop.send(());
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("the metrics server stopped with an error: {e}"),
        Err(e) => tracing::warn!("the metrics server task failed: {e}"),
    }
    if let Ok(mut writer) = opened.env.writer.lock() {
        // Every run commits what it indexed; this only releases the writer
        // cleanly.
        if let Err(e) = writer.commit() {
            tracing::warn!("final index commit failed: {e}");
        }
    }
    tracing::info!("daemon stopped");

    let summary = DaemonSummary {
        metrics_addr,
        sources: metrics.snapshot(),
        unscheduled,
    };
    out.emit(&summary, |w| {
        writeln!(w, "hearken daemon stopped")?;
        for (name, m) in &summary.sources {
            let count = |s: &str| m.runs.get(s).copied().unwrap_or(0);
            writeln!(
                w,
                "{name}: {} succeeded, {} failed, {} interrupted; {} new, {} updated documents",
                count("succeeded"),
                count("failed"),
                count("interrupted"),
                m.new,
                m.updated
            )?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

/// Wait for SIGTERM/SIGINT: the first sets `stop`, a second exits at once.
async fn watch_signals(stop: StopFlag) {
    let mut count = 0;
    loop {
        if wait_for_signal().await.is_err() {
            tracing::error!("could not listen for signals; stop the daemon with SIGKILL");
            return;
        }
        count += 1;
        if count == 1 {
            tracing::info!(
                "shutdown requested: finishing the current pages (signal again to exit at once)"
            );
            stop.stop();
        } else {
            tracing::warn!("second signal: exiting without waiting for running sources");
            std::process::exit(Exit::Failure as i32);
        }
    }
}

#[cfg(unix)]
async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

#[derive(Clone)]
struct ServerState {
    metrics: Arc<Metrics>,
    stop: StopFlag,
}

/// Serve `/health` and `/metrics` until `shutdown` fires (after the runs
/// have ended, so `/health` answers `stopping` while they wind down).
async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    stop: StopFlag,
    shutdown: tokio::sync::oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let state = ServerState { metrics, stop };
    let router = Router::new()
        .route("/health", get(health))
        .route("/metrics", get(prometheus))
        .with_state(state);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = shutdown.await;
        })
        .await
}

async fn health(State(s): State<ServerState>) -> impl IntoResponse {
    let stopping = s.stop.is_stopped();
    let code = if stopping {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, axum::Json(s.metrics.health(stopping)))
}

async fn prometheus(State(s): State<ServerState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(),
    )
}
