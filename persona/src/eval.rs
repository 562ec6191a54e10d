//! Evaluation against planted segments.
//!
//! A generated corpus plants authors in known segments, each defined by a
//! few themes. Two questions: did segmentation recover the planted
//! partition (the adjusted Rand index, Hubert & Arabie 1985: 1 for the same
//! partition up to relabelling, about 0 for chance agreement, negative for
//! worse than chance), and does each planted segment's best-matching
//! persona name that segment's defining themes among its (strong)
//! distinguishing themes?
//!
//! Only authors appear in both partitions; documents without an author are
//! units of their own in the report but have no planted segment.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::PersonaReport;

fn choose2(n: u64) -> f64 {
    (n as f64) * (n as f64 - 1.0) / 2.0
}

/// Adjusted Rand index between two labellings of the same items
/// (`truth[i]` and `found[i]` label item `i`; label values are arbitrary).
///
/// Returns 1.0 when both partitions are trivially identical (e.g. both put
/// everything in one cluster, or both make every item a singleton), where
/// the usual formula is 0/0. Returns NaN when the slices differ in length.
pub fn adjusted_rand_index(truth: &[usize], found: &[usize]) -> f64 {
    if truth.len() != found.len() {
        return f64::NAN;
    }
    let n = truth.len() as u64;
    if n < 2 {
        return 1.0;
    }
    let mut table: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut rows: BTreeMap<usize, u64> = BTreeMap::new();
    let mut cols: BTreeMap<usize, u64> = BTreeMap::new();
    for (&t, &f) in truth.iter().zip(found) {
        *table.entry((t, f)).or_default() += 1;
        *rows.entry(t).or_default() += 1;
        *cols.entry(f).or_default() += 1;
    }
    let index: f64 = table.values().map(|&v| choose2(v)).sum();
    let sum_rows: f64 = rows.values().map(|&v| choose2(v)).sum();
    let sum_cols: f64 = cols.values().map(|&v| choose2(v)).sum();
    let expected = sum_rows * sum_cols / choose2(n);
    let max = (sum_rows + sum_cols) / 2.0;
    let denom = max - expected;
    if denom == 0.0 {
        // Both partitions trivial (all-in-one or all singletons): they
        // agree perfectly exactly when they are the same trivial partition.
        return if sum_rows == sum_cols { 1.0 } else { 0.0 };
    }
    (index - expected) / denom
}

/// How one planted segment was recovered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentMatch {
    /// The planted segment.
    pub segment: String,
    /// Its authors present in the report.
    pub authors: usize,
    /// The persona holding most of them (`persona-N`), if any.
    pub persona: Option<String>,
    /// That persona's illustrative name.
    pub persona_name: Option<String>,
    /// Segment authors in that persona.
    pub overlap: usize,
    /// The segment's defining themes.
    pub defining_themes: Vec<String>,
    /// Defining themes the persona names as strong distinguishing themes.
    pub found: Vec<String>,
    /// Defining themes it does not.
    pub missing: Vec<String>,
}

/// Segmentation figures against planted segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonaEval {
    /// Adjusted Rand index over authors in both the truth and the report.
    pub ari: f64,
    /// Authors compared.
    pub authors_compared: usize,
    /// Authors in the truth but in no persona.
    pub authors_missing: usize,
    /// Planted segments, by name.
    pub segments: Vec<SegmentMatch>,
    /// Planted segments whose defining themes were all found.
    pub segments_with_all_themes: usize,
}

