//! Mastodon, Bluesky and Reddit through `fetch`, against responses shaped as
//! those APIs return them (`tests/fixtures/`, synthetic content, invented
//! handles), served from memory: paging, resuming, boosts, reposts, comment
//! trees, and no repeats.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use hearken_plugin_posts::config::Config;
use hearken_plugin_posts::source::fetch;
use hearken_plugin_sdk::http::{Client, MemorySite, Response};
use hearken_plugin_sdk::{Record, RecordKind};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel),
    )
    .unwrap()
}

fn config(json: &str) -> Config {
    hearken_plugin_sdk::config::parse(json).unwrap()
}

/// Runs `fetch` until exhausted; returns the records and the last cursor.
fn run(
    site: &MemorySite,
    config: &Config,
    cursor: Option<String>,
) -> (Vec<Record>, Option<String>) {
    let client = Client::with_transport(site);
    let mut cursor = cursor;
    let mut records = Vec::new();
    for _ in 0..100 {
        let batch = fetch(&client, config, cursor.as_deref()).unwrap();
        records.extend(batch.records);
        cursor = batch.cursor.or(cursor);
        if batch.exhausted {
            return (records, cursor);
        }
    }
    panic!("paging does not end");
}

const M: &str = "https://mastodon.example/api/v1";

#[test]
fn mastodon_hashtag_pages_down_then_resumes_with_since_id() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2"),
        fixture("mastodon/tag-page1.json"),
    );
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2&max_id=113304712200001090"),
        fixture("mastodon/tag-page2.json"),
    );
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2&max_id=113304690011001080"),
        "[]",
    );
    let cfg = config(
        r##"{"kind": "mastodon", "instance": "https://mastodon.example", "hashtags": ["#clinicaltrials"], "limit": 2}"##,
    );
    let (first, cursor) = run(&site, &cfg, None);
    let ids: Vec<&str> = first.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "mastodon:mastodon.example:113304781122401100",
            "mastodon:mastodon.example:113304712200001090",
            "mastodon:mastodon.example:113304690011001080"
        ]
    );
    let reply = &first[2];
    assert_eq!(reply.kind, RecordKind::Reply);
    assert_eq!(
        reply.parent_id.as_deref(),
        Some("mastodon:mastodon.example:113304781122401100")
    );
    assert!(
        reply.body.starts_with("@maple_ridge eleven is a lot"),
        "{}",
        reply.body
    );
    assert_eq!(first[1].author.as_deref(), Some("ana_ppl@other.example"));
    assert_eq!(first[1].title.as_deref(), Some("side effects, nausea"));
    assert_eq!(first[0].published.as_deref(), Some("2025-03-04T18:02:11Z"));
    assert_eq!(
        first[0].url,
        "https://mastodon.example/@maple_ridge/113304781122401100"
    );

    // Nothing new: one request bounded by since_id, zero records.
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2&since_id=113304781122401100"),
        "[]",
    );
    site.clear_requests();
    let (second, cursor2) = run(&site, &cfg, cursor);
    assert!(second.is_empty());
    assert_eq!(
        site.requests(),
        [format!(
            "{M}/timelines/tag/clinicaltrials?limit=2&since_id=113304781122401100"
        )]
    );

    // Two new statuses: paged down to since_id, returned once.
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2&since_id=113304781122401100"),
        fixture("mastodon/tag-new.json"),
    );
    site.json(&format!("{M}/timelines/tag/clinicaltrials?limit=2&max_id=113304990000001105&since_id=113304781122401100"), "[]");
    let (third, cursor3) = run(&site, &cfg, cursor2);
    assert_eq!(third.len(), 2);
    assert!(
        third[0].body.contains("third reschedule") || third[0].body.contains("Third reschedule")
    );
    site.json(
        &format!("{M}/timelines/tag/clinicaltrials?limit=2&since_id=113305000000001110"),
        "[]",
    );
    let (fourth, _) = run(&site, &cfg, cursor3);
    assert!(fourth.is_empty());
}

