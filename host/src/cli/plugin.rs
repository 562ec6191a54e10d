//! `hearken plugin`: the plugin developer kit.
//!
//! - `list` and `inspect` show what the host would load and what a
//!   component says about itself.
//! - `new` writes a plugin crate from the template in `host/templates/plugin/`
//!   (embedded with `include_str!`, so the binary carries it). The crate is
//!   its own Cargo workspace and names its toolchain and target, so it builds
//!   wherever it is written; its SDK dependency is the `plugins/sdk` of the
//!   checkout this binary was built from, by absolute path. The checkout's
//!   `Cargo.lock` is copied along when present, so the plugin builds with the
//!   dependency versions the SDK is tested with (and offline, if they are in
//!   the local registry cache). The template is a real plugin with recorded
//!   fixtures, so a fresh crate builds and passes `check` before anyone edits
//!   it.
//! - `check` is the conformance run in [`crate::plugin::check`]; this module
//!   only turns flags into [`CheckOptions`] (serving `--site` on loopback,
//!   granting it, and putting its address where the config says `{site}`)
//!   and prints the report.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::demo::site::SiteServer;
use crate::plugin::check::{CheckOptions, CheckReport, Outcome, check_bytes};
use crate::plugin::{CallLimits, PluginRegistry, PluginRuntime, Scrubber, load_file};

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
    /// Write a new plugin crate from the template.
    New(NewArgs),
    /// Run a plugin through the conformance checks inside the sandbox.
    Check(CheckArgs),
}

/// `hearken plugin new` arguments.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The plugin's name: kebab-case, e.g. `clinic-feed`. Also the crate's name.
    pub name: String,
    /// The crate's directory (default `./NAME`). It may exist if it is empty.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// `hearken plugin check` arguments.
///
/// The plugin's config is given with the global `--config`: a JSON object
/// (`--config '{"url": "{site}/feed.json"}'`) or the path of a `.json` file.
/// `{site}` in it is replaced by the `--site` server's base URL
/// (`http://127.0.0.1:PORT`). Without one the config is `{}`. (A check needs
/// no `hearken.toml`, so the flag that names one elsewhere names the
/// plugin's config here; a `.toml` path is ignored.)
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The component file (`target/wasm32-wasip2/release/NAME.wasm`).
    pub file: PathBuf,
    /// Serve this folder of recorded fixtures on a loopback port and grant
    /// that port to the plugin.
    #[arg(long)]
    pub site: Option<PathBuf>,
    /// Also grant this host (`host`, `host:port`, `*.domain`); repeatable.
    #[arg(long = "grant")]
    pub grant: Vec<String>,
    /// Grant this file to `read-input` (by its file name); repeatable.
    #[arg(long = "input")]
    pub input: Vec<PathBuf>,
    /// Most `fetch` calls in one run before paging counts as endless.
    #[arg(long, default_value_t = 200)]
    pub max_pages: u32,
    /// Wall-clock budget of one `fetch` call, in seconds (as a source's
    /// `time_budget_secs`).
    #[arg(long, default_value_t = 120)]
    pub time_budget: u64,
    /// Memory cap of the plugin, in MiB.
    #[arg(long, default_value_t = 256)]
    pub memory_mib: u64,
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

/// What `new` prints with `--json`.
#[derive(Debug, Serialize)]
pub struct NewSummary {
    /// The plugin's name.
    pub name: String,
    /// The crate's directory.
    pub dir: PathBuf,
    /// Files written, relative to `dir`.
    pub files: Vec<String>,
    /// The SDK the crate depends on.
    pub sdk: PathBuf,
    /// Whether the SDK was found there.
    pub sdk_found: bool,
    /// The commands to build and check it.
    pub next: Vec<String>,
}

/// The contract version every loadable plugin implements today.
pub const CONTRACT: &str = "hearken:source@0.1.0";

/// Run a plugin subcommand.
pub async fn run(global: &Global, out: &Output, command: Command) -> CliResult {
    match command {
        Command::List => list(global, out).await,
        Command::Inspect { file } => inspect(global, out, &file).await,
        Command::New(args) => new(out, args),
        Command::Check(args) => check(global, out, args).await,
    }
}

