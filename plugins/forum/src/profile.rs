//! Selector sets for the HTML forum engines, compiled once per call.
//!
//! Each engine's defaults follow the markup its stock style renders:
//! phpBB 3.3 prosilver, XenForo 2.x, vBulletin 4.2 and 5.x. Where an engine's
//! markup varies between versions the selector lists every variant
//! (phpBB 3.0's `div.postbody h3 + p.author` time text against 3.3's
//! `<time datetime>`), so one profile reads a range of versions. An
//! operator's `selectors` replace individual entries; for
//! `engine: selectors` they are all there is, and `thread_link`, `post`
//! and `body` are required.
//!
//! Quotes and signatures are the selectors the body walk skips. Getting
//! them wrong is not cosmetic: a reply that quotes another post would be
//! indexed as saying the quoted words, so they are as specific as the
//! engine allows (vBulletin wraps the whole post in `blockquote.postcontent`,
//! so "any blockquote" would drop every vBulletin post).

use hearken_plugin_sdk::SourceError;
use hearken_plugin_sdk::html::selector;
use scraper::Selector;

use crate::config::{Engine, Selectors};
use crate::stream;

/// Compiled selectors for one HTML forum.
#[derive(Debug)]
pub struct Profile {
    /// Links to boards.
    pub board_link: Option<Selector>,
    /// Thread rows on list pages.
    pub topic_row: Option<Selector>,
    /// Thread links.
    pub thread_link: Selector,
    /// The changing part of a thread row.
    pub last_post: Option<Selector>,
    /// Next-page links.
    pub next_page: Selector,
    /// Previous-page links.
    pub prev_page: Selector,
    /// The thread title.
    pub title: Selector,
    /// Posts.
    pub post: Selector,
    /// Author, inside a post.
    pub author: Selector,
    /// Time, inside a post.
    pub time: Selector,
    /// Body, inside a post.
    pub body: Selector,
    /// Quotes, inside a body.
    pub quote: Selector,
    /// What the body walk skips: quotes, signatures and engine clutter.
    pub skip: Vec<Selector>,
    /// The "last edited" notice, inside a post.
    pub edited: Option<Selector>,
    /// The fragment prefix of a post permalink (`p` → `#p1234`).
    pub anchor_prefix: &'static str,
    /// The engine-independent selectors the page reader uses.
    pub fixed: Fixed,
    /// The same selectors for the streaming reader; `None` when one of them
    /// is beyond what it can match (see [`crate::stream`]).
    pub stream: Option<stream::Selectors>,
}

/// Selectors every engine shares, compiled once per call with the rest:
/// parsing a selector costs more than matching it, and some of these are
/// used for every post or thread row of every page.
#[derive(Debug)]
pub struct Fixed {
    /// Thread prefixes ("Question", "Solved"): labels, not the title.
    pub labels: Vec<Selector>,
    /// A machine-readable time inside a post's time element.
    pub inner_time: Selector,
    /// An element naming the post a quote quotes.
    pub marked_post: Selector,
    /// Links.
    pub links: Selector,
    /// A machine-readable time inside a thread row's last-post cell.
    pub row_time: Selector,
    /// `<base href>`.
    pub base: Selector,
}

/// The CSS of the [`Fixed`] selectors.
#[derive(Debug, Clone, Copy)]
pub struct FixedCss {
    /// The CSS of [`Fixed::labels`].
    pub labels: &'static str,
    /// The CSS of [`Fixed::inner_time`].
    pub inner_time: &'static str,
    /// The CSS of [`Fixed::marked_post`].
    pub marked_post: &'static str,
    /// The CSS of [`Fixed::links`].
    pub links: &'static str,
    /// The CSS of [`Fixed::row_time`].
    pub row_time: &'static str,
    /// The CSS of [`Fixed::base`].
    pub base: &'static str,
}

