//! Discourse, through its JSON API.
//!
//! Discourse serves the same data its web client reads: `/latest.json`
//! (topics by last activity, paged by `more_topics_url`), `/t/{id}.json` (a
//! topic: its first posts plus `post_stream.stream`, the ids of *all* its
//! posts) and `/t/{id}/posts.json?post_ids[]=…` (any posts by id). The
//! stream is the reason to prefer the API over scraping: one request says
//! exactly which posts exist, and only the missing ones are loaded.
//!
//! Incremental reading rests on two facts of Discourse's data model: a
//! topic's `highest_post_number` grows with each post, and post ids are one
//! sequence for the whole site, so they grow within a topic too. The cursor
//! keeps, per topic, the highest post number and post id already read
//! ([`TopicMark`]); a listed topic whose `highest_post_number` has not grown
//! is skipped, and a grown one yields only the stream ids above the mark.
//! The listing is walked newest-bump first and stops at the first unchanged,
//! unpinned topic bumped no later than the previous run's newest bump (the
//! `watermark`); pinned topics sit at the top regardless of age, so they
//! never stop the walk.
//!
//! Deleted posts (`deleted_at`, `user_deleted`), hidden (flagged) posts and
//! small-action posts (`post_type` 3: "closed this topic" and the like) are
//! not records. Edits after a post was read are not re-read: a record is
//! what the post said when it was first read. `cooked` is HTML; quotes
//! (`aside.quote`) and link previews (`aside.onebox`) are removed, so a
//! reply is not indexed as saying what it quotes. A reply's parent is the
//! post it answers (`reply_to_post_number`) or else the first post it quotes
//! from the same topic, when that post's id is known in this call; when it
//! is not, the number is kept in `extra` as `reply_to_post_number`.

use std::collections::{BTreeMap, HashMap, VecDeque};

use hearken_plugin_sdk::date;
use hearken_plugin_sdk::html::{element_to_text, selector};
use hearken_plugin_sdk::http::{Client, HttpError, Transport, resolve, with_query};
use hearken_plugin_sdk::{Record, RecordKind, SourceError};
use scraper::Html;
use serde::{Deserialize, Serialize};

/// What the cursor remembers about a Discourse site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscourseState {
    /// Per topic id.
    #[serde(default)]
    pub topics: BTreeMap<u64, TopicMark>,
    /// The newest `bumped_at` (Unix seconds) seen by the last finished run.
    #[serde(default)]
    pub watermark: Option<i64>,
    /// Category id → name, loaded once per run.
    #[serde(default)]
    pub categories: BTreeMap<u64, String>,
    /// The run in progress, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<DiscourseRun>,
}

/// How far a topic has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMark {
    /// The topic's `highest_post_number` when read.
    #[serde(rename = "h")]
    pub highest: u64,
    /// The highest post id read.
    #[serde(rename = "m")]
    pub max_post_id: u64,
}

/// A Discourse run in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscourseRun {
    /// The next listing page, if the walk goes on.
    pub next_list: Option<String>,
    /// Topics to read, next first.
    pub pending: VecDeque<PendingTopic>,
    /// Requests made in this run.
    pub pages: u32,
    /// The newest `bumped_at` seen in this run.
    pub max_bumped: Option<i64>,
    /// Whether `/categories.json` was read in this run.
    pub categories_loaded: bool,
}

/// A listed topic that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTopic {
    /// Topic id.
    pub id: u64,
    /// Its `highest_post_number` in the listing.
    pub highest: u64,
    /// Tags from the listing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

// ---- The API's shapes (only the fields used). ----

/// `/latest.json` and category listings.
#[derive(Debug, Deserialize)]
pub struct Listing {
    /// The list.
    pub topic_list: TopicList,
}

/// The list inside a listing.
#[derive(Debug, Deserialize)]
pub struct TopicList {
    /// The next page, e.g. `/latest.json?page=1` (newer versions omit
    /// `.json`).
    #[serde(default)]
    pub more_topics_url: Option<String>,
    /// The topics.
    #[serde(default)]
    pub topics: Vec<ListedTopic>,
}

/// A topic in a listing.
#[derive(Debug, Deserialize)]
pub struct ListedTopic {
    /// Topic id.
    pub id: u64,
    /// Highest post number.
    #[serde(default)]
    pub highest_post_number: u64,
    /// Last activity.
    #[serde(default)]
    pub bumped_at: Option<String>,
    /// Pinned in its category.
    #[serde(default)]
    pub pinned: bool,
    /// Pinned site-wide.
    #[serde(default)]
    pub pinned_globally: bool,
    /// Tags: names, or `{name}` objects in newer versions.
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// A tag as strings or objects.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Tag {
    /// `"travel"`.
    Name(String),
    /// `{"id": 3, "name": "travel", "slug": "travel"}`.
    Object {
        /// Its name.
        name: String,
    },
}

