//! Theme trends for `GET /api/themes`: documents and mean sentiment per
//! theme, over everything and per calendar month.
//!
//! The mean is of the *document* compound score (VADER, −1…1) over the
//! theme's scored documents: what readers of a theme's posts felt overall.
//! Unscored documents (other languages, empty bodies) count as documents
//! but not in the mean, so a mean is `null` when none was scored. Months
//! are UTC calendar months labelled `2025-03`, like the search histogram;
//! undated documents count in the totals only. Themes of the codebook that
//! no document carries are listed with zero documents, so a client can
//! show them; themes on documents that the codebook no longer has are
//! listed too, without a label.

use std::collections::BTreeMap;

use hearken_document::{AnalysedDocument, SentimentLabel};
use hearken_persona::ThemeInfo;
use serde::{Deserialize, Serialize};

/// Trends over a set of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeTrends {
    /// Documents looked at.
    pub documents: u64,
    /// One entry per theme, most documents first (then by id).
    pub themes: Vec<ThemeStats>,
}

/// One theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeStats {
    /// Theme id, e.g. `travel_burden`.
    pub id: String,
    /// The codebook's label; `None` for a theme the codebook lacks.
    pub label: Option<String>,
    /// `barrier`, `motivator` or `mixed`; `None` as for the label.
    pub polarity: Option<String>,
    /// Documents carrying the theme.
    pub documents: u64,
    /// Mean document compound score over those that were scored.
    pub mean_sentiment: Option<f64>,
    /// Per month, oldest first; only months with documents.
    pub months: Vec<MonthStats>,
}

/// One theme in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthStats {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Documents carrying the theme published that month.
    pub documents: u64,
    /// Mean document compound score over those that were scored.
    pub mean_sentiment: Option<f64>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Acc {
    documents: u64,
    scored: u64,
    sum: f64,
}

impl Acc {
    fn add(&mut self, doc: &AnalysedDocument) {
        self.documents += 1;
        if doc.sentiment.label != SentimentLabel::Unscored && doc.sentiment.compound.is_finite() {
            self.scored += 1;
            self.sum += doc.sentiment.compound;
        }
    }

    fn mean(&self) -> Option<f64> {
        // Rounded so that the JSON is stable and readable.
        (self.scored > 0).then(|| (self.sum / self.scored as f64 * 1e4).round() / 1e4)
    }
}

/// Accumulates [`ThemeTrends`] one document at a time, so the index can be
/// walked without holding every document in memory.
#[derive(Debug)]
pub(super) struct TrendsBuilder {
    info: BTreeMap<String, (String, String)>,
    documents: u64,
    total: BTreeMap<String, Acc>,
    monthly: BTreeMap<String, BTreeMap<String, Acc>>,
}

impl TrendsBuilder {
    pub(super) fn new(themes: &[ThemeInfo]) -> TrendsBuilder {
        let info = themes
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    (t.label.clone(), t.polarity.as_str().to_string()),
                )
            })
            .collect();
        let total = themes
            .iter()
            .map(|t| (t.id.clone(), Acc::default()))
            .collect();
        TrendsBuilder {
            info,
            documents: 0,
            total,
            monthly: BTreeMap::new(),
        }
    }

    pub(super) fn add(&mut self, doc: &AnalysedDocument) {
        self.documents += 1;
        let month = doc.published.and_then(month_label);
        // A theme tagged twice on one document counts once.
        let mut ids: Vec<&str> = doc.themes.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.total.entry(id.to_string()).or_default().add(doc);
            if let Some(m) = &month {
                self.monthly
                    .entry(id.to_string())
                    .or_default()
                    .entry(m.clone())
                    .or_default()
                    .add(doc);
            }
        }
    }

    pub(super) fn finish(mut self) -> ThemeTrends {
        let mut themes: Vec<ThemeStats> = self
            .total
            .iter()
            .map(|(id, acc)| {
                let info = self.info.get(id);
                ThemeStats {
                    id: id.clone(),
                    label: info.map(|i| i.0.clone()),
                    polarity: info.map(|i| i.1.clone()),
                    documents: acc.documents,
                    mean_sentiment: acc.mean(),
                    months: self
                        .monthly
                        .remove(id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(month, a)| MonthStats {
                            month,
                            documents: a.documents,
                            mean_sentiment: a.mean(),
                        })
                        .collect(),
                }
            })
            .collect();
        themes.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.id.cmp(&b.id)));
        ThemeTrends {
            documents: self.documents,
            themes,
        }
    }
}

