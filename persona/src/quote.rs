//! Quotes: sentence-aligned, verbatim, and checked.
//!
//! A quote is the whole sentence (or sentences) around a piece of evidence,
//! taken from the document's own sentence ranges (`doc.sentences`, from the
//! analysis stage) so that a reader sees what the patient said, not a
//! keyword in a vacuum. Where a document has no sentence ranges we fall
//! back to the nearest `.`, `!`, `?` or line break. A sentence longer than
//! [`MAX_QUOTE`] bytes is cut to a window around the evidence, on word
//! boundaries, and flagged `truncated` so renderers can show the ellipsis —
//! the text itself stays a verbatim slice.
//!
//! Quotes are stored as byte spans *and* text. [`verify_quotes`] slices the
//! stored document at the span and compares, which is what makes "every
//! quote is verbatim de-identified text" a checked property rather than a
//! hope. Problems name the document id, span and where in the report the
//! quote sits — never the text, which keeps error output free of content.

use std::collections::BTreeMap;

use hearken_document::AnalysedDocument;
use serde::{Deserialize, Serialize};

use crate::{Mark, PersonaReport, Quote};

/// Longest quote, in bytes, before it is windowed.
pub(crate) const MAX_QUOTE: usize = 420;

/// Why a quote failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteProblemKind {
    /// No document with the quote's id was given.
    MissingDocument,
    /// The span is empty, reversed, past the end of the body, or not on
    /// character boundaries.
    BadSpan,
    /// The body at the span is not the quote's text.
    TextMismatch,
    /// A highlight mark lies outside the quote.
    BadMark,
}

/// A quote that is not a verbatim span of its stored document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteProblem {
    /// Where in the report, e.g. `persona-2/barrier/travel_burden`.
    pub location: String,
    /// The quote's document id.
    pub doc_id: String,
    /// The quote's span start.
    pub start: u32,
    /// The quote's span end.
    pub end: u32,
    /// What is wrong.
    pub kind: QuoteProblemKind,
}

impl std::fmt::Display for QuoteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: quote of {} bytes {}..{}: {:?}",
            self.location, self.doc_id, self.start, self.end, self.kind
        )
    }
}

/// Check every quote in `r` against the stored de-identified documents:
/// the document must exist, the span must be a valid range of its body on
/// character boundaries, `body[start..end]` must equal the quote's text,
/// and every mark must lie inside the quote. Returns the problems, in
/// report order (empty when all is well).
pub fn verify_quotes(r: &PersonaReport, docs: &[AnalysedDocument]) -> Vec<QuoteProblem> {
    let refs: Vec<&AnalysedDocument> = docs.iter().collect();
    verify_refs(r, &refs)
}

/// [`verify_quotes`] over borrowed documents.
pub(crate) fn verify_refs(r: &PersonaReport, docs: &[&AnalysedDocument]) -> Vec<QuoteProblem> {
    let by_id: BTreeMap<&str, &AnalysedDocument> =
        docs.iter().map(|d| (d.id.as_str(), *d)).collect();
    let mut out = Vec::new();
    for (location, q) in r.quotes() {
        let problem = |kind| QuoteProblem {
            location: location.clone(),
            doc_id: q.doc_id.clone(),
            start: q.start,
            end: q.end,
            kind,
        };
        let Some(doc) = by_id.get(q.doc_id.as_str()) else {
            out.push(problem(QuoteProblemKind::MissingDocument));
            continue;
        };
        if q.start >= q.end {
            out.push(problem(QuoteProblemKind::BadSpan));
            continue;
        }
        match doc.body.get(q.start as usize..q.end as usize) {
            None => out.push(problem(QuoteProblemKind::BadSpan)),
            Some(s) if s != q.text => out.push(problem(QuoteProblemKind::TextMismatch)),
            Some(_) => {
                if q.marks
                    .iter()
                    .any(|m| m.start < q.start || m.end > q.end || m.start >= m.end)
                {
                    out.push(problem(QuoteProblemKind::BadMark));
                }
            }
        }
    }
    out
}

fn is_boundary_byte(b: u8) -> bool {
    matches!(b, b'.' | b'!' | b'?' | b'\n')
}

/// The sentence range(s) around `start..end`, trimmed of whitespace.
fn sentence_range(doc: &AnalysedDocument, start: usize, end: usize) -> Option<(usize, usize)> {
    let body = doc.body.as_bytes();
    let end = end.max(start + 1).min(body.len());
    let mut range: Option<(usize, usize)> = None;
    for s in &doc.sentences {
        let (ss, se) = (s.start as usize, s.end as usize);
        if ss < end && se > start && se <= body.len() && ss < se {
            range = Some(match range {
                None => (ss, se),
                Some((a, b)) => (a.min(ss), b.max(se)),
            });
        }
    }
    let (mut a, mut b) = match range {
        Some(r) => r,
        None => {
            // Fallback: the nearest sentence punctuation or line break.
            let mut a = start.min(body.len());
            while a > 0 && !is_boundary_byte(body[a - 1]) {
                a -= 1;
            }
            let mut b = end;
            while b < body.len() && body[b] != b'\n' {
                b += 1;
                if matches!(body[b - 1], b'.' | b'!' | b'?')
                    && (b == body.len() || body[b].is_ascii_whitespace())
                {
                    break;
                }
            }
            (a, b)
        }
    };
    // Trim whitespace (char-aware).
    let text = doc.body.get(a..b)?;
    a += text.len() - text.trim_start().len();
    b -= text.len() - text.trim_end().len();
    if a >= b { None } else { Some((a, b)) }
}

