//! Measuring de-identification against labelled data.
//!
//! The data format is that of Microsoft's Presidio research set
//! (`presidio_synth_dataset_v2.json`): a JSON array of records, each with `full_text` and `spans`
//! of `entity_type`, `entity_value`, `start_position`, `end_position` — offsets in Unicode code
//! points, end exclusive.
//!
//! **Counting rule.** A labelled span counts as *found* (recall) if any removed span overlaps it by
//! at least one character, whatever kind we gave it. For *precision*, every removed character is
//! counted: it is correct if it lies inside any labelled span, and counts against us otherwise.
//! Span-level recall with overlap is the privacy question (was the identifier destroyed?);
//! character-level precision keeps us honest about how much else we destroyed.
//!
//! **Types we deliberately keep.** Safe Harbor does not ask for everything Presidio labels, and some
//! of it we must keep for the product to be useful. Those labels are reported but not scored:
//! years on their own (`DATE_TIME` that is only a year), ages of 89 and under (`AGE`), states and
//! countries (`GPE` that is one), nationalities, religions and political groups (`NRP`), titles and
//! occupations (`TITLE`), and companies (`ORGANIZATION`: only small clinics and support groups that
//! would single a person out are removed). Characters we remove inside such a label are *not* counted
//! against precision by the rule above, so they are reported separately as over-removal.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::gazetteer::{self, FUNC, KEPT, PROPER};
use crate::{DeidError, Deidentifier, IdentifierKind};

/// The counting rule, as printed with every report.
pub const COUNTING_RULE: &str = "A labelled span counts as found (recall) if any removed span overlaps it. \
For precision every removed character counts: correct inside any labelled span, against us outside all of them. \
Offsets are Unicode code points.";

#[derive(Deserialize)]
struct Record {
    full_text: String,
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    entity_type: String,
    entity_value: String,
    start_position: usize,
    end_position: usize,
}

/// How one labelled entity type is treated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "treatment", rename_all = "snake_case")]
pub enum Treatment {
    /// Scored: we remove it, as this kind.
    Removed {
        /// Our kind.
        kind: IdentifierKind,
    },
    /// Not scored: kept on purpose.
    Kept {
        /// Why.
        reason: &'static str,
    },
}

/// One row of the report: one labelled entity type (or the part of it we score).
#[derive(Clone, Debug, Serialize)]
pub struct TypeRow {
    /// Presidio entity type.
    pub entity_type: String,
    /// How it is treated.
    pub treatment: Treatment,
    /// Labelled spans of this type that are scored.
    pub labelled: u32,
    /// Of those, how many a removed span overlaps.
    pub found: u32,
    /// `found / labelled`.
    pub recall: f64,
    /// Character precision of the removals of the matching kind (None if it removed nothing).
    pub precision: Option<f64>,
    /// Harmonic mean of the two, where both exist.
    pub f1: Option<f64>,
    /// Labels of this type not scored because we keep them (year-only dates, states …).
    pub kept: u32,
    /// Of the kept labels, how many we removed anyway.
    pub kept_removed: u32,
}

/// Removed characters by our kind.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KindRow {
    /// Spans removed as this kind.
    pub spans: u32,
    /// Characters removed.
    pub chars: u64,
    /// Of those, inside some labelled span.
    pub chars_in_labels: u64,
    /// `chars_in_labels / chars`.
    pub precision: f64,
}

/// A labelled identifier we did not remove.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    /// Index of the record in the file.
    pub record: usize,
    /// Presidio entity type.
    pub entity_type: String,
    /// The labelled value (synthetic data).
    pub value: String,
    /// A little text around it.
    pub context: String,
}

/// Text we removed that no label covers.
#[derive(Clone, Debug, Serialize)]
pub struct FalsePositive {
    /// Index of the record in the file.
    pub record: usize,
    /// Our kind.
    pub kind: IdentifierKind,
    /// The removed text (synthetic data).
    pub removed: String,
}

