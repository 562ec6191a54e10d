//! phpBB, XenForo and vBulletin: each engine's fixture pages parsed
//! (authors, times, bodies without quotes or signatures, pagination), then
//! crawled from the board page through an in-memory site, then crawled
//! again (nothing new), then after a new reply (only that reply).
//!
//! The fixtures in `tests/fixtures/` are pages we wrote in each engine's
//! stock markup (phpBB 3.3 prosilver, XenForo 2.2, vBulletin 4.2), with
//! invented people and content. Expected values below were read off the
//! fixture pages by hand.

// Test helpers outside `#[test]` functions panic on purpose, too.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_unique, by_id, extra, fixture, run_once};
use hearken_plugin_forum::config::Engine;
use hearken_plugin_forum::page::{Page, parse_page, thread_key};
use hearken_plugin_forum::profile::Profile;
use hearken_plugin_sdk::RecordKind;
use hearken_plugin_sdk::date::DateOptions;
use hearken_plugin_sdk::http::{MemorySite, Response};

/// 2025-03-04T10:40:00Z: "now" for the fixtures' relative dates.
const NOW: i64 = 1_741_084_800;

fn parse(engine: Engine, rel: &str, url: &str, charset: Option<&str>) -> Page {
    let bytes = fixture(rel);
    let html = hearken_plugin_sdk::http::decode_text(&bytes, charset, true);
    let profile = Profile::new(engine, None).unwrap();
    let dates = DateOptions {
        now: Some(NOW),
        ..DateOptions::default()
    };
    parse_page(&html, url, &profile, &dates)
}

fn post<'a>(page: &'a Page, id: &str) -> &'a hearken_plugin_forum::page::Post {
    page.posts
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no post {id}"))
}

// ---------------------------------------------------------------- phpBB

const PHPBB: &str = "http://forum.lupuscircle.test/community/";

#[test]
fn phpbb_board_page() {
    let page = parse(
        Engine::Phpbb,
        "phpbb/viewforum.html",
        &format!("{PHPBB}viewforum.php?f=4"),
        None,
    );
    // Session ids are stripped from every link.
    assert_eq!(page.boards, vec![format!("{PHPBB}viewforum.php?f=9")]);
    let urls: Vec<&str> = page.topics.iter().map(|t| t.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            format!("{PHPBB}viewtopic.php?t=12"),
            format!("{PHPBB}viewtopic.php?t=210"),
            format!("{PHPBB}viewtopic.php?t=198"),
        ]
    );
    assert_eq!(
        page.topics[1].title,
        "Anyone else do the belimumab infusion study? travel is killing me"
    );
    // The change token is the last post's number, not its (relative) text.
    assert_eq!(page.topics[1].token, "p5533");
    assert_eq!(page.topics[2].token, "p5490");
    assert_eq!(
        page.next.as_deref(),
        Some(format!("{PHPBB}viewforum.php?f=4&start=25").as_str())
    );
    assert!(page.posts.is_empty());
}

