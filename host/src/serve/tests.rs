//! The API in-process: a real listener on loopback over an in-RAM index,
//! driven with an HTTP client, so the security layer, routing and JSON
//! are exercised exactly as a browser would meet them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use hearken_analysis::codebook::Codebook;
use hearken_document::{AnalysedDocument, Sentiment, SentimentLabel, Span, ThemeTag};
use hearken_index::{Index, SearchRequest, SearchResults};
use serde_json::Value;

use super::*;

/// A plain document to adjust in tests.
pub(crate) fn doc(id: &str) -> AnalysedDocument {
    AnalysedDocument {
        id: id.into(),
        source: "patient-forum".into(),
        plugin: "forum".into(),
        plugin_version: "0.1.0".into(),
        kind: "post".into(),
        url: format!("http://127.0.0.1:9/{id}"),
        thread_id: None,
        parent_id: None,
        author: Some("author-1".into()),
        speaker_role: None,
        published: Some(1_736_000_000),
        language: "en".into(),
        title: None,
        body: String::new(),
        sentiment: Sentiment::UNSCORED,
        sentences: vec![],
        themes: vec![],
        stage: None,
        cues: vec![],
        redactions: BTreeMap::new(),
        run_id: "run-1".into(),
        extra: BTreeMap::new(),
    }
}

fn themed(id: &str, source: &str, body: &str, compound: f64, themes: &[&str]) -> AnalysedDocument {
    let mut d = doc(id);
    d.source = source.into();
    d.body = body.into();
    d.title = Some(format!("Post {id}"));
    d.sentiment = Sentiment {
        compound,
        label: SentimentLabel::from_compound(compound),
        ..Sentiment::UNSCORED
    };
    d.themes = themes
        .iter()
        .map(|t| ThemeTag {
            id: (*t).into(),
            sentiment: Some(compound),
            evidence: vec![Span {
                term: "x".into(),
                start: 0,
                end: 1,
            }],
        })
        .collect();
    d
}

fn corpus() -> Vec<AnalysedDocument> {
    let mut hostile = themed(
        "patient-forum:evil",
        "patient-forum",
        "travel <script>window.__pwned=1</script> <img src=x onerror=alert(1)>",
        -0.4,
        &["travel_burden"],
    );
    hostile.title = Some("<b>bold</b> & <script>".into());
    vec![
        themed(
            "patient-forum:1",
            "patient-forum",
            "The travel to the trial site took four hours each way.",
            -0.6,
            &["travel_burden"],
        ),
        themed(
            "public-posts:2",
            "public-posts",
            "Travel costs were covered and the nurses were kind.",
            0.7,
            &["travel_burden", "cost"],
        ),
        themed(
            "public-posts:3",
            "public-posts",
            "The side effects were worse than the travel.",
            -0.3,
            &["side_effects"],
        ),
        hostile,
    ]
}

struct Running {
    base: String,
    index: Index,
    client: reqwest::Client,
    _task: tokio::task::JoinHandle<()>,
}

async fn start(token: Option<&str>) -> Running {
    let index = Index::create_in_ram().unwrap();
    let mut w = index.writer().unwrap();
    for d in corpus() {
        w.upsert(&d).unwrap();
    }
    w.commit().unwrap();
    index.reload().unwrap();
    let site = Arc::new(Site::new(
        index.clone(),
        Codebook::default_trial(),
        vec![],
        std::path::PathBuf::from("/nonexistent/hearken/state.sqlite"),
        token.map(str::to_owned),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        serve(listener, site, std::future::pending()).await.unwrap();
    });
    Running {
        base: format!("http://{addr}"),
        index,
        client: reqwest::Client::new(),
        _task: task,
    }
}

