//! The command line: the product's main face.
//!
//! One module per command, each with a clap-derived argument struct and a
//! `run` function (cargo's and uv's shape). Every command that prints
//! results takes `--json` and then prints one JSON document on stdout, with
//! logs on stderr. Exit codes are fixed (see [`Exit`]).

mod daemon;
pub mod demo;
mod eval;
mod forget;
mod init;
mod output;
mod personas;
mod plugin;
mod reindex;
mod run;
mod runs;
mod sample;
mod search;
mod serve;
mod show;
mod themes;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use output::Output;

/// Hearken: evidence-linked patient personas from what patients say in public.
#[derive(Debug, Parser)]
#[command(name = "hearken", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Data directory (default: `data_dir` from the config file, else `./hearken-data`).
    #[arg(long, global = true, env = "HEARKEN_DATA")]
    pub data: Option<PathBuf>,
    /// Config file.
    #[arg(
        long,
        global = true,
        default_value = "hearken.toml",
        env = "HEARKEN_CONFIG"
    )]
    pub config: PathBuf,
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole flow on bundled sample data served from a loopback web site.
    Demo(demo::Args),
    /// Run sources on their schedules until stopped.
    Daemon(daemon::Args),
    /// Delete a source's or an author's documents.
    Forget(forget::Args),
    /// Rebuild the index from its stored documents (after an upgrade changed its schema).
    Reindex(reindex::Args),
    /// Theme counts and sentiment, over time.
    Themes(themes::Args),
    /// Build personas and write the report.
    Personas(personas::Args),
    /// The researchers' web page.
    Serve(serve::Args),
    /// Write a commented starter hearken.toml.
    Init(init::Args),
    /// One ingestion pass over the configured sources (for cron).
    Run(run::Args),
    /// Search what patients said.
    Search(search::Args),
    /// Show one de-identified document with its analysis.
    Show(show::Args),
    /// The run ledger.
    Runs(runs::Args),
    /// The plugin developer kit.
    #[command(subcommand)]
    Plugin(plugin::Command),
    /// Measure de-identification and sentiment against labelled data.
    #[command(subcommand)]
    Eval(eval::Command),
    /// Write a synthetic sample corpus (for benchmarks and evaluation).
    Sample(sample::Args),
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// The work failed (a source failed, nothing found to show, …).
    Failure = 1,
    /// Bad usage or bad configuration.
    Usage = 2,
}

/// An error with the exit code it should produce.
#[derive(Debug)]
pub struct CliError {
    /// The error.
    pub error: anyhow::Error,
    /// The exit code.
    pub exit: Exit,
}

impl CliError {
    /// A usage or configuration error (exit 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Self {
        Self {
            error: error.into(),
            exit: Exit::Usage,
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(e: E) -> Self {
        let error = e.into();
        let exit = if error.downcast_ref::<crate::config::ConfigError>().is_some() {
            Exit::Usage
        } else {
            Exit::Failure
        };
        Self { error, exit }
    }
}

/// What commands return.
pub type CliResult = Result<Exit, CliError>;

/// Parse arguments, run, and exit.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(cli.verbose);
    install_panic_hook();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(CliError { error, exit }) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(exit as u8)
        }
    }
}

async fn dispatch(cli: Cli) -> CliResult {
    let out = Output { json: cli.json };
    let global = Global {
        data: cli.data,
        config: cli.config,
    };
    match cli.command {
        Command::Demo(a) => demo::run(&global, &out, a).await,
        Command::Daemon(a) => daemon::run(&global, &out, a).await,
        Command::Forget(a) => forget::run(&global, &out, a).await,
        Command::Reindex(a) => reindex::run(&global, &out, a),
        Command::Themes(a) => themes::run(&global, &out, a).await,
        Command::Personas(a) => personas::run(&global, &out, a).await,
        Command::Serve(a) => serve::run(&global, &out, a).await,
        Command::Init(a) => init::run(&global, &out, a),
        Command::Run(a) => run::run(&global, &out, a).await,
        Command::Search(a) => search::run(&global, &out, a),
        Command::Show(a) => show::run(&global, &out, a),
        Command::Runs(a) => runs::run(&global, &out, a),
        Command::Plugin(c) => plugin::run(&global, &out, c).await,
        Command::Eval(c) => eval::run(&global, &out, c).await,
        Command::Sample(a) => sample::run(&global, &out, a),
    }
}

/// Global options, resolved.
#[derive(Debug, Clone)]
pub struct Global {
    data: Option<PathBuf>,
    config: PathBuf,
}

impl Global {
    /// The config file, if it exists; `Ok(None)` when the default path is
    /// absent (commands then use embedded defaults).
    pub fn config(&self) -> Result<Option<crate::config::Config>, CliError> {
        if !self.config.exists() {
            if self.config != std::path::Path::new("hearken.toml") {
                return Err(CliError::usage(anyhow::anyhow!(
                    "config file {} does not exist",
                    self.config.display()
                )));
            }
            return Ok(None);
        }
        crate::config::Config::load(&self.config)
            .map(Some)
            .map_err(CliError::usage)
    }

    /// The data directory: `--data`, else the config's `data_dir`, else
    /// `./hearken-data`.
    pub fn data_dir(&self, config: Option<&crate::config::Config>) -> crate::app::DataDir {
        let root = self
            .data
            .clone()
            .or_else(|| config.and_then(|c| c.data_dir.clone()))
            .unwrap_or_else(|| PathBuf::from("hearken-data"));
        crate::app::DataDir::new(root)
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn,hearken=info",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HEARKEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::progress::log_writer)
        // Colour codes only for a person at a terminal, not in log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// A panic message can quote whatever value was being handled, and in
/// Hearken that may be patient text. The hook prints where the panic
/// happened, never its message. Set `HEARKEN_DEBUG_PANICS=1` when debugging
/// on synthetic data to see the message.
fn install_panic_hook() {
    let show = std::env::var_os("HEARKEN_DEBUG_PANICS").is_some_and(|v| v == "1");
    if show {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".into());
        eprintln!(
            "error: internal error at {at}; its message is withheld because it may contain patient text \
             (set HEARKEN_DEBUG_PANICS=1 on synthetic data to see it). Please report this."
        );
    }));
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
