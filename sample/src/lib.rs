//! A deterministic, seeded generator of synthetic patient-talk corpora with
//! planted identifiers and persona segments.
//!
//! Hearken's demo, its benchmarks and its persona evaluation all need a
//! corpus that reads like real patients talking about clinical trials, that
//! arrives in the formats real sources use, and whose truth is known. This
//! crate writes one as a static web site plus transcript files:
//!
//! | what | where | format |
//! | --- | --- | --- |
//! | forum | `forum/index.html`, `forum/board-N/page-K.html`, `forum/topic-N/page-K.html` | phpBB 3.3, prosilver style, path-style ("SEO") URLs |
//! | public posts | `posts/feed.xml`, `posts/feed-2.xml`, …, `posts/p/<id>.html` | RSS 2.0 with RFC 5005 paging, one HTML page per post |
//! | advisory boards | `transcripts/board-NNN-DATE.vtt` / `.txt` | WebVTT with voice spans; plain `[hh:mm:ss] Name: text` |
//! | the truth | `truth.json` | [`Truth`]: segments, documents, planted identifiers |
//! | crawling rules | `robots.txt` | allows all but `/forum/ucp/` and `/forum/search/` |
//!
//! # Brief overview
//!
//! * [`SampleConfig`] says how much of each kind to write; [`SampleConfig::demo`]
//!   is the small corpus `hearken demo` serves, [`SampleConfig::with_docs`]
//!   sizes one for benchmarks (up to a million documents and beyond).
//! * [`write_site`] writes everything under a root directory and returns a
//!   [`SiteManifest`] of entry points. It streams: one thread, one feed item
//!   or one transcript is in memory at a time, plus one line per topic.
//! * [`read_truth`] reads the answer key back.
//!
//! # Determinism
//!
//! The same configuration writes the same bytes, on any machine, every time:
//! every random choice comes from ChaCha8 streams derived from the seed and
//! the unit of work (see `rng`), no hash map's iteration order reaches the
//! output, and no clock is read (all dates are computed from fixed epochs).
//!
//! ```no_run
//! let dir = std::path::Path::new("/tmp/hearken-sample");
//! let manifest = hearken_sample::write_site(&hearken_sample::SampleConfig::demo(), dir)?;
//! let truth = hearken_sample::read_truth(dir)?;
//! assert_eq!(manifest.documents, truth.documents.len());
//! # Ok::<(), hearken_sample::SampleError>(())
//! ```

mod compose;
mod feed;
mod forum;
mod lexicon;
mod markup;
mod people;
mod rng;
mod transcript;
mod truth;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use truth::{DocTruth, PlantedIdentifier, PlantedSegment, Truth, read_truth};

/// The truth file's name, at the site root.
pub const TRUTH_FILE: &str = "truth.json";

/// How much of each kind of source to generate, and from which seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleConfig {
    /// The seed: same seed and sizes, same bytes.
    pub seed: u64,
    /// Number of forum threads (topics).
    pub forum_threads: usize,
    /// Replies per thread, `(min, max)` inclusive, besides the opening post.
    pub replies_per_thread: (usize, usize),
    /// Posts per topic page (phpBB's `posts_per_page`).
    pub posts_per_page: usize,
    /// Topics per board page (phpBB's `topics_per_page`).
    pub topics_per_page: usize,
    /// Number of boards the threads are spread over (1 to 6).
    pub forum_boards: usize,
    /// Number of items in the public posts feed.
    pub feed_items: usize,
    /// Items per feed page.
    pub feed_page_size: usize,
    /// Number of advisory board transcripts (alternately WebVTT and text).
    pub transcripts: usize,
    /// Turns per transcript, `(min, max)` inclusive. Values below 8 are
    /// raised to 8: opening, four introductions and one exchange.
    pub turns_per_transcript: (usize, usize),
}

