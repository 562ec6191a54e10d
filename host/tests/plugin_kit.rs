//! The plugin developer kit, driven through the `hearken` binary: `plugin
//! check` on the built-in plugins (which must pass against the synthetic
//! sample site) and on the hostile fixture (which must fail, for the right
//! reason), and `plugin new` → `cargo build` → `plugin check` on a fresh
//! crate.

// Test helpers outside #[test] functions unwrap too; a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{hearken_blocking as hearken, show};
use hearken_sample::SampleConfig;

/// Runs `plugin check --json` and returns (exit code, report).
fn check(args: &[&str], cwd: &Path) -> (i32, serde_json::Value) {
    let mut all = vec!["plugin", "check", "--json"];
    all.extend_from_slice(args);
    let out = hearken(&all, cwd);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON report ({e})\n{}", show(&out)));
    (out.status.code().unwrap_or(-1), report)
}

fn check_named<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no `{name}` check in {report:#}"))
}

fn assert_all_passed(code: i32, report: &serde_json::Value) {
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["passed"], true, "{report:#}");
    let names: Vec<&str> = report["checks"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .map(|c| {
            assert_eq!(c["outcome"], "pass", "{c:#}");
            c["name"].as_str().expect("each check has a name")
        })
        .collect();
    assert_eq!(
        names,
        [
            "load",
            "describe",
            "config-schema",
            "config",
            "fetch",
            "paging",
            "records",
            "resume",
            "hosts"
        ]
    );
}

/// A built-in plugin's component, written out as a file.
fn builtin(dir: &Path, artifact: &str) -> PathBuf {
    let (_, bytes) = hearken::plugin::builtin::BUILTIN
        .iter()
        .find(|(name, _)| *name == artifact)
        .unwrap_or_else(|| panic!("no built-in {artifact}"));
    let path = dir.join(format!("{artifact}.wasm"));
    std::fs::write(&path, bytes).expect("write the component");
    path
}

fn hostile() -> &'static str {
    hearken::plugin::builtin::TEST_PLUGINS
        .iter()
        .find(|(name, _)| *name == "hearken_plugin_hostile")
        .map(|(_, path)| *path)
        .expect("the hostile fixture is built")
}

#[test]
fn builtin_plugins_pass_check_against_the_sample_site_with_every_record_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), &site).unwrap();
    let site_arg = site.to_str().unwrap();

    let forum = builtin(tmp.path(), "hearken_plugin_forum");
    let (code, report) = check(
        &[
            forum.to_str().unwrap(),
            "--site",
            site_arg,
            "--config",
            &format!(
                r#"{{"engine":"phpbb","start_url":"{{site}}/{}"}}"#,
                manifest.forum_start
            ),
        ],
        tmp.path(),
    );
    assert_all_passed(code, &report);
    assert_eq!(report["plugin"]["name"], "forum");
    // Every post the generator wrote, each once.
    assert_eq!(
        report["counts"]["records"], manifest.forum_posts as u64,
        "{report:#}"
    );
    assert!(
        report["counts"]["pages"].as_u64().unwrap() > 1,
        "{report:#}"
    );
    assert!(
        check_named(&report, "resume")["summary"]
            .as_str()
            .unwrap()
            .contains("from the final cursor: 0 record(s)"),
        "{report:#}"
    );

    let posts = builtin(tmp.path(), "hearken_plugin_posts");
    let (code, report) = check(
        &[
            posts.to_str().unwrap(),
            "--site",
            site_arg,
            "--config",
            &format!(
                r#"{{"kind":"feed","urls":["{{site}}/{}"]}}"#,
                manifest.feed_start
            ),
        ],
        tmp.path(),
    );
    assert_all_passed(code, &report);
    assert_eq!(
        report["counts"]["records"], manifest.feed_items as u64,
        "{report:#}"
    );
    assert_eq!(report["counts"]["requests_denied"], 0);

    // Transcripts read granted files and never touch the network.
    let transcripts = builtin(tmp.path(), "hearken_plugin_transcripts");
    let mut args: Vec<String> = vec![transcripts.to_str().unwrap().into()];
    let mut names = Vec::new();
    for t in &manifest.transcripts {
        args.push("--input".into());
        args.push(site.join(t).to_str().unwrap().into());
        names.push(
            Path::new(t)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string(),
        );
    }
    args.push("--config".into());
    args.push(serde_json::json!({ "files": names, "default_role": "patient" }).to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report) = check(&args, tmp.path());
    assert_all_passed(code, &report);
    assert!(report["counts"]["records"].as_u64().unwrap() > 0);
    assert_eq!(report["counts"]["requests_allowed"], 0, "{report:#}");
}