/// The result of an evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct EvalReport {
    /// The counting rule used.
    pub counting_rule: &'static str,
    /// Records read.
    pub records: usize,
    /// One row per labelled entity type, scored types first.
    pub types: Vec<TypeRow>,
    /// Removed characters per kind.
    pub kinds: BTreeMap<IdentifierKind, KindRow>,
    /// Overall recall over the scored labels.
    pub recall: f64,
    /// Overall character precision.
    pub precision: f64,
    /// Overall F1.
    pub f1: f64,
    /// Characters removed inside labels of types we keep (over-removal not counted in precision).
    pub kept_chars_removed: u64,
    /// Every scored label we missed.
    pub misses: Vec<Miss>,
    /// Removed text outside every label.
    pub false_positives: Vec<FalsePositive>,
}

impl EvalReport {
    /// The row of one entity type.
    pub fn row(&self, entity_type: &str) -> Option<&TypeRow> {
        self.types.iter().find(|r| r.entity_type == entity_type)
    }
}

/// The kind an entity type maps to, and whether this label is one we keep.
pub fn treatment(entity_type: &str, value: &str) -> Treatment {
    use IdentifierKind as K;
    let removed = |kind| Treatment::Removed { kind };
    match entity_type {
        "PERSON" => removed(K::Name),
        "STREET_ADDRESS" => removed(K::Address),
        "ZIP_CODE" => removed(K::Zip),
        "PHONE_NUMBER" => removed(K::Phone),
        "EMAIL_ADDRESS" => removed(K::Email),
        "US_SSN" => removed(K::Ssn),
        "CREDIT_CARD" => removed(K::CreditCard),
        "IBAN_CODE" => removed(K::Account),
        "IP_ADDRESS" => removed(K::Ip),
        "DOMAIN_NAME" | "URL" => removed(K::Url),
        "US_DRIVER_LICENSE" => removed(K::Licence),
        "MEDICAL_LICENSE" => removed(K::Licence),
        "US_BANK_NUMBER" => removed(K::Account),
        "US_PASSPORT" => removed(K::Licence),
        "DATE_TIME" => {
            let v = value.trim();
            if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
                Treatment::Kept {
                    reason: "a year on its own: Safe Harbor keeps years",
                }
            } else {
                removed(K::Date)
            }
        }
        "AGE" => match value.trim().parse::<u32>() {
            Ok(age) if age <= 89 => Treatment::Kept {
                reason: "an age of 89 or under: Safe Harbor keeps it",
            },
            _ => removed(K::Age),
        },
        "GPE" | "LOCATION" => {
            let words = crate::tokens::words_of(value);
            let key = words.join(" ");
            let g = gazetteer::get();
            let v = value.trim();
            // "Czech Republic", "Cyprus (Greek)": a kept place, perhaps with a qualifier.
            let kept_place = (g.word(&key) | g.phrase(&key)) & KEPT != 0
                || (words.iter().any(|w| g.word(w) & KEPT != 0)
                    && words
                        .iter()
                        .all(|w| g.word(w) & (KEPT | PROPER | FUNC) != 0));
            if kept_place {
                Treatment::Kept {
                    reason: "a state or country: Safe Harbor keeps it",
                }
            } else if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) {
                Treatment::Kept {
                    reason: "a state or province code: Safe Harbor keeps states",
                }
            } else if v == "nan" {
                Treatment::Kept {
                    reason: "the generator's missing-value marker, not a place",
                }
            } else {
                removed(K::Location)
            }
        }
        "NRP" => Treatment::Kept {
            reason: "nationality, religion or political group: not an identifier",
        },
        "TITLE" => Treatment::Kept {
            reason: "a title or occupation: not an identifier",
        },
        "ORGANIZATION" => Treatment::Kept {
            reason: "a company: not a Safe Harbor identifier (only small clinics and groups are removed)",
        },
        _ => Treatment::Kept {
            reason: "type not mapped to a Hearken kind",
        },
    }
}

