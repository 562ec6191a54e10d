//! The static page files, embedded in the binary.
//!
//! Pages are fixed HTML shells with no data in them (so there is nothing
//! to escape on the server); `app.js` fills them from the API. Script and
//! style are separate files because the Content-Security-Policy allows
//! only this origin's own files, never inline code.

use axum::http::header::{self, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

const SEARCH_HTML: &str = include_str!("../../assets/index.html");
const DOCUMENT_HTML: &str = include_str!("../../assets/document.html");
const RUNS_HTML: &str = include_str!("../../assets/runs.html");
const APP_CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");

/// `GET /`: the search page.
pub(super) async fn search_page() -> Html<&'static str> {
    Html(SEARCH_HTML)
}

/// `GET /documents/{id}`: the document page (the script reads the id
/// from the URL).
pub(super) async fn document_page() -> Html<&'static str> {
    Html(DOCUMENT_HTML)
}

/// `GET /runs`: the run ledger page.
pub(super) async fn runs_page() -> Html<&'static str> {
    Html(RUNS_HTML)
}

/// `GET /assets/app.css`.
pub(super) async fn css() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        APP_CSS,
    )
        .into_response()
}

/// `GET /assets/app.js`.
pub(super) async fn js() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        )],
        APP_JS,
    )
        .into_response()
}