#[test]
fn the_text_report_lists_every_check_and_ends_with_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), &site).unwrap();
    let posts = builtin(tmp.path(), "hearken_plugin_posts");
    let out = hearken(
        &[
            "plugin",
            "check",
            posts.to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
            "--config",
            &format!(
                r#"{{"kind":"feed","urls":["{{site}}/{}"]}}"#,
                manifest.feed_start
            ),
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", show(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for line in ["PASS  load", "PASS  records", "PASS  resume", "PASS  hosts"] {
        assert!(text.contains(line), "{text}");
    }
    assert!(
        text.trim_end()
            .ends_with("PASSED: 9 passed, 0 failed, 0 skipped"),
        "{text}"
    );
}

#[test]
fn hostile_plugin_asking_for_an_undeclared_host_fails_the_hosts_check() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("site")).unwrap();
    // It declares 127.0.0.1 and asks for localhost: the gate must refuse
    // before anything leaves the machine, and the check must say so.
    let (code, report) = check(
        &[
            hostile(),
            "--site",
            tmp.path().join("site").to_str().unwrap(),
            "--grant",
            "localhost",
            "--config",
            r#"{"mode":"undeclared-host","url":"http://localhost:9/private"}"#,
        ],
        tmp.path(),
    );
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["passed"], false);
    let hosts = check_named(&report, "hosts");
    assert_eq!(hosts["outcome"], "fail", "{report:#}");
    let problem = hosts["problems"][0].as_str().unwrap();
    assert!(
        problem.contains("undeclared host localhost:9")
            && problem.contains("not declared by plugin `hostile`"),
        "{problem}"
    );
    assert_eq!(report["counts"]["requests_denied"], 1);
    assert_eq!(report["counts"]["requests_allowed"], 0);
    // The plugin's own error ends the run; nothing downstream is blamed.
    assert_eq!(check_named(&report, "fetch")["outcome"], "fail");
    assert_eq!(check_named(&report, "records")["outcome"], "skip");
}

#[test]
fn hostile_plugin_returning_bad_records_fails_the_records_check() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check(
        &[hostile(), "--config", r#"{"mode":"bad-records"}"#],
        tmp.path(),
    );
    assert_eq!(code, 1, "{report:#}");
    let records = check_named(&report, "records");
    assert_eq!(records["outcome"], "fail", "{report:#}");
    let problem = records["problems"][0].as_str().unwrap();
    assert!(
        problem.contains("page 1, record 1") && problem.contains("`id` is empty"),
        "{problem}"
    );
    // The call itself worked and paging ended: only the records are wrong.
    assert_eq!(check_named(&report, "fetch")["outcome"], "pass");
    assert_eq!(check_named(&report, "paging")["outcome"], "pass");
}

#[test]
fn hostile_plugin_that_never_finishes_fails_the_paging_check() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, report) = check(
        &[hostile(), "--config", r#"{"mode":"never-exhausted"}"#],
        tmp.path(),
    );
    assert_eq!(code, 1);
    let paging = check_named(&report, "paging");
    assert_eq!(paging["outcome"], "fail", "{report:#}");
    assert!(
        paging["problems"][0]
            .as_str()
            .unwrap()
            .contains("returned a cursor an earlier page had returned"),
        "{report:#}"
    );
}

