//! Reading one HTML forum page: what it links to and what it says.
//!
//! The crawler does not decide up front whether a URL is a board index, a
//! board or a thread (URL shapes differ between engines, versions, SEO
//! add-ons and our own demo site). It reads every page the same way and
//! takes what is there: board links, thread rows, a next-page link, posts.
//! A phpBB board with sub-forums and topics is then no special case.
//!
//! [`parse_page`] is pure: HTML and its URL in, a [`Page`] out. All the
//! engine knowledge sits in the [`Profile`]'s selectors; what is here is the
//! logic the engines share: ids from `id`/`data-*` attributes, times from
//! `datetime`/`data-time`/text, bodies without quotes and signatures, and the
//! quoted post as the parent.

use std::cell::Cell;

use hearken_plugin_sdk::date::{self, DateOptions};
use hearken_plugin_sdk::html::{collapse_whitespace, element_to_text};
use hearken_plugin_sdk::http::resolve;
use scraper::{ElementRef, Html, Selector};

use crate::profile::Profile;

/// A thread as a list page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRef {
    /// The thread's URL (absolute, without fragment).
    pub url: String,
    /// The link text.
    pub title: String,
    /// Text that changes when the thread gets a reply (the last-post cell),
    /// empty when the profile cannot tell.
    pub token: String,
}

/// One post on a thread page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Stable id, `p` and the forum's post number (`p1234`); positional
    /// (`{page url}#{n}`) only when the markup carries no number.
    pub id: String,
    /// The forum's post number, when there is one.
    pub number: Option<u64>,
    /// The permalink: the page URL with the post's fragment.
    pub url: String,
    /// The author's handle.
    pub author: Option<String>,
    /// When it was posted, RFC 3339.
    pub published: Option<String>,
    /// What the author wrote, as text, without quotes and signature.
    pub body: String,
    /// The id of the post it quotes, when the quote links to one.
    pub quotes: Option<String>,
    /// The post carries a "last edited" notice.
    pub edited: bool,
}

/// What one page holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// Board links (absolute).
    pub boards: Vec<String>,
    /// Thread rows.
    pub topics: Vec<TopicRef>,
    /// The next page of this board or thread.
    pub next: Option<String>,
    /// True when the page has no previous-page link: the first page of its
    /// board or thread.
    pub first_page: bool,
    /// The thread title, on thread pages.
    pub title: Option<String>,
    /// The posts, in page order.
    pub posts: Vec<Post>,
}

/// The streaming reader is checked against the tree reader on the first
/// page of every call and on every `CHECK_EVERY`th page after it. A check
/// costs one tree parse. A call reads at most 8 to 32 pages, so at least 3
/// to 13 % of pages are parsed twice (about 5 % in the 1M benchmark); in
/// exchange, a board whose markup the streaming reader misreads is caught
/// on its first page.
pub const CHECK_EVERY: u32 = 64;

/// Reads a call's pages: with the streaming reader ([`crate::stream`]) when
/// the profile's selectors allow it, with the tree reader ([`parse_page`])
/// otherwise, and for the rest of the call once the two have disagreed on a
/// checked page or the streaming reader has given up on one. Either way the
/// page it returns is the tree reader's whenever both were run.
#[derive(Debug)]
pub struct PageReader<'p> {
    profile: &'p Profile,
    pages: Cell<u32>,
    tree_only: Cell<bool>,
}

impl<'p> PageReader<'p> {
    /// A reader for one call with `profile`.
    pub fn new(profile: &'p Profile) -> Self {
        PageReader {
            profile,
            pages: Cell::new(0),
            tree_only: Cell::new(profile.stream.is_none()),
        }
    }

    /// Whether pages go to the tree reader from now on.
    pub fn tree_only(&self) -> bool {
        self.tree_only.get()
    }

    /// Sends every page to the tree reader from now on (an earlier call of
    /// the same crawl found the streaming reader wrong).
    pub fn keep_to_tree(&self) {
        self.tree_only.set(true);
    }

    /// Whether the profile could stream but the reader has given that up.
    pub fn gave_up_streaming(&self) -> bool {
        self.profile.stream.is_some() && self.tree_only.get()
    }

