//! Analysis of de-identified text: sentences, VADER sentiment, codebook
//! themes, journey stage, persona cues, language and emergent keyphrases.
//!
//! This crate is the part of Hearken that reads. It gets text that has
//! already been de-identified and says what it is about, how it feels and
//! what it says about its author, with the words that show it. It knows
//! nothing of documents, indexes or plugins: the host maps these types into
//! `hearken-document`'s `AnalysedDocument`.
//!
//! # The pieces
//!
//! | module | what | built on |
//! | --- | --- | --- |
//! | [`language`] | ISO 639-1 code or `und`, never a confident wrong guess | whatlang |
//! | [`sentences`] | sentence ranges for forum text | — |
//! | [`sentiment`] | VADER per sentence and per document; [`sentiment::eval`] against the reference | vader-parity |
//! | [`codebook`] | the TOML codebook of themes, stages, cues and negation | toml, serde |
//! | [`themes`] | codebook themes with evidence and sentence indices | aho-corasick, rust-stemmers |
//! | [`journey`] | one journey stage per text | the same engine |
//! | [`cues`] | role, life stage, age band, channel, accessibility | the same engine |
//! | [`keyphrases`] | emergent YAKE-style keyphrases the codebook misses | — |
//!
//! Every offset is a byte offset into the text passed in, and every
//! [`themes::Evidence`] range slices that text to the words that matched.
//!
//! # Use
//!
//! Build the matchers once and call them per document; [`Analyzer`] does
//! that and tokenises each text once for themes, stage and cues:
//!
//! ```
//! use hearken_analysis::{Analyzer, codebook::Codebook};
//!
//! let analyzer = Analyzer::new(Codebook::default_trial());
//! let text = "The site is a 3 hour drive and my boss won't give me the day off.";
//! let a = analyzer.analyse(text);
//! let themes: Vec<&str> = a.themes.iter().map(|t| t.theme.as_str()).collect();
//! assert_eq!(themes, ["travel_burden", "time_work"]);
//! let ev = &a.themes[0].evidence[0];
//! assert_eq!(&text[ev.range.clone()], "3 hour drive");
//! ```

pub mod codebook;
pub mod cues;
mod error;
pub mod journey;
pub mod keyphrases;
pub mod language;
mod matcher;
pub mod sentences;
pub mod sentiment;
pub mod text;
pub mod themes;

use std::ops::Range;

use serde::Serialize;

pub use error::AnalysisError;

use codebook::Codebook;
use cues::{CueMatch, CueMatcher};
use journey::{JourneyMatcher, StageMatch};
use language::{LanguageConfig, LanguageDetector, LanguageGuess};
use sentiment::{SentimentScorer, TextSentiment};
use themes::{ThemeMatch, ThemeMatcher};

/// Everything the analysis says about one text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The detected language.
    pub language: LanguageGuess,
    /// Sentence ranges.
    pub sentences: Vec<Range<usize>>,
    /// VADER scores, or `None` when the text is reliably not English
    /// ([`LanguageGuess::english_or_unknown`] is false): VADER's lexicon is
    /// English and its numbers would mean nothing.
    pub sentiment: Option<TextSentiment>,
    /// Asserted codebook themes.
    pub themes: Vec<ThemeMatch>,
    /// The journey stage, if the text states one.
    pub stage: Option<StageMatch>,
    /// Persona cues the text states about its author.
    pub cues: Vec<CueMatch>,
}

impl Analysis {
    /// The mean compound of the sentences carrying `theme`, if scored.
    pub fn theme_sentiment(&self, theme: &ThemeMatch) -> Option<f64> {
        self.sentiment.as_ref()?.mean_compound(&theme.sentences)
    }
}

/// The whole analysis, compiled once: holds the codebook, the VADER scorer,
/// the three matchers and the language detector. `Send + Sync`; share one
/// per process.
#[derive(Debug)]
pub struct Analyzer {
    codebook: Codebook,
    scorer: SentimentScorer,
    themes: ThemeMatcher,
    journey: JourneyMatcher,
    cues: CueMatcher,
    language: LanguageDetector,
}

impl Analyzer {
    /// An analyzer over `codebook` with the default language settings
    /// (English expected, `und` fallback).
    pub fn new(codebook: Codebook) -> Self {
        let language = match LanguageDetector::new(&LanguageConfig::default()) {
            Ok(l) => l,
            // "en" is in the built-in table; a test holds this.
            Err(e) => panic!("{e}"),
        };
        Self::build(codebook, language)
    }

    /// An analyzer with explicit language settings.
    pub fn with_language(
        codebook: Codebook,
        language: &LanguageConfig,
    ) -> Result<Self, AnalysisError> {
        Ok(Self::build(codebook, LanguageDetector::new(language)?))
    }

    fn build(codebook: Codebook, language: LanguageDetector) -> Self {
        Analyzer {
            scorer: SentimentScorer::new(),
            themes: ThemeMatcher::new(&codebook),
            journey: JourneyMatcher::new(&codebook),
            cues: CueMatcher::new(&codebook),
            codebook,
            language,
        }
    }

    /// The codebook in use.
    pub fn codebook(&self) -> &Codebook {
        &self.codebook
    }

    /// The VADER scorer.
    pub fn scorer(&self) -> &SentimentScorer {
        &self.scorer
    }

    /// The theme matcher.
    pub fn theme_matcher(&self) -> &ThemeMatcher {
        &self.themes
    }

    /// The journey-stage matcher.
    pub fn journey_matcher(&self) -> &JourneyMatcher {
        &self.journey
    }

    /// The persona-cue matcher.
    pub fn cue_matcher(&self) -> &CueMatcher {
        &self.cues
    }

    /// The language detector.
    pub fn language_detector(&self) -> &LanguageDetector {
        &self.language
    }

    /// Analyse one de-identified text.
    pub fn analyse(&self, text: &str) -> Analysis {
        let language = self.language.detect(text);
        let sentences = sentences::split(text);
        let sentiment = language
            .english_or_unknown()
            .then(|| self.scorer.score(text, &sentences));
        let tokens = self.themes.tokens(text);
        let themes = self.themes.find_in(&tokens, &sentences).matches;
        let stage = self.journey.stage_in(&tokens, &sentences);
        let cues = self.cues.cues_in(text, &tokens, &sentences);
        Analysis {
            language,
            sentences,
            sentiment,
            themes,
            stage,
            cues,
        }
    }
}
