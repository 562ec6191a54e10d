//! The analysed document: what one record becomes after the pipeline.
//!
//! Every part of Hearken downstream of de-identification speaks this one
//! shape — the index stores it, search returns parts of it, personas are
//! built from it and reports quote it. Keeping it in a crate of its own,
//! with nothing but serde in it, lets those parts agree on a type without
//! depending on each other.
//!
//! # What may be in here
//!
//! Only de-identified material. `body` and `title` have passed the
//! de-identification stage; `author` is a keyed pseudonym, never a handle.
//! Every evidence [`Span`] is a byte range into the de-identified `body`, so
//! a report can check that a quote is verbatim by slicing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One analysed, de-identified document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysedDocument {
    /// Stable id, `{source}:{record id}`: the same record always gets the
    /// same id, which is what makes re-ingestion idempotent.
    pub id: String,
    /// The configured source name, e.g. `patient-forum`.
    pub source: String,
    /// The plugin that produced the record.
    pub plugin: String,
    /// That plugin's version.
    pub plugin_version: String,
    /// `post`, `reply`, `comment` or `transcript-turn`.
    pub kind: String,
    /// The evidence link: the record's canonical URL.
    pub url: String,
    /// The thread or transcript the record belongs to, if any.
    pub thread_id: Option<String>,
    /// The record it replies to, if any.
    pub parent_id: Option<String>,
    /// The author's keyed pseudonym (see `hearken-deid`), if the record has
    /// an author.
    pub author: Option<String>,
    /// For transcript turns: the speaker's role (patient, caregiver, …).
    pub speaker_role: Option<String>,
    /// Publication time, seconds since the Unix epoch (UTC).
    pub published: Option<i64>,
    /// ISO 639-1 language code, or `und` when detection was not reliable.
    pub language: String,
    /// De-identified title.
    pub title: Option<String>,
    /// De-identified body text.
    pub body: String,
    /// Sentiment of the whole document.
    pub sentiment: Sentiment,
    /// Sentiment per sentence, in body order.
    pub sentences: Vec<SentenceSentiment>,
    /// Codebook themes found in the body, each with its evidence.
    pub themes: Vec<ThemeTag>,
    /// The stage of the trial journey the text speaks of.
    pub stage: Option<StageTag>,
    /// What the text says about its author (role, life stage, channels, …).
    pub cues: Vec<CueTag>,
    /// How many identifiers of each type de-identification removed.
    pub redactions: BTreeMap<String, u32>,
    /// The ingestion run that last wrote this document.
    pub run_id: String,
    /// Extra key/values the plugin passed (category, tags, …), de-identified.
    pub extra: BTreeMap<String, String>,
}

/// VADER scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// Normalised compound score in [-1, 1].
    pub compound: f64,
    /// Proportion of negative text.
    pub neg: f64,
    /// Proportion of neutral text.
    pub neu: f64,
    /// Proportion of positive text.
    pub pos: f64,
    /// The class of the compound score.
    pub label: SentimentLabel,
}

/// The class of a compound score: VADER's usual ±0.05 thresholds, or
/// `unscored` for text the scorer does not cover (VADER is English-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    /// compound ≤ -0.05
    Negative,
    /// -0.05 < compound < 0.05
    Neutral,
    /// compound ≥ 0.05
    Positive,
    /// not scored (e.g. not English)
    Unscored,
}

impl SentimentLabel {
    /// Classify a compound score with VADER's thresholds.
    pub fn from_compound(compound: f64) -> Self {
        if compound >= 0.05 {
            Self::Positive
        } else if compound <= -0.05 {
            Self::Negative
        } else {
            Self::Neutral
        }
    }

    /// The lower-case name used in queries, facets and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Negative => "negative",
            Self::Neutral => "neutral",
            Self::Positive => "positive",
            Self::Unscored => "unscored",
        }
    }
}

impl Sentiment {
    /// Scores for text that was not scored.
    pub const UNSCORED: Sentiment = Sentiment {
        compound: 0.0,
        neg: 0.0,
        neu: 0.0,
        pos: 0.0,
        label: SentimentLabel::Unscored,
    };
}

/// The sentiment of one sentence of the body.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SentenceSentiment {
    /// Byte offset of the sentence start in `body`.
    pub start: u32,
    /// Byte offset one past the sentence end in `body`.
    pub end: u32,
    /// VADER compound score of the sentence.
    pub compound: f64,
}

/// A byte range of the de-identified body that triggered an assignment,
/// with the codebook term that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The codebook term or cue that matched.
    pub term: String,
    /// Byte offset of the match start in `body`.
    pub start: u32,
    /// Byte offset one past the match end in `body`.
    pub end: u32,
}

/// A codebook theme found in a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeTag {
    /// Theme id from the codebook, e.g. `travel_burden`.
    pub id: String,
    /// Mean compound score of the sentences that carry the theme, if scored.
    pub sentiment: Option<f64>,
    /// The matches that assigned it.
    pub evidence: Vec<Span>,
}

/// The journey stage of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTag {
    /// `awareness`, `consideration`, `screening`, `enrolment`,
    /// `participation`, `follow-up` or `withdrawal`.
    pub stage: String,
    /// The matches that assigned it.
    pub evidence: Vec<Span>,
}

/// Something the text states about its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueTag {
    /// `role`, `life_stage`, `age_band`, `channel` or `accessibility`.
    pub kind: String,
    /// e.g. `caregiver`, `working_parent`, `40-49`, `text_message`, `vision`.
    pub value: String,
    /// The matches that assigned it.
    pub evidence: Vec<Span>,
}

impl CueTag {
    /// `kind:value`, the form used in facets and queries.
    pub fn facet(&self) -> String {
        format!("{}:{}", self.kind, self.value)
    }
}

impl AnalysedDocument {
    /// The body text an evidence span points at, or `None` if the span does
    /// not fall on character boundaries inside the body.
    pub fn quote(&self, span: &Span) -> Option<&str> {
        self.body.get(span.start as usize..span.end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_vader_thresholds() {
        assert_eq!(
            SentimentLabel::from_compound(0.05),
            SentimentLabel::Positive
        );
        assert_eq!(
            SentimentLabel::from_compound(0.0499),
            SentimentLabel::Neutral
        );
        assert_eq!(
            SentimentLabel::from_compound(-0.05),
            SentimentLabel::Negative
        );
        assert_eq!(
            SentimentLabel::from_compound(-0.0499),
            SentimentLabel::Neutral
        );
    }

    #[test]
    fn quote_rejects_spans_off_char_boundaries() {
        let doc = AnalysedDocument {
            id: "s:1".into(),
            source: "s".into(),
            plugin: "p".into(),
            plugin_version: "0.1.0".into(),
            kind: "post".into(),
            url: "http://127.0.0.1/x".into(),
            thread_id: None,
            parent_id: None,
            author: None,
            speaker_role: None,
            published: None,
            language: "en".into(),
            title: None,
            body: "naïve travel".into(),
            sentiment: Sentiment::UNSCORED,
            sentences: vec![],
            themes: vec![],
            stage: None,
            cues: vec![],
            redactions: BTreeMap::new(),
            run_id: "r".into(),
            extra: BTreeMap::new(),
        };
        let ok = Span {
            term: "travel".into(),
            start: 7,
            end: 13,
        };
        assert_eq!(doc.quote(&ok), Some("travel"));
        let bad = Span {
            term: "x".into(),
            start: 3,
            end: 4,
        };
        assert_eq!(doc.quote(&bad), None);
        let json = serde_json::to_string(&doc).unwrap();
        let back: AnalysedDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }
}
