//! Stage 5, themes: which codebook themes the text speaks of, with evidence.
//!
//! Matching (stemmed, case-folded, phrase-aware, negation-scoped) is done by
//! `hearken_analysis::themes`; this stage attaches to each theme the mean
//! sentiment of the sentences that carry it — the number behind "caregivers
//! are negative about visit schedules" — and the matched words as evidence.

use std::ops::Range;

use hearken_analysis::sentiment::TextSentiment;
use hearken_analysis::text::TokenStream;
use hearken_analysis::themes::ThemeMatcher;
use hearken_document::{Span, ThemeTag};

/// Themes found in a text, given as its tokens (from
/// [`ThemeMatcher::tokens`], shared with the journey and cue stages so the
/// text is tokenised and stemmed once).
pub fn themes(
    matcher: &ThemeMatcher,
    tokens: &TokenStream,
    sentences: &[Range<usize>],
    scores: Option<&TextSentiment>,
) -> Vec<ThemeTag> {
    matcher
        .find_in(tokens, sentences)
        .matches
        .into_iter()
        .map(|m| ThemeTag {
            sentiment: scores.and_then(|s| s.mean_compound(&m.sentences)),
            evidence: m.evidence.iter().map(|e| span(&e.term, &e.range)).collect(),
            id: m.theme,
        })
        .collect()
}

pub(crate) fn span(term: &str, range: &Range<usize>) -> Span {
    Span {
        term: term.to_string(),
        start: range.start as u32,
        end: range.end as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::codebook::Codebook;
    use hearken_analysis::sentences;
    use hearken_analysis::sentiment::SentimentScorer;

    #[test]
    fn themes_carry_evidence_and_sentence_sentiment() {
        let matcher = ThemeMatcher::new(&Codebook::default_trial());
        let text = "The site is a 3 hour drive each way and parking costs a fortune. I hate it.";
        let sents = sentences::split(text);
        let scores = SentimentScorer::new().score(text, &sents);
        let found = themes(&matcher, &matcher.tokens(text), &sents, Some(&scores));
        let travel = found
            .iter()
            .find(|t| t.id.contains("travel"))
            .expect("a travel theme");
        assert!(!travel.evidence.is_empty());
        for e in &travel.evidence {
            assert!(text.get(e.start as usize..e.end as usize).is_some());
        }
        assert!(travel.sentiment.is_some());
    }
}
