//! The `hearken` binary, driven as a user drives it.

// Test helpers outside #[test] functions unwrap too; a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, hearken_blocking as hearken, json_ok as json};

#[test]
fn demo_indexes_three_sources_search_finds_deidentified_evidence_and_a_rerun_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_arg = data.to_str().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());

    let first = json(&hearken(
        &["demo", "--data", data_arg, "--site-addr", &addr, "--json"],
        tmp.path(),
    ));
    let sources = first["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3, "{first:#}");
    for s in sources {
        assert!(s["error"].is_null(), "{s:#}");
        assert!(s["records"].as_u64().unwrap() > 0, "{s:#}");
    }
    let documents = first["documents"].as_u64().unwrap();
    assert!(documents >= 100, "{documents}");
    assert!(data.join("index").join("meta.json").exists());
    assert!(data.join("state.sqlite").exists());
    for ext in ["html", "md", "json"] {
        let report = data.join("reports").join(format!("personas.{ext}"));
        assert!(
            std::fs::metadata(&report)
                .map(|m| m.len() > 1000)
                .unwrap_or(false),
            "{}",
            report.display()
        );
    }

    // The audit log has the gate's decisions.
    let runs = json(&hearken(
        &["runs", "--data", data_arg, "--json"],
        tmp.path(),
    ));
    assert_eq!(runs.as_array().unwrap().len(), 3, "{runs:#}");

    // Search: hits point at the loopback site (or the transcript files) and
    // no snippet carries a planted identifier.
    let hits = json(&hearken(
        &[
            "search", "travel", "--json", "--limit", "50", "--data", data_arg,
        ],
        tmp.path(),
    ));
    let list = hits["hits"].as_array().unwrap();
    assert!(!list.is_empty(), "{hits:#}");
    assert!(hits["total"].as_u64().unwrap() >= list.len() as u64);
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data.join("sample-site").join("truth.json")).unwrap(),
    )
    .unwrap();
    let planted: Vec<String> = truth["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap().to_string())
        .filter(|v| v.len() >= 4)
        .collect();
    assert!(planted.len() > 20, "the sample plants identifiers");
    for hit in list {
        let url = hit["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("http://{addr}/")) || url.starts_with("file:"),
            "{url}"
        );
        let snippet = hit["snippet"].as_str().unwrap();
        for id in &planted {
            assert!(
                !snippet.contains(id.as_str()),
                "snippet of {} contains planted identifier {id:?}: {snippet}",
                hit["id"]
            );
        }
        for key in ["id", "source", "published", "title", "themes"] {
            assert!(hit.get(key).is_some(), "hit lacks {key}: {hit:#}");
        }
        assert!(hit["sentiment"]["compound"].is_number() && hit["sentiment"]["label"].is_string());
    }
    assert!(
        hits["facets"]["theme"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );

    // show works on a hit.
    let id = list[0]["id"].as_str().unwrap();
    let doc = json(&hearken(
        &["show", id, "--json", "--data", data_arg],
        tmp.path(),
    ));
    assert_eq!(doc["id"], id);

    // A second demo on the same data directory adds nothing.
    let second = json(&hearken(
        &["demo", "--data", data_arg, "--site-addr", &addr, "--json"],
        tmp.path(),
    ));
    assert_eq!(second["documents"].as_u64(), Some(documents), "{second:#}");
    for s in second["sources"].as_array().unwrap() {
        assert!(s["error"].is_null(), "{s:#}");
        assert_eq!(s["new"].as_u64(), Some(0), "{s:#}");
    }
    // Reports are byte-identical for the same index.
    let a = std::fs::read(data.join("reports/personas.json")).unwrap();
    let third = hearken(
        &["demo", "--data", data_arg, "--site-addr", &addr, "--json"],
        tmp.path(),
    );
    assert!(third.status.success());
    assert_eq!(
        a,
        std::fs::read(data.join("reports/personas.json")).unwrap()
    );

    // An index written by an older schema is detected and rebuilt from its
    // stored documents: mark this one as schema version 0.
    let version_file = data.join("index").join("hearken-index.json");
    let mut version: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&version_file).unwrap()).unwrap();
    let current = version["schema_version"].as_u64().unwrap();
    version["schema_version"] = 0.into();
    std::fs::write(&version_file, version.to_string()).unwrap();
    let refused = hearken(&["search", "travel", "--data", data_arg], tmp.path());
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("hearken reindex"), "{err}");
    let rebuilt = json(&hearken(
        &["reindex", "--json", "--data", data_arg],
        tmp.path(),
    ));
    assert_eq!(rebuilt["from_version"], 0, "{rebuilt:#}");
    assert_eq!(rebuilt["to_version"].as_u64(), Some(current));
    assert_eq!(rebuilt["documents"].as_u64(), Some(documents));
    let again = json(&hearken(
        &[
            "search", "travel", "--json", "--limit", "50", "--data", data_arg,
        ],
        tmp.path(),
    ));
    assert_eq!(again["total"], hits["total"]);
    assert_eq!(again["hits"], hits["hits"]);
}