#[test]
fn a_config_the_schema_rejects_fails_before_any_fetch() {
    let tmp = tempfile::tempdir().unwrap();
    // The hostile schema requires `mode`.
    let (code, report) = check(&[hostile(), "--config", r#"{"url":"x"}"#], tmp.path());
    assert_eq!(code, 1);
    let config = check_named(&report, "config");
    assert_eq!(config["outcome"], "fail", "{report:#}");
    assert!(
        config["problems"][0].as_str().unwrap().contains("mode"),
        "{report:#}"
    );
    assert_eq!(check_named(&report, "fetch")["outcome"], "skip");
    assert_eq!(report["counts"]["pages"], 0);
}

#[test]
fn bad_usage_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = hearken(
        &[
            "plugin",
            "check",
            hostile(),
            "--config",
            r#"{"url":"{site}/x"}"#,
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no --site"));

    let out = hearken(&["plugin", "check", "missing.wasm"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));

    let out = hearken(&["plugin", "new", "Not_Kebab", "--dir", "x"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(!tmp.path().join("x").exists());

    std::fs::write(tmp.path().join("taken.txt"), "x").unwrap();
    let out = hearken(
        &[
            "plugin",
            "new",
            "demo",
            "--dir",
            tmp.path().to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(!tmp.path().join("Cargo.toml").exists());
}

#[test]
fn list_and_inspect_still_work() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = hearken(
        &["plugin", "list", "--json", "--data", data.to_str().unwrap()],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", show(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["forum", "posts", "transcripts"]);

    let out = hearken(&["plugin", "inspect", hostile(), "--json"], tmp.path());
    assert!(out.status.success(), "{}", show(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["name"], "hostile");
    assert_eq!(info["hosts"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(info["contract"], "hearken:source@0.1.0");
}

/// The whole kit, as a new plugin author uses it: `plugin new`, a release
/// build for wasm32-wasip2 outside this workspace, `plugin check` on the
/// component against the template's own fixtures. The build takes minutes
/// the first time; its target directory is kept under CARGO_TARGET_TMPDIR.
#[test]
fn a_new_plugin_builds_and_passes_check_before_anyone_edits_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-source");
    std::fs::create_dir(&dir).unwrap(); // an empty directory is fine
    let out = hearken(
        &[
            "plugin",
            "new",
            "demo-source",
            "--dir",
            dir.to_str().unwrap(),
            "--json",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", show(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["sdk_found"], true, "{summary:#}");
    for f in [
        "Cargo.toml",
        "rust-toolchain.toml",
        "src/lib.rs",
        "README.md",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }

    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plugin-kit-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target);
    // The host's build flags are not the plugin's.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_MAKEFLAGS",
    ] {
        build.env_remove(var);
    }
    let built = build.output().expect("run cargo");
    assert!(
        built.status.success(),
        "cargo build failed:\n{}",
        show(&built)
    );

    let wasm = target.join("wasm32-wasip2/release/demo_source.wasm");
    assert!(wasm.is_file(), "{}", wasm.display());
    let (code, report) = check(
        &[
            wasm.to_str().unwrap(),
            "--site",
            dir.join("fixtures/site").to_str().unwrap(),
            "--config",
            r#"{"url":"{site}/feed.json"}"#,
        ],
        &dir,
    );
    assert_all_passed(code, &report);
    assert_eq!(report["plugin"]["name"], "demo-source");
    // Two fixture pages, eight items, one of them image-only.
    assert_eq!(report["counts"]["pages"], 2, "{report:#}");
    assert_eq!(report["counts"]["records"], 7, "{report:#}");

    // The file mode, through read-input.
    let (code, report) = check(
        &[
            wasm.to_str().unwrap(),
            "--input",
            dir.join("fixtures/site/feed.json").to_str().unwrap(),
            "--config",
            r#"{"input":"feed.json"}"#,
        ],
        &dir,
    );
    assert_all_passed(code, &report);
    assert_eq!(report["counts"]["records"], 4, "{report:#}");
}
