//! Who talks: planted persona segments and the authors in them.
//!
//! Each author belongs to exactly one segment for the whole corpus, and
//! draws the themes of every document from the segment's theme weights,
//! lightly jittered per author. The defining themes of a segment carry most
//! of the weight (about three quarters), so that its authors talk about
//! them far more than everyone else, while every other theme keeps a small
//! share: real people are not one-note, and a segmentation that only works
//! on one-note authors is not worth measuring.
//!
//! Authors also carry the facts that make their documents consistent with
//! one another (condition, trial, drug, site, town, relatives, their
//! doctor and nurse) and a writing style (lowercase, typos, "tbh",
//! exclamation marks, emoji). Persona recovery is measured per author, so
//! each author is given several documents (see [`quotas`]).

use crate::lexicon::{self, THEMES};
use crate::rng::Rand;

/// A planted segment: id, label, theme weights and the share of authors.
pub(crate) struct SegmentDef {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    /// `(theme index, weight)` for the defining themes, strongest first.
    pub(crate) defining: &'static [(usize, f64)],
    /// Themes with more weight than the background but not enough lift to
    /// define the segment.
    pub(crate) secondary: &'static [(usize, f64)],
    /// Relative share of authors.
    pub(crate) share: f64,
    /// The role a member takes at an advisory board.
    pub(crate) role: &'static str,
}

// Theme indexes, named for readability.
const TRAVEL: usize = 0;
const SIDE: usize = 1;
const PLACEBO: usize = 2;
const TIME: usize = 3;
const CARE: usize = 4;
const DIGITAL: usize = 5;
const TRUST: usize = 6;
const COST: usize = 7;
const ALTRUISM: usize = 8;
const HOPE: usize = 9;

/// The planted segments.
pub(crate) static SEGMENTS: &[SegmentDef] = &[
    SegmentDef {
        id: "working_parent",
        label: "Time-pressed working parent worried about visits and time off",
        defining: &[(TIME, 0.45), (CARE, 0.30)],
        secondary: &[],
        share: 0.22,
        role: "patient",
    },
    SegmentDef {
        id: "retiree_caregiver",
        label: "Retired caregiver who trusts the nurse but not the app",
        defining: &[(DIGITAL, 0.36), (TRUST, 0.32)],
        secondary: &[(CARE, 0.12)],
        share: 0.18,
        role: "caregiver",
    },
    SegmentDef {
        id: "side_effect_sceptic",
        label: "Side-effect-wary sceptic afraid of the placebo arm",
        defining: &[(SIDE, 0.45), (PLACEBO, 0.30)],
        secondary: &[],
        share: 0.20,
        role: "patient",
    },
    SegmentDef {
        id: "hopeful_advocate",
        label: "Hopeful advocate motivated by access and altruism",
        defining: &[(HOPE, 0.42), (ALTRUISM, 0.33)],
        secondary: &[],
        share: 0.20,
        role: "patient",
    },
    SegmentDef {
        id: "rural_cost_squeezed",
        label: "Cost-squeezed rural patient facing long travel",
        defining: &[(TRAVEL, 0.42), (COST, 0.33)],
        secondary: &[],
        share: 0.20,
        role: "patient",
    },
];

/// Where an author speaks: decides the form of their handle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Channel {
    Forum,
    Feed,
    Board,
}

/// UK or US English: spelling, phone numbers, addresses, money.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Locale {
    Us,
    Uk,
}

/// How an author writes.
#[derive(Clone, Debug)]
pub(crate) struct Style {
    pub(crate) lowercase: bool,
    pub(crate) typo_rate: f64,
    pub(crate) slang: f64,
    pub(crate) exclaim: f64,
    pub(crate) mood: f64,
}

/// One relative with a name.
#[derive(Clone, Debug)]
pub(crate) struct Relative {
    /// "husband", "daughter", "mum" …
    pub(crate) relation: &'static str,
    pub(crate) name: &'static str,
}

/// An author and everything that keeps their documents consistent.
#[derive(Clone, Debug)]
pub(crate) struct Author {
    /// The raw handle or speaker name as the source shows it.
    pub(crate) handle: String,
    /// Forum member id (for profile links).
    pub(crate) member_id: u32,
    pub(crate) segment: usize,
    pub(crate) themes: [f64; THEMES],
    pub(crate) style: Style,
    pub(crate) locale: Locale,
    pub(crate) condition: usize,
    pub(crate) trial: String,
    pub(crate) drug: String,
    pub(crate) site: &'static str,
    pub(crate) town: &'static str,
    pub(crate) partner: Relative,
    pub(crate) kid: Relative,
    /// The person a caregiver cares for (partner or parent).
    pub(crate) caree: Relative,
    pub(crate) doctor: &'static str,
    pub(crate) nurse: &'static str,
    /// Forum signature template, if the author has one.
    pub(crate) signature: Option<&'static str>,
    /// Forum rank shown in the post profile.
    pub(crate) posts_shown: u32,
    /// Unix time the member joined the forum.
    pub(crate) joined: i64,
}

