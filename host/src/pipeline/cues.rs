//! Stage 7, cues: what the text says about its author — role (patient,
//! caregiver, clinician), life stage, age band, preferred channels and
//! accessibility needs — from the codebook's cues, each with evidence.
//! Personas are built from these.

use std::ops::Range;

use hearken_analysis::cues::CueMatcher;
use hearken_analysis::text::TokenStream;
use hearken_document::CueTag;

use super::themes::span;

/// Cues stated in `text`, whose tokens are `tokens` (see
/// [`super::themes::themes`]).
pub fn cues(
    matcher: &CueMatcher,
    text: &str,
    tokens: &TokenStream,
    sentences: &[Range<usize>],
) -> Vec<CueTag> {
    matcher
        .cues_in(text, tokens, sentences)
        .into_iter()
        .map(|c| CueTag {
            kind: c.kind.to_string(),
            value: c.value,
            evidence: c.evidence.iter().map(|e| span(&e.term, &e.range)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::codebook::Codebook;
    use hearken_analysis::sentences;
    use hearken_analysis::themes::ThemeMatcher;

    #[test]
    fn caregiver_role_is_a_cue() {
        let codebook = Codebook::default_trial();
        let matcher = CueMatcher::new(&codebook);
        let text = "I'm the main carer for my mum and she needs me to read the emails to her.";
        let tokens = ThemeMatcher::new(&codebook).tokens(text);
        let found = cues(&matcher, text, &tokens, &sentences::split(text));
        assert!(
            found
                .iter()
                .any(|c| c.kind == "role" && c.value == "caregiver"),
            "{found:?}"
        );
    }
}
