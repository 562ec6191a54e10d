//! `hearken sample`: write a synthetic corpus of any size, with its truth
//! file, for benchmarks and evaluation.

use std::path::PathBuf;

use hearken_sample::SampleConfig;

use super::{CliResult, Exit, Global, Output};

/// `hearken sample` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of documents (split across forum, feed and transcripts).
    #[arg(long, default_value_t = 1_000)]
    pub docs: usize,
    /// Seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// Write a corpus.
pub fn run(_global: &Global, out: &Output, args: Args) -> CliResult {
    let manifest =
        hearken_sample::write_site(&SampleConfig::with_docs(args.docs, args.seed), &args.out)?;
    out.emit(&manifest, |w| {
        writeln!(
            w,
            "wrote {} documents to {}",
            manifest.documents,
            args.out.display()
        )?;
        writeln!(w, "forum:       {}", manifest.forum_start)?;
        writeln!(w, "feed:        {}", manifest.feed_start)?;
        writeln!(w, "transcripts: {}", manifest.transcripts.len())?;
        writeln!(w, "truth:       {}", manifest.truth_path)
    })?;
    Ok(Exit::Success)
}
