//! Persona cues: what a text says about its own author.
//!
//! Personas are built from what authors *state* — "as a caregiver for my
//! mum", "I'm 34", "text me, I never check email", "I'm legally blind" —
//! never from what is inferred about them. So every cue needs explicit
//! words, and every cue carries them as [`Evidence`]:
//!
//! * `role` (patient, caregiver, clinician), `life_stage` (student,
//!   working parent, retiree, …), `channel` (text message, email, phone
//!   call, app, family member reads for them) and `accessibility` (vision,
//!   hearing, mobility, cognitive) come from codebook terms (`[[cues]]` in
//!   the TOML), with the same stemming, context and negation rules as themes
//!   ("I don't have a car" is not a mobility cue unless the codebook says
//!   so).
//! * `age_band` comes from built-in first-person patterns: "I'm 34",
//!   "I am 34 years old", "as a 45 year old", "I just turned 50",
//!   "in my 60s", "in my early sixties", "(34F)". The age is turned into a
//!   decade band (`30-39`; anything from 90 up is `90+`, as HIPAA Safe
//!   Harbor requires). Ages of other people ("my mom is 78",
//!   "my son (6M)"), durations ("I'm 34 weeks pregnant", "I'm 3 cycles
//!   in") and the past ("I was diagnosed in my 30s") are not the author's
//!   age and are not matched. One band per text: the band with the most
//!   statements, the first stated on a tie.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use crate::codebook::{Codebook, CueKind};
use crate::matcher::{Engine, Target};
use crate::sentences;
use crate::text::{HashtagWords, TokenKind, TokenStream};
use crate::themes::Evidence;

/// A persona cue found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CueMatch {
    /// `role`, `life_stage`, `age_band`, `channel` or `accessibility`.
    pub kind: &'static str,
    /// e.g. `caregiver`, `working_parent`, `30-39`, `text_message`,
    /// `vision`.
    pub value: String,
    /// The words that stated it, in text order.
    pub evidence: Vec<Evidence>,
}

/// A compiled persona-cue matcher. Build once per codebook.
#[derive(Debug, Clone)]
pub struct CueMatcher {
    engine: Engine,
    rules: Vec<(CueKind, String)>,
    hashtags: HashtagWords,
}

const KIND_ORDER: [CueKind; 5] = [
    CueKind::Role,
    CueKind::LifeStage,
    CueKind::AgeBand,
    CueKind::Channel,
    CueKind::Accessibility,
];

impl CueMatcher {
    /// Compile the cue rules of `codebook`.
    pub fn new(codebook: &Codebook) -> Self {
        let targets: Vec<Target<'_>> = codebook
            .cues()
            .iter()
            .map(|c| Target {
                terms: &c.terms,
                context: &c.context,
            })
            .collect();
        CueMatcher {
            engine: Engine::new(&targets, codebook.negation()),
            rules: codebook
                .cues()
                .iter()
                .map(|c| (c.kind, c.value.clone()))
                .collect(),
            hashtags: HashtagWords::from_codebook(codebook),
        }
    }

    /// The cues `text` states about its author, ordered by kind (role,
    /// life stage, age band, channel, accessibility), then codebook order.
    pub fn cues(&self, text: &str, sentences: &[Range<usize>]) -> Vec<CueMatch> {
        self.cues_in(
            text,
            &TokenStream::with_hashtag_words(text, &self.hashtags),
            sentences,
        )
    }

    /// Like [`cues`](Self::cues) over an already tokenised text.
    pub fn cues_in(
        &self,
        text: &str,
        tokens: &TokenStream,
        sentences: &[Range<usize>],
    ) -> Vec<CueMatch> {
        let mut found: Vec<(usize, usize, CueMatch)> = Vec::new();
        for (t, hits) in self.engine.run(tokens, sentences) {
            if hits.evidence.is_empty() {
                continue;
            }
            let (kind, value) = &self.rules[t];
            found.push((
                kind_rank(*kind),
                t,
                CueMatch {
                    kind: kind.as_str(),
                    value: value.clone(),
                    evidence: hits.evidence,
                },
            ));
        }
        if let Some(age) = age_band(text, tokens) {
            found.push((kind_rank(CueKind::AgeBand), 0, age));
        }
        found.sort_by_key(|(k, t, _)| (*k, *t));
        found.into_iter().map(|(_, _, c)| c).collect()
    }
}

fn kind_rank(kind: CueKind) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// One-off convenience: the cues of `text` under `codebook`. Compiles a
/// [`CueMatcher`] on every call; for many documents build one and reuse it.
pub fn cues(codebook: &Codebook, text: &str) -> Vec<CueMatch> {
    CueMatcher::new(codebook).cues(text, &sentences::split(text))
}

