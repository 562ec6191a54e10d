//! The layer every request passes through: who may ask, how big a request
//! may be, and the headers that tell the browser what the page may do.
//!
//! Authentication is a bearer token compared in constant time (through
//! BLAKE3 digests, whose equality is constant-time), so response timing
//! does not leak how much of a guess was right. Without a token the server
//! is on loopback, and then the `Host` header must name a loopback host:
//! that stops DNS rebinding, where a hostile page points its own domain at
//! 127.0.0.1 and reads the API from the researcher's browser.
//!
//! Headers: a Content-Security-Policy that allows only this origin's own
//! script and style files (so no inline script can ever run, planted or
//! not), `nosniff`, no framing, no referrer (evidence links leave for
//! other sites and should not carry the query), and `no-store` (what was
//! searched for stays out of caches). A handler that sets its own
//! policy (the persona report) keeps it.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api::ApiError;
use super::{MAX_QUERY_STRING_BYTES, Site};

/// The policy for the search page, the document page and the API.
pub(super) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Check who is asking and how much, then add the security headers.
pub(super) async fn guard(State(site): State<Arc<Site>>, req: Request, next: Next) -> Response {
    if let Some(token) = &site.token {
        if !bearer_matches(req.headers(), token) {
            let mut resp = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server needs `Authorization: Bearer TOKEN` on every request",
            )
            .into_response();
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return with_headers(resp);
        }
    } else {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()));
        if !host.as_deref().is_some_and(is_loopback_host) {
            return with_headers(
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "without --token this server answers only requests addressed to a loopback \
                     host (127.0.0.1, [::1] or localhost)",
                )
                .into_response(),
            );
        }
    }
    if req.uri().query().map_or(0, str::len) > MAX_QUERY_STRING_BYTES {
        return with_headers(
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the query string is longer than {MAX_QUERY_STRING_BYTES} bytes"),
            )
            .into_response(),
        );
    }
    with_headers(next.run(req).await)
}

fn with_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Whether the request carries `Authorization: Bearer <token>`.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            blake3::hash(given.trim().as_bytes()) == blake3::hash(token.as_bytes())
        })
}

/// Whether a `Host` value (`name`, `name:port`, `[v6]:port`) names a
/// loopback host.
pub(super) fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || port.starts_with(':') => inside,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised_and_others_are_not() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:7878",
            "localhost:7878",
            "LOCALHOST",
            "[::1]:7878",
            "[::1]",
            "127.1.2.3:80",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:7878",
            "10.0.0.1:7878",
            "localhost.evil.example",
            "[::2]:7878",
            "127.0.0.1:80x",
            "[::1]x",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn bearer_must_match_exactly() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, "s3cret-s3cret-s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret-s3cret-s3cret"),
        );
        assert!(bearer_matches(&h, "s3cret-s3cret-s3cret"));
        assert!(!bearer_matches(&h, "s3cret-s3cret-s3creT"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic s3cret-s3cret-s3cret"),
        );
        assert!(!bearer_matches(&h, "s3cret-s3cret-s3cret"));
    }
}
