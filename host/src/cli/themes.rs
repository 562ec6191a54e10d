//! `hearken themes`: how often each codebook theme comes up, how it is
//! spoken of, how that changes over time, and what the codebook misses.
//!
//! # What is counted
//!
//! * **Documents per theme**, not matches: a post that says "travel" five
//!   times is one travel document. This is the number `hearken search
//!   --theme T` reports as its total, so the two commands always agree.
//! * **Mean sentiment** is the mean of [`ThemeTag::sentiment`] — the VADER
//!   compound of the sentences that carry the theme, not of the whole post —
//!   over the theme's documents that were scored. A post that is cheerful
//!   overall but bitter about parking counts as bitter about travel.
//! * **Share negative** is the share of those scored documents whose theme
//!   sentiment is negative by VADER's usual threshold (≤ −0.05). Unscored
//!   documents (not English) count towards `documents` but not towards
//!   either figure, and the report says how many were scored.
//! * **Trend** (`--by month|week`): the same figures per calendar month or
//!   ISO week (UTC, labelled `2025-03` / `2025-W10` like search's
//!   histogram), over every period from the first to the last dated
//!   document — empty periods included, so a chart of them has no gaps
//!   that lie. Undated documents are counted in the totals only.
//! * **Emergent keyphrases**: YAKE-style phrases over the documents' bodies
//!   that no codebook term covers
//!   ([`hearken_analysis::keyphrases::emergent`]), with counts and example
//!   ids an analyst can open with `hearken show` before promoting a phrase
//!   into the codebook.
//!
//! # Why in memory
//!
//! Everything is computed from the stored documents in one pass rather than
//! from index aggregations: per-theme sentiment lives on the document (it
//! is not a fast field), and the keyphrase extractor needs the bodies
//! anyway. A filter (`--query`) is run through the index's own search, so
//! it means exactly what it means to `hearken search`.
//!
//! [`summarise`] is the pure function at the heart; `run` only selects the
//! documents and prints.

use std::collections::{BTreeMap, BTreeSet};

use hearken_analysis::codebook::Codebook;
use hearken_analysis::keyphrases::{self, Keyphrase};
use hearken_document::{AnalysedDocument, SentimentLabel};
use hearken_index::{Index, SearchRequest, SortOrder};
use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};

/// `hearken themes` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Add a trend per theme: counts and mean sentiment per month or week.
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// Only documents matching this search query (the `hearken search`
    /// language, e.g. `source:patient-forum` or `"infusion centre"`).
    #[arg(long)]
    pub query: Option<String>,
    /// How many emergent keyphrases to list (0: none).
    #[arg(long, default_value_t = 15)]
    pub emergent: usize,
}

/// Trend interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// Calendar months (UTC), labelled `2025-03`.
    Month,
    /// ISO weeks, Monday to Sunday (UTC), labelled `2025-W10`.
    Week,
}

/// What `hearken themes --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemesReport {
    /// The filter query the documents were selected by, or `all documents`.
    pub generated_from: String,
    /// Documents considered.
    pub documents: usize,
    /// Of those, documents carrying at least one theme.
    pub documents_with_themes: usize,
    /// Documents without a publication time (in totals, not in trends).
    pub undated_documents: usize,
    /// First publication date, `YYYY-MM-DD` (UTC).
    pub first_published: Option<String>,
    /// Last publication date, `YYYY-MM-DD` (UTC).
    pub last_published: Option<String>,
    /// The trend interval, if one was asked for.
    pub by: Option<By>,
    /// Every period from the first to the last dated document, with the
    /// number of documents published in it (empty when `by` is null).
    pub periods: Vec<PeriodTotal>,
    /// One row per theme: every codebook theme, then any theme found on a
    /// document that the codebook does not know; by documents, then id.
    pub themes: Vec<ThemeRow>,
    /// Keyphrases the codebook does not cover, best first.
    pub emergent: Vec<Keyphrase>,
}

/// Documents published in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodTotal {
    /// `2025-03` or `2025-W10`.
    pub period: String,
    /// Documents published in it.
    pub documents: usize,
}

