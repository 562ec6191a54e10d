//! Behaviour of the state store through its public API: migrations and
//! damaged files, the exactly-once cursor protocol, the ledger, the audit
//! log, concurrency, and the HTTP caches.

// `allow-unwrap-in-tests` covers `#[test]` functions, not the helpers below.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use hearken_state::{
    AuditEntry, AuditFilter, Clock, Decision, MIGRATIONS, PageProgress, RunFilter, RunId,
    RunStatus, SCHEMA_VERSION, StateError, StateStore, Validators,
};

/// 2025-03-04T10:15:00Z in unix ms.
const T0: i64 = 1_741_083_300_000;

/// A clock the test moves by hand.
#[derive(Clone)]
struct Manual(Arc<AtomicI64>);

impl Manual {
    fn new(ms: i64) -> Manual {
        Manual(Arc::new(AtomicI64::new(ms)))
    }
    fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    fn clock(&self) -> Clock {
        let at = self.0.clone();
        Clock::from_fn(move || at.load(Ordering::SeqCst))
    }
}

fn page(records: u64, new: u64, updated: u64, unchanged: u64) -> PageProgress {
    PageProgress {
        records,
        new,
        updated,
        unchanged,
        redactions: BTreeMap::new(),
    }
}

fn entry(
    source: &str,
    run: Option<&RunId>,
    host: &str,
    path: &str,
    decision: Decision,
) -> AuditEntry {
    AuditEntry {
        run: run.cloned(),
        source: source.to_owned(),
        plugin: format!("{source}-plugin"),
        method: "GET".to_owned(),
        host: host.to_owned(),
        path: path.to_owned(),
        status: (decision == Decision::Allowed).then_some(200),
        bytes: 1234,
        millis: 56,
        decision,
        reason: (decision == Decision::Denied).then(|| "host not granted".to_owned()),
    }
}

fn all_runs(store: &StateStore) -> Vec<hearken_state::RunRecord> {
    store
        .runs(RunFilter {
            source: None,
            limit: 0,
        })
        .unwrap()
}

// ----- opening, migrations, damaged files ---------------------------------

#[test]
fn fresh_file_is_migrated_and_reopen_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let clock = Manual::new(T0);
    {
        let store = StateStore::open_with_clock(&path, clock.clock()).unwrap();
        let run = store.begin_run("forum", "forum", "0.1.0").unwrap();
        store.record_page(&run, page(3, 3, 0, 0)).unwrap();
        store.commit_cursor(&run, "forum", Some("p2")).unwrap();
    }
    let versions = |path: &Path| -> Vec<(i64, String, i64)> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare("SELECT version, name, applied_ms FROM schema_version ORDER BY version")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let first = versions(&path);
    assert_eq!(
        first,
        vec![
            (1, "0001_initial".to_owned(), T0),
            (2, "0002_remembered_names".to_owned(), T0)
        ]
    );
    assert_eq!(SCHEMA_VERSION, 2);

    clock.set(T0 + 60_000);
    let store = StateStore::open_with_clock(&path, clock.clock()).unwrap();
    // Nothing re-applied (same row, same time), nothing lost.
    assert_eq!(versions(&path), first);
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("p2"));
    assert_eq!(all_runs(&store)[0].records, 3);
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    drop(StateStore::open(&path).unwrap());
    let future = SCHEMA_VERSION + 1;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_ms) VALUES ($1, 'from_the_future', 0)",
            [future],
        )
        .unwrap();
    }
    let err = StateStore::open(&path).unwrap_err();
    match &err {
        StateError::SchemaTooNew {
            path: p,
            found,
            supported,
        } => {
            assert_eq!(p, &path);
            assert_eq!((*found, *supported), (future, SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains(&format!("schema version {future}")),
        "{message}"
    );
    // Still the future version: not downgraded, not repaired.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let max: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(max, future);
}

#[test]
fn a_foreign_migration_history_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    drop(StateStore::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE schema_version SET name = '0001_other' WHERE version = 1",
            [],
        )
        .unwrap();
    }
    match StateStore::open(&path).unwrap_err() {
        StateError::SchemaMismatch {
            version,
            found,
            expected,
            ..
        } => {
            assert_eq!(version, 1);
            assert_eq!(found, "0001_other");
            assert_eq!(expected, "0001_initial");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
}

fn assert_corrupt(path: &Path, want_detail: &str) {
    let before = std::fs::read(path).unwrap();
    let err = StateStore::open(path).unwrap_err();
    let message = err.to_string();
    match &err {
        StateError::Corrupt { path: p, detail } => {
            assert_eq!(p, path);
            assert!(detail.contains(want_detail), "detail: {detail}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(message.contains(&path.display().to_string()), "{message}");
    // Never recreated or modified.
    assert_eq!(std::fs::read(path).unwrap(), before, "the file was changed");
}

#[test]
fn garbage_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    // Deterministic garbage (xorshift), 8 KiB.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    assert_corrupt(&path, "SQLite header");

    // Shorter than a header.
    std::fs::write(&path, b"SQLite format 3").unwrap();
    assert_corrupt(&path, "shorter than an SQLite header");
}

/// A store with enough rows to span many pages, closed cleanly (WAL
/// checkpointed and removed).
fn populated(path: &Path) {
    let store = StateStore::open(path).unwrap();
    let run = store.begin_run("forum", "forum", "0.1.0").unwrap();
    let entries: Vec<AuditEntry> = (0..3000)
        .map(|i| {
            entry(
                "forum",
                Some(&run),
                "forum.example",
                &format!("/t/{i}"),
                Decision::Allowed,
            )
        })
        .collect();
    store.audit_batch(&entries).unwrap();
    store.record_page(&run, page(1, 1, 0, 0)).unwrap();
    store.commit_cursor(&run, "forum", Some("p2")).unwrap();
    store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
}

#[test]
fn a_truncated_file_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    populated(&path);
    let wal = dir.path().join("state.sqlite3-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "a clean close leaves no WAL"
    );
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len > 64 * 1024, "populated store is {len} bytes");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len / 2).unwrap();
    drop(file);
    assert_corrupt(&path, "truncated");
}

#[test]
fn damaged_pages_behind_a_good_header_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    populated(&path);
    let mut bytes = std::fs::read(&path).unwrap();
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    // Keep page 1 (header and schema), scribble over every other page.
    for (i, b) in bytes.iter_mut().enumerate().skip(page_size) {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_corrupt(&path, "SQLite reports");
}

#[test]
fn a_zero_byte_file_is_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let store = StateStore::open(&path).unwrap();
    assert_eq!(store.cursor("forum").unwrap(), None);
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
}

