//! Personas from analysed documents: segment, profile, cite; reports in
//! HTML, Markdown and JSON.
//!
//! A recruitment or retention team wants to know who its patients are and
//! to defend every statement about them with what patients actually wrote.
//! This crate turns a set of [`AnalysedDocument`]s (already de-identified
//! and analysed) into a [`PersonaReport`] in which every claim carries the
//! ids of the documents behind it and verbatim, sentence-aligned quotes of
//! their de-identified text.
//!
//! # The flow
//!
//! ```text
//! documents ──▶ units (one per author; authorless documents stand alone)
//!           ──▶ features (theme shares, theme sentiment, journey stages, cues;
//!               each author's row scaled to unit length)
//!           ──▶ seeded k-means, k by silhouette (or --count)
//!           ──▶ profiles: claims with evidence, weak-claim rule
//!           ──▶ PersonaReport ──▶ render::{html, markdown, json}
//! ```
//!
//! * [`build`] is the pure function at the heart: same documents, codebook
//!   and config in, same report out, byte for byte. Documents are sorted
//!   by id before anything else happens, every map is a `BTreeMap`, every
//!   float in the report is rounded to four decimals, and the only source
//!   of randomness is a ChaCha stream seeded from [`PersonaConfig::seed`].
//! * [`verify_quotes`] re-checks, against the stored documents, that every
//!   quote in a report is a verbatim byte-span of a de-identified body.
//!   [`build`] runs it on its own output and fails rather than return a
//!   report with a quote it cannot stand behind.
//! * [`eval`] measures segmentation against planted segments (adjusted Rand
//!   index, defining themes found).
//!
//! # Why k-means and not NMF
//!
//! Automatic Persona Generation factorises a user × content matrix with
//! NMF and then assigns each user to the persona with the largest weight.
//! We need exactly that final step — every author in one persona, so that
//! shares add up and every claim's support can be counted in whole authors
//! — and our features are not all non-negative (theme sentiment is signed),
//! which NMF would force us to split into positive and negative halves.
//! Seeded k-means gives hard assignments directly, works on signed
//! features, has a well understood criterion for choosing k (the mean
//! silhouette), and with k-means++ seeding from a fixed ChaCha stream, a
//! fixed iteration order, several restarts and deterministic tie-breaking
//! it is reproducible to the bit. The price is the usual k-means bias
//! towards round clusters of similar spread, which is a fair model of
//! "authors who talk about the same things in the same way".
//!
//! # Weak claims
//!
//! A claim is *weak* when fewer than [`PersonaConfig::min_docs`] documents
//! from fewer than [`PersonaConfig::min_authors`] distinct authors support
//! it. By default weak claims are kept and marked `weak: true` (rendered
//! muted, with a "weak evidence" badge) because on a small corpus dropping
//! them leaves empty personas and hides what little there is; the archetype
//! line and the engagement tactics are built from strong claims only.
//! [`WeakClaims::Drop`] removes them instead. The rule and its thresholds
//! are written into every report's [`Method`].

#![forbid(unsafe_code)]

mod avatar;
mod build;
mod cluster;
pub mod eval;
mod features;
mod model;
mod quote;
pub mod render;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use build::{build, unit_features};
pub use hearken_document::AnalysedDocument;
pub use model::*;
pub use quote::{QuoteProblem, QuoteProblemKind, verify_quotes};

/// Whether a codebook theme is mainly something that keeps people out of
/// trials, something that draws them in, or either depending on how it is
/// spoken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Keeps people out or makes them leave (travel burden, side-effect fears).
    Barrier,
    /// Draws people in (altruism, access to new treatment).
    Motivator,
    /// Either, depending on the sentiment it is spoken with (site staff, trust).
    Mixed,
}

impl Polarity {
    /// The lower-case name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Barrier => "barrier",
            Self::Motivator => "motivator",
            Self::Mixed => "mixed",
        }
    }
}

/// Codebook metadata the host passes in (from the analysis crate's
/// codebook), so that reports can name themes and tactics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeInfo {
    /// Theme id as it appears on documents, e.g. `travel_burden`.
    pub id: String,
    /// Human label, e.g. `Travel and visit burden`.
    pub label: String,
    /// One-line definition.
    pub definition: String,
    /// Mainly a barrier, a motivator, or mixed.
    pub polarity: Polarity,
    /// Engagement tactics a team can use against (or with) this theme.
    #[serde(default)]
    pub tactics: Vec<String>,
}

/// What to do with a claim whose support is below the evidence rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeakClaims {
    /// Keep the claim and mark it `weak: true` (the default).
    #[default]
    Mark,
    /// Leave the claim out of the report.
    Drop,
}