/// Words after a number that make it a quantity, not an age.
const UNITS: &[&str] = &[
    "week",
    "weeks",
    "wk",
    "wks",
    "day",
    "days",
    "month",
    "months",
    "mo",
    "mos",
    "hour",
    "hours",
    "hr",
    "hrs",
    "minute",
    "minutes",
    "min",
    "mins",
    "second",
    "seconds",
    "sec",
    "mg",
    "mcg",
    "ml",
    "cc",
    "lb",
    "lbs",
    "pound",
    "pounds",
    "kg",
    "kgs",
    "kilo",
    "kilos",
    "cycle",
    "cycles",
    "dose",
    "doses",
    "session",
    "sessions",
    "infusion",
    "infusions",
    "visit",
    "visits",
    "percent",
    "times",
    "x",
    "mile",
    "miles",
    "km",
    "round",
    "rounds",
    "pill",
    "pills",
    "unit",
    "units",
    "inch",
    "inches",
    "ft",
    "feet",
    "cm",
    "point",
    "k",
    "dollars",
    "bucks",
    "step",
    "steps",
    "shot",
    "shots",
    "injection",
    "injections",
    "treatment",
    "treatments",
    "appointment",
    "appointments",
    "for",
    "of",
    "out",
    "night",
    "nights",
    "am",
    "pm",
    "o'clock",
    "th",
    "st",
    "nd",
    "rd",
];

/// Words that make a later age statement about the past.
const PAST: &[&str] = &[
    "was",
    "were",
    "diagnosed",
    "when",
    "back",
    "since",
    "started",
    "got",
    "until",
];

const POSSESSIVES: &[&str] = &["my", "his", "her", "our", "their", "your"];

const DECADE_WORDS: &[(&str, u32)] = &[
    ("teens", 10),
    ("twenties", 20),
    ("thirties", 30),
    ("forties", 40),
    ("fifties", 50),
    ("sixties", 60),
    ("seventies", 70),
    ("eighties", 80),
    ("nineties", 90),
];

fn band(age: u32) -> String {
    if age >= 90 {
        "90+".to_string()
    } else {
        let lo = age / 10 * 10;
        format!("{lo}-{}", lo + 9)
    }
}

/// `34`, `34f`, `34m`, `34yo` → 34.
fn age_token(lower: &str) -> Option<u32> {
    let digits = lower.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &lower[digits..];
    if !matches!(rest, "" | "f" | "m" | "yo" | "y") {
        return None;
    }
    lower[..digits].parse().ok()
}

/// `60s`, `60's` → 60; `sixties` → 60.
fn decade_token(lower: &str) -> Option<u32> {
    if let Some((_, d)) = DECADE_WORDS.iter().find(|(w, _)| *w == lower) {
        return Some(*d);
    }
    let num = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix('s'))?;
    let d: u32 = num.parse().ok()?;
    (num.len() == 2 && d.is_multiple_of(10) && (10..=90).contains(&d)).then_some(d)
}

