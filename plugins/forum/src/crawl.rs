//! Crawling an HTML forum one page per [`step`], resumable from the cursor.
//!
//! The host runs each `fetch` in a fresh instance, so the crawl is a state
//! machine whose whole state is the cursor ([`HtmlState`]):
//!
//! * **Per thread** ([`ThreadMark`]): the highest post number emitted, the
//!   last page read, and the thread row's "last post" text when it was last
//!   read. This is what makes runs incremental: a thread whose row has not
//!   changed is not opened; a changed one is read from its last known page,
//!   and only posts numbered above the mark become records. Post numbers
//!   rise through a thread on all three engines, so the mark is exact even
//!   if a reply arrives while the crawl is inside the thread.
//! * **Per run** ([`HtmlRun`]): a work queue of list and thread pages, the
//!   pages fetched so far and the URLs visited (a loop guard). Each step
//!   takes one task and makes one request (a `fetch` takes several steps,
//!   see `hearken_plugin_sdk::paging::steps`). New tasks go to the *front*, so
//!   a board's threads are read before its next page and the queue stays
//!   as short as one page's links. When the queue is empty the run is over
//!   and the batch says `exhausted`.
//!
//! Boards are paged until a page where no thread changed: the engines list
//! threads by last post, so every thread after that page is unchanged too.
//! (A board sorted otherwise still loses nothing on the first run; later
//! runs would see its changes only on pages with other changes. The stock
//! sort is by last post on phpBB, XenForo and vBulletin.)
//!
//! A run that reaches `max_pages_per_run` ends its batch as exhausted but
//! keeps its queue; the next scheduled run carries on from there. A 429,
//! 5xx, timeout or transport failure ends the batch the same way, with the
//! failed page back at the front of the queue. A 404 skips the page. A
//! denied or invalid URL is an error: the operator must fix the grant.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use hearken_plugin_sdk::date::DateOptions;
use hearken_plugin_sdk::http::{Client, HttpError, Transport};
use hearken_plugin_sdk::{Record, RecordKind, SourceError};
use serde::{Deserialize, Serialize};

use crate::page::{Page, PageReader, strip_fragment, thread_key};

/// What the cursor remembers about an HTML forum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlState {
    /// Per thread key (`t17`), at most [`MAX_THREAD_MARKS`] of them.
    #[serde(default)]
    pub threads: BTreeMap<String, ThreadMark>,
    /// Runs started so far: the high half of every [`ThreadMark::seq`].
    #[serde(default)]
    pub seq: u64,
    /// Threads whose mark was forgotten, as they were when last read: a
    /// sorted set of 64-bit FNV-1a hashes of `(thread key, row token)`. Eight
    /// bytes a thread instead of a mark's hundred-odd, so a board of any
    /// realistic size stays incremental: a row without a mark whose hash is
    /// here has not changed since.
    #[serde(default, skip_serializing_if = "QuietSet::is_empty")]
    pub quiet: QuietSet,
    /// The run in progress, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<HtmlRun>,
}

/// How far a thread has been read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMark {
    /// The thread row's last-post text when the thread was last read to
    /// its end.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// The last page of the thread read.
    pub last_page: String,
    /// The highest post number emitted.
    #[serde(default)]
    pub max_post: u64,
    /// Positional ids emitted from `last_page`, for forums whose markup
    /// carries no post numbers.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub seen: BTreeSet<String>,
    /// How recently the thread was active, as a rank: the run it was last
    /// listed or read in (high 32 bits), then how near the top of the
    /// boards it was in that run (low 32 bits, higher = nearer). Boards
    /// list threads by last post, so this orders threads by activity, and
    /// the marks of the threads quiet longest are the ones forgotten first.
    #[serde(default)]
    pub seq: u64,
}

/// Most thread marks kept in the cursor.
///
/// The whole cursor is decoded and encoded on every `fetch`, so it must
/// not grow with the forum: a board with 40,000 threads would otherwise
/// carry 40,000 marks through every call. Forgetting the mark of a thread
/// that has been quiet longest loses nothing — if it ever gets a reply,
/// its row moves to the top of its board, it is read again from its first
/// page, and the posts read before are upserted as unchanged — it only
/// costs re-reading that thread once.
pub const MAX_THREAD_MARKS: usize = 2048;

/// Most URLs kept in a run's loop guard (the most recent ones): enough for
/// any pagination cycle, bounded however long the run.
pub const MAX_VISITED: usize = 512;

