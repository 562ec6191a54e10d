//! The JSON API: search, one document, theme trends and the run ledger
//! (personas live in [`super::personas`]).
//!
//! Search parameters are parsed by hand from the raw query string rather
//! than through a serde extractor: the filters repeat (`theme=a&theme=b`,
//! as an HTML form sends them), an unknown or repeated single parameter is
//! a mistake worth a 400 that names it, and every limit is checked before
//! the index is touched. The parameters mean what the CLI's flags mean
//! (`hearken search --help`), so `GET /api/search?q=travel&theme=x` returns
//! what `hearken search travel --theme x --json` prints.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearken_index::{IndexError, Interval, SearchRequest, SortOrder, period_bounds};
use hearken_state::RunFilter;
use serde::Serialize;

use super::themes::TrendsBuilder;
use super::{MAX_LIMIT, MAX_QUERY_BYTES, Site};

/// Most values one repeatable filter (`theme`, `source`, `stage`, `cue`)
/// may have in one request.
const MAX_FILTER_VALUES: usize = 32;
/// Longest document id accepted in a path.
const MAX_ID_BYTES: usize = 512;
/// Hits per page when `limit` is not given (the CLI's default).
const DEFAULT_LIMIT: usize = 10;
/// Runs listed when `limit` is not given.
const DEFAULT_RUNS: usize = 50;

