//! Loading and calling plugins inside the sandbox.
//!
//! # The sandbox
//!
//! - **Compile once.** A [`PluginRuntime`] owns one wasmtime [`Engine`]. Each
//!   component is compiled once per process into a [`LoadedPlugin`], and the
//!   compiled code is also kept in wasmtime's on-disk cache (under the data
//!   directory) so the next process skips Cranelift altogether.
//! - **A fresh store per call.** Every `describe` and `fetch` runs in a new
//!   [`Store`] instantiated from a pre-linked [`SourcePre`]. A trap leaves an
//!   instance unusable, and a plugin keeps its state in the cursor anyway, so
//!   nothing is lost by starting clean — and one bad call can never poison
//!   the next.
//! - **Time.** The engine's epoch advances every [`EPOCH_TICK`] on a
//!   background thread. A running plugin hits a deadline check at each tick:
//!   it yields to the async executor (so a busy plugin never starves other
//!   sources) and traps once its wall-clock budget is spent.
//! - **Memory.** A [`ResourceLimiter`] refuses to grow a plugin's memory past
//!   its cap and turns the refusal into a trap that names the cap.
//! - **Imports.** Only what a Rust `std` guest needs from WASI is linked
//!   (streams, stdio, environment, exit, clocks, random), plus the
//!   `hearken:source/host` interface. The component's imports are checked
//!   before instantiation, so a plugin that imports a file system or sockets
//!   is refused at load with a message that says so, not with a linker error.
//! - **Output.** The guest's stdout and stderr go to in-memory pipes and then
//!   to the log, through the same de-identification as everything else.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use wasmtime::component::{Component, HasData, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store, UpdateDeadline};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::{Batch, PluginInfo, Source, SourcePre};
use super::imports::CallContext;
use super::{PluginError, SourceFailure};

/// How often the epoch advances: the granularity of time budgets.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Captured guest stdout/stderr kept per call.
const OUTPUT_CAPTURE_BYTES: usize = 64 * 1024;

/// Limits for one call into a plugin.
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    /// Wall-clock budget of one call, including time spent in host imports.
    pub time: Duration,
    /// Largest linear memory, in bytes.
    pub memory_bytes: usize,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self {
            time: Duration::from_secs(60),
            memory_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The process-wide plugin engine.
pub struct PluginRuntime {
    engine: Engine,
    linker: Linker<HostState>,
    ticker_stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for PluginRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRuntime").finish_non_exhaustive()
    }
}

impl Drop for PluginRuntime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// A compiled, linked plugin, ready to instantiate.
#[derive(Clone)]
pub struct LoadedPlugin {
    pre: SourcePre<HostState>,
    /// What the plugin said about itself.
    pub info: PluginInfo,
    /// Where it came from (`built-in` or a file path), for messages.
    pub origin: String,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("name", &self.info.name)
            .field("origin", &self.origin)
            .finish()
    }
}

/// Interfaces a plugin may import, by name without version. Everything a
/// Rust `std` guest for wasm32-wasip2 imports, and nothing that reaches
/// outside the sandbox: no file system, no sockets, no HTTP of its own.
const ALLOWED_IMPORTS: &[&str] = &[
    "hearken:source/host",
    "hearken:source/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:clocks/wall-clock",
    "wasi:clocks/monotonic-clock",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
];

/// Set to `perfmap` to have wasmtime write `/tmp/perf-PID.map`, so that
/// `perf record` / `perf report` name the plugin functions a profile spends
/// its time in (see PLUGINS.md, "Profiling a plugin").
pub const PROFILER_ENV: &str = "HEARKEN_WASM_PROFILER";

