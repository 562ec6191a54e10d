//! The guest SDK for Hearken source plugins.
//!
//! A source plugin is a WebAssembly component that implements the
//! `hearken:source` world (`wit/since_v0.1.0/source.wit`). This crate turns
//! that contract into ordinary Rust so that a plugin is mostly its parsing
//! logic:
//!
//! * [`Source`] is the trait a plugin implements and [`export_source!`]
//!   exports it as the component's `describe` and `fetch`. It wraps the
//!   generated `Guest` trait (the shape Zed's `extension_api` uses) so that
//!   plugins see `&str` and `Option<&str>` instead of owned ABI strings, and
//!   so that a later contract version can be bridged here without every
//!   plugin changing.
//! * [`host`] is typed access to the four imports (`http-get`, `read-input`,
//!   `log`, `now`). Off WebAssembly (in a plugin's native `cargo test`) they
//!   do not trap: the clock is the system clock, logs go to stderr, and
//!   `http-get` and `read-input` return a clear error, so tests inject a
//!   [`http::Transport`] instead.
//! * [`http`]: status handling, charset-aware decoding, JSON, query building,
//!   and [`http::MemorySite`], an in-memory web site for tests.
//! * [`cursor`]: a typed, versioned cursor ⇄ the opaque string the host keeps.
//! * [`date`]: every date format feeds and forums print, to RFC 3339.
//! * [`html`]: HTML to plain text, optionally skipping quotes and signatures.
//! * [`paging`]: several pages in one `fetch`, where only the first page may
//!   fail the call.
//! * [`config`]: serde decoding of the JSON config that names the bad field,
//!   and the JSON Schema `describe` returns, derived from the same struct.
//! * [`log!`], [`trace!`], [`debug!`], [`info!`], [`warn!`], [`error!`]:
//!   `format!`-style logging through the host.
//!
//! # A whole plugin
//!
//! ```no_run
//! use hearken_plugin_sdk::{Batch, PluginInfo, Record, RecordKind, Source, SourceError};
//! use hearken_plugin_sdk::{config, cursor, http};
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! #[serde(deny_unknown_fields)]
//! struct Config {
//!     /// The JSON endpoint to read.
//!     url: String,
//! }
//!
//! #[derive(Default, serde::Serialize, serde::Deserialize)]
//! struct State {
//!     seen: u64,
//! }
//! impl cursor::CursorState for State {
//!     const VERSION: u32 = 1;
//! }
//!
//! struct Example;
//!
//! impl Source for Example {
//!     fn describe() -> PluginInfo {
//!         PluginInfo {
//!             name: "example".into(),
//!             version: env!("CARGO_PKG_VERSION").into(),
//!             description: "Reads one JSON list.".into(),
//!             hosts: vec!["api.example.org".into()],
//!             config_schema: config::schema::<Config>(),
//!         }
//!     }
//!
//!     fn fetch(config: &str, cursor: Option<&str>) -> Result<Batch, SourceError> {
//!         let config: Config = config::parse(config)?;
//!         let mut state: State = cursor::decode_or_default(cursor)?;
//!         let items: Vec<String> = http::get_json(&config.url)?;
//!         let records = items
//!             .iter()
//!             .skip(state.seen as usize)
//!             .enumerate()
//!             .map(|(i, text)| {
//!                 let id = state.seen + i as u64;
//!                 Record::new(id.to_string(), format!("{}#{id}", config.url), RecordKind::Post, text.clone())
//!             })
//!             .collect::<Vec<_>>();
//!         state.seen += records.len() as u64;
//!         hearken_plugin_sdk::info!("read {} new items", records.len());
//!         Ok(Batch::done(records, Some(cursor::encode(&state))))
//!     }
//! }
//!
//! hearken_plugin_sdk::export_source!(Example);
//! ```
//!
//! Build it with `cargo build --target wasm32-wasip2` and a
//! `crate-type = ["cdylib", "rlib"]` library: the `cdylib` is the component,
//! the `rlib` lets `cargo test` run the parsing natively. (Deriving
//! `JsonSchema` needs `schemars = "1.2.3"` in the plugin's own
//! `Cargo.toml`, or `#[schemars(crate = "hearken_plugin_sdk::schemars")]`
//! on the struct.)
//!
//! # Testing a plugin natively
//!
//! Write the crawl against [`http::Client`]`<T: `[`http::Transport`]`>`
//! rather than the free functions, and give it an [`http::MemorySite`] in
//! tests:
//!
//! ```
//! use hearken_plugin_sdk::http::{Client, MemorySite, Transport};
//!
//! fn count_items<T: Transport>(client: &Client<T>, url: &str) -> Result<usize, hearken_plugin_sdk::http::HttpError> {
//!     Ok(client.get_json::<Vec<serde_json::Value>>(url)?.len())
//! }
//!
//! let mut site = MemorySite::new();
//! site.json("http://api.example.org/items", "[1, 2, 3]");
//! assert_eq!(count_items(&Client::with_transport(&site), "http://api.example.org/items").unwrap(), 3);
//! assert_eq!(site.requests(), ["http://api.example.org/items"]);
//! ```
//!
//! In the component, `Client::new()` is the same client over the host's
//! `http-get`. Keep everything else a plugin needs in the cursor and the
//! whole `fetch` can be driven natively the way the host drives it: call,
//! take the cursor, call again until a batch is `exhausted`.