    /// Reads `html`, served at `url`.
    pub fn read(&self, html: &str, url: &str, dates: &DateOptions) -> Page {
        let stream = match &self.profile.stream {
            Some(s) if !self.tree_only.get() => s,
            _ => return parse_page(html, url, self.profile, dates),
        };
        let n = self.pages.get();
        self.pages.set(n.wrapping_add(1));
        match crate::stream::parse_page(html, url, self.profile, stream, dates) {
            Ok(page) if !n.is_multiple_of(CHECK_EVERY) => page,
            Ok(page) => {
                let tree = parse_page(html, url, self.profile, dates);
                if tree != page {
                    hearken_plugin_sdk::warn!(
                        "forum: the streaming reader read {url} differently from the tree reader; \
                         this call reads its remaining pages with the tree reader"
                    );
                    self.tree_only.set(true);
                }
                tree
            }
            Err(e) => {
                hearken_plugin_sdk::warn!(
                    "forum: {e} on {url}; this call reads its remaining pages with the tree reader"
                );
                self.tree_only.set(true);
                parse_page(html, url, self.profile, dates)
            }
        }
    }
}

/// Reads `html`, served at `url`, with `profile`. `dates` reads the times.
pub fn parse_page(html: &str, url: &str, profile: &Profile, dates: &DateOptions) -> Page {
    let doc = Html::parse_document(html);
    let base = base_url(&doc, url, &profile.fixed.base);
    let link = |el: ElementRef<'_>| el.value().attr("href").and_then(|h| link_url(h, &base));

    let mut boards = Vec::new();
    if let Some(sel) = &profile.board_link {
        for a in doc.select(sel) {
            push_board(&mut boards, link(a), url);
        }
    }

    let mut topics: Vec<TopicRef> = Vec::new();
    let mut push = |a: ElementRef<'_>, token: String| {
        push_topic(&mut topics, link(a), || a.text().collect(), token, url);
    };
    match &profile.topic_row {
        Some(row_sel) => {
            for row in doc.select(row_sel) {
                // XenForo puts prefix links before the title link: take the last.
                let Some(a) = row.select(&profile.thread_link).last() else {
                    continue;
                };
                let token = match &profile.last_post {
                    Some(lp) => row
                        .select(lp)
                        .next()
                        .map(|cell| {
                            change_token(
                                cell.select(&profile.fixed.links)
                                    .filter_map(|a| a.value().attr("href")),
                                &base,
                                || {
                                    cell.select(&profile.fixed.row_time)
                                        .find_map(|t| row_time(t.value()))
                                        .map(str::to_string)
                                },
                                || cell.text().collect(),
                            )
                        })
                        .unwrap_or_default(),
                    None => collapse_whitespace(&row.text().collect::<String>()),
                };
                push(a, token);
            }
        }
        None => {
            for a in doc.select(&profile.thread_link) {
                push(a, String::new());
            }
        }
    }

    let next = next_link(doc.select(&profile.next_page).filter_map(link), url);
    let first_page = doc.select(&profile.prev_page).next().is_none();
    // Thread prefixes ("Question", "Solved") are labels, not the title.
    let title = doc
        .select(&profile.title)
        .next()
        .map(|t| collapse_whitespace(&element_to_text(t, &profile.fixed.labels)))
        .filter(|t| !t.is_empty());

    let page_url = strip_fragment(url);
    let posts = doc
        .select(&profile.post)
        .enumerate()
        .filter_map(|(i, el)| parse_post(el, i, &page_url, &base, profile, dates))
        .collect();

    Page {
        boards,
        topics,
        next,
        first_page,
        title,
        posts,
    }
}

