//! Units of segmentation and their feature vectors.
//!
//! The unit is the pseudonymous author: a persona is a kind of *person*,
//! and one prolific poster should count once, not fifty times. A document
//! without an author cannot be joined to anyone, so it stands alone as a
//! unit of its own (key `doc:{id}`).
//!
//! A unit's vector has four blocks, each column a per-document average over
//! the unit's documents so that prolific and occasional authors are on the
//! same scale:
//!
//! | block | column | range | weight |
//! | --- | --- | --- | --- |
//! | `theme_share` | share of the unit's documents carrying theme *t* | 0..1 | 1.0 |
//! | `theme_sentiment` | sum of theme *t*'s sentiment over the unit's documents ÷ its documents | -1..1 | 0.5 |
//! | `stage_share` | share of the unit's documents at journey stage *s* | 0..1 | 0.5 |
//! | `cue_share` | share of the unit's documents stating cue *kind:value* | 0..1 | 0.5 |
//!
//! Theme sentiment is folded in as "share × mean sentiment" rather than as
//! a bare mean, so a theme an author never mentions contributes 0 instead
//! of pretending to be neutral talk about it. Columns are not z-scored:
//! every column is already a proportion on the same scale, and z-scoring
//! would blow rare columns (a cue three authors state) up to the weight of
//! the main themes. Themes lead (weight 1) because they are what a
//! recruitment team acts on; stages, cues and sentiment refine (0.5 each,
//! i.e. a quarter of the squared-distance weight).
//!
//! Finally each row is scaled to unit Euclidean length (a row of zeros, a
//! unit that says nothing the codebook recognises, stays zero), so k-means
//! compares *directions* — what an author talks about, in what mix — and
//! not lengths. The length of a row is mostly how theme-dense the author's
//! documents are: a long forum post names three or four themes, a short
//! public post or a spoken turn one, and the same person writes both.
//! Without the scaling, "writes long posts" competes with "worries about
//! side effects" as a reason to be in a persona; with it, the squared
//! distance between two rows is 2 − 2 × their cosine similarity, the usual
//! measure for comparing text profiles (Dhillon & Modha 2001, spherical
//! k-means). On the five planted corpora of `hearken eval personas` in the
//! README it raised the supervised ceiling on every one and the adjusted
//! Rand index on four (mean 0.712 → 0.773); on the fifth the silhouette
//! then preferred k = 6 by a hair.

use std::collections::{BTreeMap, BTreeSet};

use hearken_document::AnalysedDocument;

use crate::FeatureBlock;

/// Journey stages in journey order; stages not in this list sort after it.
pub(crate) const STAGE_ORDER: [&str; 7] = [
    "awareness",
    "consideration",
    "screening",
    "enrolment",
    "participation",
    "follow-up",
    "withdrawal",
];

const W_THEME: f64 = 1.0;
const W_SENTIMENT: f64 = 0.5;
const W_STAGE: f64 = 0.5;
const W_CUE: f64 = 0.5;

/// One unit: an author, or a document standing alone.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// The author pseudonym, or `doc:{id}`.
    pub key: String,
    /// Whether this unit is an author (not a standalone document).
    pub is_author: bool,
    /// Indexes into the (sorted) document slice.
    pub docs: Vec<usize>,
}

/// The feature matrix, row-major, one row per unit.
#[derive(Debug, Clone)]
pub(crate) struct Features {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
    pub blocks: Vec<FeatureBlock>,
}

impl Features {
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
}

/// Sort key for stage names: journey order, then unknown stages by name.
pub(crate) fn stage_key(stage: &str) -> (usize, String) {
    let pos = STAGE_ORDER
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(STAGE_ORDER.len());
    (pos, stage.to_string())
}

/// Group documents (already sorted by id) into units, in the order of each
/// unit's first document.
///
/// The order of the units decides k-means++'s seeded starting points, hence
/// the personas and even their number. It must not follow the author
/// pseudonyms: their key is random for each data directory
/// (`deid/src/pseudonym.rs`), so the same documents would be segmented
/// differently in every install. Document ids are `{source}:{record id}`,
/// the same wherever the documents were ingested.
pub(crate) fn units(docs: &[&AnalysedDocument]) -> Vec<Unit> {
    let mut by_key: BTreeMap<String, Unit> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        let (key, is_author) = match &d.author {
            Some(a) if !a.is_empty() => (a.clone(), true),
            _ => (format!("doc:{}", d.id), false),
        };
        by_key
            .entry(key.clone())
            .or_insert_with(|| Unit {
                key,
                is_author,
                docs: Vec::new(),
            })
            .docs
            .push(i);
    }
    let mut units: Vec<Unit> = by_key.into_values().collect();
    // Each unit's indexes were pushed in ascending order, and no two units
    // share a document, so the first ones are distinct.
    units.sort_unstable_by_key(|u| u.docs[0]);
    units
}

