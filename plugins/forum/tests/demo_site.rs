//! The demo forum: `hearken-sample` writes a phpBB-prosilver site with a
//! truth file listing every post. The plugin must crawl it from the board
//! index and find exactly those posts, with the right ids, permalinks,
//! kinds, authors, threads and times; bodies must hold neither quoted text
//! nor signatures; and a second run must find nothing.

// Test helpers outside `#[test]` functions panic on purpose, too.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{assert_unique, run_once};
use hearken_plugin_sdk::http::MemorySite;
use hearken_plugin_sdk::{Record, RecordKind};
use hearken_sample::{SampleConfig, read_truth, write_site};
use scraper::{Html, Selector};

const ORIGIN: &str = "http://127.0.0.1:8080";

/// Serves every file under `root/forum` at `ORIGIN/forum/...`.
fn serve(root: &Path) -> MemorySite {
    let mut site = MemorySite::new();
    let mut dirs = vec![root.join("forum")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                site.html(&format!("{ORIGIN}/{rel}"), std::fs::read(&path).unwrap());
            }
        }
    }
    site
}

/// Per post: the whole text of its content (quotes included), and the
/// text of its top-level quotes (without their "X wrote:" line) and of its
/// signature, read straight from the HTML with plain selectors (not the
/// plugin's code).
struct Parts {
    content: String,
    quotes: Vec<String>,
    signature: Option<String>,
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn post_parts(root: &Path, file: &str) -> HashMap<String, Parts> {
    let html = std::fs::read_to_string(root.join(file)).unwrap();
    let doc = Html::parse_document(&html);
    let post = Selector::parse("div.post").unwrap();
    let content = Selector::parse("div.content").unwrap();
    let quote = Selector::parse("div.content > blockquote > div").unwrap();
    let sig = Selector::parse("div.signature").unwrap();
    let cite = Selector::parse("cite").unwrap();
    let mut out = HashMap::new();
    for p in doc.select(&post) {
        let id = p.value().id().unwrap().to_string();
        let quotes = p
            .select(&quote)
            .map(|q| {
                let cite_text: String = q.select(&cite).flat_map(|c| c.text()).collect();
                let all: String = q.text().collect();
                squash(&all.replacen(&cite_text, "", 1))
            })
            .filter(|t| t.len() > 12)
            .collect();
        out.insert(
            id,
            Parts {
                content: squash(
                    &p.select(&content)
                        .flat_map(|c| c.text())
                        .collect::<String>(),
                ),
                quotes,
                signature: p
                    .select(&sig)
                    .next()
                    .map(|s| squash(&s.text().collect::<String>())),
            },
        );
    }
    out
}

#[test]
fn demo_forum_matches_its_truth_and_second_run_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_site(&SampleConfig::demo(), dir.path()).unwrap();
    let truth = read_truth(dir.path()).unwrap();
    let expected: Vec<_> = truth
        .documents
        .iter()
        .filter(|d| d.url.starts_with("forum/"))
        .collect();
    assert_eq!(expected.len(), manifest.forum_posts);
    assert!(expected.len() > 50, "the demo forum is bigger than that");

    let site = serve(dir.path());
    let config = format!(
        r#"{{"engine":"phpbb","start_url":"{ORIGIN}/{}"}}"#,
        manifest.forum_start
    );
    let first = run_once(&config, None, &site, 1_741_084_800);
    assert_unique(&first.records);
    let got: HashMap<&str, &Record> = first.records.iter().map(|r| (r.id.as_str(), r)).collect();
    assert_eq!(first.records.len(), expected.len(), "record count");

    let mut quotes_checked = 0;
    let mut parents = 0;
    let mut signatures_checked = 0;
    let mut parts_cache: HashMap<String, HashMap<String, Parts>> = HashMap::new();
    for d in &expected {
        let r = got
            .get(d.id.as_str())
            .unwrap_or_else(|| panic!("missing {}", d.id));
        assert_eq!(r.url, format!("{ORIGIN}/{}", d.url), "{}", d.id);
        let kind = match d.kind.as_str() {
            "post" => RecordKind::Post,
            "reply" => RecordKind::Reply,
            other => panic!("unexpected kind {other}"),
        };
        assert_eq!(r.kind, kind, "{}", d.id);
        assert_eq!(r.author.as_deref(), Some(d.author.as_str()), "{}", d.id);
        assert_eq!(r.thread_id, d.thread, "{}", d.id);
        assert_eq!(
            r.published.as_deref(),
            Some(d.published.as_str()),
            "{}",
            d.id
        );
        assert!(!r.body.is_empty(), "{}", d.id);
        assert!(
            r.title.as_deref().is_some_and(|t| !t.is_empty()),
            "{}",
            d.id
        );

        let per_post = parts_cache
            .entry(d.file().to_string())
            .or_insert_with(|| post_parts(dir.path(), d.file()));
        let parts = &per_post[&d.id];
        let body = squash(&r.body);
        // A quote's words appear in the body only as often as the author
        // wrote them outside the quote (sometimes people repeat a line).
        for q in &parts.quotes {
            let expected = parts.content.matches(q.as_str()).count() - 1;
            assert_eq!(
                body.matches(q.as_str()).count(),
                expected,
                "{}: quoted text in body",
                d.id
            );
            quotes_checked += 1;
        }
        if let Some(sig) = parts.signature.as_deref().filter(|s| s.len() > 6) {
            let expected = parts.content.matches(sig).count();
            assert_eq!(
                body.matches(sig).count(),
                expected,
                "{}: signature in body",
                d.id
            );
            signatures_checked += 1;
        }
        if let Some(parent) = &r.parent_id {
            parents += 1;
            assert!(
                got.contains_key(parent.as_str()),
                "{}: parent {parent} is not a record",
                d.id
            );
            assert_ne!(parent, &r.id);
        }
    }
    assert!(
        quotes_checked > 5,
        "the demo has quotes to check ({quotes_checked})"
    );
    assert!(
        signatures_checked > 5,
        "the demo has signatures to check ({signatures_checked})"
    );
    assert!(parents > 0, "quoting replies name their parent");

    let first_requests = site.requests().len();
    site.clear_requests();
    let second = run_once(&config, first.cursor.clone(), &site, 1_741_084_800 + 3_600);
    eprintln!(
        "demo forum: {} records in {} calls; second run: {} records in {} calls",
        first.records.len(),
        first.calls,
        second.records.len(),
        second.calls
    );
    assert!(
        second.records.is_empty(),
        "second run: {:?}",
        second.records.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    // Unchanged boards: the index and the first page of each board, no thread pages.
    let second_requests = site.requests().len();
    assert!(
        second_requests < first_requests / 4,
        "second run made {second_requests} requests, the first {first_requests}"
    );
    assert!(
        !site.requests().iter().any(|u| u.contains("/topic-")),
        "{:?}",
        site.requests()
    );
}