fn parse_post(
    el: ElementRef<'_>,
    index: usize,
    page_url: &str,
    base: &str,
    profile: &Profile,
    dates: &DateOptions,
) -> Option<Post> {
    let body_el = el.select(&profile.body).next()?;
    let body = element_to_text(body_el, &profile.skip);
    let number = post_number(el.value());
    let (id, url) = post_id(number, el.value(), index, page_url, profile.anchor_prefix);
    let author = post_author(
        el.select(&profile.author).map(|a| a.text().collect()),
        el.value(),
    );
    let published = el.select(&profile.time).next().and_then(|t| {
        time_of(
            t.value(),
            t.select(&profile.fixed.inner_time).map(|e| e.value()),
            || t.text().collect(),
            dates,
        )
    });
    let quotes = body_el
        .select(&profile.quote)
        .find_map(|q| {
            quoted_post(
                q.value(),
                || {
                    q.select(&profile.fixed.marked_post)
                        .find_map(|e| marked_number(e.value()))
                },
                q.select(&profile.fixed.links)
                    .filter_map(|a| a.value().attr("href")),
                base,
            )
        })
        .map(|n| format!("p{n}"));
    let edited = profile
        .edited
        .as_ref()
        .is_some_and(|s| el.select(s).next().is_some());
    Some(Post {
        id,
        number,
        url,
        author,
        published,
        body,
        quotes,
        edited,
    })
}

/// Reading attributes, the same from a parsed tree's element or from a
/// streamed start tag (see [`crate::stream`]).
pub(crate) trait Attributes {
    /// The value of attribute `name`, character references decoded.
    fn attr(&self, name: &str) -> Option<&str>;
}

impl Attributes for scraper::node::Element {
    fn attr(&self, name: &str) -> Option<&str> {
        scraper::node::Element::attr(self, name)
    }
}

/// A link target as the crawler keeps it: absolute, without session id or
/// fragment.
pub(crate) fn link_url(href: &str, base: &str) -> Option<String> {
    resolve(base, href).map(|u| strip_fragment(&strip_session(&u)))
}

/// The post number from the attributes engines put it in: phpBB `id="p1234"`,
/// XenForo `data-content="post-1234"` / `id="js-post-1234"`, vBulletin
/// `id="post_1234"`, vBulletin 5 `data-node-id`, others `data-post-id`.
pub(crate) fn post_number(el: &impl Attributes) -> Option<u64> {
    [
        "data-post-id",
        "data-node-id",
        "data-content",
        "id",
        "data-pid",
    ]
    .iter()
    .filter_map(|k| el.attr(k))
    .find_map(trailing_number)
}

/// A post's id and permalink: `p` and its number, else its `id` anchor,
/// else its place on the page (`index` from 0).
pub(crate) fn post_id(
    number: Option<u64>,
    post: &impl Attributes,
    index: usize,
    page_url: &str,
    anchor_prefix: &str,
) -> (String, String) {
    match number {
        Some(n) => (format!("p{n}"), format!("{page_url}#{anchor_prefix}{n}")),
        None => {
            let id = match post.attr("id") {
                Some(anchor) => format!("{page_url}#{anchor}"),
                None => format!("{page_url}#{}", index + 1),
            };
            (id.clone(), id)
        }
    }
}

/// The author: the first author element with text (`texts`, in page
/// order), else the name on the post element itself.
pub(crate) fn post_author(
    texts: impl IntoIterator<Item = String>,
    post: &impl Attributes,
) -> Option<String> {
    texts
        .into_iter()
        .map(|t| collapse_whitespace(&t))
        .find(|a| !a.is_empty())
        .or_else(|| {
            ["data-author", "data-user-name"]
                .iter()
                .find_map(|k| post.attr(k).map(str::to_string))
        })
}

/// The trailing run of digits of `s` (`js-post-1234` → 1234).
fn trailing_number(s: &str) -> Option<u64> {
    let digits: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.parse().ok()
}

/// A machine-readable time on an element (`data-timestamp`, `datetime`,
/// `data-time`).
///
/// XenForo 2.2 puts the Unix time in `data-timestamp` and a display
/// string ("7:22 PM") in `data-time`; 2.0 put the Unix time in
/// `data-time`. Take the first attribute that reads as a full date.
fn attr_time(el: &impl Attributes, dates: &DateOptions) -> Option<String> {
    ["data-timestamp", "datetime", "data-time"]
        .iter()
        .filter_map(|k| el.attr(k))
        .find_map(|t| date::to_rfc3339_with(t, dates))
}

/// A time in an element's `title` (phpBB 3.0, vBulletin tooltips).
fn title_time(el: &impl Attributes, dates: &DateOptions) -> Option<String> {
    el.attr("title")
        .and_then(|t| date::to_rfc3339_with(t, dates))
}