#[test]
fn phpbb_thread_pages() {
    let p1 = parse(
        Engine::Phpbb,
        "phpbb/viewtopic-t210.html",
        &format!("{PHPBB}viewtopic.php?t=210"),
        None,
    );
    assert!(p1.first_page);
    assert_eq!(
        p1.title.as_deref(),
        Some("Anyone else do the belimumab infusion study? travel is killing me")
    );
    assert_eq!(
        p1.next.as_deref(),
        Some(format!("{PHPBB}viewtopic.php?t=210&start=10").as_str())
    );
    let ids: Vec<&str> = p1.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p5502", "p5507", "p5511"]);

    let op = post(&p1, "p5502");
    assert_eq!(op.author.as_deref(), Some("marnie_k"));
    assert_eq!(op.published.as_deref(), Some("2025-02-27T08:02:44Z"));
    assert_eq!(op.url, format!("{PHPBB}viewtopic.php?t=210#p5502"));
    assert!(
        op.body
            .starts_with("So I'm 3 months into the infusion trial"),
        "{}",
        op.body
    );
    assert!(
        op.body
            .contains("extra bloodwork visits.\n\nThe study pays mileage"),
        "{}",
        op.body
    );
    assert!(op.body.contains("front $180 for parking"));
    assert!(
        !op.body.contains("SLE dx 2016"),
        "signature leaked: {}",
        op.body
    );
    assert_eq!(op.quotes, None);

    let quoting = post(&p1, "p5511");
    assert_eq!(quoting.quotes.as_deref(), Some("p5502"));
    assert_eq!(
        quoting.body,
        "ask for a parking voucher!! our site gives them at the front desk, you just have to know to ask. nobody told me for the first 2 visits either"
    );

    let p2 = parse(
        Engine::Phpbb,
        "phpbb/viewtopic-t210-start10.html",
        &format!("{PHPBB}viewtopic.php?t=210&start=10"),
        None,
    );
    assert!(!p2.first_page);
    assert_eq!(p2.next, None);
    let nested = post(&p2, "p5531");
    assert_eq!(nested.author.as_deref(), Some("Tomasz W"));
    assert_eq!(nested.quotes.as_deref(), Some("p5520"));
    assert!(nested.edited);
    assert_eq!(
        nested.body,
        "Yes! Uninstall and reinstall fixed it for me, but I lost two days of entries. The coordinator said paper backup is fine.\nAlso update: they approved the home nurse for my week 12 draw"
    );
    for quoted in ["e-diary app crashes", "parking voucher"] {
        assert!(
            !nested.body.contains(quoted),
            "quoted text in body: {quoted}"
        );
    }
    let admin = post(&p2, "p5533");
    assert_eq!(admin.author.as_deref(), Some("CircleAdmin"));
    assert!(!admin.edited);
    assert!(!admin.body.contains("Community guidelines"));
    assert!(!post(&p2, "p5520").body.contains("snack supplier"));
}

fn phpbb_site() -> MemorySite {
    let mut site = MemorySite::new();
    site.html(
        &format!("{PHPBB}viewforum.php?f=4"),
        fixture("phpbb/viewforum.html"),
    );
    site.html(
        &format!("{PHPBB}viewtopic.php?t=210"),
        fixture("phpbb/viewtopic-t210.html"),
    );
    site.html(
        &format!("{PHPBB}viewtopic.php?t=210&start=10"),
        fixture("phpbb/viewtopic-t210-start10.html"),
    );
    site
}

