//! `hearken plugin check`: a conformance run of one plugin inside the sandbox.
//!
//! A plugin author's question is "will the host accept what my plugin does?",
//! and the only honest answer runs the plugin the way ingestion does: the
//! same [`PluginRuntime`] (time budget, memory cap, import check), the same
//! [`HttpGate`] (two-key host rule, robots.txt, size cap), the same batch
//! contract check ([`crate::ingest::check_batch`]). The difference is what
//! happens to the records: nothing. They are counted and compared, never
//! analysed, indexed or stored, so a check leaves no state behind and needs
//! no data directory.
//!
//! The run, in order, each step a named [`Check`] in the [`CheckReport`]:
//!
//! 1. `load` — the component compiles, imports only what the sandbox links,
//!    and implements the `source` world.
//! 2. `describe` — a usable name, version, description and host list.
//! 3. `config-schema` — the schema is a valid JSON Schema (checked against
//!    its meta-schema by `jsonschema`).
//! 4. `config` — the config given to the check fits that schema.
//! 5. `fetch` — every call returned a batch (no trap, no time-budget or
//!    memory-cap stop, no error of the plugin's own).
//! 6. `paging` — a run from no cursor ends with `exhausted` within a bound on
//!    calls, and never hands back a cursor it already returned.
//! 7. `records` — every batch passes the contract check ingestion applies
//!    (non-empty ids, absolute URLs, RFC 3339 times, …), ids are unique
//!    across the whole run, and there was at least one record to check.
//! 8. `resume` — a run resumed from the final cursor yields no record the
//!    first run yielded (the next scheduled run), and, when the first run went
//!    on after its first page with records, a run resumed from the cursor
//!    after that page yields none of the records up to it (recovery after a
//!    crash mid-run).
//! 9. `hosts` — the gate denied nothing: the plugin asked only for hosts it
//!    declared and the check granted (and robots.txt allowed).
//!
//! A step whose input is missing (no config to validate because the schema
//! is broken, no run to resume because fetching failed) is *skipped*, not
//! failed, so the report names the first cause rather than its echoes. The
//! report passes when nothing failed.
//!
//! Records are raw, pre-de-identification text. Nothing here quotes one: a
//! problem names a page, a record index and (when it looks like an id) the
//! record's id, as [`crate::ingest`]'s messages do.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::bindings::Batch;
use super::gate::{AuditSink, Decision, HttpGate, MemoryAudit, NetworkPolicy, Requester};
use super::{CallContext, CallLimits, LoadedPlugin, PluginError, PluginRuntime, Scrubber};

/// The source name requests are audited under during a check.
pub const CHECK_SOURCE: &str = "plugin-check";

/// Problems listed per check before the rest are counted instead.
const MAX_PROBLEMS: usize = 8;

/// How to run a check.
#[derive(Clone)]
pub struct CheckOptions {
    /// The source configuration passed to `fetch` (already with any `{site}`
    /// substituted).
    pub config: serde_json::Value,
    /// Hosts the check grants, as an operator would (`host`, `host:port`,
    /// `*.domain`, `*`).
    pub granted_hosts: Vec<String>,
    /// Input files the check grants to `read-input`.
    pub inputs: Vec<PathBuf>,
    /// Most `fetch` calls in one run before paging is called endless.
    pub max_pages: u32,
    /// Limits of each call.
    pub limits: CallLimits,
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: u64,
    /// Whether robots.txt is obeyed (as in production, by default).
    pub obey_robots: bool,
    /// De-identifies the plugin's log lines and error messages. Without one
    /// they are withheld (only their length is shown).
    pub scrubber: Option<Scrubber>,
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("granted_hosts", &self.granted_hosts)
            .field("inputs", &self.inputs)
            .field("max_pages", &self.max_pages)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            config: serde_json::Value::Object(serde_json::Map::new()),
            granted_hosts: Vec::new(),
            inputs: Vec::new(),
            max_pages: 200,
            limits: CallLimits::default(),
            max_response_bytes: NetworkPolicy::default().max_response_bytes,
            obey_robots: true,
            scrubber: None,
        }
    }
}

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It held.
    Pass,
    /// It did not; the check's problems say why.
    Fail,
    /// It could not run because an earlier check failed.
    Skip,
}

