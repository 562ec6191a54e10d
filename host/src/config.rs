//! `hearken.toml`: the one file an insight team edits.
//!
//! The file names the data directory, the sources (which plugin, what it may
//! reach, its plugin configuration, its limits and schedule), the
//! de-identification policy and the analysis settings. It is parsed with
//! `toml` into typed structs that reject unknown keys, then checked as a
//! whole. Every problem is reported with the file, line and column, and all
//! problems are reported at once (as Vector's `check_shape` does) so that a
//! broken config takes one edit, not five runs.
//!
//! Values that later checks point at (plugin names, granted hosts, plugin
//! configs) are kept as [`toml::Spanned`] so that a check made after parsing
//! — "plugin `forun` does not exist", "host not declared by the plugin" —
//! can still say where in the file the mistake is.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

/// The parsed configuration.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the index, state store, pseudonym key and reports live.
    /// Relative paths are relative to the config file.
    #[serde(default)]
    pub data_dir: Option<PathBuf>,
    /// Sources, by name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceConfig>,
    /// De-identification policy, passed to the de-identification stage.
    #[serde(default)]
    pub deid: Option<toml::Table>,
    /// Analysis settings.
    #[serde(default)]
    pub analysis: AnalysisConfig,
    /// Ingestion settings shared by all sources.
    #[serde(default)]
    pub ingest: IngestConfig,
}

/// One source: a plugin pointed at one site or set of files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// The plugin's name, as `hearken plugin list` shows it.
    pub plugin: Spanned<String>,
    /// Hosts the operator grants this source (`host`, `host:port`,
    /// `*.domain`). The plugin must also declare them.
    #[serde(default)]
    pub grant_hosts: Vec<Spanned<String>>,
    /// Files the plugin may read through `read-input`. Relative paths are
    /// relative to the config file.
    #[serde(default)]
    pub inputs: Vec<PathBuf>,
    /// The plugin's own configuration, checked against its JSON schema.
    #[serde(default)]
    pub config: Option<Spanned<toml::Table>>,
    /// When `hearken daemon` runs it: `every 6h`, `every 30m`, or a cron
    /// expression. Ignored by `hearken run`.
    #[serde(default)]
    pub schedule: Option<Spanned<String>>,
    /// Least milliseconds between two requests to one host.
    #[serde(default = "default_min_interval_ms")]
    pub min_interval_ms: u64,
    /// Seconds one request may take.
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u64,
    /// Largest response body, in MiB.
    #[serde(default = "default_max_response_mib")]
    pub max_response_mib: u64,
    /// Wall-clock budget of one plugin call, in seconds.
    #[serde(default = "default_time_budget_secs")]
    pub time_budget_secs: u64,
    /// Memory cap of the plugin, in MiB.
    #[serde(default = "default_memory_mib")]
    pub memory_mib: u64,
    /// Most `fetch` calls in one run (a guard against a plugin that never
    /// says it is exhausted).
    #[serde(default = "default_max_pages")]
    pub max_pages: u64,
    /// Whether robots.txt is obeyed. Only for sites you operate.
    #[serde(default = "default_true")]
    pub obey_robots: bool,
    /// How many times a `fetch` call that failed transiently (the site
    /// answered 429 or 5xx, a request timed out, the call ran past its time
    /// budget) is tried again within one run before the run ends failed.
    /// 0 turns retries off.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// The first retry's delay in milliseconds; each later retry doubles it
    /// (with jitter). A `Retry-After` from the site is honoured when longer.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

const fn default_min_interval_ms() -> u64 {
    250
}
const fn default_request_timeout_secs() -> u64 {
    30
}
const fn default_max_response_mib() -> u64 {
    8
}
const fn default_time_budget_secs() -> u64 {
    120
}
const fn default_memory_mib() -> u64 {
    256
}
const fn default_max_pages() -> u64 {
    10_000
}
const fn default_true() -> bool {
    true
}
const fn default_retries() -> u32 {
    3
}
const fn default_backoff_ms() -> u64 {
    500
}

impl SourceConfig {
    /// A source for `plugin` with default limits and no grants.
    pub fn new(plugin: &str) -> Self {
        Self {
            plugin: Spanned::new(0..0, plugin.to_string()),
            grant_hosts: Vec::new(),
            inputs: Vec::new(),
            config: None,
            schedule: None,
            min_interval_ms: default_min_interval_ms(),
            request_timeout_secs: default_request_timeout_secs(),
            max_response_mib: default_max_response_mib(),
            time_budget_secs: default_time_budget_secs(),
            memory_mib: default_memory_mib(),
            max_pages: default_max_pages(),
            obey_robots: true,
            retries: default_retries(),
            backoff_ms: default_backoff_ms(),
        }
    }

    /// The plugin configuration as JSON (an empty object if none).
    pub fn plugin_config_json(&self) -> serde_json::Value {
        match &self.config {
            Some(table) => serde_json::to_value(table.get_ref()).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Object(Default::default()),
        }
    }

    /// The per-call time budget.
    pub fn time_budget(&self) -> Duration {
        Duration::from_secs(self.time_budget_secs)
    }
}

/// Analysis settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisConfig {
    /// Languages the sources are expected to be in (ISO 639-1).
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    /// A codebook TOML file replacing the built-in trial codebook.
    #[serde(default)]
    pub codebook: Option<PathBuf>,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            languages: default_languages(),
            codebook: None,
        }
    }
}

