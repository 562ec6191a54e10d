//! Every source the built-in plugins claim, end to end: a fixture site that
//! looks like the real one (XenForo 2, vBulletin 5, a board read by CSS
//! selectors, Discourse, Mastodon, Bluesky, Reddit) served on a real
//! loopback socket; `hearken run` with the real host running the real WASM
//! component through the capability gate; then what the Tantivy index and
//! the run ledger say, through `hearken search`, `show` and `runs`.
//!
//! Each test asserts what reached the index (every post once, quotes and
//! signatures out of the bodies, boosts and reposts as their originals,
//! `more` stubs followed, paging ended) and that a second run against the
//! unchanged site returns no record and adds no document.

// Test helpers unwrap and index freely: a panic is a failed test.
#![allow(clippy::unwrap_used)]
#![recursion_limit = "256"]

#[path = "../common/mod.rs"]
mod common;
mod forums;
mod harness;
mod site;
mod social;

use std::collections::BTreeSet;

use serde_json::json;

use forums::{Post, Thread};
use harness::{Hearken, ids, second_run_adds_nothing};
use site::Site;

/// What a forum test checks beyond the counts, for one engine.
struct ForumExpect<'a> {
    threads: &'a [Thread],
    /// The record id the plugin gives a post.
    record_id: fn(&Post) -> String,
    /// Whether the engine's markup marks edits (the selectors board does not).
    marks_edits: bool,
}

/// Everything the board says is indexed once, with its time, its parent and
/// its edit mark; no quote is indexed as the replier's words; no signature
/// is indexed at all.
async fn assert_board_indexed(h: &Hearken, expect: &ForumExpect<'_>) {
    let posts = forums::all_posts(expect.threads);
    let want: Vec<String> = {
        let mut v: Vec<String> = posts
            .iter()
            .filter(|(_, p)| !p.text.is_empty() && p.text != "(post deleted by author)")
            .map(|(_, p)| format!("{}:{}", h.source, (expect.record_id)(p)))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&h.hits().await), want);

    for (_, p) in &posts {
        let Some(q) = p.quote else { continue };
        let rid = (expect.record_id)(p);
        // The quoted words are found in the quoted post only.
        let quoted = forums::all_posts(expect.threads)
            .into_iter()
            .find(|(_, x)| x.id == q.post)
            .map(|(_, x)| format!("{}:{}", h.source, (expect.record_id)(x)))
            .unwrap();
        let found = h.phrase(q.words).await;
        if found != vec![quoted.clone()] {
            let original = h.doc(quoted.split_once(':').unwrap().1).await;
            panic!(
                "\"{}\" (quoted by {rid}) found in {found:?}, not only in {quoted}: {}",
                q.words, original["body"]
            );
        }
        let doc = h.doc(&rid).await;
        let body = doc["body"].as_str().unwrap();
        assert!(
            !body.contains(q.words),
            "{rid} is indexed with the words it quotes: {body}"
        );
        let own: String = p
            .text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(body.contains(&own), "{rid}: {own:?} not in {body:?}");
        assert_eq!(
            doc["parent_id"].as_str(),
            Some(quoted.split_once(':').unwrap().1),
            "{doc:#}"
        );
    }
    for sig in forums::SIGNATURES {
        assert_eq!(
            h.phrase(sig).await,
            Vec::<String>::new(),
            "signature {sig:?} indexed"
        );
    }
    for (t, p) in &posts {
        if p.text.is_empty() || p.text == "(post deleted by author)" {
            continue;
        }
        let doc = h.doc(&(expect.record_id)(p)).await;
        assert_eq!(doc["published"], p.at(), "{}: {doc:#}", p.id);
        let edited = doc["extra"]["edited"] == "true";
        assert_eq!(edited, expect.marks_edits && p.edited, "{}: {doc:#}", p.id);
        assert_eq!(doc["title"].as_str(), Some(t.title), "{}", p.id);
    }
}