#[test]
fn phpbb_crawl_is_incremental() {
    let mut site = phpbb_site();
    let config = format!(r#"{{"engine":"phpbb","start_url":"{PHPBB}viewforum.php?f=4"}}"#);

    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p5502", "p5507", "p5511", "p5520", "p5531", "p5533"]);
    assert_unique(&first.records);
    let op = by_id(&first.records, "p5502");
    assert_eq!(op.kind, RecordKind::Post);
    assert_eq!(op.thread_id.as_deref(), Some("t210"));
    assert_eq!(
        op.title.as_deref(),
        Some("Anyone else do the belimumab infusion study? travel is killing me")
    );
    let reply = by_id(&first.records, "p5531");
    assert_eq!(reply.kind, RecordKind::Reply);
    assert_eq!(reply.parent_id.as_deref(), Some("p5520"));
    assert_eq!(
        reply.url,
        format!("{PHPBB}viewtopic.php?t=210&start=10#p5531")
    );
    assert_eq!(extra(reply, "edited"), Some("true"));
    assert_eq!(by_id(&first.records, "p5507").parent_id, None);
    // The board's page 2, the sub-forum and the other topics are not on
    // this site: they were asked for, answered 404, and were skipped.
    let asked = site.requests();
    assert!(asked.contains(&format!("{PHPBB}viewforum.php?f=4&start=25")));
    assert!(asked.contains(&format!("{PHPBB}viewforum.php?f=9")));

    // Second run, nothing changed: no records, and no thread page opened.
    site.clear_requests();
    let second = run_once(&config, first.cursor.clone(), &site, NOW);
    assert!(second.records.is_empty(), "{:?}", second.records);
    assert!(
        !site.requests().iter().any(|u| u.contains("t=210")),
        "{:?}",
        site.requests()
    );

    // A new reply on page 2: the board row's last-post link changes; the
    // next run opens the thread where it stopped and yields only the reply.
    let board = String::from_utf8(fixture("phpbb/viewforum.html"))
        .unwrap()
        .replace("p=5533", "p=5540");
    site.html(&format!("{PHPBB}viewforum.php?f=4"), board);
    let page2 = String::from_utf8(fixture("phpbb/viewtopic-t210-start10.html")).unwrap();
    let new_post = r#"<div id="p5540" class="post has-profile bg2"><div class="inner"><dl class="postprofile" id="profile5540"><dt><a href="./memberlist.php?mode=viewprofile&amp;u=418" class="username">marnie_k</a></dt></dl><div class="postbody"><div id="post_content5540"><p class="author"><span class="responsive-hide">by <strong><a href="./memberlist.php?mode=viewprofile&amp;u=418" class="username">marnie_k</a></strong> &raquo; </span><time datetime="2025-03-04T11:00:00+00:00">Tue Mar 04, 2025 11:00 am</time></p><div class="content">Got the parking voucher today, thanks everyone.</div></div></div></div></div>
	<hr class="divider" />
"#;
    let page2 = page2.replacen(
        "\n	</div>\n	<div id=\"page-footer\"",
        &format!("{new_post}\n	</div>\n	<div id=\"page-footer\""),
        1,
    );
    assert!(page2.contains("p5540"));
    site.html(&format!("{PHPBB}viewtopic.php?t=210&start=10"), page2);
    site.clear_requests();
    let third = run_once(&config, second.cursor.clone(), &site, NOW);
    let ids: Vec<&str> = third.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p5540"]);
    assert_eq!(
        third.records[0].published.as_deref(),
        Some("2025-03-04T11:00:00Z")
    );
    // It resumed at the thread's last page, not page 1.
    assert!(
        !site
            .requests()
            .contains(&format!("{PHPBB}viewtopic.php?t=210")),
        "{:?}",
        site.requests()
    );

    let fourth = run_once(&config, third.cursor, &site, NOW);
    assert!(fourth.records.is_empty());
}

#[test]
fn page_cap_splits_a_run_without_losing_or_repeating() {
    let site = phpbb_site();
    let config = format!(
        r#"{{"engine":"phpbb","start_url":"{PHPBB}viewforum.php?f=4","max_pages_per_run":2}}"#
    );
    let mut cursor = None;
    let mut all = Vec::new();
    let mut runs = 0;
    loop {
        runs += 1;
        let out = run_once(&config, cursor, &site, NOW);
        let empty = out.records.is_empty();
        all.extend(out.records);
        cursor = out.cursor;
        if empty && runs > 3 {
            break;
        }
        assert!(runs < 20, "runs never settle");
    }
    assert_unique(&all);
    assert_eq!(all.len(), 6);
}

#[test]
fn server_errors_stop_the_run_and_resume_later() {
    let mut site = phpbb_site();
    let config = format!(r#"{{"engine":"phpbb","start_url":"{PHPBB}viewforum.php?f=4"}}"#);
    let mut busy = Response::new(
        format!("{PHPBB}viewtopic.php?t=210&start=10"),
        503,
        "text/html",
        "busy",
    );
    busy.headers.push(("retry-after".into(), "120".into()));
    site.respond(&format!("{PHPBB}viewtopic.php?t=210&start=10"), busy);
    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p5502", "p5507", "p5511"]);

    site.html(
        &format!("{PHPBB}viewtopic.php?t=210&start=10"),
        fixture("phpbb/viewtopic-t210-start10.html"),
    );
    let second = run_once(&config, first.cursor, &site, NOW);
    let ids: Vec<&str> = second.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p5520", "p5531", "p5533"]);
    let third = run_once(&config, second.cursor, &site, NOW);
    assert!(third.records.is_empty());
}

// ------------------------------------------------------------- XenForo

const XF: &str = "http://forum.lupuscircle.test/community/";
const XF_THREAD: &str =
    "http://forum.lupuscircle.test/community/threads/travel-reimbursement-took-3-months.1182/";

#[test]
fn xenforo_forum_view() {
    let page = parse(
        Engine::Xenforo,
        "xenforo/forum-view.html",
        &format!("{XF}forums/trial-experiences.4/"),
        None,
    );
    assert_eq!(page.topics.len(), 2);
    assert_eq!(page.topics[0].url, XF_THREAD);
    assert_eq!(page.topics[0].title, "Travel reimbursement took 3 months");
    assert_eq!(page.topics[0].token, "1740816644");
    assert_eq!(
        page.next.as_deref(),
        Some(format!("{XF}forums/trial-experiences.4/page-2").as_str())
    );
}

#[test]
fn xenforo_thread_pages() {
    let p1 = parse(Engine::Xenforo, "xenforo/thread-1182.html", XF_THREAD, None);
    assert!(p1.first_page);
    assert_eq!(
        p1.title.as_deref(),
        Some("Travel reimbursement took 3 months")
    );
    assert_eq!(
        p1.next.as_deref(),
        Some(format!("{XF_THREAD}page-2").as_str())
    );
    let ids: Vec<&str> = p1.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p88412", "p88420", "p88431"]);
    let op = post(&p1, "p88412");
    assert_eq!(op.author.as_deref(), Some("RuthieB"));
    assert_eq!(op.published.as_deref(), Some("2025-01-14T19:22:05Z"));
    assert_eq!(op.url, format!("{XF_THREAD}#post-88412"));
    assert_eq!(
        op.body,
        "Finally got my travel money back from the sponsor... it took THREE months. I filed every receipt the week of each visit like they asked.\n\nIs that normal? I almost dropped out in December because I couldn't float the gas and hotel anymore."
    );
    let reply = post(&p1, "p88420");
    assert_eq!(reply.quotes.as_deref(), Some("p88412"));
    assert_eq!(
        reply.body,
        "That is awful and honestly not ok. Ask if they use a prepaid card, mine loads within 48 hours of each visit. Worth asking the study coordinator."
    );
    let unfurl = post(&p1, "p88431");
    assert_eq!(
        unfurl.body,
        "Three months is not normal in my experience. Our site reimburses the same day in cash for parking. :("
    );

    let p2 = parse(
        Engine::Xenforo,
        "xenforo/thread-1182-page-2.html",
        &format!("{XF_THREAD}page-2"),
        None,
    );
    assert!(!p2.first_page);
    assert_eq!(p2.next, None);
    let edited = post(&p2, "p88457");
    assert!(edited.edited);
    assert_eq!(edited.quotes.as_deref(), Some("p88420"));
    assert_eq!(
        edited.body,
        "They do have one!! Nobody mentioned it. Signed up today, thank you."
    );
    assert!(!post(&p2, "p89002").edited);
}

#[test]
fn xenforo_crawl_is_incremental() {
    let mut site = MemorySite::new();
    site.html(
        &format!("{XF}forums/trial-experiences.4/"),
        fixture("xenforo/forum-view.html"),
    );
    site.html(XF_THREAD, fixture("xenforo/thread-1182.html"));
    site.html(
        &format!("{XF_THREAD}page-2"),
        fixture("xenforo/thread-1182-page-2.html"),
    );
    let config = format!(r#"{{"engine":"xenforo","start_url":"{XF}forums/trial-experiences.4/"}}"#);
    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p88412", "p88420", "p88431", "p88457", "p89002"]);
    assert_eq!(by_id(&first.records, "p88412").kind, RecordKind::Post);
    assert_eq!(
        by_id(&first.records, "p88457").parent_id.as_deref(),
        Some("p88420")
    );
    assert!(
        first
            .records
            .iter()
            .all(|r| r.thread_id.as_deref() == Some("t1182"))
    );
    let second = run_once(&config, first.cursor, &site, NOW);
    assert!(second.records.is_empty());
}

// ----------------------------------------------------------- vBulletin

const VB: &str = "http://boards.lupuscircle.test/";

#[test]
fn vbulletin_forumdisplay() {
    // The page's <base href> decides how relative links resolve.
    let page = parse(
        Engine::Vbulletin,
        "vbulletin/forumdisplay.html",
        "http://boards.lupuscircle.test/forumdisplay.php?12-Clinical-Trials",
        None,
    );
    assert_eq!(
        page.boards,
        vec![format!("{VB}forumdisplay.php?13-Study-Results")]
    );
    let urls: Vec<&str> = page.topics.iter().map(|t| t.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            format!("{VB}showthread.php?301-Read-this-first-posting-guidelines"),
            format!("{VB}showthread.php?345-Screening-visit-nerves"),
            format!("{VB}showthread.php?339-Washout-period-flare"),
        ]
    );
    // "Today, 09:02 AM" would change tomorrow; the post link does not.
    assert_eq!(page.topics[1].token, "p7802");
    assert_eq!(
        page.next.as_deref(),
        Some(format!("{VB}forumdisplay.php?12-Clinical-Trials/page2").as_str())
    );
}

#[test]
fn vbulletin_thread_pages_in_windows_1252() {
    // Served as text/html with no charset: the meta tag says ISO-8859-1,
    // which browsers (and encoding_rs) read as Windows-1252.
    let p1 = parse(
        Engine::Vbulletin,
        "vbulletin/showthread-345.html",
        &format!("{VB}showthread.php?345-Screening-visit-nerves"),
        None,
    );
    assert!(p1.first_page);
    assert_eq!(p1.title.as_deref(), Some("Screening visit nerves"));
    let ids: Vec<&str> = p1.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p7781", "p7785", "p7790"]);
    let op = post(&p1, "p7781");
    assert_eq!(op.author.as_deref(), Some("wren_b"));
    assert_eq!(op.published.as_deref(), Some("2025-03-01T10:15:00Z"));
    assert_eq!(
        op.url,
        format!("{VB}showthread.php?345-Screening-visit-nerves#post7781")
    );
    assert!(op.body.contains("I\u{2019}m a wreck"), "{}", op.body);
    assert!(
        !op.body.contains("caf\u{e9}"),
        "signature leaked: {}",
        op.body
    );
    let reply = post(&p1, "p7785");
    assert_eq!(reply.author.as_deref(), Some("Deb in Ohio"));
    assert_eq!(reply.quotes.as_deref(), Some("p7781"));
    assert_eq!(
        reply.body,
        "Ask them to put it in writing. When I did mine the biopsy was only for people who passed the first round. Bring a list of your meds with doses, that took the longest."
    );
    assert_eq!(
        post(&p1, "p7790").published.as_deref(),
        Some("2025-03-02T20:03:00Z")
    );

    let p2 = parse(
        Engine::Vbulletin,
        "vbulletin/showthread-345-page2.html",
        &format!("{VB}showthread.php?345-Screening-visit-nerves/page2"),
        None,
    );
    assert!(!p2.first_page);
    assert_eq!(p2.next, None);
    let yesterday = post(&p2, "p7799");
    assert_eq!(yesterday.published.as_deref(), Some("2025-03-03T18:30:00Z"));
    assert!(yesterday.edited);
    assert_eq!(yesterday.quotes.as_deref(), Some("p7785"));
    assert_eq!(
        yesterday.body,
        "Did that, thank you! Screening done. Now the waiting begins \u{2014} 2 weeks for results."
    );
    assert_eq!(
        post(&p2, "p7802").published.as_deref(),
        Some("2025-03-04T09:02:00Z")
    );
}

#[test]
fn vbulletin_crawl() {
    let mut site = MemorySite::new();
    site.insert(
        &format!("{VB}forumdisplay.php?12-Clinical-Trials"),
        "text/html",
        fixture("vbulletin/forumdisplay.html"),
    );
    site.insert(
        &format!("{VB}showthread.php?345-Screening-visit-nerves"),
        "text/html",
        fixture("vbulletin/showthread-345.html"),
    );
    site.insert(
        &format!("{VB}showthread.php?345-Screening-visit-nerves/page2"),
        "text/html",
        fixture("vbulletin/showthread-345-page2.html"),
    );
    let config = format!(
        r#"{{"engine":"vbulletin","start_url":"{VB}forumdisplay.php?12-Clinical-Trials"}}"#
    );
    let first = run_once(&config, None, &site, NOW);
    let ids: Vec<&str> = first.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["p7781", "p7785", "p7790", "p7799", "p7802"]);
    assert!(
        first
            .records
            .iter()
            .all(|r| r.thread_id.as_deref() == Some("t345"))
    );
    let second = run_once(&config, first.cursor, &site, NOW + 86_400);
    assert!(second.records.is_empty());
}

// ----------------------------------------------------------- selectors

#[test]
fn selectors_engine_reads_an_unknown_forum() {
    let mut site = MemorySite::new();
    let base = "http://talk.example.test/";
    site.html(
        &format!("{base}board"),
        r#"<html><body><table class="threads">
          <tr class="thread"><td><a class="tlink" href="/t/abc">Fatigue on the new drug</a></td><td class="last">by kim · 2025-03-02 14:00</td></tr>
        </table></body></html>"#,
    );
    site.html(
        &format!("{base}t/abc"),
        r#"<html><body><h1>Fatigue on the new drug</h1>
          <div class="msg" id="m-101"><span class="who">kim</span><span class="when">2025-03-01 09:30</span>
            <div class="txt">Week 3 and so tired I nap at lunch.<div class="sig">kim, mum of 2</div></div></div>
          <div class="msg" id="m-107"><span class="who">lou</span><span class="when">02/03/2025 14:00</span>
            <div class="txt"><div class="q"><a href="/t/abc#m-101">kim</a> said: so tired I nap at lunch</div>Same here, it eased by week 6.</div></div>
        </body></html>"#,
    );
    let config = format!(
        r#"{{"engine":"selectors","start_url":"{base}board","day_first":true,"selectors":{{
          "topic_row":"tr.thread","thread_link":"a.tlink","last_post":"td.last",
          "post":"div.msg","author":".who","time":".when","body":".txt","quote":".q","signature":".sig"}}}}"#
    );
    let out = run_once(&config, None, &site, NOW);
    assert_eq!(out.records.len(), 2);
    let first = &out.records[0];
    assert_eq!(first.id, "p101");
    assert_eq!(first.author.as_deref(), Some("kim"));
    assert_eq!(first.published.as_deref(), Some("2025-03-01T09:30:00Z"));
    assert_eq!(first.body, "Week 3 and so tired I nap at lunch.");
    assert_eq!(first.kind, RecordKind::Post);
    let second = &out.records[1];
    assert_eq!(second.body, "Same here, it eased by week 6.");
    assert_eq!(second.published.as_deref(), Some("2025-03-02T14:00:00Z"));
    assert_eq!(second.parent_id.as_deref(), Some("p101"));
    assert_eq!(second.kind, RecordKind::Reply);
    let again = run_once(&config, out.cursor, &site, NOW);
    assert!(again.records.is_empty());
}

