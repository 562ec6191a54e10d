//! temp
fn main() {
    let text = std::fs::read_to_string("/tmp/deidtry/forum1.txt").unwrap_or_default();
    let d = hearken_deid::Deidentifier::new(&hearken_deid::Policy::default()).unwrap_or_else(|_| std::process::exit(2));
    for _ in 0..20000 { d.redact(&text, &[]); }
    hearken_deid::names::dump();
}