/// Each page of each thread was read exactly once, and nothing else but
/// list pages.
fn assert_each_page_once(requests: &[String], thread_pages: &BTreeSet<String>) {
    for page in thread_pages {
        let n = requests.iter().filter(|r| *r == page).count();
        assert_eq!(n, 1, "{page} read {n} times: {requests:#?}");
    }
}

fn html_id(p: &Post) -> String {
    format!("p{}", p.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xenforo_board_from_the_forum_index() {
    let board = forums::board();
    let pages = forums::xenforo(&board);
    let thread_pages: BTreeSet<String> = pages
        .keys()
        .filter(|k| k.contains("/threads/"))
        .cloned()
        .collect();
    // 9 posts in 3 pages, 5 in 2, 2 and 1: seven thread pages.
    assert_eq!(thread_pages.len(), 7);
    let site = Site::pages(pages).await;
    let h = Hearken::new(
        "msfriends-xf",
        "forum",
        json!({"engine": "xenforo", "start_url": site.url("/community/")}),
    );

    let first = h.run().await;
    assert_eq!(first["records"], 17, "{first:#}");
    assert_eq!(first["new"], 17, "{first:#}\n{:#?}", site.requests());
    let requests = site.requests();
    assert_each_page_once(&requests, &thread_pages);
    assert!(requests.contains(&"/community/forums/trial-experiences.4/page-2".to_string()));
    assert_board_indexed(
        &h,
        &ForumExpect {
            threads: &board,
            record_id: html_id,
            marks_edits: true,
        },
    )
    .await;

    site.clear_requests();
    second_run_adds_nothing(&h, 17).await;
    // Nothing changed on the board's first page: no thread was opened and
    // the board's second page was not needed.
    let again = site.requests();
    assert!(
        !again
            .iter()
            .any(|r| r.contains("/threads/") || r.contains("page-2")),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vbulletin5_channel_from_the_forum_home() {
    let board = forums::board();
    let pages = forums::vbulletin5(&board);
    let thread_pages: BTreeSet<String> = pages
        .keys()
        .filter(|k| {
            k.split('/')
                .any(|s| s.starts_with(|c: char| c.is_ascii_digit()))
        })
        .cloned()
        .collect();
    assert_eq!(thread_pages.len(), 7, "{thread_pages:#?}");
    let site = Site::pages(pages).await;
    let h = Hearken::new(
        "msfriends-vb",
        "forum",
        json!({"engine": "vbulletin", "start_url": site.url("/forum/")}),
    );

    let first = h.run().await;
    assert_eq!(first["new"], 17, "{first:#}\n{:#?}", site.requests());
    assert_eq!(first["records"], 17, "{first:#}");
    let requests = site.requests();
    assert_each_page_once(&requests, &thread_pages);
    assert!(requests.contains(&"/forum/patient-community/trial-experiences/page2".to_string()));
    assert_board_indexed(
        &h,
        &ForumExpect {
            threads: &board,
            record_id: html_id,
            marks_edits: true,
        },
    )
    .await;

    site.clear_requests();
    second_run_adds_nothing(&h, 17).await;
    let again = site.requests();
    assert!(
        !again.iter().any(|r| thread_pages.contains(r)),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_home_grown_board_through_css_selectors() {
    let board = forums::board();
    let pages = forums::generic(&board);
    let thread_pages: BTreeSet<String> = pages
        .keys()
        .filter(|k| k.contains("thread.php"))
        .cloned()
        .collect();
    // Three posts a page: 3 + 2 + 1 + 1 pages.
    assert_eq!(thread_pages.len(), 7);
    let site = Site::pages(pages).await;
    let h = Hearken::new(
        "spoonie-board",
        "forum",
        json!({
            "engine": "selectors",
            "start_url": site.url("/community/board.php?b=3"),
            "utc_offset": "+01:00",
            "day_first": true,
            "selectors": forums::generic_selectors(),
        }),
    );

    let first = h.run().await;
    assert_eq!(first["new"], 17, "{first:#}\n{:#?}", site.requests());
    let requests = site.requests();
    assert_each_page_once(&requests, &thread_pages);
    assert!(requests.contains(&"/community/board.php?b=3&pg=2".to_string()));
    assert_board_indexed(
        &h,
        &ForumExpect {
            threads: &board,
            record_id: |p| format!("p{}", p.id),
            marks_edits: false,
        },
    )
    .await;

    site.clear_requests();
    second_run_adds_nothing(&h, 17).await;
    assert!(
        !site.requests().iter().any(|r| r.contains("thread.php")),
        "{:#?}",
        site.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discourse_latest_topics_and_the_posts_the_stream_leaves_out() {
    let board = forums::board();
    let topics = forums::discourse_topics(&board);
    let threads: Vec<Thread> = topics.iter().map(|t| t.thread.clone()).collect();
    let long = topics.iter().find(|t| t.thread.id == 420).unwrap();
    assert_eq!(long.posts.len(), 26);
    // The post stream lists 26 ids; /t/420.json carries the first 20.
    let left_out: Vec<u64> = long.posts[20..].iter().map(|p| p.post.id).collect();
    let site = Site::start(forums::discourse(topics.clone())).await;
    let h = Hearken::new(
        "msfriends-discourse",
        "forum",
        json!({"engine": "discourse", "start_url": site.url("/")}),
    );

    let first = h.run().await;
    // 17 board posts + the check-in topic's 26 less a small action and a
    // post its author deleted.
    assert_eq!(first["new"], 41, "{first:#}");
    let requests = site.requests();
    assert!(
        requests.contains(&"/latest.json?page=1".to_string()),
        "{requests:#?}"
    );
    let posts_requests: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/posts.json"))
        .collect();
    assert_eq!(posts_requests.len(), 1, "{requests:#?}");
    let asked = posts_requests[0];
    assert!(asked.starts_with("/t/420/posts.json?"), "{asked}");
    for id in &left_out {
        assert!(asked.contains(&format!("post_ids%5B%5D={id}")), "{asked}");
    }
    for t in &topics {
        let n = requests
            .iter()
            .filter(|r| **r == format!("/t/{}.json", t.thread.id))
            .count();
        assert_eq!(n, 1, "/t/{}.json read {n} times", t.thread.id);
    }
    assert_board_indexed(
        &h,
        &ForumExpect {
            threads: &threads,
            record_id: |p| p.id.to_string(),
            marks_edits: true,
        },
    )
    .await;
    // Category and tags come along.
    let parking = h.doc("4950").await;
    assert_eq!(
        parking["extra"]["category"], "Trial experiences",
        "{parking:#}"
    );
    assert_eq!(
        parking["extra"]["tags"], "reimbursement, travel",
        "{parking:#}"
    );
    // The last post of the long topic came from posts.json.
    let last = h.doc(&left_out[5].to_string()).await;
    assert!(
        last["body"]
            .as_str()
            .unwrap()
            .starts_with("Week 25 check in"),
        "{last:#}"
    );

    site.clear_requests();
    second_run_adds_nothing(&h, 41).await;
    assert!(
        !site.requests().iter().any(|r| r.starts_with("/t/")),
        "{:#?}",
        site.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_hashtag_and_account_with_boosts_resolved() {
    let site = Site::start(social::mastodon()).await;
    let h = Hearken::new(
        "mastodon",
        "posts",
        json!({"kind": "mastodon", "instance": site.base(), "hashtags": ["clinicaltrials"],
               "accounts": ["trialnurse_jo"], "limit": 3}),
    );
    let first = h.run().await;
    // 7 tagged statuses and 4 account entries, one of which boosts a tagged
    // status: 11 entries, 10 documents. The plugin reads several pages a
    // call, and a call returns an item once (the host refuses a batch that
    // names an id twice), so 10 records.
    assert_eq!(first["records"], 10, "{first:#}");
    assert_eq!(first["new"], 10, "{first:#}");
    let requests = site.requests();
    let tag_pages: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("/api/v1/timelines/tag/clinicaltrials"))
        .collect();
    // Three pages of three, then one, then an empty page ends the paging.
    assert_eq!(tag_pages.len(), 4, "{requests:#?}");
    assert!(tag_pages[1].contains(&format!("max_id={}", social::status_id(105))));

    let (tagged, account) = social::mastodon_toots();
    let id = |n: u64| format!("mastodon:mastodon:127.0.0.1:{}", social::status_id(n));
    let mut want: Vec<String> = tagged.iter().map(|t| id(t.n)).collect();
    want.extend([id(110), id(113), id(98)]);
    want.sort();
    assert_eq!(ids(&h.hits().await), want);
    // The boosts' own ids are nowhere; the originals are, with their text,
    // author and address.
    assert!(account.iter().any(|t| t.boost_of.is_some()));
    let remote = h
        .doc(&format!("mastodon:127.0.0.1:{}", social::status_id(98)))
        .await;
    assert!(
        remote["body"]
            .as_str()
            .unwrap()
            .contains(social::REMOTE_WORDS),
        "{remote:#}"
    );
    // The original's own address (the handle in it pseudonymised by the host).
    let url = remote["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://other.example/@") && url.ends_with(&social::status_id(98)),
        "{url}"
    );
    assert_eq!(remote["extra"]["via"], "boost", "{remote:#}");
    assert_eq!(h.phrase(social::REMOTE_WORDS).await, vec![id(98)]);
    // A reply keeps its parent; a content warning becomes the title.
    let reply = h
        .doc(&format!("mastodon:127.0.0.1:{}", social::status_id(103)))
        .await;
    assert_eq!(
        reply["parent_id"],
        format!("mastodon:127.0.0.1:{}", social::status_id(102))
    );
    let cw = h
        .doc(&format!("mastodon:127.0.0.1:{}", social::status_id(105)))
        .await;
    assert_eq!(cw["title"], "side effects, nausea");
    assert_eq!(cw["published"], 1_741_000_000 + 105 * 47 * 60);

    site.clear_requests();
    second_run_adds_nothing(&h, 10).await;
    // The second run asks only for what is newer than what it has.
    let again = site.requests();
    assert_eq!(again.len(), 2, "{again:#?}");
    assert!(again.iter().all(|r| r.contains("since_id=")), "{again:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_search_and_author_feed_with_cursors() {
    let site = Site::start(social::bluesky()).await;
    let h = Hearken::new(
        "bluesky",
        "posts",
        json!({"kind": "bluesky", "appview": site.base(), "queries": ["clinical trial"],
               "actors": ["spoonie-sam.bsky.social"], "limit": 3}),
    );
    let first = h.run().await;
    // 7 search hits; 4 feed entries, one a repost of a search hit: 10
    // records, the repost in the same call as the hit (see above).
    assert_eq!(first["records"], 10, "{first:#}");
    assert_eq!(first["new"], 10, "{first:#}");
    let requests = site.requests();
    let search_pages: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("searchPosts"))
        .collect();
    // Cursors 3 and 6, then no cursor: three pages.
    assert_eq!(search_pages.len(), 3, "{requests:#?}");
    assert!(search_pages[2].contains("cursor=6"));

    // Record ids are AT-URIs; the host pseudonymises the DID in them (it is
    // an identifier), so documents are matched by record key.
    let (search, feed) = social::bluesky_posts();
    let want: BTreeSet<&str> = search
        .iter()
        .chain(feed.iter().map(|(s, _)| s))
        .map(|s| s.rkey)
        .collect();
    assert_eq!(want.len(), 10);
    let hits = h.hits().await;
    let by_rkey = |rkey: &str| -> String {
        hits.iter()
            .map(|h| h["id"].as_str().unwrap())
            .find(|id| id.ends_with(&format!("/app.bsky.feed.post/{rkey}")))
            .unwrap_or_else(|| panic!("no document for {rkey}"))
            .to_string()
    };
    let got: Vec<&str> = hits
        .iter()
        .map(|h| h["id"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(got.len(), 10, "{got:?}");
    assert_eq!(got.iter().copied().collect::<BTreeSet<_>>(), want);
    for id in ids(&hits) {
        assert!(
            id.starts_with("bluesky:at://") && !id.contains("did:plc:"),
            "{id}"
        );
    }
    assert_eq!(
        h.phrase(social::REPOSTED_WORDS).await,
        vec![by_rkey(feed[2].0.rkey)]
    );
    let reposted = &feed[2].0;
    let doc = h.doc_by_id(&by_rkey(reposted.rkey)).await;
    let url = doc["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://bsky.app/profile/")
            && url.ends_with(&format!("/post/{}", reposted.rkey)),
        "{url}"
    );
    let reply = &feed[3].0;
    let doc = h.doc_by_id(&by_rkey(reply.rkey)).await;
    let parent = by_rkey("3lk2a2b3c4d2j");
    assert_eq!(
        doc["parent_id"].as_str(),
        parent.strip_prefix("bluesky:"),
        "{doc:#}"
    );

    site.clear_requests();
    second_run_adds_nothing(&h, 10).await;
    // One page of each stream shows nothing new and ends the pass.
    assert_eq!(site.requests().len(), 2, "{:#?}", site.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reddit_subreddit_and_a_thread_with_more_stubs() {
    let site = Site::start(social::reddit()).await;
    let h = Hearken::new(
        "reddit",
        "posts",
        json!({"kind": "reddit", "base": site.base(), "subreddits": ["ClinicalTrials"],
               "threads": ["1c0a004"], "limit": 2}),
    );
    let first = h.run().await;
    // 5 link posts; the thread's post again and its 8 live comments (one
    // of nine is deleted; its reply stays): 14 entries, 13 records, the
    // thread's post once in the call that reads both (see above).
    assert_eq!(first["records"], 13, "{first:#}\n{:#?}", site.requests());
    assert_eq!(first["new"], 13, "{first:#}");
    let requests = site.requests();
    let listing: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/new.json"))
        .collect();
    assert_eq!(listing.len(), 3, "{requests:#?}");
    assert!(listing[2].contains("after=t3_1c0a002"), "{listing:#?}");
    // Both stubs were followed, each once.
    let more: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("morechildren"))
        .collect();
    assert_eq!(more.len(), 1, "{requests:#?}");
    assert!(
        more[0].contains("children=kt0006%2Ckt0009%2Ckt0007"),
        "{}",
        more[0]
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.starts_with("/comments/1c0a004/_/kt0005.json"))
            .count(),
        1,
        "{requests:#?}"
    );

    let mut want: Vec<String> = social::LINKS
        .iter()
        .map(|(id, ..)| format!("reddit:reddit:t3_{id}"))
        .chain(
            social::reddit_comments()
                .iter()
                .filter(|c| c.body != "[deleted]")
                .map(|c| format!("reddit:reddit:t1_{}", c.id)),
        )
        .collect();
    want.sort();
    assert_eq!(ids(&h.hits().await), want);
    // Behind the "continue this thread" stub, with its parent.
    let deep = h.doc("reddit:t1_kt0008").await;
    assert_eq!(deep["parent_id"], "reddit:t1_kt0005", "{deep:#}");
    assert!(
        deep["body"]
            .as_str()
            .unwrap()
            .contains("ethics board contact")
    );
    // Behind the "load more" stub, with its parent.
    let more_reply = h.doc("reddit:t1_kt0007").await;
    assert_eq!(
        more_reply["parent_id"], "reddit:t1_kt0006",
        "{more_reply:#}"
    );
    // A reply to a deleted comment survives it.
    let orphan = h.doc("reddit:t1_kt0004").await;
    assert!(
        orphan["body"]
            .as_str()
            .unwrap()
            .contains("took a letter to the sponsor"),
        "{orphan:#}"
    );
    let post = h.doc("reddit:t3_1c0a004").await;
    assert_eq!(post["title"], "Coordinator stopped answering my emails");
    assert_eq!(post["extra"]["flair"], "Question");

    site.clear_requests();
    second_run_adds_nothing(&h, 13).await;
    // The "load more" stub lists only ids read before: not loaded again.
    assert!(
        !site.requests().iter().any(|r| r.contains("morechildren")),
        "{:#?}",
        site.requests()
    );
}
