//! `hearken eval`: measure de-identification, sentiment and persona
//! segmentation against labelled data, and print the figures (a table, or
//! `--json`).
//!
//! `eval personas` is end to end on purpose: it generates a corpus with
//! planted segments, serves it on loopback and ingests it through the real
//! plugins, capability gate and pipeline (de-identification included) into
//! a throw-away data directory, then builds personas exactly as `hearken
//! personas` does. What it measures is therefore what a user gets, not what
//! the persona crate does on hand-made features.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use hearken_deid::{Deidentifier, Policy};
use hearken_persona::ReportContext;
use hearken_persona::eval::PersonaEval;
use hearken_sample::SampleConfig;
use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::app::{DataDir, open_for_ingest_with};
use crate::demo::site::SiteServer;
use crate::ingest::{StopFlag, run_source};
use crate::plugin::{PluginRegistry, PluginRuntime};
use crate::report;

/// `hearken eval` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// De-identification recall and precision per identifier type, on data in
    /// the format of presidio-research's synthetic set.
    Deid {
        /// The labelled JSON file.
        file: PathBuf,
    },
    /// VADER parity with the reference 3.3.2 and agreement with human
    /// ratings, on the vaderSentiment gold sets.
    Sentiment {
        /// The folder with `*_GroundTruth.txt` and `reference_3.3.2/`.
        dir: PathBuf,
    },
    /// Persona segmentation against planted segments: the adjusted Rand
    /// index, and whether each segment's defining themes are found.
    Personas(PersonasArgs),
}

/// Run an evaluation.
pub async fn run(global: &Global, out: &Output, command: Command) -> CliResult {
    match command {
        Command::Personas(args) => return personas(global, out, args).await,
        Command::Deid { file } => {
            let config = global.config()?;
            let policy: Policy = match config.as_ref().and_then(|c| c.deid.clone()) {
                Some(t) => toml::Value::Table(t)
                    .try_into()
                    .map_err(|e| CliError::usage(anyhow::anyhow!("[deid] policy: {e}")))?,
                None => Policy::default(),
            };
            let deid = Deidentifier::new(&policy).map_err(CliError::usage)?;
            if !file.exists() {
                return Err(CliError::usage(anyhow::anyhow!(
                    "{} does not exist",
                    file.display()
                )));
            }
            let report = hearken_deid::eval::evaluate(&deid, &file)?;
            out.emit(&report, |w| write!(w, "{report}"))?;
        }
        Command::Sentiment { dir } => {
            if !dir.is_dir() {
                return Err(CliError::usage(anyhow::anyhow!(
                    "{} is not a folder",
                    dir.display()
                )));
            }
            let report = hearken_analysis::sentiment::eval::evaluate(&dir)?;
            out.emit(&report, |w| write!(w, "{report}"))?;
        }
    }
    Ok(Exit::Success)
}

/// `hearken eval personas` arguments.
#[derive(Debug, clap::Args)]
pub struct PersonasArgs {
    /// About how many documents to generate.
    #[arg(long, default_value_t = 1000)]
    pub docs: usize,
    /// The generator's seed.
    #[arg(long, default_value_t = 20_250_304)]
    pub seed: u64,
    /// Fix the number of personas instead of choosing it.
    #[arg(long)]
    pub count: Option<usize>,
    /// Keep the generated site and data directory in this (new or empty)
    /// folder instead of a temporary one, to look at them afterwards with
    /// `hearken search --data DIR/data` or `hearken personas --data DIR/data`.
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Keep meeting staff's transcript turns, as `hearken personas
    /// --include-staff` does.
    #[arg(long)]
    pub include_staff: bool,
}

