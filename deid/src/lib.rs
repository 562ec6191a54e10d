//! De-identification: HIPAA Safe Harbor identifiers removed from patient text, keyed author pseudonyms.
//!
//! This is the stage that makes it acceptable for Hearken to store and show what patients wrote.
//! Everything downstream — the index, the state store, logs, reports — only ever sees the output of
//! [`Deidentifier::redact`].
//!
//! # Brief overview
//!
//! * [`Policy`] — what to remove and how (the `[deid]` table of `hearken.toml`).
//! * [`Deidentifier`] — built once from a policy, then shared by every pipeline thread. Its
//!   [`redact`](Deidentifier::redact) is a pure function of the text and the names the caller knows
//!   are people in it (transcript speakers, the author's handle).
//! * [`Redacted`] — the de-identified text, counts per [`IdentifierKind`] for the audit, and the
//!   removed byte spans (offsets only, for evaluation; never stored).
//! * [`PseudonymKey`] — the secret behind author pseudonyms (keyed BLAKE3).
//! * [`KnownNames`] — the names a caller knows, prepared once for many texts, and
//!   [`RememberedNames`] — names seen before, kept only as keyed fingerprints (`remembered.rs`
//!   explains why and how).
//! * [`eval`] — precision and recall against labelled data.
//!
//! # How detection works, and why this way
//!
//! Detection runs in three layers over one document, each cheap:
//!
//! 1. `patterns`: one combined regular expression finds everything with a shape (e-mails, URLs,
//!    handles, phone, record and card numbers, dates, ages, IPs, postal forms), scanning the text once.
//! 2. `tokens` + `gazetteer`: one pass cuts the text into words and looks each up, once, in a
//!    single hash map of flags built from name, place and word lists compiled into the binary.
//! 3. `names`: rules over those tokens find names, places, street addresses and postcodes. Context
//!    (a title, a kinship word, a greeting) beats the lists, and a capitalised word that is in no
//!    English word list is taken as a name: the approach of Philter, which is what gets recall near
//!    0.99 on text full of names no list has heard of.
//!
//! Dates keep their year (`[DATE] 2024`) unless the year itself shows an age over 89; ages over 89
//! become `90+`.
//!
//! Where layers disagree the more specific wins: operator patterns, then the caller's known names,
//! then shaped identifiers, then the word rules. The output never contains an original identifier:
//! placeholders are fixed strings, and surrogates are numbers (`[NAME-2]`), not invented names that
//! might by chance be real ones.
//!
//! Nothing here logs, stores or returns raw text except the redacted text itself; errors name where
//! (a file, a pattern's name, a record number), never what.

pub mod eval;
mod gazetteer;
mod kind;
mod names;
mod patterns;
mod policy;
mod pseudonym;
mod remembered;
mod tokens;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use rustc_hash::FxHashMap;

pub use kind::IdentifierKind;
pub use policy::{ExtraPattern, Policy};
pub use pseudonym::PseudonymKey;
pub use remembered::{NameFingerprint, NameKey, NameKind, RememberedNames, fingerprints};

use patterns::{Detection, Patterns};

/// Errors of this crate. None of them quotes the text being de-identified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeidError {
    /// An extra pattern in the policy does not compile. The message names the pattern, not its text.
    #[error("extra pattern `{name}` in the de-identification policy is not usable: {reason}")]
    BadPattern {
        /// The pattern's `name`.
        name: String,
        /// Why, without quoting the pattern.
        reason: &'static str,
    },
    /// The pseudonym key file could not be read or written.
    #[error("pseudonym key file {path}: {source}")]
    KeyIo {
        /// The key file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The pseudonym key file exists but is not a key.
    #[error(
        "pseudonym key file {path} is corrupt: expected 32 bytes, found {found}. It was left as it is: \
         a new key would sever every existing pseudonym. Restore it from a backup, or delete it on \
         purpose to start over with new pseudonyms"
    )]
    KeyCorrupt {
        /// The key file.
        path: PathBuf,
        /// Its length in bytes.
        found: u64,
    },
    /// The operating system could not provide randomness for a new key.
    #[error("cannot gather randomness for a new pseudonym key: {0}")]
    Random(String),
    /// The evaluation data could not be read.
    #[error("evaluation data {path}: {source}")]
    EvalIo {
        /// The data file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The evaluation data is not in the expected format.
    #[error("evaluation data {path}: {reason}")]
    EvalFormat {
        /// The data file.
        path: PathBuf,
        /// What is wrong and where (record number, line and column), without quoting content.
        reason: String,
    },
}

