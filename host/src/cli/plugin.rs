//! `hearken plugin`: the plugin developer kit.

use std::path::PathBuf;

use serde::Serialize;

use super::{CliResult, Exit, Global, Output};
use crate::plugin::{PluginRegistry, PluginRuntime, load_file};

/// `hearken plugin` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List built-in and installed plugins.
    List,
    /// Print a plugin's name, version, declared hosts, config schema and contract version.
    Inspect {
        /// The component file.
        file: PathBuf,
    },
}

/// What `list` and `inspect` print.
#[derive(Debug, Serialize)]
pub struct PluginSummary {
    /// Name from `describe()`.
    pub name: String,
    /// Version from `describe()`.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Hosts it may ask for (`*`: any host the operator grants).
    pub hosts: Vec<String>,
    /// `built-in …` or the file it was loaded from.
    pub origin: String,
    /// The contract it implements.
    pub contract: &'static str,
    /// Its config schema (inspect only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_schema: Option<serde_json::Value>,
}

/// The contract version every loadable plugin implements today.
pub const CONTRACT: &str = "hearken:source@0.1.0";

/// Run a plugin subcommand.
pub async fn run(global: &Global, out: &Output, command: Command) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let runtime = PluginRuntime::new(Some(&data.cache()))?;
    match command {
        Command::List => {
            let (registry, problems) = PluginRegistry::load(&runtime, Some(&data.plugins())).await?;
            for p in &problems {
                eprintln!("warning: {p}");
            }
            let list: Vec<PluginSummary> = registry
                .iter()
                .map(|p| PluginSummary {
                    name: p.info.name.clone(),
                    version: p.info.version.clone(),
                    description: p.info.description.clone(),
                    hosts: p.info.hosts.clone(),
                    origin: p.origin.clone(),
                    contract: CONTRACT,
                    config_schema: None,
                })
                .collect();
            out.emit(&list, |w| {
                for p in &list {
                    writeln!(w, "{:<14} {:<8} {}  [{}]", p.name, p.version, p.description, p.origin)?;
                }
                Ok(())
            })?;
            Ok(if problems.is_empty() { Exit::Success } else { Exit::Failure })
        }
        Command::Inspect { file } => {
            let p = load_file(&runtime, &file).await?;
            let summary = PluginSummary {
                name: p.info.name.clone(),
                version: p.info.version.clone(),
                description: p.info.description.clone(),
                hosts: p.info.hosts.clone(),
                origin: p.origin.clone(),
                contract: CONTRACT,
                config_schema: serde_json::from_str(&p.info.config_schema).ok(),
            };
            out.emit(&summary, |w| {
                writeln!(w, "name:        {}", summary.name)?;
                writeln!(w, "version:     {}", summary.version)?;
                writeln!(w, "contract:    {}", summary.contract)?;
                writeln!(w, "description: {}", summary.description)?;
                let hosts = if summary.hosts.is_empty() { "none (no network)".to_string() } else { summary.hosts.join(", ") };
                writeln!(w, "hosts:       {hosts}")?;
                if let Some(s) = &summary.config_schema {
                    writeln!(w, "config schema:\n{}", serde_json::to_string_pretty(s).unwrap_or_default())?;
                }
                Ok(())
            })?;
            Ok(Exit::Success)
        }
    }
}
