//! `hearken eval sentiment DIR`: our VADER against the reference
//! implementation and against human ratings.
//!
//! `DIR` is the VADER authors' evaluation data (Hutto & Gilbert, ICWSM 2014):
//! four `*_GroundTruth.txt` files of `id<TAB>mean rating<TAB>sentence`
//! (CRLF line ends) and `reference_3.3.2/*.tsv` with the scores the Python
//! reference vaderSentiment 3.3.2 gives each sentence. Two questions:
//!
//! 1. **Parity.** Is every one of the four scores of every sentence exactly
//!    the reference's? Each sentence is fed to VADER *whole*, as the
//!    reference was, not through our sentence splitter. Equality is `f64`
//!    equality: both sides are rounded by the same rule to 3 and 4 decimals,
//!    and the reference's printed decimals parse to the same `f64`.
//! 2. **Accuracy against people.** Pearson r between the compound and the
//!    mean human rating, and the macro-averaged F1 over three classes.
//!    VADER's class is the compound at ±0.05 (≥ 0.05 positive, ≤ -0.05
//!    negative). The gold class is the sign of the mean rating; **a mean of
//!    exactly zero is neutral**. Ratings are means of ten raters on -4..4, so
//!    zero is rare (4 tweets, 37 movie, 98 Amazon, 244 NYT sentences), but
//!    it is the only way the gold data has a neutral class at all, and
//!    folding those into either sign would credit or punish VADER's neutral
//!    calls arbitrarily. The same figures are computed from the reference's
//!    own scores beside ours, and the published reference r is shown too.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::SentimentScorer;
use crate::AnalysisError;

/// One corpus of the evaluation set.
#[derive(Debug, Clone, Copy)]
pub struct Corpus {
    /// Short name (`tweets`, `movie`, `amazon`, `nyt`).
    pub name: &'static str,
    /// File stem: `{stem}_GroundTruth.txt` and `reference_3.3.2/{stem}.tsv`.
    pub stem: &'static str,
    /// Pearson r of the reference 3.3.2 against the human ratings, as
    /// published with the data.
    pub published_r: f64,
    /// Number of sentences the corpus has.
    pub expected_sentences: usize,
}

/// The four corpora, in the order they are reported.
pub const CORPORA: [Corpus; 4] = [
    Corpus {
        name: "tweets",
        stem: "tweets",
        published_r: 0.872,
        expected_sentences: 4200,
    },
    Corpus {
        name: "movie",
        stem: "movieReviewSnippets",
        published_r: 0.427,
        expected_sentences: 10605,
    },
    Corpus {
        name: "amazon",
        stem: "amazonReviewSnippets",
        published_r: 0.590,
        expected_sentences: 3708,
    },
    Corpus {
        name: "nyt",
        stem: "nytEditorialSnippets",
        published_r: 0.503,
        expected_sentences: 5190,
    },
];

/// Total sentences across the four corpora: the parity target.
pub const EXPECTED_SENTENCES: usize = 23_703;

/// How many mismatching sentence ids are kept per corpus for the report.
const MAX_MISMATCH_IDS: usize = 20;

/// The outcome of the evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct SentimentEval {
    /// One entry per corpus, in [`CORPORA`] order.
    pub corpora: Vec<CorpusEval>,
    /// Sentences scored.
    pub sentences: usize,
    /// Sentences whose four scores equal the reference's exactly.
    pub exact: usize,
}

/// The outcome for one corpus.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusEval {
    /// Short name.
    pub name: String,
    /// Sentences scored.
    pub sentences: usize,
    /// Sentences whose four scores equal the reference's exactly.
    pub exact: usize,
    /// Ids of the first sentences that differ (or have no reference row).
    pub mismatched_ids: Vec<String>,
    /// Pearson r, our compound against the mean human rating.
    pub pearson_r: f64,
    /// Macro F1 over negative/neutral/positive, ours against gold.
    pub f1_macro: f64,
    /// F1 per class, `[negative, neutral, positive]`.
    pub f1_per_class: [f64; 3],
    /// Pearson r of the reference's compounds (from the `.tsv`).
    pub reference_pearson_r: f64,
    /// Macro F1 of the reference's compounds.
    pub reference_f1_macro: f64,
    /// Pearson r published for the reference.
    pub published_r: f64,
    /// Gold class counts, `[negative, neutral, positive]`.
    pub gold_counts: [usize; 3],
}

