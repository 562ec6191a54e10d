//! The phrase-matching engine behind themes, journey stages and persona
//! cues.
//!
//! One Aho-Corasick automaton holds every pattern of a matcher (terms,
//! context words, pseudo-negations and post-negations, each a run of stems,
//! see [`crate::text`]) and finds all of them, overlapping, in one pass over
//! a document's stem string: the cost per document is linear in its length
//! and independent of how many terms the codebook has. Everything after the
//! scan (negation, context, de-duplication) works on the handful of matches
//! found.
//!
//! # Negation
//!
//! A NegEx-style rule, kept deliberately small:
//!
//! * a negation cue (`no`, `never`, `didn't`, …; the codebook's
//!   `[negation] cues`) negates a term that starts at most `window` tokens
//!   after it;
//! * a post-negation phrase (`wasn't an issue`, `was no problem`, `none`)
//!   negates a term that ends at most `window` tokens before it;
//! * a scope never crosses a clause break (`.`, `!`, `?`, `;`, `,`, a
//!   bracket, a dash, a line break) or a breaker word (`but`, `however`, …);
//! * a cue (or a post-negation) after a conditional word in the same
//!   clause (`if`, `unless`, `wish`; the codebook's `[negation]
//!   conditionals`) negates nothing: "I'd join if there was no placebo" and
//!   "if it wasn't for the travel" raise the theme, they do not deny it;
//! * a cue word that is part of a matched term ("no car", "no one to watch
//!   the kids") or of a pseudo-negation ("no idea", "don't want") opens no
//!   scope: "I don't want the sugar pill" is still a placebo worry.
//!
//! Negated mentions are **not evidence** for the theme: they are returned
//! apart, so callers can drop them (what [`crate::themes::ThemeMatcher::find`]
//! does) or show them ("mentioned travel, negated").

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::codebook::{ContextRule, NegationRules};
use crate::text::{TokenStream, pattern};
use crate::themes::Evidence;

/// What one use of a pattern means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A term of target `.0` that counts on its own.
    Term(u32),
    /// A word of target `.0` that counts only with context rule `.1`.
    Weak(u32, u32),
    /// A context word of target `.0`, rule `.1`.
    Context(u32, u32),
    /// A phrase whose words open no negation scope.
    Pseudo,
    /// A phrase that negates the term before it.
    Post,
}

#[derive(Debug, Clone)]
struct Use {
    role: Role,
    /// The codebook entry, as written.
    label: Box<str>,
}

/// What a matcher is built from: one target per theme, stage or cue.
pub(crate) struct Target<'a> {
    pub terms: &'a [String],
    pub context: &'a [ContextRule],
}

/// A compiled set of targets.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    ac: Option<AhoCorasick>,
    /// Per pattern id: token count and every use of it.
    patterns: Vec<(usize, Vec<Use>)>,
    cues: HashSet<Box<str>>,
    breakers: HashSet<Box<str>>,
    conditionals: HashSet<Box<str>>,
    window: usize,
}

/// How far back (in tokens, within the clause) a conditional word is looked
/// for before a negation cue.
const CONDITIONAL_REACH: usize = 20;

/// The matches of one target in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TargetHits {
    /// Evidence that asserts the target, in text order.
    pub evidence: Vec<Evidence>,
    /// Mentions under negation, in text order.
    pub negated: Vec<Evidence>,
}

#[derive(Debug, Clone, Copy)]
struct Found {
    pat: usize,
    t0: usize,
    t1: usize,
}

