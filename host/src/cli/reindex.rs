//! `hearken reindex`: rebuild the index from its own stored documents.
//!
//! An index written by an older Hearken (another schema version) refuses
//! to open and says to run this. The rebuild reads every stored document
//! back, writes it into a fresh index of the current schema beside the old
//! one, and swaps the two only when the new one is committed, so a rebuild
//! that is interrupted leaves the old index as it was (see
//! `hearken_index::reindex`). Nothing is fetched again: the documents are
//! already de-identified and analysed, and the sites they came from may
//! have changed or gone.
//!
//! It also works on an index of the current version — to compact it after
//! many updates, or to take deleted documents' text out of the segment
//! files — and takes the index's writer lock, so it fails clearly while a
//! run or the daemon is writing.

use super::{CliError, CliResult, Exit, Global, Output};

/// `hearken reindex` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Rebuild.
pub fn run(global: &Global, out: &Output, _args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let dir = data.index();
    if !dir.join("meta.json").exists() {
        return Err(CliError::usage(anyhow::anyhow!(
            "there is no index in {} to rebuild; run `hearken demo` or `hearken run` first (or pass --data DIR)",
            data.root().display()
        )));
    }
    let report = hearken_index::reindex(&dir)
        .map_err(|e| anyhow::anyhow!("could not rebuild the index at {}: {e}", dir.display()))?;
    out.emit(&report, |w| {
        let from = if report.from_version == 0 {
            "an unrecorded schema version".to_string()
        } else {
            format!("schema version {}", report.from_version)
        };
        writeln!(
            w,
            "rebuilt {} from {from} to schema version {}: {} documents carried over",
            dir.display(),
            report.to_version,
            report.documents
        )
    })?;
    Ok(Exit::Success)
}
