//! HTTP for plugins: status handling, charset-aware decoding, JSON, query
//! building, and an in-memory site for tests.
//!
//! The host's `http-get` returns whatever the server answered. Every plugin
//! then needs the same decisions, made once here:
//!
//! * **Status.** 2xx is a response. 304 (the host may add conditional
//!   headers of its own) is a response too, flagged by
//!   [`Response::is_not_modified`], because "nothing changed" is not a
//!   failure. 404 is [`HttpError::NotFound`] so a plugin can skip a deleted
//!   thread and go on. 429 and 5xx are [`HttpError::Retryable`] with any
//!   `Retry-After`, so a plugin can stop early and keep its cursor; other
//!   statuses are [`HttpError::Status`].
//! * **Decoding.** Bytes become text by the byte-order mark, else the
//!   `charset` of `Content-Type`, else (for HTML) a `<meta charset>` in the
//!   first kilobyte, else UTF-8, through `encoding_rs` (the WHATWG Encoding
//!   Standard, so `latin1` means Windows-1252 as browsers read it).
//!   Malformed bytes become U+FFFD rather than an error: one bad byte in a
//!   forum page should not lose the page.
//! * **Testing.** The calls go through the [`Transport`] trait.
//!   [`HostTransport`] is the real one; [`MemorySite`] answers from a map of
//!   URL → response and records what was asked, so crawl logic runs natively
//!   in `cargo test`.
//!
//! Errors carry the URL and the status, never the body: a body may hold
//! what a patient wrote.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::SourceError;
use crate::host;

/// Why a GET did not give a usable response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The host refused: the host name is not declared or not granted, or
    /// robots.txt disallows the path.
    #[error("request to {url} denied by the host: {reason}")]
    Denied {
        /// The URL asked for.
        url: String,
        /// What the host said.
        reason: String,
    },
    /// The URL could not be parsed or built.
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl {
        /// The URL (or base) in question.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No response within the source's timeout.
    #[error("request to {url} timed out")]
    Timeout {
        /// The URL asked for.
        url: String,
    },
    /// The body was over the source's size cap.
    #[error("response from {url} is over the size cap of {limit} bytes")]
    TooLarge {
        /// The URL asked for.
        url: String,
        /// The cap, in bytes.
        limit: u64,
    },
    /// Connection or protocol failure.
    #[error("request to {url} failed: {reason}")]
    Transport {
        /// The URL asked for.
        url: String,
        /// What failed.
        reason: String,
    },
    /// 404 or 410: the resource is gone (a deleted thread, a removed post).
    #[error("{url} not found (HTTP {status})")]
    NotFound {
        /// The URL that answered.
        url: String,
        /// 404 or 410.
        status: u16,
    },
    /// 429 or 5xx: the server is busy or failing; try again later.
    #[error("{url} answered HTTP {status}, retry later{}", retry_after.map(|s| format!(" (after {s} s)")).unwrap_or_default())]
    Retryable {
        /// The URL that answered.
        url: String,
        /// The status code.
        status: u16,
        /// `Retry-After` in seconds, when the server gave one as a number.
        retry_after: Option<u64>,
    },
    /// Any other non-success status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL that answered.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The body could not be decoded as what was asked for (JSON, text).
    #[error("could not decode the response from {url}: {reason}")]
    Decode {
        /// The URL that answered.
        url: String,
        /// Where decoding failed (line and column for JSON; never content).
        reason: String,
    },
}

impl HttpError {
    /// True when trying again later may succeed: 429, 5xx, timeouts and
    /// transport failures.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            HttpError::Retryable { .. } | HttpError::Timeout { .. } | HttpError::Transport { .. }
        )
    }

    /// True for 404/410.
    pub fn is_not_found(&self) -> bool {
        matches!(self, HttpError::NotFound { .. })
    }

    fn from_host(url: &str, e: host::HttpError) -> HttpError {
        let url = url.to_string();
        match e {
            host::HttpError::Denied(reason) => HttpError::Denied { url, reason },
            host::HttpError::InvalidUrl(reason) => HttpError::InvalidUrl { url, reason },
            host::HttpError::Timeout => HttpError::Timeout { url },
            host::HttpError::TooLarge(limit) => HttpError::TooLarge { url, limit },
            host::HttpError::Transport(reason) => HttpError::Transport { url, reason },
        }
    }
}