impl Engine {
    pub(crate) fn new(targets: &[Target<'_>], negation: &NegationRules) -> Engine {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<(usize, Vec<Use>)> = Vec::new();
        let mut strings: Vec<String> = Vec::new();
        let mut add = |term: &str, role: Role| {
            let Some((pat, ntok)) = pattern(term) else {
                return;
            };
            let id = *ids.entry(pat.clone()).or_insert_with(|| {
                strings.push(pat);
                patterns.push((ntok, Vec::new()));
                patterns.len() - 1
            });
            let uses = &mut patterns[id].1;
            if !uses.iter().any(|u| u.role == role) {
                uses.push(Use {
                    role,
                    label: term.into(),
                });
            }
        };
        for (t, target) in targets.iter().enumerate() {
            let t = t as u32;
            for term in target.terms {
                add(term, Role::Term(t));
            }
            for (r, rule) in target.context.iter().enumerate() {
                let r = r as u32;
                for term in &rule.terms {
                    add(term, Role::Weak(t, r));
                }
                for term in &rule.with {
                    add(term, Role::Context(t, r));
                }
            }
        }
        for p in &negation.pseudo {
            add(p, Role::Pseudo);
        }
        for p in &negation.post {
            add(p, Role::Post);
        }
        let ac = if strings.is_empty() {
            None
        } else {
            // A contiguous NFA, not a DFA: with a thousand-odd patterns a full
            // DFA is megabytes, and scanning a short post through it is cache
            // misses all the way; the NFA is compact and stays in cache.
            let built = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&strings)
                .or_else(|_| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::Standard)
                        .build(&strings)
                });
            match built {
                Ok(ac) => Some(ac),
                Err(e) => {
                    tracing::error!(error = %e, patterns = strings.len(), "could not build the codebook matcher; no terms will match");
                    None
                }
            }
        };
        let fold = |list: &[String]| {
            list.iter()
                .map(|w| w.trim().to_lowercase().replace('’', "'").into())
                .collect()
        };
        Engine {
            ac,
            patterns,
            cues: fold(&negation.cues),
            breakers: fold(&negation.breakers),
            conditionals: fold(&negation.conditionals),
            window: negation.window,
        }
    }

    /// Match every target in `ts` (the tokens of `text`). `sentences` bound
    /// the context rules; with none, the whole text is one sentence.
    /// Returns the targets that have any asserted or negated evidence,
    /// ordered by target index.
    pub(crate) fn run(
        &self,
        ts: &TokenStream,
        sentences: &[Range<usize>],
    ) -> Vec<(usize, TargetHits)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let hay = ts.haystack();
        let mut found = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            let pat = m.pattern().as_usize();
            let Some(t0) = ts.token_at_space(m.start()) else {
                continue;
            };
            let t1 = t0 + self.patterns[pat].0;
            found.push(Found { pat, t0, t1 });
        }
        if found.is_empty() {
            return Vec::new();
        }
        // Tokens inside terms and pseudo-negations open no negation scope.
        let mut covered = vec![false; ts.len()];
        let mut posts = Vec::new();
        for f in &found {
            for u in &self.patterns[f.pat].1 {
                match u.role {
                    Role::Term(_) | Role::Weak(..) | Role::Pseudo => covered[f.t0..f.t1].fill(true),
                    Role::Post => posts.push(*f),
                    Role::Context(..) => {}
                }
            }
        }
        let sentence_of = |t: usize| -> usize {
            if sentences.is_empty() {
                return 0;
            }
            let start = ts.tokens()[t].range.start;
            match sentences.binary_search_by(|s| {
                if s.end <= start {
                    std::cmp::Ordering::Less
                } else if s.start > start {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            }) {
                Ok(i) => i,
                Err(_) => usize::MAX - t, // between sentences: a sentence of its own
            }
        };

        // (target, evidence, negated?, is_weak_rule)
        struct Cand {
            target: u32,
            rule: Option<u32>,
            t0: usize,
            t1: usize,
            label: Box<str>,
            negated: bool,
        }
        let mut cands: Vec<Cand> = Vec::new();
        let mut contexts: Vec<(u32, u32, usize, usize, Box<str>)> = Vec::new();
        for f in &found {
            for u in &self.patterns[f.pat].1 {
                let (target, rule) = match u.role {
                    Role::Term(t) => (t, None),
                    Role::Weak(t, r) => (t, Some(r)),
                    Role::Context(t, r) => {
                        contexts.push((t, r, f.t0, f.t1, u.label.clone()));
                        continue;
                    }
                    Role::Pseudo | Role::Post => continue,
                };
                let negated = self.pre_negated(ts, &covered, f.t0)
                    || (self.post_negated(ts, &posts, f.t1) && !self.conditional_before(ts, f.t0));
                cands.push(Cand {
                    target,
                    rule,
                    t0: f.t0,
                    t1: f.t1,
                    label: u.label.clone(),
                    negated,
                });
            }
        }
        // A weak word counts only with a context word of its rule in the same
        // sentence (and not the very same words); remember which.
        let mut licence: Vec<Option<usize>> = Vec::with_capacity(cands.len());
        cands.retain(|c| {
            let Some(rule) = c.rule else {
                licence.push(None);
                return true;
            };
            let s = sentence_of(c.t0);
            let ctx = contexts.iter().position(|x| {
                x.0 == c.target
                    && x.1 == rule
                    && (x.2, x.3) != (c.t0, c.t1)
                    && sentence_of(x.2) == s
            });
            if ctx.is_some() {
                licence.push(ctx);
            }
            ctx.is_some()
        });
        // Within a target, overlapping matches are one mention: keep the
        // leftmost, longest first, then whatever does not overlap it.
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by_key(|&i| {
            (
                cands[i].target,
                cands[i].t0,
                std::cmp::Reverse(cands[i].t1 - cands[i].t0),
            )
        });
        let mut keep = vec![false; cands.len()];
        let mut last: Option<(u32, usize)> = None; // (target, end token of the last kept)
        for i in order {
            let c = &cands[i];
            if let Some((t, end)) = last
                && t == c.target
                && c.t0 < end
            {
                continue;
            }
            keep[i] = true;
            last = Some((c.target, c.t1));
        }
        let mut licences: Vec<(u32, usize, usize, Box<str>)> = Vec::new();
        for (i, c) in cands.iter().enumerate() {
            if let (true, false, Some(x)) = (keep[i], c.negated, licence[i]) {
                let x = &contexts[x];
                licences.push((c.target, x.2, x.3, x.4.clone()));
            }
        }

        let mut by_target: HashMap<u32, TargetHits> = HashMap::new();
        let tokens = ts.tokens();
        let span = |t0: usize, t1: usize| tokens[t0].range.start..tokens[t1 - 1].range.end;
        for (c, k) in cands.iter().zip(&keep) {
            if !k {
                continue;
            }
            let ev = Evidence {
                term: c.label.to_string(),
                range: span(c.t0, c.t1),
            };
            let hits = by_target.entry(c.target).or_default();
            if c.negated {
                hits.negated.push(ev);
            } else {
                hits.evidence.push(ev);
            }
        }
        for (target, t0, t1, label) in licences {
            let hits = by_target.entry(target).or_default();
            let ev = Evidence {
                term: label.to_string(),
                range: span(t0, t1),
            };
            if !hits.evidence.contains(&ev) {
                hits.evidence.push(ev);
            }
        }
        let mut out: Vec<(usize, TargetHits)> = by_target
            .into_iter()
            .map(|(t, mut h)| {
                h.evidence.sort_by(|a, b| {
                    (a.range.start, a.range.end, &a.term).cmp(&(
                        b.range.start,
                        b.range.end,
                        &b.term,
                    ))
                });
                h.evidence.dedup();
                h.negated.sort_by(|a, b| {
                    (a.range.start, a.range.end, &a.term).cmp(&(
                        b.range.start,
                        b.range.end,
                        &b.term,
                    ))
                });
                h.negated.dedup();
                (t as usize, h)
            })
            .collect();
        out.sort_by_key(|(t, _)| *t);
        out
    }

    fn pre_negated(&self, ts: &TokenStream, covered: &[bool], t0: usize) -> bool {
        let tokens = ts.tokens();
        let mut j = t0;
        for _ in 0..=self.window {
            if j == 0 || tokens[j].break_before {
                return false;
            }
            j -= 1;
            let w = ts.lower(j);
            if self.breakers.contains(w) {
                return false;
            }
            if !covered[j] && self.cues.contains(w) {
                return !self.conditional_before(ts, j);
            }
        }
        false
    }

    /// Whether a conditional word lies before token `t` in its clause
    /// (at most [`CONDITIONAL_REACH`] tokens back, not past a breaker).
    fn conditional_before(&self, ts: &TokenStream, t: usize) -> bool {
        if self.conditionals.is_empty() {
            return false;
        }
        let tokens = ts.tokens();
        let mut j = t;
        for _ in 0..CONDITIONAL_REACH {
            if j == 0 || tokens[j].break_before {
                return false;
            }
            j -= 1;
            let w = ts.lower(j);
            if self.conditionals.contains(w) {
                return true;
            }
            if self.breakers.contains(w) {
                return false;
            }
        }
        false
    }

    fn post_negated(&self, ts: &TokenStream, posts: &[Found], t1: usize) -> bool {
        let tokens = ts.tokens();
        posts.iter().any(|p| {
            p.t0 >= t1
                && p.t0 - t1 <= self.window
                && (t1..=p.t0).all(|k| k >= tokens.len() || !tokens[k].break_before)
                && (t1..p.t0).all(|k| !self.breakers.contains(ts.lower(k)))
        })
    }
}

/// Indices of the sentences that overlap any of `ranges`, sorted, unique.
pub(crate) fn sentences_of(
    ranges: impl Iterator<Item = Range<usize>>,
    sentences: &[Range<usize>],
) -> Vec<usize> {
    let mut out = Vec::new();
    for r in ranges {
        let first = sentences.partition_point(|s| s.end <= r.start);
        for (i, s) in sentences.iter().enumerate().skip(first) {
            if s.start >= r.end.max(r.start + 1) {
                break;
            }
            out.push(i);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}
