//! Measuring helpers shared by the workspace's bench binaries (the index
//! bench and the end-to-end scale bench include this file with
//! `#[path]`): latency percentiles, process CPU time, peak memory, sizes
//! on disk. Linux `/proc` readings come back as zero elsewhere, so a bench
//! still runs and prints what it can.

#![allow(dead_code)] // Each bench uses the part it needs.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The `q` quantile (0–1) of `sorted` samples, by nearest rank; zero for no
/// samples.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// CPU time of this process (all threads), from `/proc/self/stat`; zero
/// where that is not available. Resolution is one clock tick (10 ms), so
/// read it over many operations.
pub fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which is in parentheses).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// CPU time of every live thread of this process, by thread id, with the
/// thread's name (Linux: `/proc/self/task/*/comm` and `schedstat`, whose
/// first field is nanoseconds on a CPU). Empty where unavailable. Threads
/// that have ended are not listed; compare the sum with [`cpu_time`].
pub fn thread_cpu() -> std::collections::HashMap<u64, (String, Duration)> {
    let mut out = std::collections::HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let Some(tid) = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<u64>().ok())
        else {
            continue;
        };
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
        if let Some(ns) = ns {
            out.insert(tid, (name.trim().to_string(), Duration::from_nanos(ns)));
        }
    }
    out
}

/// CPU each kind of thread spent between two [`thread_cpu`] readings,
/// kinds named by `kind_of(thread name)`, largest first.
pub fn thread_cpu_by_kind(
    before: &std::collections::HashMap<u64, (String, Duration)>,
    after: &std::collections::HashMap<u64, (String, Duration)>,
    kind_of: impl Fn(&str) -> &'static str,
) -> Vec<(&'static str, Duration)> {
    let mut kinds: Vec<(&'static str, Duration)> = Vec::new();
    for (tid, (name, t)) in after {
        let spent = t.saturating_sub(before.get(tid).map_or(Duration::ZERO, |(_, b)| *b));
        let kind = kind_of(name);
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, d)) => *d += spent,
            None => kinds.push((kind, spent)),
        }
    }
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    kinds
}

/// Reset the peak resident set size (Linux: `echo 5 > /proc/self/clear_refs`),
/// so a peak measured afterwards is that of what follows.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size in bytes (`VmHWM`), 0 where unknown.
pub fn peak_memory() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Every file under `dir`, at any depth.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(_) => files.push(e.path()),
                Err(_) => {}
            }
        }
    }
    files
}

/// Bytes of every file under `dir`, at any depth.
pub fn dir_size(dir: &Path) -> u64 {
    files_under(dir)
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum()
}
