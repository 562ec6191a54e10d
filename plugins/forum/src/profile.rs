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

impl Fixed {
    fn new() -> Result<Fixed, SourceError> {
        let internal = |css: &str| {
            selector(css).map_err(|e| SourceError::Other(format!("built-in selector `{css}`: {e}")))
        };
        Ok(Fixed {
            labels: vec![internal(".label, .label-append, .prefix")?],
            inner_time: internal("time, [datetime], [data-time]")?,
            marked_post: internal("[data-post-id]")?,
            links: internal("a[href]")?,
            row_time: internal("[datetime], [data-timestamp]")?,
            base: internal("base[href]")?,
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

fn pick(
    field: &str,
    given: &Option<String>,
    default: Option<&str>,
) -> Result<Option<Selector>, SourceError> {
    match (given, default) {
        (Some(css), _) => compile(field, css).map(Some),
        (None, Some(css)) if !css.is_empty() => compile(field, css).map(Some),
        _ => Ok(None),
    }
}

fn required(
    field: &str,
    given: &Option<String>,
    default: Option<&str>,
) -> Result<Selector, SourceError> {
    pick(field, given, default)?.ok_or_else(|| {
        SourceError::Config(format!(
            "config: at `selectors`: `{field}` is required for the `selectors` engine"
        ))
    })
}

impl Profile {
    /// The profile for `engine`, with `overrides` replacing defaults.
    pub fn new(engine: Engine, overrides: Option<&Selectors>) -> Result<Profile, SourceError> {
        let d = defaults(engine);
        let empty = Selectors::default();
        let o = overrides.unwrap_or(&empty);
        // The generic rel=next/prev always apply; an engine's own selector
        // or the operator's comes first.
        let next = match &o.next_page {
            Some(css) => format!("{css}, {GENERIC_NEXT}"),
            None if d.next_page == GENERIC_NEXT => GENERIC_NEXT.to_string(),
            None => format!("{}, {GENERIC_NEXT}", d.next_page),
        };
        let prev = match &o.prev_page {
            Some(css) => format!("{css}, {GENERIC_PREV}"),
            None if d.prev_page == GENERIC_PREV => GENERIC_PREV.to_string(),
            None => format!("{}, {GENERIC_PREV}", d.prev_page),
        };
        let quote = compile("quote", o.quote.as_deref().unwrap_or(d.quote))?;
        let signature = pick("signature", &o.signature, Some(d.signature))?;
        let clutter = pick("clutter", &None, Some(d.clutter))?;
        let skip = [Some(quote.clone()), signature, clutter]
            .into_iter()
            .flatten()
            .collect();
        Ok(Profile {
            board_link: pick("board_link", &o.board_link, d.board_link)?,
            topic_row: pick("topic_row", &o.topic_row, d.topic_row)?,
            thread_link: required("thread_link", &o.thread_link, d.thread_link)?,
            last_post: pick("last_post", &o.last_post, d.last_post)?,
            next_page: compile("next_page", &next)?,
            prev_page: compile("prev_page", &prev)?,
            title: compile("title", o.title.as_deref().unwrap_or(d.title))?,
            post: required("post", &o.post, d.post)?,
            author: compile("author", o.author.as_deref().unwrap_or(d.author))?,
            time: compile("time", o.time.as_deref().unwrap_or(d.time))?,
            body: required("body", &o.body, d.body)?,
            quote,
            skip,
            edited: pick("edited", &o.edited, d.edited)?,
            anchor_prefix: d.anchor_prefix,
            fixed: Fixed::new()?,
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
