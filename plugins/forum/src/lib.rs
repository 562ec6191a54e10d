//! Source plugin for patient forums: Discourse, phpBB, XenForo, vBulletin
//! and any other forum described by CSS selectors.
//!
//! # How it is put together
//!
//! * [`config`]: the source's configuration and its JSON Schema.
//! * [`discourse`]: Discourse through its JSON API.
//! * [`profile`], [`page`], [`stream`], [`crawl`]: HTML forums. A
//!   [`profile::Profile`] is an engine's selectors; [`page::parse_page`]
//!   reads one page with it from html5ever's tree and [`stream::parse_page`]
//!   reads it in one streaming pass (both pure: HTML in, links and posts
//!   out, the same [`page::Page`] for the same page); a [`page::PageReader`]
//!   picks between them and checks the one against the other; and
//!   [`crawl::step`] walks the site one page at a time.
//! * [`run`]: one `fetch`, generic over the HTTP [`Transport`] so the whole
//!   plugin runs natively in tests against an in-memory site
//!   ([`hearken_plugin_sdk::http::MemorySite`]); the component passes the
//!   host's `http-get`.
//!
//! All state lives in the cursor ([`ForumCursor`]): the host creates a fresh
//! instance for every call. One call reads 8 to 128 pages (more the larger
//! its cursor, see [`caps_for_cursor`]; one request each, and a Discourse
//! topic with posts missing from its first page makes one more per 50
//! posts), stopping early once it holds [`RECORDS_PER_PAGE`] records for
//! each page it may read or after two seconds, and returns their
//! records; the host calls again until a batch says `exhausted`. The next
//! scheduled run starts from the same cursor and reads
//! only new threads and new posts, so a run against an unchanged site
//! yields no records.
//!
//! The plugin declares the host `*`: a generic forum reader cannot know the
//! forum's host when it is built, so the operator's grant for the source is
//! the only restriction (the contract allows exactly this).

use hearken_plugin_sdk::cursor::{self, CursorState};
use hearken_plugin_sdk::date::DateOptions;
use hearken_plugin_sdk::http::{Client, HostTransport, Transport};
use hearken_plugin_sdk::paging::{Caps, PageEnd, steps};
use hearken_plugin_sdk::{Batch, PluginInfo, Source, SourceError, config as sdk_config};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use time::UtcOffset;

pub mod config;
pub mod crawl;
pub mod discourse;
pub mod page;
pub mod profile;
pub mod stream;

pub use config::{Config, Engine, Selectors};

/// The cursor: the crawl state of whichever kind of forum the source is.
///
/// Externally tagged (`{"discourse": {…}}`) on purpose: serde buffers an
/// internally tagged enum's content, and buffered content cannot turn the
/// JSON string keys of the per-topic map back into integers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForumCursor {
    /// phpBB, XenForo, vBulletin or selectors.
    Html(crawl::HtmlState),
    /// Discourse.
    Discourse(discourse::DiscourseState),
}

impl CursorState for ForumCursor {
    const VERSION: u32 = 1;
}

/// The forum source.
pub struct Forum;

impl Source for Forum {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "forum".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Patient forums: Discourse (JSON API), phpBB, XenForo, vBulletin, or any forum described by CSS selectors.".into(),
            hosts: vec!["*".into()],
            config_schema: sdk_config::schema::<Config>(),
        }
    }

    fn fetch(config: &str, cursor: Option<&str>) -> Result<Batch, SourceError> {
        run(
            config,
            cursor,
            HostTransport,
            hearken_plugin_sdk::host::now(),
        )
    }
}

hearken_plugin_sdk::export_source!(Forum);

