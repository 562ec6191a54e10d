//! The report: what [`crate::build`] returns and the renderers draw.
//!
//! These types *are* the JSON schema (documented field by field in
//! `REPORT_SCHEMA.md`; a test fails if a key appears in the JSON that the
//! schema document does not mention). They are plain data: no maps with
//! unstable order, every list sorted by a stated key, every float rounded
//! to four decimals when the report is built, so that serialising the same
//! report twice — or building it twice from the same input — gives the same
//! bytes. Times are calendar dates (`YYYY-MM-DD`, UTC), never wall-clock
//! time of the run.
//!
//! Every claim owns an [`Evidence`]: all supporting document ids (each
//! resolves with `hearken show ID`) and a few sentence-aligned [`Quote`]s
//! whose `start..end` is a byte range of the document's de-identified body.

use serde::{Deserialize, Serialize};

use crate::{Polarity, WeakClaims};

/// Version of the report JSON layout. Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// A persona report: how the personas were made, the population they were
/// made from, and the personas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaReport {
    /// [`SCHEMA_VERSION`] of this layout.
    pub schema_version: u32,
    /// Report title (from the host).
    pub title: String,
    /// How the personas were made.
    pub method: Method,
    /// Whole-population figures that lifts and comparisons are taken against.
    pub population: Population,
    /// The personas, largest first.
    pub personas: Vec<Persona>,
    /// Number of quotes in the report, all verified verbatim against their
    /// documents when the report was built.
    pub quotes_verified: usize,
}

/// How the personas were made: readers trust personas more when they can
/// see how they were built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// What the documents were selected by (filter query or `all documents`).
    pub generated_from: String,
    /// The segmentation algorithm, in one line.
    pub algorithm: String,
    /// Why this algorithm.
    pub rationale: String,
    /// The unit of segmentation.
    pub unit: String,
    /// Seed of the k-means++ stream.
    pub seed: u64,
    /// Number of k-means restarts.
    pub restarts: usize,
    /// The feature blocks, in column order.
    pub features: Vec<FeatureBlock>,
    /// Number of personas made.
    pub k: usize,
    /// How k was chosen, with the criterion value for every k tried.
    pub k_selection: KSelection,
    /// Units segmented: authors plus documents without an author.
    pub units: usize,
    /// Distinct authors.
    pub authors: usize,
    /// Documents without an author (each its own unit).
    pub standalone_documents: usize,
    /// Documents used.
    pub documents: usize,
    /// First and last publication date among the documents, if any had one.
    pub date_range: Option<DateRange>,
    /// Documents per source, by source name.
    pub sources: Vec<SourceCount>,
    /// The sources the host was configured with (may include sources that
    /// contributed no documents to this subset).
    pub configured_sources: Vec<String>,
    /// The evidence rule every claim was held to.
    pub evidence_rule: EvidenceRule,
    /// Caveats a reader should know (thin data, weak cluster structure, …).
    pub notes: Vec<String>,
}

/// One block of feature columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureBlock {
    /// Short name, e.g. `theme_share`.
    pub name: String,
    /// What a column holds.
    pub description: String,
    /// Multiplier applied to every column of the block before clustering.
    pub weight: f64,
    /// Number of columns.
    pub columns: usize,
}

/// How k was chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KSelection {
    /// `fixed` (the user gave `--count`), `silhouette`, or `single` (too
    /// few units to split).
    pub rule: String,
    /// The rule in words.
    pub detail: String,
    /// Every k tried, ascending.
    pub candidates: Vec<KCandidate>,
}

/// The criterion values for one k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KCandidate {
    /// Number of clusters.
    pub k: usize,
    /// Mean silhouette (Euclidean), if computed.
    pub silhouette: Option<f64>,
    /// Within-cluster sum of squares of the best restart.
    pub inertia: f64,
    /// Units in the smallest cluster.
    pub smallest: usize,
    /// Whether this k could be chosen (smallest cluster ≥ `min_authors`).
    pub eligible: bool,
    /// Whether this k was chosen.
    pub chosen: bool,
}

/// A closed range of calendar dates (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    /// Earliest publication date, `YYYY-MM-DD`.
    pub first: String,
    /// Latest publication date, `YYYY-MM-DD`.
    pub last: String,
}

/// Documents from one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceCount {
    /// Source name.
    pub source: String,
    /// Documents from it.
    pub documents: usize,
}

/// The evidence rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRule {
    /// A claim needs at least this many supporting documents ...
    pub min_docs: usize,
    /// ... from at least this many distinct authors.
    pub min_authors: usize,
    /// Whether weak claims were kept and marked, or dropped.
    pub weak_claims: WeakClaims,
    /// Least lift for a distinguishing theme.
    pub min_lift: f64,
    /// Least share of a persona's documents for a distinguishing theme,
    /// barrier or motivator.
    pub min_share: f64,
}