#[test]
fn mastodon_account_boost_resolves_to_original() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{M}/accounts/lookup?acct=trialnurse_kim"),
        fixture("mastodon/lookup-kim.json"),
    );
    site.json(
        &format!("{M}/accounts/77/statuses?limit=2"),
        fixture("mastodon/account-page1.json"),
    );
    site.json(
        &format!("{M}/accounts/77/statuses?limit=2&max_id=113304650000001070"),
        "[]",
    );
    let cfg = config(
        r#"{"kind": "mastodon", "instance": "https://mastodon.example", "accounts": ["@trialnurse_kim"], "limit": 2}"#,
    );
    let (records, cursor) = run(&site, &cfg, None);
    assert_eq!(records.len(), 2);
    let boosted = &records[0];
    assert_eq!(
        boosted.id, "mastodon:mastodon.example:113304712200001090",
        "the original's id, not the boost's"
    );
    assert_eq!(boosted.author.as_deref(), Some("ana_ppl@other.example"));
    assert!(
        boosted
            .body
            .starts_with("Does anyone else get a weird metallic taste")
    );
    assert_eq!(boosted.extra_value("via"), Some("boost"));
    // The account id is cached in the cursor: no second lookup.
    site.json(
        &format!("{M}/accounts/77/statuses?limit=2&since_id=113304800000001095"),
        "[]",
    );
    site.clear_requests();
    let (again, _) = run(&site, &cfg, cursor);
    assert!(again.is_empty());
    assert_eq!(
        site.requests(),
        [format!(
            "{M}/accounts/77/statuses?limit=2&since_id=113304800000001095"
        )]
    );
}

const B: &str = "https://public.api.bsky.app/xrpc";

/// Serves the second and third page of the search `q` (the first page's
/// URL) from the fixtures.
fn serve_search_pages_2_and_3(site: &mut MemorySite, q: &str) {
    site.json(
        &format!("{q}&cursor=2"),
        fixture("bluesky/search-page2.json"),
    );
    site.json(
        &format!("{q}&cursor=3"),
        fixture("bluesky/search-page3.json"),
    );
}

#[test]
fn bluesky_search_cursor_paging_and_resume() {
    let mut site = MemorySite::new();
    let q = format!("{B}/app.bsky.feed.searchPosts?q=clinical+trial&limit=2&sort=latest");
    site.json(&q, fixture("bluesky/search-page1.json"));
    serve_search_pages_2_and_3(&mut site, &q);
    let cfg = config(r#"{"kind": "bluesky", "queries": ["clinical trial"], "limit": 2}"#);
    let (first, cursor) = run(&site, &cfg, None);
    assert_eq!(first.len(), 3);
    assert_eq!(
        first[0].id,
        "at://did:plc:w1llowreadsx7k2m3n4o5p6q/app.bsky.feed.post/3lkq7c2xyz22a"
    );
    assert_eq!(
        first[0].url,
        "https://bsky.app/profile/willow-reads.bsky.social/post/3lkq7c2xyz22a"
    );
    assert_eq!(first[0].author.as_deref(), Some("willow-reads.bsky.social"));
    assert_eq!(
        first[0].published.as_deref(),
        Some("2025-03-05T09:12:44.12Z")
    );
    assert_eq!(first[0].extra_value("language"), Some("en"));

    site.clear_requests();
    let (second, cursor2) = run(&site, &cfg, cursor);
    assert!(
        second.is_empty(),
        "a known post on the first page ends the pass"
    );
    assert_eq!(site.requests().len(), 1);

    site.json(&q, fixture("bluesky/search-new.json"));
    let (third, _) = run(&site, &cfg, cursor2);
    assert_eq!(third.len(), 1);
    assert!(
        third[0]
            .body
            .starts_with("got my first reimbursement cheque")
    );
}

#[test]
fn bluesky_author_feed_repost_and_reply() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{B}/app.bsky.feed.getAuthorFeed?actor=willow-reads.bsky.social&limit=50"),
        fixture("bluesky/author-page1.json"),
    );
    let cfg = config(r#"{"kind": "bluesky", "actors": ["willow-reads.bsky.social"]}"#);
    let (records, _) = run(&site, &cfg, None);
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].author.as_deref(),
        Some("fernhill.bsky.social"),
        "a repost is the original author's post"
    );
    let reply = &records[1];
    assert_eq!(reply.kind, RecordKind::Reply);
    assert_eq!(reply.parent_id.as_deref(), Some(records[0].id.as_str()));
    assert_eq!(reply.thread_id.as_deref(), Some(records[0].id.as_str()));
}

const R: &str = "https://www.reddit.com";

