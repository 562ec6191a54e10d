//! Prints the evaluation report for a labelled file in the Presidio format.
//!
//! `cargo run --release -p hearken-deid --example eval_deid -- ../shared/data/pii/presidio_synth_dataset_v2.json [--json]`
//!
//! The product's own command is `hearken eval deid FILE`; this example is for working on the rules
//! without building the host.

use std::path::PathBuf;
use std::process::ExitCode;

use hearken_deid::{Deidentifier, Policy, eval};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let Some(path) = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!("usage: eval_deid FILE [--json]");
        return ExitCode::from(2);
    };
    let deid = match Deidentifier::new(&Policy::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match eval::evaluate(&deid, &path) {
        Ok(report) if json => match serde_json::to_string_pretty(&report) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