impl Outcome {
    /// `PASS`, `FAIL` or `SKIP`, for the text report.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        }
    }
}

/// One named check and its result.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Its name: `load`, `describe`, `config-schema`, `config`, `fetch`,
    /// `paging`, `records`, `resume` or `hosts`.
    pub name: &'static str,
    /// How it ended.
    pub outcome: Outcome,
    /// One line: what was checked and found.
    pub summary: String,
    /// Each thing that went wrong (empty when it passed).
    pub problems: Vec<String>,
}

/// What the plugin said about itself.
#[derive(Debug, Clone, Serialize)]
pub struct PluginFacts {
    /// Name from `describe()`.
    pub name: String,
    /// Version from `describe()`.
    pub version: String,
    /// Declared hosts.
    pub hosts: Vec<String>,
    /// Where it was loaded from.
    pub origin: String,
}

/// Counts from the runs the check made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunCounts {
    /// `fetch` calls in the first run (from no cursor).
    pub pages: u32,
    /// Records in the first run.
    pub records: u64,
    /// Records yielded by the resumed runs.
    pub resumed_records: u64,
    /// Requests the gate let through (robots.txt included).
    pub requests_allowed: u64,
    /// Requests the gate refused.
    pub requests_denied: u64,
}

/// The result of `plugin check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The plugin, when it loaded.
    pub plugin: Option<PluginFacts>,
    /// Every check, in the order run.
    pub checks: Vec<Check>,
    /// What the runs did.
    pub counts: RunCounts,
    /// True when no check failed.
    pub passed: bool,
}

impl CheckReport {
    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// Checks with this outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.checks.iter().filter(|c| c.outcome == outcome).count()
    }

    fn push(
        &mut self,
        name: &'static str,
        outcome: Outcome,
        summary: String,
        problems: Vec<String>,
    ) {
        if outcome == Outcome::Fail {
            self.passed = false;
        }
        self.checks.push(Check {
            name,
            outcome,
            summary,
            problems,
        });
    }

    fn pass(&mut self, name: &'static str, summary: String) {
        self.push(name, Outcome::Pass, summary, Vec::new());
    }

    fn fail(&mut self, name: &'static str, summary: impl Into<String>, problems: Vec<String>) {
        self.push(name, Outcome::Fail, summary.into(), problems);
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.push(name, Outcome::Skip, why.to_string(), Vec::new());
    }

    fn skip_rest(&mut self, names: &[&'static str], why: &str) {
        for name in names {
            self.skip(name, why);
        }
    }

    /// Skip every check after `name` (which has just failed).
    fn skip_after(&mut self, name: &str, why: &str) {
        let from = AFTER_LOAD
            .iter()
            .position(|n| *n == name)
            .map_or(AFTER_LOAD.len(), |i| i + 1);
        self.skip_rest(&AFTER_LOAD[from..], why);
    }
}

/// Every check after `load`, in order (for skipping the rest).
const AFTER_LOAD: &[&str] = &[
    "describe",
    "config-schema",
    "config",
    "fetch",
    "paging",
    "records",
    "resume",
    "hosts",
];

/// Load `bytes` as a plugin and check it. A plugin that does not load gets
/// a report whose `load` (or `describe`) check failed, not an error.
pub async fn check_bytes(
    runtime: &PluginRuntime,
    bytes: &[u8],
    origin: &str,
    options: &CheckOptions,
) -> CheckReport {
    match runtime.load(bytes, origin).await {
        Ok(plugin) => check_plugin(runtime, &plugin, options).await,
        Err(e) => {
            let mut report = empty_report();
            let describe_failed = matches!(&e, PluginError::Invalid { reason, .. } if reason.starts_with("describe() returned"));
            if describe_failed {
                report.pass(
                    "load",
                    "the component compiles and links against the sandbox".into(),
                );
                report.fail("describe", "describe() is not usable", vec![e.to_string()]);
                report.skip_after("describe", "skipped: describe() failed");
            } else {
                report.fail("load", "the component does not load", vec![e.to_string()]);
                report.skip_rest(AFTER_LOAD, "skipped: the component did not load");
            }
            report
        }
    }
}

