//! Tokens: the one view of a text that themes, journey stages, persona cues
//! and keyphrases all match against.
//!
//! # Why one token stream
//!
//! Codebook terms are written the way patients write ("3 hour drive",
//! "the app kept crashing", "took the day off"), and they must match however
//! the words are inflected, cased or wrapped. Doing that with regular
//! expressions over raw text means one hand-written pattern per inflection
//! and per line-wrap; doing it over a normalised token stream means writing
//! each term once. So a text is cut into word tokens, each token is
//! case-folded and stemmed with the English Snowball stemmer, and the stems
//! are laid out in one string, `" stem stem stem "`, that Aho-Corasick
//! searches. Every pattern is itself a run of stems between spaces, so a
//! match can only start and end on token boundaries (no "pain" inside
//! "Spain") and a phrase matches across any amount of whitespace or line
//! breaks in the original, because whitespace is not in the haystack at all.
//! Every token keeps its byte range in the original text, so a match maps
//! back to an exact, sliceable quote.
//!
//! # Normalisation choices
//!
//! * Words are maximal runs of alphanumeric characters; an apostrophe (`'`,
//!   `’`, `‘`) inside a word is kept, so `didn't` stays one token and the
//!   negation rules can see it. Hyphens and slashes split: `e-diary` is
//!   `e diary`, and the codebook term `e-diary` is tokenised the same way,
//!   so both spellings meet in the middle.
//! * A token of ASCII digits becomes the stem `#`: the codebook term
//!   `3 hour drive` then also matches "2 hour drive" and "45 minute drive"
//!   is one term, `45 minute drive`, that covers every number of minutes.
//! * So does a spelled-out number from two up ("a five hour drive",
//!   "eight weeks"), which patients write as often as digits. "one" and "a"
//!   are not numbers here: "no one", "the one who" and "a" are not
//!   quantities. Such a word stays a [`TokenKind::Word`] (only its stem is
//!   `#`).
//! * De-identification placeholders such as `[NAME]` and URLs are single
//!   opaque tokens (`[name]`, `[url]`): they are never part of a term and
//!   never a keyphrase.
//! * A hashtag is read as the words it is made of, because social posts
//!   put their topic there (`#TimeOff`, `#longdrive`, `#sideeffects`):
//!   `#CamelCase` splits at its capitals, and a lower-case run-on is split
//!   into words the codebook itself uses ([`HashtagWords`]), fewest words
//!   first, each at least three letters, or left whole when no such split
//!   exists. Every word keeps its own byte range inside the hashtag, so a
//!   match still slices to a verbatim quote (`timeoff`). A hashtag starts a
//!   new clause: a negation before it ("no pay #caregiving") does not reach
//!   into it.
//! * Stems are cached per thread: the Snowball stemmer is the most expensive
//!   step, and patient talk reuses a small vocabulary.

use std::cell::RefCell;
use std::ops::Range;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rust_stemmers::{Algorithm, Stemmer};

/// How many distinct words each thread's stem cache holds before it is
/// cleared. A few MB at most; large enough for the working vocabulary of a
/// forum.
const STEM_CACHE_MAX: usize = 50_000;

thread_local! {
    static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
    static STEM_CACHE: RefCell<HashMap<Box<str>, Box<str>>> = RefCell::new(HashMap::new());
}

/// The shortest word a lower-case hashtag run-on is split into: two-letter
/// words ("my", "in", "to") would split ordinary words into nonsense
/// ("together" → "to get her").
const HASHTAG_MIN_WORD: usize = 3;

/// The words a lower-case hashtag run-on may be split into: the words of a
/// codebook's terms, so `#timeoff` reads as "time off" because the codebook
/// says "time off", and a hashtag the codebook has no words for stays one
/// token.
#[derive(Debug, Clone, Default)]
pub struct HashtagWords {
    words: HashSet<Box<str>>,
    longest: usize,
}

impl HashtagWords {
    /// The words of `terms` (split like text, lower-cased, ASCII letters
    /// only, at least three letters each).
    pub fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> HashtagWords {
        let mut words = HashSet::new();
        let mut longest = 0;
        for term in terms {
            for w in term.split(|c: char| !c.is_ascii_alphabetic()) {
                if w.len() >= HASHTAG_MIN_WORD {
                    longest = longest.max(w.len());
                    words.insert(w.to_ascii_lowercase().into_boxed_str());
                }
            }
        }
        HashtagWords { words, longest }
    }

