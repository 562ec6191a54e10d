//! The posts plugin on the demo site's feed (`posts/feed.xml`, RSS 2.0 paged
//! with `<atom:link rel="next">`), served from memory at a loopback address,
//! checked against the generator's answer key: every item once, with its
//! id, URL, author and time; and nothing on a second run.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use hearken_plugin_posts::config::Config;
use hearken_plugin_posts::source::fetch;
use hearken_plugin_sdk::http::{Client, MemorySite};

const BASE: &str = "http://127.0.0.1:8080/";

#[test]
fn demo_feed_matches_the_answer_key() {
    let dir = tempfile::tempdir().unwrap();
    let manifest =
        hearken_sample::write_site(&hearken_sample::SampleConfig::demo(), dir.path()).unwrap();
    let truth = hearken_sample::read_truth(dir.path()).unwrap();
    let items: Vec<_> = truth
        .documents
        .iter()
        .filter(|d| d.url.starts_with("posts/"))
        .collect();
    assert_eq!(items.len(), manifest.feed_items);

    let mut site = MemorySite::new();
    for entry in std::fs::read_dir(dir.path().join("posts")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".xml") {
            site.insert(
                &format!("{BASE}posts/{name}"),
                "application/rss+xml",
                std::fs::read(&p).unwrap(),
            );
        }
    }
    let client = Client::with_transport(&site);
    let config: Config = hearken_plugin_sdk::config::parse(&format!(
        r#"{{"kind": "feed", "urls": ["{BASE}{}"]}}"#,
        manifest.feed_start
    ))
    .unwrap();

    let mut cursor: Option<String> = None;
    let mut records = Vec::new();
    let mut calls = 0;
    loop {
        calls += 1;
        let batch = fetch(&client, &config, cursor.as_deref()).unwrap();
        records.extend(batch.records);
        cursor = batch.cursor.or(cursor);
        if batch.exhausted {
            break;
        }
    }
    let pages = site.requests().len();
    assert!(pages >= 2, "the feed is paged");
    assert!(calls < pages, "a call reads several pages");
    assert_eq!(records.len(), items.len());
    for (r, t) in records.iter().zip(&items) {
        assert_eq!(r.id, t.id);
        assert_eq!(r.url, format!("{BASE}{}", t.url));
        assert_eq!(r.author.as_deref(), Some(t.author.as_str()));
        assert_eq!(r.published.as_deref(), Some(t.published.as_str()));
        assert!(!r.body.contains("<p>"), "HTML is converted to text");
    }

    site.clear_requests();
    let again = fetch(&client, &config, cursor.as_deref()).unwrap();
    assert!(again.exhausted);
    assert!(again.records.is_empty(), "a second run yields nothing");
    assert_eq!(site.requests().len(), 1, "and reads only the first page");
    println!(
        "sample feed: {} items from {pages} pages in {calls} calls match truth.json",
        records.len()
    );
}