fn empty_report() -> CheckReport {
    CheckReport {
        plugin: None,
        checks: Vec::new(),
        counts: RunCounts::default(),
        passed: true,
    }
}

/// Check a loaded plugin: describe, schema, config, a full run, resumed
/// runs, and the gate's audit. Never returns an error: every failure is a
/// failed check in the report.
pub async fn check_plugin(
    runtime: &PluginRuntime,
    plugin: &LoadedPlugin,
    options: &CheckOptions,
) -> CheckReport {
    let mut report = empty_report();
    let info = &plugin.info;
    report.plugin = Some(PluginFacts {
        name: info.name.clone(),
        version: info.version.clone(),
        hosts: info.hosts.clone(),
        origin: plugin.origin.clone(),
    });
    report.pass(
        "load",
        "the component compiles, imports only what the sandbox links, and implements hearken:source@0.1.0".into(),
    );

    // describe
    let problems = describe_problems(info);
    if problems.is_empty() {
        let hosts = if info.hosts.is_empty() {
            "none (no network)".to_string()
        } else {
            info.hosts.join(", ")
        };
        report.pass(
            "describe",
            format!(
                "name `{}`, version {}, hosts: {hosts}",
                info.name, info.version
            ),
        );
    } else {
        report.fail("describe", "describe() is not usable", problems);
    }

    // config-schema
    let schema_text = info.config_schema.clone();
    let compiled = tokio::task::spawn_blocking(move || compile_schema(&schema_text)).await;
    let validator = match compiled {
        Ok(Ok(v)) => {
            report.pass(
                "config-schema",
                "the config schema is a valid JSON Schema (draft 2020-12)".into(),
            );
            v
        }
        Ok(Err(problem)) => {
            report.fail(
                "config-schema",
                "the config schema is not a valid JSON Schema",
                vec![problem],
            );
            report.skip_after("config-schema", "skipped: no usable config schema");
            return report;
        }
        Err(e) => {
            report.fail(
                "config-schema",
                "the schema check did not finish",
                vec![e.to_string()],
            );
            report.skip_after("config-schema", "skipped: no usable config schema");
            return report;
        }
    };

    // config
    let config_errors: Vec<String> = validator
        .iter_errors(&options.config)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("at `{at}`: {e}")
            }
        })
        .collect();
    if config_errors.is_empty() {
        report.pass("config", "the config fits the schema".into());
    } else {
        report.fail(
            "config",
            "the config does not fit the schema (pass one with --config)",
            limit(config_errors),
        );
        report.skip_after("config", "skipped: the config does not fit the schema");
        return report;
    }

    // The runs.
    let audit = Arc::new(MemoryAudit::default());
    let gate = match HttpGate::new(audit.clone() as Arc<dyn AuditSink>) {
        Ok(g) => Arc::new(g),
        Err(e) => {
            report.fail(
                "fetch",
                "the HTTP gate could not be set up",
                vec![e.to_string()],
            );
            report.skip_after("fetch", "skipped: no HTTP gate");
            return report;
        }
    };
    let ctx = CallContext {
        gate: Some(gate),
        requester: Requester {
            source: CHECK_SOURCE.to_string(),
            plugin: info.name.clone(),
            declared: info.hosts.clone(),
            run_id: None,
        },
        network: NetworkPolicy {
            granted: options.granted_hosts.clone(),
            max_response_bytes: options.max_response_bytes,
            timeout: Duration::from_secs(30),
            min_interval: Duration::ZERO,
            obey_robots: options.obey_robots,
        },
        inputs: Arc::new(options.inputs.clone()),
        max_input_bytes: 64 * 1024 * 1024,
        scrubber: options.scrubber.clone(),
    };
    let config_json = options.config.to_string();
    let runner = Runner {
        runtime,
        plugin,
        ctx,
        limits: options.limits,
        config: &config_json,
        max_pages: options.max_pages,
    };

    let first = runner.run(None).await;
    report.counts.pages = first.pages.len() as u32;
    report.counts.records = first.pages.iter().map(|p| p.ids.len() as u64).sum();
    let first_ok = judge_first_run(&mut report, &first, options.max_pages);

    // resume: only from a clean run, and only over ids that mean something.
    let records_failed = report
        .check("records")
        .is_some_and(|c| c.outcome == Outcome::Fail && report.counts.records > 0);
    if first_ok && records_failed {
        report.skip("resume", "skipped: the records break the contract");
    } else if first_ok {
        // Each id with the first page that yielded it.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (page, p) in first.pages.iter().enumerate() {
            for id in &p.ids {
                seen.entry(id.as_str()).or_insert(page + 1);
            }
        }
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        let final_cursor = first.pages.last().and_then(|p| p.cursor_after.clone());
        let resumed = runner.run(final_cursor.as_deref()).await;
        report.counts.resumed_records += resumed.record_count();
        resume_problems(
            &resumed,
            "from the final cursor",
            &seen,
            usize::MAX,
            &mut problems,
        );
        notes.push(format!(
            "from the final cursor: {} record(s) in {} call(s)",
            resumed.record_count(),
            resumed.pages.len()
        ));
        // The crash-recovery path: resume from the cursor after the first
        // page that yielded records (if it was not the last page).
        let mid = first
            .pages
            .iter()
            .position(|p| !p.ids.is_empty())
            .filter(|&i| i + 1 < first.pages.len());
        if let Some(i) = mid {
            let what = format!("from the cursor after page {}", i + 1);
            let resumed = runner.run(first.pages[i].cursor_after.as_deref()).await;
            report.counts.resumed_records += resumed.record_count();
            resume_problems(&resumed, &what, &seen, i + 1, &mut problems);
            notes.push(format!(
                "{what}: {} record(s) in {} call(s)",
                resumed.record_count(),
                resumed.pages.len()
            ));
        }
        if problems.is_empty() {
            report.pass(
                "resume",
                format!("no record yielded twice; {}", notes.join("; ")),
            );
        } else {
            report.fail(
                "resume",
                "a resumed run repeated or failed",
                limit(problems),
            );
        }
    } else {
        report.skip("resume", "skipped: the first run did not finish cleanly");
    }

    // hosts
    let entries = audit.entries();
    let denied: Vec<String> = entries
        .iter()
        .filter(|e| e.decision == Decision::Denied)
        .map(|e| {
            let why = e.reason.as_deref().unwrap_or("no reason given");
            if why.contains("is not declared by plugin") {
                format!("asked for undeclared host {} ({}): {why}", e.host, e.path)
            } else {
                format!("request to {}{} denied: {why}", e.host, e.path)
            }
        })
        .collect();
    report.counts.requests_denied = denied.len() as u64;
    report.counts.requests_allowed = entries
        .iter()
        .filter(|e| e.decision == Decision::Allowed)
        .count() as u64;
    if denied.is_empty() {
        report.pass(
            "hosts",
            format!(
                "{} request(s), all to declared and granted hosts",
                report.counts.requests_allowed
            ),
        );
    } else {
        let undeclared = denied
            .iter()
            .any(|d| d.starts_with("asked for undeclared host"));
        let summary = if undeclared {
            "the plugin asked for a host it does not declare"
        } else {
            "the gate denied requests (not granted to the check, or disallowed by robots.txt)"
        };
        report.fail("hosts", summary, limit(denied));
    }
    report
}