/// What every engine shares.
pub const FIXED_CSS: FixedCss = FixedCss {
    labels: ".label, .label-append, .prefix",
    inner_time: "time, [datetime], [data-time]",
    marked_post: "[data-post-id]",
    links: "a[href]",
    row_time: "[datetime], [data-timestamp]",
    base: "base[href]",
};

impl Fixed {
    fn new() -> Result<Fixed, SourceError> {
        let internal = |css: &str| {
            selector(css).map_err(|e| SourceError::Other(format!("built-in selector `{css}`: {e}")))
        };
        let c = FIXED_CSS;
        Ok(Fixed {
            labels: vec![internal(c.labels)?],
            inner_time: internal(c.inner_time)?,
            marked_post: internal(c.marked_post)?,
            links: internal(c.links)?,
            row_time: internal(c.row_time)?,
            base: internal(c.base)?,
        })
    }
}

struct Defaults {
    board_link: Option<&'static str>,
    topic_row: Option<&'static str>,
    thread_link: Option<&'static str>,
    last_post: Option<&'static str>,
    next_page: &'static str,
    prev_page: &'static str,
    title: &'static str,
    post: Option<&'static str>,
    author: &'static str,
    time: &'static str,
    body: Option<&'static str>,
    quote: &'static str,
    signature: &'static str,
    clutter: &'static str,
    edited: Option<&'static str>,
    anchor_prefix: &'static str,
}

const GENERIC_NEXT: &str = "link[rel=next], a[rel=next]";
const GENERIC_PREV: &str = "link[rel=prev], a[rel=prev]";

fn defaults(engine: Engine) -> Defaults {
    match engine {
        Engine::Phpbb => Defaults {
            board_link: Some("a.forumtitle"),
            topic_row: Some("ul.topiclist.topics > li.row"),
            thread_link: Some("a.topictitle"),
            last_post: Some("dd.lastpost"),
            next_page: ".pagination li.next a, .pagination a.right-box.right",
            prev_page: ".pagination li.previous a, .pagination a.left-box.left",
            title: "h2.topic-title, h2 > a.topictitle",
            post: Some("div.post[id^=p]"),
            author: ".postprofile .username, .postprofile .username-coloured, p.author .username, p.author .username-coloured, p.author strong",
            time: "p.author",
            body: Some("div.content"),
            quote: "blockquote",
            signature: "div.signature",
            clutter: "dl.attachbox, div.inline-attachment, .rules",
            edited: Some("div.notice"),
            anchor_prefix: "p",
        },
        Engine::Xenforo => Defaults {
            board_link: Some(".node-title a"),
            topic_row: Some(".structItem--thread"),
            thread_link: Some(".structItem-title a[href*='threads/']"),
            last_post: Some(".structItem-cell--latest"),
            next_page: "a.pageNav-jump--next",
            prev_page: "a.pageNav-jump--prev",
            title: "h1.p-title-value",
            post: Some("article.message--post"),
            author: ".message-name .username, .message-name",
            time: ".message-attribution-main time, time.u-dt",
            body: Some(".message-body .bbWrapper"),
            quote: "blockquote.bbCodeBlock--quote",
            signature: ".message-signature",
            clutter: ".bbCodeBlock--unfurl, .js-selectToQuoteEnd",
            edited: Some(".message-lastEdit"),
            anchor_prefix: "post-",
        },
        // vBulletin 4 (`li.postbitlegacy`, `div#post_message_N`) and
        // vBulletin 5 (`li.b-post[data-node-id]`, `.js-post__content-text`)
        // side by side: boards upgrade without changing URLs or content.
        Engine::Vbulletin => Defaults {
            board_link: Some("h2.forumtitle a, ol.subforumlist a, a.forum-title"),
            topic_row: Some("li.threadbit, tr.topic-item"),
            thread_link: Some("a.title, a.topic-title"),
            last_post: Some("dl.threadlastpost, td.cell-lastpost"),
            next_page: ".pagination span.prev_next a[rel=next], .pagenav a.right-arrow:not(.h-disabled)",
            prev_page: ".pagination span.prev_next a[rel=prev], .pagenav a.left-arrow:not(.h-disabled)",
            title: "span.threadtitle, h1 span.threadtitle, h1.main-title",
            post: Some("li.postcontainer, li.postbit, li.postbitlegacy, li.b-post"),
            author: ".username strong, a.username, .username, .b-userinfo__details .author",
            time: "span.postdate span.date, span.date, .b-post__timestamp time",
            body: Some("div[id^=post_message_], div.js-post__content-text"),
            quote: ".bbcode_quote",
            signature: ".signaturecontainer, blockquote.signature, .post-signature, .b-post__signature",
            clutter: ".attachments, .b-post-attachments",
            edited: Some("blockquote.lastedited, .lastedited, .b-post__edit"),
            anchor_prefix: "post",
        },
        Engine::Selectors | Engine::Discourse => Defaults {
            board_link: None,
            topic_row: None,
            thread_link: None,
            last_post: None,
            next_page: GENERIC_NEXT,
            prev_page: GENERIC_PREV,
            title: "h1",
            post: None,
            author: ".author, .username",
            time: "time",
            body: None,
            quote: "blockquote",
            signature: ".signature",
            clutter: "",
            edited: None,
            anchor_prefix: "",
        },
    }
}