impl Tag {
    fn name(&self) -> &str {
        match self {
            Tag::Name(n) | Tag::Object { name: n } => n,
        }
    }
}

/// `/t/{id}.json`.
#[derive(Debug, Deserialize)]
pub struct Topic {
    /// Topic id.
    pub id: u64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// URL slug.
    #[serde(default)]
    pub slug: String,
    /// Category.
    #[serde(default)]
    pub category_id: Option<u64>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Posts.
    pub post_stream: PostStream,
}

/// A topic's posts.
#[derive(Debug, Deserialize)]
pub struct PostStream {
    /// The posts loaded (the first page, or those asked for).
    #[serde(default)]
    pub posts: Vec<DiscoursePost>,
    /// Ids of all posts, in order.
    #[serde(default)]
    pub stream: Vec<u64>,
}

/// `/t/{id}/posts.json`.
#[derive(Debug, Deserialize)]
pub struct PostsById {
    /// The posts.
    pub post_stream: PostStream,
}

/// A post.
#[derive(Debug, Clone, Deserialize)]
pub struct DiscoursePost {
    /// Site-wide post id.
    pub id: u64,
    /// The author's username.
    #[serde(default)]
    pub username: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The rendered HTML.
    #[serde(default)]
    pub cooked: String,
    /// Position in the topic, from 1.
    pub post_number: u64,
    /// 1 regular, 2 moderator action, 3 small action, 4 whisper.
    #[serde(default = "regular")]
    pub post_type: u8,
    /// The post it answers.
    #[serde(default)]
    pub reply_to_post_number: Option<u64>,
    /// Revision number; above 1 when edited.
    #[serde(default = "first_version")]
    pub version: u32,
    /// Set when deleted (staff see deleted posts).
    #[serde(default)]
    pub deleted_at: Option<String>,
    /// Deleted by its author.
    #[serde(default)]
    pub user_deleted: bool,
    /// Hidden after flags.
    #[serde(default)]
    pub hidden: bool,
}

fn regular() -> u8 {
    1
}

fn first_version() -> u32 {
    1
}

/// `/categories.json`.
#[derive(Debug, Deserialize)]
pub struct Categories {
    /// The list.
    pub category_list: CategoryList,
}

/// The categories.
#[derive(Debug, Deserialize)]
pub struct CategoryList {
    /// Top-level categories.
    #[serde(default)]
    pub categories: Vec<Category>,
}

/// A category.
#[derive(Debug, Deserialize)]
pub struct Category {
    /// Id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Subcategories, when asked for.
    #[serde(default)]
    pub subcategory_list: Vec<Category>,
}