/// Problems with what `describe()` returned. Loading already refused a bad
/// name or version; this adds what loading tolerates but a plugin list
/// should not show.
fn describe_problems(info: &super::bindings::PluginInfo) -> Vec<String> {
    let mut problems = Vec::new();
    if info.name.starts_with('-') || info.name.ends_with('-') || info.name.contains("--") {
        problems.push(format!(
            "name {:?} should be kebab-case: words of a-z and 0-9 joined by single hyphens",
            info.name
        ));
    }
    if info.description.trim().is_empty() {
        problems.push("description is empty; `hearken plugin list` shows it".into());
    }
    for host in &info.hosts {
        if let Err(why) = host_pattern_problem(host) {
            problems.push(format!("declared host {host:?}: {why}"));
        }
    }
    problems
}

/// Whether a declared host is a pattern the gate understands: `*`,
/// `*.domain`, `host` or `host:port` (no scheme, path or user info).
fn host_pattern_problem(host: &str) -> Result<(), String> {
    let h = host.trim();
    if h == "*" {
        return Ok(());
    }
    let bare = h.strip_prefix("*.").unwrap_or(h);
    if bare.is_empty() || bare.contains(['/', '@', '?', '#', ' ']) || bare.contains("://") {
        return Err("expected `*`, `*.domain`, `host` or `host:port`".into());
    }
    match url::Url::parse(&format!("http://{bare}/")) {
        Ok(u) if u.host_str().is_some() => Ok(()),
        _ => Err("not a host name".into()),
    }
}

