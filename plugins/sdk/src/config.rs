//! A plugin's configuration: decoding and its JSON Schema, from one struct.
//!
//! The host validates a source's config against the schema `describe`
//! returns before the first `fetch`, but a plugin still decodes it itself,
//! and an error there must say *which field* is wrong: [`parse`] goes
//! through `serde_path_to_error`, so the message reads
//! ``config: at `selectors.post`: missing field `body` `` rather than
//! serde_json's bare ``missing field `body` at line 1 column 80``.
//!
//! [`schema`] derives the JSON Schema (draft 2020-12, as the contract asks)
//! with `schemars` from the same struct. Doc comments on the fields become
//! `description`s, `#[serde(default)]` values become `default`s and
//! `#[serde(deny_unknown_fields)]` becomes `additionalProperties: false`, so
//! the schema cannot drift from what the plugin accepts.

use serde::de::DeserializeOwned;

use crate::SourceError;

/// Decodes the JSON `config` into `T`. A bad config becomes
/// [`SourceError::Config`] naming the field and what is wrong with it.
pub fn parse<T: DeserializeOwned>(config: &str) -> Result<T, SourceError> {
    let de = &mut serde_json::Deserializer::from_str(config);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            SourceError::Config(format!("config: {inner}"))
        } else {
            SourceError::Config(format!("config: at `{path}`: {inner}"))
        }
    })
}

/// The JSON Schema (draft 2020-12) of `T`, as a JSON string for
/// `PluginInfo::config_schema`.
pub fn schema<T: schemars::JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    serde_json::to_string(&schema).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Selectors {
        /// One post.
        post: String,
        /// Its body.
        body: String,
    }

    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Config {
        /// Where to start.
        start_url: String,
        /// How many pages a run may read.
        #[serde(default = "default_pages")]
        max_pages: u32,
        selectors: Option<Selectors>,
    }

    fn default_pages() -> u32 {
        50
    }

    #[test]
    fn good_config_parses_with_defaults() {
        let c: Config = parse(r#"{"start_url":"http://h/"}"#).unwrap();
        assert_eq!(c.max_pages, 50);
        assert!(c.selectors.is_none());
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse::<Config>(r#"{"start_url":"http://h/","selectors":{"post":"div.post"}}"#)
            .unwrap_err();
        let SourceError::Config(m) = e else {
            panic!("{e:?}")
        };
        assert!(
            m.contains("`selectors`") && m.contains("missing field `body`"),
            "{m}"
        );

        let e = parse::<Config>(r#"{"start_url":"http://h/","max_pages":"many"}"#).unwrap_err();
        assert!(e.message().contains("`max_pages`"), "{e:?}");

        let e = parse::<Config>(r#"{"start_url":"http://h/","max_page":3}"#).unwrap_err();
        assert!(e.message().contains("unknown field `max_page`"), "{e:?}");

        let e = parse::<Config>("{").unwrap_err();
        assert!(matches!(e, SourceError::Config(_)));
    }

    #[test]
    fn schema_matches_the_struct() {
        let s: serde_json::Value = serde_json::from_str(&schema::<Config>()).unwrap();
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["required"], serde_json::json!(["start_url"]));
        assert_eq!(s["properties"]["max_pages"]["default"], 50);
        assert_eq!(
            s["properties"]["start_url"]["description"],
            "Where to start."
        );
    }
}