/// One theme's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeRow {
    /// Theme id, e.g. `travel_burden`.
    pub theme: String,
    /// The codebook's label (the id again if the codebook does not know it).
    pub label: String,
    /// `barrier`, `motivator` or `mixed`; null if the codebook does not
    /// know the theme (documents analysed with another codebook).
    pub polarity: Option<&'static str>,
    /// Documents carrying the theme.
    pub documents: usize,
    /// `documents` ÷ all documents considered.
    pub share: f64,
    /// Documents whose theme sentiment was scored.
    pub scored: usize,
    /// Mean theme sentiment over the scored documents.
    pub mean_sentiment: Option<f64>,
    /// Scored documents whose theme sentiment is negative (≤ −0.05).
    pub negative: usize,
    /// `negative` ÷ `scored`.
    pub negative_share: Option<f64>,
    /// Scored documents whose theme sentiment is positive (≥ 0.05).
    pub positive: usize,
    /// Per period, aligned with [`ThemesReport::periods`] (empty without
    /// `--by`).
    pub trend: Vec<PeriodStat>,
}

/// One theme in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodStat {
    /// `2025-03` or `2025-W10`.
    pub period: String,
    /// Documents carrying the theme published in the period.
    pub documents: usize,
    /// Mean theme sentiment over those that were scored.
    pub mean_sentiment: Option<f64>,
    /// Those whose theme sentiment is negative.
    pub negative: usize,
}

/// Round to 4 decimals, as the persona report does: enough for any
/// reader, and stable text across platforms.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Running sums for one theme (overall or in one period).
#[derive(Debug, Default, Clone)]
struct Acc {
    documents: usize,
    scored: usize,
    sum: f64,
    negative: usize,
    positive: usize,
}

impl Acc {
    fn add(&mut self, sentiment: Option<f64>) {
        self.documents += 1;
        if let Some(s) = sentiment.filter(|s| s.is_finite()) {
            self.scored += 1;
            self.sum += s;
            match SentimentLabel::from_compound(s) {
                SentimentLabel::Negative => self.negative += 1,
                SentimentLabel::Positive => self.positive += 1,
                _ => {}
            }
        }
    }
    fn mean(&self) -> Option<f64> {
        (self.scored > 0).then(|| round4(self.sum / self.scored as f64))
    }
}

/// The UTC date of a publication time.
fn date_of(t: i64) -> Option<chrono::NaiveDate> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.date_naive())
}

/// The period label of a date.
fn period_of(by: By, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match by {
        By::Month => format!("{:04}-{:02}", d.year(), d.month()),
        By::Week => {
            let w = d.iso_week();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
    }
}

/// Every period label from the one holding `first` to the one holding
/// `last`, in order.
fn periods_between(by: By, first: chrono::NaiveDate, last: chrono::NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    match by {
        By::Month => {
            let (mut y, mut m) = (first.year(), first.month());
            let end = (last.year(), last.month());
            while (y, m) <= end {
                out.push(format!("{y:04}-{m:02}"));
                if m == 12 {
                    y += 1;
                    m = 1;
                } else {
                    m += 1;
                }
            }
        }
        By::Week => {
            let monday = |d: chrono::NaiveDate| {
                d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()))
            };
            let (mut d, end) = (monday(first), monday(last));
            while d <= end {
                out.push(period_of(By::Week, d));
                d = d + chrono::Days::new(7);
            }
        }
    }
    out
}

