//! `hearken run`: one ingestion pass over the configured sources.
//!
//! Progress goes to stderr: live bars per source (pages, records, documents
//! indexed) on a terminal, a log line per page and per commit otherwise
//! (see [`crate::progress`]). The result goes to stdout.
//!
//! Before anything runs, every source is checked against its plugin: the
//! plugin exists, every granted host is one the plugin declares, and the
//! plugin configuration passes the plugin's own JSON schema. All problems
//! are reported at once, with their place in the file, and exit 2.

use futures_util::StreamExt;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::app::{load_plugins, open_for_ingest_with};
use crate::config::{Config, ConfigError, Problem};
use crate::ingest::{RunSummary, StopFlag, run_source};
use crate::plugin::PluginRegistry;

/// `hearken run` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run only this source.
    #[arg(long)]
    pub source: Option<String>,
}

/// One pass.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let Some(config) = global.config()? else {
        return Err(CliError::usage(anyhow::anyhow!(
            "no config file at {}; write one with `hearken init`, or try `hearken demo`",
            global.config.display()
        )));
    };
    if let Some(only) = &args.source
        && !config.sources.contains_key(only)
    {
        let names: Vec<&String> = config.sources.keys().collect();
        return Err(CliError::usage(anyhow::anyhow!(
            "there is no source `{only}` in {} (sources: {names:?})",
            global.config.display()
        )));
    }
    let data = global.data_dir(Some(&config));
    let plugins = load_plugins(&data).await?;
    check_against_plugins(&config, &plugins.1, &global.config).map_err(CliError::usage)?;
    let mut opened = open_for_ingest_with(&config, data, plugins).await?;
    // A live line per source on a terminal; log lines per page and commit
    // otherwise (cron, CI, a log file).
    opened.env.progress = crate::progress::for_stderr();
    let concurrency = config.ingest.concurrency.max(1);
    let stop = StopFlag::new();
    let selected: Vec<_> = config
        .sources
        .iter()
        .filter(|(name, _)| args.source.as_deref().is_none_or(|s| s == name.as_str()))
        .collect();
    let summaries: Vec<RunSummary> =
        futures_util::stream::iter(selected.into_iter().filter_map(|(name, source)| {
            let plugin = opened.registry.get(source.plugin.get_ref())?;
            Some(run_source(&opened.env, name, source, plugin, &stop))
        }))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let failed = summaries.iter().filter(|s| s.error.is_some()).count();
    out.emit(&summaries, |w| {
        for s in &summaries {
            match &s.error {
                None => writeln!(
                    w,
                    "{}: {} pages, {} records, {} new, {} updated, {} unchanged",
                    s.source, s.pages, s.records, s.new, s.updated, s.unchanged
                )?,
                Some(e) => writeln!(w, "{}: FAILED after {} pages: {e}", s.source, s.pages)?,
            }
        }
        Ok(())
    })?;
    Ok(if failed > 0 {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Check each source against its plugin. Returns every problem at once.
pub fn check_against_plugins(
    config: &Config,
    registry: &PluginRegistry,
    path: &std::path::Path,
) -> Result<(), ConfigError> {
    let mut problems = Vec::new();
    for (name, source) in &config.sources {
        let plugin_name = source.plugin.get_ref();
        let Some(plugin) = registry.get(plugin_name) else {
            problems.push(Problem {
                message: format!(
                    "source `{name}`: there is no plugin `{plugin_name}` (plugins: {})",
                    registry.names().join(", ")
                ),
                span: Some(source.plugin.span()),
            });
            continue;
        };
        for host in &source.grant_hosts {
            let declared = plugin.info.hosts.iter().any(|d| {
                d == "*"
                    || d.eq_ignore_ascii_case(host.get_ref())
                    || (d.starts_with("*.") && host.get_ref().ends_with(&d[1..]))
            });
            if !declared {
                problems.push(Problem {
                    message: format!(
                        "source `{name}`: host `{}` is granted but plugin `{plugin_name}` does not declare it (it declares: {})",
                        host.get_ref(),
                        if plugin.info.hosts.is_empty() { "none".to_string() } else { plugin.info.hosts.join(", ") }
                    ),
                    span: Some(host.span()),
                });
            }
        }
        if let Err(message) =
            validate_plugin_config(&plugin.info.config_schema, &source.plugin_config_json())
        {
            problems.push(Problem {
                message: format!("source `{name}`: the config does not fit plugin `{plugin_name}`'s schema: {message}"),
                span: source.config.as_ref().map(|c| c.span()).or(Some(source.plugin.span())),
            });
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    Err(ConfigError::Invalid {
        path: path.to_path_buf(),
        source_text: text,
        problems,
    })
}

/// Validate a plugin config against the plugin's JSON schema; the error
/// lists each failure with its JSON path.
pub fn validate_plugin_config(schema: &str, config: &serde_json::Value) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_str(schema)
        .map_err(|e| format!("the plugin's schema is not JSON ({e})"))?;
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| format!("the plugin's schema is not a valid JSON Schema ({e})"))?;
    let errors: Vec<String> = validator
        .iter_errors(config)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!(
                "{}{e}",
                if at.is_empty() {
                    String::new()
                } else {
                    format!("at `{at}`: ")
                }
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_validation_names_the_path() {
        let schema = r#"{"type":"object","properties":{"urls":{"type":"array","items":{"type":"string"}}},"required":["urls"],"additionalProperties":false}"#;
        assert!(
            validate_plugin_config(schema, &serde_json::json!({"urls": ["http://a/"]})).is_ok()
        );
        let e = validate_plugin_config(schema, &serde_json::json!({"urls": [3]})).unwrap_err();
        assert!(e.contains("/urls/0"), "{e}");
        let e = validate_plugin_config(schema, &serde_json::json!({"url": "x"})).unwrap_err();
        assert!(e.contains("urls"), "{e}");
    }
}
