//! Stage 4, sentiment: VADER scores per sentence and for the document.
//!
//! The scorer is `vader-parity`, which reproduces the reference
//! vaderSentiment 3.3.2 exactly (`hearken eval sentiment` checks all 23,703
//! gold sentences). VADER's lexicon is English: text reliably detected as
//! another language is marked `unscored` instead of scored wrongly.

use std::ops::Range;

use hearken_analysis::language::LanguageGuess;
use hearken_analysis::sentiment::{SentimentScorer, TextSentiment};
use hearken_document::{SentenceSentiment, Sentiment, SentimentLabel};

/// Scores, or `None` when the language rules scoring out.
pub fn score(
    scorer: &SentimentScorer,
    language: &LanguageGuess,
    text: &str,
    sentences: &[Range<usize>],
) -> Option<TextSentiment> {
    language
        .english_or_unknown()
        .then(|| scorer.score(text, sentences))
}

/// The document-level scores in the shared document shape.
pub fn document_sentiment(scores: Option<&TextSentiment>) -> Sentiment {
    match scores {
        None => Sentiment::UNSCORED,
        Some(s) => Sentiment {
            compound: s.document.compound,
            neg: s.document.neg,
            neu: s.document.neu,
            pos: s.document.pos,
            label: SentimentLabel::from_compound(s.document.compound),
        },
    }
}

/// Per-sentence compounds in the shared document shape.
pub fn sentence_sentiments(scores: Option<&TextSentiment>) -> Vec<SentenceSentiment> {
    scores
        .map(|s| {
            s.sentences
                .iter()
                .map(|x| SentenceSentiment {
                    start: x.range.start as u32,
                    end: x.range.end as u32,
                    compound: x.compound,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::sentences;

    fn english() -> LanguageGuess {
        LanguageGuess {
            code: "en".into(),
            confidence: 1.0,
            reliable: true,
            unexpected: None,
        }
    }

    #[test]
    fn scores_english_and_labels_by_compound() {
        let scorer = SentimentScorer::new();
        let text = "The nurses were wonderful. The drive was awful and exhausting.";
        let sents = sentences::split(text);
        let s = score(&scorer, &english(), text, &sents);
        let per = sentence_sentiments(s.as_ref());
        assert_eq!(per.len(), 2);
        assert!(per[0].compound > 0.0 && per[1].compound < 0.0, "{per:?}");
        let doc = document_sentiment(s.as_ref());
        assert_eq!(doc.label, SentimentLabel::from_compound(doc.compound));
    }

    #[test]
    fn other_languages_are_unscored() {
        let scorer = SentimentScorer::new();
        let german = LanguageGuess {
            code: "de".into(),
            confidence: 0.99,
            reliable: true,
            unexpected: None,
        };
        let whole = 0..24;
        let s = score(
            &scorer,
            &german,
            "Die Fahrt war furchtbar.",
            std::slice::from_ref(&whole),
        );
        assert!(s.is_none());
        assert_eq!(
            document_sentiment(s.as_ref()).label,
            SentimentLabel::Unscored
        );
    }
}
