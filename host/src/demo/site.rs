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
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        // The site runs on a thread and runtime of its own. On the caller's
        // runtime its tasks queued behind the plugin calls that the same
        // runtime threads run, so every page a plugin asked for waited for
        // one of those threads to come free; on a thread of its own the
        // kernel gives it a core as soon as a request arrives.
        let site = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("hearken-site")
            .build()?;
        std::thread::Builder::new()
            .name("hearken-site".into())
            .spawn(move || site.block_on(serve_until(listener, router, stopped)))?;
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

async fn serve_until(
    listener: std::net::TcpListener,
    router: Router,
    stopped: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!("loopback site could not start: {e}");
            return;
        }
    };
    // Without TCP_NODELAY a response written in two pieces (headers,
    // then body) waits for the client's delayed ACK: ~40 ms a request
    // on Linux loopback, which made the site, not Hearken, the
    // bottleneck of every end-to-end measurement.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("loopback site: could not set TCP_NODELAY: {e}");
        }
    });
    let shutdown = async {
        let _ = stopped.await;
    };
    if let Err(e) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::warn!("loopback site stopped: {e}");
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

    /// What Hearken relies on from the site: files under the root and
    /// nothing outside it, and conditional requests answered `304`. The
    /// gate sends back the validators a source stored, and an unchanged
    /// re-run that reads nothing (the scale bench's second run: 3 calls,
    /// no records) rests on that — a file server without it once turned
    /// that run into 250,704 records re-read at 1M.
    #[tokio::test]
    async fn serves_the_root_only_and_answers_conditional_requests() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("forum/topic-1")).expect("mkdir");
        std::fs::write(root.join("forum/index.html"), "<h1>boards</h1>").expect("write");
        std::fs::write(root.join("forum/topic-1/page-2.html"), "<p>two</p>").expect("write");
        std::fs::write(dir.path().join("secret.txt"), "outside").expect("write");
        let site = SiteServer::serve_dir(&root).await.expect("serve");
        let client = reqwest::Client::new();

        let page = client
            .get(site.url("forum/topic-1/page-2.html"))
            .send()
            .await
            .expect("request");
        assert_eq!(page.status(), StatusCode::OK);
        let etag = page.headers().get(ETAG).cloned().expect("an ETag");
        let modified = page
            .headers()
            .get(LAST_MODIFIED)
            .cloned()
            .expect("a Last-Modified");
        assert_eq!(page.text().await.expect("body"), "<p>two</p>");
        let index = client
            .get(site.url("forum/"))
            .send()
            .await
            .expect("request");
        assert_eq!(index.text().await.expect("body"), "<h1>boards</h1>");

        for (name, value) in [(IF_NONE_MATCH, etag), (IF_MODIFIED_SINCE, modified)] {
            let again = client
                .get(site.url("forum/topic-1/page-2.html"))
                .header(name.clone(), value)
                .send()
                .await
                .expect("request");
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{name}");
            assert!(again.bytes().await.expect("body").is_empty(), "{name}");
        }
        let stale = client
            .get(site.url("forum/topic-1/page-2.html"))
            .header(IF_NONE_MATCH, "\"some-other-version\"")
            .send()
            .await
            .expect("request");
        assert_eq!(stale.status(), StatusCode::OK);

        for escape in [
            "forum/..%2F..%2Fsecret.txt",
            "%2E%2E/secret.txt",
            "forum/nothing.html",
        ] {
            let url = format!("http://{}/{escape}", site.addr());
            let response = client.get(url).send().await.expect("request");
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{escape}");
        }
    }
}
