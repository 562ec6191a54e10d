//! Opening a data directory: the pieces every command shares.
//!
//! ```text
//! <data>/index/            the Tantivy index (de-identified documents only)
//! <data>/state.sqlite      cursors, run ledger, audit log
//! <data>/pseudonym.key     the secret behind author pseudonyms — delete it
//!                          and no pseudonym can be linked to a handle again
//! <data>/plugins/*.wasm    installed plugins, loaded beside the built-ins
//! <data>/cache/            compiled plugin code (safe to delete)
//! <data>/reports/          persona reports
//! <data>/hearken.lock      held by the one process that writes here
//! ```
//!
//! # One writer per data directory
//!
//! Ingestion assumes it owns the data directory: at start-up it marks every
//! run still `running` in the ledger as interrupted (it can only be a
//! leftover of a process that died), and it holds the index's single
//! writer. A second `hearken run` or `hearken daemon` on the same directory
//! would mark the first one's live runs interrupted and fight it for the
//! index, so every command that writes takes an exclusive lock on
//! `<data>/hearken.lock` first ([`DataDir::lock`]) and fails at once, naming
//! the directory and the process holding it, if another has it. The lock is
//! the operating system's (`flock`/`LockFileEx` through [`File::try_lock`]),
//! so it dies with its process, SIGKILL included: there is no stale lock to
//! clean up. Read-only commands (`search`, `show`, `runs`, `serve`) take no
//! lock and work while a daemon runs.

use std::fs::File;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hearken_analysis::Analyzer;
use hearken_analysis::codebook::Codebook;
use hearken_analysis::language::LanguageConfig;
use hearken_deid::{Deidentifier, Policy, PseudonymKey};
use hearken_index::Index;
use hearken_state::StateStore;

use crate::audit::StateAudit;
use crate::config::Config;
use crate::ingest::IngestEnv;
use crate::pipeline::Pipeline;
use crate::pipeline::deidentify::DeidStage;
use crate::plugin::gate::HttpGate;
use crate::plugin::{PluginRegistry, PluginRuntime};

