//! Our feed parsing against feed-rs's fixture feeds and the parses feed-rs
//! produced for them (`../shared/data/feeds/feed-rs/`, each `NAME.xml` or
//! `NAME.json` beside `NAME.serde.json`).
//!
//! For every fixture in a format we support (all of them: RSS 0.9x, 1.0,
//! 2.0, Atom, JSON Feed) and every entry, we check:
//!
//! - **ids**: our entry id equals feed-rs's. Deliberate difference: when an
//!   entry has no id of its own, feed-rs invents one (a SipHash of link and
//!   title, or a random UUID); we leave it `None` and the plugin falls back
//!   to the entry's link (a URL is a better stable id than a hash). For those
//!   we check that feed-rs's id is indeed one it generated.
//!   RSS 1.0 items are identified by `rdf:about` (RDF's own identifier for
//!   the item), which feed-rs ignores in favour of a generated id: counted
//!   apart, checking that feed-rs's id is generated.
//! - **titles**: equal after markup removal and whitespace collapsing.
//! - **links**: our canonical link is one of feed-rs's links for the entry
//!   (equal as URLs). Deliberate difference: an RSS 2.0 item with no `link`
//!   but a permalink `guid` (the specification's default) links to the guid;
//!   feed-rs lists no link.
//! - **dates**: `published` is the same instant. feed-rs copies `pubDate`
//!   into `updated` for RSS; we do not invent an update time, so `updated`
//!   is compared only where the feed states one. Dates feed-rs could not
//!   read (it gives none) and we can are counted apart.
//! - **text**: the body (content, else summary) as text equals feed-rs's.
//!   feed-rs labels RSS 1.0 descriptions `text/plain`; we read every RSS
//!   description as HTML, as feeds write them (escaped `<q>` and `<p>`), so
//!   expected RSS descriptions are converted from HTML too.
//!
//! The test prints per-field pass counts and fails on any mismatch. Without
//! the data it prints a notice and passes, unless `CI` is set.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::path::{Path, PathBuf};

use hearken_plugin_posts::encoding::decode_feed;
use hearken_plugin_posts::feed::{self, ContentType, Entry};
use hearken_plugin_sdk::{date, html};
use serde_json::Value;

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/feeds/feed-rs");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "feed-rs fixtures missing at {} (CI is set)",
        dir.display()
    );
    eprintln!("notice: {} not found; skipping", dir.display());
    None
}

fn collapse(s: &str) -> String {
    html::collapse_whitespace(s)
}

fn text_of_html(s: &str) -> String {
    collapse(&html::to_text(s))
}

