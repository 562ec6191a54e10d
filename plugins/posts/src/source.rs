//! `fetch` for posts: a few pages per call, through the streams in order,
//! resumable from the cursor, never returning a record twice.
//!
//! # Runs, passes and pages
//!
//! A *run* (the host calling `fetch` until a batch says `exhausted`) reads
//! every configured stream once, in order: one *pass* per stream, each pass
//! one or more pages walking from the newest item back. A pass ends when
//!
//! - the source has no older page, or
//! - a page holds an item a previous pass already returned (everything
//!   older was read before), or
//! - `max_pages` pages were read in this pass.
//!
//! How "already returned" is known depends on what the API offers:
//!
//! - **Mastodon** pages with `max_id` within the bound `since_id` = the
//!   newest status of the last completed pass, so the server itself stops at
//!   what we have; no gap opens when more than a page arrived meanwhile,
//!   because we page down to `since_id` rather than taking only the first
//!   page above it.
//! - **Reddit** ids are base-36 counters that only grow: the newest id of the
//!   last pass bounds the next one (for a subreddit's `new` listing and for a
//!   thread's comments alike). A thread is one page for the tree Reddit
//!   sends, then one page per `more` stub it left out (and per stub those
//!   leave out), so a thread's pass walks all of them whatever it has seen
//!   before; stubs listing only ids at or below the bound are not loaded.
//!   A thread pass that reaches `max_pages` keeps its stubs in the cursor
//!   and the next run carries on with them.
//! - **Feeds** and **Bluesky** have no such bound, so the cursor keeps a
//!   bounded set of the record ids recent passes returned (64-bit hashes,
//!   newest first, at most [`KNOWN_CAP`] per stream), and a pass stops at the
//!   first page holding one of them.
//!
//! Within a pass, ids seen on earlier pages are skipped too, so an item that
//! slides onto the next page while we read (new posts pushing it down) is
//! not returned twice. Everything lives in the cursor, since every call runs
//! in a fresh instance.
//!
//! # Failures
//!
//! A 429 or 5xx ends the run early without moving the cursor: the next run
//! retries the same page. A 404/410 for one stream (a deleted feed, a
//! suspended account) is logged and that stream's pass ends; the others go
//! on. Anything else fails the call with the URL and status (never the
//! body).

use std::collections::{BTreeMap, HashSet, VecDeque};

use hearken_plugin_sdk::cursor::{self, CursorState};
use hearken_plugin_sdk::http::{self, Client, HttpError, Transport};
use hearken_plugin_sdk::paging::{self, Caps, PageEnd};
use hearken_plugin_sdk::{Batch, Record, RecordKind, SourceError, date, html};
use serde::{Deserialize, Serialize};

use crate::config::{Config, RedditConfig, Stream};
use crate::encoding::decode_feed;
use crate::feed::{self, ContentType, Feed};
use crate::social::{
    self, AuthorFeed, Listing, MastodonAccount, MoreChildren, MoreStub, SearchPosts, Status, Thing,
};

/// Most record-id hashes kept per stream.
pub const KNOWN_CAP: usize = 2000;

/// Record-id hashes a pass keeps from its latest pages, beyond the
/// [`KNOWN_CAP`] newest it will hand on as `known`: enough to catch an item
/// that slides a few pages down while the pass reads (ten pages of the
/// largest page any API here serves).
pub const SLIDE_WINDOW: usize = 1000;

/// Adds `hashes` to a pass's `seen` list, which keeps its first
/// [`KNOWN_CAP`] entries (the pass's newest items, the next pass's `known`)
/// and its latest [`SLIDE_WINDOW`]. Unbounded, the list grew with the
/// feed's history — 350,000 items in a first pass over a big feed made a
/// multi-megabyte cursor, over the host's limit, and every call rebuilt a
/// set of all of them. A page's hashes are added together and the middle
/// dropped once, not shifted down for every item.
fn remember_seen(seen: &mut Vec<String>, hashes: impl IntoIterator<Item = String>) {
    seen.extend(hashes);
    if seen.len() > KNOWN_CAP + SLIDE_WINDOW {
        seen.drain(KNOWN_CAP..seen.len() - SLIDE_WINDOW);
    }
}

/// The cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Per stream, by [`Stream::key`].
    #[serde(default)]
    pub streams: BTreeMap<String, StreamState>,
    /// Index of the stream the run is at.
    #[serde(default)]
    pub current: usize,
}

