//! Throughput of the de-identification stage on one core, beside baselines measured in the same run.
//!
//! `cargo bench -p hearken-deid --bench throughput`
//!
//! The corpus is synthetic (written here, seeded, deterministic): forum-style posts of about 600 bytes
//! with planted names, dates, phone numbers, e-mails, addresses and handles, in the proportions of
//! patient talk (most sentences have none). Figures are MB/s of input text and documents per second,
//! and the ratio to two baselines over the same text: a `to_lowercase` pass (about the cheapest thing
//! one can do to every byte) and one e-mail regex (`find_iter`). The product needs ≥ 5,000 docs/s of
//! ~600 bytes on two cores for the whole pipeline, so this stage should be far above 3 MB/s.

use std::hint::black_box;
use std::time::{Duration, Instant};

use std::sync::Arc;

use hearken_deid::{Deidentifier, KnownNames, Policy, PseudonymKey, RememberedNames, fingerprints};

/// A small deterministic generator (SplitMix64), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Maria", "Priya", "Tomasz", "Adaeze", "Mark", "Jenny", "Rosa", "Ahmed", "Keiko", "Will",
];
const LAST: &[&str] = &[
    "Okafor",
    "Delgado",
    "Kowalczyk",
    "Nguyen",
    "Patel",
    "Brown",
    "Lindqvist",
    "Haddad",
];
const PLACES: &[&str] = &[
    "Zanesville",
    "Columbus",
    "Yakima",
    "Dayton",
    "Rochester",
    "Tulsa",
];
const PLAIN: &[&str] = &[
    "The travel to the site is about two hours each way and parking is not covered.",
    "I was worried about getting the placebo but the coordinator explained it well.",
    "My side effects were mostly fatigue and some nausea after the infusions.",
    "Does anyone know if they reimburse mileage or only the hotel?",
    "The e-diary app kept logging me out so I started writing things down on paper.",
    "Honestly the hardest part is taking time off work every other week.",
    "I would do it again if it meant my kids could have better treatment someday.",
    "We asked about the results but nobody has told us anything yet.",
    "The screening visit took six hours with bloodwork, an ECG and a scan.",
    "Humira stopped working so my rheumatologist suggested a trial instead.",
];

fn planted(r: &mut Rng) -> String {
    let f = r.pick(FIRST);
    let l = r.pick(LAST);
    let p = r.pick(PLACES);
    match r.next() % 8 {
        0 => format!("My husband {f} drives me to every visit from {p}."),
        1 => format!(
            "Dr. {l} said the next scan is on {}/{}/2024.",
            r.next() % 12 + 1,
            r.next() % 28 + 1
        ),
        2 => format!(
            "You can call me at 614-555-{:04} if you want to talk.",
            r.next() % 10000
        ),
        3 => format!(
            "Email me at {}.{}@example.com for the spreadsheet.",
            f.to_lowercase(),
            l.to_lowercase()
        ),
        4 => format!(
            "We live at {} Oak Street, {p}, Ohio 43{:03}.",
            r.next() % 9000 + 100,
            r.next() % 1000
        ),
        5 => format!("Thanks, {f}"),
        6 => format!(
            "I'm on here as @{}_{} and on Bluesky too.",
            f.to_lowercase(),
            r.next() % 100
        ),
        _ => format!("{f} {l} from the support group in {p} recommended it."),
    }
}

fn corpus(docs: usize) -> Vec<String> {
    let mut r = Rng(0x4845_4152_4b45_4e21);
    (0..docs)
        .map(|_| {
            let mut doc = String::with_capacity(700);
            if r.next().is_multiple_of(3) {
                doc.push_str("Hi everyone,\n\n");
            }
            while doc.len() < 560 {
                let s = if r.next().is_multiple_of(4) {
                    planted(&mut r)
                } else {
                    r.pick(PLAIN).to_string()
                };
                doc.push_str(&s);
                doc.push(' ');
            }
            doc
        })
        .collect()
}

/// Runs `f` over the corpus repeatedly for at least `min` and returns seconds per pass.
fn time_pass(docs: &[String], min: Duration, mut f: impl FnMut(&str) -> usize) -> f64 {
    let mut passes = 0u32;
    let mut sink = 0usize;
    let start = Instant::now();
    while start.elapsed() < min || passes < 2 {
        for d in docs {
            sink = sink.wrapping_add(f(d));
        }
        passes += 1;
    }
    black_box(sink);
    start.elapsed().as_secs_f64() / f64::from(passes)
}

fn main() {
    let docs = corpus(5_000);
    let bytes: usize = docs.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    let deid = match Deidentifier::new(&Policy::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let email = match regex::Regex::new(
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    // Warm up (builds the gazetteer, faults pages in).
    for d in docs.iter().take(200) {
        black_box(deid.redact(d, &[]));
    }
    let min = Duration::from_secs(2);
    let lower = time_pass(&docs, min, |d| d.to_lowercase().len());
    let one_regex = time_pass(&docs, min, |d| email.find_iter(d).count());
    let stage = time_pass(&docs, min, |d| deid.redact(d, &[]).text.len());
    let with_known = time_pass(&docs, min, |d| {
        deid.redact(d, &["Maria Okafor", "@maria_k"]).text.len()
    });
    // A source that has seen 2,000 authors: a handle and a display name each (invented).
    let key = PseudonymKey::from_bytes([7; 32]).name_key();
    let mut remembered = RememberedNames::new(key.clone());
    for i in 0..2_000 {
        let handle = format!("member_{i:04}");
        let display = format!("{} {}", FIRST[i % FIRST.len()], LAST[i % LAST.len()]);
        for name in [handle.as_str(), display.as_str()] {
            for fp in fingerprints(name, &key) {
                remembered.insert(fp);
            }
        }
    }
    let prepared = KnownNames::new(&["Maria Okafor", "@maria_k"]);
    let with_prepared = time_pass(&docs, min, |d| deid.redact_known(d, &prepared).text.len());
    let with_remembered = prepared.clone().with_remembered(Arc::new(remembered));
    let remembering = time_pass(&docs, min, |d| {
        deid.redact_known(d, &with_remembered).text.len()
    });
    let found: u32 = docs.iter().map(|d| deid.redact(d, &[]).total()).sum();

    println!(
        "corpus: {} documents, {:.2} MB, mean {} bytes, {} identifiers found",
        docs.len(),
        mb,
        bytes / docs.len(),
        found
    );
    println!(
        "{:<34} {:>10} {:>12} {:>22} {:>20}",
        "pass (one core)", "MB/s", "docs/s", "time / to_lowercase", "time / one regex"
    );
    for (name, secs) in [
        ("baseline: str::to_lowercase", lower),
        ("baseline: one e-mail regex", one_regex),
        ("deid: redact", stage),
        ("deid: redact with 2 known names", with_known),
        ("deid: ... the 2 prepared once", with_prepared),
        ("deid: ... and 2,000 remembered", remembering),
    ] {
        println!(
            "{:<34} {:>10.1} {:>12.0} {:>21.1}x {:>19.1}x",
            name,
            mb / secs,
            docs.len() as f64 / secs,
            secs / lower,
            secs / one_regex
        );
    }
    println!(
        "(time / baseline: how many times longer the pass takes than the baseline over the same text)"
    );
}
