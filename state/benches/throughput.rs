//! How cheap the state store's hot paths are, against baselines measured in
//! the same run.
//!
//! The ingest target is 5,000 documents a second with an audit entry per
//! HTTP call, so an audit append must cost a small fraction of a
//! millisecond. This prints, for N entries on a real WAL file in a temp
//! directory:
//!
//! * baseline: the same entries serialized to JSON into a `Vec<String>`
//!   (what an in-memory log costs: the floor for "recording a call");
//! * `audit()` one transaction per entry, from one thread and from four;
//! * `audit_batch()` in batches of 16 and 256;
//! * the per-page protocol (`record_page` + `commit_cursor`).
//!
//! `cargo bench -p hearken-state --bench throughput [-- N]` (default 20000).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use hearken_state::{AuditEntry, Decision, PageProgress, RunStatus, StateStore};

fn entries(n: usize) -> Vec<AuditEntry> {
    (0..n)
        .map(|i| AuditEntry {
            run: None,
            source: format!("source-{}", i % 5),
            plugin: "forum".to_owned(),
            method: "GET".to_owned(),
            host: "127.0.0.1:8080".to_owned(),
            path: format!("/forum/t/{}?page={}", i / 10, i % 10),
            status: Some(200),
            bytes: 10_000 + i as u64,
            millis: 12,
            decision: Decision::Allowed,
            reason: None,
        })
        .collect()
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn fresh_store(dir: &tempfile::TempDir, name: &str) -> StateStore {
    StateStore::open(&dir.path().join(name)).expect("open a store in the temp dir")
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let batch = entries(n);

    // Attach the runs so the entries look like the real ones.
    let start = Instant::now();
    let mut sink: Vec<String> = Vec::with_capacity(n);
    for e in &batch {
        sink.push(serde_json::to_string(e).expect("serialize"));
    }
    black_box(&sink);
    let baseline = rate(n, start.elapsed());
    println!("audit entries: {n}, WAL file in a temp dir, synchronous=NORMAL");
    println!(
        "{:<40} {:>12.0} /s   1.00x",
        "baseline: JSON into Vec<String>", baseline
    );

    let report = |label: &str, r: f64| {
        println!(
            "{label:<40} {r:>12.0} /s   {:.3}x of baseline",
            r / baseline
        );
    };

    let store = fresh_store(&dir, "unbatched.sqlite3");
    let start = Instant::now();
    for e in &batch {
        store.audit(e).expect("audit");
    }
    report("audit(), 1 thread", rate(n, start.elapsed()));

    let store = fresh_store(&dir, "threads.sqlite3");
    let start = Instant::now();
    std::thread::scope(|s| {
        for chunk in batch.chunks(n.div_ceil(4)) {
            let store = store.clone();
            s.spawn(move || {
                for e in chunk {
                    store.audit(e).expect("audit");
                }
            });
        }
    });
    report("audit(), 4 threads", rate(n, start.elapsed()));

    for size in [16, 256] {
        let store = fresh_store(&dir, &format!("batch{size}.sqlite3"));
        let start = Instant::now();
        for chunk in batch.chunks(size) {
            store.audit_batch(chunk).expect("audit batch");
        }
        report(
            &format!("audit_batch() of {size}"),
            rate(n, start.elapsed()),
        );
    }

    // The per-page protocol: one record_page and one commit_cursor per page.
    let store = fresh_store(&dir, "pages.sqlite3");
    let run = store.begin_run("forum", "forum", "0.1.0").expect("begin");
    let pages = n / 10;
    let start = Instant::now();
    for p in 0..pages {
        let page = PageProgress {
            records: 20,
            new: 18,
            updated: 1,
            unchanged: 1,
            redactions: BTreeMap::from([("NAME".to_owned(), 3), ("EMAIL".to_owned(), 1)]),
        };
        store.record_page(&run, page).expect("record");
        store
            .commit_cursor(&run, "forum", Some(&format!("page={p}")))
            .expect("commit");
    }
    let pages_rate = rate(pages, start.elapsed());
    store
        .finish_run(&run, RunStatus::Succeeded, None)
        .expect("finish");
    println!(
        "{:<40} {:>12.0} /s   ({:.0} docs/s at 20 docs a page)",
        "record_page + commit_cursor (pages)",
        pages_rate,
        pages_rate * 20.0
    );
}
