//! Stage 6, journey: the stage of the trial journey the text speaks of
//! (awareness, consideration, screening, enrolment, participation,
//! follow-up, withdrawal), from the codebook's cues, with evidence.

use std::ops::Range;

use hearken_analysis::journey::JourneyMatcher;
use hearken_document::StageTag;

use super::themes::span;

/// The stage `text` speaks of, if it states one.
pub fn stage(matcher: &JourneyMatcher, text: &str, sentences: &[Range<usize>]) -> Option<StageTag> {
    matcher.stage(text, sentences).map(|m| StageTag {
        stage: m.stage.as_str().to_string(),
        evidence: m.evidence.iter().map(|e| span(&e.term, &e.range)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::codebook::Codebook;
    use hearken_analysis::sentences;

    #[test]
    fn withdrawal_is_recognised_with_evidence() {
        let matcher = JourneyMatcher::new(&Codebook::default_trial());
        let text = "After the third infusion I decided to drop out of the study.";
        let st = stage(&matcher, text, &sentences::split(text)).expect("a stage");
        assert_eq!(st.stage, "withdrawal");
        assert!(!st.evidence.is_empty());
    }
}
