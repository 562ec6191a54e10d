//! Mastodon, Bluesky and Reddit responses to records.
//!
//! Each API's JSON is decoded into the few fields we use (serde ignores the
//! rest, so API additions do not break us) and mapped to records. The
//! paging decisions live in [`crate::source`]; here is only "what does this
//! response say".
//!
//! - **Mastodon**: a boost is resolved to the original status (its id, text,
//!   author and time); the boost itself says nothing new. `content` is HTML;
//!   the content warning (`spoiler_text`) becomes the title. Ids are
//!   `mastodon:HOST:ID` with the instance's local status id, so a reply's
//!   `in_reply_to_id` maps to its parent's record id.
//! - **Bluesky**: records keyed by AT-URI; the web URL is
//!   `https://bsky.app/profile/HANDLE/post/RKEY`; replies carry the parent
//!   and root URIs. Reposts in an author feed are the original post already.
//! - **Reddit**: link posts and comments keyed by fullname (`t3_…`,
//!   `t1_…`); bodies from `*_html` (requested with `raw_json=1`) to text;
//!   deleted and removed items are skipped; `more` stubs in a comment tree
//!   become [`MoreStub`]s that [`crate::source`] loads afterwards, through
//!   `/api/morechildren` (stubs that list ids) or the parent comment's
//!   permalink ("continue this thread" stubs, which list none).

use hearken_plugin_sdk::{Record, RecordKind, date, html};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Mastodon account (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct MastodonAccount {
    /// The account id on this instance.
    pub id: String,
    /// `user` for local accounts, `user@domain` for remote ones.
    pub acct: String,
}

/// A Mastodon tag on a status.
#[derive(Debug, Clone, Deserialize)]
pub struct MastodonTag {
    /// The tag, without `#`.
    pub name: String,
}

/// A Mastodon status (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    /// The id on this instance (what `max_id`/`since_id` take).
    pub id: String,
    /// The ActivityPub URI.
    #[serde(default)]
    pub uri: Option<String>,
    /// The HTML page of the status.
    #[serde(default)]
    pub url: Option<String>,
    /// Creation time, ISO 8601.
    pub created_at: String,
    /// The status this replies to (local id).
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    /// Content warning.
    #[serde(default)]
    pub spoiler_text: String,
    /// HTML content.
    #[serde(default)]
    pub content: String,
    /// The author.
    pub account: MastodonAccount,
    /// The boosted status, for a boost.
    #[serde(default)]
    pub reblog: Option<Box<Status>>,
    /// ISO 639 language, if known.
    #[serde(default)]
    pub language: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<MastodonTag>,
}

/// The record for a timeline entry: the original status for a boost.
pub fn mastodon_record(host: &str, entry: &Status) -> Record {
    let boosted = entry.reblog.is_some();
    let s = entry.reblog.as_deref().unwrap_or(entry);
    let id = format!("mastodon:{host}:{}", s.id);
    let url = s
        .url
        .clone()
        .or_else(|| s.uri.clone())
        .unwrap_or_else(|| format!("https://{host}/statuses/{}", s.id));
    let kind = if s.in_reply_to_id.is_some() {
        RecordKind::Reply
    } else {
        RecordKind::Post
    };
    let mut r = Record {
        parent_id: s
            .in_reply_to_id
            .as_ref()
            .map(|p| format!("mastodon:{host}:{p}")),
        author: Some(s.account.acct.clone()),
        published: date::to_rfc3339(&s.created_at),
        title: (!s.spoiler_text.trim().is_empty()).then(|| s.spoiler_text.trim().to_string()),
        ..Record::new(id, url, kind, html::to_text(&s.content))
    };
    if let Some(lang) = &s.language {
        r = r.with_extra("language", lang.clone());
    }
    if !s.tags.is_empty() {
        let tags: Vec<&str> = s.tags.iter().map(|t| t.name.as_str()).collect();
        r = r.with_extra("tags", tags.join(","));
    }
    if boosted {
        r = r.with_extra("via", "boost");
    }
    r
}