#[test]
fn reddit_subreddit_new_pages_and_resumes_by_id() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{R}/r/ClinicalTrials/new.json?limit=2&raw_json=1"),
        fixture("reddit/new-page1.json"),
    );
    site.json(
        &format!("{R}/r/ClinicalTrials/new.json?limit=2&raw_json=1&after=t3_1c00001"),
        fixture("reddit/new-page2.json"),
    );
    let cfg = config(r#"{"kind": "reddit", "subreddits": ["r/ClinicalTrials"], "limit": 2}"#);
    let (first, cursor) = run(&site, &cfg, None);
    let ids: Vec<&str> = first.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reddit:t3_1c00002",
            "reddit:t3_1c00001",
            "reddit:t3_1bzzzzz"
        ]
    );
    assert_eq!(
        first[0].title.as_deref(),
        Some("Placebo worries before randomisation")
    );
    assert_eq!(
        first[0].url,
        "https://www.reddit.com/r/ClinicalTrials/comments/1c00002/placebo_worries_before_randomi/"
    );
    assert_eq!(first[0].published.as_deref(), Some("2024-03-05T09:00:00Z"));
    assert_eq!(first[0].extra_value("flair"), Some("Question"));
    assert!(
        first[0].body.contains("placebo arm.\n\nFor those"),
        "paragraphs kept: {:?}",
        first[0].body
    );
    let (second, _) = run(&site, &cfg, cursor);
    assert!(second.is_empty());
}

#[test]
fn reddit_thread_comment_tree() {
    let mut site = MemorySite::new();
    let url = format!("{R}/comments/1c00002.json?raw_json=1&limit=500");
    site.json(&url, fixture("reddit/thread.json"));
    let cfg = config(r#"{"kind": "reddit", "threads": ["1c00002"]}"#);
    let (records, cursor) = run(&site, &cfg, None);
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    // The post, then its comments depth first; the deleted one is skipped.
    assert_eq!(
        ids,
        ["reddit:t3_1c00002", "reddit:t1_kq0001", "reddit:t1_kq0003"]
    );
    let nested = &records[2];
    assert_eq!(nested.kind, RecordKind::Comment);
    assert_eq!(nested.parent_id.as_deref(), Some("reddit:t1_kq0001"));
    assert_eq!(nested.thread_id.as_deref(), Some("reddit:t3_1c00002"));
    assert!(
        records[1].body.contains("most people guess wrong & that"),
        "{}",
        records[1].body
    );
    let (again, _) = run(&site, &cfg, cursor);
    assert!(again.is_empty(), "unchanged thread, nothing new");
}

/// A Reddit comment thing as the API nests it.
fn comment(id: &str, parent: &str, body: &str, replies: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"kind": "t1", "data": {
        "id": id, "name": format!("t1_{id}"), "parent_id": parent, "link_id": "t3_1c00009",
        "author": "spoonie_sam", "body": body, "created_utc": 1741080000.0,
        "permalink": format!("/r/ClinicalTrials/comments/1c00009/x/{id}/"), "replies": replies}})
}

#[test]
fn reddit_more_stubs_are_followed_once_and_skipped_when_read_before() {
    let thread = serde_json::json!([
        {"kind": "Listing", "data": {"after": null, "children": [{"kind": "t3", "data": {
            "id": "1c00009", "name": "t3_1c00009", "title": "Coordinator ghosted me",
            "selftext": "third week with no callback", "author": "spoonie_sam",
            "created_utc": 1741070000.0, "permalink": "/r/ClinicalTrials/comments/1c00009/x/"}}]}},
        {"kind": "Listing", "data": {"after": null, "children": [
            comment("kr0001", "t3_1c00009", "call the site main line", serde_json::json!({"kind": "Listing", "data": {"children": [
                {"kind": "more", "data": {"count": 0, "name": "t1__", "id": "_", "parent_id": "t1_kr0001", "depth": 10, "children": []}}]}})),
            {"kind": "more", "data": {"count": 2, "name": "t1_kr0005", "id": "kr0005", "parent_id": "t3_1c00009", "depth": 0, "children": ["kr0005", "kr0007"]}}
        ]}}
    ]);
    let more = serde_json::json!({"json": {"errors": [], "data": {"things": [
        comment("kr0005", "t3_1c00009", "email the PI directly", serde_json::json!("")),
        comment("kr0007", "t1_kr0005", "that worked for me too", serde_json::json!("")),
    ]}}});
    let deeper = serde_json::json!([
        thread[0].clone(),
        {"kind": "Listing", "data": {"children": [
            comment("kr0001", "t3_1c00009", "call the site main line", serde_json::json!({"kind": "Listing", "data": {"children": [
                comment("kr0009", "t1_kr0001", "deep in the thread: try the nurse line", serde_json::json!(""))]}}))]}}
    ]);
    let mut site = MemorySite::new();
    site.json(
        &format!("{R}/comments/1c00009.json?raw_json=1&limit=500"),
        thread.to_string(),
    );
    site.json(
        &format!("{R}/api/morechildren.json?api_type=json&link_id=t3_1c00009&children=kr0005%2Ckr0007&raw_json=1"),
        more.to_string(),
    );
    site.json(
        &format!("{R}/comments/1c00009/_/kr0001.json?raw_json=1&limit=500"),
        deeper.to_string(),
    );
    let cfg = config(r#"{"kind": "reddit", "threads": ["1c00009"]}"#);
    let (records, cursor) = run(&site, &cfg, None);
    // Stubs load in tree order (depth first): the "continue" stub under
    // kr0001 comes before the top-level stub.
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "reddit:t3_1c00009",
            "reddit:t1_kr0001",
            "reddit:t1_kr0009",
            "reddit:t1_kr0005",
            "reddit:t1_kr0007"
        ],
        "{:?}",
        site.requests()
    );
    assert_eq!(records[2].parent_id.as_deref(), Some("reddit:t1_kr0001"));
    assert_eq!(records[4].parent_id.as_deref(), Some("reddit:t1_kr0005"));

    // Unchanged: the stub of ids read before is not loaded again; the
    // "continue" stub is (it cannot say what it holds) and yields nothing.
    site.clear_requests();
    let (again, _) = run(&site, &cfg, cursor);
    assert!(again.is_empty(), "{again:?}");
    assert!(
        !site.requests().iter().any(|u| u.contains("morechildren")),
        "{:?}",
        site.requests()
    );
}