fn compile(field: &str, css: &str) -> Result<Selector, SourceError> {
    selector(css).map_err(|e| SourceError::Config(format!("config: at `selectors.{field}`: {e}")))
}

/// The operator's selector for a field, else the engine's (an empty default
/// means the engine has none).
fn chosen(given: &Option<String>, default: Option<&str>) -> Option<String> {
    match (given, default) {
        (Some(css), _) => Some(css.clone()),
        (None, Some(css)) if !css.is_empty() => Some(css.to_string()),
        _ => None,
    }
}

fn required(field: &str, css: Option<String>) -> Result<String, SourceError> {
    css.ok_or_else(|| {
        SourceError::Config(format!(
            "config: at `selectors`: `{field}` is required for the `selectors` engine"
        ))
    })
}

/// The CSS of every selector a profile uses, once defaults and overrides are
/// settled: what both page readers compile.
#[derive(Debug, Clone)]
pub struct Css {
    /// The CSS of [`Profile::board_link`].
    pub board_link: Option<String>,
    /// The CSS of [`Profile::topic_row`].
    pub topic_row: Option<String>,
    /// The CSS of [`Profile::thread_link`].
    pub thread_link: String,
    /// The CSS of [`Profile::last_post`].
    pub last_post: Option<String>,
    /// The CSS of [`Profile::next_page`].
    pub next_page: String,
    /// The CSS of [`Profile::prev_page`].
    pub prev_page: String,
    /// The CSS of [`Profile::title`].
    pub title: String,
    /// The CSS of [`Profile::post`].
    pub post: String,
    /// The CSS of [`Profile::author`].
    pub author: String,
    /// The CSS of [`Profile::time`].
    pub time: String,
    /// The CSS of [`Profile::body`].
    pub body: String,
    /// The CSS of [`Profile::quote`].
    pub quote: String,
    /// Signatures, which the body walk skips.
    pub signature: Option<String>,
    /// Engine clutter, which the body walk skips.
    pub clutter: Option<String>,
    /// The CSS of [`Profile::edited`].
    pub edited: Option<String>,
}

