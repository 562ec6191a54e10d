//! Hearken's query language, and its translation into tantivy queries.
//!
//! # The language
//!
//! ```text
//! caregiver "e-diary" -placebo
//! (travel OR parking) AND NOT source:posts
//! "side effects"~3 sentiment:negative published:[2025-01-01 TO 2025-06-30]
//! theme:travel_burden cue:role:caregiver author:p-1234abcd lang:en kind:reply
//! ```
//!
//! - Free words search `title` and `body` with the English analyser
//!   (lower-cased, stemmed: `travelling` finds `travel`). Juxtaposed terms
//!   must **all** match (implicit `AND`): researchers narrow a question
//!   term by term ("caregivers e-diaries negative"), and an implicit `OR`
//!   would rank but not narrow. `AND`, `OR` and `NOT` (upper case, as in
//!   Lucene; lower-case `and`/`or` are ordinary words), `-term`, `+term`
//!   and parentheses combine them; `AND` binds tighter than `OR`.
//! - `"quoted phrases"` match words in order; `"side effects"~3` allows
//!   up to three positions of slack (tantivy's slop: a budget over all the
//!   words, a swap costs two).
//! - `field:value` filters on an exact facet value: `theme`, `source`,
//!   `stage`, `sentiment`, `author`, `lang` (or `language`), `kind`, `cue`
//!   (`cue:role:caregiver` — the value runs to the next space), `id`,
//!   `thread`, `plugin`, `run`. A value with spaces is quoted:
//!   `source:"patient forum"`. `sentiment`, `lang`, `kind` and `stage`
//!   are matched case-insensitively (their vocabularies are lower case).
//! - `title:word` / `body:"a phrase"` restrict free text to one field.
//! - `published:[2025-01-01 TO 2025-06-30]` is inclusive of both days,
//!   in UTC; either end may be `*`; a bound may be a year (`2025`), a month
//!   (`2025-03`) or a day, and `published:2025-03` means that month.
//!
//! A word that the analyser turns into nothing (`???`) constrains nothing
//! and is dropped; a word it turns into several tokens (`e-diary`) is
//! searched as a phrase, as tantivy's own parser does.
//!
//! # Why our own parser
//!
//! tantivy's `QueryParser` reports errors without positions, treats an
//! unknown field as a word, and knows nothing of our aliases (`lang`,
//! `cue:kind:value`) or of day-granular UTC ranges. Our grammar is small, so
//! a recursive-descent parser over byte offsets is less code than the
//! workarounds and gives every error a position and an "expected …".
//!
//! # Scoring
//!
//! Only free text scores (BM25, title boosted ×1.5). Every filter is
//! wrapped in a constant-score-zero query, so `theme:x` narrows a result
//! set without reordering it; a query with no free text has all scores
//! zero, and [`crate::search`] then orders it by date.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;

use crate::IndexError;
use crate::schema::Fields;

/// How much more a match in the title counts than one in the body.
const TITLE_BOOST: f32 = 1.5;
/// The largest proximity `~N` accepted.
const MAX_SLOP: u32 = 1000;

/// Which text field(s) a free-text term searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextTarget {
    Any,
    Title,
    Body,
}

/// A field filtered by exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeywordField {
    Theme,
    Source,
    Stage,
    Sentiment,
    Author,
    Lang,
    Kind,
    Cue,
    Id,
    Thread,
    Plugin,
    Run,
}

impl KeywordField {
    pub(crate) fn field(self, f: &Fields) -> Field {
        match self {
            KeywordField::Theme => f.theme,
            KeywordField::Source => f.source,
            KeywordField::Stage => f.stage,
            KeywordField::Sentiment => f.sentiment,
            KeywordField::Author => f.author,
            KeywordField::Lang => f.lang,
            KeywordField::Kind => f.kind,
            KeywordField::Cue => f.cue,
            KeywordField::Id => f.id,
            KeywordField::Thread => f.thread,
            KeywordField::Plugin => f.plugin,
            KeywordField::Run => f.run,
        }
    }

    /// Whether values are compared lower-cased (closed, lower-case
    /// vocabularies).
    fn case_insensitive(self) -> bool {
        matches!(
            self,
            KeywordField::Sentiment | KeywordField::Lang | KeywordField::Kind | KeywordField::Stage
        )
    }
}

