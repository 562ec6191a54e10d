//! `hearken show ID`: one de-identified document with its analysis and the
//! words behind each theme, stage and cue.

use hearken_index::Index;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::app::DataDir;

/// `hearken show` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document id, as search prints it (e.g. `patient-forum:p1234`).
    pub id: String,
}

/// Open the index of a data directory that has one.
pub fn open_existing_index(data: &DataDir) -> Result<Index, CliError> {
    if !data.index().join("meta.json").exists() {
        return Err(CliError::usage(anyhow::anyhow!(
            "there is no index in {} yet; run `hearken demo` or `hearken run` first (or pass --data DIR)",
            data.root().display()
        )));
    }
    Ok(data.open_index()?)
}

/// Show a document.
pub fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let index = open_existing_index(&data)?;
    let Some(doc) = index.get(&args.id)? else {
        eprintln!(
            "error: no document with id `{}` in {}",
            args.id,
            data.index().display()
        );
        return Ok(Exit::Failure);
    };
    out.emit(&doc, |w| {
        writeln!(
            w,
            "{}  ({} · {} · {})",
            doc.id, doc.source, doc.kind, doc.language
        )?;
        writeln!(w, "url:       {}", doc.url)?;
        if let Some(p) = doc
            .published
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        {
            writeln!(w, "published: {}", p.to_rfc3339())?;
        }
        if let Some(a) = &doc.author {
            writeln!(
                w,
                "author:    {a}{}",
                doc.speaker_role
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )?;
        }
        writeln!(
            w,
            "sentiment: {} {:+.4}",
            doc.sentiment.label.as_str(),
            doc.sentiment.compound
        )?;
        if let Some(t) = &doc.title {
            writeln!(w, "\n{t}")?;
        }
        writeln!(w, "\n{}\n", doc.body)?;
        for t in &doc.themes {
            let words: Vec<String> = t
                .evidence
                .iter()
                .map(|e| format!("\"{}\"", doc.quote(e).unwrap_or(&e.term)))
                .collect();
            let s = t.sentiment.map(|s| format!(" {s:+.2}")).unwrap_or_default();
            writeln!(w, "theme  {}{s}: {}", t.id, words.join(", "))?;
        }
        if let Some(st) = &doc.stage {
            let words: Vec<String> = st
                .evidence
                .iter()
                .map(|e| format!("\"{}\"", doc.quote(e).unwrap_or(&e.term)))
                .collect();
            writeln!(w, "stage  {}: {}", st.stage, words.join(", "))?;
        }
        for c in &doc.cues {
            let words: Vec<String> = c
                .evidence
                .iter()
                .map(|e| format!("\"{}\"", doc.quote(e).unwrap_or(&e.term)))
                .collect();
            writeln!(w, "cue    {}: {}", c.facet(), words.join(", "))?;
        }
        if !doc.redactions.is_empty() {
            let r: Vec<String> = doc
                .redactions
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            writeln!(w, "removed identifiers: {}", r.join(", "))?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}
