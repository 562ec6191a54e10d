//! Driving `hearken` as an operator does: a `hearken.toml` granting
//! 127.0.0.1 to one source, `hearken run`, then what the index and the run
//! ledger say (`search`, `show`, `runs`), all through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{hearken_cmd, show};

use serde_json::Value;

/// A data directory with one configured source.
pub struct Hearken {
    dir: tempfile::TempDir,
    config: PathBuf,
    /// The source's name.
    pub source: String,
}

impl Hearken {
    /// `[sources.NAME]` with `plugin`, 127.0.0.1 granted, no politeness
    /// delay, and `config` as the plugin's config.
    pub fn new(source: &str, plugin: &str, config: Value) -> Hearken {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut s = toml::Table::new();
        s.insert("plugin".into(), plugin.into());
        s.insert(
            "grant_hosts".into(),
            toml::Value::Array(vec!["127.0.0.1".into()]),
        );
        s.insert("min_interval_ms".into(), 0.into());
        s.insert(
            "config".into(),
            toml::Value::try_from(config).expect("the plugin config fits TOML"),
        );
        let mut sources = toml::Table::new();
        sources.insert(source.into(), s.into());
        let mut root = toml::Table::new();
        root.insert("data_dir".into(), "data".into());
        root.insert("sources".into(), sources.into());
        let config = dir.path().join("hearken.toml");
        std::fs::write(&config, toml::to_string(&root).expect("TOML")).expect("write config");
        Hearken {
            dir,
            config,
            source: source.into(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = hearken_cmd(args, self.dir.path());
        cmd.arg("--config").arg(&self.config);
        cmd
    }

    /// Runs the binary off the async runtime (the fixture site lives on it)
    /// and returns its JSON output; fails the test on a non-zero exit.
    pub async fn json(&self, args: &[&str]) -> Value {
        let mut cmd = self.cmd(args);
        let out = tokio::task::spawn_blocking(move || cmd.output().expect("run hearken"))
            .await
            .expect("join");
        assert!(out.status.success(), "hearken {args:?}: {}", show(&out));
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("hearken {args:?} printed no JSON ({e}): {}", show(&out)))
    }

    /// `hearken run --json`: the source's run summary, which must have no error.
    pub async fn run(&self) -> Value {
        let all = self.json(&["run", "--json"]).await;
        let summary = all
            .as_array()
            .and_then(|a| a.iter().find(|s| s["source"] == self.source.as_str()))
            .unwrap_or_else(|| panic!("no summary for {} in {all:#}", self.source))
            .clone();
        assert!(summary["error"].is_null(), "{summary:#}");
        summary
    }

    /// Every indexed document of the source, as search hits.
    pub async fn hits(&self) -> Vec<Value> {
        self.search("").await
    }

    /// Search hits for `query` within the source.
    pub async fn search(&self, query: &str) -> Vec<Value> {
        let out = self
            .json(&[
                "search",
                query,
                "--source",
                &self.source,
                "--limit",
                "1000",
                "--json",
            ])
            .await;
        let hits = out["hits"].as_array().expect("hits").clone();
        assert_eq!(out["total"].as_u64(), Some(hits.len() as u64), "{out:#}");
        hits
    }

    /// Ids of the hits for a quoted phrase, sorted.
    pub async fn phrase(&self, phrase: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .search(&format!("\"{phrase}\""))
            .await
            .iter()
            .map(|h| h["id"].as_str().expect("id").to_string())
            .collect();
        ids.sort();
        ids
    }

    /// `hearken show ID --json`: the indexed (de-identified) document.
    pub async fn doc(&self, record_id: &str) -> Value {
        let id = format!("{}:{record_id}", self.source);
        self.json(&["show", &id, "--json"]).await
    }

    /// `hearken show ID --json` by the full document id.
    pub async fn doc_by_id(&self, id: &str) -> Value {
        self.json(&["show", id, "--json"]).await
    }

    /// The run ledger, newest first.
    pub async fn ledger(&self) -> Vec<Value> {
        self.json(&["runs", "--json"])
            .await
            .as_array()
            .expect("a list of runs")
            .clone()
    }

    /// The data directory.
    #[allow(dead_code)]
    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Where the config lives.
    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// `source:record` ids of hits, sorted.
pub fn ids(hits: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = hits
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

/// The common end of every site's test: a second run against the unchanged
/// site returns no record and adds no document, and the ledger says so.
pub async fn second_run_adds_nothing(h: &Hearken, documents: usize) -> Value {
    let again = h.run().await;
    assert_eq!(again["new"], 0, "second run: {again:#}");
    assert_eq!(
        again["records"], 0,
        "second run returned records: {again:#}"
    );
    assert_eq!(h.hits().await.len(), documents);
    let ledger = h.ledger().await;
    assert_eq!(ledger.len(), 2, "{ledger:#?}");
    assert_eq!(ledger[0]["status"], "succeeded", "{:#}", ledger[0]);
    assert_eq!(ledger[0]["new"], 0, "{:#}", ledger[0]);
    assert_eq!(
        ledger[1]["new"].as_u64(),
        Some(documents as u64),
        "{:#}",
        ledger[1]
    );
    again
}