impl Categories {
    /// Id → name, subcategories included.
    pub fn names(&self) -> BTreeMap<u64, String> {
        fn walk(cs: &[Category], out: &mut BTreeMap<u64, String>) {
            for c in cs {
                out.insert(c.id, c.name.clone());
                walk(&c.subcategory_list, out);
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.category_list.categories, &mut out);
        out
    }
}

// ---- The crawl. ----

/// The outcome of one `fetch` over Discourse.
#[derive(Debug, Default)]
pub struct Step {
    /// New records.
    pub records: Vec<Record>,
    /// Nothing more to do this run.
    pub exhausted: bool,
}

/// How many ids one `posts.json` request asks for.
const POSTS_PER_REQUEST: usize = 50;

/// The site root with a trailing slash.
fn base_of(start_url: &str) -> String {
    let mut b = start_url
        .split(['?', '#'])
        .next()
        .unwrap_or(start_url)
        .to_string();
    if !b.ends_with('/') {
        b.push('/');
    }
    b
}

/// The first listing page for a config.
pub fn first_listing(start_url: &str, category: Option<&str>) -> String {
    let base = base_of(start_url);
    match category {
        Some(c) => format!("{base}c/{}.json", c.trim_matches('/')),
        None => format!("{base}latest.json"),
    }
}

/// `more_topics_url` as a JSON URL: resolved, with `.json` on the path.
fn json_listing_url(base: &str, more: &str) -> Option<String> {
    let mut u = url::Url::parse(&resolve(base, more)?).ok()?;
    if !u.path().ends_with(".json") {
        let p = format!("{}.json", u.path().trim_end_matches('/'));
        u.set_path(&p);
    }
    Some(u.into())
}

enum Fail {
    /// Retry later: end the batch, keep the cursor.
    Later,
    /// Fatal for this fetch.
    Error(SourceError),
    /// Skip this item.
    Skip,
}

fn classify(e: HttpError) -> Fail {
    if e.is_retryable() {
        hearken_plugin_sdk::warn!("forum: {e}; stopping this run, the next one retries");
        Fail::Later
    } else if matches!(e, HttpError::Denied { .. } | HttpError::InvalidUrl { .. }) {
        Fail::Error(e.into())
    } else {
        hearken_plugin_sdk::warn!("forum: skipping: {e}");
        Fail::Skip
    }
}

/// Reads the next piece of a Discourse site. `state` is updated in place.
pub fn step<T: Transport>(
    start_url: &str,
    category: Option<&str>,
    max_pages: u32,
    state: &mut DiscourseState,
    client: &Client<T>,
) -> Result<Step, SourceError> {
    let base = base_of(start_url);
    let run = state.run.get_or_insert_with(|| DiscourseRun {
        next_list: Some(first_listing(start_url, category)),
        ..DiscourseRun::default()
    });
    if run.pages >= max_pages {
        hearken_plugin_sdk::info!(
            "forum: reached max_pages_per_run ({max_pages}); the next run carries on"
        );
        run.pages = 0;
        return Ok(Step {
            records: Vec::new(),
            exhausted: true,
        });
    }

    if !run.categories_loaded {
        run.pages += 1;
        let url = with_query(
            &format!("{base}categories.json"),
            &[("include_subcategories", "true")],
        )?;
        match client.get_json::<Categories>(&url) {
            Ok(c) => state.categories = c.names(),
            Err(e) => match classify(e) {
                Fail::Later => return Ok(later()),
                Fail::Error(e) => return Err(e),
                Fail::Skip => {}
            },
        }
        if let Some(run) = state.run.as_mut() {
            run.categories_loaded = true;
        }
        return Ok(Step::default());
    }

    if let Some(topic) = run.pending.pop_front() {
        return match read_topic(&base, &topic, state, client) {
            Ok(records) => Ok(Step {
                records,
                exhausted: false,
            }),
            Err(Fail::Later) => {
                if let Some(run) = state.run.as_mut() {
                    run.pending.push_front(topic);
                }
                Ok(later())
            }
            Err(Fail::Error(e)) => Err(e),
            Err(Fail::Skip) => Ok(Step::default()),
        };
    }

    if let Some(list_url) = run.next_list.take() {
        run.pages += 1;
        let listing: Listing = match client.get_json(&list_url) {
            Ok(l) => l,
            Err(e) => {
                return match classify(e) {
                    Fail::Later => {
                        if let Some(run) = state.run.as_mut() {
                            run.next_list = Some(list_url);
                        }
                        Ok(later())
                    }
                    Fail::Error(e) => Err(e),
                    Fail::Skip => Ok(Step::default()),
                };
            }
        };
        let mut stop = false;
        for t in &listing.topic_list.topics {
            let bumped = t
                .bumped_at
                .as_deref()
                .and_then(|b| date::parse(b).ok())
                .map(|b| b.unix_timestamp());
            run.max_bumped = run.max_bumped.max(bumped);
            let mark = state.topics.get(&t.id);
            let changed = mark.is_none_or(|m| t.highest_post_number > m.highest);
            if changed {
                if !run.pending.iter().any(|p| p.id == t.id) {
                    run.pending.push_back(PendingTopic {
                        id: t.id,
                        highest: t.highest_post_number,
                        tags: t.tags.iter().map(|g| g.name().to_string()).collect(),
                    });
                }
            } else if !(t.pinned || t.pinned_globally)
                && let (Some(w), Some(b)) = (state.watermark, bumped)
                && b <= w
            {
                stop = true;
            }
        }
        if !stop && !listing.topic_list.topics.is_empty() {
            run.next_list = listing
                .topic_list
                .more_topics_url
                .as_deref()
                .and_then(|m| json_listing_url(&base, m))
                .filter(|u| u != &list_url);
        }
        return Ok(Step::default());
    }

    // Nothing pending and no more listing: the run is over.
    if let Some(run) = state.run.take() {
        state.watermark = state.watermark.max(run.max_bumped);
    }
    Ok(Step {
        records: Vec::new(),
        exhausted: true,
    })
}

fn later() -> Step {
    Step {
        records: Vec::new(),
        exhausted: true,
    }
}

fn read_topic<T: Transport>(
    base: &str,
    pending: &PendingTopic,
    state: &mut DiscourseState,
    client: &Client<T>,
) -> Result<Vec<Record>, Fail> {
    let pages = |state: &mut DiscourseState| {
        if let Some(run) = state.run.as_mut() {
            run.pages += 1;
        }
    };
    pages(state);
    let topic: Topic = client
        .get_json(&format!("{base}t/{}.json", pending.id))
        .map_err(classify)?;
    let mark = state.topics.get(&pending.id).copied().unwrap_or_default();

    let mut posts: Vec<DiscoursePost> = topic.post_stream.posts.clone();
    let wanted: Vec<u64> = topic
        .post_stream
        .stream
        .iter()
        .copied()
        .filter(|id| *id > mark.max_post_id)
        .collect();
    let missing: Vec<u64> = wanted
        .iter()
        .copied()
        .filter(|id| !posts.iter().any(|p| p.id == *id))
        .collect();
    for chunk in missing.chunks(POSTS_PER_REQUEST) {
        // The page cap is checked between topics, never half way through
        // one: stopping inside would lose the posts in between.
        pages(state);
        let ids: Vec<String> = chunk.iter().map(u64::to_string).collect();
        let params: Vec<(&str, &str)> = ids.iter().map(|id| ("post_ids[]", id.as_str())).collect();
        let url = with_query(&format!("{base}t/{}/posts.json", topic.id), &params)
            .map_err(|e| Fail::Error(e.into()))?;
        let more: PostsById = client.get_json(&url).map_err(classify)?;
        posts.extend(more.post_stream.posts);
    }
    posts.sort_by_key(|p| p.post_number);
    posts.dedup_by_key(|p| p.id);

    let by_number: HashMap<u64, u64> = posts.iter().map(|p| (p.post_number, p.id)).collect();
    let tags: Vec<String> = if topic.tags.is_empty() {
        pending.tags.clone()
    } else {
        topic.tags.iter().map(|t| t.name().to_string()).collect()
    };
    let category = topic.category_id.map(|c| {
        state
            .categories
            .get(&c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    });
    let slug = if topic.slug.is_empty() {
        "topic".to_string()
    } else {
        topic.slug.clone()
    };

    let mut records = Vec::new();
    let mut max_id = mark.max_post_id;
    let mut highest = mark.highest.max(pending.highest);
    for p in &posts {
        if p.id <= mark.max_post_id {
            continue;
        }
        max_id = max_id.max(p.id);
        highest = highest.max(p.post_number);
        if p.deleted_at.is_some() || p.user_deleted || p.hidden || p.post_type == 3 {
            continue;
        }
        let (body, quoted) = cooked_to_text(&p.cooked, topic.id);
        if body.is_empty() {
            continue;
        }
        let answered = p.reply_to_post_number.or(quoted);
        let parent = answered.and_then(|n| by_number.get(&n)).map(u64::to_string);
        let mut record = Record {
            thread_id: Some(topic.id.to_string()),
            parent_id: parent.clone(),
            author: p.username.clone(),
            published: p.created_at.as_deref().and_then(date::to_rfc3339),
            title: Some(topic.title.clone()).filter(|t| !t.is_empty()),
            ..Record::new(
                p.id.to_string(),
                format!("{base}t/{slug}/{}/{}", topic.id, p.post_number),
                if p.post_number == 1 {
                    RecordKind::Post
                } else {
                    RecordKind::Reply
                },
                body,
            )
        };
        if let Some(c) = &category {
            record.extra.push(("category".into(), c.clone()));
        }
        if !tags.is_empty() {
            record.extra.push(("tags".into(), tags.join(", ")));
        }
        if p.version > 1 {
            record.extra.push(("edited".into(), "true".into()));
        }
        if let (Some(n), None) = (answered, &parent) {
            record
                .extra
                .push(("reply_to_post_number".into(), n.to_string()));
        }
        records.push(record);
    }
    // Stream ids that were not loaded (deleted between the two requests)
    // still move the mark: they are gone either way.
    if let Some(m) = topic.post_stream.stream.iter().max() {
        max_id = max_id.max(*m);
    }
    state.topics.insert(
        pending.id,
        TopicMark {
            highest,
            max_post_id: max_id,
        },
    );
    Ok(records)
}

/// `cooked` as text without quotes and previews, and the number of the
/// first post it quotes from topic `topic_id`.
pub fn cooked_to_text(cooked: &str, topic_id: u64) -> (String, Option<u64>) {
    let doc = Html::parse_fragment(cooked);
    let skip: Vec<_> = [
        "aside.quote",
        "aside.onebox",
        "div.quote-controls",
        ".lightbox-wrapper .meta",
    ]
    .iter()
    .filter_map(|s| selector(s).ok())
    .collect();
    let text = element_to_text(doc.root_element(), &skip);
    let quoted = selector("aside.quote[data-post]").ok().and_then(|s| {
        doc.select(&s).find_map(|q| {
            let v = q.value();
            let same_topic = v
                .attr("data-topic")
                .is_none_or(|t| t.trim() == topic_id.to_string());
            if same_topic {
                v.attr("data-post")?.trim().parse().ok()
            } else {
                None
            }
        })
    });
    (text, quoted)
}
