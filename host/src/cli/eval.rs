//! `hearken eval`: measure de-identification and sentiment against
//! labelled data, and print the figures (a table, or `--json`).

use std::path::PathBuf;

use hearken_deid::{Deidentifier, Policy};

use super::{CliError, CliResult, Exit, Global, Output};

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
}

/// Run an evaluation.
pub fn run(global: &Global, out: &Output, command: Command) -> CliResult {
    match command {
        Command::Deid { file } => {
            let config = global.config()?;
            let policy: Policy = match config.as_ref().and_then(|c| c.deid.clone()) {
                Some(t) => toml::Value::Table(t).try_into().map_err(|e| CliError::usage(anyhow::anyhow!("[deid] policy: {e}")))?,
                None => Policy::default(),
            };
            let deid = Deidentifier::new(&policy).map_err(CliError::usage)?;
            if !file.exists() {
                return Err(CliError::usage(anyhow::anyhow!("{} does not exist", file.display())));
            }
            let report = hearken_deid::eval::evaluate(&deid, &file)?;
            out.emit(&report, |w| write!(w, "{report}"))?;
        }
        Command::Sentiment { dir } => {
            if !dir.is_dir() {
                return Err(CliError::usage(anyhow::anyhow!("{} is not a folder", dir.display())));
            }
            let report = hearken_analysis::sentiment::eval::evaluate(&dir)?;
            out.emit(&report, |w| write!(w, "{report}"))?;
        }
    }
    Ok(Exit::Success)
}