/// The parsed form of a query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// The empty query: every document.
    All,
    /// Free text: a word (`phrase == false`) or a quoted phrase.
    Text {
        target: TextTarget,
        text: String,
        phrase: bool,
        slop: u32,
    },
    /// An exact facet value.
    Keyword {
        field: KeywordField,
        value: String,
    },
    /// `published` within `[from, to]` (seconds, both inclusive).
    Published {
        from: Option<i64>,
        to: Option<i64>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// The field names the language knows, for error messages.
const KNOWN_FIELDS: &str = "theme, source, stage, sentiment, author, lang, kind, cue, published, \
                            title, body, id, thread, plugin, run";

enum FieldKind {
    Text(TextTarget),
    Keyword(KeywordField),
    Published,
}

fn field_kind(name: &str) -> Option<FieldKind> {
    Some(match name {
        "title" => FieldKind::Text(TextTarget::Title),
        "body" => FieldKind::Text(TextTarget::Body),
        "theme" | "themes" => FieldKind::Keyword(KeywordField::Theme),
        "source" => FieldKind::Keyword(KeywordField::Source),
        "stage" => FieldKind::Keyword(KeywordField::Stage),
        "sentiment" => FieldKind::Keyword(KeywordField::Sentiment),
        "author" => FieldKind::Keyword(KeywordField::Author),
        "lang" | "language" => FieldKind::Keyword(KeywordField::Lang),
        "kind" => FieldKind::Keyword(KeywordField::Kind),
        "cue" | "cues" => FieldKind::Keyword(KeywordField::Cue),
        "id" => FieldKind::Keyword(KeywordField::Id),
        "thread" => FieldKind::Keyword(KeywordField::Thread),
        "plugin" => FieldKind::Keyword(KeywordField::Plugin),
        "run" => FieldKind::Keyword(KeywordField::Run),
        "published" | "date" => FieldKind::Published,
        _ => return None,
    })
}

/// The sentiment labels a `sentiment:` filter accepts.
pub(crate) const SENTIMENT_LABELS: [&str; 4] = ["negative", "neutral", "positive", "unscored"];

/// Parses a query in Hearken's query language.
pub(crate) fn parse(query: &str) -> Result<Node, IndexError> {
    let mut parser = Parser { src: query, pos: 0 };
    parser
        .parse()
        .map_err(|(position, message)| IndexError::QueryParse {
            message,
            position,
            query_len: query.len(),
        })
}

/// Checks that `query` parses, without running it (for a web form or a
/// CLI that wants to fail before opening the index).
pub fn validate_query(query: &str) -> Result<(), IndexError> {
    parse(query).map(|_| ())
}

type PResult<T> = Result<T, (usize, String)>;

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    /// Whether an upper-case operator keyword starts here, as a whole word.
    fn at_keyword(&self, keyword: &str) -> bool {
        let rest = self.rest();
        if !rest.starts_with(keyword) {
            return false;
        }
        match rest[keyword.len()..].chars().next() {
            None => true,
            Some(c) => c.is_whitespace() || c == '(' || c == ')' || c == '"',
        }
    }

    /// Whether nothing that can start a term is here.
    fn at_expression_end(&self) -> bool {
        self.at_end() || self.peek() == Some(')') || self.at_keyword("OR") || self.at_keyword("AND")
    }

    fn parse(&mut self) -> PResult<Node> {
        self.skip_ws();
        if self.at_end() {
            return Ok(Node::All);
        }
        let node = self.parse_or()?;
        self.skip_ws();
        if !self.at_end() {
            // parse_or stops only at the end or at a `)` it did not open.
            return Err((
                self.pos,
                "unexpected `)`: there is no `(` open to close".to_string(),
            ));
        }
        Ok(node)
    }

    fn parse_or(&mut self) -> PResult<Node> {
        let mut items = vec![self.parse_and()?];
        loop {
            self.skip_ws();
            if !self.at_keyword("OR") {
                break;
            }
            self.pos += 2;
            self.skip_ws();
            if self.at_expression_end() {
                return Err((self.pos, "expected a term after `OR`".to_string()));
            }
            items.push(self.parse_and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn parse_and(&mut self) -> PResult<Node> {
        let mut items = vec![self.parse_unary()?];
        loop {
            self.skip_ws();
            if self.at_end() || self.peek() == Some(')') || self.at_keyword("OR") {
                break;
            }
            if self.at_keyword("AND") {
                self.pos += 3;
                self.skip_ws();
                if self.at_expression_end() {
                    return Err((self.pos, "expected a term after `AND`".to_string()));
                }
            }
            items.push(self.parse_unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn parse_unary(&mut self) -> PResult<Node> {
        self.skip_ws();
        if self.at_keyword("NOT") {
            self.pos += 3;
            self.skip_ws();
            if self.at_expression_end() {
                return Err((self.pos, "expected a term after `NOT`".to_string()));
            }
            return Ok(Node::Not(Box::new(self.parse_unary()?)));
        }
        match self.peek() {
            Some(sign @ ('-' | '+')) => {
                let after = self.rest()[1..].chars().next();
                match after {
                    Some(c) if !c.is_whitespace() && c != ')' => {
                        self.pos += 1;
                        let node = self.parse_primary()?;
                        Ok(if sign == '-' {
                            Node::Not(Box::new(node))
                        } else {
                            node
                        })
                    }
                    _ => Err((
                        self.pos + 1,
                        format!("expected a term right after `{sign}` (no space between them)"),
                    )),
                }
            }
            _ => self.parse_primary(),
        }
    }

    fn parse_primary(&mut self) -> PResult<Node> {
        self.skip_ws();
        if self.at_end() {
            return Err((self.pos, "expected a term".to_string()));
        }
        for keyword in ["AND", "OR"] {
            if self.at_keyword(keyword) {
                return Err((self.pos, format!("`{keyword}` needs a term before it")));
            }
        }
        match self.peek() {
            Some('(') => {
                let open = self.pos;
                self.pos += 1;
                self.skip_ws();
                if self.at_end() || self.peek() == Some(')') {
                    return Err((self.pos, "expected a term inside `( )`".to_string()));
                }
                let node = self.parse_or()?;
                self.skip_ws();
                if self.peek() == Some(')') {
                    self.pos += 1;
                    Ok(node)
                } else {
                    Err((
                        self.pos,
                        format!("expected `)` to close the `(` at byte {open}"),
                    ))
                }
            }
            Some(')') => Err((
                self.pos,
                "unexpected `)`: there is no `(` open to close".to_string(),
            )),
            Some('"') => {
                let (text, slop) = self.parse_phrase(true)?;
                Ok(Node::Text {
                    target: TextTarget::Any,
                    text,
                    phrase: true,
                    slop,
                })
            }
            _ => self.parse_word_or_field(),
        }
    }

    /// A quoted string starting at the current `"`; with `allow_slop`, an
    /// optional `~N` after it.
    fn parse_phrase(&mut self, allow_slop: bool) -> PResult<(String, u32)> {
        let open = self.pos;
        self.pos += 1;
        let mut text = String::new();
        let mut chars = self.rest().char_indices();
        let mut closed_at = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    closed_at = Some(i);
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => text.push(escaped),
                    None => break,
                },
                c => text.push(c),
            }
        }
        let Some(closed_at) = closed_at else {
            return Err((
                open,
                "this quote is never closed: expected a closing `\"`".to_string(),
            ));
        };
        self.pos += closed_at + 1;
        if text.trim().is_empty() {
            return Err((open, "empty quotes: expected text between them".to_string()));
        }
        let mut slop = 0;
        if allow_slop && self.peek() == Some('~') {
            self.pos += 1;
            let digits: String = self
                .rest()
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.is_empty() {
                return Err((
                    self.pos,
                    "expected a number after `~` (the proximity, e.g. `~3`)".to_string(),
                ));
            }
            let start = self.pos;
            self.pos += digits.len();
            slop = digits
                .parse::<u32>()
                .ok()
                .filter(|s| *s <= MAX_SLOP)
                .ok_or_else(|| (start, format!("the proximity must be at most {MAX_SLOP}")))?;
        }
        Ok((text, slop))
    }

    /// Reads a bare value: up to whitespace, a parenthesis or a quote.
    fn read_bare(&mut self) -> &str {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"')
            .unwrap_or(self.src.len() - start);
        self.pos += len;
        &self.src[start..start + len]
    }

    fn parse_word_or_field(&mut self) -> PResult<Node> {
        let start = self.pos;
        let name_len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .unwrap_or(self.src.len() - start);
        let is_field = name_len > 0 && self.rest()[name_len..].starts_with(':');
        if !is_field {
            let word = self.read_bare().to_string();
            return Ok(Node::Text {
                target: TextTarget::Any,
                text: word,
                phrase: false,
                slop: 0,
            });
        }
        let name = &self.src[start..start + name_len];
        let lower = name.to_ascii_lowercase();
        let Some(kind) = field_kind(&lower) else {
            return Err((
                start,
                format!("unknown field `{name}`: expected one of {KNOWN_FIELDS}"),
            ));
        };
        self.pos += name_len + 1;
        let value_pos = self.pos;
        match kind {
            FieldKind::Text(target) => {
                if self.peek() == Some('"') {
                    let (text, slop) = self.parse_phrase(true)?;
                    return Ok(Node::Text {
                        target,
                        text,
                        phrase: true,
                        slop,
                    });
                }
                let word = self.read_bare().to_string();
                if word.is_empty() {
                    return Err((
                        value_pos,
                        format!("expected a word or a quoted phrase after `{name}:`"),
                    ));
                }
                Ok(Node::Text {
                    target,
                    text: word,
                    phrase: false,
                    slop: 0,
                })
            }
            FieldKind::Keyword(field) => {
                let value = match self.peek() {
                    Some('"') => self.parse_phrase(false)?.0,
                    Some('[') => {
                        return Err((
                            value_pos,
                            "a range `[a TO b]` works only on `published:`".to_string(),
                        ));
                    }
                    _ => self.read_bare().to_string(),
                };
                if value.is_empty() {
                    return Err((value_pos, format!("expected a value after `{name}:`")));
                }
                let value = if field.case_insensitive() {
                    value.to_lowercase()
                } else {
                    value
                };
                if field == KeywordField::Sentiment && !SENTIMENT_LABELS.contains(&value.as_str()) {
                    return Err((
                        value_pos,
                        format!(
                            "unknown sentiment `{value}`: expected negative, neutral, positive \
                             or unscored"
                        ),
                    ));
                }
                Ok(Node::Keyword { field, value })
            }
            FieldKind::Published => {
                if self.peek() == Some('[') {
                    return self.parse_range();
                }
                if self.peek() == Some('{') {
                    return Err((
                        value_pos,
                        "exclusive ranges `{ }` are not supported: use `[a TO b]`, which \
                         includes both ends"
                            .to_string(),
                    ));
                }
                let value = self.read_bare().to_string();
                if value.is_empty() {
                    return Err((
                        value_pos,
                        "expected a date (YYYY-MM-DD, YYYY-MM or YYYY) or a range \
                         `[a TO b]` after `published:`"
                            .to_string(),
                    ));
                }
                let (from, to) = period_bounds(&value).ok_or_else(|| {
                    (
                        value_pos,
                        "expected a date (YYYY-MM-DD, YYYY-MM or YYYY)".to_string(),
                    )
                })?;
                Ok(Node::Published {
                    from: Some(from),
                    to: Some(to),
                })
            }
        }
    }

    fn parse_range(&mut self) -> PResult<Node> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        let from = self.parse_bound(false)?;
        self.skip_ws();
        if !self.at_keyword("TO") {
            return Err((
                self.pos,
                "expected `TO` between the two ends of the range".to_string(),
            ));
        }
        self.pos += 2;
        self.skip_ws();
        let to_pos = self.pos;
        let to = self.parse_bound(true)?;
        self.skip_ws();
        match self.peek() {
            Some(']') => self.pos += 1,
            Some('}') => {
                return Err((
                    self.pos,
                    "exclusive ranges `{ }` are not supported: close the range with `]`"
                        .to_string(),
                ));
            }
            _ => {
                return Err((
                    self.pos,
                    format!("expected `]` to close the range opened at byte {open}"),
                ));
            }
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err((to_pos, "the range ends before it starts".to_string()));
        }
        Ok(Node::Published { from, to })
    }

    /// One end of a range: a date, or `*` for open.
    fn parse_bound(&mut self, end: bool) -> PResult<Option<i64>> {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| c.is_whitespace() || c == ']' || c == '}')
            .unwrap_or(self.src.len() - start);
        let token = &self.src[start..start + len];
        let expected = "expected a date (YYYY-MM-DD, YYYY-MM or YYYY) or `*`";
        if token.is_empty() {
            return Err((start, expected.to_string()));
        }
        self.pos += len;
        if token == "*" {
            return Ok(None);
        }
        let (first, last) = period_bounds(token).ok_or_else(|| (start, expected.to_string()))?;
        Ok(Some(if end { last } else { first }))
    }
}

/// The first and last second (UTC, both inclusive) of a calendar period
/// written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` if `text` is not one.
///
/// The host uses it for `--since` / `--until`:
/// `since = period_bounds(s)?.0`, `until = period_bounds(u)?.1`.
pub fn period_bounds(text: &str) -> Option<(i64, i64)> {
    use time::{Date, Month};
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| -> Option<i32> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let year = number(parts.first()?, 4)?;
    let (first, next) = match parts.len() {
        1 => (
            Date::from_calendar_date(year, Month::January, 1).ok()?,
            Date::from_calendar_date(year + 1, Month::January, 1).ok()?,
        ),
        2 => {
            let month = Month::try_from(u8::try_from(number(parts[1], 2)?).ok()?).ok()?;
            let first = Date::from_calendar_date(year, month, 1).ok()?;
            let (ny, nm) = if month == Month::December {
                (year + 1, Month::January)
            } else {
                (year, month.next())
            };
            (first, Date::from_calendar_date(ny, nm, 1).ok()?)
        }
        3 => {
            let month = Month::try_from(u8::try_from(number(parts[1], 2)?).ok()?).ok()?;
            let day = u8::try_from(number(parts[2], 2)?).ok()?;
            let first = Date::from_calendar_date(year, month, day).ok()?;
            (first, first.next_day()?)
        }
        _ => return None,
    };
    let seconds = |d: Date| d.midnight().assume_utc().unix_timestamp();
    Some((seconds(first), seconds(next) - 1))
}

/// Turns parsed queries into tantivy queries for one index.
pub(crate) struct Lowering<'a> {
    pub fields: &'a Fields,
    pub index: &'a tantivy::Index,
}

