//! `hearken serve` end to end, on a demo data directory with one planted
//! hostile document: the JSON API against the CLI, the request limits and
//! the binding rules against the binary, and the page itself in headless
//! Chromium.
//!
//! The browser is driven through page states reachable by URL
//! (`chromium --headless --dump-dom`, with a virtual-time budget so the
//! page's fetches finish first): every facet, result and navigation item
//! on the page is a real link, so "clicking" one is loading the `href` the
//! page rendered, which this test reads out of the DOM. That needs no
//! DevTools client and no timing guesses.
//!
//! Chromium comes from Debian's `chromium` package
//! (`scripts/install-test-deps`). Without it the browser test prints a
//! notice and returns, unless `CI` is set, when it fails.

// A test file: helpers outside `#[test]` functions panic on failure too.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::json_ok as ok_json;

use hearken_document::{AnalysedDocument, Span, ThemeTag};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

const PLANTED_ID: &str = "patient-forum:planted-xss";
const PLANTED_WORD: &str = "zqxplanted";
const SCRIPT: &str = "<script>window.__pwned=1;document.documentElement.setAttribute('data-pwned','script')</script>";
const IMG: &str = "<img src=x onerror=\"window.__pwned=1;document.documentElement.setAttribute('data-pwned','img')\">";

fn hearken() -> Command {
    let mut c = common::hearken_cmd(&[], Path::new(env!("CARGO_TARGET_TMPDIR")));
    c.env_remove("HEARKEN_SERVE_TOKEN");
    c
}

/// One demo data directory for every test in this file, with the planted
/// document written through the index API.
fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    DEMO.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("browser-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let data = root.join("data");
        let out = hearken()
            .args(["demo", "--data", data.to_str().unwrap()])
            .args(["--site-addr", "127.0.0.1:0", "--json"])
            .output()
            .unwrap();
        let summary = ok_json(&out);
        assert!(summary["documents"].as_u64().unwrap() >= 100, "{summary:#}");
        plant(&data);
        data
    })
}

/// Write a document whose title and body carry a script and an image with
/// an `onerror` handler, and whose evidence URL is a `javascript:` URL.
fn plant(data: &Path) {
    let index = hearken_index::Index::open_or_create(&data.join("index")).unwrap();
    let template = index
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| d.source == "patient-forum")
        .unwrap();
    let body =
        format!("{PLANTED_WORD} travel to the clinic was hard. {SCRIPT} and {IMG} & that's all.");
    let at = body.find("travel").unwrap() as u32;
    let doc = AnalysedDocument {
        id: PLANTED_ID.into(),
        title: Some(format!("{SCRIPT} Planted {IMG}")),
        url: "javascript:window.__pwned=1".into(),
        themes: vec![ThemeTag {
            id: "travel_burden".into(),
            sentiment: None,
            evidence: vec![Span {
                term: "travel".into(),
                start: at,
                end: at + 6,
            }],
        }],
        stage: None,
        cues: vec![],
        sentences: vec![],
        body,
        ..template
    };
    let mut w = index.writer().unwrap();
    w.upsert(&doc).unwrap();
    w.commit().unwrap();
}