#[test]
fn a_missing_directory_is_an_open_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("state.sqlite3");
    let err = StateStore::open(&path).unwrap_err();
    assert!(matches!(err, StateError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()));
}

// ----- the cursor protocol --------------------------------------------------

#[test]
fn cursor_moves_only_on_commit_and_a_failed_run_keeps_the_old_one() {
    let store = StateStore::open_in_memory().unwrap();
    assert_eq!(store.cursor("forum").unwrap(), None);

    let run = store.begin_run("forum", "forum", "0.1.0").unwrap();
    let mut first = page(10, 8, 1, 1);
    first.redactions.insert("NAME".into(), 3);
    store.record_page(&run, first).unwrap();
    let mut second = page(10, 10, 0, 0);
    second.redactions.insert("NAME".into(), 1);
    second.redactions.insert("EMAIL".into(), 2);
    second.redactions.insert("PHONE".into(), 0);
    store.record_page(&run, second).unwrap();

    // Recorded but not committed: no cursor, no committed counts.
    assert_eq!(store.cursor("forum").unwrap(), None);
    let r = &all_runs(&store)[0];
    assert_eq!((r.pages, r.records, r.new), (0, 0, 0));
    assert_eq!((r.uncommitted_pages, r.uncommitted_records), (2, 20));
    assert!(r.redactions.is_empty());

    store.commit_cursor(&run, "forum", Some("page=3")).unwrap();
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("page=3"));
    let r = &all_runs(&store)[0];
    assert_eq!(
        (r.pages, r.records, r.new, r.updated, r.unchanged),
        (2, 20, 18, 1, 1)
    );
    assert_eq!((r.uncommitted_pages, r.uncommitted_records), (0, 0));
    assert_eq!(
        r.redactions,
        BTreeMap::from([("EMAIL".to_owned(), 2), ("NAME".to_owned(), 4)])
    );

    // A third page is fetched, then the run fails before its commit.
    store.record_page(&run, page(10, 10, 0, 0)).unwrap();
    store
        .finish_run(
            &run,
            RunStatus::Failed,
            Some("index commit failed: disk full"),
        )
        .unwrap();
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("page=3"));
    let r = &all_runs(&store)[0];
    assert_eq!(r.status, RunStatus::Failed);
    assert_eq!((r.pages, r.records), (2, 20));
    assert_eq!((r.uncommitted_pages, r.uncommitted_records), (1, 10));
    assert_eq!(r.error.as_deref(), Some("index commit failed: disk full"));
    assert!(r.ended.is_some());

    // The next run resumes from the committed cursor and may set it back
    // to "from the start".
    let next = store.begin_run("forum", "forum", "0.1.0").unwrap();
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("page=3"));
    store.commit_cursor(&next, "forum", None).unwrap();
    assert_eq!(store.cursor("forum").unwrap(), None);
    let rec = store.cursor_record("forum").unwrap().unwrap();
    assert_eq!(rec.run.as_ref(), Some(&next));
}

