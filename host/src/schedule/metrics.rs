//! What `hearken daemon` tells a monitoring system: `/health` and
//! Prometheus `/metrics`.
//!
//! The counters live in memory and start at zero with each process, as
//! Prometheus counters are meant to (it handles resets); the ledger in the
//! state store is the durable record. The text exposition format is small
//! enough to write by hand, which keeps a metrics crate (and its global
//! registry) out of the binary. Every series of every configured source is
//! written from the start, zeros included, so that `rate()` and absence
//! alerts work before a source's first run.
//!
//! Only source names and run statuses appear as label values; source names
//! are restricted by the config to letters, digits, `-` and `_`, and are
//! escaped anyway.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ingest::RunSummary;

/// Run statuses counted by `hearken_runs_total`.
const STATUSES: [&str; 3] = ["succeeded", "failed", "interrupted"];

/// One source's counters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceMetrics {
    /// Finished runs by status (`succeeded`, `failed`, `interrupted`).
    pub runs: BTreeMap<String, u64>,
    /// `fetch` calls made.
    pub pages: u64,
    /// Records received.
    pub records: u64,
    /// Documents new to the index.
    pub new: u64,
    /// Documents that replaced a changed version.
    pub updated: u64,
    /// Documents seen again unchanged.
    pub unchanged: u64,
    /// `fetch` calls retried after a transient failure.
    pub retries: u64,
    /// Whether a run is in progress.
    pub running: bool,
    /// Status of the last finished run.
    pub last_status: Option<String>,
    /// Error of the last finished run, if it failed.
    pub last_error: Option<String>,
    /// When the last run finished.
    #[serde(serialize_with = "rfc3339")]
    pub last_finished: Option<DateTime<Utc>>,
    /// When the last successful run finished.
    #[serde(serialize_with = "rfc3339")]
    pub last_success: Option<DateTime<Utc>>,
    /// When the next run is due.
    #[serde(serialize_with = "rfc3339")]
    pub next_run: Option<DateTime<Utc>>,
}

/// The daemon's counters, shared by the source loops and the HTTP server.
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    sources: Mutex<BTreeMap<String, SourceMetrics>>,
}

/// What `/health` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// `ok`, or `stopping` once a shutdown was requested.
    pub status: &'static str,
    /// Seconds since the daemon started.
    pub uptime_seconds: u64,
    /// Per source, by name.
    pub sources: BTreeMap<String, SourceMetrics>,
}

impl Metrics {
    /// Counters at zero for each of `sources`.
    pub fn new<'a>(sources: impl IntoIterator<Item = &'a str>) -> Self {
        let sources = sources
            .into_iter()
            .map(|name| {
                let runs = STATUSES.iter().map(|s| (s.to_string(), 0)).collect();
                (
                    name.to_string(),
                    SourceMetrics {
                        runs,
                        ..SourceMetrics::default()
                    },
                )
            })
            .collect();
        Self {
            started: Instant::now(),
            sources: Mutex::new(sources),
        }
    }

    fn with(&self, source: &str, f: impl FnOnce(&mut SourceMetrics)) {
        if let Ok(mut all) = self.sources.lock() {
            f(all.entry(source.to_string()).or_default());
        }
    }

    /// A run of `source` began.
    pub fn run_started(&self, source: &str) {
        self.with(source, |m| m.running = true);
    }

    /// The next run of `source` is due at `at`.
    pub fn next_run(&self, source: &str, at: DateTime<Utc>) {
        self.with(source, |m| m.next_run = Some(at));
    }

    /// A run finished (however it ended).
    pub fn run_finished(&self, s: &RunSummary, at: DateTime<Utc>) {
        let status = if s.error.is_some() {
            "failed"
        } else if s.interrupted {
            "interrupted"
        } else {
            "succeeded"
        };
        self.with(&s.source, |m| {
            m.running = false;
            *m.runs.entry(status.to_string()).or_default() += 1;
            m.pages += s.pages;
            m.records += s.records;
            m.new += s.new;
            m.updated += s.updated;
            m.unchanged += s.unchanged;
            m.retries += s.retries;
            m.last_status = Some(status.to_string());
            m.last_error = s.error.clone();
            m.last_finished = Some(at);
            if status == "succeeded" {
                m.last_success = Some(at);
            }
        });
    }

    /// A copy of every source's counters.
    pub fn snapshot(&self) -> BTreeMap<String, SourceMetrics> {
        self.sources.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The `/health` answer.
    pub fn health(&self, stopping: bool) -> Health {
        Health {
            status: if stopping { "stopping" } else { "ok" },
            uptime_seconds: self.started.elapsed().as_secs(),
            sources: self.snapshot(),
        }
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let sources = self.snapshot();
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, f64)>| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, value) in rows {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let per_source = |f: &dyn Fn(&SourceMetrics) -> f64| -> Vec<(String, f64)> {
            sources
                .iter()
                .map(|(name, m)| (format!("{{source=\"{}\"}}", escape(name)), f(m)))
                .collect()
        };
        family(
            "hearken_up",
            "gauge",
            "1 while the daemon runs.",
            vec![(String::new(), 1.0)],
        );
        family(
            "hearken_uptime_seconds",
            "gauge",
            "Seconds since the daemon started.",
            vec![(String::new(), self.started.elapsed().as_secs_f64())],
        );
        let mut runs = Vec::new();
        for (name, m) in &sources {
            for (status, n) in &m.runs {
                runs.push((
                    format!(
                        "{{source=\"{}\",status=\"{}\"}}",
                        escape(name),
                        escape(status)
                    ),
                    *n as f64,
                ));
            }
        }
        family(
            "hearken_runs_total",
            "counter",
            "Ingestion runs finished, by source and status.",
            runs,
        );
        family(
            "hearken_run_failures_total",
            "counter",
            "Ingestion runs that ended failed, by source.",
            per_source(&|m| m.runs.get("failed").copied().unwrap_or(0) as f64),
        );
        let mut docs = Vec::new();
        for (name, m) in &sources {
            for (outcome, n) in [
                ("new", m.new),
                ("updated", m.updated),
                ("unchanged", m.unchanged),
            ] {
                docs.push((
                    format!("{{source=\"{}\",outcome=\"{outcome}\"}}", escape(name)),
                    n as f64,
                ));
            }
        }
        family(
            "hearken_documents_total",
            "counter",
            "Documents indexed, by source and outcome (new, updated, unchanged).",
            docs,
        );
        family(
            "hearken_records_total",
            "counter",
            "Records received from plugins, by source.",
            per_source(&|m| m.records as f64),
        );
        family(
            "hearken_pages_total",
            "counter",
            "Plugin fetch calls that returned a page, by source.",
            per_source(&|m| m.pages as f64),
        );
        family(
            "hearken_fetch_retries_total",
            "counter",
            "Fetch calls retried after a transient failure, by source.",
            per_source(&|m| m.retries as f64),
        );
        family(
            "hearken_source_running",
            "gauge",
            "1 while a run of the source is in progress.",
            per_source(&|m| if m.running { 1.0 } else { 0.0 }),
        );
        let stamp = |t: Option<DateTime<Utc>>| {
            t.map(|t| t.timestamp_millis() as f64 / 1000.0)
                .unwrap_or(0.0)
        };
        family(
            "hearken_last_run_finished_timestamp_seconds",
            "gauge",
            "When the source's last run finished (0: not yet).",
            per_source(&|m| stamp(m.last_finished)),
        );
        family(
            "hearken_last_success_timestamp_seconds",
            "gauge",
            "When the source's last successful run finished (0: not yet).",
            per_source(&|m| stamp(m.last_success)),
        );
        family(
            "hearken_next_run_timestamp_seconds",
            "gauge",
            "When the source's next run is due (0: not known).",
            per_source(&|m| stamp(m.next_run)),
        );
        out
    }
}