/// Errors opening the data directory. Each says which file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A directory could not be created.
    #[error("could not create {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The de-identification policy or key is unusable.
    #[error("de-identification: {0}")]
    Deid(#[from] hearken_deid::DeidError),
    /// The de-identification policy in the config is malformed.
    #[error("the [deid] section of the config: {0}")]
    DeidPolicy(String),
    /// The analysis settings are unusable.
    #[error("analysis: {0}")]
    Analysis(#[from] hearken_analysis::AnalysisError),
    /// The codebook file could not be read.
    #[error("could not read the codebook {path}: {source}")]
    Codebook {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The index could not be opened.
    #[error("index at {path}: {source}")]
    Index {
        /// The index directory.
        path: PathBuf,
        /// Why.
        source: hearken_index::IndexError,
    },
    /// The state store could not be opened.
    #[error("state store: {0}")]
    State(#[from] hearken_state::StateError),
    /// The plugin runtime failed.
    #[error(transparent)]
    Plugin(#[from] crate::plugin::PluginError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Gate(#[from] crate::plugin::gate::GateError),
    /// Another process is writing to the data directory.
    #[error(
        "the data directory {} is in use by another hearken process ({}); \
         wait for it to finish, or stop it (a `hearken daemon` stops cleanly on SIGTERM) — \
         `hearken runs`, `search` and `show` work meanwhile",
        dir.display(),
        pid.map_or_else(|| "PID unknown".to_string(), |p| format!("PID {p}"))
    )]
    Locked {
        /// The data directory.
        dir: PathBuf,
        /// The holder's process id, as it wrote it in the lock file.
        pid: Option<u32>,
    },
    /// The lock file could not be opened or locked.
    #[error("could not lock the data directory through {path}: {source}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The exclusive hold on a data directory; released when dropped (or when
/// the process ends, however it ends).
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

/// Paths inside a data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data directory at `root` (not created yet).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Its root.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// The index directory.
    pub fn index(&self) -> PathBuf {
        self.root.join("index")
    }
    /// The state store file.
    pub fn state(&self) -> PathBuf {
        self.root.join("state.sqlite")
    }
    /// The pseudonym key file.
    pub fn key(&self) -> PathBuf {
        self.root.join("pseudonym.key")
    }
    /// Installed plugins.
    pub fn plugins(&self) -> PathBuf {
        self.root.join("plugins")
    }
    /// Compiled plugin cache: `$HEARKEN_PLUGIN_CACHE` if set (tests share
    /// one across data directories), else `<data>/cache/wasmtime`.
    pub fn cache(&self) -> PathBuf {
        match std::env::var_os("HEARKEN_PLUGIN_CACHE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => self.root.join("cache").join("wasmtime"),
        }
    }
    /// Reports.
    pub fn reports(&self) -> PathBuf {
        self.root.join("reports")
    }

    /// The lock file.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("hearken.lock")
    }

    /// Take the exclusive lock on the directory (creating it if need be),
    /// and write this process's id into the lock file for whoever finds it
    /// held. Fails with [`AppError::Locked`] at once if another process
    /// holds it.
    pub fn lock(&self) -> Result<DataDirLock, AppError> {
        std::fs::create_dir_all(&self.root).map_err(|source| AppError::CreateDir {
            path: self.root.clone(),
            source,
        })?;
        let path = self.lock_file();
        let io = |source| AppError::Lock {
            path: path.clone(),
            source,
        };
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                return Err(AppError::Locked {
                    dir: self.root.clone(),
                    pid,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(DataDirLock { _file: file })
    }

    /// Create the directory and its subdirectories.
    pub fn create(&self) -> Result<(), AppError> {
        for dir in [
            self.root.clone(),
            self.index(),
            self.plugins(),
            self.cache(),
            self.reports(),
        ] {
            std::fs::create_dir_all(&dir).map_err(|source| AppError::CreateDir {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// Open (or create) the index.
    pub fn open_index(&self) -> Result<Index, AppError> {
        let path = self.index();
        std::fs::create_dir_all(&path).map_err(|source| AppError::CreateDir {
            path: path.clone(),
            source,
        })?;
        Index::open_or_create(&path).map_err(|source| AppError::Index { path, source })
    }

    /// Open (or create) the state store.
    pub fn open_state(&self) -> Result<StateStore, AppError> {
        std::fs::create_dir_all(&self.root).map_err(|source| AppError::CreateDir {
            path: self.root.clone(),
            source,
        })?;
        Ok(StateStore::open(&self.state())?)
    }
}

/// Build the pipeline from the configuration.
pub fn build_pipeline(config: &Config, data: &DataDir) -> Result<Pipeline, AppError> {
    let policy: Policy = match &config.deid {
        Some(table) => toml::Value::Table(table.clone())
            .try_into::<Policy>()
            .map_err(|e| AppError::DeidPolicy(e.to_string()))?,
        None => Policy::default(),
    };
    let deid = Deidentifier::new(&policy)?;
    let key = PseudonymKey::load_or_create(&data.key())?;
    let codebook = load_codebook(config)?;
    let language = LanguageConfig {
        expected: config.analysis.languages.clone(),
        ..LanguageConfig::default()
    };
    let analyzer = Analyzer::with_language(codebook, &language)?;
    Ok(Pipeline::new(DeidStage { deid, key }, analyzer))
}

/// The configured codebook, or the built-in trial codebook.
pub fn load_codebook(config: &Config) -> Result<Codebook, AppError> {
    match &config.analysis.codebook {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| AppError::Codebook {
                path: path.clone(),
                source,
            })?;
            Ok(Codebook::from_toml_str(&text, &path.display().to_string())?)
        }
        None => Ok(Codebook::default_trial()),
    }
}

/// Everything ingestion needs, opened.
pub struct Opened {
    /// The data directory.
    pub data: DataDir,
    /// Ingestion environment.
    pub env: IngestEnv,
    /// Loaded plugins.
    pub registry: PluginRegistry,
    /// The hold on the data directory, for as long as this lives.
    pub lock: DataDirLock,
}

/// The plugin runtime and every plugin it can load for `data`: the
/// built-ins and `<data>/plugins/*.wasm`. Creates nothing but the compile
/// cache.
pub async fn load_plugins(
    data: &DataDir,
) -> Result<(Arc<PluginRuntime>, PluginRegistry), AppError> {
    let runtime = Arc::new(PluginRuntime::new(Some(&data.cache()))?);
    let (registry, problems) = PluginRegistry::load(&runtime, Some(&data.plugins())).await?;
    for p in problems {
        tracing::warn!("skipped a plugin: {p}");
    }
    Ok((runtime, registry))
}

/// Open the data directory for ingestion: state, index writer, pipeline,
/// plugin runtime and registry.
pub async fn open_for_ingest(config: &Config, data: DataDir) -> Result<Opened, AppError> {
    let plugins = load_plugins(&data).await?;
    open_for_ingest_with(config, data, plugins).await
}

/// [`open_for_ingest`] with plugins already loaded (so a config can be
/// checked against them before anything is created).
pub async fn open_for_ingest_with(
    config: &Config,
    data: DataDir,
    (runtime, registry): (Arc<PluginRuntime>, PluginRegistry),
) -> Result<Opened, AppError> {
    crate::ingest::analysis_pool();
    data.create()?;
    // Before anything is marked interrupted: the runs may be another live
    // process's.
    let lock = data.lock()?;
    let state = data.open_state()?;
    let interrupted = state.mark_interrupted_runs()?;
    if interrupted > 0 {
        tracing::warn!(
            "{interrupted} run(s) left unfinished by an earlier process were marked interrupted"
        );
    }
    let index = data.open_index()?;
    let writer = index.writer().map_err(|source| AppError::Index {
        path: data.index(),
        source,
    })?;
    let pipeline = Arc::new(build_pipeline(config, &data)?);
    let gate = Arc::new(
        HttpGate::new(Arc::new(StateAudit::new(state.clone())))?.with_state(state.clone()),
    );
    Ok(Opened {
        env: IngestEnv {
            runtime,
            gate,
            pipeline,
            index,
            writer: Arc::new(Mutex::new(writer)),
            state,
            progress: Arc::new(crate::progress::LogProgress),
            commit_interval: std::time::Duration::from_millis(config.ingest.commit_interval_ms),
        },
        registry,
        data,
        lock,
    })
}
