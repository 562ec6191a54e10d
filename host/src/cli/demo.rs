//! `hearken demo`: the whole flow on bundled sample data.
//!
//! 1. Write the synthetic sample site (a phpBB-style patient forum, an RSS
//!    feed of public posts, two advisory-board transcripts) into
//!    `<data>/sample-site/` with the seeded generator.
//! 2. Serve it from a loopback port.
//! 3. Run the three built-in plugins against it through the capability
//!    gate, the pipeline and the index — the same code `hearken run` uses.
//! 4. Build personas and write the reports.
//! 5. Print counts per source and where everything is.
//!
//! The site is served on a fixed port by default so that a second demo on
//! the same data directory sees the same URLs: its plugins resume from their
//! cursors and nothing is indexed twice.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use hearken_persona::{PersonaConfig, ReportContext};
use hearken_sample::SampleConfig;
use serde::Serialize;

use super::{CliResult, Exit, Global, Output};
use crate::app::{DataDir, open_for_ingest};
use crate::config::{Config, SourceConfig};
use crate::demo::site::SiteServer;
use crate::ingest::{RunSummary, StopFlag, run_source};
use crate::report::{self, Format};

/// `hearken demo` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the demo's sample site is served.
    #[arg(long, default_value = "127.0.0.1:7471")]
    pub site_addr: SocketAddr,
}

/// What the demo prints with `--json`.
#[derive(Debug, Serialize)]
pub struct DemoSummary {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The loopback site's base URL.
    pub site: String,
    /// One entry per source.
    pub sources: Vec<RunSummary>,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Persona reports written.
    pub reports: Vec<PathBuf>,
    /// Number of personas.
    pub personas: usize,
    /// The index directory.
    pub index: PathBuf,
    /// The state store (run ledger and audit log).
    pub state: PathBuf,
}

/// Run the demo.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let data = global.data_dir(None);
    data.create()?;
    let site_root = data.root().join("sample-site");
    let manifest = hearken_sample::write_site(&SampleConfig::demo(), &site_root)?;
    let server = SiteServer::bind(args.site_addr, &site_root).await.map_err(|e| {
        anyhow::anyhow!("could not serve the sample site on {}: {e} (pass --site-addr 127.0.0.1:0 to use any free port)", args.site_addr)
    })?;
    tracing::info!("sample site at {}", server.url(""));

    let config = demo_config(&server, &site_root, &manifest, &data)?;
    let mut opened = open_for_ingest(&config, data.clone()).await?;
    opened.env.progress = crate::progress::for_stderr();
    let stop = StopFlag::new();
    let runs = config.sources.iter().filter_map(|(name, source)| {
        let plugin = opened.registry.get(source.plugin.get_ref())?;
        Some(run_source(&opened.env, name, source, plugin, &stop))
    });
    let summaries: Vec<RunSummary> = futures_util::future::join_all(runs).await;
    let site = server.url("");
    drop(server);

    opened.env.index.reload()?;
    let documents = opened.env.index.count()?;
    let docs = opened.env.index.documents()?;
    let ctx = ReportContext {
        title: "Patient personas — Hearken demo (synthetic data)".into(),
        generated_from: "all documents".into(),
        sources: config.sources.keys().cloned().collect(),
    };
    let persona_report = report::build(
        &docs,
        opened.env.pipeline.analyzer().codebook(),
        &PersonaConfig::default(),
        &ctx,
    )?;
    let reports = report::write_all(
        &persona_report,
        &data.reports(),
        &[Format::Html, Format::Md, Format::Json],
    )?;

    let failed = summaries.iter().filter(|s| s.error.is_some()).count();
    let summary = DemoSummary {
        data_dir: data.root().to_path_buf(),
        site,
        sources: summaries,
        documents,
        personas: persona_report.personas.len(),
        reports,
        index: data.index(),
        state: data.state(),
    };
    out.emit(&summary, |w| {
        writeln!(
            w,
            "Hearken demo — synthetic sample data served at {}",
            summary.site
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "{:<16} {:>6} {:>8} {:>6} {:>8} {:>10} {:>11}  status",
            "source", "pages", "records", "new", "updated", "unchanged", "redactions"
        )?;
        for s in &summary.sources {
            let redactions: u64 = s.redactions.values().sum();
            let status = match &s.error {
                None => "ok".to_string(),
                Some(e) => format!("FAILED: {e}"),
            };
            writeln!(
                w,
                "{:<16} {:>6} {:>8} {:>6} {:>8} {:>10} {:>11}  {status}",
                s.source, s.pages, s.records, s.new, s.updated, s.unchanged, redactions
            )?;
        }
        writeln!(w)?;
        writeln!(w, "documents in the index: {}", summary.documents)?;
        writeln!(w, "personas: {}", summary.personas)?;
        writeln!(w, "index:    {}", summary.index.display())?;
        writeln!(
            w,
            "state:    {} (run ledger and audit log)",
            summary.state.display()
        )?;
        for r in &summary.reports {
            writeln!(w, "report:   {}", r.display())?;
        }
        writeln!(w)?;
        writeln!(
            w,
            "Try: hearken search \"travel\" --data {}",
            summary.data_dir.display()
        )?;
        Ok(())
    })?;
    Ok(if failed > 0 {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// The demo's configuration: three sources pointed at the loopback site.
pub fn demo_config(
    server: &SiteServer,
    site_root: &std::path::Path,
    manifest: &hearken_sample::SiteManifest,
    data: &DataDir,
) -> anyhow::Result<Config> {
    let host = server.addr().ip().to_string();
    let mut sources = BTreeMap::new();

    let mut forum = SourceConfig::new("forum");
    forum.grant_hosts = vec![toml::Spanned::new(0..0, host.clone())];
    forum.min_interval_ms = 0;
    forum.config = Some(toml::Spanned::new(
        0..0,
        toml::toml! {
            engine = "phpbb"
            start_url = (server.url(&manifest.forum_start))
        },
    ));
    sources.insert("patient-forum".to_string(), forum);

    let mut posts = SourceConfig::new("posts");
    posts.grant_hosts = vec![toml::Spanned::new(0..0, host)];
    posts.min_interval_ms = 0;
    posts.config = Some(toml::Spanned::new(
        0..0,
        toml::toml! {
            kind = "feed"
            urls = [(server.url(&manifest.feed_start))]
        },
    ));
    sources.insert("public-posts".to_string(), posts);

    let mut board = SourceConfig::new("transcripts");
    board.inputs = manifest
        .transcripts
        .iter()
        .map(|t| site_root.join(t))
        .collect();
    let files: Vec<toml::Value> = manifest
        .transcripts
        .iter()
        .filter_map(|t| {
            std::path::Path::new(t)
                .file_name()
                .and_then(|f| f.to_str())
                .map(|f| toml::Value::String(f.to_string()))
        })
        .collect();
    let truth = hearken_sample::read_truth(site_root)?;
    let mut roles = toml::Table::new();
    for doc in &truth.documents {
        if let Some(role) = &doc.role {
            roles.insert(doc.author.clone(), toml::Value::String(role.clone()));
        }
    }
    let mut board_config = toml::Table::new();
    board_config.insert("files".into(), toml::Value::Array(files));
    board_config.insert("roles".into(), toml::Value::Table(roles));
    board_config.insert("default_role".into(), toml::Value::String("patient".into()));
    board.config = Some(toml::Spanned::new(0..0, board_config));
    sources.insert("advisory-board".to_string(), board);

    Ok(Config {
        data_dir: Some(data.root().to_path_buf()),
        sources,
        ..Config::default()
    })
}