/// Compile the schema, checking it against its meta-schema first.
fn compile_schema(text: &str) -> Result<jsonschema::Validator, String> {
    let schema: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the schema is not JSON ({e})"))?;
    if let Some(uri) = schema.get("$schema").and_then(|s| s.as_str())
        && uri.trim_end_matches('#') != "https://json-schema.org/draft/2020-12/schema"
    {
        return Err(format!(
            "the schema declares `$schema` {uri:?}; the contract asks for draft 2020-12"
        ));
    }
    jsonschema::validator_for(&schema).map_err(|e| {
        let at = e.instance_path().to_string();
        if at.is_empty() {
            format!("{e}")
        } else {
            format!("at `{at}`: {e}")
        }
    })
}

/// One page of a run: the ids it yielded and the cursor after it.
struct PageSeen {
    ids: Vec<String>,
    /// The cursor the host would keep after this page.
    cursor_after: Option<String>,
    /// The contract problem in this batch, if any.
    contract: Option<String>,
}

/// How a run ended.
enum RunEnd {
    /// A batch said `exhausted`.
    Exhausted,
    /// A call failed.
    Failed(PluginError),
    /// A page returned a cursor an earlier page had returned, without
    /// `exhausted`.
    RepeatedCursor { page: usize },
    /// `max_pages` calls and still not exhausted.
    Bound,
}

/// One run: pages until exhausted, failure, or the bound.
struct Run {
    pages: Vec<PageSeen>,
    end: RunEnd,
}

impl Run {
    fn record_count(&self) -> u64 {
        self.pages.iter().map(|p| p.ids.len() as u64).sum()
    }
}

struct Runner<'a> {
    runtime: &'a PluginRuntime,
    plugin: &'a LoadedPlugin,
    ctx: CallContext,
    limits: CallLimits,
    config: &'a str,
    max_pages: u32,
}