async fn list(global: &Global, out: &Output) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let runtime = PluginRuntime::new(Some(&data.cache()))?;
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
            writeln!(
                w,
                "{:<14} {:<8} {}  [{}]",
                p.name, p.version, p.description, p.origin
            )?;
        }
        Ok(())
    })?;
    Ok(if problems.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

async fn inspect(global: &Global, out: &Output, file: &Path) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let runtime = PluginRuntime::new(Some(&data.cache()))?;
    let p = load_file(&runtime, file).await?;
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
        let hosts = if summary.hosts.is_empty() {
            "none (no network)".to_string()
        } else {
            summary.hosts.join(", ")
        };
        writeln!(w, "hosts:       {hosts}")?;
        if let Some(s) = &summary.config_schema {
            writeln!(
                w,
                "config schema:\n{}",
                serde_json::to_string_pretty(s).unwrap_or_default()
            )?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

// ---------------------------------------------------------------- check

async fn check(global: &Global, out: &Output, args: CheckArgs) -> CliResult {
    let bytes = std::fs::read(&args.file).map_err(|e| {
        CliError::usage(anyhow::anyhow!(
            "could not read the plugin file {}: {e}",
            args.file.display()
        ))
    })?;
    for input in &args.input {
        if !input.is_file() {
            return Err(CliError::usage(anyhow::anyhow!(
                "--input {} is not a file",
                input.display()
            )));
        }
    }
    let server =
        match &args.site {
            Some(dir) if dir.is_dir() => Some(SiteServer::serve_dir(dir).await.map_err(|e| {
                anyhow::anyhow!("could not serve {} on loopback: {e}", dir.display())
            })?),
            Some(dir) => {
                return Err(CliError::usage(anyhow::anyhow!(
                    "--site {} is not a directory",
                    dir.display()
                )));
            }
            None => None,
        };
    let given = plugin_config_text(global)?;
    let config_text = match &server {
        Some(s) => given.replace("{site}", &format!("http://{}", s.addr())),
        None if given.contains("{site}") => {
            return Err(CliError::usage(anyhow::anyhow!(
                "the config mentions {{site}} but no --site folder was given"
            )));
        }
        None => given,
    };
    let config: serde_json::Value = serde_json::from_str(&config_text)
        .map_err(|e| CliError::usage(anyhow::anyhow!("--config is not JSON: {e}")))?;

    let mut granted = args.grant.clone();
    if let Some(s) = &server {
        granted.push(s.addr().to_string());
    }
    let options = CheckOptions {
        config,
        granted_hosts: granted,
        inputs: args.input.clone(),
        max_pages: args.max_pages.max(1),
        limits: CallLimits {
            time: Duration::from_secs(args.time_budget.max(1)),
            memory_bytes: usize::try_from(args.memory_mib.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
        },
        scrubber: Some(scrubber()?),
        ..CheckOptions::default()
    };

    // Compiled code is cached only where the operator said a data directory
    // is (or HEARKEN_PLUGIN_CACHE): a check run in a plugin's own folder
    // should not leave a `hearken-data/` behind.
    let explicit = global.data.is_some()
        || std::env::var_os("HEARKEN_PLUGIN_CACHE").is_some_and(|v| !v.is_empty());
    let cache = explicit.then(|| global.data_dir(None).cache());
    let runtime = PluginRuntime::new(cache.as_deref())?;

    let origin = args.file.display().to_string();
    let report = check_bytes(&runtime, &bytes, &origin, &options).await;
    drop(server);
    out.emit(&report, |w| write_report(w, &report, &origin))?;
    Ok(if report.passed {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// The plugin config `check` was given through the global `--config` (see
/// [`CheckArgs`]): JSON text, a `.json` file, or `{}` when the flag names a
/// `.toml` file (its default, `hearken.toml`, included).
fn plugin_config_text(global: &Global) -> Result<String, CliError> {
    let raw = global.config.to_string_lossy();
    if raw.trim_start().starts_with('{') {
        return Ok(raw.into_owned());
    }
    if global.config.extension().is_some_and(|e| e == "toml") {
        return Ok("{}".into());
    }
    std::fs::read_to_string(&global.config).map_err(|e| {
        CliError::usage(anyhow::anyhow!(
            "--config {} is neither a JSON object nor a readable JSON file: {e}",
            global.config.display()
        ))
    })
}

/// The de-identifier over plugin log lines and error messages, as in a real
/// run: a check may point at recorded pages with real people in them.
fn scrubber() -> Result<Scrubber, CliError> {
    let deid = hearken_deid::Deidentifier::new(&hearken_deid::Policy::default())?;
    Ok(Arc::new(move |s: &str| deid.redact(s, &[]).text))
}

fn write_report(
    w: &mut dyn std::io::Write,
    report: &CheckReport,
    origin: &str,
) -> std::io::Result<()> {
    match &report.plugin {
        Some(p) => writeln!(w, "plugin check: {} {} ({})", p.name, p.version, p.origin)?,
        None => writeln!(w, "plugin check: {origin}")?,
    }
    writeln!(w)?;
    for c in &report.checks {
        writeln!(w, "  {}  {:<14} {}", c.outcome.label(), c.name, c.summary)?;
        for p in &c.problems {
            writeln!(w, "        - {p}")?;
        }
    }
    writeln!(w)?;
    let c = &report.counts;
    writeln!(
        w,
        "runs: {} call(s) and {} record(s) from no cursor; {} record(s) when resumed; {} request(s) allowed, {} denied",
        c.pages, c.records, c.resumed_records, c.requests_allowed, c.requests_denied
    )?;
    writeln!(
        w,
        "{}: {} passed, {} failed, {} skipped",
        if report.passed { "PASSED" } else { "FAILED" },
        report.count(Outcome::Pass),
        report.count(Outcome::Fail),
        report.count(Outcome::Skip)
    )
}

// ---------------------------------------------------------------- new

/// The template, embedded: (path in the new crate, contents). `.tmpl` files
/// have `{{…}}` placeholders; fixtures are copied as they are.
const TEMPLATE: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        include_str!("../../templates/plugin/Cargo.toml.tmpl"),
    ),
    (
        "rust-toolchain.toml",
        include_str!("../../templates/plugin/rust-toolchain.toml.tmpl"),
    ),
    (
        "README.md",
        include_str!("../../templates/plugin/README.md.tmpl"),
    ),
    (
        ".gitignore",
        include_str!("../../templates/plugin/gitignore.tmpl"),
    ),
    (
        "src/lib.rs",
        include_str!("../../templates/plugin/src/lib.rs.tmpl"),
    ),
    (
        "fixtures/site/feed.json",
        include_str!("../../templates/plugin/fixtures/site/feed.json"),
    ),
    (
        "fixtures/site/feed-2.json",
        include_str!("../../templates/plugin/fixtures/site/feed-2.json"),
    ),
];

/// The workspace's toolchain file, for the channel the new crate pins.
const WORKSPACE_TOOLCHAIN: &str = include_str!("../../../rust-toolchain.toml");

fn new(out: &Output, args: NewArgs) -> CliResult {
    validate_name(&args.name).map_err(|why| {
        CliError::usage(anyhow::anyhow!(
            "`{}` is not a usable plugin name: {why}",
            args.name
        ))
    })?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if dir.exists() {
        let empty = std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(CliError::usage(anyhow::anyhow!(
                "{} already exists and is not an empty directory; pick another --dir",
                dir.display()
            )));
        }
    }

    let (sdk, sdk_found) = sdk_path();
    let written = write_crate(&dir, &args.name, &sdk, sdk_found)?;
    let crate_name = args.name.replace('-', "_");
    let summary = NewSummary {
        name: args.name.clone(),
        dir: dir.clone(),
        files: written,
        sdk: sdk.clone(),
        sdk_found,
        next: vec![
            format!("cd {}", dir.display()),
            "cargo test".into(),
            "cargo build --release --target wasm32-wasip2".into(),
            format!(
                "hearken plugin check target/wasm32-wasip2/release/{crate_name}.wasm --site fixtures/site --config '{{\"url\": \"{{site}}/feed.json\"}}'"
            ),
        ],
    };
    out.emit(&summary, |w| {
        writeln!(
            w,
            "Created plugin `{}` in {}",
            summary.name,
            summary.dir.display()
        )?;
        if !summary.sdk_found {
            writeln!(
                w,
                "warning: the SDK is not at {} (this binary's checkout has moved); edit the path in Cargo.toml (see README.md)",
                summary.sdk.display()
            )?;
        }
        writeln!(w, "\nNext:")?;
        for step in &summary.next {
            writeln!(w, "  {step}")?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

/// A plugin name is the crate's name and the key the host knows the plugin
/// by: kebab-case ASCII, starting with a letter, at most 64 bytes.
fn validate_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("a name is 1 to 64 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("a name starts with a letter a-z");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("a name has only a-z, 0-9 and -");
    }
    if name.ends_with('-') || name.contains("--") {
        return Err("a name's words are joined by single hyphens");
    }
    Ok(())
}

/// The SDK of the checkout this binary was built from, and whether it is
/// still there.
fn sdk_path() -> (PathBuf, bool) {
    let lexical = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/sdk");
    match lexical.canonicalize() {
        Ok(p) if p.join("Cargo.toml").is_file() => (p, true),
        _ => {
            let parent = Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map(|p| p.join("plugins").join("sdk"))
                .unwrap_or(lexical);
            (parent, false)
        }
    }
}

/// The toolchain channel of the workspace, for the new crate's
/// `rust-toolchain.toml`.
fn toolchain_channel() -> &'static str {
    WORKSPACE_TOOLCHAIN
        .lines()
        .filter_map(|l| l.trim().strip_prefix("channel"))
        .filter_map(|rest| rest.trim().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"'))
        .find(|v| !v.is_empty())
        .unwrap_or("stable")
}

/// Fill in the template and write it under `dir`. Returns the files
/// written, relative to `dir`.
fn write_crate(
    dir: &Path,
    name: &str,
    sdk: &Path,
    sdk_found: bool,
) -> Result<Vec<String>, CliError> {
    let sdk_str = sdk.display().to_string();
    let sdk_dependency = format!(
        "hearken-plugin-sdk = {{ path = {} }}",
        toml::Value::String(sdk_str.clone())
    );
    let sdk_note = if sdk_found {
        String::new()
    } else {
        format!(
            "\n> **Note:** when this crate was written, there was no SDK at `{sdk_str}`\n> (the `hearken` binary that wrote it was built from a checkout that has\n> since moved). Point the path at a Hearken checkout's `plugins/sdk` before\n> building.\n"
        )
    };
    let crate_name = name.replace('-', "_");
    let fill = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{crate_name}}", &crate_name)
            .replace("{{sdk_dependency}}", &sdk_dependency)
            .replace("{{sdk_note}}", &sdk_note)
            .replace("{{toolchain}}", toolchain_channel())
    };
    let mut files: Vec<(String, String)> = TEMPLATE
        .iter()
        .map(|(path, text)| {
            let text = if path.starts_with("fixtures/") {
                (*text).to_string()
            } else {
                fill(text)
            };
            ((*path).to_string(), text)
        })
        .collect();
    // The checkout's lock file pins the SDK's dependencies to the versions
    // it is tested with; cargo drops the entries the plugin does not use.
    if sdk_found
        && let Some(lock) = sdk
            .parent()
            .and_then(Path::parent)
            .map(|root| root.join("Cargo.lock"))
            .and_then(|p| std::fs::read_to_string(p).ok())
    {
        files.push(("Cargo.lock".into(), lock));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| anyhow::anyhow!("could not create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("could not write {}: {e}", path.display()))?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_names_are_kebab_case() {
        for ok in ["demo-source", "forum2", "a"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Demo",
            "2fast",
            "demo_source",
            "demo-",
            "de--mo",
            "dé",
            &"a".repeat(65),
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_template_is_filled_in_completely() {
        let dir = tempfile::tempdir().unwrap();
        let (sdk, found) = sdk_path();
        assert!(found, "the SDK should be beside the host in a checkout");
        let files = write_crate(dir.path(), "demo-source", &sdk, found).unwrap();
        for required in [
            "Cargo.toml",
            "rust-toolchain.toml",
            "src/lib.rs",
            "README.md",
            "fixtures/site/feed.json",
        ] {
            assert!(
                files.iter().any(|f| f == required),
                "{required} missing: {files:?}"
            );
        }
        for rel in files.iter().filter(|f| !f.starts_with("fixtures/")) {
            let text = std::fs::read_to_string(dir.path().join(rel)).unwrap();
            assert!(!text.contains("{{"), "{rel} has an unfilled placeholder");
        }
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap())
                .unwrap();
        assert_eq!(manifest["package"]["name"].as_str(), Some("demo-source"));
        assert!(manifest.contains_key("workspace"));
        let sdk_dep = manifest["dependencies"]["hearken-plugin-sdk"]["path"]
            .as_str()
            .unwrap();
        assert!(
            Path::new(sdk_dep).is_absolute() && Path::new(sdk_dep).join("Cargo.toml").is_file()
        );
        let toolchain: toml::Table = toml::from_str(
            &std::fs::read_to_string(dir.path().join("rust-toolchain.toml")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            toolchain["toolchain"]["targets"][0].as_str(),
            Some("wasm32-wasip2")
        );
        assert_eq!(
            toolchain["toolchain"]["channel"].as_str(),
            Some(toolchain_channel())
        );
        assert_ne!(
            toolchain_channel(),
            "stable",
            "the workspace pins a channel"
        );
        let lib = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
        assert!(lib.contains("name: \"demo-source\".into()"));
    }
}