/// A time in an element's text. phpBB puts the author before the time
/// (`by Name » Tue Mar 04, 2025 8:12 pm`): only what follows `»` counts.
fn text_time(text: &str, dates: &DateOptions) -> Option<String> {
    let text = collapse_whitespace(text);
    let text = text
        .rsplit_once('»')
        .map_or(text.as_str(), |(_, after)| after);
    date::to_rfc3339_with(text, dates)
}

/// A time element's moment: `datetime`, `data-time` (Unix seconds) or
/// `data-timestamp` on it or on an element inside it (`inner`, in page
/// order); else its `title`; else its `text` (after phpBB's `»`).
pub(crate) fn time_of<'a, A: Attributes + 'a>(
    el: &A,
    inner: impl IntoIterator<Item = &'a A>,
    text: impl FnOnce() -> String,
    dates: &DateOptions,
) -> Option<String> {
    attr_time(el, dates)
        .or_else(|| inner.into_iter().find_map(|e| attr_time(e, dates)))
        .or_else(|| title_time(el, dates))
        .or_else(|| text_time(&text(), dates))
}

/// The post a quote names on its own element (`data-source="post: 12"`,
/// `data-post-id`, a `cite` link).
fn quote_attr_number(quote: &impl Attributes, base: &str) -> Option<u64> {
    if let Some(src) = quote.attr("data-source")
        && let Some(rest) = src.trim().strip_prefix("post:")
    {
        return rest.trim().parse().ok();
    }
    if let Some(n) = quote
        .attr("data-post-id")
        .and_then(|n| n.trim().parse().ok())
    {
        return Some(n);
    }
    quote
        .attr("cite")
        .and_then(|c| post_number_in_link(c, base))
}

/// The post an element inside a quote names with `data-post-id`.
pub(crate) fn marked_number(el: &impl Attributes) -> Option<u64> {
    el.attr("data-post-id")?.trim().parse().ok()
}

/// The number of the post a quote element quotes, from the attributes or
/// links engines put in it: phpBB `data-post-id` / `cite="…?p=1234"`,
/// XenForo `data-source="post: 1234"`, vBulletin `showthread.php?p=1234#post1234`.
/// `marked` is the first number an element inside the quote names
/// ([`marked_number`]); `hrefs` are the quote's links in page order.
pub(crate) fn quoted_post<'h>(
    quote: &impl Attributes,
    marked: impl FnOnce() -> Option<u64>,
    hrefs: impl IntoIterator<Item = &'h str>,
    base: &str,
) -> Option<u64> {
    quote_attr_number(quote, base)
        .or_else(marked)
        .or_else(|| hrefs.into_iter().find_map(|h| post_number_in_link(h, base)))
}

/// A post number in a link: `?p=1234`, `#p1234`, `#post1234`,
/// `/post-1234`, `/posts/1234/`.
fn post_number_in_link(href: &str, base: &str) -> Option<u64> {
    let u = url::Url::parse(&resolve(base, href)?).ok()?;
    if let Some(n) = u
        .query_pairs()
        .find(|(k, _)| k == "p" || k == "post" || k == "postid")
        .and_then(|(_, v)| v.parse().ok())
    {
        return Some(n);
    }
    if let Some(f) = u.fragment() {
        for prefix in ["post-", "post", "p"] {
            if let Some(n) = f.strip_prefix(prefix).and_then(|n| n.parse().ok()) {
                return Some(n);
            }
        }
        // Other anchors that end in the number (`#m-101`, `#msg_101`).
        if f.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return trailing_number(f);
        }
    }
    let segs: Vec<&str> = u.path_segments()?.filter(|s| !s.is_empty()).collect();
    for (i, s) in segs.iter().enumerate() {
        if let Some(n) = s.strip_prefix("post-").and_then(|n| n.parse().ok()) {
            return Some(n);
        }
        if *s == "posts" {
            return segs.get(i + 1)?.parse().ok();
        }
    }
    None
}

/// The time a thread row's last-post cell gives on one of its elements.
pub(crate) fn row_time(el: &impl Attributes) -> Option<&str> {
    el.attr("data-timestamp").or(el.attr("datetime"))
}