/// Compare a report with planted segments. `truth` maps author pseudonym
/// to planted segment; `defining` maps a segment to its defining theme ids.
pub fn evaluate(
    report: &PersonaReport,
    truth: &BTreeMap<String, String>,
    defining: &BTreeMap<String, Vec<String>>,
) -> PersonaEval {
    let mut persona_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in report.personas.iter().enumerate() {
        for a in &p.members.authors {
            persona_of.insert(a.as_str(), i);
        }
    }
    let seg_ids: BTreeMap<&str, usize> = truth
        .values()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let (mut t, mut f) = (Vec::new(), Vec::new());
    let mut missing = 0;
    // overlap[segment][persona]
    let mut overlap: BTreeMap<&str, BTreeMap<usize, usize>> = BTreeMap::new();
    let mut seg_authors: BTreeMap<&str, usize> = BTreeMap::new();
    for (author, seg) in truth {
        match persona_of.get(author.as_str()) {
            Some(&p) => {
                t.push(seg_ids[seg.as_str()]);
                f.push(p);
                *overlap.entry(seg).or_default().entry(p).or_default() += 1;
                *seg_authors.entry(seg).or_default() += 1;
            }
            None => missing += 1,
        }
    }
    let ari = adjusted_rand_index(&t, &f);

    let mut segments = Vec::new();
    let all_segments: BTreeSet<&str> = seg_ids
        .keys()
        .copied()
        .chain(defining.keys().map(|s| s.as_str()))
        .collect();
    for seg in all_segments {
        let best = overlap.get(seg).and_then(|m| {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&p, &n)| (p, n))
        });
        let want = defining.get(seg).cloned().unwrap_or_default();
        let (found, miss): (Vec<String>, Vec<String>) = match best {
            Some((p, _)) => {
                let have: BTreeSet<&str> = report.personas[p]
                    .distinguishing_themes
                    .iter()
                    .filter(|c| !c.evidence.weak)
                    .map(|c| c.theme.as_str())
                    .collect();
                want.iter()
                    .cloned()
                    .partition(|t| have.contains(t.as_str()))
            }
            None => (Vec::new(), want.clone()),
        };
        segments.push(SegmentMatch {
            segment: seg.to_string(),
            authors: seg_authors.get(seg).copied().unwrap_or(0),
            persona: best.map(|(p, _)| report.personas[p].id.clone()),
            persona_name: best.map(|(p, _)| report.personas[p].name.clone()),
            overlap: best.map(|(_, n)| n).unwrap_or(0),
            defining_themes: want,
            found,
            missing: miss,
        });
    }
    let segments_with_all_themes = segments
        .iter()
        .filter(|s| s.missing.is_empty() && s.persona.is_some())
        .count();
    PersonaEval {
        ari,
        authors_compared: t.len(),
        authors_missing: missing,
        segments,
        segments_with_all_themes,
    }
}

impl std::fmt::Display for PersonaEval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "adjusted Rand index {:.4} over {} authors ({} not in any persona)",
            self.ari, self.authors_compared, self.authors_missing
        )?;
        writeln!(
            f,
            "defining themes all found for {} of {} planted segments",
            self.segments_with_all_themes,
            self.segments.len()
        )?;
        for s in &self.segments {
            writeln!(
                f,
                "  {:<20} {:>4} authors → {} ({} of them); themes found [{}] missing [{}]",
                s.segment,
                s.authors,
                s.persona.as_deref().unwrap_or("-"),
                s.overlap,
                s.found.join(", "),
                s.missing.join(", ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_labels() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[0, 0, 1, 1, 2]), 1.0);
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[5, 5, 3, 3, 9]), 1.0);
    }

    #[test]
    fn hand_computed_contingency_tables() {
        // truth {a,b}{c,d}; found {a,b}{c}{d}.
        // Σ C(n_ij,2) = 1; rows: 1+1 = 2; cols: 1; C(4,2) = 6;
        // expected = 2·1/6 = 1/3; max = 3/2; ARI = (2/3)/(7/6) = 4/7.
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((ari - 4.0 / 7.0).abs() < 1e-12, "{ari}");
        // truth {a,b}{c,d}; found {a,c}{b,d}: index 0, expected 2/3, max 2
        // → (0 - 2/3)/(2 - 2/3) = -1/2.
        let ari = adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]);
        assert!((ari + 0.5).abs() < 1e-12, "{ari}");
        // 6 items: truth {1,2,3}{4,5,6}; found {1,2}{3,4}{5,6}.
        // n_ij: (0,0)=2 (0,1)=1 (1,1)=1 (1,2)=2 → index 1+0+0+1 = 2;
        // rows 3+3 = 6; cols 1+1+1 = 3; C(6,2) = 15; expected 18/15 = 1.2;
        // max 4.5 → (2-1.2)/(4.5-1.2) = 0.8/3.3.
        let ari = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        assert!((ari - 0.8 / 3.3).abs() < 1e-12, "{ari}");
    }

    #[test]
    fn degenerate_partitions() {
        assert_eq!(adjusted_rand_index(&[0, 0, 0], &[1, 1, 1]), 1.0);
        assert_eq!(adjusted_rand_index(&[0, 1, 2], &[2, 1, 0]), 1.0);
        // All-in-one against all-singletons: no agreement beyond chance.
        assert_eq!(adjusted_rand_index(&[0, 0, 0], &[0, 1, 2]), 0.0);
        assert!(adjusted_rand_index(&[0, 1], &[0]).is_nan());
    }
}