/// One removed span of the original text. Offsets only: the text it covered is not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemovedSpan {
    /// Byte offset of the first removed byte in the original text.
    pub start: usize,
    /// Byte offset one past the last removed byte.
    pub end: usize,
    /// What was removed.
    pub kind: IdentifierKind,
}

/// The result of de-identifying one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redacted {
    /// The de-identified text.
    pub text: String,
    /// How many identifiers of each kind were removed (kinds with none are absent).
    pub counts: BTreeMap<IdentifierKind, u32>,
    /// The removed spans of the original text, in order. Keep them in memory only (for evaluation):
    /// together with the original they would point at the identifiers.
    pub spans: Vec<RemovedSpan>,
}

impl Redacted {
    /// Total identifiers removed.
    pub fn total(&self) -> u32 {
        self.counts.values().sum()
    }
}

/// The de-identification stage: built once from a [`Policy`], used from many threads.
pub struct Deidentifier {
    policy: Policy,
    patterns: &'static Patterns,
    /// The latest year of birth that shows an age over 89 (this year less 90), fixed when built.
    old_year: u32,
    extra: Vec<(Regex, IdentifierKind)>,
    allow: Option<AhoCorasick>,
}

impl std::fmt::Debug for Deidentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deidentifier")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Where a detection came from; the higher wins an overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Words = 1,
    Shape = 2,
    Known = 3,
    Operator = 4,
}

impl Deidentifier {
    /// Builds the stage. Fails if an extra pattern does not compile; the error names the pattern's
    /// `name`, never its text.
    pub fn new(policy: &Policy) -> Result<Self, DeidError> {
        let mut extra = Vec::with_capacity(policy.extra_patterns.len());
        for p in &policy.extra_patterns {
            let re = Regex::new(&p.pattern).map_err(|e| DeidError::BadPattern {
                name: p.name.clone(),
                reason: match e {
                    regex::Error::CompiledTooBig(_) => "it compiles to too large a program",
                    _ => "it is not a valid regular expression",
                },
            })?;
            if re.is_match("") {
                return Err(DeidError::BadPattern {
                    name: p.name.clone(),
                    reason: "it matches the empty string",
                });
            }
            extra.push((re, p.kind));
        }
        let allow_words: Vec<String> = policy
            .allow
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        let allow = if allow_words.is_empty() {
            None
        } else {
            Some(case_insensitive(&allow_words))
        };
        // Build the shared word lists now rather than on the first document.
        let _ = gazetteer::get();
        Ok(Deidentifier {
            policy: policy.clone(),
            patterns: Patterns::shared(),
            old_year: current_year().saturating_sub(90),
            extra,
            allow,
        })
    }

    /// The policy this stage was built from.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Removes every identifier the policy covers from `text`.
    ///
    /// `known_names` are names the caller knows are people in this text (every transcript speaker,
    /// the author's handle): each is replaced wherever it occurs, whole or in parts, in any case,
    /// possessives included.
    ///
    /// A caller redacting many texts with the same names (every record of a batch) should build
    /// [`KnownNames`] once and call [`Deidentifier::redact_known`].
    pub fn redact(&self, text: &str, known_names: &[&str]) -> Redacted {
        self.redact_known(text, &KnownNames::new(known_names))
    }