    /// The words of every term, context word and cue of `codebook`.
    pub fn from_codebook(codebook: &crate::codebook::Codebook) -> HashtagWords {
        fn rules<'a>(
            terms: &'a [String],
            context: &'a [crate::codebook::ContextRule],
        ) -> impl Iterator<Item = &'a str> {
            terms
                .iter()
                .chain(
                    context
                        .iter()
                        .flat_map(|c| c.terms.iter().chain(c.with.iter())),
                )
                .map(String::as_str)
        }
        HashtagWords::new(
            codebook
                .themes()
                .iter()
                .flat_map(|t| rules(&t.terms, &t.context))
                .chain(
                    codebook
                        .stages()
                        .iter()
                        .flat_map(|s| rules(&s.terms, &s.context)),
                )
                .chain(
                    codebook
                        .cues()
                        .iter()
                        .flat_map(|c| rules(&c.terms, &c.context)),
                ),
        )
    }

    /// Whether `word` (lower case) is one of the words.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// Split a lower-case ASCII run-on into the fewest known words (on a tie,
    /// the split whose earlier words are longer), as byte ranges of `run`;
    /// `None` when `run` is a known word itself or has no such split.
    fn split(&self, run: &str) -> Option<Vec<Range<usize>>> {
        let n = run.len();
        if n < 2 * HASHTAG_MIN_WORD || !run.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        if self.contains(run) {
            return None;
        }
        // best[i]: the fewest words covering run[i..], and the end of the
        // first of them.
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        best[n] = Some((0, n));
        for i in (0..n).rev() {
            let max = (i + self.longest).min(n);
            // Longest first word first, so on a tie it wins.
            for j in (i + HASHTAG_MIN_WORD..=max).rev() {
                let Some((rest, _)) = best[j] else {
                    continue;
                };
                if !self.contains(&run[i..j]) {
                    continue;
                }
                if best[i].is_none_or(|(count, _)| rest + 1 < count) {
                    best[i] = Some((rest + 1, j));
                }
            }
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let (_, j) = best[i]?;
            out.push(i..j);
            i = j;
        }
        (out.len() > 1).then_some(out)
    }
}

/// The words of the hashtag body `tag` (without the `#`), as byte ranges
/// of `tag`: split at camel-case humps (`TrialLife`, `ABCTrial`), then each
/// lower-case run-on by `words`.
fn hashtag_parts(tag: &str, words: Option<&HashtagWords>) -> Vec<Range<usize>> {
    let b = tag.as_bytes();
    let mut humps = Vec::new();
    let mut start = 0;
    if tag.is_ascii() {
        for i in 1..b.len() {
            let lower_to_upper = b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase();
            let acronym_end = b[i - 1].is_ascii_uppercase()
                && b[i].is_ascii_uppercase()
                && b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if lower_to_upper || acronym_end {
                humps.push(start..i);
                start = i;
            }
        }
    }
    humps.push(start..b.len());
    let mut out = Vec::new();
    for hump in humps {
        let lower = tag[hump.clone()].to_ascii_lowercase();
        match words.and_then(|w| w.split(&lower)) {
            Some(parts) => out.extend(
                parts
                    .into_iter()
                    .map(|p| hump.start + p.start..hump.start + p.end),
            ),
            None => out.push(hump),
        }
    }
    out
}

/// Whether `lower` is a spelled-out number that stems to `#`, like
/// digits (a `match`, so the check per word is a length compare or two).
fn is_number_word(lower: &str) -> bool {
    matches!(
        lower,
        "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "eleven"
            | "twelve"
            | "fifteen"
            | "twenty"
            | "thirty"
            | "forty"
            | "fifty"
            | "sixty"
            | "ninety"
            | "hundred"
    )
}

/// What kind of token a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (letters, possibly with digits and inner apostrophes).
    Word,
    /// A run of ASCII digits; its stem is `#`.
    Number,
    /// A de-identification placeholder such as `[NAME]`.
    Placeholder,
    /// A URL (`http://…`, `https://…`, `www.…`).
    Url,
}