/// What `hearken eval personas --json` prints.
#[derive(Debug, Serialize)]
pub struct PersonasEvalReport {
    /// Documents the generator wrote.
    pub generated: usize,
    /// Documents in the index after ingestion.
    pub indexed: usize,
    /// Indexed documents traced back to a generated record.
    pub matched: usize,
    /// Matched documents whose author belongs to a planted segment.
    pub in_segments: usize,
    /// Pseudonymous authors that got documents from two planted segments
    /// (should be 0: one author, one segment).
    pub conflicting_authors: usize,
    /// Planted segments.
    pub planted: usize,
    /// Personas found.
    pub k: usize,
    /// How k was chosen.
    pub k_rule: String,
    /// Mean silhouette per k tried.
    pub k_candidates: Vec<(usize, Option<f64>)>,
    /// The figures for the report as `hearken personas` would build it.
    pub eval: PersonaEval,
    /// The same with k fixed to the number of planted segments, when the
    /// chosen k differs (separates "wrong k" from "wrong split").
    pub at_planted_k: Option<PersonaEval>,
    /// The target for the adjusted Rand index.
    pub target_ari: f64,
    /// Planted theme ids the generator spells differently from the
    /// codebook, and the codebook id each was read as.
    pub theme_aliases: BTreeMap<String, String>,
    /// The supervised ceiling (adjusted Rand index, share correct) of a
    /// nearest-planted-centre classifier on theme shares: what the planted
    /// corpus allows at best (see `supervised_ceiling` in the source).
    pub ceiling: Option<(f64, f64)>,
    /// The same classifier on the feature rows the segmentation clusters
    /// (all four blocks, weighted and scaled to unit length): what these
    /// personas' features allow at best.
    pub ceiling_features: Option<(f64, f64)>,
    /// Transcript turns by meeting staff left out (see `hearken personas`).
    pub staff_turns_left_out: usize,
}

/// The target: ARI ≥ 0.8 on the planted corpus.
const TARGET_ARI: f64 = 0.8;

/// A scratch directory, removed when dropped (also on error paths) unless
/// the user asked to keep it.
struct Scratch(PathBuf, bool);

impl Scratch {
    fn keep(dir: &std::path::Path) -> Result<Self, CliError> {
        let empty = match std::fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => {
                return Err(CliError::usage(anyhow::anyhow!(
                    "--keep {}: {e}",
                    dir.display()
                )));
            }
        };
        if !empty {
            return Err(CliError::usage(anyhow::anyhow!(
                "--keep {} is not empty; name a new or empty folder",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("could not create {}: {e}", dir.display()))?;
        Ok(Self(dir.to_path_buf(), true))
    }

    fn create() -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "hearken-eval-personas-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir(&dir)
            .map_err(|e| anyhow::anyhow!("could not create {}: {e}", dir.display()))?;
        Ok(Self(dir, false))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.1 {
            return;
        }
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::warn!("could not remove {}: {e}", self.0.display());
        }
    }
}

/// A key that names one record both in the truth file and as an indexed
/// document's URL: the file name plus the fragment, with a media-time
/// fragment (`#t=00:01:02.5`) normalised to milliseconds, because the
/// transcript plugin writes `00:00:39.000` where the truth says `00:00:39`.
/// Forum post fragments (`#p1234`), feed item files and transcript file
/// names are unique within one generated site, so the name suffices.
fn record_key(url: &str) -> String {
    let (file, fragment) = url.split_once('#').unwrap_or((url, ""));
    let name = file.rsplit(['/', ':']).next().unwrap_or(file);
    let fragment = match fragment.strip_prefix("t=").and_then(media_millis) {
        Some(ms) => format!("t={ms}"),
        None => fragment.to_string(),
    };
    format!("{name}#{fragment}")
}

/// `hh:mm:ss(.fff)` or `mm:ss(.fff)` as milliseconds.
fn media_millis(t: &str) -> Option<u64> {
    let (clock, frac) = t.split_once('.').unwrap_or((t, ""));
    let mut secs = 0u64;
    for part in clock.split(':') {
        secs = secs.checked_mul(60)? + part.parse::<u64>().ok()?;
    }
    let ms = match frac.len() {
        0 => 0,
        1..=3 => frac.parse::<u64>().ok()? * 10u64.pow(3 - frac.len() as u32),
        _ => frac[..3].parse::<u64>().ok()?,
    };
    Some(secs * 1000 + ms)
}