impl From<HttpError> for SourceError {
    fn from(e: HttpError) -> SourceError {
        match e {
            HttpError::Decode { .. } => SourceError::Parse(e.to_string()),
            _ => SourceError::Http(e.to_string()),
        }
    }
}

/// An HTTP response: status, final URL, lower-case headers and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The URL that answered, after redirects. Resolve relative links
    /// against this, not the URL asked for.
    pub url: String,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl From<host::HttpResponse> for Response {
    fn from(r: host::HttpResponse) -> Response {
        Response {
            status: r.status,
            url: r.url,
            headers: r.headers,
            body: r.body,
        }
    }
}

impl Response {
    /// A response with `status`, `Content-Type: content_type` and `body`.
    pub fn new(
        url: impl Into<String>,
        status: u16,
        content_type: &str,
        body: impl Into<Vec<u8>>,
    ) -> Response {
        Response {
            status,
            url: url.into(),
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The media type of `Content-Type`, lower case, without parameters.
    pub fn media_type(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        let mt = ct.split(';').next()?.trim().to_ascii_lowercase();
        (!mt.is_empty()).then_some(mt)
    }

    /// The `charset` parameter of `Content-Type`, if any.
    pub fn charset(&self) -> Option<&str> {
        charset_param(self.header("content-type")?)
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// 304 Not Modified: the resource is unchanged since the conditional
    /// request; the body is empty.
    pub fn is_not_modified(&self) -> bool {
        self.status == 304
    }

    /// The body as text, decoded as the module doc describes.
    pub fn text(&self) -> String {
        let is_html = self
            .media_type()
            .is_some_and(|m| m.contains("html") || m.contains("xml"));
        decode_text(&self.body, self.charset(), is_html)
    }

    /// The body as JSON, decoded to `T`. The error names the URL and the
    /// line and column of the failure.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        let text = self.text();
        let de = &mut serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(de).map_err(|e| HttpError::Decode {
            url: self.url.clone(),
            reason: json_error_location(&e),
        })
    }

    /// Applies the status rules of the module doc: 2xx and 304 are `Ok`.
    pub fn check_status(self) -> Result<Response, HttpError> {
        match self.status {
            200..=299 | 304 => Ok(self),
            404 | 410 => Err(HttpError::NotFound {
                url: self.url,
                status: self.status,
            }),
            429 | 500..=599 => {
                let retry_after = self
                    .header("retry-after")
                    .and_then(|v| v.trim().parse::<u64>().ok());
                Err(HttpError::Retryable {
                    url: self.url,
                    status: self.status,
                    retry_after,
                })
            }
            status => Err(HttpError::Status {
                url: self.url,
                status,
            }),
        }
    }
}

/// A JSON error's location and category, without the offending value.
fn json_error_location(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = e.inner();
    let path = e.path().to_string();
    let what = match inner.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    if path == "." || path.is_empty() {
        format!("{what} at line {}, column {}", inner.line(), inner.column())
    } else {
        format!(
            "{what} at `{path}` (line {}, column {})",
            inner.line(),
            inner.column()
        )
    }
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim_matches('\''))
    })
}

/// Decodes `bytes` to text: byte-order mark first, then `charset` (a
/// WHATWG label such as `iso-8859-1` or `windows-1252`), then, when
/// `sniff_html`, a `<meta charset>` or `<?xml encoding>` in the first
/// kilobyte, then UTF-8. Malformed sequences become U+FFFD.
pub fn decode_text(bytes: &[u8], charset: Option<&str>, sniff_html: bool) -> String {
    let encoding = charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
        .or_else(|| sniff_html.then(|| sniff_meta_charset(bytes)).flatten())
        .unwrap_or(encoding_rs::UTF_8);
    // `decode` lets a BOM override the label, as browsers do.
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    for marker in ["charset=", "encoding="] {
        let mut rest = head.as_str();
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let label: String = rest
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
                // A page that says UTF-16 in ASCII is not UTF-16.
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(encoding_rs::UTF_8);
                }
                return Some(enc);
            }
        }
    }
    None
}