/// Most entries in [`HtmlState::quiet`]. The whole cursor must stay under
/// the host's 1 MiB: 40,000 entries are 427 KB of base64, and the
/// [`MAX_THREAD_MARKS`] marks (about 250 bytes each in JSON with long
/// URLs), the run's queue and its [`MAX_VISITED`] URLs add about 500 KB
/// (the test `a_full_cursor_stays_under_the_hosts_limit` builds that
/// cursor). Past the limit half of the entries are dropped (by hash order,
/// so an arbitrary half): those threads are read once more if they are
/// ever listed again, which costs requests, never records.
pub const MAX_QUIET: usize = 40_000;

fn quiet_hash(key: &str, token: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes().chain([0u8]).chain(token.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The quiet set ([`HtmlState::quiet`]): sorted, without duplicates.
///
/// In the cursor it is one base64 string of the hashes, little-endian —
/// compact JSON, decoded and encoded once per `fetch`. In memory it stays
/// decoded: a big board holds tens of thousands of entries, and decoding and
/// re-encoding them for every page (as an earlier version did) made a
/// million-post crawl spend most of its time in base64.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuietSet(Vec<u64>);

impl QuietSet {
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in the set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether `hash` is in the set.
    pub fn contains(&self, hash: u64) -> bool {
        self.0.binary_search(&hash).is_ok()
    }

    /// Adds `hash`, keeping the set sorted. Past [`MAX_QUIET`] entries half
    /// of them are dropped (by hash order, so an arbitrary half).
    pub fn insert(&mut self, hash: u64) {
        if let Err(at) = self.0.binary_search(&hash) {
            self.0.insert(at, hash);
        }
        if self.0.len() > MAX_QUIET {
            self.0.drain(..self.0.len() / 2);
        }
    }
}

impl Serialize for QuietSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        let bytes: Vec<u8> = self.0.iter().flat_map(|h| h.to_le_bytes()).collect();
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
    }
}

impl<'de> Deserialize<'de> for QuietSet {
    /// An unreadable set reads as empty: the threads in it are read once
    /// more, which costs requests, never records.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        let mut hashes: Vec<u64> = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(text.as_bytes())
            .map(|bytes| {
                bytes
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect()
            })
            .unwrap_or_default();
        // Written sorted; a hand-edited cursor must not break the search.
        hashes.sort_unstable();
        hashes.dedup();
        hashes.truncate(MAX_QUIET);
        Ok(QuietSet(hashes))
    }
}

/// A crawl in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlRun {
    /// Pages still to read, next first.
    pub queue: VecDeque<Task>,
    /// Requests made in this run.
    pub pages: u32,
    /// Thread rows listed (or threads read) so far in this run.
    #[serde(default)]
    pub listed: u32,
    /// The most recent URLs read in this run (at most [`MAX_VISITED`]).
    #[serde(default)]
    pub visited: VecDeque<String>,
    /// The streaming reader read a page of this crawl differently from the
    /// tree reader (see [`PageReader`]): the rest of the crawl, in this
    /// call and the next, is read with the tree reader, and the warning is
    /// logged once instead of once a call.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tree_reader: bool,
}

/// One page to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Task {
    /// A board index or board page (or the start URL, whatever it is).
    List {
        /// The page.
        url: String,
    },
    /// A page of a thread.
    Thread {
        /// The thread's key.
        key: String,
        /// The page.
        url: String,
        /// The title the list gave it.
        #[serde(default)]
        title: String,
        /// The row's last-post text, stored once the thread is read to the end.
        #[serde(default)]
        token: String,
    },
}

impl Task {
    fn url(&self) -> &str {
        match self {
            Task::List { url } | Task::Thread { url, .. } => url,
        }
    }
}

/// The outcome of one `fetch` over an HTML forum.
#[derive(Debug, Default)]
pub struct Step {
    /// New records.
    pub records: Vec<Record>,
    /// Nothing more to do this run.
    pub exhausted: bool,
}