/// Theme trends over `docs` (a pure function; the server feeds it the
/// index one document at a time).
pub fn theme_trends<'a>(
    docs: impl IntoIterator<Item = &'a AnalysedDocument>,
    themes: &[ThemeInfo],
) -> ThemeTrends {
    let mut b = TrendsBuilder::new(themes);
    for d in docs {
        b.add(d);
    }
    b.finish()
}

/// `2025-03` for a UTC timestamp.
fn month_label(ts: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(ts, 0).map(|t| t.format("%Y-%m").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_document::{Sentiment, ThemeTag};
    use hearken_persona::Polarity;

    fn doc(
        id: &str,
        published: Option<i64>,
        compound: Option<f64>,
        themes: &[&str],
    ) -> AnalysedDocument {
        let mut d = crate::serve::tests::doc(id);
        d.published = published;
        d.sentiment = match compound {
            Some(c) => Sentiment {
                compound: c,
                label: SentimentLabel::from_compound(c),
                ..Sentiment::UNSCORED
            },
            None => Sentiment::UNSCORED,
        };
        d.themes = themes
            .iter()
            .map(|t| ThemeTag {
                id: (*t).into(),
                sentiment: None,
                evidence: vec![],
            })
            .collect();
        d
    }

    #[test]
    fn counts_means_and_months_by_hand() {
        let info = vec![
            ThemeInfo {
                id: "travel_burden".into(),
                label: "Travel and visit burden".into(),
                definition: String::new(),
                polarity: Polarity::Barrier,
                tactics: vec![],
            },
            ThemeInfo {
                id: "unused".into(),
                label: "Unused".into(),
                definition: String::new(),
                polarity: Polarity::Motivator,
                tactics: vec![],
            },
        ];
        const JAN: i64 = 1_736_000_000; // 2025-01-04
        const FEB: i64 = 1_739_000_000; // 2025-02-08
        let docs = [
            doc(
                "a",
                Some(JAN),
                Some(-0.5),
                &["travel_burden", "travel_burden"],
            ),
            doc("b", Some(JAN), Some(0.25), &["travel_burden", "orphan"]),
            doc("c", Some(FEB), None, &["travel_burden"]),
            doc("d", None, Some(1.0), &["travel_burden"]),
            doc("e", Some(FEB), Some(0.9), &[]),
        ];
        let t = theme_trends(&docs, &info);
        assert_eq!(t.documents, 5);
        let ids: Vec<&str> = t.themes.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["travel_burden", "orphan", "unused"]);

        let travel = &t.themes[0];
        assert_eq!(travel.label.as_deref(), Some("Travel and visit burden"));
        assert_eq!(travel.polarity.as_deref(), Some("barrier"));
        // a, b, c, d; c is unscored: (-0.5 + 0.25 + 1.0) / 3 = 0.25.
        assert_eq!(travel.documents, 4);
        assert_eq!(travel.mean_sentiment, Some(0.25));
        assert_eq!(
            travel.months,
            [
                MonthStats {
                    month: "2025-01".into(),
                    documents: 2,
                    mean_sentiment: Some(-0.125)
                },
                MonthStats {
                    month: "2025-02".into(),
                    documents: 1,
                    mean_sentiment: None
                },
            ]
        );
        let orphan = &t.themes[1];
        assert_eq!((orphan.documents, orphan.label.clone()), (1, None));
        let unused = &t.themes[2];
        assert_eq!((unused.documents, unused.mean_sentiment), (0, None));
        assert!(unused.months.is_empty());
    }
}