const NURSE_NAMES: &[&str] = &[
    "Priya", "Grace", "Fiona", "Nadia", "Rosa", "Holly", "Tessa", "Amara", "Gwen", "Kezia",
    "Wendy", "Noor",
];
const HANDLE_WORDS: &[&str] = &[
    "sunny", "tired", "hopeful", "rainy", "lakeside", "garden", "coffee", "night", "busy", "quiet",
    "blue", "little", "big", "northern", "country", "city", "brave", "sleepy", "stubborn", "lucky",
];
const HANDLE_NOUNS: &[&str] = &[
    "mum", "mom", "dad", "gran", "owl", "wren", "fox", "bee", "runner", "knitter", "walker",
    "reader", "baker", "fighter", "warrior", "teacher", "nurse", "driver", "gardener", "otter",
];

/// The segment of author `index`: a golden-ratio (Weyl) sequence mapped
/// onto the segments' cumulative shares. Unlike independent draws, every
/// prefix of the sequence is close to the target shares, so a small demo
/// corpus has every segment too; the phase comes from the seed.
fn balanced_segment(phase: f64, index: usize) -> usize {
    const PHI: f64 = 0.618_033_988_749_894_9;
    let u = (phase + index as f64 * PHI).fract();
    let total: f64 = SEGMENTS.iter().map(|s| s.share).sum();
    let mut acc = 0.0;
    for (i, s) in SEGMENTS.iter().enumerate() {
        acc += s.share / total;
        if u < acc {
            return i;
        }
    }
    SEGMENTS.len() - 1
}

/// Theme weights of a segment member: the defining weights, the remainder
/// spread over the other themes, each jittered by ±30 %, normalised.
fn theme_weights(segment: usize, rng: &mut Rand) -> [f64; THEMES] {
    let def = &SEGMENTS[segment];
    let set = def.defining.iter().chain(def.secondary);
    let used: f64 = set.clone().map(|(_, w)| w).sum();
    let others = THEMES - def.defining.len() - def.secondary.len();
    let rest = (1.0 - used).max(0.0) / others as f64;
    let mut w = [rest; THEMES];
    for (t, weight) in set {
        w[*t] = *weight;
    }
    for x in &mut w {
        *x *= 0.7 + 0.6 * rng.unit();
    }
    let total: f64 = w.iter().sum();
    for x in &mut w {
        *x /= total;
    }
    w
}

fn drug_name(rng: &mut Rand) -> String {
    let (a, b, c) = lexicon::DRUG_PARTS;
    format!("{}{}{}", rng.pick(a), rng.pick(b), rng.pick(c))
}