/// Something that performs a GET: the host's `http-get` in the component,
/// a [`MemorySite`] in tests. It returns the final response whatever its
/// status; [`Client`] applies the status rules.
pub trait Transport {
    /// GETs `url` with extra request `headers`.
    fn get(&self, url: &str, headers: &[(String, String)]) -> Result<Response, HttpError>;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn get(&self, url: &str, headers: &[(String, String)]) -> Result<Response, HttpError> {
        (**self).get(url, headers)
    }
}

/// The real transport: the host's `http-get` import.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostTransport;

impl Transport for HostTransport {
    fn get(&self, url: &str, headers: &[(String, String)]) -> Result<Response, HttpError> {
        host::http_get(url, headers)
            .map(Response::from)
            .map_err(|e| HttpError::from_host(url, e))
    }
}

/// GETs over a [`Transport`] with default request headers, applying the
/// status rules and decoding.
#[derive(Debug, Clone, Default)]
pub struct Client<T = HostTransport> {
    transport: T,
    headers: Vec<(String, String)>,
}

impl Client<HostTransport> {
    /// A client over the host's `http-get`.
    pub fn new() -> Client<HostTransport> {
        Client::default()
    }
}

impl<T: Transport> Client<T> {
    /// A client over `transport` (a [`MemorySite`] in tests).
    pub fn with_transport(transport: T) -> Client<T> {
        Client {
            transport,
            headers: Vec::new(),
        }
    }

    /// Adds a header sent with every request, e.g. `Accept`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Client<T> {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The transport underneath.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// GETs `url`: `Ok` for 2xx and 304, the typed error otherwise.
    pub fn get(&self, url: &str) -> Result<Response, HttpError> {
        self.transport.get(url, &self.headers)?.check_status()
    }

    /// GETs `url` with `extra` headers on top of the client's own.
    pub fn get_with(&self, url: &str, extra: &[(&str, &str)]) -> Result<Response, HttpError> {
        let mut headers = self.headers.clone();
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.transport.get(url, &headers)?.check_status()
    }

    /// GETs `url` and decodes the body to text.
    pub fn get_text(&self, url: &str) -> Result<String, HttpError> {
        Ok(self.get(url)?.text())
    }

    /// GETs `url` (sending `Accept: application/json`) and decodes the body
    /// as JSON.
    pub fn get_json<D: DeserializeOwned>(&self, url: &str) -> Result<D, HttpError> {
        let response = self.get_with(url, &[("accept", "application/json")])?;
        if response.is_not_modified() {
            return Err(HttpError::Decode {
                url: response.url,
                reason: "304 Not Modified has no body to decode".into(),
            });
        }
        response.json()
    }
}

/// GETs `url` through the host: `Ok` for 2xx and 304.
pub fn get(url: &str) -> Result<Response, HttpError> {
    Client::new().get(url)
}

/// GETs `url` through the host and decodes the body to text.
pub fn get_text(url: &str) -> Result<String, HttpError> {
    Client::new().get_text(url)
}

/// GETs `url` through the host and decodes the body as JSON.
pub fn get_json<D: DeserializeOwned>(url: &str) -> Result<D, HttpError> {
    Client::new().get_json(url)
}

/// `base` with `params` appended to its query string, percent-encoded.
/// Repeated keys are kept (`post_ids[]=1&post_ids[]=2`).
pub fn with_query(base: &str, params: &[(&str, &str)]) -> Result<String, HttpError> {
    let mut url = url::Url::parse(base).map_err(|e| HttpError::InvalidUrl {
        url: base.to_string(),
        reason: e.to_string(),
    })?;
    if !params.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in params {
            pairs.append_pair(k, v);
        }
    }
    Ok(url.into())
}

