//! Emergent keyphrases: what a corpus talks about that the codebook does
//! not cover yet.
//!
//! A codebook only finds what someone thought of. Analysts need the rest
//! surfaced — "infusion chair", "parking validation", "night shift" — with
//! counts and example documents, so they can read a few and promote the
//! phrase into the codebook.
//!
//! # Method
//!
//! YAKE (Campos et al., 2020), a statistical, unsupervised, deterministic
//! keyword extractor, adapted from one document to a corpus by treating the
//! corpus as one document whose sentences are the documents' sentences:
//!
//! * candidates are 1–3 word n-grams inside one clause, not starting or
//!   ending with a stopword, made of words (no numbers, placeholders or
//!   URLs), grouped by their stems (so "side effect" and "side effects" are
//!   one phrase, shown in its most frequent surface form);
//! * each word gets YAKE's features — casing (capitalised or acronym
//!   mid-sentence), position (median sentence index within its document:
//!   what people lead with), normalised frequency, relatedness to context
//!   (how many different words flank it: a stopword-like word is flanked by
//!   everything) and spread over sentences — combined as
//!   `S(w) = Rel·Pos / (Case + Freq/Rel + Spread/Rel)`;
//! * a phrase scores `Π S(w) / (TF · (1 + Σ S(w)))` over its non-stopword
//!   words: **lower is more important**, as in YAKE.
//!
//! Then, beyond YAKE:
//!
//! * **codebook exclusion**: an occurrence that overlaps any codebook term
//!   (theme, stage or cue; see [`Codebook::covered_terms`]) is not counted, so
//!   "gas money" and the "side" of "side effects" never surface, while
//!   "money" in another setting still can;
//! * a phrase must occur in at least two documents (one post is an
//!   anecdote, not a theme);
//! * near-duplicates are dropped: a phrase whose stems contain, or are
//!   contained in, a better-ranked phrase's stems.
//!
//! Ordering is by score, ties broken by phrase, and every sum is taken in
//! document order, so the same corpus gives the same list, byte for byte.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use crate::codebook::Codebook;
use crate::sentences;
use crate::text::{TokenKind, TokenStream, pattern};

/// An emergent keyphrase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyphrase {
    /// The phrase, lower case, in its most frequent surface form.
    pub phrase: String,
    /// YAKE score: lower is more important.
    pub score: f64,
    /// How many documents contain it (outside codebook terms).
    pub doc_count: usize,
    /// How many times it occurs.
    pub count: usize,
    /// Ids of up to [`KeyphraseOptions::examples`] documents that contain
    /// it, in input order.
    pub examples: Vec<String>,
}

/// Tuning for [`emergent_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyphraseOptions {
    /// How many phrases to return.
    pub limit: usize,
    /// Longest phrase, in words.
    pub max_words: usize,
    /// Fewest documents a phrase must occur in.
    pub min_docs: usize,
    /// Example document ids kept per phrase.
    pub examples: usize,
}

impl Default for KeyphraseOptions {
    fn default() -> Self {
        KeyphraseOptions {
            limit: 20,
            max_words: 3,
            min_docs: 2,
            examples: 3,
        }
    }
}

/// Emergent keyphrases of `docs` (`(id, text)` pairs) that `codebook` does
/// not cover, best first, at most `limit`.
pub fn emergent(docs: &[(&str, &str)], codebook: &Codebook, limit: usize) -> Vec<Keyphrase> {
    emergent_with(
        docs,
        codebook,
        &KeyphraseOptions {
            limit,
            ..KeyphraseOptions::default()
        },
    )
}

/// English stopwords plus forum filler, lower case, apostrophes straight.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "anything",
    "are",
    "aren't",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "bit",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "dont",
    "down",
    "during",
    "each",
    "else",
    "etc",
    "even",
    "ever",
    "every",
    "everyone",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "go",
    "goes",
    "going",
    "gone",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "hello",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "hey",
    "hi",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "id",
    "if",
    "ill",
    "im",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "ive",
    "just",
    "know",
    "let's",
    "like",
    "lol",
    "lot",
    "lots",
    "made",
    "make",
    "many",
    "maybe",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "mustn't",
    "my",
    "myself",
    "need",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "pretty",
    "really",
    "said",
    "same",
    "say",
    "says",
    "see",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "since",
    "so",
    "some",
    "someone",
    "something",
    "still",
    "such",
    "sure",
    "than",
    "thank",
    "thanks",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "want",
    "wanted",
    "was",
    "wasn't",
    "way",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "well",
    "went",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "yeah",
    "yes",
    "yet",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

