//! Helpers shared by the host's integration tests: running the `hearken`
//! binary as a user does, reading its output, and writing configs over the
//! generated sample site served on loopback.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]
// Helpers unwrap: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hearken::demo::site::SiteServer;
use hearken_sample::{SiteManifest, Truth};

/// The `hearken` binary with a clean environment: the shared compiled-plugin
/// cache, no data/config/log variables from the caller's shell.
pub fn hearken_cmd(args: &[&str], cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearken"));
    cmd.args(args)
        .current_dir(cwd)
        .env(
            "HEARKEN_PLUGIN_CACHE",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasmtime-cache"),
        )
        .env_remove("HEARKEN_DATA")
        .env_remove("HEARKEN_CONFIG")
        .env_remove("HEARKEN_LOG");
    cmd
}

/// Run `hearken` to its end (from a plain `#[test]`).
pub fn hearken_blocking(args: &[&str], cwd: &Path) -> Output {
    hearken_cmd(args, cwd).output().expect("run hearken")
}

/// Run `hearken` to its end off the async runtime (a test's loopback site
/// lives on that runtime and must keep answering).
pub async fn hearken(args: &[&str], cwd: &Path) -> Output {
    let mut cmd = hearken_cmd(args, cwd);
    tokio::task::spawn_blocking(move || cmd.output().expect("run hearken"))
        .await
        .unwrap()
}

/// Exit code, stdout and stderr, for assertion messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Stdout as one JSON document, whatever the exit code.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(out)))
}

/// Stdout as one JSON document, after asserting the command succeeded.
pub fn json_ok(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", show(out));
    json(out)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// The kinds of source the sample site feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The phpBB-style forum, through the `forum` plugin.
    Forum,
    /// The RSS feed of public posts, through the `posts` plugin.
    Feed,
    /// The advisory-board transcripts, read as inputs by `transcripts`.
    Board,
}

/// One source's table over the sample site at `site_root`, served by
/// `server`, on `schedule` if given.
pub fn sample_source(
    kind: Kind,
    server: &SiteServer,
    site_root: &Path,
    manifest: &SiteManifest,
    truth: &Truth,
    schedule: Option<&str>,
) -> toml::Table {
    let mut s = toml::Table::new();
    let mut c = toml::Table::new();
    let grant = toml::Value::Array(vec!["127.0.0.1".into()]);
    match kind {
        Kind::Forum => {
            s.insert("plugin".into(), "forum".into());
            s.insert("grant_hosts".into(), grant);
            c.insert("engine".into(), "phpbb".into());
            c.insert("start_url".into(), server.url(&manifest.forum_start).into());
        }
        Kind::Feed => {
            s.insert("plugin".into(), "posts".into());
            s.insert("grant_hosts".into(), grant);
            c.insert("kind".into(), "feed".into());
            c.insert(
                "urls".into(),
                toml::Value::Array(vec![server.url(&manifest.feed_start).into()]),
            );
        }
        Kind::Board => {
            s.insert("plugin".into(), "transcripts".into());
            let inputs: Vec<toml::Value> = manifest
                .transcripts
                .iter()
                .map(|t| site_root.join(t).to_str().unwrap().into())
                .collect();
            s.insert("inputs".into(), toml::Value::Array(inputs));
            let files: Vec<toml::Value> = manifest
                .transcripts
                .iter()
                .map(|t| t.rsplit('/').next().unwrap().into())
                .collect();
            let mut roles = toml::Table::new();
            for doc in &truth.documents {
                if let Some(role) = &doc.role {
                    roles.insert(doc.author.clone(), role.as_str().into());
                }
            }
            c.insert("files".into(), toml::Value::Array(files));
            c.insert("roles".into(), roles.into());
            c.insert("default_role".into(), "patient".into());
        }
    }
    s.insert("min_interval_ms".into(), 0.into());
    if let Some(schedule) = schedule {
        s.insert("schedule".into(), schedule.into());
    }
    s.insert("config".into(), c.into());
    s
}

/// One source of each kind over the sample site, unscheduled: `forum`,
/// `feed` and `board`.
pub fn three_sample_sources(
    server: &SiteServer,
    site_root: &Path,
    manifest: &SiteManifest,
    truth: &Truth,
) -> toml::Table {
    let mut sources = toml::Table::new();
    for (name, kind) in [
        ("forum", Kind::Forum),
        ("feed", Kind::Feed),
        ("board", Kind::Board),
    ] {
        let s = sample_source(kind, server, site_root, manifest, truth, None);
        sources.insert(name.into(), s.into());
    }
    sources
}

/// Write `hearken.toml` in `dir` with `data_dir = "<data_dir>"` and
/// `sources`; returns its path.
pub fn write_config(dir: &Path, data_dir: &str, sources: toml::Table) -> PathBuf {
    let mut root = toml::Table::new();
    root.insert("data_dir".into(), data_dir.into());
    root.insert("sources".into(), sources.into());
    let path = dir.join("hearken.toml");
    std::fs::write(&path, toml::to_string(&root).unwrap()).unwrap();
    path
}
