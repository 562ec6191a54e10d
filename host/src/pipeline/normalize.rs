//! Stage 1, normalize: whatever markup a plugin passed becomes clean text.
//!
//! HTML is turned into text with `scraper` (block elements and `<br>` become
//! line breaks, scripts and styles are dropped, entities decoded); every
//! text is then put in Unicode NFC, so that "é" typed two ways is one string
//! for matching and de-duplication, and its whitespace is tidied: runs of
//! spaces collapse, and runs of blank lines collapse to one paragraph break.
//! Line breaks themselves are kept — forum posts use them as sentence
//! boundaries.

use scraper::{ElementRef, Html, Node};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// How a text arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// HTML markup.
    Html,
}

/// Normalize one text: markup to text, NFC, tidy whitespace.
pub fn normalize(input: &str, format: Format) -> String {
    let text = match format {
        Format::Text => input.to_string(),
        Format::Html => html_to_text(input),
    };
    // Most text is already NFC (all of ASCII is); the quick check says so
    // without decomposing and recomposing every character.
    if unicode_normalization::is_nfc_quick(text.chars()) == IsNormalized::Yes {
        tidy_whitespace(&text)
    } else {
        tidy_whitespace(&text.nfc().collect::<String>())
    }
}

const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dd",
    "dt",
];

/// HTML fragment to text.
pub fn html_to_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len());
    walk(fragment.root_element(), &mut out);
    out
}

fn walk(element: ElementRef<'_>, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "noscript" | "template") {
                    continue;
                }
                if name == "br" {
                    out.push('\n');
                    continue;
                }
                if name == "img" {
                    // Smilies and emoji images carry their meaning in `alt`.
                    if let Some(alt) = e.attr("alt") {
                        out.push_str(alt);
                    }
                    continue;
                }
                let block = BLOCK.contains(&name);
                if block {
                    out.push('\n');
                }
                if let Some(el) = ElementRef::wrap(child) {
                    walk(el, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Collapse spaces and tabs, trim lines, keep at most one blank line.
pub fn tidy_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.lines() {
        let mut collapsed = String::with_capacity(line.len());
        let mut space = false;
        for c in line.chars() {
            if c.is_whitespace() || c == '\u{a0}' {
                space = true;
            } else {
                if space && !collapsed.is_empty() {
                    collapsed.push(' ');
                }
                space = false;
                collapsed.push(c);
            }
        }
        if collapsed.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&collapsed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_with_breaks_and_no_scripts() {
        let html = "<p>Hi all,<br>the drive is 3&nbsp;hours &amp; parking is $20 <img class=\"smilies\" alt=\":(\"></p><script>alert(1)</script><blockquote>quoted</blockquote><p>bye</p>";
        assert_eq!(
            normalize(html, Format::Html),
            "Hi all,\nthe drive is 3 hours & parking is $20 :(\n\nquoted\n\nbye"
        );
    }

    #[test]
    fn nfc_and_whitespace() {
        let decomposed = "cafe\u{301}   visit\t\tday\n\n\n\nnext  ";
        assert_eq!(
            normalize(decomposed, Format::Text),
            "caf\u{e9} visit day\n\nnext"
        );
        // Already NFC (the quick check's path): only the whitespace changes.
        assert_eq!(
            normalize("caf\u{e9}  na\u{ef}ve \u{1F642}", Format::Text),
            "caf\u{e9} na\u{ef}ve \u{1F642}"
        );
        // A mark after a letter it composes with is not "quick" NFC.
        assert_eq!(normalize("Zoe\u{308}", Format::Text), "Zo\u{eb}");
    }

    #[test]
    fn plain_text_is_not_parsed_as_markup() {
        assert_eq!(normalize("a <b> c", Format::Text), "a <b> c");
    }
}
