//! Reading a page in one pass, without building its tree.
//!
//! The tree reader ([`crate::page::parse_page`]) parses the whole page with
//! html5ever and then walks the tree with the profile's selectors. At a
//! million documents that was most of the forum plugin's time: in a profile
//! of the scale benchmark, building the tree took 56 % of it, for pages of
//! which the crawler wants only the posts, the thread rows and a few links.
//! This reader streams the page through lol_html, which matches the same
//! selectors as the tags go past, and keeps only what the tree reader would
//! take: it gives the same [`Page`] (the tests compare the two on every
//! engine fixture and every page of a generated forum) in about a third of
//! the time.
//!
//! What it gives up is tree repair. html5ever builds what a browser builds
//! from broken markup; lol_html does not repair anything: an unclosed `<p>`
//! or `<li>` stays open until its parent closes, where a browser closes it
//! at the next block. The engines' templates close their tags, but a post's
//! own HTML need not, and an operator's selectors may use what lol_html
//! cannot match (sibling combinators, `:has`). So:
//!
//! * a profile with a selector lol_html cannot compile has no streaming
//!   selectors, and every page goes to the tree reader;
//! * the crawler checks this reader against the tree reader on the first
//!   page of every call and on every [`crate::page::CHECK_EVERY`]th page
//!   after, and reads the rest of the call with the tree once they differ
//!   (see [`crate::page::PageReader`]).
//!
//! Character references are decoded with `htmlize`, which follows the
//! HTML standard's rules for text and for attribute values, as html5ever
//! does; line ends are normalised first, as html5ever's input stream does.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use hearken_plugin_sdk::date::DateOptions;
use hearken_plugin_sdk::html::{TextWriter, collapse_whitespace, is_dropped};
use hearken_plugin_sdk::http::resolve;
use lol_html::html_content::{Element, TextChunk};
use lol_html::{ElementContentHandlers, HtmlRewriter, Settings};

use crate::page::{
    Attributes, Page, Post, TopicRef, change_token, link_url, marked_number, next_link,
    post_author, post_id, post_number, push_board, push_topic, quoted_post, row_time,
    strip_fragment, time_of,
};
use crate::profile::{Css, FixedCss, Profile};

// What a selector finds; an element may be several things at once.
const BASE: u32 = 1;
const BOARD: u32 = 1 << 1;
const ROW: u32 = 1 << 2;
const LINK: u32 = 1 << 3;
const LAST_POST: u32 = 1 << 4;
const NEXT: u32 = 1 << 5;
const PREV: u32 = 1 << 6;
const TITLE: u32 = 1 << 7;
const POST: u32 = 1 << 8;
const AUTHOR: u32 = 1 << 9;
const TIME: u32 = 1 << 10;
const BODY: u32 = 1 << 11;
const QUOTE: u32 = 1 << 12;
const SKIP: u32 = 1 << 13;
const EDITED: u32 = 1 << 14;
const LABEL: u32 = 1 << 15;
const INNER_TIME: u32 = 1 << 16;
const MARKED: u32 = 1 << 17;
const HREF: u32 = 1 << 18;
const ROW_TIME: u32 = 1 << 19;

/// The order an element's role handlers run in. What an element opens (a
/// post, a row, a body, a quote) must be open for the elements inside it
/// and not for the element itself, so every role that relates an element to
/// an open container comes before the role that opens that container:
/// `TIME` before `POST`, `QUOTE` before `BODY`, `HREF` before `QUOTE` and
/// `LAST_POST`, and so on.
const ORDER: [u32; 18] = [
    BASE, BOARD, NEXT, PREV, HREF, ROW_TIME, MARKED, INNER_TIME, EDITED, AUTHOR, LAST_POST, QUOTE,
    TIME, LINK, BODY, TITLE, ROW, POST,
];

/// The most selectors one handler's list may hold (see [`Selectors::new`]).
/// The built-in profiles' longest list has 47.
const MAX_ALTERNATIVES: usize = 128;