// ---------------------------------------------------------- vBulletin 5

const VB5: &str = "http://community.msfriends.test/forum/trials/";

/// A vBulletin 5 topic page (the `conversation` templates), cut down to one
/// starter and one reply that quotes it.
const VB5_TOPIC: &str = r#"<!DOCTYPE html><html><head><title>Infusion chair etiquette - MS Friends</title></head><body>
<h1 class="main-title js-main-title hide-on-editmode">Infusion chair etiquette</h1>
<div class="pagenav-container h-clearfix"><div class="pagenav h-right">
 <a class="arrow left-arrow h-left h-disabled" href="javascript://" title="Previous Page"><span class="vb-icon vb-icon-arrow-left"></span></a>
 <a class="arrow right-arrow h-left js-pagenav-button" href="http://community.msfriends.test/forum/trials/512-infusion-chair-etiquette/page2" data-page="2" title="Next Page"><span class="vb-icon vb-icon-arrow-right"></span></a>
</div></div>
<ul class="conversation-list list-container h-clearfix thread-view">
<li class="b-post js-post js-comment-entry__parent h-restore--on-preview b-post--text b-post--first" data-node-id="9101" itemscope itemtype="http://schema.org/DiscussionForumPosting">
 <div class="b-post__grid"><div class="b-userinfo b-post__hide-when-deleted" itemprop="author" itemscope itemtype="http://schema.org/Person">
  <div class="b-userinfo__details"><div class="author h-text-size--14"><strong><a href="http://community.msfriends.test/member/41-fen_r" data-vbnamecard="41"><span itemprop="name">fen_r</span></a></strong></div><div class="usertitle">Junior Member</div></div></div>
 <div class="b-post__body"><div class="b-post__timestamp"><time itemprop="dateCreated" datetime="2025-02-10T14:05:00">02-10-2025, 02:05 PM</time></div>
  <div class="b-post__content js-post__content"><div class="js-post__content-wrapper h-restore"><div class="js-post__content-text restore h-wordwrap" itemprop="text">Is it rude to bring a blanket AND snacks to the infusion suite?? 4 hrs is long</div></div>
  <div class="post-signature restore">RRMS since 2011 | trial #2</div></div></div></div>