impl Runner<'_> {
    /// Fetch from `start` the way ingestion does: `None` in a batch keeps
    /// the cursor, and the run stops at `exhausted`.
    async fn run(&self, start: Option<&str>) -> Run {
        let mut cursor = start.map(str::to_string);
        let mut pages = Vec::new();
        let mut seen_cursors: HashSet<Option<String>> = HashSet::new();
        for page in 0..self.max_pages {
            let batch: Batch = match self
                .runtime
                .fetch(
                    self.plugin,
                    self.ctx.clone(),
                    self.limits,
                    self.config,
                    cursor.as_deref(),
                )
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    return Run {
                        pages,
                        end: RunEnd::Failed(e),
                    };
                }
            };
            let contract =
                crate::ingest::check_batch(&self.plugin.info.name, u64::from(page), &batch)
                    .err()
                    .map(|e| match e {
                        PluginError::Contract { reason, .. } => reason,
                        other => other.to_string(),
                    });
            if let Some(next) = batch.cursor.clone() {
                cursor = Some(next);
            }
            pages.push(PageSeen {
                ids: batch.records.iter().map(|r| r.id.clone()).collect(),
                cursor_after: cursor.clone(),
                contract,
            });
            if batch.exhausted {
                return Run {
                    pages,
                    end: RunEnd::Exhausted,
                };
            }
            if !seen_cursors.insert(cursor.clone()) {
                return Run {
                    pages,
                    end: RunEnd::RepeatedCursor {
                        page: page as usize + 1,
                    },
                };
            }
        }
        Run {
            pages,
            end: RunEnd::Bound,
        }
    }
}

/// The `fetch`, `paging` and `records` checks of the first run. True when
/// the run is clean enough to resume from.
fn judge_first_run(report: &mut CheckReport, run: &Run, max_pages: u32) -> bool {
    let calls = run.pages.len() + usize::from(matches!(run.end, RunEnd::Failed(_)));
    match &run.end {
        RunEnd::Failed(e) => {
            report.fail("fetch", format!("call {calls} failed"), vec![e.to_string()])
        }
        _ => report.pass(
            "fetch",
            format!("{calls} call(s), each returned a batch within its limits"),
        ),
    }
    match &run.end {
        RunEnd::Exhausted => report.pass(
            "paging",
            format!("exhausted after {calls} call(s) (bound {max_pages})"),
        ),
        RunEnd::Bound => report.fail(
            "paging",
            "paging did not end",
            vec![format!(
                "{max_pages} calls and no batch said `exhausted`; raise --max-pages if the fixture is that large"
            )],
        ),
        RunEnd::RepeatedCursor { page } => report.fail(
            "paging",
            "paging did not end",
            vec![format!(
                "page {page} returned a cursor an earlier page had returned, without saying it was exhausted"
            )],
        ),
        RunEnd::Failed(_) => report.skip("paging", "skipped: a call failed before paging ended"),
    }

    let mut problems: Vec<String> = run
        .pages
        .iter()
        .filter_map(|p| p.contract.clone())
        .collect();
    let mut first_page: HashMap<&str, usize> = HashMap::new();
    for (i, page) in run.pages.iter().enumerate() {
        // Within-batch duplicates are the contract check's; this is across
        // batches.
        let mut in_page: HashSet<&str> = HashSet::new();
        for id in &page.ids {
            if !in_page.insert(id.as_str()) {
                continue;
            }
            if let Some(earlier) = first_page.get(id.as_str()) {
                problems.push(format!(
                    "page {}: {} was already yielded on page {earlier}",
                    i + 1,
                    crate::ingest::safe_id(id)
                ));
            } else {
                first_page.insert(id.as_str(), i + 1);
            }
        }
    }
    let records = run.record_count();
    if problems.is_empty() && records == 0 {
        let why = match run.end {
            RunEnd::Failed(_) => "skipped: no records before the failing call",
            _ => "",
        };
        if why.is_empty() {
            report.fail(
                "records",
                "the run yielded no records, so none could be checked",
                vec!["point --config (and --site or --input) at a fixture with content".into()],
            );
        } else {
            report.skip("records", why);
        }
    } else if problems.is_empty() {
        report.pass(
            "records",
            format!("{records} record(s): ids non-empty and unique, URLs absolute, times RFC 3339"),
        );
    } else {
        report.fail("records", "records break the contract", limit(problems));
    }
    matches!(run.end, RunEnd::Exhausted)
}