/// The codebook theme id a planted segment's theme id names. The sample
/// generator has its own short ids for three themes (`side_effects`,
/// `placebo_worry`, `caregiving` for the codebook's `side_effects_safety`,
/// `placebo_randomisation`, `caregiving_family`); without this the check
/// "are the defining themes in the persona" would fail on names alone.
/// Rules, in order: the same id; the one codebook id that starts with
/// `{id}_`; the one codebook id with the same first word. Anything else is
/// left as it is (and will show as missing).
fn codebook_theme(
    planted: &str,
    codebook: &hearken_analysis::codebook::Codebook,
) -> Option<String> {
    let ids: Vec<&str> = codebook.themes().iter().map(|t| t.id.as_str()).collect();
    if ids.contains(&planted) {
        return Some(planted.to_string());
    }
    let unique = |found: Vec<&&str>| match found.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    };
    let prefix = format!("{planted}_");
    unique(ids.iter().filter(|i| i.starts_with(&prefix)).collect()).or_else(|| {
        let word = planted.split('_').next().unwrap_or(planted);
        unique(
            ids.iter()
                .filter(|i| i.split('_').next() == Some(word))
                .collect(),
        )
    })
}

/// Per author: the share of their documents carrying each theme (a theme
/// tagged twice on one document counts once), in theme-id order. The
/// plain feature the planted segments are defined by, with no weighting or
/// scaling, for [`supervised_ceiling`].
fn theme_share_rows(docs: &[hearken_document::AnalysedDocument]) -> Vec<(String, Vec<f64>)> {
    let themes: BTreeSet<&str> = docs
        .iter()
        .flat_map(|d| d.themes.iter().map(|t| t.id.as_str()))
        .collect();
    let col: BTreeMap<&str, usize> = themes.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut rows: BTreeMap<&str, (Vec<f64>, f64)> = BTreeMap::new();
    for d in docs {
        let Some(a) = d.author.as_deref() else {
            continue;
        };
        let (row, n) = rows
            .entry(a)
            .or_insert_with(|| (vec![0.0; themes.len()], 0.0));
        *n += 1.0;
        let seen: BTreeSet<&str> = d.themes.iter().map(|t| t.id.as_str()).collect();
        for t in seen {
            row[col[t]] += 1.0;
        }
    }
    rows.into_iter()
        .map(|(a, (row, n))| (a.to_string(), row.into_iter().map(|x| x / n).collect()))
        .collect()
}

/// A ceiling on what any segmentation of these authors by these feature
/// rows can reach: each planted author is given the planted segment whose
/// centre (the mean row of the segment's *other* authors) is nearest, i.e.
/// a nearest-centroid classifier that was told the answer for everyone
/// else. When even this scores below the target, the planted segments
/// overlap in what their authors actually wrote (too few documents per
/// author, too much off-segment talk) and no unsupervised method on these
/// features can be expected to reach it. Rows whose key is not a planted
/// author are ignored. Returns the adjusted Rand index and the share
/// classified correctly.
fn supervised_ceiling(
    rows: &[(String, Vec<f64>)],
    truth: &BTreeMap<String, String>,
) -> Option<(f64, f64)> {
    let segments: Vec<&str> = truth
        .values()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let authors: Vec<(&[f64], usize)> = rows
        .iter()
        .filter_map(|(a, row)| {
            let planted = truth.get(a)?;
            let s = segments.iter().position(|s| *s == planted)?;
            Some((row.as_slice(), s))
        })
        .collect();
    let cols = authors.first().map_or(0, |(row, _)| row.len());
    if authors.len() < 2 || segments.len() < 2 {
        return None;
    }
    let mut sums = vec![vec![0.0; cols]; segments.len()];
    let mut counts = vec![0usize; segments.len()];
    for (row, s) in &authors {
        counts[*s] += 1;
        for (acc, x) in sums[*s].iter_mut().zip(row.iter()) {
            *acc += x;
        }
    }
    let (mut planted, mut predicted) = (Vec::new(), Vec::new());
    for (row, s) in &authors {
        let mut best: Option<(f64, usize)> = None;
        for (c, sum) in sums.iter().enumerate() {
            let n = counts[c] - usize::from(c == *s);
            if n == 0 {
                continue;
            }
            let d: f64 = sum
                .iter()
                .zip(row.iter())
                .map(|(total, x)| {
                    let own = if c == *s { *x } else { 0.0 };
                    let centre = (total - own) / n as f64;
                    (x - centre).powi(2)
                })
                .sum();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, c));
            }
        }
        planted.push(*s);
        predicted.push(best.map(|(_, c)| c).unwrap_or(*s));
    }
    let correct = planted
        .iter()
        .zip(&predicted)
        .filter(|(a, b)| a == b)
        .count();
    Some((
        hearken_persona::eval::adjusted_rand_index(&planted, &predicted),
        correct as f64 / planted.len() as f64,
    ))
}