/// Theme figures, trends and emergent keyphrases for `docs`.
///
/// Pure: the same documents (in any order), codebook and options give the
/// same report. `generated_from` is carried through for the reader.
pub fn summarise(
    docs: &[AnalysedDocument],
    codebook: &Codebook,
    by: Option<By>,
    emergent: usize,
    generated_from: String,
) -> ThemesReport {
    let mut sorted: Vec<&AnalysedDocument> = docs.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));

    let dates: Vec<Option<chrono::NaiveDate>> = sorted
        .iter()
        .map(|d| d.published.and_then(date_of))
        .collect();
    let first = dates.iter().flatten().min().copied();
    let last = dates.iter().flatten().max().copied();
    let period_labels: Vec<String> = match (by, first, last) {
        (Some(by), Some(f), Some(l)) => periods_between(by, f, l),
        _ => Vec::new(),
    };
    let slot: BTreeMap<&str, usize> = period_labels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i))
        .collect();
    let mut period_docs = vec![0usize; period_labels.len()];

    let mut overall: BTreeMap<String, Acc> = BTreeMap::new();
    let mut trend: BTreeMap<String, Vec<Acc>> = BTreeMap::new();
    for t in codebook.themes() {
        overall.insert(t.id.clone(), Acc::default());
    }
    let mut with_themes = 0;
    for (doc, date) in sorted.iter().zip(&dates) {
        let period = match (by, date) {
            (Some(by), Some(d)) => slot.get(period_of(by, *d).as_str()).copied(),
            _ => None,
        };
        if let Some(p) = period {
            period_docs[p] += 1;
        }
        // One count per document and theme, even if a tag were repeated.
        let mut seen = BTreeSet::new();
        for tag in &doc.themes {
            if !seen.insert(tag.id.as_str()) {
                continue;
            }
            overall
                .entry(tag.id.clone())
                .or_default()
                .add(tag.sentiment);
            if let Some(p) = period {
                trend
                    .entry(tag.id.clone())
                    .or_insert_with(|| vec![Acc::default(); period_labels.len()])[p]
                    .add(tag.sentiment);
            }
        }
        if !seen.is_empty() {
            with_themes += 1;
        }
    }

    let total = sorted.len();
    let mut themes: Vec<ThemeRow> = overall
        .into_iter()
        .map(|(id, acc)| {
            let known = codebook.theme(&id);
            let row_trend = if by.is_some() {
                let accs = trend.get(&id);
                period_labels
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let a = accs.map(|v| v[i].clone()).unwrap_or_default();
                        PeriodStat {
                            period: p.clone(),
                            documents: a.documents,
                            mean_sentiment: a.mean(),
                            negative: a.negative,
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            ThemeRow {
                label: known.map(|t| t.label.clone()).unwrap_or_else(|| id.clone()),
                polarity: known.map(|t| t.polarity.as_str()),
                documents: acc.documents,
                share: if total == 0 {
                    0.0
                } else {
                    round4(acc.documents as f64 / total as f64)
                },
                scored: acc.scored,
                mean_sentiment: acc.mean(),
                negative: acc.negative,
                negative_share: (acc.scored > 0)
                    .then(|| round4(acc.negative as f64 / acc.scored as f64)),
                positive: acc.positive,
                trend: row_trend,
                theme: id,
            }
        })
        .collect();
    themes.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.theme.cmp(&b.theme)));

    let emergent = if emergent == 0 {
        Vec::new()
    } else {
        let bodies: Vec<(&str, &str)> = sorted
            .iter()
            .map(|d| (d.id.as_str(), d.body.as_str()))
            .collect();
        keyphrases::emergent(&bodies, codebook, emergent)
    };

    ThemesReport {
        generated_from,
        documents: total,
        documents_with_themes: with_themes,
        undated_documents: dates.iter().filter(|d| d.is_none()).count(),
        first_published: first.map(|d| d.to_string()),
        last_published: last.map(|d| d.to_string()),
        by,
        periods: period_labels
            .into_iter()
            .zip(period_docs)
            .map(|(period, documents)| PeriodTotal { period, documents })
            .collect(),
        themes,
        emergent: emergent
            .into_iter()
            .map(|mut k| {
                k.score = round4_sig(k.score);
                k
            })
            .collect(),
    }
}