/// What identifies a thread row's last post, from most to least stable:
/// the number in its "go to last post" link (phpBB, vBulletin; `hrefs`, the
/// cell's links in page order), the machine-readable `time` (XenForo's
/// `datetime`, see [`row_time`]), else the cell's `text`.
/// Text is the last resort because forums print relative times ("Today,
/// 09:02 AM") that change without a new post; a false change only costs
/// one request for the thread's last page, which then yields nothing new.
pub(crate) fn change_token<'h>(
    hrefs: impl IntoIterator<Item = &'h str>,
    base: &str,
    time: impl FnOnce() -> Option<String>,
    text: impl FnOnce() -> String,
) -> String {
    if let Some(n) = hrefs.into_iter().find_map(|h| post_number_in_link(h, base)) {
        return format!("p{n}");
    }
    time().unwrap_or_else(|| collapse_whitespace(&text()))
}

/// Adds a board link unless it leads off the site or is listed already.
pub(crate) fn push_board(boards: &mut Vec<String>, link: Option<String>, page_url: &str) {
    if let Some(u) = link.filter(|u| same_site(u, page_url) && !boards.contains(u)) {
        boards.push(u);
    }
}

/// Adds a thread row unless its link leads off the site or the thread is
/// listed already; `title` is the link's text.
pub(crate) fn push_topic(
    topics: &mut Vec<TopicRef>,
    link: Option<String>,
    title: impl FnOnce() -> String,
    token: String,
    page_url: &str,
) {
    if let Some(u) = link.filter(|u| same_site(u, page_url))
        && !topics.iter().any(|t| t.url == u)
    {
        topics.push(TopicRef {
            url: u,
            title: collapse_whitespace(&title()),
            token,
        });
    }
}

/// The first next-page link that leads to another page of the same site.
pub(crate) fn next_link(links: impl IntoIterator<Item = String>, page_url: &str) -> Option<String> {
    let here = strip_fragment(page_url);
    links
        .into_iter()
        .find(|u| u != &here && same_site(u, page_url))
}

/// `<base href>` if the page has one, else the page URL.
fn base_url(doc: &Html, url: &str, base: &Selector) -> String {
    doc.select(base)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| resolve(url, h))
        .unwrap_or_else(|| url.to_string())
}

/// `url` without its `#fragment`.
pub fn strip_fragment(url: &str) -> String {
    url.split_once('#').map_or(url, |(u, _)| u).to_string()
}

/// `url` without session ids (`sid=`, `s=` as phpBB and vBulletin add for
/// guests), so one thread does not look like many.
fn strip_session(url: &str) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return url.to_string();
    };
    let Some(query) = u.query() else {
        return url.to_string();
    };
    // Filter the raw parts rather than re-encoding the pairs, so that
    // vBulletin's value-less `?345-Some-thread/page2` stays as it is.
    let kept: Vec<&str> = query
        .split('&')
        .filter(|part| {
            let key = part.split('=').next().unwrap_or(part);
            key != "sid" && key != "s"
        })
        .collect();
    if kept.len() == query.split('&').count() {
        return url.to_string();
    }
    let kept = kept.join("&");
    u.set_query((!kept.is_empty()).then_some(kept.as_str()));
    u.into()
}

/// Whether the URL names a script (`thread.php`, `topic.asp`), whose `id`
/// parameter then says which thread: `/thread.php?id=17`.
fn is_script(u: &url::Url) -> bool {
    u.path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|last| {
            [".php", ".asp", ".aspx", ".cgi", ".pl", ".jsp"]
                .iter()
                .any(|ext| last.ends_with(ext))
        })
}