fn default_languages() -> Vec<String> {
    vec!["en".to_string()]
}

/// Ingestion settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    /// How many sources run at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Longest time, in milliseconds, a run holds indexed documents before
    /// committing them with its cursor (it also commits every 2,000
    /// documents and at its end). Shorter: a crash re-fetches less; longer:
    /// fewer index commits (each one writes a segment and syncs it).
    #[serde(default = "default_commit_interval_ms")]
    pub commit_interval_ms: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            concurrency: default_concurrency(),
            commit_interval_ms: default_commit_interval_ms(),
        }
    }
}

const fn default_concurrency() -> usize {
    4
}

const fn default_commit_interval_ms() -> u64 {
    5_000
}

/// A problem in the config file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: String,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
}

/// The config could not be used. Displays every problem with file, line,
/// column and the offending line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("could not read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file has problems.
    #[error("{}", render_problems(path, source_text, problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Its text, for rendering locations.
        source_text: String,
        /// Everything wrong with it.
        problems: Vec<Problem>,
    },
}

impl Config {
    /// Read and parse `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parse config text; `path` is used in messages and to resolve
    /// relative paths.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            source_text: text.to_string(),
            problems: vec![Problem {
                message: e.message().to_string(),
                span: e.span(),
            }],
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut problems = Vec::new();
        for (name, source) in &mut config.sources {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                problems.push(Problem {
                    message: format!(
                        "source name `{name}` may only use letters, digits, `-` and `_`"
                    ),
                    span: Some(source.plugin.span()),
                });
            }
            for input in &mut source.inputs {
                if input.is_relative() {
                    *input = base.join(&*input);
                }
            }
            if let Some(schedule) = &source.schedule
                && let Err(e) = crate::schedule::Schedule::parse(schedule.get_ref())
            {
                problems.push(Problem {
                    message: format!("source `{name}`: {e}"),
                    span: Some(schedule.span()),
                });
            }
        }
        if let Some(dir) = &mut config.data_dir
            && dir.is_relative()
        {
            *dir = base.join(&*dir);
        }
        if let Some(codebook) = &mut config.analysis.codebook
            && codebook.is_relative()
        {
            *codebook = base.join(&*codebook);
        }
        if config.ingest.concurrency == 0 {
            problems.push(Problem {
                message: "ingest.concurrency must be at least 1".into(),
                span: None,
            });
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                source_text: text.to_string(),
                problems,
            })
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Render problems as `path:line:col: message` with the line and a caret.
pub fn render_problems(path: &Path, text: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    let n = problems.len();
    out.push_str(&format!(
        "{} has {} problem{}:",
        path.display(),
        n,
        if n == 1 { "" } else { "s" }
    ));
    for p in problems {
        out.push('\n');
        match &p.span {
            Some(span) => {
                let (line, col) = line_col(text, span.start);
                let line_text = text.lines().nth(line - 1).unwrap_or("");
                let width = text
                    .get(span.clone())
                    .map(|s| s.lines().next().unwrap_or("").chars().count())
                    .unwrap_or(1)
                    .max(1);
                out.push_str(&format!(
                    "  --> {}:{line}:{col}: {}\n   |\n{line:>3}| {line_text}\n   | {}{}",
                    path.display(),
                    p.message,
                    " ".repeat(col - 1),
                    "^".repeat(width)
                ));
            }
            None => out.push_str(&format!("  --> {}: {}", path.display(), p.message)),
        }
    }
    out
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/hearken/hearken.toml"))
    }

    #[test]
    fn parses_sources_with_defaults_and_resolves_paths() {
        let c = parse(
            r#"
data_dir = "data"
[sources.board]
plugin = "transcripts"
inputs = ["t/a.vtt"]
[sources.board.config]
files = ["a.vtt"]
"#,
        )
        .unwrap();
        assert_eq!(c.data_dir.as_deref(), Some(Path::new("/etc/hearken/data")));
        let board = &c.sources["board"];
        assert_eq!(board.plugin.get_ref(), "transcripts");
        assert_eq!(board.inputs, vec![PathBuf::from("/etc/hearken/t/a.vtt")]);
        assert_eq!(board.min_interval_ms, 250);
        assert_eq!(
            board.plugin_config_json(),
            serde_json::json!({"files": ["a.vtt"]})
        );
    }

    #[test]
    fn unknown_key_is_reported_with_line_and_column() {
        let err = parse("[sources.board]\nplugin = \"forum\"\ngrant_host = [\"x\"]\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("hearken.toml:3:1"), "{msg}");
        assert!(msg.contains("unknown field `grant_host`"), "{msg}");
        assert!(msg.contains("^^^^^^^^^^"), "{msg}");
    }

    #[test]
    fn wrong_type_is_reported() {
        let err =
            parse("[sources.board]\nplugin = \"forum\"\nmin_interval_ms = \"fast\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(":3:19"), "{msg}");
        assert!(msg.contains("invalid type"), "{msg}");
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let err = parse(
            "[sources.\"bad name\"]\nplugin = \"forum\"\n[sources.ok]\nplugin = \"posts\"\nschedule = \"sometimes\"\n[ingest]\nconcurrency = 0\n",
        )
        .unwrap_err();
        let ConfigError::Invalid { problems, .. } = err else {
            panic!("expected Invalid")
        };
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
