//! Personas on request: `GET /api/personas` (the JSON report) and
//! `GET /personas` (the HTML report), built from the index and cached by
//! index generation.
//!
//! Building personas walks every document and runs k-means with restarts:
//! a second or so on the demo data, far too slow per request and pointless
//! to repeat while the index is unchanged. The cache key is the index's
//! `meta.json` (its modification time and size change with every commit,
//! by this process or the daemon) plus the document count. A build runs on
//! the blocking pool under the cache's lock, so concurrent first requests
//! wait for one build instead of each starting their own.
//!
//! The report is built and quote-checked exactly as `hearken personas`
//! and `hearken demo` build it ([`crate::report::build`]): every quote is
//! verified verbatim against the stored de-identified text. The HTML is
//! the persona crate's self-contained page (inline CSS, inline SVG, no
//! script); we add a navigation bar and serve it with a policy that
//! forbids all script and allows its inline styles.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use hearken_persona::{PersonaConfig, PersonaError, ReportContext};

use super::Site;
use super::api::ApiError;
use crate::report::ReportError;

/// The policy for the persona report page: no script at all, its own
/// inline CSS and SVG only.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// What a build gives: the two renderings, or why there are none.
type Built = Result<Arc<Rendered>, ApiError>;

#[derive(Debug)]
pub(super) struct Rendered {
    json: String,
    html: String,
}

/// An index state: `meta.json`'s modification time and size, and the
/// document count.
type Generation = (Option<SystemTime>, u64, u64);

#[derive(Debug, Default)]
pub(super) struct Cache {
    slot: Mutex<Option<(Generation, Built)>>,
}

fn generation(site: &Site) -> Result<Generation, ApiError> {
    let meta = site
        .index
        .dir()
        .and_then(|d| std::fs::metadata(d.join("meta.json")).ok());
    let count = site
        .index
        .count()
        .map_err(|e| ApiError::internal("reading the index failed", &e))?;
    Ok((
        meta.as_ref().and_then(|m| m.modified().ok()),
        meta.map_or(0, |m| m.len()),
        count,
    ))
}

/// The report for the index as it is now, from the cache when the index
/// has not changed.
fn current(site: &Site) -> Built {
    let mut slot = site
        .personas
        .slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let before = generation(site)?;
    if let Some((g, built)) = slot.as_ref()
        && *g == before
    {
        return built.clone();
    }
    // The files changed: make the reader see the latest commit before
    // reading, then key the cache by what was read.
    site.index
        .reload()
        .map_err(|e| ApiError::internal("reloading the index failed", &e))?;
    let now = generation(site)?;
    let built = build(site);
    *slot = Some((now, built.clone()));
    built
}

fn build(site: &Site) -> Built {
    let docs = site
        .index
        .documents()
        .map_err(|e| ApiError::internal("reading the index failed", &e))?;
    let mut sources = site.sources.clone();
    if sources.is_empty() {
        sources = docs.iter().map(|d| d.source.clone()).collect();
        sources.sort();
        sources.dedup();
    }
    let ctx = ReportContext {
        title: "Patient personas".into(),
        generated_from: "all documents".into(),
        sources,
    };
    match crate::report::build(&docs, &site.codebook, &PersonaConfig::default(), &ctx) {
        Ok(report) => Ok(Arc::new(Rendered {
            json: hearken_persona::render::json(&report),
            html: with_nav(&hearken_persona::render::html(&report)),
        })),
        Err(ReportError::Persona(PersonaError::NoDocuments)) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "there are no documents to build personas from yet",
        )),
        Err(e) => Err(ApiError::internal("building the personas failed", &e)),
    }
}

/// The report page with a way back to search.
fn with_nav(html: &str) -> String {
    const NAV: &str = r#"<nav aria-label="Hearken" style="font:14px/1.4 system-ui,sans-serif;padding:8px 16px;background:#1f2937;color:#fff"><a href="/" style="color:#fff;margin-right:16px">← Search</a><a href="/runs" style="color:#fff;margin-right:16px">Run ledger</a><a href="/api/personas" style="color:#fff">JSON</a></nav>"#;
    match html.find("<body>") {
        Some(at) => {
            let at = at + "<body>".len();
            format!("{}{NAV}{}", &html[..at], &html[at..])
        }
        None => html.to_string(),
    }
}

async fn rendered(site: Arc<Site>) -> Built {
    tokio::task::spawn_blocking(move || current(&site))
        .await
        .map_err(|e| ApiError::internal("the persona task failed", &e))?
}

/// `GET /api/personas`: the JSON report (layout in
/// `persona/REPORT_SCHEMA.md`).
pub(super) async fn json(State(site): State<Arc<Site>>) -> Response {
    match rendered(site).await {
        Ok(r) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            r.json.clone(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /personas`: the HTML report.
pub(super) async fn html(State(site): State<Arc<Site>>) -> Response {
    let mut resp = match rendered(site).await {
        Ok(r) => Html(r.html.clone()).into_response(),
        Err(e) => {
            let page = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Personas</title></head>\
                 <body><p><a href=\"/\">← Search</a></p><h1>No persona report</h1><p>{}</p></body></html>",
                hearken_persona::render::escape(&e.error)
            );
            (e.status, Html(page)).into_response()
        }
    };
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
    resp
}