/// Resolves `href` (absolute, root-relative or relative) against `base`, as
/// a browser would for a link on the page at `base`. `None` if either is
/// unusable or the result is not http(s).
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    let joined = base.join(href.trim()).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.into())
}

/// An in-memory web site for tests: URL → response, plus a log of every URL
/// asked for. Unknown URLs answer 404. Redirects are not simulated; insert
/// a response whose `url` differs from the key to imitate one.
#[derive(Debug, Default)]
pub struct MemorySite {
    pages: HashMap<String, Response>,
    requests: RefCell<Vec<String>>,
}

impl MemorySite {
    /// An empty site.
    pub fn new() -> MemorySite {
        MemorySite::default()
    }

    /// Serves `body` at `url` with status 200 and `content_type`.
    pub fn insert(&mut self, url: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.pages
            .insert(url.to_string(), Response::new(url, 200, content_type, body));
    }

    /// Serves an HTML page (UTF-8) at `url`.
    pub fn html(&mut self, url: &str, body: impl Into<Vec<u8>>) {
        self.insert(url, "text/html; charset=utf-8", body);
    }

    /// Serves a JSON document at `url`.
    pub fn json(&mut self, url: &str, body: impl Into<Vec<u8>>) {
        self.insert(url, "application/json; charset=utf-8", body);
    }

    /// Serves `response` at `url`, whatever its status.
    pub fn respond(&mut self, url: &str, response: Response) {
        self.pages.insert(url.to_string(), response);
    }

    /// Stops serving `url` (it answers 404 from now on).
    pub fn remove(&mut self, url: &str) {
        self.pages.remove(url);
    }

    /// Every URL asked for so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.borrow().clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.requests.borrow_mut().clear();
    }
}

impl Transport for MemorySite {
    fn get(&self, url: &str, _headers: &[(String, String)]) -> Result<Response, HttpError> {
        self.requests.borrow_mut().push(url.to_string());
        Ok(self
            .pages
            .get(url)
            .cloned()
            .unwrap_or_else(|| Response::new(url, 404, "text/plain", "not found")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        let ok = Response::new("http://a/", 200, "text/plain", "x");
        assert!(ok.clone().check_status().is_ok());
        assert!(
            Response::new("http://a/", 304, "text/plain", "")
                .check_status()
                .unwrap()
                .is_not_modified()
        );
        let gone = Response::new("http://a/t/1", 404, "text/plain", "")
            .check_status()
            .unwrap_err();
        assert!(gone.is_not_found() && !gone.is_retryable());
        let mut busy = Response::new("http://a/", 429, "text/plain", "");
        busy.headers.push(("retry-after".into(), "30".into()));
        let busy = busy.check_status().unwrap_err();
        assert!(busy.is_retryable());
        assert_eq!(
            busy,
            HttpError::Retryable {
                url: "http://a/".into(),
                status: 429,
                retry_after: Some(30)
            }
        );
        assert!(busy.to_string().contains("after 30 s"));
        assert!(
            Response::new("http://a/", 503, "", "")
                .check_status()
                .unwrap_err()
                .is_retryable()
        );
        assert_eq!(
            Response::new("http://a/", 403, "", "")
                .check_status()
                .unwrap_err(),
            HttpError::Status {
                url: "http://a/".into(),
                status: 403
            }
        );
    }

    #[test]
    fn errors_become_source_errors_by_kind() {
        let e: SourceError = HttpError::Decode {
            url: "u".into(),
            reason: "r".into(),
        }
        .into();
        assert!(matches!(e, SourceError::Parse(_)));
        let e: SourceError = HttpError::Timeout { url: "u".into() }.into();
        assert!(matches!(e, SourceError::Http(m) if m.contains("timed out")));
    }

    #[test]
    fn text_follows_the_declared_charset() {
        // "café" in Windows-1252.
        let r = Response::new(
            "http://a/",
            200,
            "text/plain; charset=ISO-8859-1",
            vec![b'c', b'a', b'f', 0xE9],
        );
        assert_eq!(r.charset(), Some("ISO-8859-1"));
        assert_eq!(r.text(), "café");
        let quoted = Response::new(
            "http://a/",
            200,
            "text/html; charset=\"windows-1252\"",
            vec![0x93, b'h', b'i', 0x94],
        );
        assert_eq!(quoted.text(), "\u{201c}hi\u{201d}");
    }

    #[test]
    fn text_sniffs_meta_charset_and_bom() {
        let mut html =
            b"<html><head><meta charset=\"windows-1252\"></head><body>na\xEFve</body>".to_vec();
        let r = Response::new("http://a/", 200, "text/html", html.clone());
        assert!(r.text().contains("naïve"));
        // A BOM wins over a wrong label.
        html = vec![0xEF, 0xBB, 0xBF];
        html.extend_from_slice("naïve".as_bytes());
        let r = Response::new("http://a/", 200, "text/plain; charset=windows-1252", html);
        assert_eq!(r.text(), "naïve");
        // UTF-16LE with BOM and no label.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "hé".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&utf16, None, false), "hé");
        // Default UTF-8, bad bytes replaced rather than failing.
        assert_eq!(decode_text(b"ok\xFF", None, false), "ok\u{FFFD}");
    }

    #[test]
    fn json_errors_name_place_not_content() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u32,
        }
        let r = Response::new(
            "http://a/x.json",
            200,
            "application/json",
            r#"{"n": "secret words"}"#,
        );
        let e = r.json::<T>().unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("http://a/x.json") && msg.contains("`n`"),
            "{msg}"
        );
        assert!(!msg.contains("secret"), "{msg}");
        let ok = Response::new("http://a/x.json", 200, "application/json", r#"{"n": 7}"#);
        assert_eq!(ok.json::<T>().unwrap().n, 7);
    }