/// Same scheme, host and port.
pub fn same_site(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// A stable key for the thread at `url`: `t` and its number when the URL
/// carries one (`?t=17`, `?topic=17.0`, `thread.php?id=17`,
/// `/topic-17/page-2.html`, `/threads/slug.123/`, `/threads/123-slug/page2`),
/// else the URL without query and fragment.
pub fn thread_key(url: &str) -> String {
    let Ok(u) = url::Url::parse(url) else {
        return url.to_string();
    };
    for (k, v) in u.query_pairs() {
        let thread_param = matches!(
            k.as_ref(),
            "t" | "threadid" | "topic" | "topic_id" | "tid" | "thread" | "thread_id" | "showtopic"
        ) || (k == "id" && is_script(&u));
        // SMF writes `topic=123.0` (topic and offset): the number before the dot.
        let lead = v.split('.').next().unwrap_or(&v);
        if thread_param && let Ok(n) = lead.parse::<u64>() {
            return format!("t{n}");
        }
    }
    // vBulletin 4's friendly URLs: `showthread.php?345-Screening-visit/page2`.
    if let Some((k, v)) = u.query_pairs().next()
        && v.is_empty()
    {
        let lead: String = k.chars().take_while(|c| c.is_ascii_digit()).collect();
        if k[lead.len()..].starts_with('-')
            && let Ok(n) = lead.parse::<u64>()
        {
            return format!("t{n}");
        }
    }
    let segs: Vec<&str> = u
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for s in segs.iter().rev() {
        let stem = s.split('.').next().unwrap_or(s);
        let is_page = stem.starts_with("page") || s.starts_with("index") || s.ends_with(".php");
        if is_page {
            continue;
        }
        // `slug.123`, `123-slug` (vBulletin 5: the id leads, and the slug
        // may end in a number of its own: `123-week-12-update`), `topic-17`
        if let Some(n) = s.rsplit_once('.').and_then(|(_, n)| n.parse::<u64>().ok()) {
            return format!("t{n}");
        }
        let lead: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(n) = lead.parse::<u64>()
            && (lead.len() == s.len() || s[lead.len()..].starts_with('-'))
        {
            return format!("t{n}");
        }
        if let Some(n) = trailing_number(s) {
            return format!("t{n}");
        }
        if let Ok(n) = lead.parse::<u64>() {
            return format!("t{n}");
        }
    }
    let mut bare = u.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    bare.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_keys_from_every_url_shape() {
        assert_eq!(thread_key("http://h/forum/topic-17/page-2.html"), "t17");
        assert_eq!(
            thread_key("http://h/forum/viewtopic.php?f=2&t=17&start=10"),
            "t17"
        );
        assert_eq!(
            thread_key("http://h/threads/travel-costs.123/page-3"),
            "t123"
        );
        assert_eq!(
            thread_key("http://h/threads/123-travel-costs/page2"),
            "t123"
        );
        assert_eq!(thread_key("http://h/showthread.php?t=456&page=2"), "t456");
        assert_eq!(
            thread_key("http://h/showthread.php?345-Screening-visit-nerves/page2"),
            "t345"
        );
        assert_eq!(thread_key("http://h/thread.php?id=41&pg=2"), "t41");
        assert_eq!(
            thread_key("http://h/forum/trials/398-parking-costs-2025/page2"),
            "t398"
        );
        assert_eq!(thread_key("http://h/index.php?topic=5120.15"), "t5120");
        assert_eq!(thread_key("http://h/index.php?showtopic=77"), "t77");
        assert_eq!(
            thread_key("http://h/discussion/hello?x=1"),
            "http://h/discussion/hello"
        );
    }

    #[test]
    fn post_numbers_in_links() {
        let b = "http://h/forum/viewtopic.php?t=1";
        assert_eq!(
            post_number_in_link("./viewtopic.php?p=1234#p1234", b),
            Some(1234)
        );
        assert_eq!(
            post_number_in_link("showthread.php?p=77#post77", b),
            Some(77)
        );
        assert_eq!(post_number_in_link("/threads/x.5/post-88", b), Some(88));
        assert_eq!(post_number_in_link("/goto/post?id=9", b), None);
        assert_eq!(trailing_number("js-post-1234"), Some(1234));
        assert_eq!(trailing_number("post"), None);
    }

    #[test]
    fn session_ids_are_dropped() {
        assert_eq!(
            strip_session("http://h/viewtopic.php?t=5&sid=abc123"),
            "http://h/viewtopic.php?t=5"
        );
        assert_eq!(
            strip_session("http://h/showthread.php?s=ff&t=5"),
            "http://h/showthread.php?t=5"
        );
        assert_eq!(strip_session("http://h/f.php?sid=1"), "http://h/f.php");
        assert_eq!(strip_session("http://h/a/b.html"), "http://h/a/b.html");
        assert_eq!(
            strip_session("http://h/showthread.php?345-x/page2"),
            "http://h/showthread.php?345-x/page2"
        );
    }
}