/// A profile's selectors compiled for lol_html.
///
/// One handler per role acts on the elements the role's selector matches;
/// one more sees every element inside a body or the title (what a text walk
/// needs); one text handler takes the text inside the elements whose text
/// is wanted. Elements and text outside all of those never reach our code:
/// lol_html streams them past without building tokens, which is where its
/// speed comes from. (A first version that watched every element and all
/// text was barely faster than the tree reader.)
#[derive(Debug, Clone)]
pub struct Selectors {
    /// What a walk skips (quotes, signatures, clutter; title labels): only
    /// marked, for the walk handler that runs next.
    flags: Vec<(u32, lol_html::Selector)>,
    /// Every element inside a body or the title.
    walked: lol_html::Selector,
    /// The roles, in [`ORDER`].
    roles: Vec<(u32, lol_html::Selector)>,
    /// Elements whose text is wanted.
    text: lol_html::Selector,
    rows: bool,
    last_post: bool,
}

impl Selectors {
    /// Compiles `css` and `fixed`; `None` when lol_html cannot match one of
    /// them (the page then goes to the tree reader).
    pub fn new(css: &Css, fixed: FixedCss) -> Option<Selectors> {
        // Scoping multiplies an operator's lists (three alternatives each
        // for post, body and quote make 27); past a limit the page goes to
        // the tree reader rather than have lol_html compile thousands of
        // selectors for every page.
        let parse = |css: &str| {
            (split_list(css).len() <= MAX_ALTERNATIVES)
                .then(|| css.parse::<lol_html::Selector>().ok())
                .flatten()
        };
        // Selectors that only matter inside a post, a body, a row or a
        // quote are matched only there. lol_html then tests them only on the
        // elements inside a match of their scope, instead of testing each of
        // them on every element of the page.
        let post = css.post.as_str();
        let body = within(post, &css.body);
        let quote = within(&body, &css.quote);
        let time = within(post, &css.time);
        let cell = css
            .topic_row
            .as_deref()
            .zip(css.last_post.as_deref())
            .map(|(r, c)| within(r, c));
        let mut flags = vec![
            (SKIP, parse(&quote)?),
            (LABEL, parse(&within(&css.title, fixed.labels))?),
        ];
        for skipped in [&css.signature, &css.clutter].into_iter().flatten() {
            flags.push((SKIP, parse(&within(&body, skipped))?));
        }
        let walked = format!("{}, {}", within(&body, "*"), within(&css.title, "*"));
        let link = match &css.topic_row {
            Some(row) => within(row, &css.thread_link),
            None => css.thread_link.clone(),
        };
        let mut hrefs = vec![within(&quote, fixed.links)];
        hrefs.extend(cell.as_deref().map(|c| within(c, fixed.links)));
        let css_of = |role: u32| -> Option<String> {
            Some(match role {
                BASE => fixed.base.to_string(),
                BOARD => css.board_link.clone()?,
                ROW => css.topic_row.clone()?,
                LINK => link.clone(),
                LAST_POST => cell.clone()?,
                NEXT => css.next_page.clone(),
                PREV => css.prev_page.clone(),
                TITLE => css.title.clone(),
                POST => css.post.clone(),
                AUTHOR => within(post, &css.author),
                TIME => time.clone(),
                BODY => body.clone(),
                QUOTE => quote.clone(),
                EDITED => within(post, css.edited.as_deref()?),
                INNER_TIME => within(&time, fixed.inner_time),
                MARKED => within(&quote, fixed.marked_post),
                HREF => hrefs.join(", "),
                ROW_TIME => within(cell.as_deref()?, fixed.row_time),
                _ => return None,
            })
        };
        let mut roles = Vec::new();
        for role in ORDER {
            if let Some(css) = css_of(role) {
                roles.push((role, parse(&css)?));
            }
        }
        let mut text = vec![
            link.clone(),
            within(post, &css.author),
            time.clone(),
            body.clone(),
            css.title.clone(),
        ];
        match (&cell, &css.topic_row) {
            (Some(cell), _) => text.push(cell.clone()),
            (None, Some(row)) => text.push(row.clone()),
            (None, None) => {}
        }
        Some(Selectors {
            flags,
            walked: parse(&walked)?,
            roles,
            text: parse(&text.join(", "))?,
            rows: css.topic_row.is_some(),
            last_post: css.last_post.is_some(),
        })
    }
}