#[test]
fn commit_cursor_is_atomic_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let store = StateStore::open(&path).unwrap();
    let run = store.begin_run("forum", "forum", "0.1.0").unwrap();
    store.record_page(&run, page(5, 5, 0, 0)).unwrap();
    store.commit_cursor(&run, "forum", Some("c1")).unwrap();
    let mut p = page(7, 6, 1, 0);
    p.redactions.insert("NAME".into(), 2);
    store.record_page(&run, p).unwrap();

    // Make the cursor write fail *after* the counts have been moved within
    // the transaction: a trigger on the cursors table (created through a
    // second connection, so it is in the file for the store's too).
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch(
            "CREATE TRIGGER fail_ins BEFORE INSERT ON cursors BEGIN SELECT RAISE(ABORT, 'injected'); END;
             CREATE TRIGGER fail_upd BEFORE UPDATE ON cursors BEGIN SELECT RAISE(ABORT, 'injected'); END;",
        )
        .unwrap();
    let err = store.commit_cursor(&run, "forum", Some("c2")).unwrap_err();
    assert!(err.to_string().contains("commit a cursor"), "{err}");

    // Neither the cursor nor the counts moved.
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("c1"));
    let r = &all_runs(&store)[0];
    assert_eq!((r.pages, r.records, r.new), (1, 5, 5));
    assert_eq!((r.uncommitted_pages, r.uncommitted_records), (1, 7));
    assert!(r.redactions.is_empty());

    other
        .execute_batch("DROP TRIGGER fail_ins; DROP TRIGGER fail_upd;")
        .unwrap();
    store.commit_cursor(&run, "forum", Some("c2")).unwrap();
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("c2"));
    let r = &all_runs(&store)[0];
    assert_eq!((r.pages, r.records, r.new, r.updated), (2, 12, 11, 1));
    assert_eq!(r.redactions, BTreeMap::from([("NAME".to_owned(), 2)]));
}

#[test]
fn runs_that_are_not_running_cannot_move_cursors() {
    let store = StateStore::open_in_memory().unwrap();
    let run = store.begin_run("forum", "forum", "0.1.0").unwrap();

    let err = store.commit_cursor(&run, "posts", Some("x")).unwrap_err();
    assert!(matches!(err, StateError::SourceMismatch { .. }), "{err:?}");

    store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
    for err in [
        store.commit_cursor(&run, "forum", Some("x")).unwrap_err(),
        store.record_page(&run, page(1, 1, 0, 0)).unwrap_err(),
        store.finish_run(&run, RunStatus::Failed, None).unwrap_err(),
    ] {
        match err {
            StateError::RunNotRunning { run: r, status } => {
                assert_eq!(r, run);
                assert_eq!(status, "succeeded");
            }
            other => panic!("expected RunNotRunning, got {other:?}"),
        }
    }
    assert_eq!(store.cursor("forum").unwrap(), None);

    let ghost = RunId::from("r-20000101T000000Z-0001");
    assert!(matches!(
        store.commit_cursor(&ghost, "forum", None).unwrap_err(),
        StateError::UnknownRun { .. }
    ));
    let run2 = store.begin_run("forum", "forum", "0.1.0").unwrap();
    assert!(matches!(
        store
            .finish_run(&run2, RunStatus::Running, None)
            .unwrap_err(),
        StateError::Invalid { .. }
    ));
    let huge = "x".repeat(hearken_state::MAX_CURSOR_BYTES + 1);
    assert!(matches!(
        store
            .commit_cursor(&run2, "forum", Some(&huge))
            .unwrap_err(),
        StateError::Invalid { what: "cursor", .. }
    ));
}

// ----- the ledger -----------------------------------------------------------