fn same_url(a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    match (url::Url::parse(a.trim()), url::Url::parse(b.trim())) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn same_instant(ours: Option<&str>, theirs: Option<&str>) -> bool {
    match (ours, theirs) {
        (None, None) => true,
        (Some(a), Some(b)) => match (date::parse(a), date::parse(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

fn looks_generated(id: &str) -> bool {
    let hex = id.len() >= 30 && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let uuid = id.len() == 36 && id.bytes().filter(|b| *b == b'-').count() == 4;
    hex || uuid
}

fn expected_text(e: &Value, rss: bool) -> Option<String> {
    let content = e.get("content").filter(|c| !c.is_null());
    if let Some(c) = content
        && let Some(body) = c.get("body").and_then(Value::as_str)
        && !body.trim().is_empty()
    {
        let ty = c
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("text/html");
        return Some(if ty.contains("html") {
            text_of_html(body)
        } else {
            collapse(body)
        });
    }
    let s = e.get("summary").filter(|s| !s.is_null())?;
    let body = s.get("content").and_then(Value::as_str)?;
    let ty = s
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("text/plain");
    Some(if ty.contains("html") || rss {
        text_of_html(body)
    } else {
        collapse(body)
    })
}

fn our_text(e: &Entry) -> Option<String> {
    let c = e.body()?;
    Some(match c.kind {
        ContentType::Html => text_of_html(&c.value),
        ContentType::Text => collapse(&c.value),
    })
}

#[derive(Default)]
struct Tally {
    ok: usize,
    all: usize,
}

impl Tally {
    fn check(&mut self, ok: bool, failures: &mut Vec<String>, what: String) {
        self.all += 1;
        if ok {
            self.ok += 1;
        } else {
            failures.push(what);
        }
    }
}

#[test]
fn feed_rs_fixtures_agree() {
    let Some(dir) = data_dir() else { return };
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in std::fs::read_dir(&dir).unwrap() {
        let sub = sub.unwrap().path();
        if !sub.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&sub).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if (name.ends_with(".xml") || name.ends_with(".json")) && !name.ends_with(".serde.json")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut ids, mut titles, mut links, mut dates, mut texts, mut counts) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut fallback_ids = 0;
    let mut rdf_about_ids = 0;
    let mut guid_links = 0;
    let mut dates_only_we_read = Vec::new();
    let mut feeds_compared = 0;
    let mut feeds_all_agree = 0;
    let mut without_expected = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let stem = name.trim_end_matches(".xml").trim_end_matches(".json");
        let expected_path = path.with_file_name(format!("{stem}.serde.json"));
        let bytes = std::fs::read(path).unwrap();
        let decoded = decode_feed(&bytes, None);
        let parsed = feed::parse(&decoded.text);
        if !expected_path.is_file() {
            // No feed-rs parse to compare with (plain XML samples, an invalid
            // feed): we only require that parsing does not panic.
            without_expected.push(format!(
                "{name} ({})",
                if parsed.is_ok() { "parsed" } else { "rejected" }
            ));
            continue;
        }
        feeds_compared += 1;
        let before = failures.len();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        let exp_entries = expected["entries"].as_array().cloned().unwrap_or_default();
        let feed_type = expected["feed_type"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let rss = feed_type.starts_with("RSS");
        let ours = match parsed {
            Ok(f) => f.entries,
            Err(e) => {
                failures.push(format!("{name}: parse failed: {e}"));
                continue;
            }
        };
        counts.check(
            ours.len() == exp_entries.len(),
            &mut failures,
            format!(
                "{name}: {} entries, feed-rs {}",
                ours.len(),
                exp_entries.len()
            ),
        );
        for (i, (o, x)) in ours.iter().zip(&exp_entries).enumerate() {
            let xid = x["id"].as_str().unwrap_or_default();
            match &o.id {
                Some(id) if feed_type == "RSS1" && id.trim() != xid.trim() => {
                    rdf_about_ids += 1;
                    ids.check(
                        looks_generated(xid),
                        &mut failures,
                        format!("{name}[{i}] rdf:about {id:?}, feed-rs has {xid:?}"),
                    );
                }
                Some(id) => ids.check(
                    id.trim() == xid.trim(),
                    &mut failures,
                    format!("{name}[{i}] id {id:?} vs {xid:?}"),
                ),
                None => {
                    fallback_ids += 1;
                    ids.check(
                        looks_generated(xid),
                        &mut failures,
                        format!("{name}[{i}] no id, feed-rs has {xid:?}"),
                    );
                }
            }
            let xtitle = x["title"]["content"].as_str().map(text_of_html);
            let otitle = o.title.as_deref().map(collapse);
            titles.check(
                xtitle == otitle,
                &mut failures,
                format!("{name}[{i}] title {otitle:?} vs {xtitle:?}"),
            );
            let xlinks: Vec<&str> = x["links"]
                .as_array()
                .map(|a| a.iter().filter_map(|l| l["href"].as_str()).collect())
                .unwrap_or_default();
            let link_ok = match &o.link {
                Some(l)
                    if xlinks.is_empty()
                        && o.links.is_empty()
                        && o.id.as_deref() == Some(l.as_str()) =>
                {
                    guid_links += 1;
                    true
                }
                Some(l) => xlinks.iter().any(|x| same_url(l, x)),
                None => xlinks.is_empty(),
            };
            links.check(
                link_ok,
                &mut failures,
                format!("{name}[{i}] link {:?} vs {xlinks:?}", o.link),
            );
            let ours_pub = o.published.as_deref().and_then(date::to_rfc3339);
            let pub_ok = match (ours_pub.as_deref(), x["published"].as_str()) {
                (Some(p), None) => {
                    dates_only_we_read.push(format!("{name}[{i}] {p}"));
                    true
                }
                (a, b) => same_instant(a, b),
            };
            let ours_upd = o.updated.as_deref().and_then(date::to_rfc3339);
            let upd_ok = match (ours_upd.as_deref(), x["updated"].as_str()) {
                (None, Some(u)) if rss && x["published"].as_str() == Some(u) => true,
                (Some(_), None) => true,
                (a, b) => same_instant(a, b),
            };
            dates.check(
                pub_ok && upd_ok,
                &mut failures,
                format!(
                    "{name}[{i}] dates ({:?}, {:?}) vs ({}, {})",
                    o.published, o.updated, x["published"], x["updated"]
                ),
            );
            let xt = expected_text(x, rss);
            let ot = our_text(o);
            texts.check(
                xt == ot,
                &mut failures,
                format!(
                    "{name}[{i}] text differs (ours {} chars, feed-rs {} chars)",
                    ot.map_or(0, |t| t.len()),
                    xt.map_or(0, |t| t.len())
                ),
            );
        }
        if failures.len() == before {
            feeds_all_agree += 1;
        }
    }
    println!(
        "feed-rs fixtures: {feeds_all_agree}/{feeds_compared} feeds agree on every entry and field"
    );
    println!("  entry counts {}/{}", counts.ok, counts.all);
    println!(
        "  ids    {}/{} ({fallback_ids} entries without an id of their own: feed-rs generated one, we fall back to the link)",
        ids.ok, ids.all
    );
    println!(
        "         ({rdf_about_ids} RSS 1.0 entries identified by rdf:about, where feed-rs generates an id)"
    );
    println!("  titles {}/{}", titles.ok, titles.all);
    println!(
        "  links  {}/{} ({guid_links} linked through a permalink guid, where feed-rs lists none)",
        links.ok, links.all
    );
    println!("  dates  {}/{}", dates.ok, dates.all);
    println!(
        "         dates feed-rs could not read and we did: {}",
        dates_only_we_read.join(", ")
    );
    println!("  text   {}/{}", texts.ok, texts.all);
    println!(
        "  without an expected parse: {}",
        without_expected.join(", ")
    );
    assert!(
        feeds_compared >= 60,
        "expected the feed-rs fixtures, compared {feeds_compared}"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
