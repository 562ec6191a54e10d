//! Running a search: filters, order, paging, hits and snippets.
//!
//! # One pass
//!
//! A search is one tantivy collection with two collectors side by side:
//! a `TopDocs` for the page of hits and our
//! [`FacetCollector`](crate::facets) for the total, the facet counts and
//! the histogram, so counts cover the whole result set at the cost of a
//! single walk over it. Only the page's documents are then loaded from
//! the doc store (and decoded from JSON) to build hits.
//!
//! # Order
//!
//! - `relevance`: BM25 over the free text. A query that is only filters has
//!   no relevance (every score is zero), so it is ordered `newest` instead
//!   of in the arbitrary order of document ids.
//! - `newest` / `oldest`: the `published` fast column. Undated documents
//!   come last either way. Their `score` is 0: they were not scored.
//!
//! Ties keep tantivy's order (by segment, then document id), which is
//! stable for a given index state.
//!
//! # Request filters
//!
//! The request's facet filters (`theme`, `source`, `stage`, `cue`) accept
//! several values each: a document matches if it has *any* of them (the
//! usual reading of a checked facet list), and the filters of different
//! facets must *all* hold. All of them narrow without scoring.
//!
//! # Snippets
//!
//! tantivy's `SnippetGenerator` picks the body fragment (up to
//! [`SNIPPET_CHARS`] characters) with the best-scoring query words and
//! highlights them with `<b>…</b>`, HTML-escaping everything else; we mark
//! with `…` an end where the fragment cuts the body short. Only the words
//! that can make a document match are highlighted (not those under
//! `NOT`). When the query has no free text, or its words matched only the
//! title, the snippet is the start of the body, escaped, cut at a word
//! boundary and marked with `…`. Titles are returned as plain text in
//! [`Hit::title`], not highlighted: a client that renders HTML must escape
//! them.

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Term};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use hearken_document::AnalysedDocument;

use crate::facets::{Bucket, Collected, FacetCollector, Facets, Interval, MatchAll, histogram};
use crate::query::{self, Lowering, SENTIMENT_LABELS, all, filter};
use crate::schema::{Fields, names};
use crate::{IndexError, Inner, load};

/// The most hits one request may ask for.
pub const MAX_LIMIT: usize = 1_000;
/// The deepest page one request may reach (`offset + limit`).
pub const MAX_WINDOW: usize = 100_000;
/// The length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first (BM25). Falls back to `newest` for a query that is
    /// only filters.
    #[default]
    Relevance,
    /// Most recently published first.
    Newest,
    /// Least recently published first.
    Oldest,
}

/// A search: a query in Hearken's query language plus the CLI's filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchRequest {
    /// The query (see [`crate::query`]); empty matches every document.
    pub query: String,
    /// Theme ids; a document matches if it has any of them.
    pub theme: Vec<String>,
    /// `negative`, `neutral`, `positive` or `unscored`.
    pub sentiment: Option<String>,
    /// Source names; any of them.
    pub source: Vec<String>,
    /// Journey stages; any of them.
    pub stage: Vec<String>,
    /// Cues as `kind:value`; any of them.
    pub cue: Vec<String>,
    /// An author pseudonym.
    pub author: Option<String>,
    /// An ISO 639-1 language code (or `und`).
    pub lang: Option<String>,
    /// Published at or after this second (UTC); see
    /// [`period_bounds`](crate::period_bounds) to turn a date into one.
    pub since: Option<i64>,
    /// Published at or before this second (inclusive).
    pub until: Option<i64>,
    /// The order of hits.
    pub sort: SortOrder,
    /// Hits per page, at most [`MAX_LIMIT`]; 0 returns only the total,
    /// the facets and the histogram.
    pub limit: usize,
    /// Hits to skip (for paging).
    pub offset: usize,
    /// Also count hits per week or month.
    pub histogram: Option<Interval>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            theme: Vec::new(),
            sentiment: None,
            source: Vec::new(),
            stage: Vec::new(),
            cue: Vec::new(),
            author: None,
            lang: None,
            since: None,
            until: None,
            sort: SortOrder::Relevance,
            limit: 20,
            offset: 0,
            histogram: None,
        }
    }
}

/// The sentiment of a hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitSentiment {
    /// VADER compound score in [-1, 1].
    pub compound: f64,
    /// `negative`, `neutral`, `positive` or `unscored`.
    pub label: String,
}

