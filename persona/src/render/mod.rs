//! Reports: HTML for reading, Markdown for pasting, JSON for machines.
//!
//! All three are pure functions of a [`PersonaReport`], so the same report
//! renders to the same bytes. No clock, no environment, no randomness;
//! numbers are formatted with fixed precision.
//!
//! **The HTML report opens with no network.** CSS is inline, charts are
//! inline SVG drawn here, there is no script at all, and evidence folds
//! away in `<details>` elements. Every string that came from a document or
//! from the host (quotes, titles, ids, URLs, source names) goes through
//! [`escape`]; links are only made for `http`/`https` URLs, so a hostile
//! `javascript:` URL becomes inert text.
//!
//! **Markdown** escapes HTML and Markdown punctuation in document text, so
//! a quote can neither inject markup nor break a table.

mod charts;
mod html;
mod markdown;

use crate::PersonaReport;

/// The self-contained HTML report.
pub fn html(r: &PersonaReport) -> String {
    html::render(r)
}

/// The Markdown report.
pub fn markdown(r: &PersonaReport) -> String {
    markdown::render(r)
}

/// The JSON report (pretty-printed, trailing newline). The layout is
/// documented in `REPORT_SCHEMA.md`.
pub fn json(r: &PersonaReport) -> String {
    match serde_json::to_string_pretty(r) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Unreachable for these plain types; still emit valid JSON.
        Err(e) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(format!("could not serialise the report: {e}"))
        ),
    }
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a URL may become a link: `http` or `https` only.
pub(crate) fn linkable(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The persona colour if it is a plain `#rrggbb`, else grey: the report
/// may have been read back from JSON, so nothing in it goes into CSS or
/// SVG attributes unchecked.
pub(crate) fn color(p: &crate::Persona) -> &str {
    let c = p.color.as_bytes();
    if c.len() == 7 && c[0] == b'#' && c[1..].iter().all(u8::is_ascii_hexdigit) {
        &p.color
    } else {
        "#5f6b73"
    }
}

/// `0.4213` → `42%`.
pub(crate) fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// `2.137` → `2.1×`.
pub(crate) fn times(x: f64) -> String {
    format!("{x:.1}×")
}

/// `0.123` → `+0.12`.
pub(crate) fn signed(x: f64) -> String {
    if x >= 0.005 {
        format!("+{x:.2}")
    } else if x <= -0.005 {
        format!("−{:.2}", -x)
    } else {
        "0.00".into()
    }
}

/// A short, stable handle for an author pseudonym (first 8 characters).
pub(crate) fn short(pseudonym: &str) -> String {
    pseudonym.chars().take(8).collect()
}

/// Plural helper: `1 document`, `2 documents`.
pub(crate) fn n_of(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Cut a quote's text into (plain, marked) pieces by its marks.
pub(crate) fn pieces(q: &crate::Quote) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for m in &q.marks {
        let (Some(a), Some(b)) = (
            (m.start as usize).checked_sub(q.start as usize),
            (m.end as usize).checked_sub(q.start as usize),
        ) else {
            continue;
        };
        if a < at || b > q.text.len() {
            continue;
        }
        let (Some(before), Some(mark)) = (q.text.get(at..a), q.text.get(a..b)) else {
            continue;
        };
        out.push((before, false));
        out.push((mark, true));
        at = b;
    }
    if let Some(rest) = q.text.get(at..) {
        out.push((rest, false));
    }
    out.retain(|(s, _)| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn only_http_links() {
        assert!(linkable("https://example.org/t/1"));
        assert!(linkable("HTTP://example.org"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable(" data:text/html,x"));
    }

    #[test]
    fn number_formats() {
        assert_eq!(pct(0.4213), "42%");
        assert_eq!(times(2.137), "2.1×");
        assert_eq!(signed(0.123), "+0.12");
        assert_eq!(signed(-0.5), "−0.50");
        assert_eq!(signed(0.001), "0.00");
    }

    #[test]
    fn pieces_split_on_marks() {
        let q = crate::Quote {
            doc_id: "d".into(),
            url: String::new(),
            source: String::new(),
            author: None,
            published: None,
            start: 10,
            end: 25,
            text: "the bus is slow".into(),
            marks: vec![crate::Mark { start: 14, end: 17 }],
            truncated: false,
        };
        assert_eq!(
            pieces(&q),
            vec![("the ", false), ("bus", true), (" is slow", false)]
        );
    }
}
