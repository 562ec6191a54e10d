//! `hearken init`: write a commented starter `hearken.toml`.

use std::path::PathBuf;

use super::{CliError, CliResult, Exit, Global, Output};

/// The starter config. It parses (a test holds this) and every key in it is
/// documented in place.
pub const STARTER: &str = include_str!("starter.toml");

/// `hearken init` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Write the starter config to `--config` (default `./hearken.toml`).
pub fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let path: PathBuf = global.config.clone();
    if path.exists() && !args.force {
        return Err(CliError::usage(anyhow::anyhow!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )));
    }
    std::fs::write(&path, STARTER)?;
    out.emit(&serde_json::json!({ "config": path }), |w| {
        writeln!(w, "wrote {}", path.display())
    })?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses_and_names_three_kinds_of_source() {
        let c = crate::config::Config::parse(
            STARTER,
            std::path::Path::new("/srv/hearken/hearken.toml"),
        )
        .unwrap();
        let plugins: Vec<&str> = c
            .sources
            .values()
            .map(|s| s.plugin.get_ref().as_str())
            .collect();
        for p in ["forum", "posts", "transcripts"] {
            assert!(plugins.contains(&p), "{plugins:?}");
        }
        // The retry policy is spelled out where operators will look for it.
        let forum = &c.sources["patient-forum"];
        assert_eq!((forum.retries, forum.backoff_ms), (3, 500));
        assert!(STARTER.contains("retries = 3") && STARTER.contains("backoff_ms = 500"));
    }
}
