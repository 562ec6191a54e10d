//! The posts plugin's configuration: one source kind per source.
//!
//! `kind` picks the reader; each kind lists its *streams* (feeds, hashtags,
//! accounts, searches, subreddits, threads), which the plugin reads one page
//! at a time, in order, remembering each stream's position in the cursor.
//! Every kind caps how many pages one run may walk back (`max_pages`), so a
//! first run on a busy hashtag does not try to read its whole history.

use hearken_plugin_sdk::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn default_feed_pages() -> u32 {
    20
}
fn default_api_pages() -> u32 {
    10
}
fn default_mastodon_limit() -> u32 {
    40
}
fn default_bluesky_limit() -> u32 {
    50
}
fn default_reddit_limit() -> u32 {
    100
}
fn default_appview() -> String {
    "https://public.api.bsky.app".to_string()
}
fn default_reddit() -> String {
    "https://www.reddit.com".to_string()
}

/// The configuration of a posts source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Config {
    /// RSS, Atom or JSON Feed documents.
    Feed(FeedConfig),
    /// A Mastodon instance's public API.
    Mastodon(MastodonConfig),
    /// The Bluesky public AppView.
    Bluesky(BlueskyConfig),
    /// Reddit's public listing JSON.
    Reddit(RedditConfig),
}

/// Feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Feed URLs (http or https). Older pages are followed through
    /// `<atom:link rel="next">` (RFC 5005) or JSON Feed's `next_url`.
    #[schemars(length(min = 1))]
    pub urls: Vec<String>,
    /// Most pages of one feed read in one run.
    #[serde(default = "default_feed_pages")]
    #[schemars(range(min = 1))]
    pub max_pages: u32,
}

/// Mastodon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct MastodonConfig {
    /// The instance's base URL, e.g. `https://mastodon.example`.
    pub instance: String,
    /// Hashtags to follow, without `#`.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// Accounts whose public statuses to read, as `user` or `user@domain`.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Statuses per request (the API allows up to 40).
    #[serde(default = "default_mastodon_limit")]
    #[schemars(range(min = 1, max = 40))]
    pub limit: u32,
    /// Most pages of one stream read in one run.
    #[serde(default = "default_api_pages")]
    #[schemars(range(min = 1))]
    pub max_pages: u32,
}

/// Bluesky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct BlueskyConfig {
    /// The AppView's base URL.
    #[serde(default = "default_appview")]
    pub appview: String,
    /// Search queries for `app.bsky.feed.searchPosts` (newest first).
    #[serde(default)]
    pub queries: Vec<String>,
    /// Handles or DIDs for `app.bsky.feed.getAuthorFeed`.
    #[serde(default)]
    pub actors: Vec<String>,
    /// Posts per request (the API allows up to 100).
    #[serde(default = "default_bluesky_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    /// Most pages of one stream read in one run.
    #[serde(default = "default_api_pages")]
    #[schemars(range(min = 1))]
    pub max_pages: u32,
}

/// Reddit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct RedditConfig {
    /// Reddit's base URL.
    #[serde(default = "default_reddit")]
    pub base: String,
    /// Subreddits whose `new` listing to read, without `r/`.
    #[serde(default)]
    pub subreddits: Vec<String>,
    /// Threads whose comment tree to read, by id (`1abcde`).
    #[serde(default)]
    pub threads: Vec<String>,
    /// Items per request (the API allows up to 100).
    #[serde(default = "default_reddit_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    /// Most pages of one subreddit read in one run.
    #[serde(default = "default_api_pages")]
    #[schemars(range(min = 1))]
    pub max_pages: u32,
}

/// One thing to page through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    /// A feed URL.
    Feed(String),
    /// A Mastodon hashtag.
    MastodonTag(String),
    /// A Mastodon account.
    MastodonAccount(String),
    /// A Bluesky search.
    BlueskySearch(String),
    /// A Bluesky author.
    BlueskyAuthor(String),
    /// A subreddit's `new` listing.
    Subreddit(String),
    /// A Reddit thread's comments.
    RedditThread(String),
}

