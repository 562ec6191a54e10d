//! Helpers shared by the forum plugin's integration tests: fixture files,
//! an in-memory site, and a driver that calls `fetch` the way the host
//! does (again and again with the returned cursor until `exhausted`).

#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};

use hearken_plugin_sdk::Record;
use hearken_plugin_sdk::http::MemorySite;

/// `tests/fixtures/<rel>`.
pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The bytes of `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture_path(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// What one run (calls until `exhausted`) produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// Every record, in order.
    pub records: Vec<Record>,
    /// The cursor after the run.
    pub cursor: Option<String>,
    /// How many `fetch` calls the run took.
    pub calls: usize,
}

/// Calls `fetch` as the host does until a batch is exhausted.
pub fn run_once(config: &str, cursor: Option<String>, site: &MemorySite, now: i64) -> RunOutcome {
    let mut cursor = cursor;
    let mut records = Vec::new();
    for calls in 1..=2_000 {
        let batch = hearken_plugin_forum::run(config, cursor.as_deref(), site, now)
            .unwrap_or_else(|e| panic!("fetch {calls} failed: {e:?}"));
        records.extend(batch.records);
        if batch.cursor.is_some() {
            cursor = batch.cursor;
        }
        if batch.exhausted {
            return RunOutcome {
                records,
                cursor,
                calls,
            };
        }
    }
    panic!("the crawl did not end within 2000 calls");
}

/// The record with `id`.
pub fn by_id<'a>(records: &'a [Record], id: &str) -> &'a Record {
    records.iter().find(|r| r.id == id).unwrap_or_else(|| {
        panic!(
            "no record {id} among {:?}",
            records.iter().map(|r| &r.id).collect::<Vec<_>>()
        )
    })
}

/// `Some(value)` of `extra[key]`.
pub fn extra<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
    r.extra
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Fails the test if there are duplicate ids.
pub fn assert_unique(records: &[Record]) {
    let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate record ids");
}
