//! `hearken serve`: the researchers' web page and its JSON API (see
//! [`crate::serve`]).
//!
//! The command checks the address before opening anything: a non-loopback
//! address without a token is a usage error (exit 2), so a typo in
//! `--addr` can never expose the index. It then prints one line with the
//! URL (or, with `--json`, one JSON document with `url` and `addr`) on
//! stdout as soon as it listens, which is how scripts and tests started
//! with `--addr 127.0.0.1:0` learn the port.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use hearken_analysis::codebook::Codebook;
use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::serve::{ServeError, Site, check_bind};

/// `hearken serve` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen. Anything but a loopback address needs --token.
    /// Port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// Require `Authorization: Bearer TOKEN` on every request (at least 16
    /// characters). Needed to listen on a non-loopback address.
    #[arg(long, env = "HEARKEN_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// What `--json` prints once the server listens.
#[derive(Debug, Serialize)]
struct Listening {
    url: String,
    addr: SocketAddr,
}

/// Serve until Ctrl-C or SIGTERM.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    check_bind(&args.addr, args.token.as_deref()).map_err(CliError::usage)?;
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let index = super::show::open_existing_index(&data)?;
    let codebook = match &config {
        Some(c) => crate::app::load_codebook(c).map_err(CliError::usage)?,
        None => Codebook::default_trial(),
    };
    let sources = config
        .as_ref()
        .map(|c| c.sources.keys().cloned().collect())
        .unwrap_or_default();
    let site = Arc::new(Site::new(
        index,
        codebook,
        sources,
        data.state(),
        args.token,
    ));

    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: args.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    let listening = Listening {
        url: format!("http://{addr}/"),
        addr,
    };
    out.emit(&listening, |w| {
        writeln!(
            w,
            "Hearken is serving {} from {} (Ctrl-C to stop)",
            listening.url,
            data.root().display()
        )
    })?;
    std::io::stdout().flush()?;
    tracing::info!("listening on {addr}");
    crate::serve::serve(listener, site, shutdown_signal()).await?;
    Ok(Exit::Success)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