    /// [`Deidentifier::redact`] with the caller's names prepared once for many texts.
    pub fn redact_known(&self, text: &str, known: &KnownNames) -> Redacted {
        let mut cands: Vec<(Detection, Source)> = Vec::new();

        // Operator patterns.
        for (re, kind) in &self.extra {
            for m in re.find_iter(text) {
                if !m.is_empty() {
                    cands.push((Detection::new(m.start(), m.end(), *kind), Source::Operator));
                }
            }
        }

        // Shaped identifiers.
        let mut shaped = Vec::new();
        self.patterns.find(text, self.old_year, &mut shaped);
        cands.extend(shaped.into_iter().map(|d| (d, Source::Shape)));
        // Allowed phrases.
        let allowed: Vec<(usize, usize)> = match &self.allow {
            Some(ac) => ac
                .find_iter(text)
                .filter(|m| on_word_boundaries(text, m.start(), m.end()))
                .map(|m| (m.start(), m.end()))
                .collect(),
            None => Vec::new(),
        };
        // Names the caller knows.
        let mut toks = tokens::tokenize(text);
        known_name_matches(text, &toks, known, &mut cands);
        // Words: everything claimed so far is masked from the word rules.
        let claimed: Vec<(usize, usize)> = cands
            .iter()
            .map(|(d, _)| (d.start, d.end))
            .chain(allowed.iter().copied())
            .collect();
        mask(&mut toks.toks, claimed);
        let seeds: Vec<(usize, usize)> = cands
            .iter()
            .filter(|(d, _)| d.kind == IdentifierKind::Address)
            .map(|(d, _)| (d.start, d.end))
            .collect();
        let mut words = Vec::new();
        names::detect(text, &toks, &seeds, &mut words);
        cands.extend(words.into_iter().map(|d| (d, Source::Words)));

        // Policy: allowed phrases survive everything but the caller's known names; disabled kinds go.
        cands.retain(|(d, src)| {
            self.policy.removes(d.kind)
                && (*src == Source::Known
                    || !allowed.iter().any(|&(a, b)| d.start >= a && d.end <= b))
        });
        let chosen = resolve(cands);
        let chosen = merge_adjacent(text, chosen);
        render(text, chosen, self.policy.surrogates)
    }
}

/// The current calendar year (UTC), from the system clock.
fn current_year() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Mean Gregorian year; off by at most a day around New Year, which is harmless here.
    1970 + u32::try_from(secs / 31_556_952).unwrap_or(0)
}

/// A leftmost-longest, ASCII-case-insensitive automaton over the lower-cased allowed phrases, built
/// once per `Deidentifier`. Non-ASCII letters are matched in lower case only.
fn case_insensitive(patterns: &[String]) -> AhoCorasick {
    // Building an automaton from at most a few thousand short strings cannot fail; if it ever did,
    // matching nothing would be wrong, so an empty automaton is not an option either.
    #[allow(clippy::expect_used)]
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .expect("aho-corasick builds from plain strings")
}

fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// People's names a caller knows, prepared once for many texts: each name's words as token
/// fingerprints (with whether the word needs a capital to count, see `known_name_matches`), its
/// handles as one case-insensitive automaton, and optionally the names remembered from earlier
/// texts as keyed fingerprints ([`RememberedNames`]).
#[derive(Debug, Clone, Default)]
pub struct KnownNames {
    /// Fingerprint of a name word → whether it only counts capitalised.
    words: FxHashMap<u64, bool>,
    /// Handles, lower-cased, without a leading `@`.
    handles: Option<AhoCorasick>,
    /// Names remembered from earlier batches.
    remembered: Option<Arc<RememberedNames>>,
}

impl KnownNames {
    /// Prepares `names` (display names, handles, speaker names).
    pub fn new(names: &[&str]) -> KnownNames {
        let mut words = FxHashMap::default();
        let mut handles: Vec<String> = Vec::new();
        for name in names {
            let parts = remembered::name_parts(name);
            if let Some(h) = parts.handle
                && !handles.contains(&h)
            {
                handles.push(h);
            }
            for (lower, needs_cap) in parts.words {
                words.entry(gazetteer::key(&lower)).or_insert(needs_cap);
            }
        }
        let handles = (!handles.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&handles)
                    .ok()
            })
            .flatten();
        KnownNames {
            words,
            handles,
            remembered: None,
        }
    }

    /// These names and, as well, every name in `remembered`.
    pub fn with_remembered(mut self, remembered: Arc<RememberedNames>) -> KnownNames {
        self.remembered = (!remembered.is_empty()).then_some(remembered);
        self
    }
}