/// The distinct values a column block is built over.
#[derive(Debug, Clone)]
pub(crate) struct Vocab {
    pub themes: Vec<String>,
    pub stages: Vec<String>,
    pub cues: Vec<(String, String)>,
}

pub(crate) fn vocab(docs: &[&AnalysedDocument], codebook: &[String]) -> Vocab {
    let mut themes: BTreeSet<String> = codebook.iter().cloned().collect();
    let mut stages: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut cues: BTreeSet<(String, String)> = BTreeSet::new();
    for d in docs.iter() {
        themes.extend(d.themes.iter().map(|t| t.id.clone()));
        if let Some(s) = &d.stage {
            stages.insert(stage_key(&s.stage));
        }
        cues.extend(d.cues.iter().map(|c| (c.kind.clone(), c.value.clone())));
    }
    Vocab {
        themes: themes.into_iter().collect(),
        stages: stages.into_iter().map(|(_, s)| s).collect(),
        cues: cues.into_iter().collect(),
    }
}

/// Scale `row` to unit Euclidean length in place; a zero row stays zero.
fn unit_length(row: &mut [f64]) {
    let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        for x in row.iter_mut() {
            *x /= norm;
        }
    }
}

/// Build the weighted feature matrix for `units`, each row scaled to unit
/// length (see the module documentation).
pub(crate) fn features(docs: &[&AnalysedDocument], units: &[Unit], vocab: &Vocab) -> Features {
    let nt = vocab.themes.len();
    let ns = vocab.stages.len();
    let nc = vocab.cues.len();
    let cols = 2 * nt + ns + nc;
    let theme_col: BTreeMap<&str, usize> = vocab
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let stage_col: BTreeMap<&str, usize> = vocab
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let cue_col: BTreeMap<(&str, &str), usize> = vocab
        .cues
        .iter()
        .enumerate()
        .map(|(i, (k, v))| ((k.as_str(), v.as_str()), i))
        .collect();

    let mut data = vec![0.0; units.len() * cols];
    for (u, unit) in units.iter().enumerate() {
        let row = &mut data[u * cols..(u + 1) * cols];
        let n = unit.docs.len() as f64;
        for &di in &unit.docs {
            let d = docs[di];
            // A theme tagged twice on one document counts once.
            let mut seen = BTreeSet::new();
            for t in &d.themes {
                if !seen.insert(t.id.as_str()) {
                    continue;
                }
                if let Some(&c) = theme_col.get(t.id.as_str()) {
                    row[c] += W_THEME / n;
                    if let Some(s) = t.sentiment.filter(|s| s.is_finite()) {
                        row[nt + c] += W_SENTIMENT * s.clamp(-1.0, 1.0) / n;
                    }
                }
            }
            if let Some(s) = &d.stage
                && let Some(&c) = stage_col.get(s.stage.as_str())
            {
                row[2 * nt + c] += W_STAGE / n;
            }
            let mut seen = BTreeSet::new();
            for cue in &d.cues {
                let key = (cue.kind.as_str(), cue.value.as_str());
                if !seen.insert(key) {
                    continue;
                }
                if let Some(&c) = cue_col.get(&key) {
                    row[2 * nt + ns + c] += W_CUE / n;
                }
            }
        }
    }

    for row in data.chunks_mut(cols.max(1)) {
        unit_length(row);
    }

    let blocks = vec![
        FeatureBlock {
            name: "theme_share".into(),
            description: "share of the unit's documents carrying each codebook theme".into(),
            weight: W_THEME,
            columns: nt,
        },
        FeatureBlock {
            name: "theme_sentiment".into(),
            description: "per theme: summed theme sentiment over the unit's documents ÷ its documents (0 when never mentioned)".into(),
            weight: W_SENTIMENT,
            columns: nt,
        },
        FeatureBlock {
            name: "stage_share".into(),
            description: "share of the unit's documents at each journey stage".into(),
            weight: W_STAGE,
            columns: ns,
        },
        FeatureBlock {
            name: "cue_share".into(),
            description: "share of the unit's documents stating each persona cue (role, life stage, age band, channel, accessibility)".into(),
            weight: W_CUE,
            columns: nc,
        },
    ];
    Features {
        rows: units.len(),
        cols,
        data,
        blocks,
    }
}