#[test]
fn rate_limits_stop_the_run_without_losing_the_place() {
    let mut site = MemorySite::new();
    let q = format!("{B}/app.bsky.feed.searchPosts?q=clinical+trial&limit=2&sort=latest");
    site.json(&q, fixture("bluesky/search-page1.json"));
    site.respond(
        &format!("{q}&cursor=2"),
        Response::new(format!("{q}&cursor=2"), 429, "application/json", "{}"),
    );
    let cfg = config(r#"{"kind": "bluesky", "queries": ["clinical trial"], "limit": 2}"#);
    let (first, cursor) = run(&site, &cfg, None);
    assert_eq!(first.len(), 2);
    serve_search_pages_2_and_3(&mut site, &q);
    site.clear_requests();
    let (rest, _) = run(&site, &cfg, cursor);
    assert_eq!(rest.len(), 1, "the next run retries the page that failed");
    assert_eq!(site.requests()[0], format!("{q}&cursor=2"));
}

#[test]
fn a_missing_feed_is_skipped_and_others_go_on() {
    let mut site = MemorySite::new();
    site.insert(
        "https://b.example/feed.json",
        "application/feed+json",
        r#"{"version": "https://jsonfeed.org/version/1.1", "title": "B", "items": [{"id": "b1", "url": "https://b.example/1", "content_text": "hello"}]}"#,
    );
    let cfg = config(
        r#"{"kind": "feed", "urls": ["https://gone.example/rss", "https://b.example/feed.json"]}"#,
    );
    let (records, _) = run(&site, &cfg, None);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].id, "https://b.example/feed.json#b1");
    assert_eq!(records[0].url, "https://b.example/1");
}

/// A call reads several pages; a page that fails after the first is left to
/// the next call, which reports it as a one-page call would, so the pages
/// before it are neither lost nor returned twice.
#[test]
fn a_page_that_fails_after_the_first_of_a_call_is_reported_by_the_next_call() {
    let q = format!("{B}/app.bsky.feed.searchPosts?q=clinical+trial&limit=2&sort=latest");
    let cfg = config(r#"{"kind": "bluesky", "queries": ["clinical trial"], "limit": 2}"#);
    for (status, fatal) in [(429, false), (503, false), (403, true)] {
        let mut site = MemorySite::new();
        site.json(&q, fixture("bluesky/search-page1.json"));
        site.respond(
            &format!("{q}&cursor=2"),
            Response::new(format!("{q}&cursor=2"), status, "application/json", "{}"),
        );
        let client = Client::with_transport(&site);

        let first = fetch(&client, &cfg, None).unwrap();
        assert_eq!(first.records.len(), 2, "{status}: page 1 arrives");
        assert!(!first.exhausted, "{status}: the call says there is more");
        let cursor = first.cursor.clone();

        let second = fetch(&client, &cfg, cursor.as_deref());
        match second {
            Ok(batch) if !fatal => {
                assert!(batch.records.is_empty() && batch.exhausted, "{status}");
                assert_eq!(batch.cursor, cursor, "{status}: the place is kept");
            }
            Err(e) if fatal => assert!(e.to_string().contains("403"), "{e}"),
            other => panic!("{status}: the failing page was not reported alone: {other:?}"),
        }

        serve_search_pages_2_and_3(&mut site, &q);
        let (rest, _) = run(&site, &cfg, cursor);
        assert_eq!(
            rest.len(),
            1,
            "{status}: the rest, once, and nothing of page 1"
        );
        assert!(
            rest.iter()
                .all(|r| !first.records.iter().any(|f| f.id == r.id)),
            "{status}"
        );
    }
}
