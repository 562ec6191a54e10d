//! Discourse: the real API responses in `shared/data/forums/discourse`
//! (from discourse/discourse_api's fixtures) parsed, then served from an
//! in-memory site and crawled: first run, a run with nothing new, a run
//! after a new post. A second, synthetic site (JSON we wrote) covers what
//! the recorded fixtures do not: tags, deleted, hidden and small-action
//! posts, quote-based parents, and the listing walk stopping at old topics.

// Test helpers outside `#[test]` functions panic on purpose, too.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{assert_unique, by_id, extra, run_once};
use hearken_plugin_forum::discourse::{Categories, Listing, PostsById, Topic, cooked_to_text};
use hearken_plugin_sdk::RecordKind;
use hearken_plugin_sdk::http::MemorySite;
use serde_json::{Value, json};

const BASE: &str = "http://discourse.test/";
const NOW: i64 = 1_741_084_800;

/// The shared Discourse fixtures, or `None` (with a notice) when they are
/// not there outside CI. In CI their absence fails the test.
fn data_dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/forums/discourse");
    if dir.join("topic.json").is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("the Discourse fixtures are missing at {}", dir.display());
    }
    eprintln!("notice: {} is missing; skipping", dir.display());
    None
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn recorded_responses_parse() {
    let Some(dir) = data_dir() else { return };
    let latest: Listing = serde_json::from_str(&read(&dir, "latest.json")).unwrap();
    assert_eq!(latest.topic_list.topics.len(), 3);
    assert_eq!(
        latest.topic_list.more_topics_url.as_deref(),
        Some("/latest.json?page=1")
    );
    assert!(latest.topic_list.topics[0].pinned);
    assert_eq!(latest.topic_list.topics[1].highest_post_number, 2);

    let topic: Topic = serde_json::from_str(&read(&dir, "topic.json")).unwrap();
    assert_eq!(topic.id, 57);
    assert_eq!(topic.slug, "this-site-is-a-sandbox-it-is-reset-every-day");
    assert_eq!(topic.post_stream.stream, vec![83, 84, 86, 226]);
    assert_eq!(topic.post_stream.posts.len(), 4);
    let first = &topic.post_stream.posts[0];
    assert_eq!((first.id, first.post_number, first.version), (83, 1, 5));
    assert_eq!(first.username.as_deref(), Some("samsaffron"));
    let (text, quoted) = cooked_to_text(&first.cooked, 57);
    assert!(text.starts_with("Welcome!\n\nTry is a sandbox, a safe place to play with Discourse and its features.\n\nThis site is reset every day"), "{text}");
    assert!(
        text.contains("flag it. Help keep our community clean."),
        "{text}"
    );
    assert!(!text.contains('<'));
    assert_eq!(quoted, None);
    assert_eq!(topic.post_stream.posts[3].reply_to_post_number, Some(1));

    let more: PostsById = serde_json::from_str(&read(&dir, "topic_posts.json")).unwrap();
    assert_eq!(more.post_stream.posts.len(), 1);
    assert_eq!(more.post_stream.posts[0].id, 123_456);
    assert_eq!(
        cooked_to_text(&more.post_stream.posts[0].cooked, 57).0,
        "Some text."
    );

    let cats: Categories = serde_json::from_str(&read(&dir, "categories.json")).unwrap();
    let names = cats.names();
    assert_eq!(names.get(&1).map(String::as_str), Some("test1"));
    assert_eq!(names.len(), 3);

    // Per-category listings have the same shape.
    let cat: Listing = serde_json::from_str(&read(&dir, "category_latest_topics.json")).unwrap();
    assert_eq!(cat.topic_list.topics.len(), 2);
}

/// A site around the recorded topic 57: a listing we wrote that names it,
/// its `/t/57.json` with only the first two posts loaded (the rest only in
/// the stream, as Discourse does past 20 posts), and `posts.json` for the
/// other two, built from the recorded posts.
fn site_from_recordings(dir: &Path) -> (MemorySite, Value) {
    let mut topic: Value = serde_json::from_str(&read(dir, "topic.json")).unwrap();
    let posts = topic["post_stream"]["posts"].as_array().unwrap().clone();
    topic["post_stream"]["posts"] = Value::Array(posts[..2].to_vec());
    let mut site = MemorySite::new();
    site.json(
        &format!("{BASE}latest.json"),
        listing(
            &[(57, 14, "2013-02-05T12:14:17.364-05:00", false)],
            Some("/latest?page=1"),
        )
        .to_string(),
    );
    site.json(
        &format!("{BASE}latest.json?page=1"),
        listing(&[], None).to_string(),
    );
    site.json(&format!("{BASE}t/57.json"), topic.to_string());
    site.json(
        &format!("{BASE}t/57/posts.json?post_ids%5B%5D=86&post_ids%5B%5D=226"),
        json!({"id": 57, "post_stream": {"posts": posts[2..].to_vec()}}).to_string(),
    );
    site.json(
        &format!("{BASE}categories.json?include_subcategories=true"),
        read(dir, "categories.json"),
    );
    (site, topic)
}

