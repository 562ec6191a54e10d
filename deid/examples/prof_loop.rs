//! Profiling helper (temporary).
fn main() {
    let text = std::fs::read_to_string("/tmp/deidtry/forum1.txt").unwrap_or_default();
    let d = hearken_deid::Deidentifier::new(&hearken_deid::Policy::default()).unwrap_or_else(|_| std::process::exit(2));
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..20000 {
        n += d.redact(&text, &[]).spans.len();
    }
    let secs = t.elapsed().as_secs_f64();
    eprintln!("{n} {:.1} MB/s", text.len() as f64 * 20000.0 / secs / 1e6);
}
