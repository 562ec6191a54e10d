//! The transcripts source plugin: advisory-board and meeting transcripts
//! (WebVTT, SRT, speaker-turn text, JSON speaker-turn lists) read from files
//! the operator grants through the host's `read-input`, one record per
//! speaker turn.
//!
//! The crate is a library first: every format is a pure parser that runs
//! natively under `cargo test`, and [`source::fetch`] takes its inputs
//! through the [`source::Inputs`] trait. Only the last few lines of this file
//! touch the component boundary.
//!
//! How a file flows:
//!
//! 1. [`decode`]: bytes to text (BOMs, UTF-16/32, Windows-1252).
//! 2. [`transcript`]: format detection, then [`webvtt`] + [`cuetext`] (the
//!    W3C parsing rules, checked against the web-platform-tests), [`srt`],
//!    [`plain`] or [`jsonturns`], each producing [`turns::Segment`]s.
//! 3. [`turns`]: consecutive segments of one speaker joined into turns.
//! 4. [`source`]: turns to records, with ids, `file:` URLs with time
//!    fragments, roles from [`config`], and the resumable cursor.
//!
//! The plugin declares no hosts: it never touches the network.

pub mod config;
pub mod cuetext;
pub mod decode;
pub mod jsonturns;
pub mod plain;
pub mod source;
pub mod srt;
pub mod transcript;
pub mod turns;
pub mod webvtt;

use hearken_plugin_sdk::{Batch, PluginInfo, SourceError};

/// The plugin, as the SDK's [`hearken_plugin_sdk::Source`] sees it.
pub struct Transcripts;

impl hearken_plugin_sdk::Source for Transcripts {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "transcripts".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Meeting transcripts (WebVTT, SRT, speaker-turn text, JSON) from granted files, one record per speaker turn.".into(),
            hosts: Vec::new(),
            config_schema: hearken_plugin_sdk::config::schema::<config::Config>(),
        }
    }

    fn fetch(config: &str, cursor: Option<&str>) -> Result<Batch, SourceError> {
        let config: config::Config = hearken_plugin_sdk::config::parse(config)?;
        source::fetch(&config, cursor, &source::HostInputs)
    }
}

#[cfg(target_family = "wasm")]
hearken_plugin_sdk::export_source!(Transcripts);