impl SampleConfig {
    /// The small corpus the demo serves: 12 threads over 2 boards with 5–25
    /// replies at 10 posts a page and 5 topics a board page, 40 feed items
    /// in pages of 20, and 2 transcripts of 30–60 turns (about 330
    /// documents).
    pub fn demo() -> Self {
        Self {
            seed: 20_250_304,
            forum_threads: 12,
            replies_per_thread: (5, 25),
            posts_per_page: 10,
            topics_per_page: 5,
            forum_boards: 2,
            feed_items: 40,
            feed_page_size: 20,
            transcripts: 2,
            turns_per_transcript: (30, 60),
        }
    }

    /// A corpus of about `total` documents: 55 % forum posts, 35 % feed
    /// items, 10 % transcript turns, over six boards. The forum share is
    /// met on average (thread sizes are random), the others exactly to
    /// within a transcript.
    pub fn with_docs(total: usize, seed: u64) -> Self {
        let replies = (3, 21); // 13 posts a thread on average
        let forum_posts = total * 55 / 100;
        let feed = total * 35 / 100;
        let turns = total.saturating_sub(forum_posts + feed);
        let threads = forum_posts.div_ceil(13).max(1);
        let transcripts = if turns == 0 {
            0
        } else {
            turns.div_ceil(45).max(1)
        };
        Self {
            seed,
            forum_threads: threads,
            replies_per_thread: replies,
            posts_per_page: 15,
            topics_per_page: 25,
            forum_boards: 6,
            feed_items: feed,
            feed_page_size: 50,
            transcripts,
            turns_per_transcript: (30, 60),
        }
    }

    /// Checks that the configuration can be generated.
    pub fn validate(&self) -> Result<(), SampleError> {
        let bad = |what: &str| Err(SampleError::Config(what.to_string()));
        if self.replies_per_thread.0 > self.replies_per_thread.1 {
            return bad("replies_per_thread: min is greater than max");
        }
        if self.turns_per_transcript.0 > self.turns_per_transcript.1 {
            return bad("turns_per_transcript: min is greater than max");
        }
        if self.posts_per_page == 0 || self.topics_per_page == 0 || self.feed_page_size == 0 {
            return bad("page sizes must be at least 1");
        }
        if self.forum_boards == 0 || self.forum_boards > 6 {
            return bad("forum_boards must be between 1 and 6");
        }
        Ok(())
    }
}

/// The entry points of a written site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteManifest {
    /// Site-relative path of the forum's board index: `forum/index.html`.
    pub forum_start: String,
    /// Site-relative path of the feed's first (newest) page: `posts/feed.xml`.
    pub feed_start: String,
    /// Transcript files relative to the root, e.g.
    /// `transcripts/board-001-2025-01-15.vtt`.
    pub transcripts: Vec<String>,
    /// Number of records (forum posts, feed items, transcript turns).
    pub documents: usize,
    /// Documents per kind of source: forum posts.
    pub forum_posts: usize,
    /// Documents per kind of source: feed items.
    pub feed_items: usize,
    /// Documents per kind of source: transcript turns.
    pub transcript_turns: usize,
    /// Site-relative path of the truth file: `truth.json`.
    pub truth_path: String,
}

/// Why a site could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// A file or directory could not be created, written or read.
    #[error("sample site I/O failed at {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The truth file could not be written or parsed.
    #[error("sample truth file {path} is not valid: {source}")]
    Json {
        /// The truth file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// The configuration cannot be generated.
    #[error("sample configuration is invalid: {0}")]
    Config(String),
}

/// Writes `bytes` to `root/rel`, creating directories.
pub(crate) fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), SampleError> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SampleError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(&path, bytes).map_err(|source| SampleError::Io { path, source })
}

const ROBOTS: &str = "# TrialTalk / Patient Voices sample site\nUser-agent: *\nDisallow: /forum/ucp/\nDisallow: /forum/search/\nAllow: /\n";