    #[test]
    fn query_building_and_resolution() {
        let u = with_query(
            "http://h/t/5/posts.json",
            &[("post_ids[]", "21"), ("post_ids[]", "22")],
        )
        .unwrap();
        assert_eq!(
            u,
            "http://h/t/5/posts.json?post_ids%5B%5D=21&post_ids%5B%5D=22"
        );
        let u = with_query("http://h/latest.json?page=1", &[("q", "a b&c")]).unwrap();
        assert_eq!(u, "http://h/latest.json?page=1&q=a+b%26c");
        assert!(matches!(
            with_query("not a url", &[]),
            Err(HttpError::InvalidUrl { .. })
        ));
        assert_eq!(
            resolve("http://h/forum/topic-1/page-1.html", "page-2.html").as_deref(),
            Some("http://h/forum/topic-1/page-2.html")
        );
        assert_eq!(
            resolve("http://h/forum/x.html", "/latest.json?page=2").as_deref(),
            Some("http://h/latest.json?page=2")
        );
        assert_eq!(
            resolve("http://h/forum/", "./viewtopic.php?t=3&amp;start=10").as_deref(),
            Some("http://h/forum/viewtopic.php?t=3&amp;start=10")
        );
        assert_eq!(resolve("http://h/", "javascript:void(0)"), None);
    }

    #[test]
    fn client_over_memory_site() {
        let mut site = MemorySite::new();
        site.json("http://h/a.json", r#"[1,2,3]"#);
        site.html("http://h/p.html", "<p>hi</p>");
        let client = Client::with_transport(&site);
        assert_eq!(
            client.get_json::<Vec<u8>>("http://h/a.json").unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(client.get_text("http://h/p.html").unwrap(), "<p>hi</p>");
        assert!(client.get("http://h/missing").unwrap_err().is_not_found());
        assert_eq!(
            site.requests(),
            vec!["http://h/a.json", "http://h/p.html", "http://h/missing"]
        );
        site.clear_requests();
        assert!(site.requests().is_empty());
    }

    #[test]
    fn host_transport_off_wasm_is_denied_not_a_trap() {
        let e = get("http://127.0.0.1:1/").unwrap_err();
        assert!(matches!(e, HttpError::Denied { .. }), "{e:?}");
    }
}
