//! `hearken serve`: the researchers' web page and its JSON API.
//!
//! # Shape
//!
//! One axum [`Router`] over one shared [`Site`]: the open [`Index`] (whose
//! reader follows commits by other processes, so a running daemon's new
//! documents show up without a restart), the codebook (for theme labels
//! and persona reports), the state store (for the run ledger) and a
//! persona cache. The page is static HTML, CSS and a little plain
//! JavaScript embedded with `include_str!` (no front-end build): the
//! script reads the URL, calls the API and builds the DOM. Every page state
//! is a URL (`/?q=travel&theme=travel_burden`, `/documents/ID`), and every
//! facet, result and navigation item is a real link, so the page works
//! with the keyboard, the back button and a bookmark, and a headless
//! browser can reach any state by URL.
//!
//! # Safety
//!
//! The index holds only de-identified documents, and every endpoint reads
//! from the index (or the run ledger, which holds counts and host error
//! messages, never record text), so nothing served was not de-identified.
//! Still, document text is hostile input to a browser:
//!
//! - The script builds the DOM with `textContent` and `createElement`; the
//!   only markup it accepts from the server is the `<b>`/`</b>` of search
//!   snippets, which it splits on and turns into elements (the rest of a
//!   snippet is escaped text, which it unescapes into text nodes). Links
//!   are made only for `http`/`https` URLs.
//! - A strict Content-Security-Policy (`script-src 'self'`, no inline
//!   script) means that even a markup mistake cannot run a planted script.
//!   The persona report is the persona crate's self-contained page, which
//!   has inline CSS and *no* script; it is served with `script-src 'none'`
//!   and inline styles allowed.
//! - The server listens on loopback unless told otherwise, and refuses any
//!   other address without a bearer token ([`check_bind`]). Without a token
//!   it also checks the `Host` header names a loopback host, so a web page
//!   elsewhere cannot reach the API through DNS rebinding.
//! - Requests are bounded: the query string, the query text
//!   ([`MAX_QUERY_BYTES`]) and the page size ([`MAX_LIMIT`]); a bad request
//!   gets a 400 with a JSON `{"error": …}` naming the parameter.
//!
//! Searches and persona builds run on the blocking pool: tantivy and
//! k-means are CPU work that must not stall the async workers.

mod api;
mod assets;
mod personas;
mod security;
mod themes;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use hearken_analysis::codebook::Codebook;
use hearken_index::Index;
use hearken_state::StateStore;

pub use api::{ApiError, parse_search};
pub use themes::{MonthStats, ThemeStats, ThemeTrends, theme_trends};

/// Longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1_000;
/// Largest page of hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Longest raw query string (everything after `?`) accepted, in bytes.
pub const MAX_QUERY_STRING_BYTES: usize = 8_192;
/// Shortest bearer token accepted: a short token is guessable.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback address without a token.
    #[error(
        "refusing to listen on {addr}: it is not a loopback address, and without a token anyone \
         who can reach it could read the index; pass --token TOKEN (or set HEARKEN_SERVE_TOKEN), \
         or listen on 127.0.0.1"
    )]
    NonLoopbackWithoutToken {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The token is too short to be a secret.
    #[error("the token has {chars} characters; use at least {MIN_TOKEN_CHARS} random ones")]
    WeakToken {
        /// Its length.
        chars: usize,
    },
    /// The address could not be bound.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the web server failed: {0}")]
    Serve(std::io::Error),
}

/// Check that `addr` may be served with `token`: loopback addresses need
/// none; any other address needs one of at least [`MIN_TOKEN_CHARS`]
/// characters. A token, when given, is always checked.
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), ServeError> {
    if let Some(t) = token {
        let chars = t.chars().count();
        if chars < MIN_TOKEN_CHARS {
            return Err(ServeError::WeakToken { chars });
        }
    } else if !addr.ip().is_loopback() {
        return Err(ServeError::NonLoopbackWithoutToken { addr: *addr });
    }
    Ok(())
}

/// Everything the handlers share.
pub struct Site {
    index: Index,
    codebook: Codebook,
    sources: Vec<String>,
    state_path: PathBuf,
    state: Mutex<Option<StateStore>>,
    token: Option<String>,
    personas: personas::Cache,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site")
            .field("index", &self.index)
            .field("sources", &self.sources)
            .field("state_path", &self.state_path)
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .finish_non_exhaustive()
    }
}

impl Site {
    /// A site over `index`. `codebook` names the themes and builds persona
    /// reports; `sources` are the configured source names (for the persona
    /// report's context; empty: the sources found in the documents);
    /// `state_path` is the state store file (the run ledger is empty while
    /// it does not exist); with a `token`, every request must carry
    /// `Authorization: Bearer TOKEN`.
    pub fn new(
        index: Index,
        codebook: Codebook,
        sources: Vec<String>,
        state_path: PathBuf,
        token: Option<String>,
    ) -> Site {
        Site {
            index,
            codebook,
            sources,
            state_path,
            state: Mutex::new(None),
            token,
            personas: personas::Cache::default(),
        }
    }

    /// The state store, opened on first use; `None` while there is none.
    fn state(&self) -> Result<Option<StateStore>, hearken_state::StateError> {
        let mut guard = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() && self.state_path.exists() {
            *guard = Some(StateStore::open(&self.state_path)?);
        }
        Ok(guard.clone())
    }
}

/// The whole application: pages, assets and API, behind the security
/// layer.
pub fn router(site: Arc<Site>) -> Router {
    Router::new()
        .route("/", get(assets::search_page))
        .route("/documents/{id}", get(assets::document_page))
        .route("/runs", get(assets::runs_page))
        .route("/personas", get(personas::html))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::js))
        .route("/api/search", get(api::search))
        .route("/api/documents/{id}", get(api::document))
        .route("/api/themes", get(api::themes))
        .route("/api/personas", get(personas::json))
        .route("/api/runs", get(api::runs))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            site.clone(),
            security::guard,
        ))
        .with_state(site)
}

/// Serve `site` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    site: Arc<Site>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    axum::serve(listener, router(site))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Serve)
}