/// Whole-population figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Sentiment over all documents.
    pub sentiment: SentimentSummary,
    /// Every theme seen or in the codebook, by id.
    pub themes: Vec<ThemeStat>,
    /// Journey stages in journey order (unknown stages last, by name).
    pub stages: Vec<StageStat>,
}

/// Counts of documents by sentiment class, and the mean compound score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentimentSummary {
    /// Mean document compound score over scored documents.
    pub mean_compound: Option<f64>,
    /// Documents with compound ≤ -0.05.
    pub negative: usize,
    /// Documents with -0.05 < compound < 0.05.
    pub neutral: usize,
    /// Documents with compound ≥ 0.05.
    pub positive: usize,
    /// Documents not scored (not English).
    pub unscored: usize,
}

/// One theme over the whole population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeStat {
    /// Theme id.
    pub theme: String,
    /// Label (the id when the codebook does not know the theme).
    pub label: String,
    /// Polarity from the codebook (`mixed` when unknown).
    pub polarity: Polarity,
    /// Documents carrying the theme.
    pub documents: usize,
    /// Share of all documents carrying it.
    pub share: f64,
    /// Mean theme sentiment over those documents, if any were scored.
    pub sentiment: Option<f64>,
}

/// Documents at one journey stage, by sentiment class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageStat {
    /// Stage name (`awareness` … `withdrawal`).
    pub stage: String,
    /// Documents at this stage.
    pub documents: usize,
    /// Of those, negative.
    pub negative: usize,
    /// Of those, neutral or unscored.
    pub neutral: usize,
    /// Of those, positive.
    pub positive: usize,
}

/// One persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// `persona-1`, `persona-2`, … in report order (largest first).
    pub id: String,
    /// A fictional first name, illustrative only.
    pub name: String,
    /// An abstract, generated SVG avatar, illustrative only.
    pub avatar_svg: String,
    /// The persona's colour in charts, `#rrggbb`.
    pub color: String,
    /// One line built from the persona's strongest claims.
    pub archetype: String,
    /// Authors (units) in the persona.
    pub authors: usize,
    /// Documents written by them.
    pub documents: usize,
    /// Share of all units.
    pub author_share: f64,
    /// Share of all documents.
    pub document_share: f64,
    /// Who is in it: author pseudonyms, and ids of authorless documents.
    pub members: Members,
    /// Role, life stage and age band cues.
    pub who: Vec<CueClaim>,
    /// Every theme the persona's documents carry, by id: the full profile
    /// the distinguishing themes are picked from.
    pub themes: Vec<ThemeShare>,
    /// Themes over-represented against the whole population, by lift.
    pub distinguishing_themes: Vec<ThemeClaim>,
    /// Barrier themes the persona raises, by share.
    pub barriers: Vec<ThemeClaim>,
    /// Motivator themes the persona raises, by share.
    pub motivators: Vec<ThemeClaim>,
    /// Sentiment of the persona's documents.
    pub sentiment: SentimentSummary,
    /// Theme sentiment in the persona against the population, by share.
    pub theme_sentiment: Vec<ThemeSentiment>,
    /// The persona's documents per journey stage.
    pub stages: Vec<StageStat>,
    /// Stages where negative sentiment concentrates.
    pub struggles: Vec<StageClaim>,
    /// Preferred channels (cues of kind `channel`).
    pub channels: Vec<CueClaim>,
    /// Accessibility needs (cues of kind `accessibility`).
    pub accessibility: Vec<CueClaim>,
    /// Engagement tactics from the codebook for the persona's barriers.
    pub tactics: Vec<Tactic>,
    /// Representative quotes.
    pub quotes: Vec<Quote>,
}

/// Who is in a persona.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Members {
    /// Author pseudonyms, sorted.
    pub authors: Vec<String>,
    /// Ids of documents without an author, sorted.
    pub standalone_documents: Vec<String>,
}

/// The support behind a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Support is below the evidence rule.
    pub weak: bool,
    /// Supporting documents.
    pub documents: usize,
    /// Distinct authors of them (authorless documents count one each).
    pub authors: usize,
    /// Every supporting document id, sorted.
    pub doc_ids: Vec<String>,
    /// A few quotes from the supporting documents, from distinct authors.
    pub quotes: Vec<Quote>,
}

/// A verbatim quote: whole sentences of a de-identified body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// Document id (resolves with `hearken show`).
    pub doc_id: String,
    /// The document's source URL.
    pub url: String,
    /// Source name.
    pub source: String,
    /// Author pseudonym, if any.
    pub author: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Byte offset of the quote in the de-identified body.
    pub start: u32,
    /// Byte offset one past its end.
    pub end: u32,
    /// `body[start..end]`, exactly.
    pub text: String,
    /// The matched evidence inside the quote, as body byte ranges.
    pub marks: Vec<Mark>,
    /// The quote was cut to a window of an over-long sentence.
    pub truncated: bool,
}

