//! A fixture web site on a real loopback socket, answering the way the real
//! site would: by path *and* query string (Discourse's `post_ids[]=`,
//! Mastodon's `max_id`, Reddit's `after`, vBulletin's `?p=`), with the
//! status, content type and headers (Mastodon's `Link`) the real one sends.
//!
//! A site is a function from a request to a reply, so that API fixtures
//! can page and filter like the real service instead of replaying one
//! canned answer per URL; static pages are a map from `path?query` to a
//! reply. Every request is logged so tests can say what was (not) asked.
//! Bodies may say `{{BASE}}` where the real site prints its own absolute
//! URL; the server puts in `http://127.0.0.1:PORT`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hearken::demo::site::SiteServer;

/// One answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// Other headers.
    pub headers: Vec<(String, String)>,
    /// The body; `{{BASE}}` becomes the site's base URL.
    pub body: String,
}

impl Reply {
    /// 200 with `text/html; charset=utf-8`.
    pub fn html(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            content_type: "text/html; charset=utf-8".into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// 200 with `application/json; charset=utf-8`.
    pub fn json(body: &serde_json::Value) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json; charset=utf-8".into(),
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// A status with a short JSON error, as the APIs answer.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8".into(),
            headers: Vec::new(),
            body: serde_json::json!({ "error": message }).to_string(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the fixture sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The path, as sent.
    pub path: String,
    /// The raw query string ("" when none).
    pub raw_query: String,
    /// The query, decoded, in order.
    pub query: Vec<(String, String)>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Request {
    /// The first value of `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key` (`post_ids[]=1&post_ids[]=2`).
    pub fn params(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `path?query`, as static pages are keyed.
    pub fn key(&self) -> String {
        if self.raw_query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.raw_query)
        }
    }
}

type Handler = dyn Fn(&Request) -> Option<Reply> + Send + Sync;

/// A running fixture site.
pub struct Site {
    server: SiteServer,
    log: Arc<Mutex<Vec<String>>>,
}

impl Site {
    /// Serves `handler` on a free loopback port; `None` answers 404.
    pub async fn start(
        handler: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static,
    ) -> Site {
        let handler: Arc<Handler> = Arc::new(handler);
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let base: Arc<OnceLock<String>> = Arc::default();
        let router = Router::new().fallback({
            let log = log.clone();
            let base = base.clone();
            move |uri: Uri| {
                let handler = handler.clone();
                let log = log.clone();
                let base = base.clone();
                async move { answer(handler.as_ref(), &log, &base, &uri) }
            }
        });
        let server = SiteServer::serve(router)
            .await
            .expect("bind a loopback port");
        base.set(format!("http://{}", server.addr()))
            .expect("the base is set once");
        Site { server, log }
    }

    /// Serves fixed pages, keyed by `path?query`.
    pub async fn pages(pages: HashMap<String, Reply>) -> Site {
        Site::start(move |req| pages.get(&req.key()).cloned()).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Every request so far, as `path?query`, robots.txt left out.
    pub fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .expect("log lock")
            .iter()
            .filter(|r| !r.starts_with("/robots.txt"))
            .cloned()
            .collect()
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) {
        self.log.lock().expect("log lock").clear();
    }
}

fn answer(
    handler: &Handler,
    log: &Mutex<Vec<String>>,
    base: &OnceLock<String>,
    uri: &Uri,
) -> Response {
    let raw_query = uri.query().unwrap_or_default().to_string();
    let path = uri.path().to_string();
    let query: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let req = Request {
        path,
        raw_query,
        query,
        base: base.get().cloned().unwrap_or_default(),
    };
    log.lock().expect("log lock").push(req.key());
    let Some(reply) = handler(&req) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body.replace("{{BASE}}", &req.base),
    )
        .into_response();
    let headers = response.headers_mut();
    let mut put = |name: &str, value: &str| {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name),
            HeaderValue::try_from(value.replace("{{BASE}}", &req.base)),
        ) {
            headers.insert(n, v);
        }
    };
    put("content-type", &reply.content_type);
    for (k, v) in &reply.headers {
        put(k, v);
    }
    response
}