#[test]
fn interrupted_runs_are_marked_on_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let clock = Manual::new(T0);
    let (crashed, done) = {
        let store = StateStore::open_with_clock(&path, clock.clock()).unwrap();
        let crashed = store.begin_run("forum", "forum", "0.1.0").unwrap();
        store.record_page(&crashed, page(4, 4, 0, 0)).unwrap();
        store.commit_cursor(&crashed, "forum", Some("c1")).unwrap();
        store.record_page(&crashed, page(4, 4, 0, 0)).unwrap();
        let done = store.begin_run("posts", "posts", "0.1.0").unwrap();
        store.finish_run(&done, RunStatus::Succeeded, None).unwrap();
        (crashed, done)
        // Dropped without finishing `crashed`: the process "died".
    };
    clock.set(T0 + 5_000);
    let store = StateStore::open_with_clock(&path, clock.clock()).unwrap();
    // Until marked, the source counts as busy.
    assert!(matches!(
        store.begin_run("forum", "forum", "0.1.0").unwrap_err(),
        StateError::SourceBusy { .. }
    ));
    assert_eq!(store.mark_interrupted_runs().unwrap(), 1);
    assert_eq!(store.mark_interrupted_runs().unwrap(), 0);

    let r = store.run(&crashed).unwrap().unwrap();
    assert_eq!(r.status, RunStatus::Interrupted);
    assert_eq!(r.ended.unwrap().unix_timestamp(), (T0 + 5_000) / 1000);
    assert!(r.error.unwrap().contains("did not finish"));
    assert_eq!((r.pages, r.uncommitted_pages), (1, 1));
    assert_eq!(
        store.run(&done).unwrap().unwrap().status,
        RunStatus::Succeeded
    );
    // The interrupted run can no longer move the cursor; a new run can.
    assert!(store.commit_cursor(&crashed, "forum", Some("c9")).is_err());
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("c1"));
    store.begin_run("forum", "forum", "0.1.0").unwrap();
}

#[test]
fn runs_are_listed_newest_first_with_limit_and_source() {
    let clock = Manual::new(T0);
    let store = StateStore::open_in_memory_with_clock(clock.clock()).unwrap();
    let mut ids = Vec::new();
    // Two runs in the same second (different sources), then later ones.
    for (i, (source, at)) in [
        ("forum", T0),
        ("posts", T0 + 400),
        ("forum", T0 + 61_000),
        ("transcripts", T0 + 3_600_000),
        ("posts", T0 + 7_200_000),
    ]
    .into_iter()
    .enumerate()
    {
        clock.set(at);
        let id = store.begin_run(source, source, "0.1.0").unwrap();
        clock.set(at + 10);
        store.record_page(&id, page(i as u64 + 1, 0, 0, 0)).unwrap();
        store.commit_cursor(&id, source, Some("c")).unwrap();
        store.finish_run(&id, RunStatus::Succeeded, None).unwrap();
        ids.push(id);
    }
    assert_eq!(ids[0].as_str(), "r-20250304T101500Z-0001");
    assert_eq!(ids[1].as_str(), "r-20250304T101500Z-0002");
    assert_eq!(ids[2].as_str(), "r-20250304T101601Z-0001");
    assert_eq!(ids[3].as_str(), "r-20250304T111500Z-0001");
    // Ids sort like start times.
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, ids);

    let listed: Vec<RunId> = all_runs(&store).into_iter().map(|r| r.id).collect();
    let newest_first: Vec<RunId> = ids.iter().rev().cloned().collect();
    assert_eq!(listed, newest_first);

    let top2 = store
        .runs(RunFilter {
            source: None,
            limit: 2,
        })
        .unwrap();
    assert_eq!(
        top2.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        newest_first[..2]
    );

    let forum = store
        .runs(RunFilter {
            source: Some("forum".into()),
            limit: 10,
        })
        .unwrap();
    assert_eq!(
        forum.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![ids[2].clone(), ids[0].clone()]
    );
    assert_eq!(forum[0].records, 3);
    assert_eq!(forum[1].records, 1);
    assert!(forum.iter().all(|r| r.source == "forum"));
}

