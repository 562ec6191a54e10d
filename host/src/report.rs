//! Persona reports: from the index to HTML, Markdown and JSON files.
//!
//! The persona crate does the segmenting, profiling and citing; this module
//! feeds it the stored documents and the codebook's theme metadata, checks
//! every quote against the stored de-identified text before writing, and
//! writes the three formats. The same index gives byte-identical files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hearken_analysis::codebook::{Codebook, Polarity};
use hearken_document::AnalysedDocument;
use hearken_persona::{PersonaConfig, PersonaReport, ReportContext, ThemeInfo};
use serde::Serialize;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A self-contained HTML page.
    Html,
    /// Markdown.
    Md,
    /// JSON (schema in persona/REPORT_SCHEMA.md).
    Json,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Md => "md",
            Format::Json => "json",
        }
    }
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Personas could not be built.
    #[error(transparent)]
    Persona(#[from] hearken_persona::PersonaError),
    /// A quote did not check out against the stored text. This is a bug,
    /// and the report is not written.
    #[error(
        "{0} quote(s) in the report are not verbatim in their documents; the report was not written"
    )]
    Quotes(usize),
    /// Writing failed.
    #[error("could not write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The codebook's theme metadata in the persona crate's shape.
pub fn theme_info(codebook: &Codebook) -> Vec<ThemeInfo> {
    codebook
        .themes()
        .iter()
        .map(|t| ThemeInfo {
            id: t.id.clone(),
            label: t.label.clone(),
            definition: t.definition.clone(),
            polarity: match t.polarity {
                Polarity::Barrier => hearken_persona::Polarity::Barrier,
                Polarity::Motivator => hearken_persona::Polarity::Motivator,
                Polarity::Mixed => hearken_persona::Polarity::Mixed,
            },
            tactics: t.tactics.clone(),
        })
        .collect()
}

/// Build personas over `docs` and check every quote.
pub fn build(
    docs: &[AnalysedDocument],
    codebook: &Codebook,
    cfg: &PersonaConfig,
    ctx: &ReportContext,
) -> Result<PersonaReport, ReportError> {
    let report = hearken_persona::build(docs, &theme_info(codebook), cfg, ctx)?;
    let problems = hearken_persona::verify_quotes(&report, docs);
    if !problems.is_empty() {
        return Err(ReportError::Quotes(problems.len()));
    }
    Ok(report)
}

/// Render `report` in `format`.
pub fn render(report: &PersonaReport, format: Format) -> String {
    match format {
        Format::Html => hearken_persona::render::html(report),
        Format::Md => hearken_persona::render::markdown(report),
        Format::Json => hearken_persona::render::json(report),
    }
}

/// Write `report` as `<dir>/personas.<ext>` for each format; returns the paths.
pub fn write_all(
    report: &PersonaReport,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths = Vec::new();
    for &f in formats {
        let path = dir.join(format!("personas.{}", f.extension()));
        write_atomic(&path, render(report, f).as_bytes())?;
        paths.push(path);
    }
    Ok(paths)
}

/// Write `report` in `format` to `path`, creating its folder; the file is
/// replaced atomically (see [`write_atomic`]).
pub fn write_to(report: &PersonaReport, format: Format, path: &Path) -> Result<(), ReportError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    write_atomic(path, render(report, format).as_bytes())
}

/// Every document id a report cites: the supporting ids and quoted ids of
/// every claim (who, themes, barriers, motivators, struggles, channels,
/// accessibility), every representative quote, and the standalone
/// documents among the members. Each must resolve with `hearken show`.
pub fn evidence_ids(report: &PersonaReport) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut add = |e: &hearken_persona::Evidence| {
        ids.extend(e.doc_ids.iter().cloned());
        ids.extend(e.quotes.iter().map(|q| q.doc_id.clone()));
    };
    for p in &report.personas {
        p.who
            .iter()
            .chain(&p.channels)
            .chain(&p.accessibility)
            .for_each(|c| add(&c.evidence));
        p.distinguishing_themes
            .iter()
            .chain(&p.barriers)
            .chain(&p.motivators)
            .for_each(|c| add(&c.evidence));
        p.struggles.iter().for_each(|c| add(&c.evidence));
    }
    for p in &report.personas {
        ids.extend(p.quotes.iter().map(|q| q.doc_id.clone()));
        ids.extend(p.members.standalone_documents.iter().cloned());
    }
    ids
}

/// Write through a temporary file and rename, so a reader never sees half a
/// report and a crash never leaves one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|source| ReportError::Write {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}
