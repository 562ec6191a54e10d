//! Stage 2, language: which language the text is in, and how sure we are.
//!
//! It runs on the normalized text before de-identification (placeholders
//! like `[NAME]` would otherwise skew short texts). Detection is restricted
//! to the languages the configuration expects, and a short or ambiguous text
//! becomes `und` rather than a confident wrong guess; the analysis stages use
//! the answer to decide whether English-only scoring applies. The work is
//! done by `hearken_analysis::language` (whatlang with an allow-list).

use hearken_analysis::language::{LanguageDetector, LanguageGuess};

/// Detect the language of `text`.
pub fn detect(detector: &LanguageDetector, text: &str) -> LanguageGuess {
    detector.detect(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_analysis::language::LanguageConfig;

    #[test]
    fn english_is_detected_and_short_text_is_undetermined() {
        let detector = LanguageDetector::new(&LanguageConfig::default()).unwrap();
        let long = "I was worried about the travel to the study site every two weeks, but the nurse arranged taxis for me.";
        assert_eq!(detect(&detector, long).code, "en");
        assert_eq!(detect(&detector, "ok").code, "und");
    }
}