impl CursorState for State {
    const VERSION: u32 = 1;
}

/// What the cursor remembers about one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamState {
    /// Hashes of record ids returned by recent passes, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<String>,
    /// The newest item of the last completed pass: a Mastodon status id, or
    /// a Reddit id as a decimal number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest: Option<String>,
    /// A Mastodon account's id, once looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The pass in progress, if a run stopped inside one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<Pass>,
}

/// A pass in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// Where the next page starts: a URL, a `max_id`, a cursor or an
    /// `after`, by stream kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Pages read in this pass.
    pub pages: u32,
    /// Hashes of record ids returned in this pass: its first [`KNOWN_CAP`]
    /// and its latest [`SLIDE_WINDOW`] (see `remember_seen`).
    #[serde(default)]
    pub seen: Vec<String>,
    /// The newest item marker seen in this pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<String>,
    /// A Reddit thread's `more` stubs still to load, next first.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub more: VecDeque<MoreStub>,
}

/// One page as read.
#[derive(Debug, Default)]
struct Page {
    records: Vec<Record>,
    next: Option<String>,
    reached_known: bool,
    top: Option<String>,
    /// Reddit `more` stubs still to load after this page.
    more: VecDeque<MoreStub>,
    /// The pass reads every page it is given (a thread's stubs), whatever
    /// it has seen before.
    walk_all: bool,
}

enum PageError {
    /// Try again next run; keep the position.
    Retry(String),
    /// This stream is gone; end its pass.
    Gone(String),
    /// Fail the call.
    Fatal(SourceError),
}