impl Running {
    async fn get(&self, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> Value {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

#[tokio::test]
async fn search_with_filters_is_the_index_search() {
    let s = start(None).await;
    let got: SearchResults = serde_json::from_value(
        s.json("/api/search?q=travel&source=public-posts&sort=newest&by=month&limit=5")
            .await,
    )
    .unwrap();
    let want = s
        .index
        .search(&SearchRequest {
            query: "travel".into(),
            source: vec!["public-posts".into()],
            sort: hearken_index::SortOrder::Newest,
            histogram: Some(hearken_index::Interval::Month),
            limit: 5,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(got, want);
    // And by hand: two public posts mention travel, both in January 2025.
    assert_eq!(got.total, 2);
    let mut ids: Vec<&str> = got.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["public-posts:2", "public-posts:3"]);
    assert_eq!(got.histogram.len(), 1);
    assert_eq!(got.histogram[0].label, "2025-01");
    assert_eq!(got.histogram[0].count, 2);

    // Repeated filters are ORed within a facet, as in the CLI.
    let both = s
        .json("/api/search?theme=cost&theme=side_effects&limit=10")
        .await;
    assert_eq!(both["total"], 2, "{both:#}");
}

#[tokio::test]
async fn bad_requests_are_400_with_a_json_error() {
    let s = start(None).await;
    let long_q = format!("/api/search?q={}", "a".repeat(MAX_QUERY_BYTES + 1));
    let long_qs = format!(
        "/api/search?q=a&theme={}",
        "t".repeat(MAX_QUERY_STRING_BYTES)
    );
    for path in [
        "/api/search?limit=101",
        "/api/search?limit=ten",
        long_q.as_str(),
        long_qs.as_str(),
        "/api/search?q=%22unclosed",
        "/api/search?sentiment=furious",
        "/api/search?nope=1",
        "/api/runs?limit=0",
    ] {
        let (status, headers, body) = s.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(
            headers["content-type"], "application/json",
            "{path}: {body}"
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{path}: {body}"
        );
    }
    let (status, _, body) = s.get("/api/documents/nope:1").await;
    assert_eq!(status, 404, "{body}");
    let (status, _, _) = s.get("/no/such/page").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn documents_come_back_whole_and_hostile_text_stays_data() {
    let s = start(None).await;
    let d = s.json("/api/documents/patient-forum:evil").await;
    let want = serde_json::to_value(
        corpus()
            .into_iter()
            .find(|d| d.id == "patient-forum:evil")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(d, want);
    // The snippet escapes the body; only the highlight is markup.
    let r = s.json("/api/search?q=travel&source=patient-forum").await;
    let evil = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "patient-forum:evil")
        .unwrap();
    let snippet = evil["snippet"].as_str().unwrap();
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(!snippet.contains("<script"), "{snippet}");
    assert!(!snippet.contains("<img"), "{snippet}");
    let without_b = snippet.replace("<b>", "").replace("</b>", "");
    assert!(!without_b.contains('<'), "{snippet}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let s = start(None).await;
    for path in [
        "/",
        "/documents/patient-forum:1",
        "/runs",
        "/assets/app.js",
        "/assets/app.css",
        "/api/search",
        "/api/search?limit=500",
        "/api/themes",
    ] {
        let (_, h, _) = s.get(path).await;
        assert_eq!(h["content-security-policy"], security::CSP, "{path}");
        assert!(
            security::CSP.contains("script-src 'self'")
                && security::CSP.contains("style-src 'self'")
                && security::CSP.contains("default-src 'self'")
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    }
    let (_, h, js) = s.get("/assets/app.js").await;
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.contains("textContent"));
    let (_, _, page) = s.get("/").await;
    // No inline script or style: the policy would block them anyway.
    assert!(page.contains(r#"<script src="/assets/app.js" defer></script>"#));
    assert_eq!(page.matches("<script").count(), 1);
    assert!(!page.contains("<style") && !page.contains(" style="));
}

#[tokio::test]
async fn a_token_is_required_on_every_request_when_set() {
    let token = "correct-horse-battery-staple";
    let s = start(Some(token)).await;
    for path in ["/", "/assets/app.js", "/api/search?q=travel", "/personas"] {
        let (status, h, body) = s.get(path).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert_eq!(h["www-authenticate"], "Bearer");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let wrong = s
            .client
            .get(format!("{}{path}", s.base))
            .bearer_auth("correct-horse-battery-stapler")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status().as_u16(), 401, "{path}");
    }
    let ok = s
        .client
        .get(format!("{}/api/search?q=travel", s.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let v: Value = serde_json::from_str(&ok.text().await.unwrap()).unwrap();
    assert_eq!(v["total"], 4);
}

#[tokio::test]
async fn without_a_token_only_loopback_host_names_are_answered() {
    let s = start(None).await;
    let rebound = s
        .client
        .get(format!("{}/api/search?q=travel", s.base))
        .header("host", "attacker.example:7878")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 403);
    let named = s
        .client
        .get(format!("{}/api/search?q=travel", s.base))
        .header("host", "localhost:7878")
        .send()
        .await
        .unwrap();
    assert_eq!(named.status().as_u16(), 200);
}

#[tokio::test]
async fn themes_and_an_empty_run_ledger() {
    let s = start(None).await;
    let t = s.json("/api/themes").await;
    assert_eq!(t["documents"], 4);
    let travel = t["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "travel_burden")
        .unwrap();
    // Documents 1, 2 and evil: (-0.6 + 0.7 - 0.4) / 3 = -0.1.
    assert_eq!(travel["documents"], 3);
    assert_eq!(travel["mean_sentiment"], -0.1);
    assert_eq!(travel["months"][0]["month"], "2025-01");
    assert!(travel["label"].is_string(), "{travel:#}");
    assert_eq!(s.json("/api/runs").await, serde_json::json!([]));
}

#[test]
fn binding_rules() {
    let lo: SocketAddr = "127.0.0.1:7878".parse().unwrap();
    let lo6: SocketAddr = "[::1]:7878".parse().unwrap();
    let any: SocketAddr = "0.0.0.0:7878".parse().unwrap();
    assert!(check_bind(&lo, None).is_ok());
    assert!(check_bind(&lo6, None).is_ok());
    let e = check_bind(&any, None).unwrap_err();
    assert!(e.to_string().contains("--token"), "{e}");
    assert!(matches!(
        check_bind(&any, Some("short")),
        Err(ServeError::WeakToken { chars: 5 })
    ));
    assert!(check_bind(&any, Some("a-long-enough-token")).is_ok());
}