/// Wraps a query so that it filters without scoring.
pub(crate) fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// Every document, scoring zero.
pub(crate) fn all() -> Box<dyn Query> {
    filter(Box::new(AllQuery))
}

impl Lowering<'_> {
    /// The tantivy query for `node`; `None` when it constrains nothing
    /// (e.g. a word the analyser drops).
    pub(crate) fn lower(&self, node: &Node) -> Result<Option<Box<dyn Query>>, IndexError> {
        Ok(match node {
            Node::All => Some(all()),
            Node::Text {
                target,
                text,
                phrase: _,
                slop,
            } => self.text(*target, text, *slop)?,
            Node::Keyword { field, value } => Some(filter(Box::new(TermQuery::new(
                Term::from_field_text(field.field(self.fields), value),
                IndexRecordOption::Basic,
            )))),
            Node::Published { from, to } => Some(self.published(*from, *to)),
            Node::Not(inner) => self.lower(inner)?.map(|q| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, all()),
                    (Occur::MustNot, q),
                ])) as Box<dyn Query>
            }),
            Node::And(items) => {
                let mut clauses = Vec::new();
                let mut positive = false;
                for item in items {
                    let (occur, lowered) = match item {
                        Node::Not(inner) => (Occur::MustNot, self.lower(inner)?),
                        other => (Occur::Must, self.lower(other)?),
                    };
                    if let Some(q) = lowered {
                        positive |= occur == Occur::Must;
                        clauses.push((occur, q));
                    }
                }
                if clauses.is_empty() {
                    None
                } else {
                    if !positive {
                        clauses.push((Occur::Must, all()));
                    }
                    Some(Box::new(BooleanQuery::new(clauses)))
                }
            }
            Node::Or(items) => {
                let mut clauses = Vec::new();
                for item in items {
                    if let Some(q) = self.lower(item)? {
                        clauses.push((Occur::Should, q));
                    }
                }
                match clauses.len() {
                    0 => None,
                    1 => clauses.pop().map(|(_, q)| q),
                    _ => Some(Box::new(BooleanQuery::new(clauses))),
                }
            }
        })
    }

    /// A range on `published`, both ends inclusive.
    pub(crate) fn published(&self, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
        let field = self.fields.published;
        let lower = Bound::Included(Term::from_field_i64(field, from.unwrap_or(i64::MIN)));
        let upper = match to {
            Some(to) => Bound::Included(Term::from_field_i64(field, to)),
            None => Bound::Unbounded,
        };
        filter(Box::new(RangeQuery::new(lower, upper)))
    }

    /// Free text against the target field(s).
    fn text(
        &self,
        target: TextTarget,
        text: &str,
        slop: u32,
    ) -> Result<Option<Box<dyn Query>>, IndexError> {
        let fields: &[(Field, f32)] = match target {
            TextTarget::Any => &[(self.fields.title, TITLE_BOOST), (self.fields.body, 1.0)],
            TextTarget::Title => &[(self.fields.title, 1.0)],
            TextTarget::Body => &[(self.fields.body, 1.0)],
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(field, boost) in fields {
            let mut analyzer = self.index.tokenizer_for_field(field)?;
            let mut terms = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                terms.push((token.position, Term::from_field_text(field, &token.text)));
            }
            let query: Box<dyn Query> = match terms.len() {
                0 => continue,
                1 => Box::new(TermQuery::new(
                    terms.remove(0).1,
                    IndexRecordOption::WithFreqs,
                )),
                _ => Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
            };
            let query = if boost == 1.0 {
                query
            } else {
                Box::new(BoostQuery::new(query, boost))
            };
            clauses.push((Occur::Should, query));
        }
        Ok(match clauses.len() {
            // Words that leave no term (every token longer than the
            // tokenizer keeps) can be in no document: they match nothing,
            // rather than vanishing and leaving the rest of the query —
            // or nothing at all — to match everything. Bare punctuation
            // ("&", "-") carries no word and is ignored.
            0 if text.chars().any(char::is_alphanumeric) => Some(Box::new(EmptyQuery)),
            0 => None,
            1 => clauses.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(clauses))),
        })
    }

    /// A query over the free-text parts of `node` that can contribute to a
    /// match (not under a `NOT`): what snippets highlight. `None` when the
    /// query has no such text, i.e. it is only filters.
    pub(crate) fn highlight(&self, node: &Node) -> Result<Option<Box<dyn Query>>, IndexError> {
        let mut texts = Vec::new();
        positive_text(node, &mut texts);
        let mut clauses = Vec::new();
        for (target, text, slop) in texts {
            if let Some(q) = self.text(target, text, slop)? {
                clauses.push((Occur::Should, q));
            }
        }
        Ok(if clauses.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(clauses)))
        })
    }
}