impl PluginRuntime {
    /// A runtime whose compiled code is cached in `cache_dir` (if given).
    pub fn new(cache_dir: Option<&Path>) -> Result<Self, PluginError> {
        // wasmtime compiles a component's functions on rayon's global pool,
        // and whoever touches that pool first decides its threads. The
        // pipeline's analysis runs on the same pool, named and niced (see
        // `analysis_pool`); set it up here, before the first compile, or a
        // process whose plugins were not yet cached analyses on anonymous
        // threads at full priority.
        crate::ingest::analysis_pool();
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        if std::env::var_os(PROFILER_ENV).is_some_and(|v| v == "perfmap") {
            // Plugin code shows by function name in `perf report`.
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        if let Some(dir) = cache_dir {
            let mut cache = wasmtime::CacheConfig::new();
            // wasmtime takes only an absolute directory, and the default data
            // directory (`./hearken-data`) is relative: without this, `hearken
            // demo` and every run from a relative `--data` compiled each
            // plugin afresh.
            cache.with_directory(std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
            match wasmtime::Cache::new(cache) {
                Ok(cache) => {
                    config.cache(Some(cache));
                }
                // A broken cache only costs compile time.
                Err(e) => tracing::warn!("plugin compile cache disabled: {e}"),
            }
        }
        let engine = Engine::new(&config).map_err(|e| PluginError::Engine(format!("{e:#}")))?;
        let linker = build_linker(&engine)?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let weak = engine.weak();
        let stop = ticker_stop.clone();
        std::thread::Builder::new()
            .name("hearken-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match weak.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => break,
                    }
                }
            })
            .map_err(|e| PluginError::Engine(format!("could not start the epoch thread: {e}")))?;
        Ok(Self {
            engine,
            linker,
            ticker_stop,
        })
    }

    /// Compile and link a component, check its imports, and ask it to
    /// describe itself.
    pub async fn load(&self, bytes: &[u8], origin: &str) -> Result<LoadedPlugin, PluginError> {
        let component = Component::new(&self.engine, bytes).map_err(|e| PluginError::Invalid {
            origin: origin.to_string(),
            reason: format!("{e:#}"),
        })?;
        self.check_imports(&component, origin)?;
        let instance_pre =
            self.linker
                .instantiate_pre(&component)
                .map_err(|e| PluginError::Invalid {
                    origin: origin.to_string(),
                    reason: format!("{e:#}"),
                })?;
        let pre = SourcePre::new(instance_pre).map_err(|e| PluginError::Invalid {
            origin: origin.to_string(),
            reason: format!("it does not implement the hearken:source@0.1.0 world: {e:#}"),
        })?;
        let probe = LoadedPlugin {
            pre,
            info: PluginInfo {
                name: origin.to_string(),
                version: String::new(),
                description: String::new(),
                hosts: Vec::new(),
                config_schema: String::new(),
            },
            origin: origin.to_string(),
        };
        let info = self
            .call(
                &probe,
                CallContext::describe_only(),
                CallLimits {
                    time: Duration::from_secs(10),
                    ..CallLimits::default()
                },
                |source, store| Box::pin(async move { source.call_describe(store).await }),
            )
            .await?;
        validate_info(&info, origin)?;
        Ok(LoadedPlugin { info, ..probe })
    }

    fn check_imports(&self, component: &Component, origin: &str) -> Result<(), PluginError> {
        let ty = component.component_type();
        for (name, _) in ty.imports(&self.engine) {
            let bare = name.split('@').next().unwrap_or(name);
            if ALLOWED_IMPORTS.contains(&bare) {
                continue;
            }
            let why = if bare.starts_with("wasi:filesystem/") {
                "source plugins have no file system; read operator-granted files through `read-input`"
            } else if bare.starts_with("wasi:sockets/") || bare.starts_with("wasi:http/") {
                "source plugins have no network of their own; use `http-get`, which the host checks against the declared and granted hosts"
            } else {
                "Hearken provides only the hearken:source host interface and the WASI interfaces a Rust std guest needs"
            };
            return Err(PluginError::ForbiddenImport {
                origin: origin.to_string(),
                import: name.to_string(),
                why,
            });
        }
        Ok(())
    }

    /// Call `fetch` once.
    pub async fn fetch(
        &self,
        plugin: &LoadedPlugin,
        ctx: CallContext,
        limits: CallLimits,
        config: &str,
        cursor: Option<&str>,
    ) -> Result<Batch, PluginError> {
        let config = config.to_string();
        let cursor = cursor.map(str::to_string);
        let scrub = ctx.scrubber.clone();
        let result = self
            .call(plugin, ctx, limits, move |source, store| {
                Box::pin(async move { source.call_fetch(store, &config, cursor.as_deref()).await })
            })
            .await?;
        result.map_err(|e| PluginError::Source {
            plugin: plugin.info.name.clone(),
            error: SourceFailure::from_wit(e, scrub.as_ref()),
        })
    }

    async fn call<R: Send + 'static>(
        &self,
        plugin: &LoadedPlugin,
        ctx: CallContext,
        limits: CallLimits,
        f: impl for<'a> FnOnce(
            &'a Source,
            &'a mut Store<HostState>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = wasmtime::Result<R>> + Send + 'a>,
        > + Send
        + 'static,
    ) -> Result<R, PluginError> {
        // Each call is a task of its own, so a plugin's compute runs on
        // whichever runtime thread is free. Callers that poll several
        // sources' calls from one task (`join_all` over a run's sources)
        // would otherwise run every plugin on one thread, one at a time.
        let engine = self.engine.clone();
        let plugin = plugin.clone();
        let task = CallTask(tokio::spawn(async move {
            Self::call_in_task(&engine, &plugin, ctx, limits, f).await
        }));
        task.await
    }

    async fn call_in_task<R: Send + 'static>(
        engine: &Engine,
        plugin: &LoadedPlugin,
        ctx: CallContext,
        limits: CallLimits,
        f: impl for<'a> FnOnce(
            &'a Source,
            &'a mut Store<HostState>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = wasmtime::Result<R>> + Send + 'a>,
        >,
    ) -> Result<R, PluginError> {
        let name = plugin.info.name.clone();
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .build();
        let scrub = ctx.scrubber.clone();
        let state = HostState {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryCap {
                cap: limits.memory_bytes,
                hit: false,
            },
            ctx,
        };
        let mut store = Store::new(engine, state);
        store.limiter(|s| &mut s.limiter);
        let deadline = Instant::now() + limits.time;
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(wasmtime::Error::new(BudgetSpent))
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        let run = async {
            let source = plugin.pre.instantiate_async(&mut store).await?;
            f(&source, &mut store).await
        };
        // The epoch check ends a plugin that computes past its budget; this
        // outer timeout ends one that is stuck in a host call. A second's
        // grace lets the epoch check report first.
        let outcome = tokio::time::timeout(limits.time + Duration::from_secs(1), run).await;
        forward_output(&name, "stdout", &stdout, scrub.as_deref());
        forward_output(&name, "stderr", &stderr, scrub.as_deref());
        let memory_cap_hit = store.data().limiter.hit;
        match outcome {
            Err(_) => Err(PluginError::TimeBudget {
                plugin: name,
                budget: limits.time,
            }),
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(classify_trap(&name, err, memory_cap_hit, limits)),
        }
    }
}