impl From<HttpError> for PageError {
    fn from(e: HttpError) -> PageError {
        if e.is_retryable() {
            PageError::Retry(e.to_string())
        } else if e.is_not_found() {
            PageError::Gone(e.to_string())
        } else {
            PageError::Fatal(e.into())
        }
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: compact ids for the known set.
fn hash_id(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Numeric-string order (Mastodon ids, Reddit ids as decimals).
fn later(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

fn api_url(base: &str, segments: &[&str], params: &[(&str, &str)]) -> Result<String, SourceError> {
    let mut url = url::Url::parse(base.trim())
        .map_err(|e| SourceError::Config(format!("config: base URL {base}: {e}")))?;
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| SourceError::Config(format!("config: {base} cannot have a path")))?;
        path.pop_if_empty();
        path.extend(segments);
    }
    http::with_query(url.as_str(), params).map_err(SourceError::from)
}

/// Most pages one `fetch` reads: each call costs a fresh instance and a
/// decode and encode of the cursor (a feed's stream keeps up to 5,000
/// id hashes in it), which at one page of 50 items a call was paid for
/// every 50 items.
pub const PAGES_PER_FETCH: u32 = 8;
/// A call starts no further page once it holds this many records.
pub const RECORDS_PER_FETCH: usize = 400;

/// The records of up to [`PAGES_PER_FETCH`] pages, through the streams in
/// order. See the module docs for the cursor and failures, and
/// [`hearken_plugin_sdk::paging`] for why only the first page of a call may
/// end it abnormally.
pub fn fetch<T: Transport>(
    client: &Client<T>,
    config: &Config,
    cursor: Option<&str>,
) -> Result<Batch, SourceError> {
    let mut state: State =
        cursor::decode_or_default(cursor).map_err(|e| SourceError::Other(e.to_string()))?;
    let streams = config.streams();
    if streams.is_empty() {
        return Err(SourceError::Config("config: names nothing to read".into()));
    }
    let caps = Caps {
        pages: PAGES_PER_FETCH,
        records: RECORDS_PER_FETCH,
    };
    let (records, exhausted) = paging::steps(
        caps,
        &mut state,
        |state| page_step(client, config, &streams, state),
        // `page_step` leaves the state as it was when it fails or stops
        // short, so there is nothing to put back.
        |_| Box::new(|_| {}),
    )?;
    Ok(Batch {
        records,
        cursor: Some(cursor::encode(&state)),
        exhausted,
    })
}

/// Reads the next page of the run into `state`: every stream read ends the
/// run ([`PageEnd::RunOver`]), and a 429 or 5xx stops it short
/// ([`PageEnd::Stopped`]) for the next run to retry the same page. A page
/// that fails (`Err`) or stops the run short leaves `state` as it was, bar
/// an empty entry for a stream it had not read yet and a Mastodon account
/// id it may have looked up on the way: `fetch` relies on this to undo
/// such a page without a copy of the state.
fn page_step<T: Transport>(
    client: &Client<T>,
    config: &Config,
    streams: &[Stream],
    state: &mut State,
) -> Result<(Vec<Record>, PageEnd), SourceError> {
    if state.current >= streams.len() {
        state.current = 0;
    }
    let stream = &streams[state.current];
    let key = stream.key();
    let mut st = state.streams.remove(&key).unwrap_or_default();
    let in_pass = st.pass.is_some();
    let mut pass = st.pass.take().unwrap_or_default();
    let page = match read_page(client, config, stream, &mut st, &pass) {
        Ok(p) => p,
        Err(PageError::Gone(why)) => {
            hearken_plugin_sdk::warn!("{key}: {why}; skipping this stream");
            Page::default()
        }
        Err(failed) => {
            st.pass = in_pass.then_some(pass);
            state.streams.insert(key.clone(), st);
            return match failed {
                PageError::Fatal(e) => Err(e),
                PageError::Retry(why) | PageError::Gone(why) => {
                    hearken_plugin_sdk::warn!(
                        "{key}: {why}; stopping this run, the next one retries"
                    );
                    Ok((Vec::new(), PageEnd::Stopped))
                }
            };
        }
    };
    let mut reached_known = page.reached_known;
    let page_was_empty = page.records.is_empty();
    let (records, new_hashes) =
        new_records(page.records, &st.known, &pass.seen, &mut reached_known);
    remember_seen(&mut pass.seen, new_hashes);
    pass.pages += 1;
    if let Some(top) = page.top
        && pass.top.as_deref().is_none_or(|t| later(&top, t))
    {
        pass.top = Some(top);
    }
    let go_on = page.next.is_some() && (page.walk_all || (!reached_known && !page_was_empty));
    if go_on && pass.pages < config.max_pages() {
        pass.next = page.next;
        pass.more = page.more;
        st.pass = Some(pass);
        state.streams.insert(key, st);
        return Ok((records, PageEnd::More));
    }
    if go_on && page.walk_all {
        // Capped inside a thread's stubs: the next run carries on with them.
        pass.next = page.next;
        pass.more = page.more;
        pass.pages = 0;
        st.pass = Some(pass);
        state.streams.insert(key, st);
        return Ok((records, next_stream(state, streams)));
    }
    // The pass is complete.
    let mut known_now = std::mem::take(&mut pass.seen);
    known_now.append(&mut st.known);
    known_now.truncate(KNOWN_CAP);
    st.known = known_now;
    if let Some(top) = pass.top
        && st.newest.as_deref().is_none_or(|n| later(&top, n))
    {
        st.newest = Some(top);
    }
    state.streams.insert(key, st);
    Ok((records, next_stream(state, streams)))
}

/// The records of a page that neither an earlier pass (`known`) nor this
/// one (`seen`, or earlier on the same page) returned, with their id
/// hashes. Meeting a `known` one sets `reached_known`: everything older was
/// read before.
fn new_records(
    page: Vec<Record>,
    known: &[String],
    seen: &[String],
    reached_known: &mut bool,
) -> (Vec<Record>, Vec<String>) {
    let known: HashSet<&str> = known.iter().map(String::as_str).collect();
    let seen: HashSet<&str> = seen.iter().map(String::as_str).collect();
    let mut fresh: HashSet<String> = HashSet::with_capacity(page.len());
    let mut records = Vec::with_capacity(page.len());
    let mut hashes = Vec::with_capacity(page.len());
    for r in page {
        let h = hash_id(&r.id);
        if known.contains(h.as_str()) {
            *reached_known = true;
            continue;
        }
        if !seen.contains(h.as_str()) && fresh.insert(h.clone()) {
            hashes.push(h);
            records.push(r);
        }
    }
    (records, hashes)
}

/// Moves the run on to the next stream; after the last one, the run is
/// over.
fn next_stream(state: &mut State, streams: &[Stream]) -> PageEnd {
    state.current += 1;
    if state.current >= streams.len() {
        state.current = 0;
        let keys: HashSet<String> = streams.iter().map(Stream::key).collect();
        state.streams.retain(|k, _| keys.contains(k));
        return PageEnd::RunOver;
    }
    PageEnd::More
}

fn read_page<T: Transport>(
    client: &Client<T>,
    config: &Config,
    stream: &Stream,
    st: &mut StreamState,
    pass: &Pass,
) -> Result<Page, PageError> {
    match (config, stream) {
        (Config::Feed(_), Stream::Feed(url)) => feed_page(client, url, pass),
        (Config::Mastodon(c), Stream::MastodonTag(tag)) => {
            let limit = c.limit.to_string();
            mastodon_page(
                client,
                &c.instance,
                &["api", "v1", "timelines", "tag", tag],
                &limit,
                st,
                pass,
            )
        }
        (Config::Mastodon(c), Stream::MastodonAccount(acct)) => {
            let id = match &st.account_id {
                Some(id) => id.clone(),
                None => {
                    let url = api_url(
                        &c.instance,
                        &["api", "v1", "accounts", "lookup"],
                        &[("acct", acct)],
                    )
                    .map_err(PageError::Fatal)?;
                    let account: MastodonAccount = client.get_json(&url)?;
                    st.account_id = Some(account.id.clone());
                    account.id
                }
            };
            let limit = c.limit.to_string();
            mastodon_page(
                client,
                &c.instance,
                &["api", "v1", "accounts", &id, "statuses"],
                &limit,
                st,
                pass,
            )
        }
        (Config::Bluesky(c), Stream::BlueskySearch(q)) => {
            let limit = c.limit.to_string();
            let mut params = vec![
                ("q", q.as_str()),
                ("limit", limit.as_str()),
                ("sort", "latest"),
            ];
            if let Some(cur) = &pass.next {
                params.push(("cursor", cur));
            }
            let url = api_url(&c.appview, &["xrpc", "app.bsky.feed.searchPosts"], &params)
                .map_err(PageError::Fatal)?;
            let out: SearchPosts = client.get_json(&url)?;
            Ok(Page {
                next: out.cursor.filter(|_| !out.posts.is_empty()),
                records: out.posts.iter().map(social::bluesky_record).collect(),
                ..Page::default()
            })
        }
        (Config::Bluesky(c), Stream::BlueskyAuthor(actor)) => {
            let limit = c.limit.to_string();
            let mut params = vec![("actor", actor.as_str()), ("limit", limit.as_str())];
            if let Some(cur) = &pass.next {
                params.push(("cursor", cur));
            }
            let url = api_url(
                &c.appview,
                &["xrpc", "app.bsky.feed.getAuthorFeed"],
                &params,
            )
            .map_err(PageError::Fatal)?;
            let out: AuthorFeed = client.get_json(&url)?;
            Ok(Page {
                next: out.cursor.filter(|_| !out.feed.is_empty()),
                records: out
                    .feed
                    .iter()
                    .map(|f| social::bluesky_record(&f.post))
                    .collect(),
                ..Page::default()
            })
        }
        (Config::Reddit(c), Stream::Subreddit(sub)) => {
            let limit = c.limit.to_string();
            let mut params = vec![("limit", limit.as_str()), ("raw_json", "1")];
            if let Some(after) = &pass.next {
                params.push(("after", after));
            }
            let url =
                api_url(&c.base, &["r", sub, "new.json"], &params).map_err(PageError::Fatal)?;
            let listing: Listing = client.get_json(&url)?;
            let newest: Option<u64> = st.newest.as_deref().and_then(|n| n.parse().ok());
            let mut page = Page {
                next: listing.data.after.clone(),
                ..Page::default()
            };
            for thing in &listing.data.children {
                let Some(n) = thing
                    .data
                    .get("name")
                    .and_then(|v| v.as_str())
                    .and_then(social::reddit_id_number)
                else {
                    continue;
                };
                if newest.is_some_and(|old| n <= old) {
                    page.reached_known = true;
                    continue;
                }
                if page.top.as_deref().is_none_or(|t| later(&n.to_string(), t)) {
                    page.top = Some(n.to_string());
                }
                page.records.extend(social::reddit_post(&c.base, thing));
            }
            Ok(page)
        }
        (Config::Reddit(c), Stream::RedditThread(id)) => {
            reddit_thread_page(client, c, id, st, pass)
        }
        _ => Err(PageError::Fatal(SourceError::Other(format!(
            "stream {} does not belong to this kind of source",
            stream.key()
        )))),
    }
}

/// One page of a Reddit thread: the tree itself (first page of a pass),
/// then one `more` stub per page.
fn reddit_thread_page<T: Transport>(
    client: &Client<T>,
    c: &RedditConfig,
    id: &str,
    st: &StreamState,
    pass: &Pass,
) -> Result<Page, PageError> {
    let id = id.trim_start_matches("t3_");
    let link = format!("t3_{id}");
    let newest: Option<u64> = st.newest.as_deref().and_then(|n| n.parse().ok());
    let mut queue = pass.more.clone();
    let mut page = Page {
        walk_all: true,
        ..Page::default()
    };
    let things: Vec<Thing> = if pass.next.is_none() {
        let url = api_url(
            &c.base,
            &["comments", &format!("{id}.json")],
            &[("raw_json", "1"), ("limit", "500")],
        )
        .map_err(PageError::Fatal)?;
        let listings: Vec<Listing> = client.get_json(&url)?;
        let Some(post) = listings.first().and_then(|l| l.data.children.first()) else {
            return Ok(page);
        };
        page.records.extend(social::reddit_post(&c.base, post));
        listings
            .into_iter()
            .nth(1)
            .map(|l| l.data.children)
            .unwrap_or_default()
    } else {
        let Some(stub) = queue.pop_front() else {
            return Ok(page);
        };
        match load_more(client, &c.base, id, &link, &stub) {
            Ok(things) => things,
            Err(PageError::Gone(why)) => {
                hearken_plugin_sdk::warn!("thread {id}: skipping a `more` stub: {why}");
                Vec::new()
            }
            Err(e) => return Err(e),
        }
    };
    let tree = social::reddit_comments(&c.base, &link, &things);
    for (n, r) in tree.comments {
        if newest.is_some_and(|old| n <= old) {
            continue;
        }
        if page.top.as_deref().is_none_or(|t| later(&n.to_string(), t)) {
            page.top = Some(n.to_string());
        }
        page.records.push(r);
    }
    for stub in tree.more {
        // Ids only grow: a stub of ids all read before holds nothing new.
        if let (MoreStub::Children { ids }, Some(old)) = (&stub, newest)
            && ids
                .iter()
                .all(|i| social::reddit_id_number(i).is_some_and(|n| n <= old))
        {
            continue;
        }
        if !queue.contains(&stub) {
            queue.push_back(stub);
        }
    }
    page.next = (!queue.is_empty()).then(|| "more".to_string());
    page.more = queue;
    Ok(page)
}

/// The comments behind one `more` stub.
fn load_more<T: Transport>(
    client: &Client<T>,
    base: &str,
    id: &str,
    link: &str,
    stub: &MoreStub,
) -> Result<Vec<Thing>, PageError> {
    match stub {
        MoreStub::Children { ids } => {
            let children = ids.join(",");
            let url = api_url(
                base,
                &["api", "morechildren.json"],
                &[
                    ("api_type", "json"),
                    ("link_id", link),
                    ("children", &children),
                    ("raw_json", "1"),
                ],
            )
            .map_err(PageError::Fatal)?;
            let out: MoreChildren = client.get_json(&url)?;
            if !out.json.errors.is_empty() {
                return Err(PageError::Gone(format!(
                    "{url} answered with {} error(s)",
                    out.json.errors.len()
                )));
            }
            Ok(out.json.data.map(|d| d.things).unwrap_or_default())
        }
        MoreStub::Continue { parent } => {
            let url = api_url(
                base,
                &["comments", id, "_", &format!("{parent}.json")],
                &[("raw_json", "1"), ("limit", "500")],
            )
            .map_err(PageError::Fatal)?;
            let listings: Vec<Listing> = client.get_json(&url)?;
            Ok(listings
                .into_iter()
                .nth(1)
                .map(|l| l.data.children)
                .unwrap_or_default())
        }
    }
}

fn mastodon_page<T: Transport>(
    client: &Client<T>,
    instance: &str,
    path: &[&str],
    limit: &str,
    st: &StreamState,
    pass: &Pass,
) -> Result<Page, PageError> {
    let mut params = vec![("limit", limit)];
    if let Some(max_id) = &pass.next {
        params.push(("max_id", max_id));
    }
    if let Some(since) = &st.newest {
        params.push(("since_id", since));
    }
    let url = api_url(instance, path, &params).map_err(PageError::Fatal)?;
    let statuses: Vec<Status> = client.get_json(&url)?;
    let host = url::Url::parse(instance)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| instance.to_string());
    Ok(Page {
        // Timeline entries come newest first; the last one's id is the
        // next page's `max_id`.
        next: statuses.last().map(|s| s.id.clone()),
        top: statuses
            .iter()
            .map(|s| s.id.clone())
            .reduce(|a, b| if later(&b, &a) { b } else { a }),
        records: statuses
            .iter()
            .map(|s| social::mastodon_record(&host, s))
            .collect(),
        ..Page::default()
    })
}

fn feed_page<T: Transport>(
    client: &Client<T>,
    feed_url: &str,
    pass: &Pass,
) -> Result<Page, PageError> {
    let page_url = pass.next.as_deref().unwrap_or(feed_url);
    let response = client.get_with(
        page_url,
        &[("accept", "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8")],
    )?;
    if response.is_not_modified() {
        return Ok(Page::default());
    }
    let decoded = decode_feed(&response.body, response.charset());
    let parsed = feed::parse(&decoded.text)
        .map_err(|e| PageError::Fatal(SourceError::Parse(format!("{page_url}: {e}"))))?;
    let next = parsed
        .next
        .as_deref()
        .and_then(|n| http::resolve(&response.url, n))
        .filter(|n| n != page_url && n != &response.url);
    Ok(Page {
        records: feed_records(feed_url, &response.url, &parsed),
        next,
        ..Page::default()
    })
}

/// Records for a feed page. `feed_url` is the configured URL (it scopes ids
/// that are not URIs); `page_url` is where this page was served from
/// (relative links resolve against it).
pub fn feed_records(feed_url: &str, page_url: &str, feed: &Feed) -> Vec<Record> {
    let mut out = Vec::with_capacity(feed.entries.len());
    for e in &feed.entries {
        let link = e.link.as_deref().and_then(|l| http::resolve(page_url, l));
        let mut body = match e.body() {
            Some(c) if c.kind == ContentType::Html => html::to_text(&c.value),
            Some(c) => c.value.trim().to_string(),
            None => String::new(),
        };
        if body.trim().is_empty() {
            match &e.title {
                Some(t) => body = t.clone(),
                None => continue,
            }
        }
        let published = e
            .published
            .as_deref()
            .and_then(date::to_rfc3339)
            .or_else(|| e.updated.as_deref().and_then(date::to_rfc3339));
        let id = match (&e.id, &link) {
            (Some(id), _) if id.contains(':') => id.trim().to_string(),
            (Some(id), _) => format!("{feed_url}#{}", id.trim()),
            (None, Some(l)) => l.clone(),
            (None, None) => format!(
                "{feed_url}#{}",
                hash_id(&format!("{:?}\u{1}{:?}\u{1}{body}", e.title, e.published))
            ),
        };
        let url = link.clone().unwrap_or_else(|| {
            if id.starts_with("http://") || id.starts_with("https://") {
                id.clone()
            } else {
                format!("{feed_url}#{}", hash_id(&id))
            }
        });
        let kind = if e.in_reply_to.is_some() {
            RecordKind::Reply
        } else {
            RecordKind::Post
        };
        let mut r = Record {
            parent_id: e.in_reply_to.clone(),
            author: e.author.clone(),
            published,
            title: e.title.clone(),
            ..Record::new(id, url, kind, body)
        };
        if let Some(t) = &feed.title {
            r = r.with_extra("feed", t.clone());
        }
        if !e.categories.is_empty() {
            r = r.with_extra("tags", e.categories.join(","));
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_remembers_its_newest_items_and_its_latest_pages_only() {
        let mut seen = Vec::new();
        let total = KNOWN_CAP + SLIDE_WINDOW + 5_000;
        // A page at a time, as `fetch` adds them.
        for page in (0..total).collect::<Vec<_>>().chunks(50) {
            remember_seen(&mut seen, page.iter().map(|i| format!("h{i}")));
        }
        assert_eq!(seen.len(), KNOWN_CAP + SLIDE_WINDOW);
        // The newest items of the pass, for the next pass's `known`…
        assert_eq!(seen[0], "h0");
        assert_eq!(seen[KNOWN_CAP - 1], format!("h{}", KNOWN_CAP - 1));
        // …then the latest ones, for items sliding down while we read.
        assert_eq!(seen[KNOWN_CAP], format!("h{}", total - SLIDE_WINDOW));
        assert_eq!(
            seen.last().map(String::as_str),
            Some(format!("h{}", total - 1).as_str())
        );
    }
}