/// Runs `deid` over every record of `dataset` and scores it.
pub fn evaluate(deid: &Deidentifier, dataset: &Path) -> Result<EvalReport, DeidError> {
    let bytes = std::fs::read(dataset).map_err(|source| DeidError::EvalIo {
        path: dataset.to_path_buf(),
        source,
    })?;
    let records: Vec<Record> =
        serde_json::from_slice(&bytes).map_err(|e| DeidError::EvalFormat {
            path: dataset.to_path_buf(),
            // serde_json's message can quote the data; give only where.
            reason: format!(
                "not a JSON array of Presidio records ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        })?;
    score(deid, &records, dataset)
}

#[derive(Default)]
struct Tally {
    labelled: u32,
    found: u32,
    kept: u32,
    kept_removed: u32,
    treatment: Option<Treatment>,
}

fn score(deid: &Deidentifier, records: &[Record], path: &Path) -> Result<EvalReport, DeidError> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut kinds: BTreeMap<IdentifierKind, KindRow> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut false_positives = Vec::new();
    let mut kept_chars_removed = 0u64;
    for (ri, rec) in records.iter().enumerate() {
        let chars: Vec<char> = rec.full_text.chars().collect();
        let n = chars.len();
        // byte offset -> code point index
        let mut cp_of = vec![0usize; rec.full_text.len() + 1];
        for (ci, (bi, _)) in rec.full_text.char_indices().enumerate() {
            cp_of[bi] = ci;
        }
        cp_of[rec.full_text.len()] = n;
        let red = deid.redact(&rec.full_text, &[]);
        let removed: Vec<(usize, usize, IdentifierKind)> = red
            .spans
            .iter()
            .map(|s| (cp_of[s.start], cp_of[s.end], s.kind))
            .collect();
        let mut labelled = vec![false; n];
        let mut kept_label = vec![false; n];
        for (si, sp) in rec.spans.iter().enumerate() {
            if sp.start_position > sp.end_position || sp.end_position > n {
                return Err(DeidError::EvalFormat {
                    path: path.to_path_buf(),
                    reason: format!(
                        "record {ri}, span {si}: offsets {}..{} outside a text of {n} characters",
                        sp.start_position, sp.end_position
                    ),
                });
            }
            let (a, b) = (sp.start_position, sp.end_position);
            let treat = treatment(&sp.entity_type, &sp.entity_value);
            let hit = removed.iter().any(|&(s, e, _)| s < b && a < e);
            let t = tallies.entry(sp.entity_type.clone()).or_default();
            for flag in &mut labelled[a..b] {
                *flag = true;
            }
            match &treat {
                Treatment::Removed { .. } => {
                    t.labelled += 1;
                    if hit {
                        t.found += 1;
                    } else {
                        let from = a.saturating_sub(40);
                        let to = (b + 40).min(n);
                        misses.push(Miss {
                            record: ri,
                            entity_type: sp.entity_type.clone(),
                            value: sp.entity_value.clone(),
                            context: chars[from..to].iter().collect(),
                        });
                    }
                    if !matches!(t.treatment, Some(Treatment::Removed { .. })) {
                        t.treatment = Some(treat);
                    }
                }
                Treatment::Kept { .. } => {
                    t.kept += 1;
                    if hit {
                        t.kept_removed += 1;
                    }
                    for flag in &mut kept_label[a..b] {
                        *flag = true;
                    }
                    if t.treatment.is_none() {
                        t.treatment = Some(treat);
                    }
                }
            }
        }
        for &(s, e, kind) in &removed {
            let row = kinds.entry(kind).or_default();
            row.spans += 1;
            row.chars += (e - s) as u64;
            let inside = (s..e).filter(|&c| labelled[c]).count() as u64;
            row.chars_in_labels += inside;
            kept_chars_removed += (s..e).filter(|&c| kept_label[c]).count() as u64;
            if inside < (e - s) as u64 {
                false_positives.push(FalsePositive {
                    record: ri,
                    kind,
                    removed: chars[s..e].iter().collect(),
                });
            }
        }
    }
    for row in kinds.values_mut() {
        row.precision = ratio(row.chars_in_labels, row.chars);
    }
    let mut types: Vec<TypeRow> = tallies
        .into_iter()
        .map(|(entity_type, t)| {
            let treatment = t.treatment.unwrap_or(Treatment::Kept {
                reason: "type not mapped to a Hearken kind",
            });
            let recall = ratio(u64::from(t.found), u64::from(t.labelled));
            let precision = match &treatment {
                Treatment::Removed { kind } => {
                    let mut chars = 0;
                    let mut good = 0;
                    for (k, row) in &kinds {
                        if k == kind
                            || (*kind == IdentifierKind::Phone && *k == IdentifierKind::Fax)
                        {
                            chars += row.chars;
                            good += row.chars_in_labels;
                        }
                    }
                    (chars > 0).then(|| ratio(good, chars))
                }
                Treatment::Kept { .. } => None,
            };
            let f1 = precision
                .filter(|_| t.labelled > 0)
                .map(|p| harmonic(p, recall));
            TypeRow {
                entity_type,
                treatment,
                labelled: t.labelled,
                found: t.found,
                recall,
                precision,
                f1,
                kept: t.kept,
                kept_removed: t.kept_removed,
            }
        })
        .collect();
    types.sort_by_key(|r| {
        (
            r.labelled == 0,
            std::cmp::Reverse(r.labelled),
            r.entity_type.clone(),
        )
    });
    let labelled: u64 = types.iter().map(|r| u64::from(r.labelled)).sum();
    let found: u64 = types.iter().map(|r| u64::from(r.found)).sum();
    let chars: u64 = kinds.values().map(|r| r.chars).sum();
    let good: u64 = kinds.values().map(|r| r.chars_in_labels).sum();
    let recall = ratio(found, labelled);
    let precision = ratio(good, chars);
    Ok(EvalReport {
        counting_rule: COUNTING_RULE,
        records: records.len(),
        types,
        kinds,
        recall,
        precision,
        f1: harmonic(precision, recall),
        kept_chars_removed,
        misses,
        false_positives,
    })
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "De-identification evaluation: {} records", self.records)?;
        writeln!(f, "Counting rule: {}", self.counting_rule)?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<18} {:<14} {:>8} {:>7} {:>8} {:>9} {:>7}  {:>6} {:>8}",
            "entity type",
            "our kind",
            "labelled",
            "found",
            "recall",
            "precision",
            "F1",
            "kept",
            "kept-rm"
        )?;
        writeln!(f, "{}", "-".repeat(98))?;
        for r in &self.types {
            let kind = match &r.treatment {
                Treatment::Removed { kind } => kind.as_str(),
                Treatment::Kept { .. } => "(kept)",
            };
            let (recall, labelled, found) = if r.labelled > 0 {
                (
                    format!("{:.3}", r.recall),
                    r.labelled.to_string(),
                    r.found.to_string(),
                )
            } else {
                ("-".into(), "-".into(), "-".into())
            };
            writeln!(
                f,
                "{:<18} {:<14} {:>8} {:>7} {:>8} {:>9} {:>7}  {:>6} {:>8}",
                r.entity_type,
                kind,
                labelled,
                found,
                recall,
                opt(r.precision),
                opt(r.f1),
                r.kept,
                r.kept_removed
            )?;
        }
        writeln!(f, "{}", "-".repeat(98))?;
        writeln!(
            f,
            "{:<18} {:<14} {:>8} {:>7} {:>8.3} {:>9.3} {:>7.3}",
            "OVERALL",
            "",
            self.types.iter().map(|r| r.labelled).sum::<u32>(),
            self.types.iter().map(|r| r.found).sum::<u32>(),
            self.recall,
            self.precision,
            self.f1
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "Kept on purpose (not scored; 'kept-rm' = removed anyway):"
        )?;
        for r in &self.types {
            if r.kept > 0 {
                let reason = treatment_reason(&r.entity_type, &r.treatment)
                    .unwrap_or("some labels of this type are kept");
                writeln!(f, "  {:<18} {}", r.entity_type, reason)?;
            }
        }
        writeln!(
            f,
            "  characters removed inside kept labels (over-removal, not in precision): {}",
            self.kept_chars_removed
        )?;
        writeln!(f)?;
        writeln!(f, "Removed, by our kind:")?;
        writeln!(
            f,
            "  {:<16} {:>6} {:>8} {:>9}",
            "kind", "spans", "chars", "precision"
        )?;
        for (k, r) in &self.kinds {
            writeln!(
                f,
                "  {:<16} {:>6} {:>8} {:>9.3}",
                k.as_str(),
                r.spans,
                r.chars,
                r.precision
            )?;
        }
        writeln!(f)?;
        writeln!(f, "Misses ({}):", self.misses.len())?;
        for m in &self.misses {
            writeln!(
                f,
                "  #{:<5} {:<15} {:?}  in  {:?}",
                m.record, m.entity_type, m.value, m.context
            )?;
        }
        Ok(())
    }
}