/// A plugin call running as its own task. Dropping it (the caller gave up
/// waiting, or its run was cancelled) aborts the call at its next yield:
/// a call nobody waits for must not go on using the network and a core.
struct CallTask<R>(tokio::task::JoinHandle<Result<R, PluginError>>);

impl<R> Drop for CallTask<R> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<R> std::future::Future for CallTask<R> {
    type Output = Result<R, PluginError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| {
                Err(PluginError::Engine(format!(
                    "the plugin call's task ended abnormally: {e}"
                )))
            })
        })
    }
}

fn classify_trap(
    name: &str,
    err: wasmtime::Error,
    memory_cap_hit: bool,
    limits: CallLimits,
) -> PluginError {
    if err.downcast_ref::<BudgetSpent>().is_some() {
        return PluginError::TimeBudget {
            plugin: name.to_string(),
            budget: limits.time,
        };
    }
    if memory_cap_hit || err.downcast_ref::<MemoryCapExceeded>().is_some() {
        return PluginError::MemoryCap {
            plugin: name.to_string(),
            cap: limits.memory_bytes,
        };
    }
    let trap = err.downcast_ref::<wasmtime::Trap>().copied();
    match trap {
        Some(wasmtime::Trap::UnreachableCodeReached) => PluginError::Panicked {
            plugin: name.to_string(),
        },
        Some(trap) => PluginError::Trapped {
            plugin: name.to_string(),
            trap: trap.to_string(),
        },
        None => PluginError::Trapped {
            plugin: name.to_string(),
            trap: format!("{err:#}"),
        },
    }
}