// Lets the generated bindings name this crate by its public path
// (`hearken_plugin_sdk::bindings`), which is also what the export macro
// expands to inside a plugin crate.
extern crate self as hearken_plugin_sdk;

pub mod config;
pub mod cursor;
pub mod date;
pub mod host;
pub mod html;
pub mod http;
mod log;
pub mod paging;

/// The bindings `wit-bindgen` generates for the `source` world.
///
/// Plugins rarely need this: the types are re-exported at the crate root, the
/// imports are wrapped by [`host`], and the exports by [`Source`]. It is public
/// because [`export_source!`] expands to code that names it.
#[allow(unsafe_code, missing_docs, clippy::all)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit/since_v0.1.0",
        world: "source",
        pub_export_macro: true,
        default_bindings_module: "hearken_plugin_sdk::bindings",
        export_macro_name: "export_raw",
        additional_derives: [PartialEq],
    });
}

pub use bindings::hearken::source::types::{
    Batch, BodyFormat, PluginInfo, Record, RecordKind, SourceError,
};

// The crates the SDK's signatures use (`time::OffsetDateTime`,
// `scraper::ElementRef`, …) and the derive macros' runtime crates, so a
// plugin can name them, and derive its config (`#[derive(serde::Deserialize, hearken_plugin_sdk::schemars::JsonSchema)]`
// with `#[schemars(crate = "hearken_plugin_sdk::schemars")]`) without
// depending on matching versions itself.
pub use schemars;
pub use scraper;
pub use serde;
pub use serde_json;
pub use time;
pub use url;

/// What a source plugin implements: the two exports of the `source` world.
///
/// The host creates a fresh instance for every call, so a plugin keeps no
/// state between calls: everything it needs to resume goes in the cursor it
/// returns (see [`cursor`]).
pub trait Source {
    /// Describes the plugin: its name, version, description, the hosts it may
    /// contact and the JSON Schema of its config. Called once at load; it
    /// must not call any import.
    fn describe() -> PluginInfo;

    /// Fetches the next page of records.
    ///
    /// `config` is the source's configuration as JSON, already validated
    /// against the schema `describe` returned; `cursor` is the cursor the
    /// previous batch returned, or `None` on a source's first run. The host
    /// calls `fetch` again with the returned cursor until a batch says it is
    /// `exhausted`.
    fn fetch(config: &str, cursor: Option<&str>) -> Result<Batch, SourceError>;
}