fn treatment_reason(entity_type: &str, t: &Treatment) -> Option<&'static str> {
    match t {
        Treatment::Kept { reason } => Some(reason),
        Treatment::Removed { .. } => match entity_type {
            "DATE_TIME" => {
                Some("a year on its own: Safe Harbor keeps years (other dates are scored)")
            }
            "AGE" => Some("an age of 89 or under: Safe Harbor keeps it (older ages are scored)"),
            "GPE" | "LOCATION" => {
                Some("a state or country: Safe Harbor keeps it (smaller places are scored)")
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn treatments() {
        assert_eq!(
            treatment("DATE_TIME", "1977"),
            Treatment::Kept {
                reason: "a year on its own: Safe Harbor keeps years"
            }
        );
        assert!(matches!(
            treatment("DATE_TIME", "Tuesday"),
            Treatment::Removed { .. }
        ));
        assert!(matches!(treatment("AGE", "34"), Treatment::Kept { .. }));
        assert!(matches!(treatment("AGE", "94"), Treatment::Removed { .. }));
        assert!(matches!(treatment("GPE", "Italy"), Treatment::Kept { .. }));
        assert!(matches!(
            treatment("GPE", "United States"),
            Treatment::Kept { .. }
        ));
        assert!(matches!(
            treatment("GPE", "Espoo"),
            Treatment::Removed { .. }
        ));
    }

    #[test]
    fn scores_a_small_file_by_the_stated_rule() {
        let data = r#"[
          {"full_text": "Call Zbigniew Okonkwo on 201-948-1927 in 1977.",
           "spans": [
             {"entity_type": "PERSON", "entity_value": "Zbigniew Okonkwo", "start_position": 5, "end_position": 21},
             {"entity_type": "PHONE_NUMBER", "entity_value": "201-948-1927", "start_position": 25, "end_position": 37},
             {"entity_type": "DATE_TIME", "entity_value": "1977", "start_position": 41, "end_position": 45}
           ]},
          {"full_text": "Ünïcödé first: mail me at zed@example.com",
           "spans": [
             {"entity_type": "EMAIL_ADDRESS", "entity_value": "zed@example.com", "start_position": 26, "end_position": 41}
           ]}
        ]"#;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.json");
        std::fs::write(&path, data).unwrap();
        let deid = Deidentifier::new(&Policy::default()).unwrap();
        let report = evaluate(&deid, &path).unwrap();
        assert_eq!(report.records, 2);
        let person = report.row("PERSON").unwrap();
        assert_eq!((person.labelled, person.found), (1, 1));
        let email = report.row("EMAIL_ADDRESS").unwrap();
        assert_eq!((email.labelled, email.found), (1, 1), "{report}");
        let date = report.row("DATE_TIME").unwrap();
        assert_eq!((date.labelled, date.kept), (0, 1));
        assert!(report.misses.is_empty(), "{report}");
        assert_eq!(report.recall, 1.0);
        let shown = report.to_string();
        assert!(shown.contains("Counting rule"), "{shown}");
        assert!(shown.contains("OVERALL"), "{shown}");
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["types"].is_array());
    }

    #[test]
    fn format_errors_do_not_quote_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.json");
        std::fs::write(
            &path,
            r#"[{"full_text": "Maria Secretname", "spans": "oops"}]"#,
        )
        .unwrap();
        let deid = Deidentifier::new(&Policy::default()).unwrap();
        let err = evaluate(&deid, &path).unwrap_err().to_string();
        assert!(
            !err.contains("Secretname") && !err.contains("oops"),
            "{err}"
        );
        assert!(err.contains("line 1"), "{err}");
        std::fs::write(
            &path,
            r#"[{"full_text": "Maria", "spans": [{"entity_type": "PERSON", "entity_value": "x", "start_position": 2, "end_position": 9}]}]"#,
        )
        .unwrap();
        let err = evaluate(&deid, &path).unwrap_err().to_string();
        assert!(err.contains("record 0, span 0"), "{err}");
    }
}