#[test]
fn run_records_serialize_for_the_cli() {
    let clock = Manual::new(T0 + 250);
    let store = StateStore::open_in_memory_with_clock(clock.clock()).unwrap();
    let run = store.begin_run("forum", "forum", "0.1.0").unwrap();
    let mut p = page(2, 1, 1, 0);
    p.redactions.insert("NAME".into(), 1);
    store.record_page(&run, p).unwrap();
    store.commit_cursor(&run, "forum", Some("c")).unwrap();
    clock.set(T0 + 90_000);
    store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
    let json = serde_json::to_value(&all_runs(&store)[0]).unwrap();
    assert_eq!(json["id"], "r-20250304T101500Z-0001");
    assert_eq!(json["status"], "succeeded");
    assert_eq!(json["started"], "2025-03-04T10:15:00.25Z");
    assert_eq!(json["ended"], "2025-03-04T10:16:30Z");
    assert_eq!(json["plugin_version"], "0.1.0");
    assert_eq!(json["pages"], 1);
    assert_eq!(json["new"], 1);
    assert_eq!(json["updated"], 1);
    assert_eq!(json["redactions"]["NAME"], 1);
    assert_eq!(json["error"], serde_json::Value::Null);
}

#[test]
fn forgetting_a_source_clears_its_cursor_and_keeps_its_history() {
    let store = StateStore::open_in_memory().unwrap();
    for source in ["forum", "posts"] {
        let run = store.begin_run(source, source, "0.1.0").unwrap();
        store.record_page(&run, page(1, 1, 0, 0)).unwrap();
        store.commit_cursor(&run, source, Some("c")).unwrap();
        store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
    }
    let again = store.begin_run("forum", "forum", "0.1.0").unwrap();
    store
        .store_conditional(
            "forum",
            "http://127.0.0.1:8080/t/1",
            &Validators {
                etag: Some("\"abc\"".into()),
                last_modified: None,
            },
        )
        .unwrap();
    // Busy while a run is in progress.
    assert!(matches!(
        store.forget_source("forum").unwrap_err(),
        StateError::SourceBusy { .. }
    ));
    store
        .finish_run(&again, RunStatus::Succeeded, None)
        .unwrap();

    assert_eq!(store.forget_source("forum").unwrap(), 2);
    assert_eq!(store.cursor("forum").unwrap(), None);
    assert_eq!(store.cursor("posts").unwrap().as_deref(), Some("c"));
    let runs = all_runs(&store);
    assert_eq!(runs.len(), 3, "history is kept");
    for r in &runs {
        assert_eq!(r.forgotten.is_some(), r.source == "forum", "{r:?}");
    }
    assert_eq!(
        store
            .conditional("forum", "http://127.0.0.1:8080/t/1")
            .unwrap(),
        None,
        "validators would answer the re-read with 304s"
    );
    assert_eq!(store.forget_source("forum").unwrap(), 0);
}

/// A store written by a build that knew only the first migration gets the
/// second on open, and keeps everything it had.
#[test]
fn a_version_1_store_is_migrated_to_2_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_version (version BIGINT NOT NULL PRIMARY KEY, \
             name TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute(
            "INSERT INTO schema_version VALUES (1, '0001_initial', 0)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO cursors (source, cursor_value, run_id, updated_ms) VALUES ('forum', 'p9', 'r-1', 0)",
            [],
        )
        .unwrap();
    }
    let store = StateStore::open(&path).unwrap();
    assert_eq!(store.cursor("forum").unwrap().as_deref(), Some("p9"));
    assert!(store.remembered_names("forum").unwrap().is_empty());
    store
        .remember_names("forum", &[("p-000000000001".into(), 7, 0)])
        .unwrap();
    assert_eq!(store.remembered_names("forum").unwrap(), vec![(7, 0)]);
}

#[test]
fn remembered_names_round_trip_and_are_forgotten_by_author_and_source() {
    let store = StateStore::open_in_memory().unwrap();
    // All 64 bits of a fingerprint survive the signed column.
    let big = u64::MAX - 5;
    store
        .remember_names(
            "forum",
            &[
                ("p-aaaaaaaaaaaa".into(), big, 0),
                ("p-aaaaaaaaaaaa".into(), 11, 2),
                // The same word from another author: listed once.
                ("p-bbbbbbbbbbbb".into(), big, 0),
            ],
        )
        .unwrap();
    // Remembering again changes nothing.
    store
        .remember_names("forum", &[("p-aaaaaaaaaaaa".into(), 11, 2)])
        .unwrap();
    store
        .remember_names("posts", &[("p-aaaaaaaaaaaa".into(), 12, 1)])
        .unwrap();
    let sorted = |mut v: Vec<(u64, u8)>| {
        v.sort_unstable();
        v
    };
    assert_eq!(
        sorted(store.remembered_names("forum").unwrap()),
        vec![(11, 2), (big, 0)]
    );
    // Author a is forgotten everywhere; b's copy of the shared word stays.
    assert_eq!(store.forget_author_names("p-aaaaaaaaaaaa").unwrap(), 3);
    assert_eq!(store.remembered_names("forum").unwrap(), vec![(big, 0)]);
    assert!(store.remembered_names("posts").unwrap().is_empty());
    // Forgetting a source forgets its names.
    store.forget_source("forum").unwrap();
    assert!(store.remembered_names("forum").unwrap().is_empty());
}