/// A highlighted byte range of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// Byte offset in the body.
    pub start: u32,
    /// One past the end.
    pub end: u32,
}

/// A claim about a theme: distinguishing, barrier or motivator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeClaim {
    /// Theme id.
    pub theme: String,
    /// Theme label.
    pub label: String,
    /// Codebook polarity.
    pub polarity: Polarity,
    /// Share of the persona's documents carrying the theme.
    pub share: f64,
    /// Share of all documents carrying it.
    pub population_share: f64,
    /// `share / population_share`.
    pub lift: f64,
    /// Mean theme sentiment in the persona's documents, if scored.
    pub sentiment: Option<f64>,
    /// The documents behind the claim.
    pub evidence: Evidence,
}

/// A claim about a persona cue (role, life stage, channel, accessibility).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueClaim {
    /// Cue kind.
    pub kind: String,
    /// Cue value.
    pub value: String,
    /// Readable value (`text_message` → `text message`).
    pub label: String,
    /// Share of the persona's documents stating the cue.
    pub share: f64,
    /// `share` over the population share.
    pub lift: f64,
    /// The documents behind the claim.
    pub evidence: Evidence,
}

/// How much of a persona's talk is about one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeShare {
    /// Theme id.
    pub theme: String,
    /// The persona's documents carrying it.
    pub documents: usize,
    /// Their share of the persona's documents.
    pub share: f64,
    /// `share` over the population share.
    pub lift: f64,
}

/// Sentiment about one theme in a persona, against the population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSentiment {
    /// Theme id.
    pub theme: String,
    /// Theme label.
    pub label: String,
    /// The persona's documents carrying the theme.
    pub documents: usize,
    /// Mean theme sentiment in the persona.
    pub sentiment: f64,
    /// Mean theme sentiment in the population.
    pub population: Option<f64>,
}

/// A journey stage where a persona struggles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageClaim {
    /// Stage name.
    pub stage: String,
    /// The persona's documents at the stage.
    pub documents: usize,
    /// Share of them that are negative.
    pub negative_share: f64,
    /// The negative documents at the stage.
    pub evidence: Evidence,
}

/// An engagement tactic and the barriers it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tactic {
    /// The tactic, from the codebook.
    pub tactic: String,
    /// Ids of the persona's barriers it answers.
    pub for_barriers: Vec<String>,
    /// Every barrier it answers is a weak claim.
    pub weak: bool,
}

impl PersonaReport {
    /// Every quote in the report with where it sits, in report order.
    pub fn quotes(&self) -> Vec<(String, &Quote)> {
        fn claim<'a>(out: &mut Vec<(String, &'a Quote)>, at: String, ev: &'a Evidence) {
            for q in &ev.quotes {
                out.push((at.clone(), q));
            }
        }
        let mut out = Vec::new();
        for p in &self.personas {
            let id = &p.id;
            for c in &p.who {
                claim(&mut out, format!("{id}/who/{}", c.value), &c.evidence);
            }
            for c in &p.distinguishing_themes {
                claim(
                    &mut out,
                    format!("{id}/distinguishing/{}", c.theme),
                    &c.evidence,
                );
            }
            for c in &p.barriers {
                claim(&mut out, format!("{id}/barrier/{}", c.theme), &c.evidence);
            }
            for c in &p.motivators {
                claim(&mut out, format!("{id}/motivator/{}", c.theme), &c.evidence);
            }
            for c in &p.struggles {
                claim(&mut out, format!("{id}/struggle/{}", c.stage), &c.evidence);
            }
            for c in &p.channels {
                claim(&mut out, format!("{id}/channel/{}", c.value), &c.evidence);
            }
            for c in &p.accessibility {
                claim(
                    &mut out,
                    format!("{id}/accessibility/{}", c.value),
                    &c.evidence,
                );
            }
            for q in &p.quotes {
                out.push((format!("{id}/quote"), q));
            }
        }
        out
    }

    /// Mutable access to every quote (tests use it to tamper).
    pub fn quotes_mut(&mut self) -> Vec<&mut Quote> {
        let mut out = Vec::new();
        for p in &mut self.personas {
            let evs = p
                .who
                .iter_mut()
                .map(|c| &mut c.evidence)
                .chain(p.distinguishing_themes.iter_mut().map(|c| &mut c.evidence))
                .chain(p.barriers.iter_mut().map(|c| &mut c.evidence))
                .chain(p.motivators.iter_mut().map(|c| &mut c.evidence))
                .chain(p.struggles.iter_mut().map(|c| &mut c.evidence))
                .chain(p.channels.iter_mut().map(|c| &mut c.evidence))
                .chain(p.accessibility.iter_mut().map(|c| &mut c.evidence));
            for ev in evs {
                out.extend(ev.quotes.iter_mut());
            }
            out.extend(p.quotes.iter_mut());
        }
        out
    }
}