</li>
<li class="b-post js-post js-comment-entry__parent h-restore--on-preview b-post--text" data-node-id="9107" itemscope itemtype="http://schema.org/DiscussionForumPosting">
 <div class="b-post__grid"><div class="b-userinfo b-post__hide-when-deleted" itemprop="author" itemscope itemtype="http://schema.org/Person">
  <div class="b-userinfo__details"><div class="author h-text-size--14"><strong><a href="http://community.msfriends.test/member/57-olliek" data-vbnamecard="57"><span itemprop="name">olliek</span></a></strong></div></div></div>
 <div class="b-post__body"><div class="b-post__timestamp"><time itemprop="dateCreated" datetime="2025-02-10T15:40:00">02-10-2025, 03:40 PM</time></div>
  <div class="b-post__content js-post__content"><div class="js-post__content-wrapper h-restore"><div class="js-post__content-text restore h-wordwrap" itemprop="text"><div class="bbcode_container"><div class="bbcode_quote"><div class="quote_container"><div class="bbcode_quote_container b-icon b-icon__ldquo-l--gray"></div><div class="bbcode_postedby">Originally posted by <strong>fen_r</strong> <a href="http://community.msfriends.test/forum/trials/512-infusion-chair-etiquette?p=9101#post9101" rel="nofollow"><img class="inlineimg" src="images/buttons/viewpost-right.png" alt="View Post"></a></div><div class="message">Is it rude to bring a blanket AND snacks</div></div></div></div>Not rude at all, the nurses at my site hand out warm blankets anyway.</div></div>
  <div class="b-post__edit">Last edited by olliek; 02-10-2025, 03:42 PM.</div></div></div></div>
