//! Render a persona report from a synthetic corpus with planted segments,
//! and print the evaluation figures against the planted truth.
//!
//! ```text
//! cargo run -p hearken-persona --example sample_report -- /tmp/persona-sample.html
//! ```
//!
//! Writes the HTML to the given path (default `/tmp/persona-sample.html`)
//! and the Markdown and JSON beside it (`.md`, `.json`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

use hearken_persona::{PersonaConfig, ReportContext, build, eval, render, verify_quotes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/persona-sample.html"));
    let corpus = common::corpus(1, 4, 30, 0.15, 12);
    let ctx = ReportContext {
        title: "Patient personas — synthetic patient forum".into(),
        generated_from: "all documents".into(),
        sources: vec!["patient-forum".into()],
    };
    let report = build(
        &corpus.docs,
        &corpus.themes,
        &PersonaConfig::default(),
        &ctx,
    )?;
    let problems = verify_quotes(&report, &corpus.docs);
    std::fs::write(&out, render::html(&report))?;
    std::fs::write(out.with_extension("md"), render::markdown(&report))?;
    std::fs::write(out.with_extension("json"), render::json(&report))?;
    println!(
        "{} documents, {} authors → {} personas (k by {}); {} quotes, {} verification problems",
        report.method.documents,
        report.method.authors,
        report.personas.len(),
        report.method.k_selection.rule,
        report.quotes_verified,
        problems.len()
    );
    for p in &report.personas {
        println!("  {:<7} {:>3} authors  {}", p.name, p.authors, p.archetype);
    }
    print!(
        "{}",
        eval::evaluate(&report, &corpus.truth, &corpus.defining)
    );
    println!("wrote {}", out.display());
    Ok(())
}