/// Cut an over-long range to a window around the evidence, on word
/// boundaries. Returns the new range and whether it was cut.
fn window(body: &str, (a, b): (usize, usize), ev: (usize, usize)) -> (usize, usize, bool) {
    if b - a <= MAX_QUOTE {
        return (a, b, false);
    }
    let before = (MAX_QUOTE - (ev.1 - ev.0).min(MAX_QUOTE)) / 3;
    let mut wa = ev.0.saturating_sub(before).max(a);
    let mut wb = (wa + MAX_QUOTE).min(b).max(ev.1.min(b));
    // Snap to char boundaries, then to spaces.
    while wa > a && !body.is_char_boundary(wa) {
        wa -= 1;
    }
    while wb < b && !body.is_char_boundary(wb) {
        wb += 1;
    }
    if wa > a
        && let Some(p) = body[wa..ev.0.max(wa)].find(' ')
    {
        wa += p + 1;
    }
    if wb < b
        && let Some(p) = body[ev.1.min(wb)..wb].rfind(' ')
    {
        wb = ev.1.min(wb) + p;
    }
    let text = &body[wa..wb];
    let wa2 = wa + (text.len() - text.trim_start().len());
    let wb2 = wb - (text.len() - text.trim_end().len());
    (wa2, wb2, true)
}

/// Build a quote around the evidence span `start..end` of `doc`, with
/// `marks` (body byte ranges) highlighted where they fall inside it.
pub(crate) fn quote_for(
    doc: &AnalysedDocument,
    start: u32,
    end: u32,
    marks: &[(u32, u32)],
) -> Option<Quote> {
    let (s, e) = (start as usize, end as usize);
    if s > doc.body.len() {
        return None;
    }
    let range = sentence_range(doc, s, e)?;
    let (a, b, truncated) = window(&doc.body, range, (s, e.max(s)));
    let text = doc.body.get(a..b)?;
    if text.is_empty() {
        return None;
    }
    let mut ms: Vec<Mark> = marks
        .iter()
        .filter(|&&(ms, me)| ms as usize >= a && me as usize <= b && ms < me)
        .filter(|&&(ms, me)| doc.body.get(ms as usize..me as usize).is_some())
        .map(|&(start, end)| Mark { start, end })
        .collect();
    ms.sort_by_key(|m| (m.start, m.end));
    // Drop overlapping marks so renderers can cut the text cleanly.
    let mut kept: Vec<Mark> = Vec::with_capacity(ms.len());
    for m in ms {
        if kept.last().is_none_or(|l| m.start >= l.end) {
            kept.push(m);
        }
    }
    Some(Quote {
        doc_id: doc.id.clone(),
        url: doc.url.clone(),
        source: doc.source.clone(),
        author: doc.author.clone(),
        published: doc.published.and_then(crate::build::date),
        start: a as u32,
        end: b as u32,
        text: text.to_string(),
        marks: kept,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_document::{SentenceSentiment, Sentiment};

    fn doc(body: &str, sentences: &[(u32, u32)]) -> AnalysedDocument {
        AnalysedDocument {
            id: "s:1".into(),
            source: "s".into(),
            plugin: "p".into(),
            plugin_version: "0".into(),
            kind: "post".into(),
            url: "https://example.org/1".into(),
            thread_id: None,
            parent_id: None,
            author: None,
            speaker_role: None,
            published: None,
            language: "en".into(),
            title: None,
            body: body.into(),
            sentiment: Sentiment::UNSCORED,
            sentences: sentences
                .iter()
                .map(|&(start, end)| SentenceSentiment {
                    start,
                    end,
                    compound: 0.0,
                })
                .collect(),
            themes: vec![],
            stage: None,
            cues: vec![],
            redactions: Default::default(),
            run_id: "r".into(),
            extra: Default::default(),
        }
    }

    #[test]
    fn quote_is_the_sentence_around_the_evidence() {
        let body = "First one. The drive is two hours each way! Last.";
        let d = doc(body, &[(0, 10), (11, 43), (44, 49)]);
        let at = body.find("drive").unwrap() as u32;
        let q = quote_for(&d, at, at + 5, &[(at, at + 5)]).unwrap();
        assert_eq!(q.text, "The drive is two hours each way!");
        assert_eq!(&body[q.start as usize..q.end as usize], q.text);
        assert_eq!(
            q.marks,
            vec![Mark {
                start: at,
                end: at + 5
            }]
        );
        assert!(!q.truncated);
    }

    #[test]
    fn fallback_without_sentence_ranges_uses_punctuation_and_lines() {
        let body = "hi all\nno car so the bus takes ages. anyway thx";
        let d = doc(body, &[]);
        let at = body.find("bus").unwrap() as u32;
        let q = quote_for(&d, at, at + 3, &[]).unwrap();
        assert_eq!(q.text, "no car so the bus takes ages.");
    }

    #[test]
    fn over_long_sentence_is_windowed_verbatim_on_char_boundaries() {
        let mut body = String::new();
        for i in 0..120 {
            body.push_str(&format!("wörd{i} "));
        }
        body.push_str("placebo ");
        for i in 0..120 {
            body.push_str(&format!("mörë{i} "));
        }
        let d = doc(&body, &[(0, body.len() as u32)]);
        let at = body.find("placebo").unwrap() as u32;
        let q = quote_for(&d, at, at + 7, &[(at, at + 7)]).unwrap();
        assert!(q.truncated);
        assert!(q.text.len() <= MAX_QUOTE);
        assert!(q.text.contains("placebo"));
        assert_eq!(
            body.get(q.start as usize..q.end as usize),
            Some(q.text.as_str())
        );
    }
}