/// One `fetch`: decode the config and cursor, read the next page through
/// `transport`, return its records and the new cursor. `now` (Unix seconds)
/// dates "Today, 10:15" and "3 hours ago".
pub fn run<T: Transport>(
    config: &str,
    cursor: Option<&str>,
    transport: T,
    now: i64,
) -> Result<Batch, SourceError> {
    let config: Config = sdk_config::parse(config)?;
    if url::Url::parse(&config.start_url)
        .map(|u| !matches!(u.scheme(), "http" | "https"))
        .unwrap_or(true)
    {
        return Err(SourceError::Config(
            "config: at `start_url`: not an http(s) URL".into(),
        ));
    }
    let client = Client::with_transport(transport);
    let caps = caps_for_cursor(cursor.map_or(0, str::len));
    let previous: Option<ForumCursor> = cursor::decode(cursor)?;

    let (records, exhausted, state) = match config.engine {
        Engine::Discourse => {
            let mut state = match previous {
                None => discourse::DiscourseState::default(),
                Some(ForumCursor::Discourse(s)) => s,
                Some(ForumCursor::Html(_)) => return Err(engine_changed()),
            };
            let (records, exhausted) = steps(
                caps,
                &mut state,
                |state| {
                    let step = discourse::step(
                        &config.start_url,
                        config.category.as_deref(),
                        config.max_pages_per_run,
                        state,
                        &client,
                    )?;
                    Ok((step.records, page_end(step.exhausted, state.run.is_none())))
                },
                |state| {
                    let before = state.clone();
                    Box::new(move |state| *state = before)
                },
            )?;
            (records, exhausted, ForumCursor::Discourse(state))
        }
        engine => {
            let mut state = match previous {
                None => crawl::HtmlState::default(),
                Some(ForumCursor::Html(s)) => s,
                Some(ForumCursor::Discourse(_)) => return Err(engine_changed()),
            };
            let profile = profile::Profile::new(engine, config.selectors.as_ref())?;
            let reader = page::PageReader::new(&profile);
            let dates = DateOptions {
                offset: parse_offset(config.utc_offset.as_deref())?,
                day_first: config.day_first,
                now: Some(now),
            };
            let (records, exhausted) = steps(
                caps,
                &mut state,
                |state| {
                    let step = crawl::step(
                        &config.start_url,
                        config.max_pages_per_run,
                        &reader,
                        &dates,
                        state,
                        &client,
                    )?;
                    Ok((step.records, page_end(step.exhausted, state.run.is_none())))
                },
                |state| {
                    let (seq, run) = (state.seq, state.run.clone());
                    Box::new(move |state| {
                        state.seq = seq;
                        state.run = run;
                    })
                },
            )?;
            (records, exhausted, ForumCursor::Html(state))
        }
    };
    Ok(Batch {
        records,
        cursor: Some(cursor::encode(&state)),
        exhausted,
    })
}

/// How a page of either kind of crawl leaves the call: a step that ends
/// the batch (`exhausted`) ended the run if no run is open any more
/// (`run_over`), and otherwise stopped it short.
fn page_end(exhausted: bool, run_over: bool) -> PageEnd {
    match (exhausted, run_over) {
        (false, _) => PageEnd::More,
        (true, true) => PageEnd::RunOver,
        (true, false) => PageEnd::Stopped,
    }
}

/// Fewest and most requests one `fetch` makes. Each call costs a fresh
/// instance and a decode and encode of the cursor, which on a big board
/// holds thousands of thread marks and tens of thousands of quiet-thread
/// hashes (megabytes of JSON at a million posts): at a million posts, 8
/// pages a call spent more time on the cursor than on the pages. So a call
/// reads more pages the larger its cursor is ([`caps_for_cursor`]), which
/// keeps the cursor's cost per page about the same as the board grows, and
/// a small board keeps small calls, whose batches reach the index sooner.
/// (With at most 32 pages, the cap until the 1M benchmark measured 128, a
/// 1M forum made 1,890 calls; the 100k forum's cursor ends at 282 KB.)
pub const PAGES_PER_FETCH: RangeInclusive<u32> = 8..=128;
/// A call stops adding pages once it holds this many records per page it
/// may read (200 at 8 pages, 3,200 at 128), or after
/// [`hearken_plugin_sdk::paging::TIME_PER_FETCH`].
pub const RECORDS_PER_PAGE: usize = 25;
/// Cursor bytes that earn a call 8 more pages.
pub const CURSOR_BYTES_PER_8_PAGES: usize = 32 * 1024;
/// The caps for a call whose cursor is `cursor_bytes` long: 8 pages, and 8
/// more per [`CURSOR_BYTES_PER_8_PAGES`], up to 128.
pub fn caps_for_cursor(cursor_bytes: usize) -> Caps {
    let steps = u32::try_from(cursor_bytes / CURSOR_BYTES_PER_8_PAGES).unwrap_or(u32::MAX);
    let pages = PAGES_PER_FETCH
        .start()
        .saturating_add(steps.saturating_mul(8))
        .min(*PAGES_PER_FETCH.end());
    Caps {
        pages,
        records: pages as usize * RECORDS_PER_PAGE,
    }
}