/// Times as RFC 3339 in JSON (`/health`, `--json`).
fn rfc3339<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        None => s.serialize_none(),
    }
}

/// A label value escaped for the text format: `\`, `"` and newline.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(source: &str, error: Option<&str>, interrupted: bool) -> RunSummary {
        RunSummary {
            source: source.into(),
            run_id: "r-1".into(),
            pages: 2,
            records: 30,
            new: 20,
            updated: 4,
            unchanged: 6,
            retries: 1,
            interrupted,
            error: error.map(str::to_string),
            ..RunSummary::default()
        }
    }

    /// The value of the series whose line starts with `series `.
    fn value(text: &str, series: &str) -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no series {series} in\n{text}"))
            .parse()
            .unwrap()
    }

    #[test]
    fn every_series_exists_from_the_start() {
        let m = Metrics::new(["board", "forum"]);
        let text = m.render();
        for source in ["board", "forum"] {
            for status in STATUSES {
                let series =
                    format!("hearken_runs_total{{source=\"{source}\",status=\"{status}\"}}");
                assert_eq!(value(&text, &series), 0.0);
            }
            assert_eq!(
                value(
                    &text,
                    &format!("hearken_source_running{{source=\"{source}\"}}")
                ),
                0.0
            );
        }
        assert_eq!(value(&text, "hearken_up"), 1.0);
    }

    #[test]
    fn runs_are_counted_by_status() {
        let m = Metrics::new(["forum"]);
        let at = Utc::now();
        m.run_started("forum");
        assert!(
            m.render()
                .contains("hearken_source_running{source=\"forum\"} 1")
        );
        m.run_finished(&sample("forum", None, false), at);
        m.run_finished(&sample("forum", Some("gave up after 3 retries"), false), at);
        m.run_finished(&sample("forum", None, true), at);
        m.run_finished(&sample("forum", None, false), at);
        let text = m.render();
        let runs = |status: &str| {
            value(
                &text,
                &format!("hearken_runs_total{{source=\"forum\",status=\"{status}\"}}"),
            )
        };
        assert_eq!(runs("succeeded"), 2.0);
        assert_eq!(runs("failed"), 1.0);
        assert_eq!(runs("interrupted"), 1.0);
        assert_eq!(
            value(&text, "hearken_run_failures_total{source=\"forum\"}"),
            1.0
        );
        assert_eq!(
            value(
                &text,
                "hearken_documents_total{source=\"forum\",outcome=\"new\"}"
            ),
            80.0
        );
        assert_eq!(
            value(&text, "hearken_fetch_retries_total{source=\"forum\"}"),
            4.0
        );
        assert_eq!(
            value(&text, "hearken_source_running{source=\"forum\"}"),
            0.0
        );
        let health = m.health(false);
        assert_eq!(
            health.sources["forum"].last_status.as_deref(),
            Some("succeeded")
        );
        assert_eq!(health.sources["forum"].last_error, None);
    }

    #[test]
    fn every_family_has_help_and_type_before_its_samples() {
        let m = Metrics::new(["a"]);
        let text = m.render();
        let mut declared = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                assert!(kind == "counter" || kind == "gauge", "{line}");
                declared.insert(name.to_string());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                assert!(declared.contains(name), "{name} has no TYPE line");
                if name.ends_with("_total") {
                    assert!(text.contains(&format!("# TYPE {name} counter")));
                }
            }
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
