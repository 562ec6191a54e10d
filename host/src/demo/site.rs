//! A static web site on loopback: how `hearken demo` (and the end-to-end
//! tests) put the bundled sample sources on a real socket, so that plugins
//! fetch them through the real capability gate over real HTTP.
//!
//! The server binds `127.0.0.1` on a port the OS picks, serves files from a
//! directory (a URL path maps to a file path; a directory serves its
//! `index.html`), and stops when the [`SiteServer`] is dropped.

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

/// A running loopback web server.
#[derive(Debug)]
pub struct SiteServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl SiteServer {
    /// Serve the files under `root` on a free loopback port.
    pub async fn serve_dir(root: &Path) -> std::io::Result<SiteServer> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), root).await
    }

    /// Serve the files under `root` on `addr`.
    pub async fn bind(addr: SocketAddr, root: &Path) -> std::io::Result<SiteServer> {
        Self::serve_at(addr, Router::new().fallback_service(ServeDir::new(root))).await
    }

    /// Serve any router on a free loopback port (tests add routes that
    /// misbehave on purpose).
    pub async fn serve(router: Router) -> std::io::Result<SiteServer> {
        Self::serve_at(SocketAddr::from(([127, 0, 0, 1], 0)), router).await
    }

    async fn serve_at(addr: SocketAddr, router: Router) -> std::io::Result<SiteServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        // Without TCP_NODELAY a response written in two pieces (headers,
        // then body) waits for the client's delayed ACK: ~40 ms a request
        // on Linux loopback, which made the site, not Hearken, the
        // bottleneck of every end-to-end measurement.
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("loopback site: could not set TCP_NODELAY: {e}");
            }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::warn!("loopback site stopped: {e}");
            }
        });
        Ok(SiteServer {
            addr,
            stop: Some(stop),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/` joined with `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