/// Problems of a resumed run: a failure, or an id the first run already
/// yielded on a page at or before `upto` (1-based).
fn resume_problems(
    run: &Run,
    what: &str,
    seen: &HashMap<&str, usize>,
    upto: usize,
    problems: &mut Vec<String>,
) {
    for (i, page) in run.pages.iter().enumerate() {
        for id in &page.ids {
            if let Some(&at) = seen.get(id.as_str())
                && at <= upto
            {
                problems.push(format!(
                    "resumed {what}, page {}: {} repeats page {at} of the first run",
                    i + 1,
                    crate::ingest::safe_id(id)
                ));
            }
        }
    }
    match &run.end {
        RunEnd::Exhausted => {}
        RunEnd::Failed(e) => problems.push(format!("resumed {what}: {e}")),
        RunEnd::Bound => problems.push(format!("resumed {what}: paging did not end")),
        RunEnd::RepeatedCursor { page } => problems.push(format!(
            "resumed {what}: page {page} returned a cursor it had already returned"
        )),
    }
}

fn limit(mut problems: Vec<String>) -> Vec<String> {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(format!("… and {more} more"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns_are_checked() {
        for ok in [
            "*",
            "*.example.org",
            "forum.example.org",
            "127.0.0.1:8080",
            "[::1]",
        ] {
            assert!(host_pattern_problem(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://forum.example.org",
            "forum.example.org/path",
            "",
            "*.",
            "user@host",
        ] {
            assert!(host_pattern_problem(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn schemas_are_checked_against_the_meta_schema() {
        assert!(
            compile_schema(r#"{"type":"object","properties":{"url":{"type":"string"}}}"#).is_ok()
        );
        let e = compile_schema(r#"{"type":"objekt"}"#)
            .err()
            .unwrap_or_default();
        assert!(e.contains("objekt"), "{e}");
        let e = compile_schema("{not json").err().unwrap_or_default();
        assert!(e.contains("not JSON"), "{e}");
        let e = compile_schema(
            r#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}"#,
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("draft 2020-12"), "{e}");
    }

    #[test]
    fn repeats_across_pages_and_resumes_are_found() {
        let page = |ids: &[&str], cursor: &str| PageSeen {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            cursor_after: Some(cursor.into()),
            contract: None,
        };
        let run = Run {
            pages: vec![page(&["a", "b"], "1"), page(&["c", "a"], "2")],
            end: RunEnd::Exhausted,
        };
        let mut report = empty_report();
        assert!(judge_first_run(&mut report, &run, 10));
        let records = report
            .check("records")
            .map(|c| c.problems.clone())
            .unwrap_or_default();
        assert_eq!(records, ["page 2: id `a` was already yielded on page 1"]);
        assert!(!report.passed);

        let seen: HashMap<&str, usize> = [("a", 1), ("b", 1), ("c", 2)].into_iter().collect();
        let resumed = Run {
            pages: vec![page(&["c", "d"], "3")],
            end: RunEnd::Exhausted,
        };
        let mut problems = Vec::new();
        // From the cursor after page 1, page 2's records may come again.
        resume_problems(&resumed, "mid", &seen, 1, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        resume_problems(&resumed, "final", &seen, usize::MAX, &mut problems);
        assert_eq!(
            problems,
            ["resumed final, page 1: id `c` repeats page 2 of the first run"]
        );
    }

    #[test]
    fn an_empty_run_fails_records_and_an_endless_one_fails_paging() {
        let run = Run {
            pages: vec![],
            end: RunEnd::Bound,
        };
        let mut report = empty_report();
        assert!(!judge_first_run(&mut report, &run, 5));
        assert_eq!(
            report.check("paging").map(|c| c.outcome),
            Some(Outcome::Fail)
        );
        assert_eq!(
            report.check("records").map(|c| c.outcome),
            Some(Outcome::Fail)
        );
        assert_eq!(
            report.check("fetch").map(|c| c.outcome),
            Some(Outcome::Pass)
        );
    }
}