/// Detections for the caller's known names: each word of a name wherever it occurs as a word (any
/// case, possessives included), and handles wherever they occur as text.
///
/// Words are compared by their fingerprints against the tokens already cut, so the cost is one
/// look-up per token, with nothing built per document. A word of a name that is also a common word
/// ("Will", "Hope") is only taken where it is capitalised and does not open a sentence, or where it
/// is possessive.
fn known_name_matches(
    text: &str,
    toks: &tokens::Tokens,
    known: &KnownNames,
    out: &mut Vec<(Detection, Source)>,
) {
    let remembered = known.remembered.as_deref();
    if !known.words.is_empty() || remembered.is_some() {
        for t in &toks.toks {
            let Some(needs_cap) = known
                .words
                .get(&t.key)
                .copied()
                .or_else(|| remembered.and_then(|r| r.word(t.key)))
            else {
                continue;
            };
            if needs_cap && !(t.is_capitalised() && (!t.sent_start || t.possessive)) {
                continue;
            }
            out.push((
                Detection::new(t.start, t.end, IdentifierKind::Name),
                Source::Known,
            ));
        }
    }
    if let Some(handles) = &known.handles {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        // Overlapping: every occurrence of every handle, as one search per handle would find.
        for m in handles.find_overlapping_iter(text) {
            let (pos, end) = (m.start(), m.end());
            if !text.is_char_boundary(pos) || !text.is_char_boundary(end) {
                continue;
            }
            if word(text[..pos].chars().next_back()) || word(text[end..].chars().next()) {
                continue;
            }
            let start = if text[..pos].ends_with('@') {
                pos - 1
            } else {
                pos
            };
            out.push((
                Detection::new(start, end, IdentifierKind::Handle),
                Source::Known,
            ));
        }
    }
    if let Some(r) = remembered {
        let mut spans = Vec::new();
        r.handles_in(text, &mut spans);
        out.extend(
            spans
                .into_iter()
                .map(|(a, b)| (Detection::new(a, b, IdentifierKind::Handle), Source::Known)),
        );
    }
}

/// Marks tokens that overlap any claimed span.
fn mask(toks: &mut [tokens::Token], mut spans: Vec<(usize, usize)>) {
    spans.sort_unstable();
    let mut k = 0;
    for t in toks.iter_mut() {
        while k < spans.len() && spans[k].1 <= t.start {
            k += 1;
        }
        // Spans are not disjoint (an allowed phrase may overlap a detection): scan the few that start
        // before this token ends.
        let mut j = k;
        while j < spans.len() && spans[j].0 < t.end {
            if spans[j].1 > t.start {
                t.masked = true;
                break;
            }
            j += 1;
        }
    }
}