/// YAKE scores are small positive numbers (lower is better) spanning many
/// orders of magnitude: keep 4 significant digits rather than 4 decimals.
fn round4_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// The documents of `index` matching `query` (all of them for `None` or a
/// blank query), sorted by id, and the words a report should use to say
/// how they were selected.
///
/// The query runs through [`Index::search`], page by page, so it means
/// exactly what it means to `hearken search`; a malformed query is a usage
/// error (exit 2).
pub(crate) fn select_documents(
    index: &Index,
    query: Option<&str>,
) -> Result<(Vec<AnalysedDocument>, String), CliError> {
    let docs = index.documents()?;
    let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok((docs, "all documents".to_string()));
    };
    let page = hearken_index::search::MAX_LIMIT;
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut offset = 0;
    loop {
        let request = SearchRequest {
            query: q.to_string(),
            sort: SortOrder::Oldest,
            limit: page,
            offset,
            ..SearchRequest::default()
        };
        let results = match index.search(&request) {
            Ok(r) => r,
            Err(
                e @ (hearken_index::IndexError::QueryParse { .. }
                | hearken_index::IndexError::InvalidRequest(_)),
            ) => return Err(CliError::usage(e)),
            Err(e) => return Err(e.into()),
        };
        let got = results.hits.len();
        ids.extend(results.hits.into_iter().map(|h| h.id));
        offset += got;
        if got < page || offset as u64 >= results.total {
            break;
        }
    }
    let docs = docs.into_iter().filter(|d| ids.contains(&d.id)).collect();
    Ok((docs, format!("query: {q}")))
}

/// Run it.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let codebook =
        crate::app::load_codebook(&config.clone().unwrap_or_default()).map_err(CliError::usage)?;
    let index = super::show::open_existing_index(&data)?;
    let (docs, generated_from) = select_documents(&index, args.query.as_deref())?;
    let report = summarise(&docs, &codebook, args.by, args.emergent, generated_from);
    out.emit(&report, |w| print_text(w, &report))?;
    Ok(Exit::Success)
}

/// Eight levels for sparklines.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

fn print_text(w: &mut dyn std::io::Write, r: &ThemesReport) -> std::io::Result<()> {
    let range = match (&r.first_published, &r.last_published) {
        (Some(f), Some(l)) => format!(", {f} to {l}"),
        _ => String::new(),
    };
    writeln!(
        w,
        "{} documents ({}){range}; {} carry at least one theme",
        r.documents, r.generated_from, r.documents_with_themes
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "{:<34} {:<9} {:>5} {:>6} {:>9} {:>9}",
        "theme", "polarity", "docs", "share", "sentiment", "negative"
    )?;
    for t in r.themes.iter().filter(|t| t.documents > 0) {
        let label = truncate(&t.label, 34);
        let sentiment = t
            .mean_sentiment
            .map(|s| format!("{s:+.2}"))
            .unwrap_or_else(|| "-".into());
        let negative = t
            .negative_share
            .map(|s| format!("{:.0}%", s * 100.0))
            .unwrap_or_else(|| "-".into());
        writeln!(
            w,
            "{label:<34} {:<9} {:>5} {:>5.0}% {sentiment:>9} {negative:>9}",
            t.polarity.unwrap_or("?"),
            t.documents,
            t.share * 100.0
        )?;
    }
    let absent: Vec<&str> = r
        .themes
        .iter()
        .filter(|t| t.documents == 0)
        .map(|t| t.theme.as_str())
        .collect();
    if !absent.is_empty() {
        writeln!(w, "\nnot found: {}", absent.join(", "))?;
    }
    writeln!(
        w,
        "\nsentiment: mean VADER compound of the sentences carrying the theme; negative: share of scored documents ≤ -0.05"
    )?;

    if let (Some(by), Some(first), Some(last)) = (r.by, r.periods.first(), r.periods.last()) {
        let unit = match by {
            By::Month => "month",
            By::Week => "week",
        };
        writeln!(
            w,
            "\nTrend by {unit}, {} to {} (one mark per {unit}; counts scaled per theme, sentiment ▁ = -1 … █ = +1, blank = none)",
            first.period, last.period
        )?;
        let totals: Vec<usize> = r.periods.iter().map(|p| p.documents).collect();
        writeln!(w, "{:<34} {}", "all documents", spark_counts(&totals))?;
        for t in r.themes.iter().filter(|t| t.documents > 0) {
            let counts: Vec<usize> = t.trend.iter().map(|p| p.documents).collect();
            let sentiments: String = t
                .trend
                .iter()
                .map(|p| match p.mean_sentiment {
                    None => ' ',
                    Some(s) => BARS[(((s + 1.0) / 2.0 * 7.0).round() as usize).min(7)],
                })
                .collect();
            writeln!(
                w,
                "{:<34} {}",
                truncate(&t.theme, 34),
                spark_counts(&counts)
            )?;
            writeln!(w, "{:<34} {sentiments}", "  sentiment")?;
        }
        if r.undated_documents > 0 {
            writeln!(
                w,
                "({} undated documents are in the totals above, not in the trend)",
                r.undated_documents
            )?;
        }
    }

    if !r.emergent.is_empty() {
        writeln!(
            w,
            "\nEmergent keyphrases the codebook does not cover (candidates to promote):"
        )?;
        writeln!(w, "{:<30} {:>5} {:>6}  examples", "phrase", "docs", "times")?;
        for k in &r.emergent {
            writeln!(
                w,
                "{:<30} {:>5} {:>6}  {}",
                truncate(&k.phrase, 30),
                k.doc_count,
                k.count,
                k.examples.join(" ")
            )?;
        }
    }
    Ok(())
}