/// Exports a [`Source`] implementation as the component's `describe` and
/// `fetch`. Use it once, at the root of the plugin crate:
///
/// ```ignore
/// struct Forum;
/// impl hearken_plugin_sdk::Source for Forum { /* … */ }
/// hearken_plugin_sdk::export_source!(Forum);
/// ```
#[macro_export]
macro_rules! export_source {
    ($source:ty) => {
        #[allow(unsafe_code)]
        const _: () = {
            struct __HearkenSourceExport;

            impl $crate::bindings::Guest for __HearkenSourceExport {
                fn describe() -> $crate::PluginInfo {
                    <$source as $crate::Source>::describe()
                }

                fn fetch(
                    config: ::std::string::String,
                    cursor: ::std::option::Option<::std::string::String>,
                ) -> ::std::result::Result<$crate::Batch, $crate::SourceError> {
                    <$source as $crate::Source>::fetch(&config, cursor.as_deref())
                }
            }

    $crate::bindings::export_raw!(__HearkenSourceExport with_types_in $crate::bindings);
        };
    };
}

impl Record {
    /// A record with the four fields every record has; everything else
    /// empty. The body is plain text ([`BodyFormat::Text`]); set
    /// `body_format` to [`BodyFormat::Html`] to pass markup to the host.
    ///
    /// Fill in the rest with struct update syntax:
    /// `Record { author: Some(handle), ..Record::new(id, url, kind, body) }`.
    pub fn new(
        id: impl Into<String>,
        url: impl Into<String>,
        kind: RecordKind,
        body: impl Into<String>,
    ) -> Record {
        Record {
            id: id.into(),
            url: url.into(),
            kind,
            thread_id: None,
            parent_id: None,
            author: None,
            speaker_role: None,
            published: None,
            title: None,
            body: body.into(),
            body_format: BodyFormat::Text,
            extra: Vec::new(),
        }
    }

    /// Adds one `extra` key/value and returns the record.
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<String>) -> Record {
        self.extra.push((key.into(), value.into()));
        self
    }

    /// The first `extra` value under `key`.
    pub fn extra_value(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Batch {
    /// A page after which there is more to fetch now: the host calls `fetch`
    /// again straight away with `cursor`.
    pub fn more(records: Vec<Record>, cursor: String) -> Batch {
        Batch {
            records,
            cursor: Some(cursor),
            exhausted: false,
        }
    }

    /// The last page for now: the host stores `cursor` (or keeps the one it
    /// passed in, if `None`) and calls again at the next scheduled run.
    pub fn done(records: Vec<Record>, cursor: Option<String>) -> Batch {
        Batch {
            records,
            cursor,
            exhausted: true,
        }
    }
}

impl SourceError {
    /// The message inside, whatever the variant.
    pub fn message(&self) -> &str {
        match self {
            SourceError::Config(m)
            | SourceError::Http(m)
            | SourceError::Parse(m)
            | SourceError::Input(m)
            | SourceError::Other(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_new_fills_only_the_required_fields() {
        let r = Record::new("p1", "http://x/t#p1", RecordKind::Reply, "hi")
            .with_extra("edited", "true");
        assert_eq!(r.id, "p1");
        assert_eq!(r.body_format, BodyFormat::Text);
        assert_eq!(r.author, None);
        assert_eq!(r.extra_value("edited"), Some("true"));
        assert_eq!(r.extra_value("tags"), None);
    }

    #[test]
    fn batch_constructors_set_exhausted() {
        assert!(!Batch::more(vec![], "c".into()).exhausted);
        let done = Batch::done(vec![], None);
        assert!(done.exhausted);
        assert_eq!(done.cursor, None);
    }

    #[test]
    fn source_error_message_is_the_payload() {
        assert_eq!(SourceError::Parse("bad row".into()).message(), "bad row");
    }
}