fn forward_output(
    plugin: &str,
    stream: &str,
    pipe: &MemoryOutputPipe,
    scrub: Option<&(dyn Fn(&str) -> String + Send + Sync)>,
) {
    let bytes = pipe.contents();
    if bytes.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(&bytes);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        // Plugin output may quote what it parsed: it is de-identified like
        // any other text before it reaches the log. Without a scrubber
        // (describe calls at load) only its length is logged.
        match scrub {
            Some(scrub) => tracing::info!(plugin, stream, "{}", scrub(line)),
            None => tracing::info!(plugin, stream, "({} bytes of output withheld)", line.len()),
        }
    }
}

fn validate_info(info: &PluginInfo, origin: &str) -> Result<(), PluginError> {
    let bad = |reason: String| PluginError::Invalid {
        origin: origin.to_string(),
        reason,
    };
    let name_ok = !info.name.is_empty()
        && info.name.len() <= 64
        && info
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(bad(format!(
            "describe() returned the name {:?}; a plugin name is 1-64 characters of a-z, 0-9 and -",
            info.name
        )));
    }
    if info.version.split('.').count() != 3
        || !info.version.split('.').all(|p| p.parse::<u64>().is_ok())
    {
        return Err(bad(format!(
            "describe() returned the version {:?}; expected MAJOR.MINOR.PATCH",
            info.version
        )));
    }
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&info.config_schema) {
        return Err(bad(format!(
            "describe() returned a config schema that is not JSON: {e}"
        )));
    }
    Ok(())
}

/// Raised from the epoch callback when a call's time is up.
#[derive(Debug, thiserror::Error)]
#[error("time budget spent")]
struct BudgetSpent;

/// Raised by the limiter when a plugin asks for more memory than its cap.
#[derive(Debug, thiserror::Error)]
#[error("memory cap exceeded")]
struct MemoryCapExceeded;

struct MemoryCap {
    cap: usize,
    hit: bool,
}

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.hit = true;
            return Err(wasmtime::Error::new(MemoryCapExceeded));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// What a store holds for one call.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: MemoryCap,
    pub(super) ctx: CallContext,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Gives the WASI I/O interfaces access to the store's resource table.
struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// Links exactly the interfaces in [`ALLOWED_IMPORTS`].
fn build_linker(engine: &Engine) -> Result<Linker<HostState>, PluginError> {
    use wasmtime_wasi::cli::{WasiCli, WasiCliView as _};
    use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView as _};
    use wasmtime_wasi::p2::bindings::{cli, clocks, random};
    use wasmtime_wasi::random::WasiRandom;
    use wasmtime_wasi_io::bindings::wasi::io;

    let mut linker: Linker<HostState> = Linker::new(engine);
    let l = &mut linker;
    let linked = (|| -> wasmtime::Result<()> {
        io::error::add_to_linker::<HostState, HasIo>(l, |t| &mut t.table)?;
        io::poll::add_to_linker::<HostState, HasIo>(l, |t| &mut t.table)?;
        io::streams::add_to_linker::<HostState, HasIo>(l, |t| &mut t.table)?;
        cli::environment::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::exit::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::stdin::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::stdout::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::stderr::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::terminal_input::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::terminal_output::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::terminal_stdin::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::terminal_stdout::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        cli::terminal_stderr::add_to_linker::<HostState, WasiCli>(l, HostState::cli)?;
        clocks::wall_clock::add_to_linker::<HostState, WasiClocks>(l, HostState::clocks)?;
        clocks::monotonic_clock::add_to_linker::<HostState, WasiClocks>(l, HostState::clocks)?;
        random::random::add_to_linker::<HostState, WasiRandom>(l, |t| t.wasi.random())?;
        random::insecure::add_to_linker::<HostState, WasiRandom>(l, |t| t.wasi.random())?;
        random::insecure_seed::add_to_linker::<HostState, WasiRandom>(l, |t| t.wasi.random())?;
        Source::add_to_linker::<_, HasSelf<_>>(l, |s| s)?;
        Ok(())
    })();
    linked.map_err(|e| PluginError::Engine(format!("linking host interfaces: {e:#}")))?;
    Ok(linker)
}