/// Reads the next page of the crawl. `state` is updated in place.
///
/// A step that fails, or ends the batch without ending the run (the page
/// cap, a site in trouble), changes only `state.seq` and `state.run`: the
/// thread marks and the quiet set change only once a page has been read.
/// `hearken_plugin_sdk::paging::steps` relies on this to undo such a step cheaply.
pub fn step<T: Transport>(
    start_url: &str,
    max_pages: u32,
    reader: &PageReader<'_>,
    dates: &DateOptions,
    state: &mut HtmlState,
    client: &Client<T>,
) -> Result<Step, SourceError> {
    if state.run.is_none() {
        state.seq += 1;
    }
    let run = state.run.get_or_insert_with(|| HtmlRun {
        queue: VecDeque::from([Task::List {
            url: start_url.to_string(),
        }]),
        ..HtmlRun::default()
    });

    // Skip tasks already visited this run without spending a request.
    let task = loop {
        let Some(task) = run.queue.pop_front() else {
            state.run = None;
            return Ok(Step {
                records: Vec::new(),
                exhausted: true,
            });
        };
        if !run.visited.iter().any(|v| v == task.url()) {
            break task;
        }
    };
    if run.pages >= max_pages {
        hearken_plugin_sdk::info!(
            "forum: reached max_pages_per_run ({max_pages}); the next run carries on"
        );
        run.queue.push_front(task);
        run.pages = 0;
        return Ok(Step {
            records: Vec::new(),
            exhausted: true,
        });
    }
    run.pages += 1;
    if run.tree_reader {
        reader.keep_to_tree();
    }

    let response = match client.get(task.url()) {
        Ok(r) => r,
        Err(e) if e.is_retryable() => {
            hearken_plugin_sdk::warn!("forum: {e}; stopping this run, the next one retries");
            run.queue.push_front(task);
            return Ok(Step {
                records: Vec::new(),
                exhausted: true,
            });
        }
        Err(e @ (HttpError::Denied { .. } | HttpError::InvalidUrl { .. })) => return Err(e.into()),
        Err(e) => {
            hearken_plugin_sdk::warn!("forum: skipping a page: {e}");
            remember(&mut run.visited, task.url());
            return Ok(finish(state, Vec::new()));
        }
    };
    remember(&mut run.visited, task.url());
    if response.is_not_modified() {
        return Ok(finish(state, Vec::new()));
    }
    let page_url = strip_fragment(&response.url);
    remember(&mut run.visited, &page_url);
    let page = reader.read(&response.text(), &page_url, dates);
    if reader.gave_up_streaming()
        && let Some(run) = state.run.as_mut()
    {
        run.tree_reader = true;
    }
    let records = apply(state, task, &page_url, page);
    Ok(finish(state, records))
}

fn finish(state: &mut HtmlState, records: Vec<Record>) -> Step {
    let exhausted = state.run.as_ref().is_none_or(|r| r.queue.is_empty());
    if exhausted {
        state.run = None;
    }
    Step { records, exhausted }
}

/// Adds `url` to a run's loop guard, dropping the oldest beyond [`MAX_VISITED`].
fn remember(visited: &mut VecDeque<String>, url: &str) {
    if visited.iter().any(|v| v == url) {
        return;
    }
    visited.push_back(url.to_string());
    while visited.len() > MAX_VISITED {
        visited.pop_front();
    }
}

/// The activity rank of the next thread row listed in this run (see [`ThreadMark::seq`]).
fn next_rank(state: &mut HtmlState) -> u64 {
    let listed = state.run.as_mut().map_or(0, |r| {
        r.listed = r.listed.saturating_add(1);
        r.listed
    });
    state.seq << 32 | u64::from(u32::MAX - listed)
}

/// Keeps the [`MAX_THREAD_MARKS`] most recently active threads' marks (see
/// there); the others go into [`HtmlState::quiet`].
fn forget_quiet_threads(state: &mut HtmlState) {
    let excess = state.threads.len().saturating_sub(MAX_THREAD_MARKS);
    if excess == 0 {
        return;
    }
    let mut seqs: Vec<u64> = state.threads.values().map(|m| m.seq).collect();
    seqs.select_nth_unstable(excess - 1);
    let cutoff = seqs[excess - 1];
    let mut to_drop = excess;
    let quiet = &mut state.quiet;
    state.threads.retain(|key, m| {
        if to_drop > 0 && m.seq <= cutoff {
            to_drop -= 1;
            // Read to its end: remember it as it was, compactly.
            if !m.token.is_empty() {
                quiet.insert(quiet_hash(key, &m.token));
            }
            false
        } else {
            true
        }
    });
}