/// A Bluesky post view (the fields we use).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostView {
    /// `at://DID/app.bsky.feed.post/RKEY`.
    pub uri: String,
    /// The author.
    pub author: BskyAuthor,
    /// The post record (`app.bsky.feed.post`).
    pub record: Value,
    /// When the AppView indexed it.
    #[serde(default)]
    pub indexed_at: Option<String>,
}

/// A Bluesky author (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct BskyAuthor {
    /// The DID.
    pub did: String,
    /// The handle.
    pub handle: String,
}

/// `app.bsky.feed.searchPosts` output.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchPosts {
    /// The page's posts.
    #[serde(default)]
    pub posts: Vec<PostView>,
    /// The cursor for the next (older) page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// An entry of an author feed.
#[derive(Debug, Clone, Deserialize)]
pub struct FeedViewPost {
    /// The post (the original, for a repost).
    pub post: PostView,
    /// Why it is in the feed (`#reasonRepost`), if not authored.
    #[serde(default)]
    pub reason: Option<Value>,
}

/// `app.bsky.feed.getAuthorFeed` output.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthorFeed {
    /// The page's entries.
    #[serde(default)]
    pub feed: Vec<FeedViewPost>,
    /// The cursor for the next (older) page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The record for a Bluesky post.
pub fn bluesky_record(p: &PostView) -> Record {
    let text = p
        .record
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let rkey = p.uri.rsplit('/').next().unwrap_or_default();
    let url = format!("https://bsky.app/profile/{}/post/{rkey}", p.author.handle);
    let reply = p.record.get("reply");
    let parent = reply
        .and_then(|r| r.pointer("/parent/uri"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let root = reply
        .and_then(|r| r.pointer("/root/uri"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let created = p
        .record
        .get("createdAt")
        .and_then(Value::as_str)
        .or(p.indexed_at.as_deref());
    let mut r = Record {
        thread_id: root.or_else(|| Some(p.uri.clone())),
        parent_id: parent.clone(),
        author: Some(p.author.handle.clone()),
        published: created.and_then(date::to_rfc3339),
        ..Record::new(
            p.uri.clone(),
            url,
            if parent.is_some() {
                RecordKind::Reply
            } else {
                RecordKind::Post
            },
            text,
        )
    };
    if let Some(langs) = p.record.get("langs").and_then(Value::as_array) {
        let l: Vec<&str> = langs.iter().filter_map(Value::as_str).collect();
        if !l.is_empty() {
            r = r.with_extra("language", l.join(","));
        }
    }
    r
}

/// A Reddit `Listing`'s data.
#[derive(Debug, Clone, Deserialize)]
pub struct ListingData {
    /// Fullname to pass as `after` for the next page.
    #[serde(default)]
    pub after: Option<String>,
    /// The things listed.
    #[serde(default)]
    pub children: Vec<Thing>,
}

/// A Reddit listing.
#[derive(Debug, Clone, Deserialize)]
pub struct Listing {
    /// Its data.
    pub data: ListingData,
}

/// A Reddit thing: `t3` link, `t1` comment, `more` stub.
#[derive(Debug, Clone, Deserialize)]
pub struct Thing {
    /// `t1`, `t3`, `more`, ….
    pub kind: String,
    /// The fields.
    pub data: Value,
}

/// A Reddit base-36 id as a number, for ordering (ids only grow).
pub fn reddit_id_number(id: &str) -> Option<u64> {
    let id = id.split_once('_').map_or(id, |(_, rest)| rest);
    u64::from_str_radix(id, 36).ok()
}

fn body_text(data: &Value, html_key: &str, text_key: &str) -> String {
    match data.get(html_key).and_then(Value::as_str) {
        Some(h) if !h.trim().is_empty() => html::to_text(h),
        _ => data
            .get(text_key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn removed(s: &str) -> bool {
    matches!(s.trim(), "[deleted]" | "[removed]")
}

fn published(data: &Value) -> Option<String> {
    let secs = data.get("created_utc").and_then(Value::as_f64)?;
    date::from_unix(secs as i64)
}

/// A link post (`t3`) to a record; `None` if deleted or not a `t3`.
pub fn reddit_post(base: &str, thing: &Thing) -> Option<Record> {
    if thing.kind != "t3" {
        return None;
    }
    let d = &thing.data;
    let name = d.get("name").and_then(Value::as_str)?;
    let author = d
        .get("author")
        .and_then(Value::as_str)
        .filter(|a| !removed(a));
    let body = body_text(d, "selftext_html", "selftext");
    let title = d.get("title").and_then(Value::as_str).map(str::to_string);
    if removed(&body) && title.is_none() {
        return None;
    }
    let permalink = d
        .get("permalink")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut r = Record {
        thread_id: Some(format!("reddit:{name}")),
        author: author.map(str::to_string),
        published: published(d),
        title,
        ..Record::new(
            format!("reddit:{name}"),
            format!("{}{permalink}", base.trim_end_matches('/')),
            RecordKind::Post,
            if removed(&body) { String::new() } else { body },
        )
    };
    if let Some(sub) = d.get("subreddit").and_then(Value::as_str) {
        r = r.with_extra("subreddit", sub);
    }
    if let Some(flair) = d.get("link_flair_text").and_then(Value::as_str) {
        r = r.with_extra("flair", flair);
    }
    Some(r)
}

/// Most comment ids one `/api/morechildren` request may ask for.
pub const MORECHILDREN_MAX: usize = 100;

/// Comments a Reddit tree leaves out, to be loaded by another request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum MoreStub {
    /// A `more` stub listing comment ids (base 36, without `t1_`), loaded
    /// through `/api/morechildren` at most [`MORECHILDREN_MAX`] at a time.
    Children {
        /// The ids.
        ids: Vec<String>,
    },
    /// A "continue this thread" stub (`count` 0, no ids): the replies
    /// under `parent` (a comment id without `t1_`), loaded through that
    /// comment's permalink.
    Continue {
        /// The comment whose replies were cut off.
        parent: String,
    },
}

/// What a thread's comment tree held.
#[derive(Debug, Clone, Default)]
pub struct CommentTree {
    /// The comments, depth first, with their base-36 id numbers.
    pub comments: Vec<(u64, Record)>,
    /// What the tree only stubs (`more`), to load next.
    pub more: Vec<MoreStub>,
    /// Deleted or removed comments skipped.
    pub skipped: usize,
}

/// The stubs for one `more` thing's data.
fn more_stubs(data: &Value) -> Vec<MoreStub> {
    let ids: Vec<String> = data
        .get("children")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(Value::as_str)
                .map(|id| id.trim_start_matches("t1_").to_string())
                .filter(|id| !id.is_empty() && id != "_")
                .collect()
        })
        .unwrap_or_default();
    if !ids.is_empty() {
        return ids
            .chunks(MORECHILDREN_MAX)
            .map(|c| MoreStub::Children { ids: c.to_vec() })
            .collect();
    }
    // "Continue this thread": no ids, the parent comment's permalink.
    match data
        .get("parent_id")
        .and_then(Value::as_str)
        .and_then(|p| p.strip_prefix("t1_"))
    {
        Some(parent) if !parent.is_empty() => vec![MoreStub::Continue {
            parent: parent.to_string(),
        }],
        _ => Vec::new(),
    }
}

/// Walks a thread's comment listing (the second element of
/// `/comments/ID.json`), or the flat `things` list `/api/morechildren`
/// returns (whose comments carry no nested `replies`).
pub fn reddit_comments(base: &str, link_fullname: &str, things: &[Thing]) -> CommentTree {
    let mut tree = CommentTree::default();
    fn walk(base: &str, link: &str, things: &[Thing], tree: &mut CommentTree) {
        for t in things {
            match t.kind.as_str() {
                "more" => tree.more.extend(more_stubs(&t.data)),
                "t1" => {
                    let d = &t.data;
                    let body = body_text(d, "body_html", "body");
                    let name = d.get("name").and_then(Value::as_str).unwrap_or_default();
                    let author = d
                        .get("author")
                        .and_then(Value::as_str)
                        .filter(|a| !removed(a));
                    match reddit_id_number(name) {
                        Some(n) if !removed(&body) && !body.is_empty() => {
                            let permalink = d
                                .get("permalink")
                                .and_then(Value::as_str)
                                .unwrap_or_default();
                            let r = Record {
                                thread_id: Some(format!("reddit:{link}")),
                                parent_id: d
                                    .get("parent_id")
                                    .and_then(Value::as_str)
                                    .map(|p| format!("reddit:{p}")),
                                author: author.map(str::to_string),
                                published: published(d),
                                ..Record::new(
                                    format!("reddit:{name}"),
                                    format!("{}{permalink}", base.trim_end_matches('/')),
                                    RecordKind::Comment,
                                    body,
                                )
                            };
                            tree.comments.push((n, r));
                        }
                        _ => tree.skipped += 1,
                    }
                    if let Some(replies) = d.get("replies")
                        && let Ok(l) = serde_json::from_value::<Listing>(replies.clone())
                    {
                        walk(base, link, &l.data.children, tree);
                    }
                }
                _ => {}
            }
        }
    }
    walk(base, link_fullname, things, &mut tree);
    tree
}

/// `/api/morechildren` output (with `api_type=json`).
#[derive(Debug, Clone, Deserialize)]
pub struct MoreChildren {
    /// The envelope.
    pub json: MoreChildrenJson,
}

/// The envelope of `/api/morechildren` output.
#[derive(Debug, Clone, Deserialize)]
pub struct MoreChildrenJson {
    /// Errors, as `[code, message, field]` triples.
    #[serde(default)]
    pub errors: Vec<Value>,
    /// The comments.
    #[serde(default)]
    pub data: Option<MoreChildrenData>,
}

/// The comments `/api/morechildren` returned.
#[derive(Debug, Clone, Deserialize)]
pub struct MoreChildrenData {
    /// Comments and further `more` stubs, flat, each with its `parent_id`.
    #[serde(default)]
    pub things: Vec<Thing>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boost_resolves_to_the_original() {
        let s: Status = serde_json::from_str(
            r#"{"id": "900", "created_at": "2025-03-05T09:00:00.000Z", "content": "", "account": {"id": "1", "acct": "booster"},
                "reblog": {"id": "850", "uri": "https://other.example/users/ana/statuses/1", "url": "https://other.example/@ana/1",
                           "created_at": "2025-03-04T10:15:30.123Z", "in_reply_to_id": "849", "spoiler_text": "side effects",
                           "content": "<p>Week two &amp; the nausea is <em>finally</em> easing.</p><p>#trialdiary</p>",
                           "account": {"id": "7", "acct": "ana@other.example"}, "language": "en", "tags": [{"name": "trialdiary"}]}}"#,
        )
        .unwrap();
        let r = mastodon_record("m.example", &s);
        assert_eq!(r.id, "mastodon:m.example:850");
        assert_eq!(r.url, "https://other.example/@ana/1");
        assert_eq!(r.author.as_deref(), Some("ana@other.example"));
        assert_eq!(r.kind, RecordKind::Reply);
        assert_eq!(r.parent_id.as_deref(), Some("mastodon:m.example:849"));
        assert_eq!(r.published.as_deref(), Some("2025-03-04T10:15:30.123Z"));
        assert_eq!(r.title.as_deref(), Some("side effects"));
        assert!(
            r.body
                .starts_with("Week two & the nausea is finally easing."),
            "{}",
            r.body
        );
        assert_eq!(r.extra_value("via"), Some("boost"));
    }

    #[test]
    fn reddit_ids_order() {
        assert_eq!(
            reddit_id_number("t3_1abcde"),
            Some(u64::from_str_radix("1abcde", 36).unwrap())
        );
        assert!(reddit_id_number("t1_zz").unwrap() < reddit_id_number("t1_100").unwrap());
        assert_eq!(reddit_id_number("t1_!"), None);
    }
}