// ----- the audit log ----------------------------------------------------------

#[test]
fn audit_filters() {
    let clock = Manual::new(T0);
    let store = StateStore::open_in_memory_with_clock(clock.clock()).unwrap();
    let forum_run = store.begin_run("forum", "forum", "0.1.0").unwrap();
    let posts_run = store.begin_run("posts", "posts", "0.1.0").unwrap();
    // 10 entries, one per second: even ones forum, odd ones posts; every
    // third denied; hosts alternate in threes.
    for i in 0..10i64 {
        clock.set(T0 + i * 1000);
        let (source, run) = if i % 2 == 0 {
            ("forum", &forum_run)
        } else {
            ("posts", &posts_run)
        };
        let decision = if i % 3 == 0 {
            Decision::Denied
        } else {
            Decision::Allowed
        };
        let host = if (i / 3) % 2 == 0 {
            "a.example"
        } else {
            "b.example"
        };
        store
            .audit(&entry(
                source,
                Some(run),
                host,
                &format!("/p/{i}?token=SECRET{i}"),
                decision,
            ))
            .unwrap();
    }
    let seqs = |filter: AuditFilter| -> Vec<i64> {
        store
            .audit_log(filter)
            .unwrap()
            .into_iter()
            .map(|r| r.seq)
            .collect()
    };
    // seq i+1 is entry i.
    assert_eq!(
        seqs(AuditFilter::default()),
        (1..=10).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        seqs(AuditFilter {
            source: Some("forum".into()),
            ..Default::default()
        }),
        vec![9, 7, 5, 3, 1]
    );
    assert_eq!(
        seqs(AuditFilter {
            run: Some(posts_run.clone()),
            ..Default::default()
        }),
        vec![10, 8, 6, 4, 2]
    );
    assert_eq!(
        seqs(AuditFilter {
            decision: Some(Decision::Denied),
            ..Default::default()
        }),
        vec![10, 7, 4, 1]
    );
    // Hosts: i in 0..3 a, 3..6 b, 6..9 a, 9 b.
    assert_eq!(
        seqs(AuditFilter {
            host: Some("b.example".into()),
            ..Default::default()
        }),
        vec![10, 6, 5, 4]
    );
    assert_eq!(
        seqs(AuditFilter {
            since_ms: Some(T0 + 7_000),
            ..Default::default()
        }),
        vec![10, 9, 8]
    );
    assert_eq!(
        seqs(AuditFilter {
            source: Some("forum".into()),
            decision: Some(Decision::Allowed),
            limit: 2,
            ..Default::default()
        }),
        vec![9, 5]
    );
    // Paging backwards.
    let page1 = seqs(AuditFilter {
        limit: 4,
        ..Default::default()
    });
    let page2 = seqs(AuditFilter {
        limit: 4,
        before_seq: page1.last().copied(),
        ..Default::default()
    });
    assert_eq!((page1, page2), (vec![10, 9, 8, 7], vec![6, 5, 4, 3]));

    // The newest allowed entry is i = 8 (9 was denied).
    let newest = &store
        .audit_log(AuditFilter {
            decision: Some(Decision::Allowed),
            limit: 1,
            ..Default::default()
        })
        .unwrap()[0];
    assert_eq!(newest.seq, 9);
    assert_eq!(newest.path, "/p/8?token=*");
    assert_eq!(newest.at.unix_timestamp(), (T0 + 8_000) / 1000);
    assert_eq!(newest.run.as_ref(), Some(&forum_run));
    assert_eq!(
        (newest.source.as_str(), newest.host.as_str()),
        ("forum", "a.example")
    );
    assert_eq!(
        (newest.status, newest.bytes, newest.millis),
        (Some(200), 1234, 56)
    );
    let denied = &store
        .audit_log(AuditFilter {
            decision: Some(Decision::Denied),
            limit: 1,
            ..Default::default()
        })
        .unwrap()[0];
    assert_eq!(denied.status, None);
    assert_eq!(denied.reason.as_deref(), Some("host not granted"));
    let json = serde_json::to_string(&store.audit_log(AuditFilter::default()).unwrap()).unwrap();
    assert!(!json.contains("SECRET"), "a query value was stored");

    // Retention.
    assert_eq!(store.prune_audit(T0 + 5_000).unwrap(), 5);
    assert_eq!(seqs(AuditFilter::default()), vec![10, 9, 8, 7, 6]);
}