/// One token of a text.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// Whether a clause break (`.`, `!`, `?`, `;`, `,`, a bracket, a dash or
    /// a line break) lies between the previous token and this one.
    pub break_before: bool,
    lower: Range<u32>,
    stem: Range<u32>,
}

/// A text cut into tokens, with the case-folded form and the stem of each,
/// and the stem string that phrase matchers search.
#[derive(Debug, Clone)]
pub struct TokenStream {
    tokens: Vec<Token>,
    lower: String,
    /// `" s1 s2 … sn "`: every stem preceded and followed by one space, and
    /// `"| "` before and after the stems of a hashtag.
    haystack: String,
    /// Byte offset in `haystack` of the space before each token's stem.
    starts: Vec<u32>,
}

impl TokenStream {
    /// Tokenise, case-fold and stem `text`. Hashtags are split at camel-case
    /// humps only; [`with_hashtag_words`](Self::with_hashtag_words) also
    /// splits lower-case run-ons.
    pub fn new(text: &str) -> TokenStream {
        Self::build(text, None)
    }

    /// Like [`new`](Self::new), and a lower-case hashtag run-on is split
    /// into `words` (`#timeoff` → `time off`).
    pub fn with_hashtag_words(text: &str, words: &HashtagWords) -> TokenStream {
        Self::build(text, Some(words))
    }

    fn build(text: &str, words: Option<&HashtagWords>) -> TokenStream {
        let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
        let mut lower = String::with_capacity(text.len());
        let mut haystack = String::with_capacity(text.len() + 2);
        let mut starts = Vec::with_capacity(text.len() / 5 + 1);
        haystack.push(' ');
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut last_end = 0;
        // A hashtag is a unit of its own: no phrase runs into or out of it
        // ("#timeoff #WorkingMom" is not "time off work"). A `|` between
        // stems in the haystack, which no pattern contains, keeps them apart.
        let mut fence_next = false;
        while i < text.len() {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let (end, kind) = if c == '[' {
                match placeholder_end(bytes, i) {
                    Some(end) => (end, TokenKind::Placeholder),
                    None => {
                        i += 1;
                        continue;
                    }
                }
            } else if c.is_alphanumeric() {
                if let Some(end) = url_end(text, i) {
                    (end, TokenKind::Url)
                } else {
                    let end = word_end(text, i);
                    let kind = if text[i..end].bytes().all(|b| b.is_ascii_digit()) {
                        TokenKind::Number
                    } else {
                        TokenKind::Word
                    };
                    (end, kind)
                }
            } else {
                i += c.len_utf8();
                continue;
            };
            let hashtag = kind == TokenKind::Word
                && i > 0
                && bytes[i - 1] == b'#'
                && text[..i - 1]
                    .chars()
                    .next_back()
                    .is_none_or(|p| !p.is_alphanumeric());
            // Only a hashtag allocates: every other token is one part.
            let split: Vec<Range<usize>> = if hashtag {
                hashtag_parts(&text[i..end], words)
                    .into_iter()
                    .map(|r| i + r.start..i + r.end)
                    .collect()
            } else {
                Vec::new()
            };
            let word = i..end;
            let parts = if hashtag {
                split.as_slice()
            } else {
                std::slice::from_ref(&word)
            };
            if hashtag || fence_next {
                haystack.push_str("| ");
            }
            fence_next = hashtag;
            for (n, part) in parts.iter().cloned().enumerate() {
                // Only a hashtag's first word can follow a break.
                let break_before = n == 0
                    && !tokens.is_empty()
                    && (hashtag || has_clause_break(&text[last_end..part.start]));
                let lo = lower.len() as u32;
                push_lower(&mut lower, &text[part.clone()]);
                let hi = lower.len() as u32;
                starts.push((haystack.len() - 1) as u32);
                let s0 = haystack.len() as u32;
                match kind {
                    TokenKind::Number => haystack.push('#'),
                    TokenKind::Placeholder => haystack.push_str(&lower[lo as usize..hi as usize]),
                    TokenKind::Url => haystack.push_str("[url]"),
                    TokenKind::Word if is_number_word(&lower[lo as usize..hi as usize]) => {
                        haystack.push('#')
                    }
                    TokenKind::Word => stem_into(&lower[lo as usize..hi as usize], &mut haystack),
                }
                let s1 = haystack.len() as u32;
                haystack.push(' ');
                tokens.push(Token {
                    range: part,
                    kind,
                    break_before,
                    lower: lo..hi,
                    stem: s0..s1,
                });
            }
            last_end = end;
            i = end;
        }
        TokenStream {
            tokens,
            lower,
            haystack,
            starts,
        }
    }

