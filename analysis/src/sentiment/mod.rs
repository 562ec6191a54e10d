//! VADER sentiment, per sentence and per document.
//!
//! # Which VADER
//!
//! Scores come from [`vader_parity`], which reproduces the reference Python
//! vaderSentiment 3.3.2 exactly (all four numbers; [`eval`] checks all
//! 23,703 sentences of the authors' evaluation sets). Researchers quote these
//! numbers to sponsors, so "VADER" must mean the published method, not an
//! approximation of it: the older `vader_sentiment` crate differs from the
//! reference on about a fifth of those sentences, some with the sign flipped.
//!
//! # Sentences, then the document
//!
//! Every sentence from [`crate::sentences::split`] is scored on its own. The
//! **document score is the mean of the sentence scores** (compound, and each
//! of `neg`/`neu`/`pos`), not VADER run over the whole text, because:
//!
//! * VADER's rules are sentence rules. Its `!` emphasis counts every
//!   exclamation mark in the input (capped at four), its "but" rule
//!   down-weights everything before the *first* "but" in the input, and its
//!   compound is `s / sqrt(s² + 15)` of the summed valences, which saturates
//!   towards ±1 as text grows. Over a 600-byte post of six sentences that
//!   means a post of five complaints and one "thank you all!!" can score as
//!   strongly as a single sentence of either.
//! * The authors recommend it: for text longer than a sentence the
//!   vaderSentiment README suggests scoring sentences and averaging.
//! * It makes the document score commensurable with the per-theme scores,
//!   which are means of the compounds of the sentences a theme occurs in.
//!
//! The mean is unweighted (a one-word "Thanks!" line counts as much as a long
//! sentence), taken in sentence order so that it is bit-for-bit reproducible,
//! and not rounded. A text with no sentences scores as VADER scores the empty
//! string (compound 0, neutral 0).
//!
//! VADER is English-only. This module scores whatever it is given; deciding
//! not to score non-English text is the caller's job (see
//! [`crate::language`]).

pub mod eval;

use std::ops::Range;

use serde::Serialize;
use vader_parity::SentimentIntensityAnalyzer;

/// The four VADER scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Proportion of negative text, in [0, 1].
    pub neg: f64,
    /// Proportion of neutral text, in [0, 1].
    pub neu: f64,
    /// Proportion of positive text, in [0, 1].
    pub pos: f64,
    /// Normalised compound score, in [-1, 1].
    pub compound: f64,
}

/// The scores of one sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceScore {
    /// Byte range of the sentence in the text.
    pub range: Range<usize>,
    /// Proportion of negative text.
    pub neg: f64,
    /// Proportion of neutral text.
    pub neu: f64,
    /// Proportion of positive text.
    pub pos: f64,
    /// VADER compound score of the sentence.
    pub compound: f64,
}

/// The sentiment of a text: each sentence, and the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextSentiment {
    /// One score per sentence, in the order given.
    pub sentences: Vec<SentenceScore>,
    /// The mean of the sentence scores (see the module docs for why).
    pub document: Scores,
}

impl TextSentiment {
    /// The mean compound of the sentences with the given indices, or `None`
    /// if there are none (out-of-range indices are ignored). This is how
    /// per-theme sentiment is computed from a theme's sentence indices.
    pub fn mean_compound(&self, indices: &[usize]) -> Option<f64> {
        let mut sum = 0.0;
        let mut n = 0usize;
        for &i in indices {
            if let Some(s) = self.sentences.get(i) {
                sum += s.compound;
                n += 1;
            }
        }
        (n > 0).then(|| sum / n as f64)
    }
}

/// A VADER scorer. Building one parses the lexicons (about 11,000 lines);
/// build it once and share it (it is `Send + Sync`).
pub struct SentimentScorer {
    analyzer: SentimentIntensityAnalyzer,
}

impl Default for SentimentScorer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for SentimentScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SentimentScorer(vaderSentiment 3.3.2)")
    }
}

impl SentimentScorer {
    /// Load the VADER 3.3.2 lexicons.
    pub fn new() -> Self {
        SentimentScorer {
            analyzer: SentimentIntensityAnalyzer::new(),
        }
    }

    /// VADER on one piece of text, whole, exactly as the reference scores it.
    pub fn polarity(&self, text: &str) -> Scores {
        let s = self.analyzer.polarity_scores(text);
        Scores {
            neg: s.neg,
            neu: s.neu,
            pos: s.pos,
            compound: s.compound,
        }
    }

    /// Score every sentence of `text` (ranges from
    /// [`crate::sentences::split`]) and the document as their mean.
    ///
    /// Ranges that do not fall on character boundaries of `text` are scored
    /// as empty sentences rather than panicking.
    pub fn score(&self, text: &str, sentences: &[Range<usize>]) -> TextSentiment {
        let mut out = Vec::with_capacity(sentences.len());
        let mut sum = [0.0f64; 4];
        for r in sentences {
            let s = self.polarity(text.get(r.clone()).unwrap_or(""));
            sum[0] += s.neg;
            sum[1] += s.neu;
            sum[2] += s.pos;
            sum[3] += s.compound;
            out.push(SentenceScore {
                range: r.clone(),
                neg: s.neg,
                neu: s.neu,
                pos: s.pos,
                compound: s.compound,
            });
        }
        let document = if out.is_empty() {
            self.polarity("")
        } else {
            let n = out.len() as f64;
            Scores {
                neg: sum[0] / n,
                neu: sum[1] / n,
                pos: sum[2] / n,
                compound: sum[3] / n,
            }
        };
        TextSentiment {
            sentences: out,
            document,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences::split;

    #[test]
    fn matches_the_reference_on_its_readme_example() {
        // vaderSentiment 3.3.2 README: {'neg': 0.0, 'neu': 0.254, 'pos': 0.746, 'compound': 0.8316}
        let s = SentimentScorer::new().polarity("VADER is smart, handsome, and funny.");
        assert_eq!(
            (s.neg, s.neu, s.pos, s.compound),
            (0.0, 0.254, 0.746, 0.8316)
        );
    }

    #[test]
    fn document_is_the_mean_of_sentences() {
        let scorer = SentimentScorer::new();
        let text = "The nurses were wonderful. The drive was horrible.\nOk.";
        let sents = split(text);
        assert_eq!(sents.len(), 3);
        let t = scorer.score(text, &sents);
        let c: Vec<f64> = t.sentences.iter().map(|s| s.compound).collect();
        assert!(c[0] > 0.5 && c[1] < -0.5, "{c:?}");
        assert_eq!(t.document.compound, (c[0] + c[1] + c[2]) / 3.0);
        for (s, r) in t.sentences.iter().zip(&sents) {
            assert_eq!(s.compound, scorer.polarity(&text[r.clone()]).compound);
        }
        assert_eq!(t.mean_compound(&[0, 1]), Some((c[0] + c[1]) / 2.0));
        assert_eq!(t.mean_compound(&[7]), None);
    }

    #[test]
    fn empty_text_is_neutral() {
        let t = SentimentScorer::new().score("", &[]);
        assert!(t.sentences.is_empty());
        assert_eq!(t.document.compound, 0.0);
    }

    #[test]
    fn bad_ranges_do_not_panic() {
        let t = SentimentScorer::new().score("naïve", &[0..3, 2..99]);
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(t.sentences[0].compound, 0.0);
    }
}
