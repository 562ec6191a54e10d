//! Where ingestion time goes: a running total per stage.
//!
//! An operator asking "why is this slow?" and the scale benchmark asking
//! "what share of ingest is indexing?" need the same figure, so it is kept
//! by the product itself rather than by a profiler. Each stage adds the
//! wall time it spent to a relaxed atomic counter; stages that run on
//! several threads at once (the analysis stages run on every core) add the
//! time of each thread, so a figure is *thread time*, and shares are shares
//! of the summed thread time. Reading a clock costs a few tens of
//! nanoseconds, against tens of microseconds per document for the stages
//! it measures.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

/// A part of ingestion that is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Inside the plugin's `fetch` call: the guest's parsing and the HTTP
    /// requests it makes through the gate.
    Plugin,
    /// HTML/whitespace normalisation.
    Normalize,
    /// Language identification.
    Language,
    /// De-identification of body, title, extra fields and author.
    Deidentify,
    /// Sentence splitting and VADER sentiment.
    Sentiment,
    /// Codebook themes.
    Themes,
    /// Journey stage and persona cues.
    JourneyCues,
    /// Tantivy upserts and commits.
    Index,
}

impl Stage {
    /// Every stage, in flow order.
    pub const ALL: [Stage; 8] = [
        Stage::Plugin,
        Stage::Normalize,
        Stage::Language,
        Stage::Deidentify,
        Stage::Sentiment,
        Stage::Themes,
        Stage::JourneyCues,
        Stage::Index,
    ];

    /// The stage's name as printed and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Plugin => "plugin",
            Stage::Normalize => "normalize",
            Stage::Language => "language",
            Stage::Deidentify => "deidentify",
            Stage::Sentiment => "sentiment",
            Stage::Themes => "themes",
            Stage::JourneyCues => "journey_cues",
            Stage::Index => "index",
        }
    }
}

/// Running totals of thread time per [`Stage`], plus the bytes of text that
/// entered de-identification.
#[derive(Debug, Default)]
pub struct StageClock {
    nanos: [AtomicU64; 8],
    text_bytes: AtomicU64,
}

impl StageClock {
    /// Add `d` to `stage`.
    pub fn add(&self, stage: Stage, d: Duration) {
        let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.nanos[stage as usize].fetch_add(n, Ordering::Relaxed);
    }

    /// Time `f` as `stage`.
    pub fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.add(stage, t.elapsed());
        out
    }

    /// Count `n` bytes of normalised text.
    pub fn add_text_bytes(&self, n: usize) {
        self.text_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// The totals so far.
    pub fn snapshot(&self) -> StageTimes {
        StageTimes {
            seconds: Stage::ALL
                .iter()
                .map(|&s| {
                    (
                        s,
                        self.nanos[s as usize].load(Ordering::Relaxed) as f64 / 1e9,
                    )
                })
                .collect(),
            text_bytes: self.text_bytes.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of a [`StageClock`].
#[derive(Debug, Clone, Serialize)]
pub struct StageTimes {
    /// Thread seconds per stage, in flow order.
    pub seconds: Vec<(Stage, f64)>,
    /// Bytes of normalised text that went through de-identification.
    pub text_bytes: u64,
}

impl StageTimes {
    /// Sum of every stage's thread seconds.
    pub fn total(&self) -> f64 {
        self.seconds.iter().map(|(_, s)| s).sum()
    }

    /// Thread seconds of one stage.
    pub fn get(&self, stage: Stage) -> f64 {
        self.seconds
            .iter()
            .find(|(s, _)| *s == stage)
            .map_or(0.0, |(_, v)| *v)
    }

    /// `stage`'s share of the summed time, 0 when nothing was timed.
    pub fn share(&self, stage: Stage) -> f64 {
        let total = self.total();
        if total > 0.0 {
            self.get(stage) / total
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_shares_add_up() {
        let clock = StageClock::default();
        clock.add(Stage::Plugin, Duration::from_millis(300));
        clock.add(Stage::Index, Duration::from_millis(100));
        clock.add(Stage::Index, Duration::from_millis(600));
        let n = clock.time(Stage::Themes, || 7);
        assert_eq!(n, 7);
        clock.add_text_bytes(1200);
        let t = clock.snapshot();
        assert!((t.get(Stage::Index) - 0.7).abs() < 1e-9);
        assert!(t.get(Stage::Themes) >= 0.0);
        assert!((t.share(Stage::Plugin) - 0.3 / t.total()).abs() < 1e-9);
        assert_eq!(t.text_bytes, 1200);
        assert_eq!(t.seconds.len(), Stage::ALL.len());
        assert_eq!(StageClock::default().snapshot().share(Stage::Index), 0.0);
    }
}