/// Run the evaluation over `dir` (the `vader` folder of the shared data).
pub fn evaluate(dir: &Path) -> Result<SentimentEval, AnalysisError> {
    let scorer = SentimentScorer::new();
    let mut corpora = Vec::with_capacity(CORPORA.len());
    for corpus in CORPORA {
        corpora.push(evaluate_corpus(&scorer, dir, corpus)?);
    }
    Ok(SentimentEval {
        sentences: corpora.iter().map(|c| c.sentences).sum(),
        exact: corpora.iter().map(|c| c.exact).sum(),
        corpora,
    })
}

fn read(path: &Path) -> Result<String, AnalysisError> {
    std::fs::read_to_string(path).map_err(|source| AnalysisError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn data_error(path: &Path, line: usize, message: impl Into<String>) -> AnalysisError {
    AnalysisError::Data {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

fn parse_f64(path: &Path, line: usize, field: &str, s: &str) -> Result<f64, AnalysisError> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| data_error(path, line, format!("field `{field}` is not a number")))
}

/// `id -> [neg, neu, pos, compound]` from a reference `.tsv`.
fn read_reference(path: &Path) -> Result<HashMap<String, [f64; 4]>, AnalysisError> {
    let src = read(path)?;
    let mut out = HashMap::new();
    for (n, line) in src.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if n == 0 || line.is_empty() {
            continue; // header: id gold_mean neg neu pos compound
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 6 {
            return Err(data_error(
                path,
                line_no,
                format!("expected 6 tab-separated fields, found {}", f.len()),
            ));
        }
        let scores = [
            parse_f64(path, line_no, "neg", f[2])?,
            parse_f64(path, line_no, "neu", f[3])?,
            parse_f64(path, line_no, "pos", f[4])?,
            parse_f64(path, line_no, "compound", f[5])?,
        ];
        if out.insert(f[0].to_string(), scores).is_some() {
            return Err(data_error(path, line_no, "duplicate sentence id"));
        }
    }
    Ok(out)
}

fn evaluate_corpus(
    scorer: &SentimentScorer,
    dir: &Path,
    corpus: Corpus,
) -> Result<CorpusEval, AnalysisError> {
    let gt_path: PathBuf = dir.join(format!("{}_GroundTruth.txt", corpus.stem));
    let ref_path: PathBuf = dir
        .join("reference_3.3.2")
        .join(format!("{}.tsv", corpus.stem));
    let reference = read_reference(&ref_path)?;
    let src = read(&gt_path)?;

    let mut gold = Vec::new();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut exact = 0;
    let mut mismatched_ids = Vec::new();
    // `split('\n')` and not `lines()`: the text field is everything after the
    // second tab up to the line end, with the CR of CRLF removed and nothing
    // else touched.
    for (n, raw) in src.split('\n').enumerate() {
        let line_no = n + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.is_empty() {
            continue;
        }
        let mut f = line.splitn(3, '\t');
        let (Some(id), Some(rating), Some(text)) = (f.next(), f.next(), f.next()) else {
            return Err(data_error(
                &gt_path,
                line_no,
                "expected `id<TAB>rating<TAB>text`",
            ));
        };
        let rating = parse_f64(&gt_path, line_no, "rating", rating)?;
        let s = scorer.polarity(text);
        let mine = [s.neg, s.neu, s.pos, s.compound];
        match reference.get(id) {
            Some(r) if *r == mine => exact += 1,
            _ => {
                if mismatched_ids.len() < MAX_MISMATCH_IDS {
                    mismatched_ids.push(id.to_string());
                }
            }
        }
        gold.push(rating);
        ours.push(s.compound);
        theirs.push(reference.get(id).map_or(f64::NAN, |r| r[3]));
    }
    if gold.len() != corpus.expected_sentences {
        tracing::warn!(
            corpus = corpus.name,
            found = gold.len(),
            expected = corpus.expected_sentences,
            "evaluation corpus has an unexpected number of sentences"
        );
    }
    let gold_class: Vec<usize> = gold.iter().map(|&g| gold_class(g)).collect();
    let (f1_macro, f1_per_class) = macro_f1(&gold_class, &ours);
    let mut gold_counts = [0; 3];
    for &c in &gold_class {
        gold_counts[c] += 1;
    }
    Ok(CorpusEval {
        name: corpus.name.to_string(),
        sentences: gold.len(),
        exact,
        mismatched_ids,
        pearson_r: pearson(&ours, &gold),
        f1_macro,
        f1_per_class,
        reference_pearson_r: pearson(&theirs, &gold),
        reference_f1_macro: macro_f1(&gold_class, &theirs).0,
        published_r: corpus.published_r,
        gold_counts,
    })
}

/// Gold class of a mean human rating: 0 negative, 1 neutral (exactly 0),
/// 2 positive.
pub fn gold_class(rating: f64) -> usize {
    if rating > 0.0 {
        2
    } else if rating < 0.0 {
        0
    } else {
        1
    }
}

/// VADER's class of a compound score at ±0.05: 0 negative, 1 neutral,
/// 2 positive.
pub fn vader_class(compound: f64) -> usize {
    if compound >= 0.05 {
        2
    } else if compound <= -0.05 {
        0
    } else {
        1
    }
}

/// Pearson correlation of two equally long series (NaN if either is
/// constant or they are empty).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len()) as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx.sqrt() * syy.sqrt())
}

/// Macro F1 of VADER classes of `compounds` against `gold` classes, and the
/// per-class F1. A class with no gold and no predicted members scores 0.
pub fn macro_f1(gold: &[usize], compounds: &[f64]) -> (f64, [f64; 3]) {
    let mut tp = [0usize; 3];
    let mut fp = [0usize; 3];
    let mut fn_ = [0usize; 3];
    for (&g, &c) in gold.iter().zip(compounds) {
        let p = vader_class(c);
        if p == g {
            tp[g] += 1;
        } else {
            fp[p] += 1;
            fn_[g] += 1;
        }
    }
    let mut f1 = [0.0; 3];
    for k in 0..3 {
        let denom = 2 * tp[k] + fp[k] + fn_[k];
        f1[k] = if denom == 0 {
            0.0
        } else {
            2.0 * tp[k] as f64 / denom as f64
        };
    }
    ((f1[0] + f1[1] + f1[2]) / 3.0, f1)
}

impl fmt::Display for SentimentEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "exact match with vaderSentiment 3.3.2: {}/{} sentences (all four scores)",
            self.exact, self.sentences
        )?;
        writeln!(
            f,
            "{:<8} {:>6} {:>6}  {:>7} {:>7} {:>9}  {:>7} {:>7}  {:>16}",
            "corpus", "n", "exact", "r", "ref r", "publ. r", "F1", "ref F1", "F1 neg/neu/pos"
        )?;
        for c in &self.corpora {
            writeln!(
                f,
                "{:<8} {:>6} {:>6}  {:>7.3} {:>7.3} {:>9.3}  {:>7.3} {:>7.3}  {:.3}/{:.3}/{:.3}",
                c.name,
                c.sentences,
                c.exact,
                c.pearson_r,
                c.reference_pearson_r,
                c.published_r,
                c.f1_macro,
                c.reference_f1_macro,
                c.f1_per_class[0],
                c.f1_per_class[1],
                c.f1_per_class[2]
            )?;
        }
        write!(
            f,
            "gold class = sign of the mean human rating (exactly 0 = neutral); VADER class = compound at ±0.05; F1 is macro over 3 classes"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_known_series() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // x = 1,2,3,4 ; y = 1,3,2,4 → r = 0.8
        assert!((pearson(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn classes_follow_the_documented_rules() {
        assert_eq!(gold_class(0.0), 1);
        assert_eq!(gold_class(-0.1), 0);
        assert_eq!(gold_class(0.1), 2);
        assert_eq!(vader_class(0.05), 2);
        assert_eq!(vader_class(-0.05), 0);
        assert_eq!(vader_class(0.0499), 1);
    }

    #[test]
    fn macro_f1_by_hand() {
        // gold: neg, neg, neu, pos ; predicted: neg, pos, neu, pos
        let (m, per) = macro_f1(&[0, 0, 1, 2], &[-0.5, 0.5, 0.0, 0.9]);
        // neg: tp1 fp0 fn1 → 2/3 ; neu: tp1 → 1 ; pos: tp1 fp1 fn0 → 2/3
        assert!((per[0] - 2.0 / 3.0).abs() < 1e-12);
        assert!((per[1] - 1.0).abs() < 1e-12);
        assert!((per[2] - 2.0 / 3.0).abs() < 1e-12);
        assert!((m - (2.0 / 3.0 + 1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn missing_dir_is_an_io_error_naming_the_file() {
        let err = evaluate(Path::new("/nonexistent/vader")).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, AnalysisError::Io { .. }), "{msg}");
        assert!(msg.contains("tweets.tsv"), "{msg}");
    }
}