/// How personas are built. Every field has a default, so an empty TOML
/// table or JSON object is a valid config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonaConfig {
    /// Number of personas (`--count K`). `None`: choose k in
    /// `2..=max_count` by the mean silhouette.
    pub count: Option<usize>,
    /// Largest k tried when choosing k. Default 8.
    pub max_count: usize,
    /// Seed of the k-means++ stream. Default `0x4845_4152_4b45_4e21`.
    pub seed: u64,
    /// Number of k-means restarts; the one with the lowest within-cluster
    /// sum of squares wins (earliest on a tie). Default 10.
    pub restarts: usize,
    /// N: a claim needs at least this many supporting documents. Default 3.
    pub min_docs: usize,
    /// M: ... from at least this many distinct authors (a document without
    /// an author counts as its own author). Default 2.
    pub min_authors: usize,
    /// Keep weak claims marked, or drop them. Default `mark`.
    pub weak_claims: WeakClaims,
    /// Representative quotes per persona. Default 4.
    pub quotes_per_persona: usize,
    /// Quotes shown under each claim (all supporting document ids are
    /// always listed). Default 3.
    pub quotes_per_claim: usize,
    /// A theme distinguishes a persona when its share of the persona's
    /// documents is at least this many times its share of all documents.
    /// Default 1.5.
    pub min_lift: f64,
    /// ... and at least this share of the persona's documents carry it;
    /// also the least share for a barrier or motivator. Default 0.15.
    pub min_share: f64,
}

impl Default for PersonaConfig {
    fn default() -> Self {
        Self {
            count: None,
            max_count: 8,
            seed: 0x4845_4152_4b45_4e21,
            restarts: 10,
            min_docs: 3,
            min_authors: 2,
            weak_claims: WeakClaims::Mark,
            quotes_per_persona: 4,
            quotes_per_claim: 3,
            min_lift: 1.5,
            min_share: 0.15,
        }
    }
}

impl PersonaConfig {
    /// Check the values make sense together; says which field is wrong.
    pub fn validate(&self) -> Result<(), PersonaError> {
        let bad = |field: &'static str, reason: &str| {
            Err(PersonaError::InvalidConfig {
                field,
                reason: reason.to_string(),
            })
        };
        if self.count == Some(0) {
            return bad("count", "must be at least 1");
        }
        if self.max_count == 0 {
            return bad("max_count", "must be at least 1");
        }
        if self.restarts == 0 {
            return bad("restarts", "must be at least 1");
        }
        if self.min_docs == 0 {
            return bad("min_docs", "must be at least 1");
        }
        if self.min_authors == 0 {
            return bad("min_authors", "must be at least 1");
        }
        if self.min_authors > self.min_docs {
            return bad(
                "min_authors",
                "cannot exceed min_docs (each author brings at least one document)",
            );
        }
        if self.quotes_per_persona > 50 || self.quotes_per_claim > 50 {
            return bad("quotes_per_persona/quotes_per_claim", "at most 50");
        }
        if !(self.min_lift.is_finite() && self.min_lift >= 1.0) {
            return bad("min_lift", "must be a finite number ≥ 1");
        }
        if !(self.min_share.is_finite() && (0.0..=1.0).contains(&self.min_share)) {
            return bad("min_share", "must be between 0 and 1");
        }
        Ok(())
    }
}

/// What the host knows about the run that the documents do not say.
/// Deliberately has no timestamp: the same input must give byte-identical
/// reports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportContext {
    /// Report title, e.g. `Patient personas — oncology forums`.
    pub title: String,
    /// What the documents were selected by: the filter query, or
    /// `all documents`.
    pub generated_from: String,
    /// The configured sources the documents were drawn from.
    pub sources: Vec<String>,
}

/// Why personas could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersonaError {
    /// There were no documents to build personas from.
    #[error("no documents to build personas from (is the filter too narrow?)")]
    NoDocuments,
    /// A config value is out of range.
    #[error("persona config: `{field}` {reason}")]
    InvalidConfig {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two input documents share an id.
    #[error("document id `{id}` appears more than once in the input")]
    DuplicateDocument {
        /// The repeated id.
        id: String,
    },
    /// A quote in the built report did not verify against its document
    /// (a bug: the report is withheld rather than published).
    #[error("{count} quote(s) failed verbatim verification; first: {first}")]
    QuoteVerification {
        /// How many quotes failed.
        count: usize,
        /// The first problem, by document id and span (never the text).
        first: String,
    },
}

/// Themes by id, for lookups while building.
pub(crate) type ThemeIndex<'a> = BTreeMap<&'a str, &'a ThemeInfo>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_validates_and_round_trips() {
        let cfg = PersonaConfig::default();
        cfg.validate().unwrap();
        let json = serde_json::to_string(&cfg).unwrap();
        let back: PersonaConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cfg);
        let partial: PersonaConfig = serde_json::from_str(r#"{"count": 3}"#).unwrap();
        assert_eq!(partial.count, Some(3));
        assert_eq!(partial.min_docs, 3);
        assert_eq!(partial.min_authors, 2);
    }

    #[test]
    fn config_rejects_unknown_fields_and_bad_values() {
        assert!(serde_json::from_str::<PersonaConfig>(r#"{"cout": 3}"#).is_err());
        let cfg = PersonaConfig {
            min_authors: 4,
            min_docs: 3,
            ..PersonaConfig::default()
        };
        let err = cfg.validate().unwrap_err().to_string();
        assert!(err.contains("min_authors"), "{err}");
        let cfg = PersonaConfig {
            count: Some(0),
            ..PersonaConfig::default()
        };
        assert!(cfg.validate().is_err());
    }
}
