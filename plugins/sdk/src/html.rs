//! HTML to plain text, the way a reader sees the page.
//!
//! Forum posts, feed items and API `content` fields arrive as HTML. The index
//! wants what the author wrote as text: paragraphs and line breaks kept
//! (sentence splitting and quotes in reports need them), entities decoded,
//! scripts and styles dropped, runs of whitespace collapsed.
//!
//! Parsing is html5ever through `scraper`, so the broken markup real sites
//! serve is repaired the way a browser repairs it, and character references
//! (`&amp;`, `&#8217;`, `&nbsp;`) are decoded by the parser. The walk
//! then works on the tree:
//!
//! * `<br>` is a line break; two in a row make a blank line.
//! * Paragraph-like blocks (`p`, headings, `blockquote`, `pre`, lists,
//!   tables, `hr`) are separated by a blank line; other blocks (`div`,
//!   `li`, `tr`, `section`, …) by a line break. Table cells by a space.
//! * Text inside `pre` keeps its whitespace; elsewhere whitespace collapses
//!   to one space and lines are trimmed.
//! * `script`, `style`, `noscript`, `template`, `head` and images are
//!   dropped.
//!
//! [`element_to_text`] also takes selectors of subtrees to skip: that is how
//! a forum plugin removes quoted posts and signatures from a post body
//! without having to edit the tree.

use scraper::{ElementRef, Html, Node, Selector};

/// A CSS selector that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CSS selector `{selector}`: {reason}")]
pub struct SelectorError {
    /// The selector as written.
    pub selector: String,
    /// What the parser said.
    pub reason: String,
}

/// Parses a CSS selector, with an error that quotes it (selectors come from
/// plugin code and operator config, never from page content).
pub fn selector(css: &str) -> Result<Selector, SelectorError> {
    Selector::parse(css).map_err(|e| SelectorError {
        selector: css.to_string(),
        reason: e.to_string(),
    })
}

/// The text of an HTML fragment (or whole document).
pub fn to_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    element_to_text(fragment.root_element(), &[])
}

/// The text of `element` and its descendants, leaving out every descendant
/// subtree that matches one of `skip` (e.g. `blockquote`, `.signature`).
pub fn element_to_text(element: ElementRef<'_>, skip: &[Selector]) -> String {
    let mut w = TextWriter::new();
    walk(element, skip, &mut w);
    w.finish()
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "img", "svg", "iframe", "object", "button",
];
const PARAGRAPHS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "table",
    "hr",
    "figure",
    "aside",
    "details",
];
const LINES: &[&str] = &[
    "div",
    "li",
    "tr",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "address",
    "figcaption",
    "summary",
    "form",
    "fieldset",
    "legend",
    "caption",
    "center",
    "body",
    "html",
    "thead",
    "tbody",
    "tfoot",
];
const CELLS: &[&str] = &["td", "th"];

/// Turns a stream of element and text events into text, by the rules in
/// the module docs.
///
/// [`element_to_text`] drives it from a parsed tree; a reader that streams a
/// page without building its tree drives it from start tags, end tags and
/// text as they come, and gets the same text. The caller decides what to
/// skip (see [`is_dropped`]); everything it passes in is written.
///
/// Separators are held back until the next word, so trailing whitespace and
/// breaks never reach the output.
#[derive(Debug, Default)]
pub struct TextWriter {
    out: String,
    space: bool,
    newlines: u8,
    pre_depth: usize,
}

/// Elements whose content is never text a reader sees (scripts, styles,
/// images, …): walkers skip them and everything inside.
pub fn is_dropped(name: &str) -> bool {
    DROPPED.contains(&name)
}