/// Writes the whole site under `root` and its `truth.json`.
///
/// `root` is created if missing; files already there with the same names
/// are overwritten, others are left alone. Prints nothing.
pub fn write_site(cfg: &SampleConfig, root: &Path) -> Result<SiteManifest, SampleError> {
    cfg.validate()?;
    std::fs::create_dir_all(root).map_err(|source| SampleError::Io {
        path: root.to_path_buf(),
        source,
    })?;
    write_file(root, "robots.txt", ROBOTS.as_bytes())?;
    write_file(
        root,
        "index.html",
        b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Sample patient community</title>\n<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/posts/feed.xml\">\n</head>\n<body>\n<h1>Sample patient community</h1>\n<ul>\n<li><a href=\"/forum/index.html\">TrialTalk forum</a></li>\n<li><a href=\"/posts/feed.xml\">Patient Voices public posts (RSS)</a></li>\n</ul>\n<p>Everything here is synthetic, generated by hearken-sample. No real people.</p>\n</body>\n</html>\n",
    )?;
    let segments = segments_truth(cfg);
    let mut truth = truth::TruthWriter::create(root, TRUTH_FILE, cfg.seed, &segments)?;
    let forum_posts = forum::write(cfg, root, &mut truth)?;
    let feed_items = feed::write(cfg, root, &mut truth)?;
    let transcript_turns = transcript::write(cfg, root, &mut truth)?;
    let documents = truth.documents();
    truth.finish()?;
    Ok(SiteManifest {
        forum_start: "forum/index.html".to_string(),
        feed_start: feed::page_path(1),
        transcripts: transcript::paths(cfg),
        documents,
        forum_posts,
        feed_items,
        transcript_turns,
        truth_path: TRUTH_FILE.to_string(),
    })
}

/// The planted segments with their member handles, computed from the same
/// author pools the writers use.
fn segments_truth(cfg: &SampleConfig) -> Vec<PlantedSegment> {
    let mut members: Vec<Vec<String>> = vec![Vec::new(); people::SEGMENTS.len()];
    for (channel, authors) in pools(cfg) {
        for a in authors {
            if channel == people::Channel::Board && a.1 {
                continue;
            }
            members[a.0.segment].push(a.0.handle);
        }
    }
    people::SEGMENTS
        .iter()
        .zip(members)
        .map(|(def, mut authors)| {
            authors.sort();
            authors.dedup();
            PlantedSegment {
                id: def.id.to_string(),
                label: def.label.to_string(),
                defining_themes: def
                    .defining
                    .iter()
                    .map(|(t, _)| lexicon::THEME_IDS[*t].to_string())
                    .collect(),
                authors,
            }
        })
        .collect()
}

/// The author pools of the three channels, each author flagged `true` if
/// they are staff (transcript moderators, clinicians, sponsor reps).
fn pools(cfg: &SampleConfig) -> Vec<(people::Channel, Vec<(people::Author, bool)>)> {
    let forum_total: usize = (0..cfg.forum_threads)
        .map(|t| {
            let (lo, hi) = cfg.replies_per_thread;
            1 + rng::Rand::derive(cfg.seed, "forum/size", t as u64).between(lo, hi)
        })
        .sum();
    let (_, forum_n) = people::quotas(cfg.seed, "forum/schedule", forum_total, 3, 15);
    let (_, feed_n) = people::quotas(cfg.seed, "feed/schedule", cfg.feed_items, 3, 15);
    let (pool_size, board_n) = transcript::pool_sizes(cfg);
    vec![
        (
            people::Channel::Forum,
            people::authors(cfg.seed, people::Channel::Forum, forum_n)
                .into_iter()
                .map(|a| (a, false))
                .collect(),
        ),
        (
            people::Channel::Feed,
            people::authors(cfg.seed, people::Channel::Feed, feed_n)
                .into_iter()
                .map(|a| (a, false))
                .collect(),
        ),
        (
            people::Channel::Board,
            people::authors(cfg.seed, people::Channel::Board, board_n)
                .into_iter()
                .enumerate()
                .map(|(i, a)| (a, i >= pool_size))
                .collect(),
        ),
    ]
}