/// One matching document, as search shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The stable document id (for `hearken show`).
    pub id: String,
    /// The source name.
    pub source: String,
    /// The evidence link.
    pub url: String,
    /// Publication time, RFC 3339 (UTC).
    pub published: Option<String>,
    /// The de-identified title.
    pub title: Option<String>,
    /// An HTML fragment: escaped text with matches in `<b>…</b>`.
    pub snippet: String,
    /// Document sentiment.
    pub sentiment: HitSentiment,
    /// Theme ids.
    pub themes: Vec<String>,
    /// Journey stage.
    pub stage: Option<String>,
    /// Author pseudonym.
    pub author: Option<String>,
    /// BM25 score for `relevance` order, 0 otherwise.
    pub score: f32,
}

/// What a search returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matching documents in all.
    pub total: u64,
    /// The requested page of them.
    pub hits: Vec<Hit>,
    /// Facet counts over all matching documents.
    pub facets: Facets,
    /// Matching documents per week or month (empty unless asked for).
    pub histogram: Vec<Bucket>,
}

fn invalid(message: String) -> IndexError {
    IndexError::InvalidRequest(message)
}

fn validate(request: &SearchRequest) -> Result<(), IndexError> {
    if request.limit > MAX_LIMIT {
        return Err(invalid(format!(
            "limit {} is above the maximum of {MAX_LIMIT}",
            request.limit
        )));
    }
    if request.offset.saturating_add(request.limit) > MAX_WINDOW {
        return Err(invalid(format!(
            "offset + limit is {}, above the deepest page of {MAX_WINDOW}; narrow the query",
            request.offset.saturating_add(request.limit)
        )));
    }
    if let Some(sentiment) = &request.sentiment
        && !SENTIMENT_LABELS.contains(&sentiment.to_lowercase().as_str())
    {
        return Err(invalid(format!(
            "unknown sentiment `{sentiment}`: expected negative, neutral, positive or unscored"
        )));
    }
    if let (Some(since), Some(until)) = (request.since, request.until)
        && since > until
    {
        return Err(invalid("`since` is after `until`".to_string()));
    }
    Ok(())
}

/// A filter matching any of `values` in `field`.
fn any_of(field: Field, values: &[String], lowercase: bool) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = values
        .iter()
        .map(|v| {
            if lowercase {
                Term::from_field_text(field, &v.to_lowercase())
            } else {
                Term::from_field_text(field, v)
            }
        })
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(filter(Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::Basic,
        )))),
        _ => Some(filter(Box::new(TermSetQuery::new(terms)))),
    }
}

/// The request's filters as tantivy queries.
fn request_filters(
    request: &SearchRequest,
    fields: &Fields,
    lowering: &Lowering<'_>,
) -> Vec<Box<dyn Query>> {
    let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    let mut filters = vec![
        any_of(fields.theme, &request.theme, false),
        any_of(fields.source, &request.source, false),
        any_of(fields.stage, &request.stage, true),
        any_of(fields.cue, &request.cue, false),
        any_of(fields.sentiment, &one(&request.sentiment), true),
        any_of(fields.author, &one(&request.author), false),
        any_of(fields.lang, &one(&request.lang), true),
    ];
    if request.since.is_some() || request.until.is_some() {
        filters.push(Some(lowering.published(request.since, request.until)));
    }
    filters.into_iter().flatten().collect()
}