/// An API failure: an HTTP status and a message, sent as
/// `{"error": "…"}`. Messages name the parameter or id at fault and never
/// quote document text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// The status code.
    #[serde(skip)]
    pub status: StatusCode,
    /// What went wrong.
    pub error: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
        }
    }

    fn bad(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    /// A failure of ours: logged, and answered without details.
    pub(super) fn internal(what: &str, e: &dyn std::fmt::Display) -> ApiError {
        tracing::error!("{what}: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{what}; the server log has the details"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// Turn a raw query string into a search request, checking every limit.
///
/// Parameters: `q`, `theme`*, `sentiment`, `source`*, `stage`*, `cue`*,
/// `since`, `until` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `until` is
/// inclusive), `sort` (`relevance`, `newest`, `oldest`), `limit` (default
/// 10, at most [`MAX_LIMIT`]), `offset`, `by` (`month` or `week`).
/// Starred ones repeat. Empty values count as absent (an HTML form sends
/// its empty fields).
pub fn parse_search(raw: Option<&str>) -> Result<SearchRequest, ApiError> {
    let mut req = SearchRequest {
        limit: DEFAULT_LIMIT,
        ..SearchRequest::default()
    };
    let mut seen: Vec<String> = Vec::new();
    let pairs = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes());
    for (key, value) in pairs {
        let key = key.into_owned();
        let value = value.trim().to_string();
        let repeatable = matches!(key.as_str(), "theme" | "source" | "stage" | "cue");
        if !repeatable {
            if seen.contains(&key) {
                return Err(ApiError::bad(format!("`{key}` is given more than once")));
            }
            seen.push(key.clone());
        }
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "q" => {
                if value.len() > MAX_QUERY_BYTES {
                    return Err(ApiError::bad(format!(
                        "the query is {} bytes long; the most is {MAX_QUERY_BYTES}",
                        value.len()
                    )));
                }
                req.query = value;
            }
            "theme" => push_filter(&mut req.theme, "theme", value)?,
            "source" => push_filter(&mut req.source, "source", value)?,
            "stage" => push_filter(&mut req.stage, "stage", value)?,
            "cue" => push_filter(&mut req.cue, "cue", value)?,
            "sentiment" => {
                if !["negative", "neutral", "positive", "unscored"].contains(&value.as_str()) {
                    return Err(ApiError::bad(
                        "`sentiment` must be negative, neutral, positive or unscored",
                    ));
                }
                req.sentiment = Some(value);
            }
            "since" => req.since = Some(date(&key, &value)?.0),
            "until" => req.until = Some(date(&key, &value)?.1),
            "sort" => {
                req.sort = match value.as_str() {
                    "relevance" => SortOrder::Relevance,
                    "newest" => SortOrder::Newest,
                    "oldest" => SortOrder::Oldest,
                    _ => {
                        return Err(ApiError::bad("`sort` must be relevance, newest or oldest"));
                    }
                }
            }
            "limit" => {
                let n = number(&key, &value)?;
                if n > MAX_LIMIT {
                    return Err(ApiError::bad(format!(
                        "`limit` is {n}; the most is {MAX_LIMIT}"
                    )));
                }
                req.limit = n;
            }
            "offset" => req.offset = number(&key, &value)?,
            "by" => {
                req.histogram = Some(match value.as_str() {
                    "month" => Interval::Month,
                    "week" => Interval::Week,
                    _ => return Err(ApiError::bad("`by` must be month or week")),
                })
            }
            _ => {
                return Err(ApiError::bad(format!(
                    "unknown parameter `{}`; see the README's \"Web page and API\"",
                    short(&key)
                )));
            }
        }
    }
    if let (Some(s), Some(u)) = (req.since, req.until)
        && s > u
    {
        return Err(ApiError::bad("`since` is after `until`"));
    }
    Ok(req)
}

fn push_filter(list: &mut Vec<String>, key: &str, value: String) -> Result<(), ApiError> {
    if list.len() >= MAX_FILTER_VALUES {
        return Err(ApiError::bad(format!(
            "`{key}` is given more than {MAX_FILTER_VALUES} times"
        )));
    }
    if value.len() > 200 {
        return Err(ApiError::bad(format!(
            "a `{key}` value is longer than 200 bytes"
        )));
    }
    list.push(value);
    Ok(())
}

fn number(key: &str, value: &str) -> Result<usize, ApiError> {
    value.parse().map_err(|_| {
        ApiError::bad(format!(
            "`{key}` must be a whole number, not `{}`",
            short(value)
        ))
    })
}

fn date(key: &str, value: &str) -> Result<(i64, i64), ApiError> {
    period_bounds(value).ok_or_else(|| {
        ApiError::bad(format!(
            "`{key}` must be a date like 2025-03-04 (or 2025-03, or 2025), not `{}`",
            short(value)
        ))
    })
}

/// At most 40 characters of something the client sent, for a message.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// `GET /api/search`.
pub(super) async fn search(
    State(site): State<Arc<Site>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let request = parse_search(raw.as_deref())?;
    let index = site.index.clone();
    let result = tokio::task::spawn_blocking(move || index.search(&request))
        .await
        .map_err(|e| ApiError::internal("the search task failed", &e))?;
    match result {
        Ok(results) => Ok(Json(results).into_response()),
        Err(e @ (IndexError::QueryParse { .. } | IndexError::InvalidRequest(_))) => {
            Err(ApiError::bad(e.to_string()))
        }
        Err(e) => Err(ApiError::internal("the search failed", &e)),
    }
}

/// `GET /api/documents/{id}`: the stored de-identified document with its
/// analysis, as `hearken show --json` prints it.
pub(super) async fn document(
    State(site): State<Arc<Site>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id.len() > MAX_ID_BYTES {
        return Err(ApiError::bad(format!(
            "a document id is at most {MAX_ID_BYTES} bytes"
        )));
    }
    let index = site.index.clone();
    let lookup = id.clone();
    let doc = tokio::task::spawn_blocking(move || index.get(&lookup))
        .await
        .map_err(|e| ApiError::internal("the lookup task failed", &e))?
        .map_err(|e| ApiError::internal("reading the document failed", &e))?;
    match doc {
        Some(doc) => Ok(Json(doc).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no document with id `{}`", short(&id)),
        )),
    }
}

/// `GET /api/themes`: documents and mean sentiment per theme, overall and
/// per month, over every document in the index.
pub(super) async fn themes(State(site): State<Arc<Site>>) -> Result<Response, ApiError> {
    let site2 = site.clone();
    let trends = tokio::task::spawn_blocking(move || {
        let mut builder = TrendsBuilder::new(&crate::report::theme_info(&site2.codebook));
        site2
            .index
            .for_each_document(|doc| {
                builder.add(&doc);
                Ok(())
            })
            .map(|()| builder.finish())
    })
    .await
    .map_err(|e| ApiError::internal("the themes task failed", &e))?
    .map_err(|e| ApiError::internal("reading the index failed", &e))?;
    Ok(Json(trends).into_response())
}