fn listing(topics: &[(u64, u64, &str, bool)], more: Option<&str>) -> Value {
    let topics: Vec<Value> = topics
        .iter()
        .map(|(id, highest, bumped, pinned)| {
            json!({"id": id, "title": format!("Topic {id}"), "slug": format!("topic-{id}"), "highest_post_number": highest,
                   "bumped_at": bumped, "pinned": pinned, "category_id": 5, "tags": []})
        })
        .collect();
    let mut list =
        json!({"topic_list": {"can_create_topic": false, "topics": topics}, "users": []});
    if let Some(m) = more {
        list["topic_list"]["more_topics_url"] = json!(m);
    }
    list
}

#[test]
fn crawl_recorded_topic_then_nothing_then_only_the_new_post() {
    let Some(dir) = data_dir() else { return };
    let (mut site, mut topic) = site_from_recordings(&dir);
    let config = format!(r#"{{"engine":"discourse","start_url":"{BASE}"}}"#);

    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    // Post 86 is a single image: no words, no record.
    assert_eq!(ids, ["83", "84", "226"]);
    assert_unique(&first.records);
    // The two posts missing from the first page were asked for by id.
    assert!(
        site.requests()
            .iter()
            .any(|u| u.contains("posts.json?post_ids"))
    );

    let op = by_id(&first.records, "83");
    assert_eq!(op.kind, RecordKind::Post);
    assert_eq!(
        op.url,
        format!("{BASE}t/this-site-is-a-sandbox-it-is-reset-every-day/57/1")
    );
    assert_eq!(op.author.as_deref(), Some("samsaffron"));
    assert_eq!(op.published.as_deref(), Some("2013-02-04T20:26:26.278Z"));
    assert_eq!(op.thread_id.as_deref(), Some("57"));
    assert_eq!(
        op.title.as_deref(),
        Some("THIS SITE IS A SANDBOX -- it is reset every day")
    );
    assert_eq!(extra(op, "edited"), Some("true"));
    // Category 13 is not in categories.json: its id stands in.
    assert_eq!(extra(op, "category"), Some("13"));
    let last = by_id(&first.records, "226");
    assert_eq!(last.kind, RecordKind::Reply);
    assert_eq!(
        last.url,
        format!("{BASE}t/this-site-is-a-sandbox-it-is-reset-every-day/57/14")
    );
    assert_eq!(last.parent_id.as_deref(), Some("83"));
    assert_eq!(extra(last, "edited"), None);

    let second = run_once(&config, first.cursor.clone(), &site, NOW);
    assert!(second.records.is_empty());

    // A new post 301 (number 15): the listing's highest_post_number grows,
    // the stream gains its id; only it is fetched and emitted.
    let mut new_post = topic["post_stream"]["posts"][1].clone();
    new_post["id"] = json!(301);
    new_post["post_number"] = json!(15);
    new_post["reply_to_post_number"] = json!(2);
    new_post["cooked"] = json!("<p>Is the sandbox reset at midnight UTC?</p>");
    new_post["created_at"] = json!("2013-02-06T09:00:00.000Z");
    topic["post_stream"]["stream"]
        .as_array_mut()
        .unwrap()
        .push(json!(301));
    site.json(&format!("{BASE}t/57.json"), topic.to_string());
    site.json(
        &format!("{BASE}t/57/posts.json?post_ids%5B%5D=301"),
        json!({"post_stream": {"posts": [new_post]}}).to_string(),
    );
    site.json(
        &format!("{BASE}latest.json"),
        listing(
            &[(57, 15, "2013-02-06T09:00:00.000Z", false)],
            Some("/latest?page=1"),
        )
        .to_string(),
    );
    site.clear_requests();
    let third = run_once(&config, second.cursor, &site, NOW);
    let ids: Vec<&str> = third.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["301"]);
    assert_eq!(third.records[0].parent_id.as_deref(), Some("84"));
    assert_eq!(
        third.records[0].body,
        "Is the sandbox reset at midnight UTC?"
    );
    // Posts 86 and 226 were not fetched again.
    assert!(
        !site
            .requests()
            .iter()
            .any(|u| u.contains("post_ids%5B%5D=86"))
    );
}

fn post(id: u64, number: u64, user: &str, cooked: &str) -> Value {
    json!({"id": id, "username": user, "created_at": "2025-03-01T10:00:00.000Z", "updated_at": "2025-03-01T10:00:00.000Z",
           "cooked": cooked, "post_number": number, "post_type": 1, "reply_to_post_number": null, "version": 1,
           "deleted_at": null, "user_deleted": false, "hidden": false, "topic_id": 0})
}