/// Planted segment per author pseudonym, by tracing every indexed document
/// back to its generated record: first by record id (a document id is
/// `{source}:{record id}`), then by [`record_key`] of the URL. Returns the
/// map, the number of matched documents, of documents in a segment, and of
/// authors seen in two segments (left out of the map).
fn segments_by_author(
    docs: &[hearken_document::AnalysedDocument],
    truth: &hearken_sample::Truth,
) -> (BTreeMap<String, String>, usize, usize, usize) {
    let by_id: BTreeMap<&str, &hearken_sample::DocTruth> =
        truth.documents.iter().map(|d| (d.id.as_str(), d)).collect();
    let by_key: BTreeMap<String, &hearken_sample::DocTruth> = truth
        .documents
        .iter()
        .map(|d| (record_key(&d.url), d))
        .collect();
    let mut seg: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut matched, mut in_segments) = (0, 0);
    for doc in docs {
        let record = doc.id.split_once(':').map(|(_, r)| r).unwrap_or(&doc.id);
        let Some(t) = by_id
            .get(record)
            .copied()
            .or_else(|| by_key.get(&record_key(&doc.url)).copied())
        else {
            continue;
        };
        matched += 1;
        if let (Some(author), Some(s)) = (&doc.author, &t.segment) {
            in_segments += 1;
            seg.entry(author.clone()).or_default().insert(s.clone());
        }
    }
    let conflicts = seg.values().filter(|s| s.len() > 1).count();
    let map = seg
        .into_iter()
        .filter(|(_, s)| s.len() == 1)
        .filter_map(|(a, s)| s.into_iter().next().map(|s| (a, s)))
        .collect();
    (map, matched, in_segments, conflicts)
}

