//! Reads text on standard input and prints it de-identified, with the counts on standard error.
//!
//! `cargo run -p hearken-deid --example redact < post.txt` — for trying the rules on your own writing.
//! Known names may be passed as arguments: `--example redact -- "Maria Lopez" @maria_l`.

use std::io::Read;

use hearken_deid::{Deidentifier, Policy};

fn main() -> std::process::ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let known: Vec<String> = std::env::args().skip(1).collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let deid = match Deidentifier::new(&Policy::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let out = deid.redact(&text, &known);
    print!("{}", out.text);
    eprintln!("{:?}", out.counts);
    std::process::ExitCode::SUCCESS
}
