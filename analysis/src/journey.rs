//! The stage of the trial journey a text speaks from.
//!
//! Recruitment teams lose people at different points — never hearing of a
//! trial, deciding against it, failing screening, dropping out — and the
//! tactics differ per point, so each document gets (at most) one stage:
//! awareness, consideration, screening, enrolment, participation,
//! follow-up or withdrawal.
//!
//! Stage cues are codebook terms (`[[stages]]` in the TOML), matched with
//! the same engine, stemming and negation as themes. **The stage with the
//! most asserted evidence wins; a tie goes to the later stage** in journey
//! order, because a post that mentions both screening and the first
//! infusion is written from the infusion side. A text with no stage cue
//! has no stage: most posts do not say where their author stands, and a
//! guessed stage would make the per-stage counts look surer than they are.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::codebook::Codebook;
use crate::matcher::{Engine, Target};
use crate::sentences;
use crate::text::{HashtagWords, TokenStream};
use crate::themes::Evidence;

/// A stage of the trial journey, in journey order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Hearing that a trial exists.
    Awareness,
    /// Weighing whether to join.
    Consideration,
    /// Screening and eligibility checks.
    Screening,
    /// Consent, randomisation, the first visit.
    Enrolment,
    /// Taking part: visits, doses, diaries.
    Participation,
    /// After the treatment phase: follow-up visits, results.
    FollowUp,
    /// Leaving the trial early.
    Withdrawal,
}

impl Stage {
    /// All stages in journey order.
    pub const ALL: [Stage; 7] = [
        Stage::Awareness,
        Stage::Consideration,
        Stage::Screening,
        Stage::Enrolment,
        Stage::Participation,
        Stage::FollowUp,
        Stage::Withdrawal,
    ];

    /// `awareness`, `consideration`, `screening`, `enrolment`,
    /// `participation`, `follow-up` or `withdrawal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Awareness => "awareness",
            Stage::Consideration => "consideration",
            Stage::Screening => "screening",
            Stage::Enrolment => "enrolment",
            Stage::Participation => "participation",
            Stage::FollowUp => "follow-up",
            Stage::Withdrawal => "withdrawal",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stage of a text and the words that placed it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageMatch {
    /// The stage.
    pub stage: Stage,
    /// The matches for that stage, in text order.
    pub evidence: Vec<Evidence>,
}

/// A compiled journey-stage matcher. Build once per codebook.
#[derive(Debug, Clone)]
pub struct JourneyMatcher {
    engine: Engine,
    stages: Vec<Stage>,
    hashtags: HashtagWords,
}

impl JourneyMatcher {
    /// Compile the stage cues of `codebook`.
    pub fn new(codebook: &Codebook) -> Self {
        let targets: Vec<Target<'_>> = codebook
            .stages()
            .iter()
            .map(|s| Target {
                terms: &s.terms,
                context: &s.context,
            })
            .collect();
        JourneyMatcher {
            engine: Engine::new(&targets, codebook.negation()),
            stages: codebook.stages().iter().map(|s| s.stage).collect(),
            hashtags: HashtagWords::from_codebook(codebook),
        }
    }

    /// The stage of `text` (sentence ranges bound context rules).
    pub fn stage(&self, text: &str, sentences: &[Range<usize>]) -> Option<StageMatch> {
        self.stage_in(
            &TokenStream::with_hashtag_words(text, &self.hashtags),
            sentences,
        )
    }

    /// Like [`stage`](Self::stage) over an already tokenised text.
    pub fn stage_in(&self, tokens: &TokenStream, sentences: &[Range<usize>]) -> Option<StageMatch> {
        let mut best: Option<StageMatch> = None;
        for (t, hits) in self.engine.run(tokens, sentences) {
            if hits.evidence.is_empty() {
                continue;
            }
            let cand = StageMatch {
                stage: self.stages[t],
                evidence: hits.evidence,
            };
            best = match best {
                Some(b) if (b.evidence.len(), b.stage) > (cand.evidence.len(), cand.stage) => {
                    Some(b)
                }
                _ => Some(cand),
            };
        }
        best
    }
}

/// One-off convenience: the stage of `text` under `codebook`. Compiles a
/// [`JourneyMatcher`] on every call; for many documents build one and reuse
/// it.
pub fn stage(codebook: &Codebook, text: &str) -> Option<StageMatch> {
    JourneyMatcher::new(codebook).stage(text, &sentences::split(text))
}
