//! Generation speed: writes a corpus and prints documents/s and MB/s.
//!
//! ```text
//! cargo run --release -p hearken-sample --example sample_speed -- [DOCS] [OUT_DIR]
//! ```
//!
//! `DOCS` defaults to 100000. `OUT_DIR` defaults to a temporary directory
//! that is removed afterwards. Figures are quoted against a baseline
//! measured in the same run on the same file system: writing the same
//! files with the same sizes but constant bytes. The ratio is what text
//! generation adds on top of the file system's own cost of creating that
//! many files, which dominates on most machines.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn dir_bytes(dir: &Path) -> std::io::Result<(u64, u64)> {
    let mut bytes = 0;
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                bytes += meta.len();
                files += 1;
            }
        }
    }
    Ok((bytes, files))
}

/// Writes a tree with the same directories, names and sizes as `from`,
/// filled with constant bytes.
fn write_like(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let meta = entry.metadata()?;
        if meta.is_dir() {
            write_like(&entry.path(), &target)?;
        } else {
            // In 64 KiB chunks, so the baseline never holds a large file.
            let mut f = std::io::BufWriter::new(std::fs::File::create(target)?);
            let chunk = [b'x'; 64 * 1024];
            let mut left = meta.len() as usize;
            while left > 0 {
                let n = left.min(chunk.len());
                f.write_all(&chunk[..n])?;
                left -= n;
            }
            f.flush()?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let docs: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let keep: Option<PathBuf> = args.next().map(PathBuf::from);
    let tmp = tempfile::tempdir()?;
    let out = keep.clone().unwrap_or_else(|| tmp.path().join("site"));

    let cfg = hearken_sample::SampleConfig::with_docs(docs, 7);
    let t = Instant::now();
    let manifest = hearken_sample::write_site(&cfg, &out)?;
    let gen_s = t.elapsed().as_secs_f64();
    let (bytes, files) = dir_bytes(&out)?;

    let baseline_dir = out.with_file_name(format!(
        "{}-baseline",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("site")
    ));
    let t = Instant::now();
    write_like(&out, &baseline_dir)?;
    let copy_s = t.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&baseline_dir)?;

    let mb = bytes as f64 / 1e6;
    println!(
        "documents {} (forum {}, feed {}, transcript turns {}), files {files}, {mb:.1} MB",
        manifest.documents, manifest.forum_posts, manifest.feed_items, manifest.transcript_turns
    );
    println!(
        "generate: {gen_s:.2} s, {:.0} documents/s, {:.1} MB/s",
        manifest.documents as f64 / gen_s,
        mb / gen_s
    );
    println!(
        "baseline, same files with constant bytes: {copy_s:.2} s, {:.1} MB/s",
        mb / copy_s
    );
    println!(
        "generation takes {:.2}x the time of the baseline",
        gen_s / copy_s
    );
    if let Some(k) = keep {
        println!("kept in {}", k.display());
    }
    Ok(())
}
