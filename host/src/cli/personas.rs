//! `hearken personas`: build personas from the index and write the report.
//!
//! The persona crate segments, profiles and cites; [`crate::report`] checks
//! every quote verbatim against the stored text before anything is
//! written. This command adds three things only the host can know:
//!
//! * **which documents**: all of them, or those a search query selects
//!   (`--query`, the `hearken search` language), and the report's
//!   `method.generated_from` says which;
//! * **that every cited id resolves**: before writing, every document id
//!   the report cites (claim evidence, quotes, standalone members) is
//!   looked up in the index the way `hearken show` looks it up. A report
//!   that cites a document nobody can open is withheld, like one with a
//!   quote that is not verbatim;
//! * **whose voices**: personas describe patients and caregivers, so
//!   transcript turns spoken by meeting staff — the closed roles
//!   `clinician`, `moderator` and `sponsor` of the transcript contract —
//!   are left out by default (`--include-staff` keeps them). A moderator
//!   who opens every session otherwise becomes a "persona" of their own or,
//!   worse, drags a patient segment's centre towards meeting small talk.
//!   On the planted evaluation corpus (`hearken eval personas`, 1000
//!   documents, default seed) leaving them out raised the adjusted Rand
//!   index from 0.59 to 0.78. The report's `generated_from` says how
//!   many turns were left out.
//!
//! The report goes to `<data>/reports/personas.<ext>` unless `--out` says
//! otherwise; the same index and options give the same bytes.

use std::path::PathBuf;

use hearken_document::AnalysedDocument;
use hearken_persona::{PersonaConfig, PersonaReport, ReportContext};
use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::report::{self, Format};

/// `hearken personas` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of personas (default: chosen by the mean silhouette).
    #[arg(long)]
    pub count: Option<usize>,
    /// Report format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: Format,
    /// Where to write the report (default `<data>/reports/personas.<ext>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Only documents matching this search query (the `hearken search`
    /// language, e.g. `source:patient-forum` or `theme:travel_burden`).
    #[arg(long)]
    pub query: Option<String>,
    /// Keep transcript turns of meeting staff (clinician, moderator,
    /// sponsor), which are left out by default.
    #[arg(long)]
    pub include_staff: bool,
}

/// What `hearken personas --json` prints.
#[derive(Debug, Serialize)]
pub struct PersonasSummary {
    /// The report file written.
    pub report: PathBuf,
    /// Its format.
    pub format: Format,
    /// What the documents were selected by.
    pub generated_from: String,
    /// Documents used.
    pub documents: usize,
    /// Units segmented (authors plus authorless documents).
    pub units: usize,
    /// How the number of personas was chosen (`fixed`, `silhouette`, `single`).
    pub k_rule: String,
    /// Quotes in the report, each verified verbatim.
    pub quotes_verified: usize,
    /// Distinct document ids the report cites, each resolved in the index.
    pub evidence_ids: usize,
    /// The personas, largest first.
    pub personas: Vec<PersonaLine>,
}

/// One persona in the summary.
#[derive(Debug, Serialize)]
pub struct PersonaLine {
    /// `persona-1`, …
    pub id: String,
    /// Illustrative first name.
    pub name: String,
    /// One-line archetype.
    pub archetype: String,
    /// Units in it.
    pub authors: usize,
    /// Their documents.
    pub documents: usize,
    /// Share of all units.
    pub author_share: f64,
    /// Share of all documents.
    pub document_share: f64,
}

/// The persona settings the host uses for `hearken personas` and
/// `hearken eval personas`: the persona crate's defaults, with the count
/// fixed when the user gives one.
pub(crate) fn persona_config(count: Option<usize>) -> PersonaConfig {
    PersonaConfig {
        count,
        ..PersonaConfig::default()
    }
}

/// Speaker roles of meeting staff: people who run an advisory board rather
/// than speak as patients or caregivers (the transcript contract's roles
/// besides `patient` and `caregiver`).
pub(crate) const STAFF_ROLES: [&str; 3] = ["clinician", "moderator", "sponsor"];

/// `docs` without staff turns (see [`STAFF_ROLES`]), and how `generated_from`
/// should say so. Returns the kept documents and the updated description.
pub(crate) fn without_staff(
    docs: Vec<AnalysedDocument>,
    generated_from: String,
) -> (Vec<AnalysedDocument>, String) {
    let before = docs.len();
    let kept: Vec<AnalysedDocument> = docs
        .into_iter()
        .filter(|d| {
            !d.speaker_role
                .as_deref()
                .is_some_and(|r| STAFF_ROLES.contains(&r))
        })
        .collect();
    let dropped = before - kept.len();
    if dropped == 0 {
        return (kept, generated_from);
    }
    let described = format!(
        "{generated_from}, without {dropped} transcript turn{} by meeting staff ({})",
        if dropped == 1 { "" } else { "s" },
        STAFF_ROLES.join(", ")
    );
    (kept, described)
}

/// Ids `report` cites that `resolve` cannot find, in id order.
pub(crate) fn unresolved_evidence(
    report: &PersonaReport,
    mut resolve: impl FnMut(&str) -> anyhow::Result<bool>,
) -> anyhow::Result<(usize, Vec<String>)> {
    let ids = report::evidence_ids(report);
    let mut missing = Vec::new();
    for id in &ids {
        if !resolve(id)? {
            missing.push(id.clone());
        }
    }
    Ok((ids.len(), missing))
}