async fn personas(global: &Global, out: &Output, args: PersonasArgs) -> CliResult {
    if args.docs < 50 {
        return Err(CliError::usage(anyhow::anyhow!(
            "--docs {} is too few to plant segments in; use at least 50",
            args.docs
        )));
    }
    if args.count == Some(0) {
        return Err(CliError::usage(anyhow::anyhow!(
            "--count must be at least 1"
        )));
    }
    let config = global.config()?;
    // Compiled plugin code is cached where every other command caches it,
    // so a second evaluation does not compile the plugins again.
    let cache = global.data_dir(config.as_ref()).cache();
    let scratch = match &args.keep {
        Some(dir) => Scratch::keep(dir)?,
        None => Scratch::create()?,
    };
    let site_root = scratch.0.join("site");
    let data = DataDir::new(scratch.0.join("data"));

    let manifest =
        hearken_sample::write_site(&SampleConfig::with_docs(args.docs, args.seed), &site_root)?;
    let truth = hearken_sample::read_truth(&site_root)?;
    let server = SiteServer::serve_dir(&site_root).await?;
    let ingest_config = super::demo::demo_config(&server, &site_root, &manifest, &data)?;
    let runtime = Arc::new(PluginRuntime::new(Some(&cache))?);
    let (registry, _) = PluginRegistry::load(&runtime, None).await?;
    let opened = open_for_ingest_with(&ingest_config, data, (runtime, registry)).await?;
    let stop = StopFlag::new();
    let runs = ingest_config.sources.iter().filter_map(|(name, source)| {
        let plugin = opened.registry.get(source.plugin.get_ref())?;
        Some(run_source(&opened.env, name, source, plugin, &stop))
    });
    let summaries = futures_util::future::join_all(runs).await;
    drop(server);
    if let Some(failed) = summaries.iter().find(|s| s.error.is_some()) {
        return Err(anyhow::anyhow!(
            "ingesting the generated corpus failed for {}: {}",
            failed.source,
            failed.error.as_deref().unwrap_or("unknown error")
        )
        .into());
    }
    opened.env.index.reload()?;
    let docs = opened.env.index.documents()?;
    let indexed = docs.len();
    let (authors, matched, in_segments, conflicting) = segments_by_author(&docs, &truth);
    let codebook = opened.env.pipeline.analyzer().codebook();
    let mut theme_aliases = BTreeMap::new();
    let defining: BTreeMap<String, Vec<String>> = truth
        .segments
        .iter()
        .map(|s| {
            let themes = s
                .defining_themes
                .iter()
                .map(|t| match codebook_theme(t, codebook) {
                    Some(id) if id != *t => {
                        theme_aliases.insert(t.clone(), id.clone());
                        id
                    }
                    _ => t.clone(),
                })
                .collect();
            (s.id.clone(), themes)
        })
        .collect();

    // The documents `hearken personas` would segment: staff turns out
    // unless asked for.
    let before = docs.len();
    let (docs, generated_from) = if args.include_staff {
        (docs, "all documents".to_string())
    } else {
        super::personas::without_staff(docs, "all documents".to_string())
    };
    let staff_turns_left_out = before - docs.len();
    let ctx = ReportContext {
        title: "Persona evaluation (generated corpus)".into(),
        generated_from,
        sources: ingest_config.sources.keys().cloned().collect(),
    };
    let cfg = super::personas::persona_config(args.count);
    let built = report::build(&docs, codebook, &cfg, &ctx)?;
    let eval = hearken_persona::eval::evaluate(&built, &authors, &defining);
    let planted = truth.segments.len();
    let at_planted_k = if built.personas.len() != planted && args.count.is_none() {
        let fixed = report::build(
            &docs,
            codebook,
            &super::personas::persona_config(Some(planted)),
            &ctx,
        )?;
        Some(hearken_persona::eval::evaluate(&fixed, &authors, &defining))
    } else {
        None
    };

    let result = PersonasEvalReport {
        generated: manifest.documents,
        indexed,
        matched,
        in_segments,
        conflicting_authors: conflicting,
        planted,
        k: built.personas.len(),
        k_rule: built.method.k_selection.rule.clone(),
        k_candidates: built
            .method
            .k_selection
            .candidates
            .iter()
            .map(|c| (c.k, c.silhouette))
            .collect(),
        eval,
        at_planted_k,
        target_ari: TARGET_ARI,
        theme_aliases,
        ceiling: supervised_ceiling(&theme_share_rows(&docs), &authors),
        ceiling_features: supervised_ceiling(
            &hearken_persona::unit_features(&docs, &report::theme_info(codebook)),
            &authors,
        ),
        staff_turns_left_out,
    };
    drop(opened);
    drop(scratch);
    out.emit(&result, |w| {
        writeln!(
            w,
            "generated {} records (seed {}); indexed {}; traced back {}; {} in planted segments",
            result.generated, args.seed, result.indexed, result.matched, result.in_segments
        )?;
        if result.conflicting_authors > 0 {
            writeln!(
                w,
                "warning: {} author pseudonyms span two planted segments and were left out",
                result.conflicting_authors
            )?;
        }
        let ks: Vec<String> = result
            .k_candidates
            .iter()
            .map(|(k, s)| match s {
                Some(s) => format!("{k}:{s:.3}"),
                None => format!("{k}:-"),
            })
            .collect();
        writeln!(
            w,
            "{} planted segments; {} personas (k by {}; silhouette per k {})",
            result.planted,
            result.k,
            result.k_rule,
            ks.join(" ")
        )?;
        if result.staff_turns_left_out > 0 {
            writeln!(
                w,
                "{} transcript turns by meeting staff left out, as `hearken personas` does",
                result.staff_turns_left_out
            )?;
        }
        if !result.theme_aliases.is_empty() {
            let a: Vec<String> = result
                .theme_aliases
                .iter()
                .map(|(p, c)| format!("{p} → {c}"))
                .collect();
            writeln!(w, "planted theme ids read as codebook ids: {}", a.join(", "))?;
        }
        writeln!(w)?;
        write!(w, "{}", result.eval)?;
        writeln!(
            w,
            "target ARI ≥ {:.1}: {}",
            result.target_ari,
            if result.eval.ari >= result.target_ari {
                "met"
            } else {
                "NOT met"
            }
        )?;
        if let Some((ari, correct)) = result.ceiling {
            writeln!(
                w,
                "ceiling: a nearest-planted-centre classifier on theme shares, told every other author's segment, reaches ARI {ari:.4} ({:.1}% correct)",
                correct * 100.0
            )?;
        }
        if let Some((ari, correct)) = result.ceiling_features {
            writeln!(
                w,
                "ceiling on the features clustered (theme shares, theme sentiment, stages, cues; rows of unit length): ARI {ari:.4} ({:.1}% correct)",
                correct * 100.0
            )?;
        }
        if let Some(e) = &result.at_planted_k {
            writeln!(w, "\nwith k fixed to the {} planted segments:", result.planted)?;
            write!(w, "{e}")?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_agree_between_truth_and_document_urls() {
        // Transcript turns: the plugin writes milliseconds, the truth may not.
        assert_eq!(
            record_key("transcripts/board-002-2026-01-15.txt#t=00:00:39"),
            record_key("file:board-002-2026-01-15.txt#t=00:00:39.000")
        );
        assert_eq!(
            record_key("transcripts/board-001-2025-01-15.vtt#t=00:00:34.452"),
            record_key("file:board-001-2025-01-15.vtt#t=00:00:34.452")
        );
        assert_ne!(
            record_key("file:board-001-2025-01-15.vtt#t=00:00:34.452"),
            record_key("file:board-001-2025-01-15.vtt#t=00:00:34.453")
        );
        // Forum posts and feed items: path relative to the site root vs the
        // loopback URL.
        assert_eq!(
            record_key("forum/topic-17/page-1.html#p1201"),
            record_key("http://127.0.0.1:4000/forum/topic-17/page-1.html#p1201")
        );
        assert_eq!(
            record_key("posts/p/nun674y.html"),
            record_key("http://127.0.0.1:4000/posts/p/nun674y.html")
        );
        assert_eq!(media_millis("01:02:03.5"), Some(3_723_500));
        assert_eq!(media_millis("02:03"), Some(123_000));
        assert_eq!(media_millis("x"), None);
    }

    #[test]
    fn planted_theme_ids_map_onto_the_codebook() {
        let cb = hearken_analysis::codebook::Codebook::default_trial();
        for (planted, id) in [
            ("travel_burden", "travel_burden"),
            ("side_effects", "side_effects_safety"),
            ("placebo_worry", "placebo_randomisation"),
            ("caregiving", "caregiving_family"),
            ("hope_access", "hope_access"),
        ] {
            assert_eq!(
                codebook_theme(planted, &cb).as_deref(),
                Some(id),
                "{planted}"
            );
        }
        assert_eq!(codebook_theme("weather", &cb), None);
    }
}
