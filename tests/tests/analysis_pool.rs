//! The analysis runs on rayon's global pool, named `hearken-analysis-N` and
//! niced, so that the plugins' chains of fetch calls get the cores first
//! (see `hearken::ingest::analysis_pool`). wasmtime compiles plugins on the
//! same global pool, and whoever uses it first decides its threads: this
//! test compiles a plugin before anything else in its process, as a first
//! `hearken run` with an empty compile cache does, and checks that the
//! pool is still ours.
//!
//! A test binary of its own, because the pool is per process.

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_pool_is_named_and_niced_even_when_a_plugin_is_compiled_first() {
    use hearken::plugin::PluginRuntime;

    // No cache: the component is compiled here, on rayon's pool.
    let runtime = PluginRuntime::new(None).unwrap();
    let path = hearken_tests::fixture_plugin("hearken_plugin_fs_import");
    // Compiled, then refused for its imports; the compile is what matters.
    assert!(hearken::plugin::load_file(&runtime, &path).await.is_err());

    let mut analysis = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let dir = task.unwrap().path();
        let Ok(name) = std::fs::read_to_string(dir.join("comm")) else {
            continue; // the thread ended
        };
        if !name.starts_with("hearken-analysi") {
            continue;
        }
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap();
        // `nice` is field 19; fields after the name, which is in
        // parentheses, start at field 3.
        let after_name = stat.rsplit_once(')').unwrap().1;
        let nice: i32 = after_name
            .split_whitespace()
            .nth(19 - 3)
            .unwrap()
            .parse()
            .unwrap();
        analysis.push((name.trim().to_string(), nice));
    }
    assert!(
        !analysis.is_empty(),
        "no hearken-analysis threads: rayon's pool was set up by someone else"
    );
    for (name, nice) in analysis {
        assert_eq!(nice, hearken::ingest::ANALYSIS_NICE, "{name}");
    }
}