fn positive_text<'a>(node: &'a Node, out: &mut Vec<(TextTarget, &'a str, u32)>) {
    match node {
        Node::Text {
            target, text, slop, ..
        } => out.push((*target, text, *slop)),
        Node::And(items) | Node::Or(items) => {
            for item in items {
                positive_text(item, out);
            }
        }
        Node::All | Node::Keyword { .. } | Node::Published { .. } | Node::Not(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(query: &str) -> (usize, String) {
        match parse(query) {
            Err(IndexError::QueryParse {
                message,
                position,
                query_len,
            }) => {
                assert_eq!(query_len, query.len());
                (position, message)
            }
            other => panic!("expected a parse error for {query:?}, got {other:?}"),
        }
    }

    fn word(text: &str) -> Node {
        Node::Text {
            target: TextTarget::Any,
            text: text.into(),
            phrase: false,
            slop: 0,
        }
    }

    #[test]
    fn precedence_and_implicit_and() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Node::Or(vec![Node::And(vec![word("a"), word("b")]), word("c")])
        );
        assert_eq!(
            parse("a AND (b OR c) -d NOT e").unwrap(),
            Node::And(vec![
                word("a"),
                Node::Or(vec![word("b"), word("c")]),
                Node::Not(Box::new(word("d"))),
                Node::Not(Box::new(word("e"))),
            ])
        );
        // lower-case operators are words
        assert_eq!(
            parse("on and off").unwrap(),
            Node::And(vec![word("on"), word("and"), word("off")])
        );
        assert_eq!(parse("   ").unwrap(), Node::All);
    }

    #[test]
    fn fields_phrases_and_ranges() {
        assert_eq!(
            parse("cue:role:caregiver").unwrap(),
            Node::Keyword {
                field: KeywordField::Cue,
                value: "role:caregiver".into()
            }
        );
        assert_eq!(
            parse("Sentiment:NEGATIVE").unwrap(),
            Node::Keyword {
                field: KeywordField::Sentiment,
                value: "negative".into()
            }
        );
        assert_eq!(
            parse("source:\"patient forum\"").unwrap(),
            Node::Keyword {
                field: KeywordField::Source,
                value: "patient forum".into()
            }
        );
        assert_eq!(
            parse("\"side effects\"~3").unwrap(),
            Node::Text {
                target: TextTarget::Any,
                text: "side effects".into(),
                phrase: true,
                slop: 3
            }
        );
        // 2025-01-01T00:00:00Z = 1735689600; 2025-07-01T00:00:00Z = 1751328000
        assert_eq!(
            parse("published:[2025-01-01 TO 2025-06-30]").unwrap(),
            Node::Published {
                from: Some(1_735_689_600),
                to: Some(1_751_328_000 - 1)
            }
        );
        assert_eq!(
            parse("published:[* TO 2025]").unwrap(),
            Node::Published {
                from: None,
                to: Some(1_767_225_600 - 1) // 2026-01-01
            }
        );
        // a digit-led colon word is text, not a field
        assert_eq!(parse("10:30").unwrap(), word("10:30"));
    }

    #[test]
    fn period_bounds_cover_whole_periods() {
        // 2024 is a leap year: February has 29 days.
        let (first, last) = period_bounds("2024-02").unwrap();
        assert_eq!(first, 1_706_745_600); // 2024-02-01
        assert_eq!(last + 1, 1_709_251_200); // 2024-03-01
        assert_eq!(period_bounds("2024-12").unwrap().1 + 1, 1_735_689_600);
        assert!(period_bounds("2024-13").is_none());
        assert!(period_bounds("2024-02-30").is_none());
        assert!(period_bounds("24-02-01").is_none());
        assert!(period_bounds("2024-2-01").is_none());
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            err("theme:travel AND (placebo"),
            (25, "expected `)` to close the `(` at byte 17".to_string())
        );
        assert_eq!(
            err("travel \"side effects"),
            (
                7,
                "this quote is never closed: expected a closing `\"`".to_string()
            )
        );
        let (pos, msg) = err("travel themes2:x tema:travel");
        assert_eq!(pos, 17, "{msg}");
        assert!(msg.starts_with("unknown field `tema`"), "{msg}");
        assert_eq!(err("a OR").0, 4);
        assert_eq!(err("a AND OR b").0, 6);
        assert_eq!(err("OR b").0, 0);
        assert_eq!(err("NOT").0, 3);
        assert_eq!(err("a )").0, 2);
        assert_eq!(err("()").0, 1);
        assert_eq!(err("- a").0, 1);
        assert_eq!(err("\"a b\"~x").0, 6);
        assert_eq!(err("theme: x").0, 6);
        assert_eq!(err("sentiment:angry").0, 10);
        assert_eq!(err("theme:[a TO b]").0, 6);
        assert_eq!(err("published:[2025-01-01 2025-02-01]").0, 22);
        assert_eq!(err("published:[2025-01-01 TO 2025-02-31]").0, 25);
        assert_eq!(err("published:[2025-01-01 TO 2025-02-01").0, 35);
        assert_eq!(err("published:[2025-02-01 TO 2025-01-01]").0, 25);
        assert_eq!(err("published:yesterday").0, 10);
        assert_eq!(err("\"\"").0, 0);
    }

    #[test]
    fn positions_are_bytes_and_render_by_characters() {
        // "é" is two bytes: the `(` is at byte 6, the end at byte 13.
        let q = "café (travel";
        let (pos, message) = err(q);
        assert_eq!(pos, q.len());
        let rendered = crate::render_query_error(q, pos, &message);
        let caret_line = rendered.lines().nth(1).unwrap();
        assert_eq!(caret_line.find('^'), Some(q.chars().count()));
    }
}