fn spark_counts(counts: &[usize]) -> String {
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&c| {
            if c == 0 || max == 0 {
                '·'
            } else {
                BARS[((c * 7).div_ceil(max)).min(7)]
            }
        })
        .collect()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hearken_document::{Sentiment, Span, ThemeTag};

    use super::*;

    fn doc(id: &str, published: Option<&str>, themes: &[(&str, Option<f64>)]) -> AnalysedDocument {
        AnalysedDocument {
            id: id.into(),
            source: "s".into(),
            plugin: "p".into(),
            plugin_version: "0.1.0".into(),
            kind: "post".into(),
            url: format!("http://127.0.0.1/{id}"),
            thread_id: None,
            parent_id: None,
            author: None,
            speaker_role: None,
            published: published
                .map(|p| chrono::DateTime::parse_from_rfc3339(p).unwrap().timestamp()),
            language: "en".into(),
            title: None,
            body: "The infusion chair was cold again. The infusion chair needs blankets.".into(),
            sentiment: Sentiment::UNSCORED,
            sentences: vec![],
            themes: themes
                .iter()
                .map(|(t, s)| ThemeTag {
                    id: t.to_string(),
                    sentiment: *s,
                    evidence: vec![Span {
                        term: "x".into(),
                        start: 0,
                        end: 1,
                    }],
                })
                .collect(),
            stage: None,
            cues: vec![],
            redactions: BTreeMap::new(),
            run_id: "r".into(),
            extra: BTreeMap::new(),
        }
    }

    fn row<'a>(r: &'a ThemesReport, id: &str) -> &'a ThemeRow {
        r.themes.iter().find(|t| t.theme == id).unwrap()
    }

    #[test]
    fn counts_documents_means_theme_sentiment_and_shares_negative() {
        let cb = Codebook::default_trial();
        let docs = vec![
            doc(
                "a",
                Some("2025-01-10T10:00:00Z"),
                &[
                    ("travel_burden", Some(-0.5)),
                    ("cost_compensation", Some(0.4)),
                ],
            ),
            doc(
                "b",
                Some("2025-03-02T10:00:00Z"),
                &[("travel_burden", Some(-0.1))],
            ),
            doc("c", None, &[("travel_burden", Some(0.3))]),
            doc(
                "d",
                Some("2025-03-31T23:59:59Z"),
                &[("travel_burden", None)],
            ),
            doc("e", Some("2025-02-01T00:00:00Z"), &[]),
        ];
        let r = summarise(&docs, &cb, Some(By::Month), 0, "all documents".into());
        assert_eq!(r.documents, 5);
        assert_eq!(r.documents_with_themes, 4);
        assert_eq!(r.undated_documents, 1);
        let travel = row(&r, "travel_burden");
        assert_eq!(travel.documents, 4);
        assert_eq!(travel.polarity, Some("barrier"));
        assert_eq!(travel.scored, 3);
        // (-0.5 - 0.1 + 0.3) / 3 = -0.1
        assert_eq!(travel.mean_sentiment, Some(-0.1));
        assert_eq!(travel.negative, 2);
        assert_eq!(travel.positive, 1);
        assert_eq!(travel.negative_share, Some(0.6667));
        assert_eq!(travel.share, 0.8);
        assert_eq!(r.themes[0].theme, "travel_burden", "most documents first");
        // Every codebook theme has a row, present or not.
        assert_eq!(r.themes.len(), cb.themes().len());
        assert_eq!(row(&r, "placebo_randomisation").documents, 0);
        assert_eq!(row(&r, "placebo_randomisation").mean_sentiment, None);

        // Months from first to last, the empty one included.
        let periods: Vec<(&str, usize)> = r
            .periods
            .iter()
            .map(|p| (p.period.as_str(), p.documents))
            .collect();
        assert_eq!(
            periods,
            vec![("2025-01", 1), ("2025-02", 1), ("2025-03", 2)]
        );
        let t: Vec<(usize, Option<f64>, usize)> = travel
            .trend
            .iter()
            .map(|p| (p.documents, p.mean_sentiment, p.negative))
            .collect();
        assert_eq!(
            t,
            vec![(1, Some(-0.5), 1), (0, None, 0), (2, Some(-0.1), 1)]
        );
        // The undated document is in the total, not in the trend.
        let in_trend: usize = travel.trend.iter().map(|p| p.documents).sum();
        assert_eq!(in_trend + 1, travel.documents);
    }

    #[test]
    fn input_order_does_not_matter_and_unknown_themes_are_kept() {
        let cb = Codebook::default_trial();
        let mut docs = vec![
            doc(
                "a",
                Some("2025-01-10T10:00:00Z"),
                &[("made_up_theme", Some(0.2))],
            ),
            doc(
                "b",
                Some("2025-01-11T10:00:00Z"),
                &[("travel_burden", Some(-0.2))],
            ),
        ];
        let one = summarise(&docs, &cb, Some(By::Week), 5, "all documents".into());
        docs.reverse();
        let two = summarise(&docs, &cb, Some(By::Week), 5, "all documents".into());
        assert_eq!(one, two);
        let unknown = row(&one, "made_up_theme");
        assert_eq!(unknown.polarity, None);
        assert_eq!(unknown.label, "made_up_theme");
        // 2025-01-10 is a Friday (week 2), 2025-01-11 the Saturday after.
        let weeks: Vec<&str> = one.periods.iter().map(|p| p.period.as_str()).collect();
        assert_eq!(weeks, vec!["2025-W02"]);
    }

    #[test]
    fn week_periods_cross_the_iso_year_boundary() {
        let first = chrono::NaiveDate::from_ymd_opt(2024, 12, 25).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(2025, 1, 8).unwrap();
        // 2024-12-30 (a Monday) starts ISO week 2025-W01.
        assert_eq!(
            periods_between(By::Week, first, last),
            vec!["2024-W52", "2025-W01", "2025-W02"]
        );
        assert_eq!(
            periods_between(By::Month, first, last),
            vec!["2024-12", "2025-01"]
        );
    }

    #[test]
    fn emergent_phrases_come_from_bodies_with_example_ids() {
        let cb = Codebook::default_trial();
        let docs = vec![
            doc("a", None, &[]),
            doc("b", None, &[]),
            doc("c", None, &[]),
        ];
        let r = summarise(&docs, &cb, None, 5, "all documents".into());
        assert!(r.periods.is_empty());
        assert!(r.themes.iter().all(|t| t.trend.is_empty()));
        let chair = r
            .emergent
            .iter()
            .find(|k| k.phrase.contains("infusion chair"))
            .unwrap_or_else(|| panic!("{:?}", r.emergent));
        assert_eq!(chair.doc_count, 3);
        assert!(
            chair
                .examples
                .iter()
                .all(|e| ["a", "b", "c"].contains(&e.as_str()))
        );
    }
}