fn is_stopword(lower: &str) -> bool {
    STOPWORDS.binary_search(&lower).is_ok()
}

#[derive(Default)]
struct WordStats {
    tf: usize,
    upper: usize,
    acronym: usize,
    positions: Vec<usize>,
    sentences: usize,
    last_sentence: Option<(usize, usize)>,
    left: Vec<u32>,
    right: Vec<u32>,
}

struct PhraseStats {
    words: Vec<Option<u32>>,
    count: usize,
    docs: Vec<usize>,
    forms: HashMap<String, usize>,
}

/// [`emergent`] with every knob.
pub fn emergent_with(
    docs: &[(&str, &str)],
    codebook: &Codebook,
    opts: &KeyphraseOptions,
) -> Vec<Keyphrase> {
    debug_assert!(
        STOPWORDS.windows(2).all(|w| w[0] < w[1]),
        "STOPWORDS must be sorted"
    );
    let coverage = coverage_automaton(codebook);
    let mut word_ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<WordStats> = Vec::new();
    let mut phrase_ids: HashMap<String, usize> = HashMap::new();
    let mut phrases: Vec<(String, PhraseStats)> = Vec::new();
    let mut sentence_total = 0usize;

    for (d, (_, text)) in docs.iter().enumerate() {
        let ts = TokenStream::new(text);
        let sents = sentences::split(text);
        let toks = ts.tokens();
        let mut covered = vec![false; toks.len()];
        if let Some(ac) = &coverage {
            for m in ac.find_overlapping_iter(ts.haystack()) {
                if let Some(t0) = ts.token_at_space(m.start()) {
                    let t1 = ts.token_at_space(m.end() - 1).unwrap_or(toks.len());
                    covered[t0..t1].fill(true);
                }
            }
        }
        // Sentence index of each token, and whether it opens its sentence.
        let mut sent_of = vec![0usize; toks.len()];
        let mut first_in_sentence = vec![false; toks.len()];
        let mut s = 0;
        let mut prev_sent = usize::MAX;
        for (i, t) in toks.iter().enumerate() {
            while s + 1 < sents.len() && sents[s].end <= t.range.start {
                s += 1;
            }
            sent_of[i] = s;
            first_in_sentence[i] = s != prev_sent;
            prev_sent = s;
        }
        sentence_total += sents.len().max(1);
        let word_id = |i: usize,
                       word_ids: &mut HashMap<String, u32>,
                       words: &mut Vec<WordStats>|
         -> Option<u32> {
            if toks[i].kind != TokenKind::Word {
                return None;
            }
            let lower = ts.lower(i);
            if is_stopword(lower) || lower.chars().count() < 2 {
                return None;
            }
            let id = *word_ids.entry(lower.to_string()).or_insert_with(|| {
                words.push(WordStats::default());
                (words.len() - 1) as u32
            });
            Some(id)
        };
        // Word features.
        let ids: Vec<Option<u32>> = (0..toks.len())
            .map(|i| word_id(i, &mut word_ids, &mut words))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let Some(id) = *id else {
                continue;
            };
            let w = &mut words[id as usize];
            w.tf += 1;
            let surface = &text[toks[i].range.clone()];
            let mut chars = surface.chars();
            let all_upper =
                surface.chars().count() > 1 && surface.chars().all(|c| !c.is_lowercase());
            if all_upper {
                w.acronym += 1;
            } else if !first_in_sentence[i] && chars.next().is_some_and(char::is_uppercase) {
                w.upper += 1;
            }
            w.positions.push(sent_of[i]);
            let global_sentence = Some((d, sent_of[i]));
            if w.last_sentence != global_sentence {
                w.sentences += 1;
                w.last_sentence = global_sentence;
            }
            let same_clause = |j: usize| j < toks.len() && !toks[j.max(i)].break_before;
            if i > 0 && same_clause(i - 1) {
                w.left.push(neighbour(&ts, i - 1));
            }
            if same_clause(i + 1) {
                w.right.push(neighbour(&ts, i + 1));
            }
        }
        // Candidate phrases.
        let mut seen_in_doc: Vec<usize> = Vec::new();
        for start in 0..toks.len() {
            for len in 1..=opts.max_words {
                let end = start + len;
                if end > toks.len() {
                    break;
                }
                if (start + 1..end).any(|k| toks[k].break_before) {
                    break;
                }
                if (start..end).any(|k| covered[k] || toks[k].kind != TokenKind::Word) {
                    break;
                }
                if ids[start].is_none() || ids[end - 1].is_none() {
                    continue;
                }
                let key: String = (start..end)
                    .map(|k| ts.stem(k))
                    .collect::<Vec<_>>()
                    .join(" ");
                let form: String = (start..end)
                    .map(|k| ts.lower(k))
                    .collect::<Vec<_>>()
                    .join(" ");
                let p = *phrase_ids.entry(key.clone()).or_insert_with(|| {
                    phrases.push((
                        key,
                        PhraseStats {
                            words: ids[start..end].to_vec(),
                            count: 0,
                            docs: Vec::new(),
                            forms: HashMap::new(),
                        },
                    ));
                    phrases.len() - 1
                });
                let ps = &mut phrases[p].1;
                ps.count += 1;
                *ps.forms.entry(form).or_insert(0) += 1;
                if !seen_in_doc.contains(&p) {
                    seen_in_doc.push(p);
                    ps.docs.push(d);
                }
            }
        }
    }
    if words.is_empty() {
        return Vec::new();
    }

    // Word scores.
    let n = words.len() as f64;
    let mean_tf = words.iter().map(|w| w.tf as f64).sum::<f64>() / n;
    let std_tf = (words
        .iter()
        .map(|w| (w.tf as f64 - mean_tf).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let max_tf = words.iter().map(|w| w.tf).max().unwrap_or(1) as f64;
    let total_sentences = sentence_total.max(1) as f64;
    let score: Vec<f64> = words
        .iter_mut()
        .map(|w| {
            let tf = w.tf as f64;
            let case = (w.upper.max(w.acronym) as f64) / (1.0 + tf.ln());
            w.positions.sort_unstable();
            let median = median(&w.positions);
            let pos = (3.0 + median).ln().ln();
            let freq = tf / (mean_tf + std_tf);
            let dl = distinct_ratio(&mut w.left);
            let dr = distinct_ratio(&mut w.right);
            let rel = 1.0 + (dl + dr) * tf / max_tf;
            let spread = w.sentences as f64 / total_sentences;
            (rel * pos) / (case + freq / rel + spread / rel)
        })
        .collect();

    // Phrase scores.
    let mut ranked: Vec<(f64, String, &str, &PhraseStats)> = phrases
        .iter()
        .filter(|(_, p)| p.docs.len() >= opts.min_docs)
        .map(|(key, p)| {
            let mut prod = 1.0;
            let mut sum = 0.0;
            for id in p.words.iter().flatten() {
                prod *= score[*id as usize];
                sum += score[*id as usize];
            }
            let s = prod / (p.count as f64 * (1.0 + sum));
            let mut forms: Vec<(&String, &usize)> = p.forms.iter().collect();
            forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let form = forms.first().map_or_else(String::new, |f| f.0.clone());
            (s, form, key.as_str(), p)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));

    let mut out: Vec<Keyphrase> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    for (s, form, key, p) in ranked {
        if out.len() >= opts.limit {
            break;
        }
        let padded = format!(" {key} ");
        if kept
            .iter()
            .any(|k| k.contains(&padded) || padded.contains(k.as_str()))
        {
            continue;
        }
        kept.push(padded);
        out.push(Keyphrase {
            phrase: form,
            score: s,
            doc_count: p.docs.len(),
            count: p.count,
            examples: p
                .docs
                .iter()
                .take(opts.examples)
                .map(|&d| docs[d].0.to_string())
                .collect(),
        });
    }
    out
}

fn neighbour(ts: &TokenStream, i: usize) -> u32 {
    // A cheap, deterministic id for a neighbouring word (FNV-1a of its
    // lower-case form): only distinctness matters.
    let mut h: u32 = 0x811c_9dc5;
    for b in ts.lower(i).bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn distinct_ratio(v: &mut Vec<u32>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let total = v.len() as f64;
    v.sort_unstable();
    v.dedup();
    v.len() as f64 / total
}

fn median(sorted: &[usize]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f64,
        n => (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0,
    }
}

fn coverage_automaton(codebook: &Codebook) -> Option<AhoCorasick> {
    let mut pats: Vec<String> = codebook
        .covered_terms()
        .filter_map(|t| pattern(t).map(|p| p.0))
        .collect();
    pats.sort();
    pats.dedup();
    if pats.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&pats)
        .map_err(|e| tracing::error!(error = %e, "could not build the codebook coverage matcher"))
        .ok()
}