</li>
</ul></body></html>"#;

#[test]
fn vbulletin5_topic_page() {
    let profile = Profile::new(Engine::Vbulletin, None).unwrap();
    let page = parse_page(
        VB5_TOPIC,
        &format!("{VB5}512-infusion-chair-etiquette"),
        &profile,
        &DateOptions::default(),
    );
    // The disabled "previous" arrow does not make page 1 a later page.
    assert!(page.first_page);
    assert_eq!(page.title.as_deref(), Some("Infusion chair etiquette"));
    assert_eq!(
        page.next.as_deref(),
        Some(format!("{VB5}512-infusion-chair-etiquette/page2").as_str())
    );
    let ids: Vec<&str> = page.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p9101", "p9107"]);
    let op = post(&page, "p9101");
    assert_eq!(op.author.as_deref(), Some("fen_r"));
    // vBulletin 5 prints local times without a zone: the default offset is UTC.
    assert_eq!(op.published.as_deref(), Some("2025-02-10T14:05:00Z"));
    assert_eq!(
        op.body,
        "Is it rude to bring a blanket AND snacks to the infusion suite?? 4 hrs is long"
    );
    assert!(!op.edited);
    let reply = post(&page, "p9107");
    assert_eq!(reply.author.as_deref(), Some("olliek"));
    assert_eq!(reply.quotes.as_deref(), Some("p9101"));
    assert!(reply.edited);
    assert_eq!(
        reply.body,
        "Not rude at all, the nurses at my site hand out warm blankets anyway."
    );
    assert_eq!(
        thread_key(&format!("{VB5}512-infusion-chair-etiquette/page2")),
        "t512"
    );
}
