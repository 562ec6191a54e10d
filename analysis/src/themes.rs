//! Codebook themes in a text, each with the words that triggered it.
//!
//! [`ThemeMatcher`] compiles a [`Codebook`]'s themes once (one Aho-Corasick
//! automaton over stemmed terms, see [`crate::matcher`]) and is then called
//! per document. Every [`ThemeMatch`] carries its [`Evidence`]: the codebook
//! term and the exact byte range of the words that matched, so a report can
//! show a user *why* a post was tagged, and slicing the text with the range
//! gives the quote verbatim.
//!
//! # Decisions
//!
//! * **Negated mentions are dropped.** "No travel problems" and "never had
//!   any side effects" do not tag the post with the travel or side-effect
//!   theme, because downstream counts read a theme tag as "this post raises
//!   this concern". They are not thrown away: [`ThemeMatcher::find_detailed`]
//!   returns them apart, for a reader who wants "mentioned, but negated".
//!   A theme that is negated in one sentence and asserted in another is
//!   asserted, with only the asserted evidence.
//! * **Sentences.** A match reports the indices of the sentences its
//!   evidence lies in (a phrase wrapped over a line break lies in two), so
//!   the host can take per-theme sentiment as the mean compound of those
//!   sentences ([`crate::sentiment::TextSentiment::mean_compound`]).
//! * **Evidence** is every match that asserted the theme. For a word that
//!   counts only in context, that is the word *and* the context word that
//!   licensed it ("drive" … "site"). Overlapping matches of one theme are
//!   one mention: the leftmost, longest is kept ("3 hour drive each way"
//!   gives "3 hour drive" and "each way", not also "drive each way").
//! * Themes come out in codebook order; evidence in text order.

use std::ops::Range;

use serde::Serialize;

use crate::codebook::Codebook;
use crate::matcher::{Engine, Target, sentences_of};
use crate::text::{HashtagWords, TokenStream};

/// Words in the text that triggered an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Evidence {
    /// The codebook term (or context word, or cue pattern) that matched, as
    /// written in the codebook.
    pub term: String,
    /// Byte range of the matched words in the text.
    pub range: Range<usize>,
}

/// A theme found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeMatch {
    /// The theme id.
    pub theme: String,
    /// The matches that assigned it, in text order (never empty).
    pub evidence: Vec<Evidence>,
    /// Indices (into the `sentences` passed in) of the sentences the
    /// evidence lies in, ascending.
    pub sentences: Vec<usize>,
}

/// Everything the matcher found: asserted themes, and themes mentioned only
/// under negation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThemeFindings {
    /// Asserted themes (what [`ThemeMatcher::find`] returns).
    pub matches: Vec<ThemeMatch>,
    /// Negated mentions, per theme, whether or not the theme is also
    /// asserted elsewhere in the text.
    pub negated: Vec<ThemeMatch>,
}

/// A compiled theme matcher. Build once per codebook; `Send + Sync`.
#[derive(Debug, Clone)]
pub struct ThemeMatcher {
    engine: Engine,
    ids: Vec<String>,
    hashtags: HashtagWords,
}

impl ThemeMatcher {
    /// Compile the themes of `codebook`.
    pub fn new(codebook: &Codebook) -> Self {
        let targets: Vec<Target<'_>> = codebook
            .themes()
            .iter()
            .map(|t| Target {
                terms: &t.terms,
                context: &t.context,
            })
            .collect();
        ThemeMatcher {
            engine: Engine::new(&targets, codebook.negation()),
            ids: codebook.themes().iter().map(|t| t.id.clone()).collect(),
            hashtags: HashtagWords::from_codebook(codebook),
        }
    }

    /// The themes asserted in `text`. `sentences` are its sentence ranges
    /// (from [`crate::sentences::split`]); they bound context rules and give
    /// each match its sentence indices.
    pub fn find(&self, text: &str, sentences: &[Range<usize>]) -> Vec<ThemeMatch> {
        self.find_detailed(text, sentences).matches
    }

    /// Like [`find`](Self::find), but also returns negated mentions.
    pub fn find_detailed(&self, text: &str, sentences: &[Range<usize>]) -> ThemeFindings {
        self.find_in(&self.tokens(text), sentences)
    }

    /// `text` tokenised as this matcher reads it: hashtag run-ons split
    /// into the codebook's words (see [`crate::text`]).
    pub fn tokens(&self, text: &str) -> TokenStream {
        TokenStream::with_hashtag_words(text, &self.hashtags)
    }

    /// Like [`find_detailed`](Self::find_detailed) over an already
    /// tokenised text (tokenise once, match themes, stages and cues).
    pub fn find_in(&self, tokens: &TokenStream, sentences: &[Range<usize>]) -> ThemeFindings {
        let mut out = ThemeFindings::default();
        for (t, hits) in self.engine.run(tokens, sentences) {
            let theme = self.ids[t].clone();
            if !hits.evidence.is_empty() {
                out.matches.push(ThemeMatch {
                    theme: theme.clone(),
                    sentences: sentences_of(
                        hits.evidence.iter().map(|e| e.range.clone()),
                        sentences,
                    ),
                    evidence: hits.evidence,
                });
            }
            if !hits.negated.is_empty() {
                out.negated.push(ThemeMatch {
                    theme,
                    sentences: sentences_of(
                        hits.negated.iter().map(|e| e.range.clone()),
                        sentences,
                    ),
                    evidence: hits.negated,
                });
            }
        }
        out
    }
}