pub(crate) fn run(inner: &Inner, request: &SearchRequest) -> Result<SearchResults, IndexError> {
    validate(request)?;
    let fields = &inner.fields;
    let searcher = inner.reader.searcher();
    let node = query::parse(&request.query)?;
    let lowering = Lowering {
        fields,
        index: &inner.index,
    };

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(q) = lowering.lower(&node)? {
        clauses.push((Occur::Must, q));
    }
    for f in request_filters(request, fields, &lowering) {
        clauses.push((Occur::Must, f));
    }
    // An empty query, or one that is only `*`, with no filters.
    let matches_all = clauses.is_empty() || (clauses.len() == 1 && node == query::Node::All);
    let query: Box<dyn Query> = match clauses.len() {
        0 => all(),
        1 => clauses.remove(0).1,
        _ => Box::new(BooleanQuery::new(clauses)),
    };

    let highlight = lowering.highlight(&node)?;
    let sort = match request.sort {
        SortOrder::Relevance if highlight.is_none() => SortOrder::Newest,
        other => other,
    };
    let facets = FacetCollector {
        histogram: request.histogram.is_some(),
        match_all: matches_all.then(|| MatchAll::new(fields)),
    };
    let (top, collected): (Vec<(f32, DocAddress)>, Collected) = if request.limit == 0 {
        (Vec::new(), searcher.search(&*query, &facets)?)
    } else {
        let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
        match sort {
            SortOrder::Relevance => searcher.search(&*query, &(top.order_by_score(), facets))?,
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (top, collected) = searcher.search(
                    &*query,
                    &(
                        top.order_by_fast_field::<i64>(names::PUBLISHED, order),
                        facets,
                    ),
                )?;
                (top.into_iter().map(|(_, a)| (0.0, a)).collect(), collected)
            }
        }
    };

    let snippets = match &highlight {
        Some(h) => {
            let mut generator = SnippetGenerator::create(&searcher, &**h, fields.body)?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            Some(generator)
        }
        None => None,
    };
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc = load(&searcher, fields, address)?;
        let snippet = snippets
            .as_ref()
            .map(|g| g.snippet(&doc.body))
            .filter(|s| !s.is_empty())
            .map(|s| framed(&doc.body, &s))
            .unwrap_or_else(|| lead(&doc.body, SNIPPET_CHARS));
        hits.push(hit(doc, snippet, score));
    }

    Ok(SearchResults {
        total: collected.total,
        hits,
        facets: collected.facets,
        histogram: request
            .histogram
            .map(|interval| histogram(&collected.days, interval))
            .unwrap_or_default(),
    })
}

fn hit(doc: AnalysedDocument, snippet: String, score: f32) -> Hit {
    Hit {
        published: doc.published.and_then(rfc3339),
        sentiment: HitSentiment {
            compound: doc.sentiment.compound,
            label: doc.sentiment.label.as_str().to_string(),
        },
        themes: doc.themes.into_iter().map(|t| t.id).collect(),
        stage: doc.stage.map(|s| s.stage),
        id: doc.id,
        source: doc.source,
        url: doc.url,
        title: doc.title,
        author: doc.author,
        snippet,
        score,
    }
}

/// A highlighted fragment, with `…` where it cuts the body short. tantivy
/// ends a fragment at its last word, so trailing punctuation that ends the
/// body is put back rather than marked as a cut.
fn framed(body: &str, snippet: &tantivy::snippet::Snippet) -> String {
    let range = snippet.fragment_range();
    let mut out = String::new();
    if body[..range.start].chars().any(char::is_alphanumeric) {
        out.push('…');
    }
    out.push_str(&snippet.to_html());
    let tail = &body[range.end..];
    if tail.chars().any(char::is_alphanumeric) {
        out.push('…');
    } else {
        out.push_str(&escape_html(tail.trim_end()));
    }
    out
}

/// Seconds since the epoch as RFC 3339 (UTC).
pub(crate) fn rfc3339(seconds: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()?
        .format(&Rfc3339)
        .ok()
}

/// Escapes text for HTML, as tantivy's snippets do (`& < > " '`).
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The first `max_chars` characters of `body`, cut back to a word
/// boundary, `…` appended when cut, HTML-escaped.
pub(crate) fn lead(body: &str, max_chars: usize) -> String {
    let body = body.trim();
    let Some((cut, _)) = body.char_indices().nth(max_chars) else {
        return escape_html(body);
    };
    let head = &body[..cut];
    // Prefer ending at a space, unless that would lose more than half.
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    let mut out = escape_html(head.trim_end());
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_escapes_and_cuts_at_words() {
        assert_eq!(
            lead("  a <b> & 'c'  ", 200),
            "a &lt;b&gt; &amp; &#x27;c&#x27;"
        );
        assert_eq!(lead("one two three four", 9), "one two…");
        // a single long word is cut mid-word rather than dropped
        assert_eq!(lead("abcdefghij", 4), "abcd…");
        // counts characters, not bytes
        assert_eq!(lead("ééééé", 3), "ééé…");
    }

    #[test]
    fn requests_are_validated() {
        let bad = |r: SearchRequest| matches!(validate(&r), Err(IndexError::InvalidRequest(_)));
        assert!(bad(SearchRequest {
            limit: MAX_LIMIT + 1,
            ..Default::default()
        }));
        assert!(bad(SearchRequest {
            offset: MAX_WINDOW,
            ..Default::default()
        }));
        assert!(bad(SearchRequest {
            sentiment: Some("angry".into()),
            ..Default::default()
        }));
        assert!(bad(SearchRequest {
            since: Some(10),
            until: Some(9),
            ..Default::default()
        }));
        assert!(validate(&SearchRequest::default()).is_ok());
    }
}
