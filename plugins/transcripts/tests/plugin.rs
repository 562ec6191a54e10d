//! The transcripts plugin end to end, natively: granted files (our synthetic
//! fixtures in `tests/fixtures/`, and the QMSum hearing in `../shared/data`)
//! through `fetch`, paging and resuming from the cursor.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::collections::HashMap;
use std::path::Path;

use hearken_plugin_sdk::{Batch, Record, RecordKind, SourceError};
use hearken_plugin_transcripts::config::Config;
use hearken_plugin_transcripts::source::fetch;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn inputs(names: &[&str]) -> HashMap<String, Vec<u8>> {
    names.iter().map(|n| (n.to_string(), fixture(n))).collect()
}

fn config(json: &str) -> Config {
    hearken_plugin_sdk::config::parse(json).unwrap()
}

/// Calls `fetch` until the batch is exhausted; returns the records and the
/// final cursor.
fn run(
    config: &Config,
    cursor: Option<String>,
    files: &impl hearken_plugin_transcripts::source::Inputs,
) -> (Vec<Record>, Option<String>, usize) {
    let mut cursor = cursor;
    let mut records = Vec::new();
    let mut calls = 0;
    loop {
        calls += 1;
        assert!(calls < 1000, "paging does not end");
        let Batch {
            records: page,
            cursor: next,
            exhausted,
        } = fetch(config, cursor.as_deref(), files).unwrap();
        records.extend(page);
        if next.is_some() {
            cursor = next;
        }
        if exhausted {
            return (records, cursor, calls);
        }
    }
}

const ROLES: &str = r#""roles": {"Dana Whitfield": "moderator", "Dr. Okafor": "clinician", "DR. OKAFOR": "clinician", "Priya N": "caregiver", "Sam Reyes": "caregiver"}, "default_role": "patient""#;

#[test]
fn teams_vtt_turns_roles_urls_and_dates() {
    let files = inputs(&["board-2025-03.vtt"]);
    let cfg = config(&format!(r#"{{"files": ["board-2025-03.vtt"], {ROLES}}}"#));
    let (records, _, _) = run(&cfg, None, &files);
    let who: Vec<(&str, &str)> = records
        .iter()
        .map(|r| {
            (
                r.author.as_deref().unwrap(),
                r.speaker_role.as_deref().unwrap(),
            )
        })
        .collect();
    // Dana's two cues are one turn, Marisol's two are one; the cross-talk
    // cue splits between Marisol and Jerome, and Jerome's next cue joins his.
    assert_eq!(
        who,
        [
            ("Dana Whitfield", "moderator"),
            ("Marisol Tenney", "patient"),
            ("Dr. Okafor", "clinician"),
            ("Marisol Tenney", "patient"),
            ("Jerome K.", "patient"),
        ]
    );
    let first = &records[0];
    assert_eq!(first.kind, RecordKind::TranscriptTurn);
    assert_eq!(first.id, "board-2025-03.vtt#t=00:00:01.200");
    assert_eq!(first.url, "file:board-2025-03.vtt#t=00:00:01.200");
    assert_eq!(first.thread_id.as_deref(), Some("board-2025-03.vtt"));
    assert_eq!(
        first.body,
        "Okay, I think we're all here. Thanks everyone for joining, I know it's early for some of you. Today we want to hear about the visit schedule for the new study."
    );
    // The date comes from the NOTE block; a date alone is midnight UTC.
    assert_eq!(first.published.as_deref(), Some("2025-03-12T00:00:00Z"));
    assert_eq!(first.extra_value("start"), Some("00:00:01.200"));
    assert_eq!(first.extra_value("end"), Some("00:00:09.010"));
    assert_eq!(first.extra_value("segments"), Some("2"));
    assert!(
        records[1].body.ends_with("he lost a shift."),
        "entities decoded"
    );
    assert!(records[1].body.contains("&") && !records[1].body.contains("&amp;"));
    assert_eq!(
        records[4].body,
        "Same here, as long as the e-diary app actually works on my old phone lol Last study the app kept logging me out."
    );
}

#[test]
fn zoom_vtt_with_loose_timestamps_and_labels() {
    let files = inputs(&["zoom-export.vtt"]);
    let cfg = config(&format!(
        r#"{{"files": [{{"name": "zoom-export.vtt", "date": "2025-03-20T17:00:00Z", "title": "Caregiver call"}}], {ROLES}}}"#
    ));
    let (records, _, _) = run(&cfg, None, &files);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1].author.as_deref(), Some("Priya N"));
    assert_eq!(records[1].speaker_role.as_deref(), Some("caregiver"));
    assert_eq!(records[1].url, "file:zoom-export.vtt#t=00:00:05.000");
    // A start time in the config advances with each turn's offset.
    assert_eq!(
        records[0].published.as_deref(),
        Some("2025-03-20T17:00:00.21Z")
    );
    assert_eq!(
        records[1].published.as_deref(),
        Some("2025-03-20T17:00:05Z")
    );
    assert_eq!(records[1].title.as_deref(), Some("Caregiver call"));
    assert!(
        records[1].body.starts_with("Yes, loud and clear.")
            && records[1].body.ends_with("handle the appointments.")
    );
}