// ----- concurrency --------------------------------------------------------------

#[test]
fn threads_sharing_one_store_lose_nothing() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<StateStore>();

    let dir = tempfile::tempdir().unwrap();
    let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
    const THREADS: usize = 4;
    const RUNS: usize = 5;
    const PAGES: usize = 10;
    const AUDITS_PER_PAGE: usize = 5;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let source = format!("source-{t}");
                for r in 0..RUNS {
                    let run = store.begin_run(&source, "forum", "0.1.0").unwrap();
                    for p in 0..PAGES {
                        for a in 0..AUDITS_PER_PAGE {
                            let path = format!("/{t}/{r}/{p}/{a}");
                            store
                                .audit(&entry(
                                    &source,
                                    Some(&run),
                                    "h.example",
                                    &path,
                                    Decision::Allowed,
                                ))
                                .unwrap();
                        }
                        store.record_page(&run, page(3, 2, 1, 0)).unwrap();
                        store
                            .commit_cursor(&run, &source, Some(&format!("{r}:{p}")))
                            .unwrap();
                    }
                    store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    check_concurrent_result(&store, THREADS, RUNS, PAGES, AUDITS_PER_PAGE);
}

/// Two stores opened separately on one file (two connections, as two
/// processes would have) contend for the write lock; the busy timeout and
/// `BEGIN IMMEDIATE` make every write land, with dense audit numbers.
#[test]
fn separate_connections_on_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let stores = [
        StateStore::open(&path).unwrap(),
        StateStore::open(&path).unwrap(),
    ];
    const THREADS: usize = 4;
    const RUNS: usize = 3;
    const PAGES: usize = 8;
    const AUDITS_PER_PAGE: usize = 4;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = stores[t % 2].clone();
            std::thread::spawn(move || {
                let source = format!("source-{t}");
                for r in 0..RUNS {
                    let run = store.begin_run(&source, "forum", "0.1.0").unwrap();
                    for p in 0..PAGES {
                        let batch: Vec<AuditEntry> = (0..AUDITS_PER_PAGE)
                            .map(|a| {
                                entry(
                                    &source,
                                    Some(&run),
                                    "h.example",
                                    &format!("/{t}/{r}/{p}/{a}"),
                                    Decision::Allowed,
                                )
                            })
                            .collect();
                        store.audit_batch(&batch).unwrap();
                        store.record_page(&run, page(3, 2, 1, 0)).unwrap();
                        store
                            .commit_cursor(&run, &source, Some(&format!("{r}:{p}")))
                            .unwrap();
                    }
                    store.finish_run(&run, RunStatus::Succeeded, None).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    check_concurrent_result(&stores[0], THREADS, RUNS, PAGES, AUDITS_PER_PAGE);
}

fn check_concurrent_result(
    store: &StateStore,
    threads: usize,
    runs: usize,
    pages: usize,
    audits_per_page: usize,
) {
    let audit = store.audit_log(AuditFilter::default()).unwrap();
    let total = threads * runs * pages * audits_per_page;
    assert_eq!(audit.len(), total);
    // Dense, unique sequence numbers.
    let seqs: BTreeSet<i64> = audit.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, (1..=total as i64).collect());
    // Every entry present exactly once.
    let paths: BTreeSet<&str> = audit.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths.len(), total);

    let ledger = all_runs(store);
    assert_eq!(ledger.len(), threads * runs);
    let ids: BTreeSet<&RunId> = ledger.iter().map(|r| &r.id).collect();
    assert_eq!(ids.len(), ledger.len(), "run ids are unique");
    for r in &ledger {
        assert_eq!(r.status, RunStatus::Succeeded);
        assert_eq!(r.pages, pages as u64);
        assert_eq!(r.records, 3 * pages as u64);
        assert_eq!((r.new, r.updated), (2 * pages as u64, pages as u64));
        assert_eq!(r.uncommitted_pages, 0);
        let per_run = store
            .audit_log(AuditFilter {
                run: Some(r.id.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(per_run.len(), pages * audits_per_page);
    }
    for t in 0..threads {
        assert_eq!(
            store.cursor(&format!("source-{t}")).unwrap(),
            Some(format!("{}:{}", runs - 1, pages - 1))
        );
    }
}

// ----- HTTP caches ----------------------------------------------------------------

#[test]
fn validators_and_robots_round_trip() {
    let clock = Manual::new(T0);
    let store = StateStore::open_in_memory_with_clock(clock.clock()).unwrap();
    let url = "http://127.0.0.1:8080/forum/t/7?page=2";
    assert_eq!(store.conditional("forum", url).unwrap(), None);
    let v = Validators {
        etag: Some("W/\"7-2\"".into()),
        last_modified: Some("Tue, 04 Mar 2025 10:15:00 GMT".into()),
    };
    store.store_conditional("forum", url, &v).unwrap();
    assert_eq!(store.conditional("forum", url).unwrap(), Some(v.clone()));
    assert_eq!(
        store
            .conditional("forum", "http://127.0.0.1:8080/forum/t/7?page=3")
            .unwrap(),
        None
    );
    // Another source reading the same URL has its own cursor, so not the
    // first source's validators either.
    assert_eq!(store.conditional("forum-b", url).unwrap(), None);
    let v2 = Validators {
        etag: Some("\"8\"".into()),
        last_modified: None,
    };
    store.store_conditional("forum", url, &v2).unwrap();
    assert_eq!(store.conditional("forum", url).unwrap(), Some(v2));
    store
        .store_conditional("forum", url, &Validators::default())
        .unwrap();
    assert_eq!(store.conditional("forum", url).unwrap(), None);

    assert_eq!(store.robots("forum.example").unwrap(), None);
    store
        .store_robots("Forum.Example", "User-agent: *\nDisallow: /private\n")
        .unwrap();
    clock.set(T0 + 1000);
    assert_eq!(
        store.robots("forum.EXAMPLE").unwrap(),
        Some(("User-agent: *\nDisallow: /private\n".to_owned(), T0))
    );
    store.store_robots("forum.example", "").unwrap();
    assert_eq!(
        store.robots("forum.example").unwrap(),
        Some((String::new(), T0 + 1000))
    );
    let too_big = "x".repeat(hearken_state::MAX_ROBOTS_BYTES + 1);
    assert!(store.store_robots("forum.example", &too_big).is_err());
}

#[test]
fn validators_move_with_the_cursor_and_never_without_it() {
    let store = StateStore::open_in_memory().unwrap();
    let url = "http://127.0.0.1:8080/feed.xml";
    let etag = |e: &str| Validators {
        etag: Some(e.into()),
        last_modified: None,
    };
    let run = store.begin_run("feed", "posts", "0.1.0").unwrap();
    store.record_page(&run, page(2, 2, 0, 0)).unwrap();
    store
        .commit_cursor_and_validators(&run, "feed", Some("c1"), &[(url.into(), etag("\"1\""))])
        .unwrap();
    assert_eq!(store.cursor("feed").unwrap().as_deref(), Some("c1"));
    assert_eq!(store.conditional("feed", url).unwrap(), Some(etag("\"1\"")));

    // A run that was marked interrupted (its process died) cannot store
    // validators: they would claim pages whose documents may be lost.
    store.mark_interrupted_runs().unwrap();
    let refused = store.commit_cursor_and_validators(
        &run,
        "feed",
        Some("c2"),
        &[(url.into(), etag("\"2\""))],
    );
    assert!(
        matches!(refused, Err(StateError::RunNotRunning { .. })),
        "{refused:?}"
    );
    assert_eq!(store.cursor("feed").unwrap().as_deref(), Some("c1"));
    assert_eq!(store.conditional("feed", url).unwrap(), Some(etag("\"1\"")));

    // Neither field set: a 200 without validators forgets the old ones.
    let next = store.begin_run("feed", "posts", "0.1.0").unwrap();
    store
        .commit_cursor_and_validators(
            &next,
            "feed",
            Some("c3"),
            &[(url.into(), Validators::default())],
        )
        .unwrap();
    assert_eq!(store.conditional("feed", url).unwrap(), None);
}

#[test]
fn urls_are_not_stored_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    {
        let store = StateStore::open(&path).unwrap();
        store
            .store_conditional(
                "posts",
                "http://api.example/v1/posts?api_key=SENTINEL_KEY",
                &Validators {
                    etag: Some("\"e\"".into()),
                    last_modified: None,
                },
            )
            .unwrap();
        store
            .audit(&entry(
                "posts",
                None,
                "api.example",
                "/v1/posts?api_key=SENTINEL_KEY",
                Decision::Allowed,
            ))
            .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let needle = b"SENTINEL_KEY";
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "a query value reached the database file"
    );
}