/// Folds one parsed page into the state: queues what it links to and
/// returns the posts not emitted before.
fn apply(state: &mut HtmlState, task: Task, page_url: &str, page: Page) -> Vec<Record> {
    let mut new_tasks = Vec::new();
    let mut records = Vec::new();

    // Thread rows: open the changed ones, from where we stopped.
    let mut changed = 0;
    for t in &page.topics {
        let key = thread_key(&t.url);
        let rank = next_rank(state);
        if let Some(m) = state.threads.get_mut(&key) {
            m.seq = m.seq.max(rank);
        }
        let mark = state.threads.get(&key);
        let unchanged = match mark {
            Some(m) => !t.token.is_empty() && m.token == t.token,
            None => !t.token.is_empty() && state.quiet.contains(quiet_hash(&key, &t.token)),
        };
        if unchanged {
            continue;
        }
        changed += 1;
        new_tasks.push(Task::Thread {
            url: mark.map_or_else(|| t.url.clone(), |m| m.last_page.clone()),
            key,
            title: t.title.clone(),
            token: t.token.clone(),
        });
    }
    for b in &page.boards {
        new_tasks.push(Task::List { url: b.clone() });
    }

    // Posts: whatever the task, a page with posts is a thread page.
    let (key, list_title, token) = match &task {
        Task::Thread {
            key, title, token, ..
        } => (key.clone(), title.clone(), Some(token.clone())),
        Task::List { .. } => (thread_key(page_url), String::new(), None),
    };
    let title = page
        .title
        .clone()
        .or((!list_title.is_empty()).then_some(list_title));
    if !page.posts.is_empty() {
        let mark = state.threads.entry(key.clone()).or_default();
        let resumed_same_page = mark.last_page == page_url;
        if !resumed_same_page {
            mark.seen.clear();
        }
        for (i, post) in page.posts.iter().enumerate() {
            let fresh = match post.number {
                Some(n) => n > mark.max_post,
                None => !mark.seen.contains(&post.id),
            };
            if !fresh {
                continue;
            }
            match post.number {
                Some(n) => mark.max_post = mark.max_post.max(n),
                None => {
                    mark.seen.insert(post.id.clone());
                }
            }
            if post.body.is_empty() {
                continue;
            }
            let kind = if page.first_page && i == 0 {
                RecordKind::Post
            } else {
                RecordKind::Reply
            };
            let mut record = Record {
                thread_id: Some(key.clone()),
                parent_id: post.quotes.clone().filter(|q| q != &post.id),
                author: post.author.clone(),
                published: post.published.clone(),
                title: title.clone(),
                ..Record::new(post.id.clone(), post.url.clone(), kind, post.body.clone())
            };
            if post.edited {
                record.extra.push(("edited".into(), "true".into()));
            }
            records.push(record);
        }
        mark.last_page = page_url.to_string();
        let rank =
            state.seq << 32 | u64::from(u32::MAX - state.run.as_ref().map_or(0, |r| r.listed));
        if let Some(m) = state.threads.get_mut(&key) {
            m.seq = m.seq.max(rank);
        }
    }

    match (&page.next, &task) {
        (
            Some(next),
            Task::Thread {
                key, title, token, ..
            },
        ) => new_tasks.push(Task::Thread {
            key: key.clone(),
            url: next.clone(),
            title: title.clone(),
            token: token.clone(),
        }),
        (Some(next), Task::List { .. }) => {
            // A list page: go on while pages still have changes. A thread
            // reached directly as the start URL: always go on.
            if changed > 0 || page.topics.is_empty() {
                new_tasks.push(Task::List { url: next.clone() });
            }
        }
        (None, _) => {
            // The end of a thread: remember its row as read.
            if let (Some(token), Some(mark)) = (token, state.threads.get_mut(&key))
                && !page.posts.is_empty()
            {
                mark.token = token;
            }
        }
    }

    if let Some(run) = state.run.as_mut()
        && !new_tasks.is_empty()
    {
        // A board page queues dozens of threads: one set of the visited
        // URLs instead of a scan of them per thread.
        let visited: HashSet<&str> = run.visited.iter().map(String::as_str).collect();
        let fresh: Vec<Task> = new_tasks
            .into_iter()
            .filter(|t| !visited.contains(t.url()))
            .collect();
        for t in fresh.into_iter().rev() {
            run.queue.push_front(t);
        }
    }
    forget_quiet_threads(state);
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quiet_set_is_one_base64_string_in_the_cursor_and_sorted_in_memory() {
        let mut quiet = QuietSet::default();
        for h in [42u64, 7, u64::MAX, 7, 1 << 40] {
            quiet.insert(h);
        }
        assert_eq!(quiet.0, vec![7, 42, 1 << 40, u64::MAX]);
        let json = serde_json::to_value(&quiet).unwrap();
        let text = json.as_str().expect("a string in the cursor");
        assert_eq!(
            text.len(),
            (4 * 8 * 4_usize).div_ceil(3),
            "eight bytes an entry"
        );
        let back: QuietSet = serde_json::from_value(json).unwrap();
        assert_eq!(back, quiet);
        assert!(back.contains(42) && !back.contains(43));
        // An unreadable set costs re-reads, never the cursor.
        let broken: QuietSet = serde_json::from_str("\"not base64!\"").unwrap();
        assert!(broken.is_empty());
    }

    #[test]
    fn the_quiet_set_halves_past_its_limit() {
        let mut quiet = QuietSet::default();
        for h in 0..=MAX_QUIET as u64 {
            quiet.insert(h.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        // The insert that passes the limit drops half of the set.
        let reached = MAX_QUIET + 1;
        assert_eq!(quiet.len(), reached - reached / 2);
        assert!(quiet.0.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_full_cursor_stays_under_the_hosts_limit() {
        // Every bound reached at once, with realistic long URLs and rows.
        let mut state = HtmlState {
            seq: u64::from(u32::MAX),
            ..HtmlState::default()
        };
        for i in 0..MAX_THREAD_MARKS {
            state.threads.insert(
                format!("t{}", 1_000_000 + i),
                ThreadMark {
                    token: format!("Last post by caregiver_{i:06} « Mon Jan 13, 2025 4:21 pm"),
                    last_page: format!(
                        "https://forum.patient-community.example.org/viewtopic.php?f=12&t={}&start=75",
                        1_000_000 + i
                    ),
                    max_post: 12_345_678,
                    seq: u64::MAX - i as u64,
                    ..ThreadMark::default()
                },
            );
        }
        for i in 0..MAX_QUIET as u64 {
            state.quiet.insert(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        let url = |i: usize| {
            format!("https://forum.patient-community.example.org/viewforum.php?f=12&start={i}")
        };
        state.run = Some(HtmlRun {
            queue: (0..60).map(|i| Task::List { url: url(i) }).collect(),
            pages: u32::MAX,
            listed: u32::MAX,
            visited: (0..MAX_VISITED).map(url).collect(),
            tree_reader: true,
        });
        let bytes = hearken_plugin_sdk::cursor::encode(&crate::ForumCursor::Html(state)).len();
        assert!(bytes < 1024 * 1024, "a full cursor is {bytes} bytes");
    }

    #[test]
    fn the_cursor_keeps_only_the_most_recently_active_threads() {
        let mut state = HtmlState::default();
        let n = MAX_THREAD_MARKS + 5;
        for i in 0..n {
            state.seq += 1;
            state.threads.insert(
                format!("t{i}"),
                ThreadMark {
                    token: format!("by someone » {i} minutes ago"),
                    last_page: format!("https://forum.example/t/{i}"),
                    max_post: 3,
                    seq: state.seq,
                    ..ThreadMark::default()
                },
            );
        }
        forget_quiet_threads(&mut state);
        assert_eq!(state.threads.len(), MAX_THREAD_MARKS);
        for i in 0..5 {
            assert!(!state.threads.contains_key(&format!("t{i}")), "t{i} kept");
        }
        assert!(state.threads.contains_key("t5"));
        assert!(state.threads.contains_key(&format!("t{}", n - 1)));
        // The forgotten threads are remembered compactly, as they were.
        let quiet = &state.quiet;
        assert_eq!(quiet.len(), 5);
        for i in 0..5 {
            let h = quiet_hash(&format!("t{i}"), &format!("by someone » {i} minutes ago"));
            assert!(quiet.contains(h), "t{i} not in the quiet set");
        }
        // A row of a forgotten thread with the same token is unchanged; with a
        // new token it is not.
        let list = "http://h/forum/board-1/page-9.html";
        let page = |token: &str| Page {
            topics: vec![crate::page::TopicRef {
                url: "http://h/forum/topic-0/page-1.html".into(),
                title: "Parking".into(),
                token: token.into(),
            }],
            ..Page::default()
        };
        let queued_threads = |state: &HtmlState| {
            state.run.as_ref().map_or(0, |r| {
                r.queue
                    .iter()
                    .filter(|t| matches!(t, Task::Thread { .. }))
                    .count()
            })
        };
        state.run = Some(HtmlRun::default());
        let task = Task::List { url: list.into() };
        apply(
            &mut state,
            task.clone(),
            list,
            page("by someone » 0 minutes ago"),
        );
        assert_eq!(
            queued_threads(&state),
            0,
            "an unchanged forgotten thread is not opened"
        );
        apply(&mut state, task, list, page("by someone else » just now"));
        assert_eq!(
            queued_threads(&state),
            1,
            "a forgotten thread with a reply is opened"
        );
    }

    #[test]
    fn threads_nearer_the_top_and_in_later_runs_rank_higher() {
        let mut state = HtmlState {
            seq: 1,
            run: Some(HtmlRun::default()),
            ..HtmlState::default()
        };
        let top = next_rank(&mut state);
        let below = next_rank(&mut state);
        assert!(
            top > below,
            "rows listed first (most recent posts) rank higher"
        );
        state.seq = 2;
        state.run = Some(HtmlRun::default());
        let next_run_bottom = (0..1000).map(|_| next_rank(&mut state)).last().unwrap();
        assert!(
            next_run_bottom > top,
            "anything listed in a later run outranks an earlier run"
        );
    }

    #[test]
    fn the_loop_guard_is_bounded_and_holds_no_duplicates() {
        let mut visited = VecDeque::new();
        for i in 0..MAX_VISITED + 10 {
            remember(&mut visited, &format!("https://forum.example/p/{i}"));
            remember(&mut visited, &format!("https://forum.example/p/{i}"));
        }
        assert_eq!(visited.len(), MAX_VISITED);
        assert_eq!(
            visited.front().map(String::as_str),
            Some("https://forum.example/p/10")
        );
    }

    #[test]
    fn a_crawl_that_the_streaming_reader_misreads_keeps_to_the_tree() {
        use crate::config::Engine;
        use crate::profile::Profile;
        use hearken_plugin_sdk::http::{Client, MemorySite};

        // A phpBB board whose rows lack `</li>`: the streaming reader nests
        // them and sees one thread, the tree reader sees all three.
        let rows: String = (1..=3)
            .map(|i| {
                format!(
                    r#"<li class="row"><dl><dt><a href="/t{i}.html" class="topictitle">Thread {i}</a></dt><dd class="lastpost">by x &raquo; {i} minutes ago</dd></dl>"#
                )
            })
            .collect();
        let board =
            format!(r#"<html><body><ul class="topiclist topics">{rows}</ul></body></html>"#);
        let mut site = MemorySite::new();
        site.html("http://h/board.html", board);
        for i in 1..=3 {
            site.html(
                &format!("http://h/t{i}.html"),
                format!(
                    r#"<h2 class="topic-title">Thread {i}</h2><div id="p{i}" class="post"><p class="author">by <strong>ana</strong></p><div class="content">Post {i}</div></div>"#
                ),
            );
        }
        let client = Client::with_transport(&site);
        let profile = Profile::new(Engine::Phpbb, None).unwrap();
        let dates = DateOptions::default();
        let mut state = HtmlState::default();

        let read = |reader: &PageReader<'_>, state: &mut HtmlState| {
            step("http://h/board.html", 100, reader, &dates, state, &client).unwrap()
        };

        read(&PageReader::new(&profile), &mut state);
        let run = state.run.as_ref().unwrap();
        assert!(
            run.tree_reader,
            "the mismatch is kept for the rest of the crawl"
        );
        assert_eq!(
            run.queue
                .iter()
                .filter(|t| matches!(t, Task::Thread { .. }))
                .count(),
            3,
            "the tree reader's page was used"
        );

        // The next call's reader starts on the tree, and the crawl finishes.
        let reader = PageReader::new(&profile);
        assert!(!reader.tree_only());
        let mut records = 0;
        loop {
            let s = read(&reader, &mut state);
            assert!(reader.tree_only());
            records += s.records.len();
            if s.exhausted {
                break;
            }
        }
        assert_eq!(records, 3);
        assert!(state.run.is_none(), "a finished crawl forgets the choice");
    }
}