/// Chooses non-overlapping detections: higher source first, then longer.
fn resolve(mut cands: Vec<(Detection, Source)>) -> Vec<Detection> {
    cands.sort_by(|(a, sa), (b, sb)| {
        sb.cmp(sa)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(cands.len());
    for (d, _) in cands {
        if d.start >= d.end {
            continue;
        }
        let clash_before = taken
            .range(..d.end)
            .next_back()
            .is_some_and(|(_, &e)| e > d.start);
        if clash_before {
            continue;
        }
        taken.insert(d.start, d.end);
        out.push(d);
    }
    out.sort_by_key(|d| d.start);
    out
}

/// Joins neighbouring detections of one kind ("Karin" "Beike" → one name; a street and its unit).
fn merge_adjacent(text: &str, dets: Vec<Detection>) -> Vec<Detection> {
    let mut out: Vec<Detection> = Vec::with_capacity(dets.len());
    for d in dets {
        if let Some(last) = out.last_mut()
            && last.kind == d.kind
            && last.end <= d.start
        {
            let gap = &text[last.end..d.start];
            let joins = match d.kind {
                IdentifierKind::Name | IdentifierKind::Organisation => {
                    gap.chars().all(|c| c == ' ')
                }
                IdentifierKind::Address => gap.chars().all(|c| c == ' ' || c == ',' || c == '\t'),
                IdentifierKind::Location => gap.chars().all(|c| c == ' '),
                _ => false,
            };
            if joins {
                last.end = d.end;
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// Writes the output text and counts.
fn render(text: &str, dets: Vec<Detection>, surrogates: bool) -> Redacted {
    let mut out = String::with_capacity(text.len() + dets.len() * 4);
    let mut counts = BTreeMap::new();
    let mut spans = Vec::with_capacity(dets.len());
    let mut numbering = Surrogates::default();
    let mut last = 0;
    for d in dets {
        out.push_str(&text[last..d.start]);
        let original = &text[d.start..d.end];
        match d.kind {
            IdentifierKind::Age => out.push_str("90+"),
            kind if surrogates => {
                let n = numbering.number(kind, original);
                out.push('[');
                out.push_str(kind.tag());
                out.push('-');
                out.push_str(&n.to_string());
                out.push(']');
            }
            kind => out.push_str(kind.placeholder()),
        }
        if let Some((a, b)) = d.year {
            out.push(' ');
            out.push_str(&text[a..b]);
        }
        *counts.entry(d.kind).or_insert(0) += 1;
        spans.push(RemovedSpan {
            start: d.start,
            end: d.end,
            kind: d.kind,
        });
        last = d.end;
    }
    out.push_str(&text[last..]);
    Redacted {
        text: out,
        counts,
        spans,
    }
}

/// Per-document surrogate numbers: the same identifier gets the same number; a name shares its
/// number with any earlier name it has a word in common with ("Mark Okafor" … "Mark").
#[derive(Default)]
struct Surrogates {
    next: HashMap<IdentifierKind, u32>,
    seen: HashMap<(IdentifierKind, String), u32>,
}

impl Surrogates {
    fn number(&mut self, kind: IdentifierKind, original: &str) -> u32 {
        let key: String = original
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if let Some(&n) = self.seen.get(&(kind, key.clone())) {
            return n;
        }
        let parts: Vec<String> = if matches!(kind, IdentifierKind::Name) {
            key.split(|c: char| !c.is_alphanumeric())
                .filter(|p| p.chars().count() > 1)
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        let n = parts
            .iter()
            .find_map(|p| self.seen.get(&(kind, format!("\u{0}{p}"))).copied())
            .unwrap_or_else(|| {
                let next = self.next.entry(kind).or_insert(0);
                *next += 1;
                *next
            });
        self.seen.insert((kind, key), n);
        for p in parts {
            self.seen.entry((kind, format!("\u{0}{p}"))).or_insert(n);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deidentifier_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Deidentifier>();
        check::<PseudonymKey>();
    }

    #[test]
    fn bad_extra_pattern_error_names_the_pattern_not_its_text() {
        let policy = Policy {
            extra_patterns: vec![ExtraPattern {
                name: "site-mrn".into(),
                pattern: "(SECRETPATTERN".into(),
                kind: IdentifierKind::MedicalRecord,
            }],
            ..Policy::default()
        };
        let err = Deidentifier::new(&policy).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("site-mrn"), "{msg}");
        assert!(!msg.contains("SECRETPATTERN"), "{msg}");
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn resolve_prefers_higher_source_then_longer() {
        let d = |s, e, k| Detection::new(s, e, k);
        let chosen = resolve(vec![
            (d(0, 5, IdentifierKind::Name), Source::Words),
            (d(3, 10, IdentifierKind::Phone), Source::Shape),
            (d(12, 14, IdentifierKind::Name), Source::Words),
            (d(11, 15, IdentifierKind::Name), Source::Words),
        ]);
        let spans: Vec<(usize, usize)> = chosen.iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(spans, vec![(3, 10), (11, 15)]);
    }
}