    /// The tokens, in text order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether the text has no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The case-folded form of token `i` (curly apostrophes made straight).
    pub fn lower(&self, i: usize) -> &str {
        let r = &self.tokens[i].lower;
        &self.lower[r.start as usize..r.end as usize]
    }

    /// The stem of token `i` (`#` for numbers, `[name]` for placeholders).
    pub fn stem(&self, i: usize) -> &str {
        let r = &self.tokens[i].stem;
        &self.haystack[r.start as usize..r.end as usize]
    }

    /// The string phrase patterns are searched in.
    pub(crate) fn haystack(&self) -> &str {
        &self.haystack
    }

    /// The token whose leading space sits at `offset` in the haystack.
    pub(crate) fn token_at_space(&self, offset: usize) -> Option<usize> {
        self.starts.binary_search(&(offset as u32)).ok()
    }
}

/// Tokenise and stem a codebook term the way text is tokenised, returning
/// the haystack pattern (`" s1 s2 "`) and the number of tokens.
pub(crate) fn pattern(term: &str) -> Option<(String, usize)> {
    let ts = TokenStream::new(term);
    if ts.is_empty() {
        return None;
    }
    Some((ts.haystack.clone(), ts.len()))
}

/// The stem of one case-folded word, through the thread's cache.
pub(crate) fn stem_into(lower: &str, out: &mut String) {
    let cached = STEM_CACHE.with(|c| {
        c.borrow().get(lower).map(|s| {
            out.push_str(s);
        })
    });
    if cached.is_some() {
        return;
    }
    let stem: Box<str> = STEMMER.with(|s| s.stem(lower).into_owned().into_boxed_str());
    out.push_str(&stem);
    STEM_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= STEM_CACHE_MAX {
            c.clear();
        }
        c.insert(lower.into(), stem);
    });
}

fn push_lower(out: &mut String, word: &str) {
    if word.is_ascii() {
        for b in word.bytes() {
            out.push(b.to_ascii_lowercase() as char);
        }
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}')
}