/// `GET /api/runs?source=&limit=`: the run ledger, newest first.
pub(super) async fn runs(
    State(site): State<Arc<Site>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut filter = RunFilter {
        source: None,
        limit: DEFAULT_RUNS,
    };
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "source" if !value.is_empty() => filter.source = Some(value.into_owned()),
            "source" => {}
            "limit" => {
                let n = number("limit", &value)?;
                if !(1..=MAX_LIMIT).contains(&n) {
                    return Err(ApiError::bad(format!(
                        "`limit` must be between 1 and {MAX_LIMIT}"
                    )));
                }
                filter.limit = n;
            }
            other => {
                return Err(ApiError::bad(format!(
                    "unknown parameter `{}`",
                    short(other)
                )));
            }
        }
    }
    let site2 = site.clone();
    let runs = tokio::task::spawn_blocking(move || match site2.state()? {
        Some(store) => store.runs(filter),
        None => Ok(Vec::new()),
    })
    .await
    .map_err(|e| ApiError::internal("the ledger task failed", &e))?
    .map_err(|e| ApiError::internal("reading the run ledger failed", &e))?;
    Ok(Json(runs).into_response())
}

/// Anything else: 404 as JSON.
pub(super) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_parameter_like_the_cli() {
        let r = parse_search(Some(
            "q=travel+%22side+effects%22&theme=travel_burden&theme=cost&sentiment=negative\
             &source=patient-forum&stage=enrolled&cue=role%3Acaregiver&since=2025-01-01\
             &until=2025-01-31&sort=newest&limit=25&offset=5&by=week",
        ))
        .unwrap();
        assert_eq!(r.query, "travel \"side effects\"");
        assert_eq!(r.theme, ["travel_burden", "cost"]);
        assert_eq!(r.sentiment.as_deref(), Some("negative"));
        assert_eq!(r.source, ["patient-forum"]);
        assert_eq!(r.stage, ["enrolled"]);
        assert_eq!(r.cue, ["role:caregiver"]);
        // 2025-01-01T00:00:00Z and 2025-01-31T23:59:59Z.
        assert_eq!(r.since, Some(1_735_689_600));
        assert_eq!(r.until, Some(1_738_367_999));
        assert_eq!(r.sort, SortOrder::Newest);
        assert_eq!((r.limit, r.offset), (25, 5));
        assert_eq!(r.histogram, Some(Interval::Week));
    }

    #[test]
    fn empty_values_are_absent_and_defaults_match_the_cli() {
        let r = parse_search(Some("q=&theme=&sentiment=&sort=&limit=")).unwrap();
        assert_eq!(r.query, "");
        assert!(r.theme.is_empty() && r.sentiment.is_none());
        assert_eq!(r.limit, 10);
        assert_eq!(r.sort, SortOrder::Relevance);
        assert_eq!(parse_search(None).unwrap(), r);
    }

    #[test]
    fn limits_and_mistakes_are_400s_that_name_the_parameter() {
        let long = format!("q={}", "a".repeat(MAX_QUERY_BYTES + 1));
        let cases = [
            (long.as_str(), "bytes long"),
            ("limit=101", "`limit`"),
            ("limit=-1", "`limit`"),
            ("offset=x", "`offset`"),
            ("sentiment=angry", "`sentiment`"),
            ("sort=random", "`sort`"),
            ("by=year", "`by`"),
            ("since=yesterday", "`since`"),
            ("since=2025-02-01&until=2025-01-01", "after"),
            ("q=a&q=b", "more than once"),
            ("colour=red", "unknown parameter `colour`"),
        ];
        for (raw, needle) in cases {
            let e = parse_search(Some(raw)).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{raw}");
            assert!(e.error.contains(needle), "{raw}: {}", e.error);
        }
        // Exactly at the limits is fine.
        let at = format!("q={}&limit=100", "a".repeat(MAX_QUERY_BYTES));
        assert_eq!(parse_search(Some(&at)).unwrap().limit, 100);
        let many = "theme=t&".repeat(MAX_FILTER_VALUES + 1);
        assert!(parse_search(Some(&many)).is_err());
    }
}
