//! The posts source plugin: public posts from feeds (RSS 0.9x/1.0/2.0,
//! Atom, JSON Feed), Mastodon's public API, the Bluesky public AppView and
//! Reddit's listing JSON.
//!
//! The crate is a library first. Parsing is plain Rust, tested natively:
//!
//! 1. [`encoding`]: feed bytes to text (BOM, XML declaration, HTTP charset,
//!    Windows-1252 fallback).
//! 2. [`xml`] + [`feed`]: a forgiving XML tree over `quick-xml`, and the
//!    feed syntaxes mapped to one model (measured against feed-rs's fixtures).
//! 3. [`social`]: Mastodon statuses (boosts resolved), Bluesky post views,
//!    Reddit link posts and comment trees, to records.
//! 4. [`source`]: the paging state machine and its cursor, over the SDK's
//!    [`hearken_plugin_sdk::http::Transport`] so that tests run it against an
//!    in-memory site.
//!
//! [`config`] holds the configuration (`kind` = feed, mastodon, bluesky or
//! reddit). The plugin declares the host `*`: feeds live anywhere and
//! Mastodon instances vary, so which hosts a source may reach is the
//! operator's grant, which the host enforces.

pub mod config;
pub mod encoding;
pub mod feed;
pub mod social;
pub mod source;
pub mod xml;

use hearken_plugin_sdk::http::Client;
use hearken_plugin_sdk::{Batch, PluginInfo, SourceError};

/// The plugin, as the SDK's [`hearken_plugin_sdk::Source`] sees it.
pub struct Posts;

impl hearken_plugin_sdk::Source for Posts {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "posts".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Public posts from RSS/Atom/JSON feeds, Mastodon, Bluesky and Reddit, resumable without repeats.".into(),
            hosts: vec!["*".into()],
            config_schema: hearken_plugin_sdk::config::schema::<config::Config>(),
        }
    }

    fn fetch(config: &str, cursor: Option<&str>) -> Result<Batch, SourceError> {
        let config: config::Config = hearken_plugin_sdk::config::parse(config)?;
        source::fetch(&Client::new(), &config, cursor)
    }
}

#[cfg(target_family = "wasm")]
hearken_plugin_sdk::export_source!(Posts);