fn age_band(text: &str, ts: &TokenStream) -> Option<CueMatch> {
    let toks = ts.tokens();
    let n = toks.len();
    let lower = |i: usize| if i < n { ts.lower(i) } else { "" };
    let joined = |i: usize| i < n && !toks[i].break_before;
    // A number followed by something that makes it a quantity.
    let is_quantity = |k: usize| -> bool {
        let end = toks[k].range.end;
        let mut after = text[end..].chars();
        match (after.next(), after.next()) {
            (Some('%' | '/' | ':'), _) => return true,
            (Some('.' | '-' | ','), Some(d)) if d.is_ascii_digit() => return true,
            _ => {}
        }
        joined(k + 1) && UNITS.contains(&lower(k + 1))
    };
    let past_before = |i: usize| -> bool {
        let mut j = i;
        for _ in 0..4 {
            if j == 0 || toks[j].break_before {
                return false;
            }
            j -= 1;
            if PAST.contains(&lower(j)) {
                return true;
            }
        }
        false
    };
    let possessive_before =
        |i: usize| -> bool { (i.saturating_sub(3)..i).any(|j| POSSESSIVES.contains(&lower(j))) };
    let mut found: Vec<(u32, Range<usize>, &'static str)> = Vec::new();
    let mut i = 0;
    while i < n {
        let w = lower(i);
        // "I'm 34", "I am 34 years old", "im 34f"
        let after_im = match w {
            "i'm" | "im" => Some(i + 1),
            "i" if lower(i + 1) == "am" && joined(i + 1) => Some(i + 2),
            _ => None,
        };
        if let Some(mut k) = after_im {
            if joined(k) && matches!(lower(k), "now" | "only" | "currently" | "just") {
                k += 1;
            }
            if joined(k) && lower(k) == "a" && joined(k + 1) {
                // "I'm a 45 year old …"
                if let Some(age) = age_token(lower(k + 1)) {
                    let y = k + 2;
                    if joined(y)
                        && matches!(lower(y), "year" | "yr")
                        && joined(y + 1)
                        && lower(y + 1) == "old"
                    {
                        found.push((
                            age,
                            toks[i].range.start..toks[y + 1].range.end,
                            "I'm a N year old",
                        ));
                        i = y + 2;
                        continue;
                    }
                }
            } else if joined(k) && age_token(lower(k)).is_some() && !is_quantity(k) {
                let age = age_token(lower(k)).unwrap_or(0);
                let mut end = k;
                if joined(k + 1) && lower(k + 1) == "yo" {
                    end = k + 1;
                } else if joined(k + 1) && matches!(lower(k + 1), "years" | "year" | "yrs" | "yr") {
                    // "I'm 34 years old" or "I'm 34 years." but not
                    // "I'm 15 years cancer free".
                    if joined(k + 2) && lower(k + 2) == "old" {
                        end = k + 2;
                    } else if joined(k + 2) {
                        i = k + 2;
                        continue;
                    } else {
                        end = k + 1;
                    }
                }
                found.push((age, toks[i].range.start..toks[end].range.end, "I'm N"));
                i = end + 1;
                continue;
            }
        }
        // "as a 45 year old"
        if w == "as"
            && lower(i + 1) == "a"
            && joined(i + 1)
            && joined(i + 2)
            && let Some(age) = age_token(lower(i + 2))
        {
            let y = i + 3;
            if joined(y)
                && matches!(lower(y), "year" | "yr")
                && joined(y + 1)
                && lower(y + 1) == "old"
            {
                found.push((
                    age,
                    toks[i].range.start..toks[y + 1].range.end,
                    "as a N year old",
                ));
                i = y + 2;
                continue;
            }
        }
        // "I just turned 50", "I turned 50"
        if w == "turned" && joined(i + 1) && i > 0 && joined(i) {
            let p = lower(i - 1);
            let first_person = matches!(p, "i" | "i've" | "ive")
                || (p == "just"
                    && i > 1
                    && joined(i - 1)
                    && matches!(lower(i - 2), "i" | "i've" | "ive"));
            if first_person
                && let Some(age) = age_token(lower(i + 1)).filter(|_| !is_quantity(i + 1))
            {
                found.push((
                    age,
                    toks[i - 1].range.start..toks[i + 1].range.end,
                    "I turned N",
                ));
                i += 2;
                continue;
            }
        }
        // "in my 60s", "in my early sixties", "in my mid-40s"
        if w == "in" && lower(i + 1) == "my" && joined(i + 1) && !past_before(i) {
            let mut k = i + 2;
            if joined(k) && matches!(lower(k), "early" | "mid" | "late") {
                k += 1;
            }
            if (joined(k)
                || (k < n && text[toks[k - 1].range.end..toks[k].range.start].trim() == "-"))
                && let Some(d) = decade_token(lower(k))
            {
                found.push((d, toks[i].range.start..toks[k].range.end, "in my Ns"));
                i = k + 1;
                continue;
            }
        }
        // "(34F)", "(F34)"
        if toks[i].kind == TokenKind::Word && !possessive_before(i) {
            let r = &toks[i].range;
            let boxed = text[..r.start].ends_with('(') && text[r.end..].starts_with(')');
            if boxed {
                let age = age_token(w)
                    .filter(|_| w.ends_with(['f', 'm']))
                    .or_else(|| {
                        w.strip_prefix(['f', 'm'])
                            .filter(|d| d.len() == 2)
                            .and_then(|d| d.parse().ok())
                    });
                if let Some(age) = age {
                    found.push((age, r.start - 1..r.end + 1, "(N F/M)"));
                }
            }
        }
        i += 1;
    }
    // One band: the one stated most often, the first stated on a tie.
    let mut groups: BTreeMap<String, (usize, usize, Vec<Evidence>)> = BTreeMap::new();
    for (pos, (age, range, term)) in found.into_iter().enumerate() {
        if !(13..=120).contains(&age) {
            continue;
        }
        let g = groups.entry(band(age)).or_insert((0, pos, Vec::new()));
        g.0 += 1;
        g.2.push(Evidence {
            term: term.to_string(),
            range,
        });
    }
    let best = groups
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))?;
    Some(CueMatch {
        kind: CueKind::AgeBand.as_str(),
        value: best.0,
        evidence: best.1.2,
    })
}