#[test]
fn search_before_any_ingest_says_what_to_do_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = hearken(
        &[
            "search",
            "travel",
            "--data",
            tmp.path().join("nothing").to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("there is no index") && err.contains("hearken demo"),
        "{err}"
    );
}

#[test]
fn a_broken_config_exits_2_and_points_at_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("hearken.toml"),
        "[sources.board]\nplugin = \"transcripts\"\ngrant_host = [\"x\"]\n",
    )
    .unwrap();
    let out = hearken(&["run"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("hearken.toml:3:1") && err.contains("unknown field `grant_host`"),
        "{err}"
    );
}

#[test]
fn unknown_plugin_and_undeclared_grant_are_both_reported() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("hearken.toml"),
        "[sources.a]\nplugin = \"forun\"\n[sources.b]\nplugin = \"transcripts\"\ngrant_hosts = [\"evil.example\"]\n",
    )
    .unwrap();
    let out = hearken(
        &["run", "--data", tmp.path().join("d").to_str().unwrap()],
        tmp.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !tmp.path().join("d").join("state.sqlite").exists(),
        "a bad config creates nothing"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 problems"), "{err}");
    assert!(
        err.contains("does not fit plugin `transcripts`'s schema")
            && err.contains("\"files\" is a required property"),
        "{err}"
    );
    assert!(
        err.contains("hearken.toml:2:10") && err.contains("there is no plugin `forun`"),
        "{err}"
    );
    assert!(
        err.contains("hearken.toml:5:16") && err.contains("does not declare it"),
        "{err}"
    );
}

#[test]
fn init_writes_a_config_that_run_accepts_the_shape_of() {
    let tmp = tempfile::tempdir().unwrap();
    let out = hearken(&["init"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = hearken(&["init"], tmp.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// Writes `config` as `hearken.toml`, runs `hearken run` on it, and returns
/// stderr after asserting exit code 2 and that nothing was created.
fn run_rejects(config: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("hearken.toml"), config).unwrap();
    let data = tmp.path().join("d");
    let out = hearken(&["run", "--data", data.to_str().unwrap()], tmp.path());
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        !data.join("state.sqlite").exists(),
        "a bad config creates nothing"
    );
    err
}

#[test]
fn a_value_of_the_wrong_type_is_reported_at_its_place() {
    let err = run_rejects(
        "[sources.feed]\nplugin = \"posts\"\ngrant_hosts = [\"127.0.0.1\"]\nmin_interval_ms = \"fast\"\n",
    );
    assert!(
        err.contains("hearken.toml:4:19") && err.contains("invalid type: string \"fast\""),
        "{err}"
    );
    // The offending line is quoted with a caret under the value.
    assert!(
        err.contains("  4| min_interval_ms = \"fast\"") && err.contains("^^^^^^"),
        "{err}"
    );
}

#[test]
fn a_plugin_config_that_fails_the_plugins_schema_is_reported_at_its_place() {
    let err = run_rejects(
        "[sources.feed]\nplugin = \"posts\"\ngrant_hosts = [\"127.0.0.1\"]\n\n[sources.feed.config]\nkind = \"feed\"\nurls = \"http://127.0.0.1/feed.xml\"\n",
    );
    assert!(err.contains("1 problem"), "{err}");
    assert!(
        err.contains("source `feed`: the config does not fit plugin `posts`'s schema"),
        "{err}"
    );
    // It points at the source's plugin config table.
    assert!(
        err.contains("hearken.toml:5:1") && err.contains("  5| [sources.feed.config]"),
        "{err}"
    );
}

#[test]
fn a_schedule_that_is_not_understood_is_reported_with_its_source() {
    let err = run_rejects(
        "[sources.board]\nplugin = \"transcripts\"\nschedule = \"every 5 weeks\"\n[sources.board.config]\nfiles = [\"a.vtt\"]\n",
    );
    assert!(
        err.contains("hearken.toml:3:12")
            && err.contains("source `board`: schedule `every 5 weeks` is not understood"),
        "{err}"
    );
}