fn relative(relations: &[&'static str], rng: &mut Rand) -> Relative {
    let relation = rng.pick(relations);
    Relative {
        relation,
        name: rng.pick(lexicon::names_for(relation)),
    }
}

/// A forum username or feed handle, unique by construction (it ends with
/// the author's index in base 36 where the words alone could collide).
fn handle(channel: Channel, index: usize, rng: &mut Rand) -> String {
    let suffix = base36(index as u64 + 7);
    let w = rng.pick(HANDLE_WORDS);
    let n = rng.pick(HANDLE_NOUNS);
    match (channel, rng.below(5)) {
        (Channel::Feed, 0) => format!("{w}{n}.{suffix}"),
        (Channel::Feed, _) => format!("{w}_{n}{suffix}"),
        (_, 0) => format!("{}{}{suffix}", capitalise(w), capitalise(n)),
        (_, 1) => format!("{w}-{n}-{suffix}"),
        (_, 2) => format!("{n}of{}_{suffix}", rng.between(2, 4)),
        (_, 3) => format!("{}{suffix}", capitalise(n)),
        _ => format!("{w}_{n}_{suffix}"),
    }
}

/// A speaker's full name. After `attempt` collisions a middle initial is
/// added, and after many a number, so that a large pool always terminates
/// with unique names.
fn speaker_name(attempt: usize, rng: &mut Rand) -> String {
    let first = lexicon::any_name(rng);
    let last = rng.pick(lexicon::SURNAMES);
    match attempt {
        0..8 => format!("{first} {last}"),
        8..40 => {
            let initial = (b'A' + rng.below(26) as u8) as char;
            format!("{first} {initial}. {last}")
        }
        _ => format!("{first} {last} {}", attempt - 39),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Lowercase base 36.
pub(crate) fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".to_string();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Builds the author pool of one channel.
pub(crate) fn authors(seed: u64, channel: Channel, count: usize) -> Vec<Author> {
    let purpose = match channel {
        Channel::Forum => "author/forum",
        Channel::Feed => "author/feed",
        Channel::Board => "author/board",
    };
    let mut used_names = std::collections::BTreeSet::new();
    let phase = Rand::derive(seed, purpose, u64::MAX).unit();
    (0..count)
        .map(|i| {
            let mut rng = Rand::derive(seed, purpose, i as u64);
            let segment = balanced_segment(phase, i);
            let themes = theme_weights(segment, &mut rng);
            let locale = if rng.chance(0.55) {
                Locale::Us
            } else {
                Locale::Uk
            };
            let condition = rng.below(lexicon::CONDITIONS.len());
            let prefix = lexicon::CONDITIONS[condition].2;
            let trial = format!("{prefix}-{}", rng.between(2, 12));
            let towns = match locale {
                Locale::Us => lexicon::TOWNS.0,
                Locale::Uk => lexicon::TOWNS.1,
            };
            let caregiver = SEGMENTS[segment].role == "caregiver";
            let partner = relative(&["husband", "wife", "partner", "husband", "wife"], &mut rng);
            let kid = relative(
                &["daughter", "son", "little one", "eldest", "youngest"],
                &mut rng,
            );
            let caree = if caregiver && rng.chance(0.7) {
                partner.clone()
            } else {
                relative(
                    match locale {
                        Locale::Us => &["mom", "dad", "mother", "father"],
                        Locale::Uk => &["mum", "dad", "mother", "father"],
                    },
                    &mut rng,
                )
            };
            let mut handle = match channel {
                Channel::Board => speaker_name(0, &mut rng),
                _ => handle(channel, i, &mut rng),
            };
            // Speaker names are not suffixed, so make them unique here.
            let mut attempt = 0;
            while !used_names.insert(handle.clone()) {
                attempt += 1;
                handle = speaker_name(attempt, &mut rng);
            }
            let style = Style {
                lowercase: rng.chance(if channel == Channel::Feed { 0.35 } else { 0.2 }),
                typo_rate: [0.0, 0.01, 0.02, 0.04][rng.below(4)],
                slang: [0.0, 0.1, 0.3][rng.below(3)],
                exclaim: [0.0, 0.05, 0.2][rng.below(3)],
                mood: [0.03, 0.08, 0.15][rng.below(3)],
            };
            Author {
                handle,
                member_id: 52 + i as u32,
                segment,
                themes,
                style,
                locale,
                condition,
                trial,
                drug: drug_name(&mut rng),
                site: rng.pick(lexicon::SITES),
                town: rng.pick(towns),
                partner,
                kid,
                caree,
                doctor: rng.pick(lexicon::SURNAMES),
                nurse: rng.pick(NURSE_NAMES),
                signature: if rng.chance(0.45) {
                    Some(rng.pick(lexicon::SIGNATURES))
                } else {
                    None
                },
                posts_shown: rng.between(3, 900) as u32,
                joined: 1_640_995_200 + rng.below(70_000_000) as i64,
            }
        })
        .collect()
}

/// Splits `docs` documents among authors so that each gets a quota of
/// `min..=max` documents (the last author absorbs a short remainder), and
/// returns, per document index, the author index, in a shuffled order.
///
/// Returns the schedule and the number of authors it needs.
pub(crate) fn quotas(
    seed: u64,
    purpose: &str,
    docs: usize,
    min: usize,
    max: usize,
) -> (Vec<u32>, usize) {
    let mut rng = Rand::derive(seed, purpose, 0);
    let mut counts: Vec<usize> = Vec::new();
    let mut total = 0;
    while total < docs {
        let q = rng.between(min, max).min(docs - total);
        if q < min && !counts.is_empty() {
            if let Some(last) = counts.last_mut() {
                *last += q;
            }
        } else {
            counts.push(q);
        }
        total += q;
    }
    let mut schedule: Vec<u32> = Vec::with_capacity(docs);
    for (a, c) in counts.iter().enumerate() {
        schedule.extend(std::iter::repeat_n(a as u32, *c));
    }
    rng.shuffle(&mut schedule);
    (schedule, counts.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_cover_every_document_with_min_per_author() {
        let (s, n) = quotas(3, "q", 1000, 3, 15);
        assert_eq!(s.len(), 1000);
        let mut counts = vec![0usize; n];
        for a in &s {
            counts[*a as usize] += 1;
        }
        assert!(counts.iter().all(|c| *c >= 3 && *c <= 15 + 3), "{counts:?}");
    }

    #[test]
    fn defining_themes_dominate_weights() {
        let mut rng = Rand::derive(1, "w", 0);
        for (s, def) in SEGMENTS.iter().enumerate() {
            let w = theme_weights(s, &mut rng);
            let defining: f64 = def.defining.iter().map(|(t, _)| w[*t]).sum();
            assert!(defining > 0.6, "{} {defining}", def.id);
            assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn handles_are_unique() {
        for ch in [Channel::Forum, Channel::Feed, Channel::Board] {
            let a = authors(9, ch, 500);
            let set: std::collections::BTreeSet<_> = a.iter().map(|x| x.handle.clone()).collect();
            assert_eq!(set.len(), a.len(), "{ch:?}");
        }
    }
}