fn engine_changed() -> SourceError {
    SourceError::Config(
        "config: at `engine`: the cursor was written for another kind of forum; reset the source's cursor".into(),
    )
}

/// `+01:00` → an offset; `None` → UTC.
fn parse_offset(s: Option<&str>) -> Result<UtcOffset, SourceError> {
    let Some(s) = s else {
        return Ok(UtcOffset::UTC);
    };
    let bad =
        || SourceError::Config("config: at `utc_offset`: expected `+HH:MM` or `-HH:MM`".into());
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1i8, &s[1..]),
        Some(b'-') => (-1i8, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    UtcOffset::from_hms(sign * h, sign * m, 0).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_declares_any_host_and_a_valid_schema() {
        let info = Forum::describe();
        assert_eq!(info.name, "forum");
        assert_eq!(info.hosts, vec!["*".to_string()]);
        let schema: serde_json::Value = serde_json::from_str(&info.config_schema).unwrap();
        assert_eq!(schema["type"], "object");
    }

    #[test]
    fn a_larger_cursor_buys_a_call_more_pages() {
        let caps = |kib: usize| caps_for_cursor(kib * 1024);
        assert_eq!(
            caps(0),
            Caps {
                pages: 8,
                records: 200
            }
        );
        assert_eq!(caps(31).pages, 8);
        assert_eq!(caps(32).pages, 16);
        assert_eq!(caps(70).pages, 24);
        assert_eq!(caps(96).pages, 32);
        assert_eq!(
            caps(480),
            Caps {
                pages: 128,
                records: 3200
            }
        );
        assert_eq!(caps(1024).pages, 128);
        assert_eq!(caps_for_cursor(usize::MAX).pages, 128);
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset(None).unwrap(), UtcOffset::UTC);
        assert_eq!(parse_offset(Some("+05:30")).unwrap().whole_minutes(), 330);
        assert_eq!(parse_offset(Some("-08:00")).unwrap().whole_minutes(), -480);
        assert!(
            matches!(parse_offset(Some("CET")), Err(SourceError::Config(m)) if m.contains("utc_offset"))
        );
    }

    #[test]
    fn start_url_must_be_http() {
        let e = run(
            r#"{"engine":"phpbb","start_url":"file:///etc/passwd"}"#,
            None,
            hearken_plugin_sdk::http::MemorySite::new(),
            0,
        )
        .unwrap_err();
        assert!(matches!(e, SourceError::Config(m) if m.contains("start_url")));
    }

    #[test]
    fn cursors_round_trip() {
        let mut html = crawl::HtmlState::default();
        html.threads.insert(
            "t17".into(),
            crawl::ThreadMark {
                token: "p5533".into(),
                last_page: "http://h/forum/topic-17/page-2.html".into(),
                max_post: 5533,
                seen: Default::default(),
                seq: 7,
            },
        );
        html.run = Some(crawl::HtmlRun {
            queue: [crawl::Task::Thread {
                key: "t17".into(),
                url: "http://h/forum/topic-17/page-3.html".into(),
                title: "Travel".into(),
                token: "p5540".into(),
            }]
            .into_iter()
            .collect(),
            pages: 4,
            listed: 12,
            visited: ["http://h/forum/index.html".to_string()]
                .into_iter()
                .collect(),
            tree_reader: true,
        });
        let mut disc = discourse::DiscourseState::default();
        disc.topics.insert(
            57,
            discourse::TopicMark {
                highest: 14,
                max_post_id: 226,
            },
        );
        disc.watermark = Some(1_741_084_800);
        disc.categories.insert(13, "Support".into());
        for state in [ForumCursor::Html(html), ForumCursor::Discourse(disc)] {
            let c = cursor::encode(&state);
            assert_eq!(
                cursor::decode::<ForumCursor>(Some(&c)).unwrap(),
                Some(state)
            );
        }
    }

    #[test]
    fn cursor_of_another_engine_is_refused() {
        let c = cursor::encode(&ForumCursor::Discourse(discourse::DiscourseState::default()));
        let e = run(
            r#"{"engine":"phpbb","start_url":"http://h/"}"#,
            Some(&c),
            hearken_plugin_sdk::http::MemorySite::new(),
            0,
        )
        .unwrap_err();
        assert!(matches!(e, SourceError::Config(m) if m.contains("engine")));
    }
}