#[test]
fn windows_1252_srt_without_indexes() {
    let files = inputs(&["followup-cp1252.srt"]);
    let cfg = config(&format!(r#"{{"files": ["followup-cp1252.srt"], {ROLES}}}"#));
    let (records, _, _) = run(&cfg, None, &files);
    assert_eq!(records.len(), 3);
    assert_eq!(
        records[0].body,
        "Welcome back. Café vouchers are on the table – help yourselves."
    );
    assert_eq!(records[0].extra_value("encoding"), Some("windows-1252"));
    assert_eq!(
        records[1].author, None,
        "a dash without a label is an unnamed speaker"
    );
    assert_eq!(records[1].speaker_role, None);
    assert_eq!(
        records[1].body,
        "The parking was “validated” this time, which helped."
    );
    assert_eq!(records[2].url, "file:followup-cp1252.srt#t=00:00:07.500");
}

#[test]
fn utf16_and_utf32_srt() {
    let text = String::from_utf8(fixture("zoom-export.vtt")).unwrap();
    for (name, bytes) in [
        ("a.vtt", {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        (
            "b.vtt",
            text.encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<u8>>(),
        ),
        ("c.vtt", {
            let mut b = vec![0, 0, 0xFE, 0xFF];
            b.extend(text.chars().flat_map(|c| (c as u32).to_be_bytes()));
            b
        }),
    ] {
        let files: HashMap<String, Vec<u8>> = [(name.to_string(), bytes)].into();
        let cfg = config(&format!(r#"{{"files": ["{name}"]}}"#));
        let (records, _, _) = run(&cfg, None, &files);
        assert_eq!(records.len(), 3, "{name}");
        assert_eq!(
            records[2].author.as_deref(),
            Some("Dana Whitfield"),
            "{name}"
        );
    }
}

#[test]
fn plain_text_minutes() {
    let files = inputs(&["minutes-2025-04.txt"]);
    let cfg = config(&format!(r#"{{"files": ["minutes-2025-04.txt"], {ROLES}}}"#));
    let (records, _, _) = run(&cfg, None, &files);
    let who: Vec<&str> = records
        .iter()
        .map(|r| r.author.as_deref().unwrap())
        .collect();
    assert_eq!(
        who,
        [
            "Dana Whitfield",
            "Sam Reyes",
            "Dana Whitfield",
            "Sam Reyes",
            "DR. OKAFOR"
        ]
    );
    assert_eq!(records[4].speaker_role.as_deref(), Some("clinician"));
    assert_eq!(records[1].url, "file:minutes-2025-04.txt#t=00:00:19.000");
    assert_eq!(
        records[1].body,
        "I'm the one who drives my dad. The visits are every two weeks and each one takes the whole day, parking alone is $18."
    );
    assert_eq!(
        records[0].title.as_deref(),
        Some("Caregiver listening session")
    );
    assert_eq!(
        records[0].published.as_deref(),
        Some("2025-04-02T00:00:00Z")
    );
}

#[test]
fn json_turn_list() {
    let files = inputs(&["panel-transcript.json"]);
    let cfg = config(
        r#"{"files": ["panel-transcript.json"], "roles": {"Dr. Okafor": "clinician", "Lee Ann Parkes": "sponsor"}}"#,
    );
    let (records, _, _) = run(&cfg, None, &files);
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].speaker_role.as_deref(), Some("sponsor"));
    assert_eq!(
        records[0].body,
        "We've heard people worry they'll get the placebo. Can we talk about what that means in this study?"
    );
    assert_eq!(records[1].speaker_role, None, "no default role configured");
    assert_eq!(
        records[2].published.as_deref(),
        Some("2025-05-20T15:00:21Z")
    );
    assert_eq!(records[2].title.as_deref(), Some("Sponsor Q&A"));
}

#[test]
fn second_run_yields_nothing_and_paging_resumes() {
    let names = [
        "board-2025-03.vtt",
        "zoom-export.vtt",
        "followup-cp1252.srt",
        "minutes-2025-04.txt",
        "panel-transcript.json",
    ];
    let files = inputs(&names);
    let list = names.map(|n| format!("\"{n}\"")).join(", ");
    let all = config(&format!(r#"{{"files": [{list}], {ROLES}}}"#));
    let (first, cursor, _) = run(&all, None, &files);
    assert_eq!(first.len(), 5 + 3 + 3 + 5 + 3);
    let mut ids: Vec<&str> = first.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), first.len(), "ids are unique");

    let (again, cursor2, _) = run(&all, cursor.clone(), &files);
    assert!(
        again.is_empty(),
        "unchanged input yields no records, got {}",
        again.len()
    );

    // Paging two turns at a time gives the same records over more calls.
    let paged_cfg = config(&format!(
        r#"{{"files": [{list}], {ROLES}, "page_size": 2}}"#
    ));
    let (paged, _, calls) = run(&paged_cfg, None, &files);
    assert_eq!(paged, first);
    assert!(calls >= 10, "{calls} calls");

    // A changed file is read again (same ids, so the host's upsert replaces);
    // the unchanged ones stay quiet.
    let mut changed = files.clone();
    let mut minutes = changed["minutes-2025-04.txt"].clone();
    minutes.extend_from_slice(b"[00:02:00] Sam Reyes: One more thing about the form.\n");
    changed.insert("minutes-2025-04.txt".into(), minutes);
    let (after_edit, _, _) = run(&all, cursor2.clone(), &changed);
    assert_eq!(after_edit.len(), 6);
    assert!(
        after_edit
            .iter()
            .all(|r| r.thread_id.as_deref() == Some("minutes-2025-04.txt"))
    );
    assert_eq!(after_edit[..5], first[11..16]);

    // A changed role map re-reads the files it shapes.
    let remapped = config(&format!(
        r#"{{"files": [{list}], "roles": {{"Dana Whitfield": "sponsor"}}}}"#
    ));
    let (rerun, _, _) = run(&remapped, cursor2, &files);
    assert_eq!(rerun.len(), first.len());
}

#[test]
fn missing_and_ungranted_files_are_input_errors() {
    let cfg = config(r#"{"files": ["nowhere.vtt"]}"#);
    let e = fetch(&cfg, None, &HashMap::new()).unwrap_err();
    assert!(
        matches!(&e, SourceError::Input(m) if m.starts_with("nowhere.vtt: not granted")),
        "{e:?}"
    );
    let files: HashMap<String, Vec<u8>> = [("bad.json".to_string(), b"{\"x\": 1}".to_vec())].into();
    let e = fetch(&config(r#"{"files": ["bad.json"]}"#), None, &files).unwrap_err();
    assert!(
        matches!(&e, SourceError::Parse(m) if m.starts_with("bad.json:")),
        "{e:?}"
    );
    let e = fetch(
        &config(r#"{"files": ["a.vtt"]}"#),
        Some("not a cursor"),
        &files,
    )
    .unwrap_err();
    assert!(matches!(e, SourceError::Other(_)));
}

#[test]
fn qmsum_hearing_through_json_turns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/transcripts/education_11.json");
    if !path.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} missing (CI is set)",
            path.display()
        );
        eprintln!("notice: {} not found; skipping", path.display());
        return;
    }
    let files: HashMap<String, Vec<u8>> = [(
        "education_11.json".to_string(),
        std::fs::read(&path).unwrap(),
    )]
    .into();
    let cfg =
        config(r#"{"files": ["education_11.json"], "roles": {"Lynne Neagle AM": "moderator"}}"#);
    let (records, _, _) = run(&cfg, None, &files);
    assert_eq!(records.len(), 97, "the hearing has 97 speaker turns");
    let speakers: std::collections::BTreeSet<&str> =
        records.iter().filter_map(|r| r.author.as_deref()).collect();
    assert_eq!(speakers.len(), 6);
    assert_eq!(records[0].speaker_role.as_deref(), Some("moderator"));
    assert!(
        records
            .iter()
            .all(|r| r.url.starts_with("file:education_11.json#turn-"))
    );
    println!(
        "QMSum education_11: {} turns, {} speakers",
        records.len(),
        speakers.len()
    );
}

/// Granted files that count how often each is read.
struct CountingInputs {
    files: HashMap<String, Vec<u8>>,
    reads: std::cell::RefCell<HashMap<String, usize>>,
}

impl hearken_plugin_transcripts::source::Inputs for CountingInputs {
    fn read(&self, name: &str) -> Result<Vec<u8>, hearken_plugin_sdk::host::InputError> {
        *self.reads.borrow_mut().entry(name.to_string()).or_default() += 1;
        self.files.read(name)
    }
}

#[test]
fn a_run_reads_each_file_about_once_however_many_files_there_are() {
    // Forty meetings of the same board, each a small file: a page holds
    // several of them.
    let board = fixture("board-2025-03.vtt");
    let names: Vec<String> = (1..=40).map(|i| format!("board-{i:03}.vtt")).collect();
    let inputs = CountingInputs {
        files: names.iter().map(|n| (n.clone(), board.clone())).collect(),
        reads: Default::default(),
    };
    let list = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let cfg = config(&format!(
        r#"{{"files": [{list}], "page_size": 25, {ROLES}}}"#
    ));
    let per_file = run(&cfg, None, &inputs.files).0.len() / names.len();
    assert!(per_file > 0 && per_file < 25, "{per_file} turns a file");

    let (records, cursor, calls) = run(&cfg, None, &inputs);
    assert_eq!(records.len(), per_file * names.len(), "every turn, once");
    // A call starts at the file the last one stopped at: each file is read
    // for the call that emits it and at most once more, where the next call
    // resumes. (Scanning from the first file on every call read the first
    // file once per call: 40 files, dozens of reads.)
    let most_reads = inputs.reads.borrow().values().copied().max();
    assert!(
        most_reads <= Some(2),
        "reads per file: up to {most_reads:?}"
    );
    assert!(
        calls < names.len(),
        "{calls} calls for {} files",
        names.len()
    );

    // The next run reads every file once and yields nothing.
    inputs.reads.borrow_mut().clear();
    let again = fetch(&cfg, cursor.as_deref(), &inputs).unwrap();
    assert!(again.records.is_empty() && again.exhausted);
    assert!(inputs.reads.borrow().values().all(|&n| n == 1));
}
