//! The forum source's configuration.
//!
//! One plugin serves every forum engine, so the config names the engine and
//! where to start; everything else has a default. The HTML engines come
//! with selector sets for their stock themes (phpBB prosilver, XenForo 2's
//! default style, vBulletin 4's and 5's default styles); `selectors` overrides any
//! one of them, and with `"engine": "selectors"` it describes a forum the
//! plugin has never heard of. The JSON Schema `describe` returns is derived
//! from these structs, so their doc comments are the operator's reference.

use schemars::JsonSchema;
use serde::Deserialize;

/// The configuration of one forum source.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The forum software. `discourse` reads the JSON API; the others read
    /// HTML pages.
    pub engine: Engine,
    /// Where to start. For HTML forums: the board index, one board (forum)
    /// or one thread, e.g. `http://127.0.0.1:8080/forum/index.html`. For
    /// Discourse: the site root, e.g. `https://forum.example.org/` (a
    /// subfolder install keeps its folder: `https://example.org/forum/`).
    #[schemars(url)]
    pub start_url: String,
    /// CSS selectors. Required for `engine: selectors`; for the other HTML
    /// engines each one given replaces that engine's default.
    #[serde(default)]
    pub selectors: Option<Selectors>,
    /// At most this many HTTP requests per run. A run that reaches it stops
    /// and the next run carries on where it stopped.
    #[serde(default = "default_max_pages")]
    #[schemars(range(min = 1))]
    pub max_pages_per_run: u32,
    /// The UTC offset of times the forum prints without a zone, e.g.
    /// `+01:00` (the board's configured time zone). Default `+00:00`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[+-]\d{2}:\d{2}$"))]
    pub utc_offset: Option<String>,
    /// Read all-number dates such as `03/04/2025` day first (`true`) or
    /// month first (`false`). By default: day first when the first number is
    /// over 12 or the separator is a dot, month first otherwise.
    #[serde(default)]
    pub day_first: Option<bool>,
    /// Discourse only: read one category instead of the whole site, as
    /// `slug/id` from its URL, e.g. `support/5`.
    #[serde(default)]
    pub category: Option<String>,
}

/// Which forum software serves the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// phpBB 3.x with the prosilver style (or a style derived from it).
    Phpbb,
    /// XenForo 2.x with the default style.
    Xenforo,
    /// vBulletin 4.x or 5.x with the default style.
    Vbulletin,
    /// Discourse, through its JSON API.
    Discourse,
    /// Any other forum: everything comes from `selectors`.
    Selectors,
}

/// CSS selectors that describe a forum's pages. List pages (the board index
/// and boards) give `board_link`, `topic_row`/`thread_link` and
/// `next_page`; thread pages give `post` and, inside each post, `author`,
/// `time`, `body`, `quote` and `signature`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    /// Links from a list page to boards (sub-forums) to crawl.
    #[serde(default)]
    pub board_link: Option<String>,
    /// Each thread's row on a list page. With `last_post`, lets a later run
    /// skip threads whose row has not changed.
    #[serde(default)]
    pub topic_row: Option<String>,
    /// The link to a thread (inside `topic_row` when that is given).
    #[serde(default)]
    pub thread_link: Option<String>,
    /// Inside `topic_row`: the part that changes when somebody replies
    /// (the "last post" cell).
    #[serde(default)]
    pub last_post: Option<String>,
    /// The link to the next page, on list and thread pages. Always tried in
    /// addition: `link[rel=next]` and `a[rel=next]`.
    #[serde(default)]
    pub next_page: Option<String>,
    /// Present only on a thread's pages after the first (a "previous page"
    /// link). Always tried in addition: `link[rel=prev]` and `a[rel=prev]`.
    #[serde(default)]
    pub prev_page: Option<String>,
    /// The thread's title on a thread page.
    #[serde(default)]
    pub title: Option<String>,
    /// Each post on a thread page. Its `id` (or `data-content`,
    /// `data-post-id`) attribute should carry the post's number.
    #[serde(default)]
    pub post: Option<String>,
    /// Inside a post: the author's name.
    #[serde(default)]
    pub author: Option<String>,
    /// Inside a post: when it was posted (`datetime`, `data-time`, `title`
    /// or text).
    #[serde(default)]
    pub time: Option<String>,
    /// Inside a post: what the author wrote.
    #[serde(default)]
    pub body: Option<String>,
    /// Inside the body: quotes of other posts, removed from the body.
    #[serde(default)]
    pub quote: Option<String>,
    /// Inside the post: the signature, removed from the body.
    #[serde(default)]
    pub signature: Option<String>,
    /// Inside the post: the "last edited" notice; its presence marks the
    /// post as edited.
    #[serde(default)]
    pub edited: Option<String>,
}

fn default_max_pages() -> u32 {
    500
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_plugin_sdk::config;

    #[test]
    fn minimal_config_gets_defaults() {
        let c: Config = config::parse(
            r#"{"engine":"phpbb","start_url":"http://127.0.0.1:8080/forum/index.html"}"#,
        )
        .unwrap();
        assert_eq!(c.engine, Engine::Phpbb);
        assert_eq!(c.max_pages_per_run, 500);
        assert_eq!(c.selectors, None);
    }

    #[test]
    fn bad_configs_name_the_field() {
        let e = config::parse::<Config>(r#"{"engine":"smf","start_url":"http://h/"}"#).unwrap_err();
        assert!(e.message().contains("engine"), "{e:?}");
        let e = config::parse::<Config>(
            r#"{"engine":"selectors","start_url":"http://h/","selectors":{"posts":"div"}}"#,
        )
        .unwrap_err();
        assert!(
            e.message().contains("selectors") && e.message().contains("posts"),
            "{e:?}"
        );
    }

    #[test]
    fn schema_describes_every_field() {
        let s: serde_json::Value = serde_json::from_str(&config::schema::<Config>()).unwrap();
        assert_eq!(s["required"], serde_json::json!(["engine", "start_url"]));
        assert_eq!(s["additionalProperties"], false);
        for field in [
            "engine",
            "start_url",
            "selectors",
            "max_pages_per_run",
            "utc_offset",
            "day_first",
            "category",
        ] {
            assert!(
                s["properties"][field]["description"].is_string(),
                "{field} has no description"
            );
        }
        for field in [
            "post",
            "author",
            "time",
            "body",
            "quote",
            "signature",
            "next_page",
            "thread_link",
            "topic_row",
        ] {
            assert!(
                s["$defs"]["Selectors"]["properties"][field]["description"].is_string(),
                "selectors.{field} has no description"
            );
        }
        assert_eq!(s["properties"]["max_pages_per_run"]["default"], 500);
        assert!(s["$defs"]["Selectors"]["properties"]["signature"].is_object());
    }
}