/// A running `hearken serve`, stopped on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path, extra: &[&str]) -> Server {
        let mut child = hearken()
            .args(["serve", "--data", data.to_str().unwrap()])
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        Server {
            child,
            base: url.trim_end_matches('/').to_string(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET` with an optional bearer token: status, content type, body.
fn get(url: &str, token: Option<&str>) -> (u16, String, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut req = reqwest::Client::new().get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ctype, resp.text().await.unwrap())
    })
}

fn get_json(url: &str) -> Value {
    let (status, _, body) = get(url, None);
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn api_search_returns_what_the_cli_returns() {
    let data = demo();
    let server = Server::start(data, &[]);
    let cases: [(&str, &[&str]); 5] = [
        ("q=travel", &["travel"]),
        (
            "q=travel&theme=travel_burden&sort=newest&limit=5&by=month",
            &[
                "travel",
                "--theme",
                "travel_burden",
                "--sort",
                "newest",
                "--limit",
                "5",
                "--by",
                "month",
            ],
        ),
        (
            "sentiment=negative&source=patient-forum&source=public-posts&offset=3&limit=7&by=week",
            &[
                "--sentiment",
                "negative",
                "--source",
                "patient-forum",
                "--source",
                "public-posts",
                "--offset",
                "3",
                "--limit",
                "7",
                "--by",
                "week",
            ],
        ),
        (
            "q=%22side+effects%22+OR+nausea&since=2024-01-01&until=2030-12-31&sort=oldest",
            &[
                "\"side effects\" OR nausea",
                "--since",
                "2024-01-01",
                "--until",
                "2030-12-31",
                "--sort",
                "oldest",
            ],
        ),
        (
            "q=theme%3Acost_compensation+NOT+travel&limit=100",
            &["theme:cost_compensation NOT travel", "--limit", "100"],
        ),
    ];
    for (query, args) in cases {
        let api = get_json(&format!("{}/api/search?{query}", server.base));
        let cli = ok_json(
            &hearken()
                .args(["search", "--data", data.to_str().unwrap(), "--json"])
                .args(args)
                .output()
                .unwrap(),
        );
        assert_eq!(api, cli, "{query}");
        assert!(
            api["total"].as_u64().unwrap() > 0,
            "{query}: matches nothing"
        );
    }
    // A stage and a cue filter, taken from the facets so they exist.
    let all = get_json(&format!("{}/api/search?limit=0", server.base));
    let stage = all["facets"]["stage"][0]["value"].as_str().unwrap();
    let cue = all["facets"]["cue"][0]["value"].as_str().unwrap();
    let api = get_json(&format!(
        "{}/api/search?stage={stage}&cue={}",
        server.base,
        cue.replace(':', "%3A")
    ));
    let cli = ok_json(
        &hearken()
            .args(["search", "--data", data.to_str().unwrap(), "--json"])
            .args(["--stage", stage, "--cue", cue])
            .output()
            .unwrap(),
    );
    assert_eq!(api, cli);
}

#[test]
fn bad_requests_are_400s_and_the_server_stays_up() {
    let server = Server::start(demo(), &[]);
    let long = "x".repeat(1_001);
    for q in [
        format!("q={long}"),
        "limit=101".into(),
        "limit=-3".into(),
        "q=%22open+quote".into(),
        "sort=sideways".into(),
        "until=31/12/2025".into(),
    ] {
        let (status, ctype, body) = get(&format!("{}/api/search?{q}", server.base), None);
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(ctype, "application/json");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["error"].is_string(), "{body}");
    }
    // 999 bytes of words that match nothing is within the limit.
    let ok = get_json(&format!(
        "{}/api/search?q={}",
        server.base,
        "zq+".repeat(333)
    ));
    assert_eq!(ok["total"], 0);
}

#[test]
fn a_non_loopback_address_needs_a_token() {
    // Refused before anything is opened: no data directory is needed.
    let out = hearken()
        .args(["serve", "--addr", "0.0.0.0:0", "--data", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0") && err.contains("--token"),
        "{err}"
    );
    let weak = hearken()
        .args(["serve", "--addr", "0.0.0.0:0", "--token", "abc"])
        .output()
        .unwrap();
    assert_eq!(weak.status.code(), Some(2));

    // With a token, every request needs it.
    let token = "a-test-token-of-some-length";
    let server = Server::start(demo(), &["--token", token]);
    for path in ["/", "/api/search?q=travel", "/personas", "/api/runs"] {
        let (status, _, _) = get(&format!("{}{path}", server.base), None);
        assert_eq!(status, 401, "{path}");
        let (status, _, _) = get(&format!("{}{path}", server.base), Some(token));
        assert_eq!(status, 200, "{path}");
    }
}

#[test]
fn personas_runs_themes_and_documents_over_the_api() {
    let data = demo();
    let server = Server::start(data, &[]);
    let report = get_json(&format!("{}/api/personas", server.base));
    let personas = report["personas"].as_array().unwrap();
    assert!(personas.len() >= 2, "{report:#}");
    assert!(report["quotes_verified"].as_u64().unwrap() > 0);
    let (status, ctype, html) = get(&format!("{}/personas", server.base), None);
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"));
    for p in personas {
        let id = p["id"].as_str().unwrap();
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }

    let runs = get_json(&format!("{}/api/runs", server.base));
    assert_eq!(runs.as_array().unwrap().len(), 3, "{runs:#}");

    let themes = get_json(&format!("{}/api/themes", server.base));
    let total = get_json(&format!("{}/api/search?limit=0", server.base));
    assert_eq!(themes["documents"], total["total"]);
    // Per theme, the count equals the search facet's count.
    for f in total["facets"]["theme"].as_array().unwrap() {
        let t = themes["themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == f["value"])
            .unwrap();
        assert_eq!(t["documents"], f["count"], "{t:#}");
        let monthly: u64 = t["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["documents"].as_u64().unwrap())
            .sum();
        assert!(monthly <= t["documents"].as_u64().unwrap());
    }

    let doc = get_json(&format!("{}/api/documents/{PLANTED_ID}", server.base));
    let cli = ok_json(
        &hearken()
            .args([
                "show",
                PLANTED_ID,
                "--data",
                data.to_str().unwrap(),
                "--json",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(doc, cli);
}

// ---------------------------------------------------------------------------
// The browser.

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// Run headless Chromium on `url` with `what` (`--dump-dom` or
/// `--screenshot=…`), letting the page's fetches finish first.
fn chromium_run(bin: &Path, what: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=15000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(what)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish with {url} in 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

fn one<'a>(dom: &'a Html, s: &str) -> ElementRef<'a> {
    dom.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no `{s}` on the page"))
}

/// Load `url` and return its DOM once the script has filled it in.
fn page(bin: &Path, url: &str, loaded: &str) -> Html {
    let dom = Html::parse_document(&chromium_run(bin, &["--dump-dom"], url));
    let body = one(&dom, "body");
    assert_eq!(
        body.value().attr("data-loaded"),
        Some(loaded),
        "{url} did not finish loading; status: {:?}",
        dom.select(&sel("#status")).next().map(text)
    );
    assert_no_injection(&dom, url);
    dom
}

/// Neither planted payload became markup or ran.
fn assert_no_injection(dom: &Html, url: &str) {
    let html = one(dom, "html");
    assert_eq!(
        html.value().attr("data-pwned"),
        None,
        "{url}: a payload ran"
    );
    assert!(
        dom.select(&sel("img[src='x']")).next().is_none(),
        "{url}: the planted <img> became an element"
    );
    for s in dom.select(&sel("script")) {
        assert_eq!(
            s.value().attr("src"),
            Some("/assets/app.js"),
            "{url}: a script element other than app.js: {}",
            s.html()
        );
    }
    assert!(
        dom.select(&sel("a[href^='javascript:' i]"))
            .next()
            .is_none(),
        "{url}: a javascript: link"
    );
}

fn hits(dom: &Html) -> Vec<ElementRef<'_>> {
    dom.select(&sel("#results li.hit")).collect()
}

#[test]
fn the_page_in_headless_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed; run scripts/install-test-deps");
        }
        eprintln!(
            "notice: chromium is not installed; skipping the browser test (scripts/install-test-deps installs it)"
        );
        return;
    };
    let server = Server::start(demo(), &[]);
    let base = &server.base;

    // 1. Search.
    let dom = page(&bin, &format!("{base}/?q=travel"), "search");
    let api = get_json(&format!("{base}/api/search?q=travel&limit=20"));
    let total = api["total"].as_u64().unwrap();
    assert!(total > 0);
    assert_eq!(
        text(one(&dom, "#status")),
        format!("{total} matching documents.")
    );
    assert_eq!(text(one(&dom, "title")), "travel — Hearken");
    let shown = hits(&dom);
    assert_eq!(shown.len(), api["hits"].as_array().unwrap().len());
    for (li, hit) in shown.iter().zip(api["hits"].as_array().unwrap()) {
        assert_eq!(li.value().attr("data-id"), hit["id"].as_str());
        // The snippet is the index's, as text, with its highlights as <b>
        // elements.
        let snippet = hit["snippet"].as_str().unwrap();
        let bold: Vec<String> = li.select(&sel(".snippet b")).map(text).collect();
        let want_bold: Vec<String> = snippet
            .split("<b>")
            .skip(1)
            .filter_map(|s| s.split_once("</b>").map(|(b, _)| unescape(b)))
            .collect();
        assert_eq!(bold, want_bold);
        assert_eq!(
            text(one_in(li, ".snippet")),
            unescape(&snippet.replace("<b>", "").replace("</b>", ""))
        );
        let date = text(one_in(li, "time"));
        assert_eq!(
            date,
            hit["published"].as_str().map_or("undated", |p| &p[..10])
        );
        assert!(text(one_in(li, ".meta")).contains(hit["source"].as_str().unwrap()));
        assert!(text(one_in(li, ".sent")).starts_with(hit["sentiment"]["label"].as_str().unwrap()));
    }
    // The trend chart: one bar per month of the histogram.
    let months = get_json(&format!("{base}/api/search?q=travel&by=month&limit=0"));
    let bars = dom.select(&sel("#chart svg rect.bar")).count();
    assert_eq!(bars, months["histogram"].as_array().unwrap().len());
    assert!(bars > 0);
    // Facets for all five kinds, with counts, and the links out.
    for kind in ["theme", "sentiment", "source", "stage", "cue"] {
        assert!(
            dom.select(&sel(&format!("a.facet[data-facet='{kind}'] .count")))
                .next()
                .is_some(),
            "no {kind} facet"
        );
    }
    for href in ["/personas", "/runs"] {
        assert!(
            dom.select(&sel(&format!("nav a[href='{href}']")))
                .next()
                .is_some()
        );
    }

    // 2. Click a facet: follow the link the page rendered.
    let facet = dom
        .select(&sel("a.facet[data-facet='theme']"))
        .find(|a| a.value().attr("data-value") == Some("travel_burden"))
        .expect("a travel_burden facet");
    let count: u64 = text(one_in(&facet, ".count")).parse().unwrap();
    let href = facet.value().attr("href").unwrap().to_string();
    assert!(href.starts_with("/?"), "{href}");
    let dom = page(&bin, &format!("{base}{href}"), "search");
    assert_eq!(
        text(one(&dom, "#status")),
        format!(
            "{count} matching document{}.",
            if count == 1 { "" } else { "s" }
        )
    );
    let on = one(&dom, "a.facet.on[data-facet='theme']");
    assert_eq!(on.value().attr("data-value"), Some("travel_burden"));
    assert_eq!(on.value().attr("aria-pressed"), Some("true"));
    assert!(text(one(&dom, "#active")).contains("theme: travel burden"));
    let filtered = hits(&dom);
    assert!(!filtered.is_empty());
    for li in &filtered {
        let tags: Vec<String> = li.select(&sel(".tags a")).map(text).collect();
        assert!(tags.iter().any(|t| t == "travel burden"), "{tags:?}");
    }

    // 3. Open a document from the filtered results.
    let first = one_in(&filtered[0], "a.doc-link");
    let doc_href = first.value().attr("href").unwrap().to_string();
    let id = filtered[0].value().attr("data-id").unwrap().to_string();
    let dom = page(&bin, &format!("{base}{doc_href}"), "document");
    let doc = get_json(&format!("{base}/api/documents/{id}"));
    assert_eq!(text(one(&dom, "#doc-body")), doc["body"].as_str().unwrap());
    assert!(
        dom.select(&sel("#doc-body mark")).next().is_some(),
        "no evidence marked"
    );
    assert!(text(one(&dom, "#doc-meta")).contains(&id));
    let evidence = one(&dom, "#doc-meta a.evidence");
    assert_eq!(evidence.value().attr("href"), doc["url"].as_str());
    assert_eq!(evidence.value().attr("rel"), Some("noopener noreferrer"));

    // 4. Open the persona report and a persona in it.
    let report = get_json(&format!("{base}/api/personas"));
    let first_persona = &report["personas"][0];
    let pid = first_persona["id"].as_str().unwrap();
    let raw = chromium_run(&bin, &["--dump-dom"], &format!("{base}/personas#{pid}"));
    let dom = Html::parse_document(&raw);
    assert_no_injection(&dom, "/personas");
    let section = one(&dom, &format!("section.persona#{pid}"));
    assert!(text(section).contains(first_persona["name"].as_str().unwrap()));
    assert!(
        section.select(&sel("details")).next().is_some(),
        "no evidence in {pid}"
    );
    assert!(dom.select(&sel("nav a[href='/']")).next().is_some());
    assert!(dom.select(&sel("script")).next().is_none());

    // 5. The planted document: shown as text, nothing ran.
    let dom = page(&bin, &format!("{base}/?q={PLANTED_WORD}"), "search");
    let found = hits(&dom);
    assert_eq!(found.len(), 1);
    let title = text(one_in(&found[0], "a.doc-link"));
    assert!(title.contains(SCRIPT) && title.contains(IMG), "{title}");
    let snippet = text(one_in(&found[0], ".snippet"));
    assert!(snippet.contains("<script>window.__pwned=1;"), "{snippet}");
    assert!(text(one_in(&found[0], ".hit-foot")).contains("evidence: javascript:"));
    let dom = page(
        &bin,
        &format!("{base}/documents/{}", PLANTED_ID.replace(':', "%3A")),
        "document",
    );
    let body = text(one(&dom, "#doc-body"));
    assert!(body.contains(SCRIPT) && body.contains(IMG), "{body}");
    assert!(text(one(&dom, "#doc-title")).contains(SCRIPT));

    // 6. Screenshots, for people to look at.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-shots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, path) in [
        ("search.png", "/?q=travel".to_string()),
        ("facet.png", href.clone()),
        ("document.png", doc_href.clone()),
        // (A fragment URL screenshots blank in headless mode: use the top.)
        ("persona.png", "/personas".to_string()),
        (
            "planted.png",
            format!("/documents/{}", PLANTED_ID.replace(':', "%3A")),
        ),
        ("runs.png", "/runs".to_string()),
    ] {
        let file = shots.join(name);
        let _ = std::fs::remove_file(&file);
        chromium_run(
            &bin,
            &[
                &format!("--screenshot={}", file.display()),
                "--window-size=1280,900",
            ],
            &format!("{base}{path}"),
        );
        let png = std::fs::read(&file).unwrap_or_default();
        assert!(png.starts_with(b"\x89PNG"), "{}", file.display());
        eprintln!("screenshot: {}", file.display());
    }
}

fn one_in<'a>(e: &ElementRef<'a>, s: &str) -> ElementRef<'a> {
    e.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no `{s}` in {}", e.html()))
}

/// Undo the index's HTML escaping of snippet text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
