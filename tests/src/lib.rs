//! Shared fixtures for Hearken's end-to-end tests: a plugin runtime whose
//! compiled code is cached across the test run, and quick access to the
//! test-fixture plugins the host's build script builds.

use std::path::PathBuf;
use std::sync::Arc;

use hearken::plugin::{LoadedPlugin, PluginRuntime};

/// Where compiled plugins are cached for the whole test run, so each plugin
/// is compiled by Cranelift once per run rather than once per test. Pass
/// `env!("CARGO_TARGET_TMPDIR")` (cargo sets it for integration tests only).
pub fn cache_dir(target_tmpdir: &str) -> PathBuf {
    PathBuf::from(target_tmpdir).join("wasmtime-cache")
}

/// A runtime with the shared cache under `target_tmpdir`.
pub fn runtime(target_tmpdir: &str) -> Arc<PluginRuntime> {
    Arc::new(PluginRuntime::new(Some(&cache_dir(target_tmpdir))).expect("plugin runtime"))
}

/// The path of a test-fixture plugin by artifact stem, e.g.
/// `hearken_plugin_hostile`.
pub fn fixture_plugin(stem: &str) -> PathBuf {
    hearken::plugin::builtin::TEST_PLUGINS
        .iter()
        .find(|(name, _)| *name == stem)
        .map(|(_, path)| PathBuf::from(path))
        .unwrap_or_else(|| panic!("no test plugin {stem}"))
}

/// Load a test-fixture plugin.
pub async fn load_fixture(runtime: &PluginRuntime, stem: &str) -> LoadedPlugin {
    hearken::plugin::load_file(runtime, &fixture_plugin(stem))
        .await
        .expect("fixture plugin loads")
}

/// Load a built-in plugin by name.
pub async fn load_builtin(runtime: &PluginRuntime, name: &str) -> LoadedPlugin {
    let (registry, problems) = hearken::plugin::PluginRegistry::load(runtime, None)
        .await
        .expect("built-ins load");
    assert!(problems.is_empty(), "{problems:?}");
    registry
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("no built-in plugin {name}"))
}