impl TextWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An element `name` (lower case) opens.
    pub fn open(&mut self, name: &str) {
        if name == "br" {
            self.line_break();
            return;
        }
        self.edge(name);
        if name == "pre" {
            self.pre_depth += 1;
        }
    }

    /// The element `name` that [`TextWriter::open`] saw closes.
    pub fn close(&mut self, name: &str) {
        if name == "br" {
            return;
        }
        if name == "pre" {
            self.pre_depth = self.pre_depth.saturating_sub(1);
        }
        self.edge(name);
    }

    /// Text content, with character references already decoded.
    pub fn text(&mut self, t: &str) {
        if self.pre_depth > 0 {
            self.pre(t);
        } else {
            self.words(t);
        }
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    /// The separator an element puts before and after its content.
    fn edge(&mut self, name: &str) {
        let cell = CELLS.contains(&name);
        if cell {
            self.space = true;
        }
        if PARAGRAPHS.contains(&name) {
            self.block(2);
        } else if LINES.contains(&name) {
            self.block(1);
        }
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            if self.newlines > 0 {
                for _ in 0..self.newlines {
                    self.out.push('\n');
                }
            } else if self.space {
                self.out.push(' ');
            }
        }
        self.space = false;
        self.newlines = 0;
    }

    fn words(&mut self, t: &str) {
        if t.starts_with(char::is_whitespace) {
            self.space = true;
        }
        let mut words = t.split_whitespace().peekable();
        while let Some(word) = words.next() {
            self.flush();
            self.out.push_str(word);
            if words.peek().is_some() {
                self.space = true;
            }
        }
        if t.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    fn pre(&mut self, t: &str) {
        let t = t.replace("\r\n", "\n");
        if t.is_empty() {
            return;
        }
        self.flush();
        self.out.push_str(&t);
        // Trailing newlines inside <pre> count as breaks, not content.
        let trimmed = self.out.trim_end_matches(['\n', ' ', '\t']).len();
        let dropped = self.out[trimmed..].matches('\n').count();
        self.out.truncate(trimmed);
        self.newlines = self.newlines.max(dropped.min(2) as u8);
    }

    fn block(&mut self, n: u8) {
        self.newlines = self.newlines.max(n);
    }

    fn line_break(&mut self) {
        self.newlines = (self.newlines + 1).min(2);
    }
}

fn walk(element: ElementRef<'_>, skip: &[Selector], w: &mut TextWriter) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => w.text(t),
            Node::Element(e) => {
                let Some(child_el) = ElementRef::wrap(child) else {
                    continue;
                };
                let name = e.name();
                if is_dropped(name) || skip.iter().any(|s| s.matches(&child_el)) {
                    continue;
                }
                w.open(name);
                walk(child_el, skip, w);
                w.close(name);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_and_entities() {
        let t = to_text(
            "<p>First &amp; foremost,\n   the  <b>travel</b>.</p><p>Second<br>line two<br><br>after gap</p>",
        );
        assert_eq!(
            t,
            "First & foremost, the travel.\n\nSecond\nline two\n\nafter gap"
        );
        // A no-break space collapses like any other whitespace.
        assert_eq!(to_text("it&#8217;s&nbsp;fine &lt;3"), "it\u{2019}s fine <3");
    }

    #[test]
    fn scripts_styles_and_images_dropped() {
        let t = to_text(
            "<div>a<script>var x = 1;</script><style>p{}</style> <img alt=\":smile:\" src=x>b</div>",
        );
        assert_eq!(t, "a b");
    }

    #[test]
    fn lists_divs_and_tables() {
        assert_eq!(
            to_text("<ul><li>one</li><li>two</li></ul>after"),
            "one\ntwo\n\nafter"
        );
        assert_eq!(to_text("<div>a</div><div>b</div>"), "a\nb");
        assert_eq!(
            to_text("<table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>"),
            "x y\nz"
        );
        assert_eq!(
            to_text("in<span>line</span> <em>words</em>"),
            "inline words"
        );
    }

    #[test]
    fn pre_keeps_whitespace() {
        assert_eq!(
            to_text("<p>code:</p><pre>a  b\n  c\n</pre><p>end</p>"),
            "code:\n\na  b\n  c\n\nend"
        );
    }

    #[test]
    fn broken_markup_is_repaired() {
        assert_eq!(
            to_text("<p>unclosed <b>bold<p>next"),
            "unclosed bold\n\nnext"
        );
        assert_eq!(to_text(""), "");
        assert_eq!(to_text("   \n "), "");
    }

    #[test]
    fn skipping_quotes_and_signatures() {
        let doc = Html::parse_fragment(
            "<div class=content><blockquote><cite>anna wrote:</cite>quoted words</blockquote>my reply\
             <div class=signature>-- sig line</div></div>",
        );
        let sel = selector("div.content").unwrap();
        let el = doc.select(&sel).next().unwrap();
        let skip = [
            selector("blockquote").unwrap(),
            selector(".signature").unwrap(),
        ];
        assert_eq!(element_to_text(el, &skip), "my reply");
        assert_eq!(
            element_to_text(el, &[]),
            "anna wrote:quoted words\n\nmy reply\n-- sig line"
        );
    }

    #[test]
    fn bad_selector_names_itself() {
        let e = selector("div[").unwrap_err();
        assert_eq!(e.selector, "div[");
        assert!(e.to_string().contains("`div[`"));
    }

    #[test]
    fn collapse() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
    }
}