/// End of the word starting at `i`: alphanumerics, with single apostrophes
/// allowed between two alphanumerics.
fn word_end(text: &str, i: usize) -> usize {
    let mut end = i;
    let mut chars = text[i..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if c.is_alphanumeric() {
            end = i + off + c.len_utf8();
        } else if is_apostrophe(c) {
            match chars.peek() {
                Some((_, n)) if n.is_alphanumeric() => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    end
}

/// `[` + uppercase letters, digits or `_` + `]`: a de-identification
/// placeholder.
fn placeholder_end(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < bytes.len()
        && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit() || bytes[j] == b'_')
    {
        j += 1;
    }
    if j > i + 1 && j < bytes.len() && bytes[j] == b']' {
        Some(j + 1)
    } else {
        None
    }
}

/// If a URL starts at `i`, where it ends (the next whitespace, without
/// trailing sentence punctuation).
pub(crate) fn url_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text.as_bytes()[i..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if !(starts(b"https://") || starts(b"http://") || starts(b"www.")) {
        return None;
    }
    let mut end = text[i..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |o| i + o);
    while end > i {
        let b = text.as_bytes()[end - 1];
        if matches!(
            b,
            b'.' | b',' | b'!' | b'?' | b')' | b';' | b':' | b'"' | b'\''
        ) {
            end -= 1;
        } else {
            break;
        }
    }
    Some(end)
}

fn has_clause_break(gap: &str) -> bool {
    gap.chars().any(|c| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | ';'
                | ','
                | '\n'
                | '\r'
                | '('
                | ')'
                | '…'
                | '—'
                | '–'
                | '"'
                | '“'
                | '”'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let ts = TokenStream::new(text);
        (0..ts.len()).map(|i| ts.stem(i).to_string()).collect()
    }

    #[test]
    fn stems_inflections_to_one_form() {
        assert_eq!(
            stems("Travelling traveled travels"),
            ["travel", "travel", "travel"]
        );
        assert_eq!(stems("side-effects"), ["side", "effect"]);
    }

    #[test]
    fn keeps_contractions_and_folds_curly_apostrophes() {
        let ts = TokenStream::new("I didn’t mind it");
        assert_eq!(ts.lower(1), "didn't");
        assert_eq!(&"I didn’t mind it"[ts.tokens()[1].range.clone()], "didn’t");
    }

    #[test]
    fn numbers_placeholders_and_urls_are_opaque() {
        assert_eq!(
            stems("[NAME] drove 45 min, see https://x.example/travel."),
            ["[name]", "drove", "#", "min", "see", "[url]"]
        );
    }

    #[test]
    fn clause_breaks_are_recorded() {
        let ts = TokenStream::new("no fever, just pain\nthen rest");
        let breaks: Vec<bool> = ts.tokens().iter().map(|t| t.break_before).collect();
        assert_eq!(breaks, [false, false, true, false, true, false]);
    }

    fn words_of<'a>(text: &'a str, ts: &TokenStream) -> Vec<&'a str> {
        ts.tokens().iter().map(|t| &text[t.range.clone()]).collect()
    }

    #[test]
    fn camel_case_hashtags_split_at_their_humps() {
        let text = "Week 3 #TrialLife #ABCTrial #HALO10";
        let ts = TokenStream::new(text);
        assert_eq!(
            words_of(text, &ts),
            ["Week", "3", "Trial", "Life", "ABC", "Trial", "HALO10"]
        );
        assert_eq!(ts.stem(2), "trial");
        assert_eq!(ts.stem(3), "life");
    }

    #[test]
    fn lower_case_hashtags_split_into_known_words_only() {
        let words = HashtagWords::new(["time off", "long drive", "to get her", "together"]);
        let text = "so tired #timeoff #longdrive #together #spoonie";
        let ts = TokenStream::with_hashtag_words(text, &words);
        assert_eq!(
            words_of(text, &ts),
            // "together" is a known word itself and stays whole; "spoonie"
            // has no split into known words.
            [
                "so", "tired", "time", "off", "long", "drive", "together", "spoonie"
            ]
        );
        // Without the word list only humps split.
        let ts = TokenStream::new(text);
        assert_eq!(
            words_of(text, &ts),
            ["so", "tired", "timeoff", "longdrive", "together", "spoonie"]
        );
        // Two-letter words never split a run-on: "#together" is not
        // "to get her" even when "together" is unknown.
        let words = HashtagWords::new(["to", "get", "her"]);
        let ts = TokenStream::with_hashtag_words("#together", &words);
        assert_eq!(ts.len(), 1);
    }

    #[test]
    fn the_fewest_words_win_a_hashtag_split() {
        // "sid eef fects" covers the run-on too, in three words.
        let words = HashtagWords::new(["side effects", "sid", "eef", "fects"]);
        let text = "#sideeffects";
        let ts = TokenStream::with_hashtag_words(text, &words);
        assert_eq!(words_of(text, &ts), ["side", "effects"]);
    }

    #[test]
    fn a_hashtag_starts_a_clause_and_a_hash_inside_a_word_is_no_hashtag() {
        let words = HashtagWords::new(["time off"]);
        let text = "no pay #timeoff C#sharp";
        let ts = TokenStream::with_hashtag_words(text, &words);
        let breaks: Vec<bool> = ts.tokens().iter().map(|t| t.break_before).collect();
        // no, pay, time, off, C, sharp
        assert_eq!(breaks, [false, false, true, false, false, false]);
        assert_eq!(
            words_of(text, &ts),
            ["no", "pay", "time", "off", "C", "sharp"]
        );
    }

    #[test]
    fn spelled_out_numbers_stem_like_digits() {
        assert_eq!(
            stems("a five hour drive, two weeks, no one"),
            ["a", "#", "hour", "drive", "#", "week", "no", "one"]
        );
        let ts = TokenStream::new("five");
        assert_eq!(ts.tokens()[0].kind, TokenKind::Word);
    }

    #[test]
    fn token_ranges_slice_the_original() {
        let text = "Naïve  CAFÉ\tvisits";
        let ts = TokenStream::new(text);
        let words: Vec<&str> = ts.tokens().iter().map(|t| &text[t.range.clone()]).collect();
        assert_eq!(words, ["Naïve", "CAFÉ", "visits"]);
        assert_eq!(ts.lower(1), "café");
    }
}
