//! Stage 6, journey: the stage of the trial journey the text speaks of
//! (awareness, consideration, screening, enrolment, participation,
//! follow-up, withdrawal), from the codebook's cues, with evidence.

use std::ops::Range;

use hearken_analysis::journey::JourneyMatcher;
use hearken_analysis::text::TokenStream;
use hearken_document::StageTag;

use super::themes::span;

/// The stage a text speaks of, if it states one; the text is given as its
/// tokens (see [`super::themes::themes`]).
pub fn stage(
    matcher: &JourneyMatcher,
    tokens: &TokenStream,
    sentences: &[Range<usize>],
) -> Option<StageTag> {
    matcher.stage_in(tokens, sentences).map(|m| StageTag {
        stage: m.stage.as_str().to_string(),
        evidence: m.evidence.iter().map(|e| span(&e.term, &e.range)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::codebook::Codebook;
    use hearken_analysis::sentences;
    use hearken_analysis::themes::ThemeMatcher;

    #[test]
    fn withdrawal_is_recognised_with_evidence() {
        let codebook = Codebook::default_trial();
        let matcher = JourneyMatcher::new(&codebook);
        let text = "After the third infusion I decided to drop out of the study.";
        let tokens = ThemeMatcher::new(&codebook).tokens(text);
        let st = stage(&matcher, &tokens, &sentences::split(text)).expect("a stage");
        assert_eq!(st.stage, "withdrawal");
        assert!(!st.evidence.is_empty());
    }
}