/// Why the streaming reader gave up on a page (lol_html met markup it cannot
/// stream without building the tree). The page goes to the tree reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the streaming HTML reader stopped: {0}")]
pub struct StreamError(String);

/// Has `closes` closed when `el` ends, if there is anything to close.
fn at_end(
    el: &mut Element<'_, '_>,
    state: &Rc<RefCell<Collected>>,
    closes: Vec<Close>,
) -> lol_html::HandlerResult {
    if closes.is_empty() {
        return Ok(());
    }
    let state = state.clone();
    el.on_end_tag(Box::new(move |_| {
        state.borrow_mut().close(closes);
        Ok(())
    }))
}

/// Reads `html`, served at `url`, like [`crate::page::parse_page`] does.
pub fn parse_page(
    html: &str,
    url: &str,
    profile: &Profile,
    selectors: &Selectors,
    dates: &DateOptions,
) -> Result<Page, StreamError> {
    let state = Rc::new(RefCell::new(Collected::new(selectors)));
    let mut settings = Settings::new();
    // Handlers of one element run in the order they are registered.
    for (flag, selector) in &selectors.flags {
        let (flag, st) = (*flag, state.clone());
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                st.borrow_mut()
                    .flag(el.source_location().bytes().start, flag);
                Ok(())
            }),
        ));
    }
    let st = state.clone();
    settings = settings.append_element_content_handler((
        Cow::Borrowed(&selectors.walked),
        ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
            let closes = st.borrow_mut().walk_element(el);
            at_end(el, &st, closes)
        }),
    ));
    for (role, selector) in &selectors.roles {
        let (role, st) = (*role, state.clone());
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                let closes = st.borrow_mut().role(el, role);
                at_end(el, &st, closes)
            }),
        ));
    }
    let st = state.clone();
    settings = settings.append_element_content_handler((
        Cow::Borrowed(&selectors.text),
        ElementContentHandlers::default().text(move |t: &mut TextChunk<'_>| {
            st.borrow_mut().text(t);
            Ok(())
        }),
    ));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| StreamError(e.to_string()))?;
    let collected = state.take();
    Ok(collected.into_page(url, profile, dates))
}

