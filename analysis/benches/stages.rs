//! Documents per second through each analysis stage, on one core.
//!
//! `cargo bench -p hearken-analysis --bench stages`
//!
//! The corpus is generated here, deterministically (a fixed-seed xorshift
//! over fragments of synthetic patient talk with typos, placeholders, URLs,
//! emoticons and line breaks), about 600 bytes a post. Every figure is
//! also given as a ratio against a baseline measured in the same run — a
//! plain whitespace tokenisation pass over the same posts — so numbers from
//! different machines can be compared. The product target is 5,000 docs/s
//! end to end on 2 cores, i.e. 2,500 docs/s per core for *everything*
//! (normalise, de-identify, analyse, index); the last column says how many
//! times faster than that budget each stage runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hearken_analysis::codebook::Codebook;
use hearken_analysis::keyphrases;
use hearken_analysis::language::{LanguageConfig, LanguageDetector};
use hearken_analysis::sentences;
use hearken_analysis::sentiment::SentimentScorer;
use hearken_analysis::text::TokenStream;
use hearken_analysis::themes::ThemeMatcher;
use hearken_analysis::{Analyzer, cues::CueMatcher, journey::JourneyMatcher};

const DOCS: usize = 2_000;
const MIN_TIME: Duration = Duration::from_millis(700);
const PER_CORE_BUDGET: f64 = 2_500.0;

const FRAGMENTS: &[&str] = &[
    "Hi all, first time posting here.",
    "The site is a 3 hour drive each way and the gas money really adds up.",
    "My boss wasnt happy when I took the day off again for the infusion.",
    "Dr. [NAME] explained the consent form but honestly it was 40 pages of jargon...",
    "I'm 47 and a working mom of two so evening appointments would help a lot.",
    "Scared about side effects tbh, my sister had a bad reaction to her meds.",
    "Does anyone know if you find out whether you got the placebo at the end?",
    "The e-diary app kept crashing and I missed 3 entries :(",
    "The study nurse is amazing!! She always calls me back the same day.",
    "No side effects so far, just tired after each dose.",
    "Parking at the hospital is $20 a day and they only reimburse every 6 weeks.",
    "I want to help future patients even if it doesnt help me.",
    "Read more at https://trials.example.org/study?id=123 if ur interested.",
    "My husband drives me to every visit, couldn't do it without him <3",
    "Screening visit tomorrow, nervous I won't qualify because of my A1C.",
    "Honestly thinking about dropping out, the visits take all day.",
    "Contact [EMAIL] or call [PHONE] for the coordinator.",
    "I'm legally blind so the small print on the forms is a nightmare.",
    "Would love to get the results back when it's over.",
    "Text me reminders please, I never check my email lol",
    "We were told it's double blind so nobody knows who gets the real drug.",
    "Feeling hopeful!!! Week 6 and my scans look better.",
    "english is not my first language and there was no interpreter.",
    "Who sees my genetic data? that part worries me",
    "Thanks everyone for the support :)",
];

/// Fixed-seed xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn corpus() -> Vec<String> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    (0..DOCS)
        .map(|_| {
            let mut post = String::with_capacity(700);
            while post.len() < 600 {
                post.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                post.push_str(if rng.below(4) == 0 { "\n" } else { " " });
            }
            post
        })
        .collect()
}

/// Run `f` over every document index repeatedly for at least `MIN_TIME`;
/// docs/s.
fn measure(n_docs: usize, mut f: impl FnMut(usize) -> usize) -> f64 {
    let mut n = 0usize;
    let mut sink = 0usize;
    let start = Instant::now();
    while start.elapsed() < MIN_TIME {
        for i in 0..n_docs {
            sink = sink.wrapping_add(f(i));
        }
        n += n_docs;
    }
    black_box(sink);
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let docs = corpus();
    let n = docs.len();
    let bytes: usize = docs.iter().map(String::len).sum();
    let cb = Codebook::default_trial();
    let scorer = SentimentScorer::new();
    let themes = ThemeMatcher::new(&cb);
    let journey = JourneyMatcher::new(&cb);
    let cues = CueMatcher::new(&cb);
    let lang = LanguageDetector::new(&LanguageConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let analyzer = Analyzer::new(cb.clone());
    let sents: Vec<Vec<std::ops::Range<usize>>> =
        docs.iter().map(|d| sentences::split(d)).collect();
    let toks: Vec<TokenStream> = docs.iter().map(|d| TokenStream::new(d)).collect();

    println!(
        "{n} synthetic posts, {:.0} bytes on average, one core\n",
        bytes as f64 / n as f64
    );
    let baseline = measure(n, |i| docs[i].split_whitespace().count());
    let rows: Vec<(&str, f64)> = vec![
        ("baseline: whitespace tokenisation", baseline),
        (
            "sentences::split",
            measure(n, |i| sentences::split(&docs[i]).len()),
        ),
        (
            "language::detect",
            measure(n, |i| lang.detect(&docs[i]).code.len()),
        ),
        (
            "sentiment (per sentence + document)",
            measure(n, |i| scorer.score(&docs[i], &sents[i]).sentences.len()),
        ),
        (
            "tokenise + stem (TokenStream)",
            measure(n, |i| TokenStream::new(&docs[i]).len()),
        ),
        (
            "themes (on tokens)",
            measure(n, |i| themes.find_in(&toks[i], &sents[i]).matches.len()),
        ),
        (
            "journey stage (on tokens)",
            measure(n, |i| {
                journey
                    .stage_in(&toks[i], &sents[i])
                    .map_or(0, |m| m.evidence.len())
            }),
        ),
        (
            "persona cues (on tokens)",
            measure(n, |i| cues.cues_in(&docs[i], &toks[i], &sents[i]).len()),
        ),
        (
            "themes from raw text (tokenise + match)",
            measure(n, |i| themes.find(&docs[i], &sents[i]).len()),
        ),
        (
            "Analyzer::analyse (everything)",
            measure(n, |i| analyzer.analyse(&docs[i]).themes.len()),
        ),
    ];
    let mut rows = rows;

    // Keyphrases are per corpus: docs/s over one pass of the whole corpus.
    let pairs: Vec<(String, &str)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("d{i}"), d.as_str()))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(i, d)| (i.as_str(), *d)).collect();
    let start = Instant::now();
    let mut passes = 0;
    while start.elapsed() < MIN_TIME {
        black_box(keyphrases::emergent(&pairs, &cb, 20));
        passes += 1;
    }
    rows.push((
        "keyphrases::emergent (corpus pass)",
        (passes * docs.len()) as f64 / start.elapsed().as_secs_f64(),
    ));

    println!(
        "{:<42} {:>12} {:>10} {:>14} {:>12}",
        "stage", "docs/s", "µs/doc", "time × base", "× budget"
    );
    for (name, dps) in &rows {
        println!(
            "{:<42} {:>12.0} {:>10.2} {:>14.1} {:>12.1}",
            name,
            dps,
            1e6 / dps,
            baseline / dps,
            dps / PER_CORE_BUDGET
        );
    }
    println!(
        "\n`time × base`: how many times longer than the whitespace baseline a document takes.\n\
         `× budget`: how many times faster than {PER_CORE_BUDGET:.0} docs/s (5,000 docs/s on 2 cores) the stage runs."
    );
}