/// Run it.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let cfg = persona_config(args.count);
    cfg.validate().map_err(CliError::usage)?;
    let codebook =
        crate::app::load_codebook(&config.clone().unwrap_or_default()).map_err(CliError::usage)?;
    let index = super::show::open_existing_index(&data)?;
    let (docs, generated_from) = super::themes::select_documents(&index, args.query.as_deref())?;
    let (docs, generated_from) = if args.include_staff {
        (docs, generated_from)
    } else {
        without_staff(docs, generated_from)
    };
    if docs.is_empty() {
        return Err(anyhow::anyhow!(
            "no documents to build personas from ({generated_from}); widen the query or ingest first"
        )
        .into());
    }

    // The configured sources, or (with no config, e.g. on a demo data
    // directory) the sources the index holds.
    let mut sources: Vec<String> = config
        .as_ref()
        .map(|c| c.sources.keys().cloned().collect())
        .unwrap_or_default();
    if sources.is_empty() {
        let all = index.search(&hearken_index::SearchRequest {
            limit: 0,
            ..hearken_index::SearchRequest::default()
        })?;
        sources = all.facets.source.into_iter().map(|f| f.value).collect();
        sources.sort();
    }
    let title = match args.query.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() => format!("Patient personas — {q}"),
        _ => "Patient personas".to_string(),
    };
    let ctx = ReportContext {
        title,
        generated_from: generated_from.clone(),
        sources,
    };
    let persona_report = report::build(&docs, &codebook, &cfg, &ctx)?;

    let (cited, missing) = unresolved_evidence(&persona_report, |id| Ok(index.get(id)?.is_some()))?;
    if let Some(first) = missing.first() {
        return Err(anyhow::anyhow!(
            "{} of {cited} cited document id(s) do not resolve in the index (first: `{first}`); the report was not written",
            missing.len()
        )
        .into());
    }

    let path = args.out.clone().unwrap_or_else(|| {
        data.reports()
            .join(format!("personas.{}", args.format.extension()))
    });
    report::write_to(&persona_report, args.format, &path)?;

    let m = &persona_report.method;
    let summary = PersonasSummary {
        report: path,
        format: args.format,
        generated_from,
        documents: m.documents,
        units: m.units,
        k_rule: m.k_selection.rule.clone(),
        quotes_verified: persona_report.quotes_verified,
        evidence_ids: cited,
        personas: persona_report
            .personas
            .iter()
            .map(|p| PersonaLine {
                id: p.id.clone(),
                name: p.name.clone(),
                archetype: p.archetype.clone(),
                authors: p.authors,
                documents: p.documents,
                author_share: p.author_share,
                document_share: p.document_share,
            })
            .collect(),
    };
    out.emit(&summary, |w| {
        writeln!(
            w,
            "{} persona{} from {} documents by {} authors/units ({}; k by {})",
            summary.personas.len(),
            if summary.personas.len() == 1 { "" } else { "s" },
            summary.documents,
            summary.units,
            summary.generated_from,
            summary.k_rule
        )?;
        writeln!(w)?;
        for p in &summary.personas {
            writeln!(
                w,
                "{:<10} {:<10} {:>4.0}% of authors, {:>4.0}% of documents",
                p.id,
                p.name,
                p.author_share * 100.0,
                p.document_share * 100.0
            )?;
            writeln!(w, "           {}", p.archetype)?;
        }
        writeln!(w)?;
        writeln!(
            w,
            "{} quotes verified verbatim; {} cited documents, all resolve with `hearken show`",
            summary.quotes_verified, summary.evidence_ids
        )?;
        writeln!(w, "names and avatars are illustrative, not real people")?;
        writeln!(w, "report: {}", summary.report.display())?;
        Ok(())
    })?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(id: &str, role: Option<&str>) -> AnalysedDocument {
        let mut d: AnalysedDocument = serde_json::from_value(serde_json::json!({
            "id": id, "source": "board", "plugin": "transcripts", "plugin_version": "0.1.0",
            "kind": "transcript-turn", "url": "file:x.vtt", "thread_id": null, "parent_id": null,
            "author": "p-000000000001", "speaker_role": null, "published": null, "language": "en",
            "title": null, "body": "Thanks everyone.",
            "sentiment": {"compound": 0.0, "neg": 0.0, "neu": 1.0, "pos": 0.0, "label": "neutral"},
            "sentences": [], "themes": [], "stage": null, "cues": [], "redactions": {},
            "run_id": "r", "extra": {}
        }))
        .unwrap();
        d.speaker_role = role.map(String::from);
        d
    }

    #[test]
    fn staff_turns_are_left_out_and_the_description_says_so() {
        let docs = vec![
            turn("b:1", Some("moderator")),
            turn("b:2", Some("patient")),
            turn("b:3", Some("caregiver")),
            turn("b:4", Some("clinician")),
            turn("b:5", None),
            turn("b:6", Some("sponsor")),
        ];
        let (kept, said) = without_staff(docs, "all documents".into());
        let ids: Vec<&str> = kept.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["b:2", "b:3", "b:5"]);
        assert_eq!(
            said,
            "all documents, without 3 transcript turns by meeting staff (clinician, moderator, sponsor)"
        );
        let (kept, said) = without_staff(vec![turn("b:2", Some("patient"))], "q".into());
        assert_eq!((kept.len(), said.as_str()), (1, "q"));
    }
}