impl Stream {
    /// The stream's key in the cursor.
    pub fn key(&self) -> String {
        match self {
            Stream::Feed(u) => format!("feed:{u}"),
            Stream::MastodonTag(t) => format!("tag:{t}"),
            Stream::MastodonAccount(a) => format!("account:{a}"),
            Stream::BlueskySearch(q) => format!("search:{q}"),
            Stream::BlueskyAuthor(a) => format!("author:{a}"),
            Stream::Subreddit(s) => format!("r:{s}"),
            Stream::RedditThread(t) => format!("thread:{t}"),
        }
    }
}

impl Config {
    /// The streams, in the order a run reads them.
    pub fn streams(&self) -> Vec<Stream> {
        match self {
            Config::Feed(c) => c.urls.iter().cloned().map(Stream::Feed).collect(),
            Config::Mastodon(c) => c
                .hashtags
                .iter()
                .map(|t| Stream::MastodonTag(t.trim_start_matches('#').to_string()))
                .chain(
                    c.accounts
                        .iter()
                        .map(|a| Stream::MastodonAccount(a.trim_start_matches('@').to_string())),
                )
                .collect(),
            Config::Bluesky(c) => c
                .queries
                .iter()
                .cloned()
                .map(Stream::BlueskySearch)
                .chain(c.actors.iter().cloned().map(Stream::BlueskyAuthor))
                .collect(),
            Config::Reddit(c) => c
                .subreddits
                .iter()
                .map(|s| Stream::Subreddit(s.trim_start_matches("r/").to_string()))
                .chain(c.threads.iter().cloned().map(Stream::RedditThread))
                .collect(),
        }
    }

    /// The per-stream page cap for one run.
    pub fn max_pages(&self) -> u32 {
        match self {
            Config::Feed(c) => c.max_pages,
            Config::Mastodon(c) => c.max_pages,
            Config::Bluesky(c) => c.max_pages,
            Config::Reddit(c) => c.max_pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, hearken_plugin_sdk::SourceError> {
        hearken_plugin_sdk::config::parse(s)
    }

    #[test]
    fn each_kind_parses_with_defaults() {
        let c =
            parse(r#"{"kind": "feed", "urls": ["http://127.0.0.1:8080/posts/feed.xml"]}"#).unwrap();
        assert_eq!(c.max_pages(), 20);
        assert_eq!(
            c.streams(),
            [Stream::Feed("http://127.0.0.1:8080/posts/feed.xml".into())]
        );
        let c = parse(r##"{"kind": "mastodon", "instance": "https://m.example", "hashtags": ["#clinicaltrials"], "accounts": ["@nurse_jo@m.example"]}"##).unwrap();
        assert_eq!(
            c.streams(),
            [
                Stream::MastodonTag("clinicaltrials".into()),
                Stream::MastodonAccount("nurse_jo@m.example".into())
            ]
        );
        let Config::Bluesky(b) =
            parse(r#"{"kind": "bluesky", "queries": ["clinical trial"]}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(b.appview, "https://public.api.bsky.app");
        let c = parse(
            r#"{"kind": "reddit", "subreddits": ["r/ClinicalTrials"], "threads": ["1abcde"]}"#,
        )
        .unwrap();
        assert_eq!(c.streams()[0].key(), "r:ClinicalTrials");
    }

    #[test]
    fn unknown_fields_and_kinds_are_errors() {
        assert!(parse(r#"{"kind": "feed", "urls": [], "url": "x"}"#).is_err());
        assert!(parse(r#"{"kind": "gopher", "urls": []}"#).is_err());
        let schema: serde_json::Value =
            serde_json::from_str(&hearken_plugin_sdk::config::schema::<Config>()).unwrap();
        assert!(schema.get("oneOf").is_some(), "{schema}");
    }
}