/// The attributes the page reader looks at, decoded.
#[derive(Debug, Default)]
struct Attrs(Vec<(&'static str, String)>);

impl Attrs {
    fn read(el: &Element<'_, '_>, names: &[&'static str]) -> Attrs {
        Attrs(
            names
                .iter()
                .filter_map(|n| attr(el, n).map(|v| (*n, v)))
                .collect(),
        )
    }
}

impl Attributes for Attrs {
    fn attr(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

const POST_ATTRS: &[&str] = &[
    "data-post-id",
    "data-node-id",
    "data-content",
    "id",
    "data-pid",
    "data-author",
    "data-user-name",
];
const TIME_ATTRS: &[&str] = &["data-timestamp", "datetime", "data-time", "title"];
const QUOTE_ATTRS: &[&str] = &["data-source", "data-post-id", "cite"];

/// An attribute's value as html5ever gives it: line ends normalised, NUL
/// replaced, character references decoded.
fn attr(el: &Element<'_, '_>, name: &str) -> Option<String> {
    let raw = el.get_attribute(name)?;
    if !raw.contains(['&', '\r', '\0']) {
        return Some(raw);
    }
    let raw = normalise(raw).replace('\0', "\u{FFFD}");
    Some(htmlize::unescape_attribute(raw).into_owned())
}

/// Line ends as html5ever's input stream has them: CR LF and lone CR are LF.
fn normalise(s: String) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s
    }
}

/// A text walk (a post body, the title) in progress.
struct Walk {
    writer: TextWriter,
    /// Open skipped elements (quotes, signatures, scripts) around the
    /// current position.
    skipping: u32,
    /// The role whose elements this walk skips.
    skip_role: u32,
    /// Just after `<pre>`: html5ever drops a newline that starts its text.
    after_pre: bool,
}

impl Walk {
    fn new(skip_role: u32) -> Walk {
        Walk {
            writer: TextWriter::new(),
            skipping: 0,
            skip_role,
            after_pre: false,
        }
    }

    fn finish(self) -> String {
        self.writer.finish()
    }
}

#[derive(Default)]
struct Row {
    /// The last thread link inside it.
    link: Option<usize>,
    /// Its last-post cell.
    cell: Option<usize>,
    /// Its text, when the profile has no last-post cell.
    text: String,
}

#[derive(Default)]
struct Link {
    href: Option<String>,
    text: String,
}

#[derive(Default)]
struct Cell {
    hrefs: Vec<String>,
    time: Option<String>,
    text: String,
}

#[derive(Default)]
struct RawPost {
    attrs: Attrs,
    authors: Vec<String>,
    time: Option<usize>,
    body: Option<usize>,
    quotes: Vec<usize>,
    edited: bool,
}

#[derive(Default)]
struct RawTime {
    attrs: Attrs,
    inner: Vec<Attrs>,
    text: String,
}

#[derive(Default)]
struct RawQuote {
    attrs: Attrs,
    marked: Option<u64>,
    hrefs: Vec<String>,
}

/// Where text goes while an element is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sink {
    Link(usize),
    RowText(usize),
    Cell(usize),
    Author(usize, usize),
    Time(usize),
}

/// What ends with an element.
enum Close {
    Sink(Sink),
    Walk(usize, String),
    Unskip(usize),
    Walker(usize),
    Row(usize),
    Cell(usize),
    Post(usize),
    Body(usize),
    Quote(usize),
    Time(usize),
}

/// Everything a page gives, gathered as the tags go past and put together
/// at the end (links resolve against `<base>`, wherever it stood).
#[derive(Default)]
struct Collected {
    rows_mode: bool,
    last_post_mode: bool,
    /// The start offset of the element last flagged, and its flags.
    flags: (usize, u32),
    base: Option<String>,
    boards: Vec<String>,
    next: Vec<String>,
    prev: bool,
    title: Option<usize>,
    rows: Vec<Row>,
    links: Vec<Link>,
    cells: Vec<Cell>,
    posts: Vec<RawPost>,
    times: Vec<RawTime>,
    quotes: Vec<RawQuote>,
    walks: Vec<Walk>,
    open_rows: Vec<usize>,
    open_cells: Vec<usize>,
    open_posts: Vec<usize>,
    open_bodies: Vec<usize>,
    open_quotes: Vec<usize>,
    open_times: Vec<usize>,
    active_walks: Vec<usize>,
    sinks: Vec<Sink>,
    /// The text node being read (lol_html may hand it over in pieces).
    text: String,
}

impl Collected {
    fn new(selectors: &Selectors) -> Collected {
        Collected {
            rows_mode: selectors.rows,
            last_post_mode: selectors.last_post,
            ..Collected::default()
        }
    }

    /// Notes that the element starting at byte `at` is one a walk skips.
    fn flag(&mut self, at: usize, flag: u32) {
        if self.flags.0 != at {
            self.flags = (at, 0);
        }
        self.flags.1 |= flag;
    }

    /// An element inside a body or the title starts; returns what its end
    /// tag closes.
    fn walk_element(&mut self, el: &Element<'_, '_>) -> Vec<Close> {
        let mut closes = Vec::new();
        if self.active_walks.is_empty() {
            return closes;
        }
        let at = el.source_location().bytes().start;
        let flags = if self.flags.0 == at { self.flags.1 } else { 0 };
        let has_end = el.can_have_content();
        let name = el.tag_name();
        for &w in &self.active_walks {
            let walk = &mut self.walks[w];
            walk.after_pre = false;
            if walk.skipping > 0 {
                continue;
            }
            if is_dropped(&name) || flags & walk.skip_role != 0 {
                if has_end {
                    walk.skipping += 1;
                    closes.push(Close::Unskip(w));
                }
                continue;
            }
            walk.writer.open(&name);
            if has_end {
                walk.after_pre = name == "pre";
                closes.push(Close::Walk(w, name.clone()));
            } else {
                walk.writer.close(&name);
            }
        }
        closes.reverse();
        closes
    }

    /// An element with `role` starts; returns what its end tag closes.
    fn role(&mut self, el: &Element<'_, '_>, role: u32) -> Vec<Close> {
        let mut closes = Vec::new();
        let has_end = el.can_have_content();
        match role {
            BASE if self.base.is_none() => self.base = attr(el, "href"),
            BOARD => self.boards.extend(attr(el, "href")),
            NEXT => self.next.extend(attr(el, "href")),
            PREV => self.prev = true,
            HREF if !self.open_cells.is_empty() || !self.open_quotes.is_empty() => {
                if let Some(href) = attr(el, "href") {
                    for &c in &self.open_cells {
                        self.cells[c].hrefs.push(href.clone());
                    }
                    for &q in &self.open_quotes {
                        self.quotes[q].hrefs.push(href.clone());
                    }
                }
            }
            ROW_TIME => {
                for &c in &self.open_cells {
                    if self.cells[c].time.is_none() {
                        let attrs = Attrs::read(el, &["data-timestamp", "datetime"]);
                        self.cells[c].time = row_time(&attrs).map(str::to_string);
                    }
                }
            }
            MARKED => {
                for &q in &self.open_quotes {
                    if self.quotes[q].marked.is_none() {
                        self.quotes[q].marked = marked_number(&Attrs::read(el, &["data-post-id"]));
                    }
                }
            }
            INNER_TIME => {
                for &t in &self.open_times {
                    self.times[t].inner.push(Attrs::read(el, TIME_ATTRS));
                }
            }
            EDITED => {
                for &p in &self.open_posts {
                    self.posts[p].edited = true;
                }
            }
            AUTHOR if has_end => {
                for &p in &self.open_posts {
                    let a = self.posts[p].authors.len();
                    self.posts[p].authors.push(String::new());
                    self.sinks.push(Sink::Author(p, a));
                    closes.push(Close::Sink(Sink::Author(p, a)));
                }
            }
            LAST_POST => {
                for &r in &self.open_rows {
                    if self.rows[r].cell.is_none() {
                        let c = self.cells.len();
                        self.cells.push(Cell::default());
                        self.rows[r].cell = Some(c);
                        if has_end {
                            self.open_cells.push(c);
                            self.sinks.push(Sink::Cell(c));
                            closes.push(Close::Cell(c));
                            closes.push(Close::Sink(Sink::Cell(c)));
                        }
                    }
                }
            }
            QUOTE => {
                for &p in &self.open_bodies {
                    let q = self.quotes.len();
                    self.quotes.push(RawQuote {
                        attrs: Attrs::read(el, QUOTE_ATTRS),
                        ..RawQuote::default()
                    });
                    self.posts[p].quotes.push(q);
                    if has_end {
                        self.open_quotes.push(q);
                        closes.push(Close::Quote(q));
                    }
                }
            }
            TIME => {
                for &p in &self.open_posts {
                    if self.posts[p].time.is_some() {
                        continue;
                    }
                    let t = self.times.len();
                    self.times.push(RawTime {
                        attrs: Attrs::read(el, TIME_ATTRS),
                        ..RawTime::default()
                    });
                    self.posts[p].time = Some(t);
                    if has_end {
                        self.open_times.push(t);
                        self.sinks.push(Sink::Time(t));
                        closes.push(Close::Time(t));
                        closes.push(Close::Sink(Sink::Time(t)));
                    }
                }
            }
            LINK => {
                let l = self.links.len();
                self.links.push(Link {
                    href: attr(el, "href"),
                    text: String::new(),
                });
                for &r in &self.open_rows {
                    self.rows[r].link = Some(l);
                }
                if has_end {
                    self.sinks.push(Sink::Link(l));
                    closes.push(Close::Sink(Sink::Link(l)));
                }
            }
            BODY => {
                for &p in &self.open_posts {
                    if self.posts[p].body.is_some() {
                        continue;
                    }
                    let w = self.walks.len();
                    self.walks.push(Walk::new(SKIP));
                    self.posts[p].body = Some(w);
                    if has_end {
                        self.active_walks.push(w);
                        self.open_bodies.push(p);
                        closes.push(Close::Walker(w));
                        closes.push(Close::Body(p));
                    }
                }
            }
            TITLE if self.title.is_none() => {
                let w = self.walks.len();
                self.walks.push(Walk::new(LABEL));
                self.title = Some(w);
                if has_end {
                    self.active_walks.push(w);
                    closes.push(Close::Walker(w));
                }
            }
            ROW => {
                let r = self.rows.len();
                self.rows.push(Row::default());
                if has_end {
                    self.open_rows.push(r);
                    closes.push(Close::Row(r));
                    if !self.last_post_mode {
                        self.sinks.push(Sink::RowText(r));
                        closes.push(Close::Sink(Sink::RowText(r)));
                    }
                }
            }
            POST => {
                let p = self.posts.len();
                self.posts.push(RawPost {
                    attrs: Attrs::read(el, POST_ATTRS),
                    ..RawPost::default()
                });
                if has_end {
                    self.open_posts.push(p);
                    closes.push(Close::Post(p));
                }
            }
            _ => {}
        }
        closes
    }

    /// An element ends.
    fn close(&mut self, closes: Vec<Close>) {
        for c in closes {
            match c {
                Close::Sink(s) => remove(&mut self.sinks, &s),
                Close::Walk(w, name) => {
                    let walk = &mut self.walks[w];
                    walk.after_pre = false;
                    walk.writer.close(&name);
                }
                Close::Unskip(w) => {
                    let walk = &mut self.walks[w];
                    walk.skipping = walk.skipping.saturating_sub(1);
                }
                Close::Walker(w) => remove(&mut self.active_walks, &w),
                Close::Row(r) => remove(&mut self.open_rows, &r),
                Close::Cell(c) => remove(&mut self.open_cells, &c),
                Close::Post(p) => remove(&mut self.open_posts, &p),
                Close::Body(p) => remove(&mut self.open_bodies, &p),
                Close::Quote(q) => remove(&mut self.open_quotes, &q),
                Close::Time(t) => remove(&mut self.open_times, &t),
            }
        }
    }

    /// A piece of a text node.
    fn text(&mut self, chunk: &TextChunk<'_>) {
        if self.sinks.is_empty() && self.active_walks.is_empty() {
            return;
        }
        self.text.push_str(chunk.as_str());
        if !chunk.last_in_text_node() {
            return;
        }
        let raw = std::mem::take(&mut self.text);
        let mut text = normalise(raw);
        if text.contains('\0') {
            // In content, html5ever drops NUL; in raw text it replaces it.
            let nul = if chunk.text_type().allows_html_entities() {
                ""
            } else {
                "\u{FFFD}"
            };
            text = text.replace('\0', nul);
        }
        if chunk.text_type().allows_html_entities() && text.contains('&') {
            text = htmlize::unescape(text).into_owned();
        }
        for sink in &self.sinks {
            let target = match *sink {
                Sink::Link(l) => &mut self.links[l].text,
                Sink::RowText(r) => &mut self.rows[r].text,
                Sink::Cell(c) => &mut self.cells[c].text,
                Sink::Author(p, a) => &mut self.posts[p].authors[a],
                Sink::Time(t) => &mut self.times[t].text,
            };
            target.push_str(&text);
        }
        for &w in &self.active_walks {
            let walk = &mut self.walks[w];
            if walk.skipping > 0 {
                continue;
            }
            let t = if std::mem::take(&mut walk.after_pre) {
                text.strip_prefix('\n').unwrap_or(&text)
            } else {
                &text
            };
            walk.writer.text(t);
        }
    }

    /// The page, as [`crate::page::parse_page`] puts it together.
    fn into_page(mut self, url: &str, profile: &Profile, dates: &DateOptions) -> Page {
        let base = self
            .base
            .as_deref()
            .and_then(|h| resolve(url, h))
            .unwrap_or_else(|| url.to_string());
        let link = |href: &Option<String>| href.as_deref().and_then(|h| link_url(h, &base));

        let mut boards: Vec<String> = Vec::new();
        for href in &self.boards {
            push_board(&mut boards, link_url(href, &base), url);
        }

        let mut topics: Vec<TopicRef> = Vec::new();
        let mut push = |l: &Link, token: String| {
            push_topic(&mut topics, link(&l.href), || l.text.clone(), token, url);
        };
        if self.rows_mode {
            for row in &self.rows {
                let Some(l) = row.link else {
                    continue;
                };
                let token = if self.last_post_mode {
                    row.cell
                        .map(|c| {
                            let cell = &self.cells[c];
                            change_token(
                                cell.hrefs.iter().map(String::as_str),
                                &base,
                                || cell.time.clone(),
                                || cell.text.clone(),
                            )
                        })
                        .unwrap_or_default()
                } else {
                    collapse_whitespace(&row.text)
                };
                push(&self.links[l], token);
            }
        } else {
            for l in &self.links {
                push(l, String::new());
            }
        }

        let next = next_link(self.next.iter().filter_map(|h| link_url(h, &base)), url);
        let mut walks: Vec<Option<Walk>> = std::mem::take(&mut self.walks)
            .into_iter()
            .map(Some)
            .collect();
        let title = self
            .title
            .and_then(|w| walks[w].take())
            .map(|w| collapse_whitespace(&w.finish()))
            .filter(|t| !t.is_empty());

        let page_url = strip_fragment(url);
        let mut posts = Vec::new();
        for (index, raw) in self.posts.iter().enumerate() {
            let Some(body) = raw.body.and_then(|w| walks[w].take()) else {
                continue;
            };
            let number = post_number(&raw.attrs);
            let (id, url) = post_id(number, &raw.attrs, index, &page_url, profile.anchor_prefix);
            let author = post_author(raw.authors.iter().cloned(), &raw.attrs);
            let published = raw.time.and_then(|t| {
                let t = &self.times[t];
                time_of(&t.attrs, &t.inner, || t.text.clone(), dates)
            });
            let quotes = raw
                .quotes
                .iter()
                .find_map(|&q| {
                    let q = &self.quotes[q];
                    quoted_post(
                        &q.attrs,
                        || q.marked,
                        q.hrefs.iter().map(String::as_str),
                        &base,
                    )
                })
                .map(|n| format!("p{n}"));
            posts.push(Post {
                id,
                number,
                url,
                author,
                published,
                body: body.finish(),
                quotes,
                edited: raw.edited,
            });
        }

        Page {
            boards,
            topics,
            next,
            first_page: !self.prev,
            title,
            posts,
        }
    }
}

/// `inner` inside `outer`: every selector of the one list as a descendant
/// of every selector of the other (`a, b` in `p, q` is `p a, p b, q a, q b`).
fn within(outer: &str, inner: &str) -> String {
    let inner = split_list(inner);
    split_list(outer)
        .iter()
        .flat_map(|o| inner.iter().map(move |i| format!("{o} {i}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The selectors of a selector list: split at the commas outside
/// parentheses, brackets and quotes (`a, b:not(.c, .d)` is two).
fn split_list(css: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    for (i, c) in css.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(css[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(css[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Removes the last `x` from `v` (what is open closes innermost first).
fn remove<T: PartialEq>(v: &mut Vec<T>, x: &T) {
    if let Some(i) = v.iter().rposition(|y| y == x) {
        v.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_lists_split_at_top_level_commas() {
        assert_eq!(
            split_list("div.a, li.b > a:not(.c, .d) , [title='x, y'],p"),
            ["div.a", "li.b > a:not(.c, .d)", "[title='x, y']", "p"]
        );
        assert_eq!(split_list(" h1 "), ["h1"]);
        assert!(split_list(" , ").is_empty());
        assert_eq!(within("p, q", "a, b > c"), "p a, p b > c, q a, q b > c");
    }
}