#[test]
fn synthetic_site_tags_deletions_quotes_and_stopping() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{BASE}categories.json?include_subcategories=true"),
        json!({"category_list": {"categories": [{"id": 5, "name": "Trials", "slug": "trials",
            "subcategory_list": [{"id": 7, "name": "Travel", "slug": "travel"}]}]}})
        .to_string(),
    );
    let mut list = listing(
        &[
            (900, 1, "2025-03-01T09:00:00Z", true),
            (10, 5, "2025-03-03T10:00:00Z", false),
            (9, 2, "2025-02-01T10:00:00Z", false),
        ],
        Some("/latest.json?page=1"),
    );
    list["topic_list"]["topics"][1]["tags"] = json!([{"id": 1, "name": "travel", "slug": "travel"}, {"id": 2, "name": "placebo", "slug": "placebo"}]);
    site.json(&format!("{BASE}latest.json"), list.to_string());
    site.json(
        &format!("{BASE}latest.json?page=1"),
        listing(&[(3, 1, "2024-12-01T10:00:00Z", false)], None).to_string(),
    );

    let quote = r#"<aside class="quote no-group" data-username="ana_r" data-post="1" data-topic="10"><div class="title"><div class="quote-controls"></div><img alt="" width="24" height="24" src="/a.png" class="avatar"> ana_r:</div><blockquote><p>the clinic is three buses away</p></blockquote></aside>
<p>Ask for the taxi voucher, they have a budget for it.</p>"#;
    let mut small_action = post(1003, 3, "system", "");
    small_action["post_type"] = json!(3);
    let mut deleted = post(1004, 4, "ana_r", "<p>(post deleted by author)</p>");
    deleted["user_deleted"] = json!(true);
    let mut hidden = post(1005, 5, "troll", "<p>flagged</p>");
    hidden["hidden"] = json!(true);
    let topic10 = json!({"id": 10, "title": "Getting to the clinic", "slug": "getting-to-the-clinic", "category_id": 7,
        "post_stream": {"stream": [1001, 1002, 1003, 1004, 1005], "posts": [
            post(1001, 1, "ana_r", "<p>the clinic is three buses away and I have visits every week</p>"),
            post(1002, 2, "ben", quote), small_action, deleted, hidden]}});
    site.json(&format!("{BASE}t/10.json"), topic10.to_string());
    for (id, user) in [(900u64, "mod"), (9, "cy"), (3, "dee")] {
        site.json(&format!("{BASE}t/{id}.json"), json!({"id": id, "title": format!("Topic {id}"), "slug": format!("topic-{id}"), "category_id": 5,
            "post_stream": {"stream": [id * 100 + 1], "posts": [post(id * 100 + 1, 1, user, "<p>hello</p>")]}}).to_string());
    }

    let config = format!(r#"{{"engine":"discourse","start_url":"{BASE}"}}"#);
    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["90001", "1001", "1002", "901", "301"]);
    let reply = by_id(&first.records, "1002");
    assert_eq!(
        reply.body,
        "Ask for the taxi voucher, they have a budget for it."
    );
    assert_eq!(reply.parent_id.as_deref(), Some("1001"));
    assert_eq!(extra(reply, "tags"), Some("travel, placebo"));
    assert_eq!(extra(reply, "category"), Some("Travel"));
    assert_eq!(
        extra(by_id(&first.records, "901"), "category"),
        Some("Trials")
    );

    // Topic 10 gets a reply; nothing else changes. The walk stops at topic
    // 9 (unchanged, older than the last run's newest bump) and never asks
    // for page 1, while pinned topic 900 (unchanged) does not stop it early.
    let mut list = listing(
        &[
            (900, 1, "2025-03-01T09:00:00Z", true),
            (10, 6, "2025-03-04T08:00:00Z", false),
            (9, 2, "2025-02-01T10:00:00Z", false),
        ],
        Some("/latest.json?page=1"),
    );
    list["topic_list"]["topics"][1]["tags"] = json!(["travel"]);
    site.json(&format!("{BASE}latest.json"), list.to_string());
    let mut topic10 = topic10;
    topic10["post_stream"]["stream"]
        .as_array_mut()
        .unwrap()
        .push(json!(1010));
    topic10["post_stream"]["posts"]
        .as_array_mut()
        .unwrap()
        .push(post(1010, 6, "cy", "<p>Our site sends a car.</p>"));
    site.json(&format!("{BASE}t/10.json"), topic10.to_string());
    site.clear_requests();
    let second = run_once(&config, first.cursor, &site, NOW);
    let ids: Vec<&str> = second.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["1010"]);
    let asked = site.requests();
    assert!(!asked.iter().any(|u| u.contains("page=1")), "{asked:?}");
    assert!(
        !asked
            .iter()
            .any(|u| u.contains("t/9.json") || u.contains("t/900.json")),
        "{asked:?}"
    );
}

#[test]
fn a_category_source_lists_that_category() {
    let mut site = MemorySite::new();
    site.json(
        &format!("{BASE}c/support/5.json"),
        listing(&[], None).to_string(),
    );
    let config = format!(r#"{{"engine":"discourse","start_url":"{BASE}","category":"support/5"}}"#);
    let out = run_once(&config, None, &site, NOW);
    assert!(out.records.is_empty());
    assert!(site.requests().contains(&format!("{BASE}c/support/5.json")));
}
