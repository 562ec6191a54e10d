//! The transcripts plugin on the demo corpus `hearken-sample` writes (the
//! advisory-board transcripts `hearken demo` serves), checked against the
//! generator's answer key, `truth.json`: every turn, in order, with its
//! speaker, role, time offset and time.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::collections::{BTreeMap, HashMap};

use hearken_plugin_transcripts::config::Config;
use hearken_plugin_transcripts::source::fetch;

#[test]
fn demo_transcripts_match_the_answer_key() {
    let dir = tempfile::tempdir().unwrap();
    let manifest =
        hearken_sample::write_site(&hearken_sample::SampleConfig::demo(), dir.path()).unwrap();
    let truth = hearken_sample::read_truth(dir.path()).unwrap();
    let turns: Vec<_> = truth
        .documents
        .iter()
        .filter(|d| d.kind == "transcript-turn")
        .collect();
    assert_eq!(turns.len(), manifest.transcript_turns);

    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    let mut specs = Vec::new();
    let mut roles: BTreeMap<String, String> = BTreeMap::new();
    for rel in &manifest.transcripts {
        let name = rel.rsplit('/').next().unwrap().to_string();
        files.insert(name.clone(), std::fs::read(dir.path().join(rel)).unwrap());
        // The meeting's start, as the operator would configure it: the
        // files themselves give only the day.
        let first = turns
            .iter()
            .find(|d| d.url.starts_with(rel.as_str()))
            .unwrap();
        specs.push(serde_json::json!({"name": name, "date": first.published}));
    }
    for d in &turns {
        roles.insert(d.author.clone(), d.role.clone().unwrap());
    }
    let config: Config = hearken_plugin_sdk::config::parse(
        &serde_json::json!({"files": specs, "roles": roles}).to_string(),
    )
    .unwrap();

    let mut cursor: Option<String> = None;
    let mut records = Vec::new();
    loop {
        let batch = fetch(&config, cursor.as_deref(), &files).unwrap();
        records.extend(batch.records);
        cursor = batch.cursor.or(cursor);
        if batch.exhausted {
            break;
        }
    }
    assert_eq!(records.len(), turns.len(), "one record per speaker turn");
    for (r, t) in records.iter().zip(&turns) {
        let (file, fragment) = t.url.split_once('#').unwrap();
        let file = file.rsplit('/').next().unwrap();
        let t_ms = hearken_plugin_transcripts::webvtt::parse_timestamp(
            fragment.trim_start_matches("t="),
            hearken_plugin_transcripts::webvtt::Mode::Lenient,
        )
        .unwrap();
        assert_eq!(
            r.url,
            format!(
                "file:{file}#t={}",
                hearken_plugin_transcripts::webvtt::format_timestamp(t_ms)
            ),
            "{}",
            t.id
        );
        assert_eq!(r.author.as_deref(), Some(t.author.as_str()), "{}", t.id);
        assert_eq!(r.speaker_role, t.role, "{}", t.id);
        let ours = hearken_plugin_sdk::date::parse(r.published.as_deref().unwrap()).unwrap();
        let theirs = hearken_plugin_sdk::date::parse(&t.published).unwrap();
        // The key's times are whole seconds; ours keep the cue's milliseconds.
        assert!(
            (ours - theirs).whole_milliseconds().abs() < 1000,
            "{}: {ours} vs {theirs}",
            t.id
        );
    }

    let again = fetch(&config, cursor.as_deref(), &files).unwrap();
    assert!(
        again.records.is_empty() && again.exhausted,
        "a second run yields nothing"
    );
    println!(
        "sample transcripts: {} turns over {} files match truth.json",
        records.len(),
        manifest.transcripts.len()
    );
}