impl Css {
    fn new(engine: Engine, overrides: Option<&Selectors>) -> Result<Css, SourceError> {
        let d = defaults(engine);
        let empty = Selectors::default();
        let o = overrides.unwrap_or(&empty);
        // The generic rel=next/prev always apply; an engine's own selector
        // or the operator's comes first.
        let next_page = match &o.next_page {
            Some(css) => format!("{css}, {GENERIC_NEXT}"),
            None if d.next_page == GENERIC_NEXT => GENERIC_NEXT.to_string(),
            None => format!("{}, {GENERIC_NEXT}", d.next_page),
        };
        let prev_page = match &o.prev_page {
            Some(css) => format!("{css}, {GENERIC_PREV}"),
            None if d.prev_page == GENERIC_PREV => GENERIC_PREV.to_string(),
            None => format!("{}, {GENERIC_PREV}", d.prev_page),
        };
        let or = |given: &Option<String>, default: &str| given.clone().unwrap_or(default.into());
        Ok(Css {
            board_link: chosen(&o.board_link, d.board_link),
            topic_row: chosen(&o.topic_row, d.topic_row),
            thread_link: required("thread_link", chosen(&o.thread_link, d.thread_link))?,
            last_post: chosen(&o.last_post, d.last_post),
            next_page,
            prev_page,
            title: or(&o.title, d.title),
            post: required("post", chosen(&o.post, d.post))?,
            author: or(&o.author, d.author),
            time: or(&o.time, d.time),
            body: required("body", chosen(&o.body, d.body))?,
            quote: or(&o.quote, d.quote),
            signature: chosen(&o.signature, Some(d.signature)),
            clutter: chosen(&None, Some(d.clutter)),
            edited: chosen(&o.edited, d.edited),
        })
    }
}

impl Profile {
    /// The profile for `engine`, with `overrides` replacing defaults.
    pub fn new(engine: Engine, overrides: Option<&Selectors>) -> Result<Profile, SourceError> {
        let css = Css::new(engine, overrides)?;
        let opt = |field: &str, css: &Option<String>| -> Result<Option<Selector>, SourceError> {
            css.as_deref().map(|c| compile(field, c)).transpose()
        };
        let quote = compile("quote", &css.quote)?;
        let signature = opt("signature", &css.signature)?;
        let clutter = opt("clutter", &css.clutter)?;
        let skip = [Some(quote.clone()), signature, clutter]
            .into_iter()
            .flatten()
            .collect();
        let fixed = Fixed::new()?;
        let stream = stream::Selectors::new(&css, FIXED_CSS);
        Ok(Profile {
            board_link: opt("board_link", &css.board_link)?,
            topic_row: opt("topic_row", &css.topic_row)?,
            thread_link: compile("thread_link", &css.thread_link)?,
            last_post: opt("last_post", &css.last_post)?,
            next_page: compile("next_page", &css.next_page)?,
            prev_page: compile("prev_page", &css.prev_page)?,
            title: compile("title", &css.title)?,
            post: compile("post", &css.post)?,
            author: compile("author", &css.author)?,
            time: compile("time", &css.time)?,
            body: compile("body", &css.body)?,
            quote,
            skip,
            edited: opt("edited", &css.edited)?,
            anchor_prefix: defaults(engine).anchor_prefix,
            fixed,
            stream,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_default_compiles() {
        for e in [Engine::Phpbb, Engine::Xenforo, Engine::Vbulletin] {
            Profile::new(e, None).unwrap();
        }
    }

    #[test]
    fn selectors_engine_requires_the_essentials() {
        let e = Profile::new(Engine::Selectors, None).unwrap_err();
        assert!(e.message().contains("thread_link"), "{e:?}");
        let s = Selectors {
            thread_link: Some("a.t".into()),
            post: Some("div.p".into()),
            ..Selectors::default()
        };
        let e = Profile::new(Engine::Selectors, Some(&s)).unwrap_err();
        assert!(e.message().contains("`body`"), "{e:?}");
        let s = Selectors {
            body: Some(".b".into()),
            ..s
        };
        Profile::new(Engine::Selectors, Some(&s)).unwrap();
    }

    #[test]
    fn bad_override_names_the_field() {
        let s = Selectors {
            signature: Some("div[".into()),
            ..Selectors::default()
        };
        let e = Profile::new(Engine::Phpbb, Some(&s)).unwrap_err();
        assert!(
            matches!(&e, SourceError::Config(m) if m.contains("selectors.signature")),
            "{e:?}"
        );
    }
}
