//! `hearken runs`: the run ledger.

use hearken_state::{RunFilter, StateStore};

use super::{CliError, CliResult, Exit, Global, Output};

/// `hearken runs` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this source.
    #[arg(long)]
    pub source: Option<String>,
    /// How many runs, newest first.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// Print the ledger.
pub fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    if !data.state().exists() {
        return Err(CliError::usage(anyhow::anyhow!(
            "there is no state store in {} yet; run `hearken demo` or `hearken run` first",
            data.root().display()
        )));
    }
    let state = StateStore::open(&data.state())?;
    let runs = state.runs(RunFilter {
        source: args.source,
        limit: args.limit,
    })?;
    out.emit(&runs, |w| {
        writeln!(
            w,
            "{:<26} {:<16} {:<12} {:<20} {:>5} {:>7} {:>5} {:>7} {:>9}",
            "run", "source", "status", "started", "pages", "records", "new", "updated", "unchanged"
        )?;
        for r in &runs {
            let status = format!("{:?}", r.status).to_lowercase();
            let started = r
                .started
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            writeln!(
                w,
                "{:<26} {:<16} {:<12} {:<20} {:>5} {:>7} {:>5} {:>7} {:>9}",
                r.id.as_str(),
                r.source,
                status,
                &started[..started.len().min(19)],
                r.pages,
                r.records,
                r.new,
                r.updated,
                r.unchanged
            )?;
            if let Some(e) = &r.error {
                writeln!(w, "    error: {e}")?;
            }
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}
