//! From documents to a [`PersonaReport`]: segment, profile, cite.
//!
//! [`build`] is one pure function. It sorts the documents by id (so the
//! caller's order — e.g. search ranking — cannot change the report),
//! groups them into units, clusters the units, and then profiles each
//! cluster by comparing its documents with the whole population:
//!
//! * **Distinguishing themes**: share of the persona's documents carrying
//!   the theme ≥ `min_share` and lift (that share ÷ the population's share)
//!   ≥ `min_lift`; by lift.
//! * **Barriers / motivators**: codebook barrier (motivator) themes with
//!   share ≥ `min_share`; a `mixed` theme counts as a barrier when the
//!   persona's mean sentiment about it is negative (≤ -0.05) and as a
//!   motivator when positive (≥ 0.05), and then only its negative
//!   (positive) documents are evidence. By share.
//! * **Struggles**: journey stages where at least half the persona's
//!   documents are negative *and* the negative share is at least the
//!   persona's overall negative share — negativity concentrated there, not
//!   merely a negative persona.
//! * **Who / channels / accessibility**: persona cues. People seldom say
//!   who they are, so a role, life stage or age band is listed when its
//!   share reaches `min_share` *or* it meets the evidence rule with lift ≥
//!   `min_lift` (few say it, but far more here than elsewhere). Channels
//!   and accessibility needs are rarer still: listed when they meet the
//!   evidence rule or reach half of `min_share`.
//!
//! Every claim's evidence lists *all* supporting document ids and quotes a
//! few of them: documents from the authors nearest the persona's centroid
//! first (the most typical members), one quote per author. The archetype
//! line and the tactics use strong claims only.

use std::collections::{BTreeMap, BTreeSet};

use hearken_document::{AnalysedDocument, SentimentLabel};

use crate::cluster::{self, Clustering, Distances, Trial};
use crate::features::{self, Unit, Vocab, stage_key};
use crate::quote::quote_for;
use crate::{
    CueClaim, DateRange, Evidence, EvidenceRule, KCandidate, KSelection, Members, Method, Persona,
    PersonaConfig, PersonaError, PersonaReport, Polarity, Population, ReportContext,
    SCHEMA_VERSION, SentimentSummary, SourceCount, StageClaim, StageStat, Tactic, ThemeClaim,
    ThemeIndex, ThemeInfo, ThemeSentiment, ThemeShare, ThemeStat, WeakClaims, avatar,
};

/// Most distinguishing themes, barriers, motivators listed per persona.
const MAX_THEME_CLAIMS: usize = 6;
/// Most cue claims per kind group.
const MAX_CUE_CLAIMS: usize = 4;
/// Most themes in a persona's sentiment-per-theme list.
const MAX_THEME_SENTIMENT: usize = 10;

/// Round to four decimals, without negative zero: report floats are
/// stable to print and survive a JSON round trip unchanged.
pub(crate) fn r4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 || !r.is_finite() { 0.0 } else { r }
}

/// `YYYY-MM-DD` (UTC) of a Unix time, if representable.
pub(crate) fn date(secs: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    let d = t.date();
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        u8::from(d.month()),
        d.day()
    ))
}

/// `Travel and visit burden` → `travel and visit burden`, leaving
/// acronyms (`HIV stigma`) alone.
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// `working_parent` → `working parent`.
pub(crate) fn humanize(value: &str) -> String {
    value.replace('_', " ")
}

/// Theme id → (theme sentiment, evidence spans) for one document.
type ThemeFacts = BTreeMap<String, (Option<f64>, Vec<(u32, u32)>)>;

/// Per-document facts used again and again, computed once.
struct DocFacts {
    unit: usize,
    label: SentimentLabel,
    /// Theme id → (theme sentiment, evidence spans).
    themes: ThemeFacts,
    /// (kind, value) → evidence spans.
    cues: BTreeMap<(String, String), Vec<(u32, u32)>>,
    stage: Option<(String, Vec<(u32, u32)>)>,
}

fn facts(doc: &AnalysedDocument, unit: usize) -> DocFacts {
    let mut themes = ThemeFacts::new();
    for t in &doc.themes {
        let e = themes.entry(t.id.clone()).or_insert((None, Vec::new()));
        if e.0.is_none() {
            e.0 = t
                .sentiment
                .filter(|s| s.is_finite())
                .map(|s| s.clamp(-1.0, 1.0));
        }
        e.1.extend(t.evidence.iter().map(|s| (s.start, s.end)));
    }
    let mut cues: BTreeMap<(String, String), Vec<(u32, u32)>> = BTreeMap::new();
    for c in &doc.cues {
        cues.entry((c.kind.clone(), c.value.clone()))
            .or_default()
            .extend(c.evidence.iter().map(|s| (s.start, s.end)));
    }
    let label = if doc.sentiment.label == SentimentLabel::Unscored {
        SentimentLabel::Unscored
    } else {
        SentimentLabel::from_compound(doc.sentiment.compound)
    };
    DocFacts {
        unit,
        label,
        themes,
        cues,
        stage: doc.stage.as_ref().map(|s| {
            (
                s.stage.clone(),
                s.evidence.iter().map(|e| (e.start, e.end)).collect(),
            )
        }),
    }
}

fn summary(docs: &[&AnalysedDocument], facts: &[DocFacts], idx: &[usize]) -> SentimentSummary {
    let mut s = SentimentSummary {
        mean_compound: None,
        negative: 0,
        neutral: 0,
        positive: 0,
        unscored: 0,
    };
    let mut sum = 0.0;
    let mut n = 0usize;
    for &i in idx {
        match facts[i].label {
            SentimentLabel::Negative => s.negative += 1,
            SentimentLabel::Neutral => s.neutral += 1,
            SentimentLabel::Positive => s.positive += 1,
            SentimentLabel::Unscored => {
                s.unscored += 1;
                continue;
            }
        }
        if docs[i].sentiment.compound.is_finite() {
            sum += docs[i].sentiment.compound;
            n += 1;
        }
    }
    if n > 0 {
        s.mean_compound = Some(r4(sum / n as f64));
    }
    s
}

fn stage_stats(facts: &[DocFacts], idx: &[usize], stages: &[String]) -> Vec<StageStat> {
    stages
        .iter()
        .map(|st| {
            let mut s = StageStat {
                stage: st.clone(),
                documents: 0,
                negative: 0,
                neutral: 0,
                positive: 0,
            };
            for &i in idx {
                if facts[i].stage.as_ref().is_some_and(|(x, _)| x == st) {
                    s.documents += 1;
                    match facts[i].label {
                        SentimentLabel::Negative => s.negative += 1,
                        SentimentLabel::Positive => s.positive += 1,
                        _ => s.neutral += 1,
                    }
                }
            }
            s
        })
        .collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut s, mut n) = (0.0, 0usize);
    for x in xs {
        s += x;
        n += 1;
    }
    (n > 0).then(|| s / n as f64)
}

/// Everything a persona's claims are computed from.
struct Ctx<'a> {
    docs: &'a [&'a AnalysedDocument],
    facts: &'a [DocFacts],
    cfg: &'a PersonaConfig,
    /// Quote preference per document: the rank of its unit by distance to
    /// the persona centroid (0 = most typical); `usize::MAX` outside.
    rank: Vec<usize>,
}

impl Ctx<'_> {
    /// Evidence for a claim supported by documents `support` (indexes),
    /// quoting around `spans(doc)`.
    fn evidence(&self, support: &[usize], spans: impl Fn(usize) -> Vec<(u32, u32)>) -> Evidence {
        let authors: BTreeSet<usize> = support.iter().map(|&i| self.facts[i].unit).collect();
        let mut doc_ids: Vec<String> = support.iter().map(|&i| self.docs[i].id.clone()).collect();
        doc_ids.sort();
        let mut order: Vec<usize> = support.to_vec();
        order.sort_by_key(|&i| (self.rank[i], i));
        let mut quotes = Vec::new();
        let mut used_units = BTreeSet::new();
        for i in order {
            if quotes.len() >= self.cfg.quotes_per_claim {
                break;
            }
            if used_units.contains(&self.facts[i].unit) {
                continue;
            }
            let sp = spans(i);
            let q = sp
                .iter()
                .find_map(|&(s, e)| quote_for(self.docs[i], s, e, &sp))
                .or_else(|| self.fallback_quote(i));
            // The same words twice tell a reader nothing new.
            if let Some(q) = q.filter(|q| quotes.iter().all(|o: &crate::Quote| o.text != q.text)) {
                used_units.insert(self.facts[i].unit);
                quotes.push(q);
            }
        }
        Evidence {
            weak: support.len() < self.cfg.min_docs || authors.len() < self.cfg.min_authors,
            documents: support.len(),
            authors: authors.len(),
            doc_ids,
            quotes,
        }
    }

    /// The document's most strongly felt sentence, when a claim has no
    /// span to quote around.
    fn fallback_quote(&self, i: usize) -> Option<crate::Quote> {
        let d = self.docs[i];
        let s = d
            .sentences
            .iter()
            .filter(|s| s.compound.is_finite())
            .max_by(|a, b| {
                a.compound
                    .abs()
                    .total_cmp(&b.compound.abs())
                    .then(b.start.cmp(&a.start))
            })?;
        quote_for(d, s.start, s.end, &[])
    }

    fn keep(&self, ev: &Evidence) -> bool {
        !(ev.weak && self.cfg.weak_claims == WeakClaims::Drop)
    }
}

/// Build personas from `docs`. See the crate docs for the method.
pub fn build(
    docs: &[AnalysedDocument],
    themes: &[ThemeInfo],
    cfg: &PersonaConfig,
    ctx: &ReportContext,
) -> Result<PersonaReport, PersonaError> {
    cfg.validate()?;
    if docs.is_empty() {
        return Err(PersonaError::NoDocuments);
    }
    let mut sorted: Vec<&AnalysedDocument> = docs.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(PersonaError::DuplicateDocument {
            id: w[0].id.clone(),
        });
    }
    let docs_sorted = sorted;
    let docs: &[&AnalysedDocument] = &docs_sorted;

    let mut theme_index: ThemeIndex = BTreeMap::new();
    for t in themes {
        theme_index.entry(t.id.as_str()).or_insert(t);
    }
    let codebook: Vec<String> = theme_index.keys().map(|s| s.to_string()).collect();

    let units = features::units(docs);
    let vocab = features::vocab(docs, &codebook);
    let x = features::features(docs, &units, &vocab);
    let mut unit_of = vec![0usize; docs.len()];
    for (u, unit) in units.iter().enumerate() {
        for &d in &unit.docs {
            unit_of[d] = u;
        }
    }
    let facts: Vec<DocFacts> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| facts(d, unit_of[i]))
        .collect();

    tracing::debug!(
        documents = docs.len(),
        units = units.len(),
        columns = x.cols,
        "building personas"
    );

    // ── Segment ────────────────────────────────────────────────────────
    let (clustering, k_selection, mut notes) = segment(&x, cfg);

    // ── Population ─────────────────────────────────────────────────────
    let all: Vec<usize> = (0..docs.len()).collect();
    let n_docs = docs.len() as f64;
    let theme_docs: BTreeMap<&str, Vec<usize>> = vocab
        .themes
        .iter()
        .map(|t| {
            let v = all
                .iter()
                .copied()
                .filter(|&i| facts[i].themes.contains_key(t))
                .collect();
            (t.as_str(), v)
        })
        .collect();
    let info = |t: &str| -> (String, Polarity) {
        match theme_index.get(t) {
            Some(i) => (i.label.clone(), i.polarity),
            None => (t.to_string(), Polarity::Mixed),
        }
    };
    let pop_theme_sentiment = |t: &str| {
        mean(
            theme_docs[t]
                .iter()
                .filter_map(|&i| facts[i].themes.get(t).and_then(|x| x.0)),
        )
    };
    let population = Population {
        sentiment: summary(docs, &facts, &all),
        themes: vocab
            .themes
            .iter()
            .map(|t| {
                let (label, polarity) = info(t);
                ThemeStat {
                    theme: t.clone(),
                    label,
                    polarity,
                    documents: theme_docs[t.as_str()].len(),
                    share: r4(theme_docs[t.as_str()].len() as f64 / n_docs),
                    sentiment: pop_theme_sentiment(t).map(r4),
                }
            })
            .collect(),
        stages: stage_stats(&facts, &all, &vocab.stages),
    };
    let cue_pop: BTreeMap<(String, String), usize> = vocab
        .cues
        .iter()
        .map(|c| {
            (
                c.clone(),
                all.iter()
                    .filter(|&&i| facts[i].cues.contains_key(c))
                    .count(),
            )
        })
        .collect();

    // ── Profile ────────────────────────────────────────────────────────
    let k = clustering.k;
    let names = avatar::names(cfg.seed, k);
    let mut personas = Vec::with_capacity(k);
    for (c, name) in names.iter().enumerate() {
        let member_units: Vec<usize> = (0..units.len())
            .filter(|&u| clustering.labels[u] == c)
            .collect();
        let seg: Vec<usize> = {
            let mut v: Vec<usize> = member_units
                .iter()
                .flat_map(|&u| units[u].docs.iter().copied())
                .collect();
            v.sort_unstable();
            v
        };
        let centroid = &clustering.centroids[c * x.cols..(c + 1) * x.cols];
        let mut by_dist: Vec<(f64, usize)> = member_units
            .iter()
            .map(|&u| {
                let d: f64 = x
                    .row(u)
                    .iter()
                    .zip(centroid)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum();
                (d, u)
            })
            .collect();
        by_dist.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut unit_rank = vec![usize::MAX; units.len()];
        for (r, &(_, u)) in by_dist.iter().enumerate() {
            unit_rank[u] = r;
        }
        let pctx = Ctx {
            docs,
            facts: &facts,
            cfg,
            rank: (0..docs.len()).map(|i| unit_rank[facts[i].unit]).collect(),
        };
        let persona = profile(
            &pctx,
            c,
            name,
            &units,
            &member_units,
            &seg,
            &vocab,
            &theme_docs,
            &cue_pop,
            &theme_index,
            &info,
            &pop_theme_sentiment,
            docs.len(),
        );
        personas.push(persona);
    }

    // ── Method ─────────────────────────────────────────────────────────
    let authors = units.iter().filter(|u| u.is_author).count();
    let standalone = units.len() - authors;
    let published: Vec<i64> = docs.iter().filter_map(|d| d.published).collect();
    let date_range = match (published.iter().min(), published.iter().max()) {
        (Some(&a), Some(&b)) => match (date(a), date(b)) {
            (Some(first), Some(last)) => Some(DateRange { first, last }),
            _ => None,
        },
        _ => None,
    };
    let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
    for d in docs {
        *by_source.entry(d.source.as_str()).or_default() += 1;
    }
    if units.len() < 10 {
        notes.push(format!(
            "Only {} unit{} (authors and standalone documents): the personas summarise very little data.",
            units.len(),
            if units.len() == 1 { "" } else { "s" }
        ));
    }
    if population.sentiment.unscored > 0 {
        notes.push(format!(
            "{} document(s) were not scored for sentiment (not English); they count for themes, stages and cues only.",
            population.sentiment.unscored
        ));
    }
    if standalone > 0 {
        notes.push(format!(
            "{standalone} document(s) have no author; each stands alone as its own unit."
        ));
    }
    let mut configured_sources = ctx.sources.clone();
    configured_sources.sort();
    configured_sources.dedup();

    let method = Method {
        generated_from: if ctx.generated_from.is_empty() {
            "all documents".into()
        } else {
            ctx.generated_from.clone()
        },
        algorithm: format!(
            "k-means on per-author feature vectors, each scaled to unit length (squared distance between two authors = 2 − 2 × their cosine similarity): k-means++ seeding from a ChaCha8 stream (seed {}), best of {} restarts by within-cluster sum of squares, at most {} Lloyd iterations",
            cfg.seed,
            cfg.restarts,
            cluster::MAX_ITER
        ),
        rationale: "Every author belongs to exactly one persona, so shares add up and support is counted in whole authors; k-means gives those hard assignments directly, accepts signed features (theme sentiment), and has a standard criterion for k (mean silhouette). NMF, as in Automatic Persona Generation, would need non-negative features and a second assignment step. Seeded k-means++ with fixed iteration order and tie-breaking makes the result reproducible to the bit.".into(),
        unit: "pseudonymous author (transcript speakers included); a document without an author is a unit of its own".into(),
        seed: cfg.seed,
        restarts: cfg.restarts,
        features: x
            .blocks
            .iter()
            .map(|b| crate::FeatureBlock {
                weight: r4(b.weight),
                ..b.clone()
            })
            .collect(),
        k,
        k_selection,
        units: units.len(),
        authors,
        standalone_documents: standalone,
        documents: docs.len(),
        date_range,
        sources: by_source
            .into_iter()
            .map(|(source, documents)| SourceCount {
                source: source.to_string(),
                documents,
            })
            .collect(),
        configured_sources,
        evidence_rule: EvidenceRule {
            min_docs: cfg.min_docs,
            min_authors: cfg.min_authors,
            weak_claims: cfg.weak_claims,
            min_lift: r4(cfg.min_lift),
            min_share: r4(cfg.min_share),
        },
        notes,
    };

    let mut report = PersonaReport {
        schema_version: SCHEMA_VERSION,
        title: if ctx.title.is_empty() {
            "Patient personas".into()
        } else {
            ctx.title.clone()
        },
        method,
        population,
        personas,
        quotes_verified: 0,
    };
    let problems = crate::quote::verify_refs(&report, docs);
    if let Some(first) = problems.first() {
        return Err(PersonaError::QuoteVerification {
            count: problems.len(),
            first: first.to_string(),
        });
    }
    report.quotes_verified = report.quotes().len();
    Ok(report)
}

/// The feature rows [`build`] clusters, one per unit (author pseudonym, or
/// `doc:{id}` for a document without an author), in the order of each
/// unit's first document (by id): weighted and scaled to unit length exactly
/// as `build` does it (the blocks are listed in [`Method::features`]). For evaluation, e.g. to ask how well a
/// classifier told the true segments could do on the same features.
pub fn unit_features(docs: &[AnalysedDocument], themes: &[ThemeInfo]) -> Vec<(String, Vec<f64>)> {
    let mut sorted: Vec<&AnalysedDocument> = docs.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let codebook: Vec<String> = themes
        .iter()
        .map(|t| t.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let units = features::units(&sorted);
    let vocab = features::vocab(&sorted, &codebook);
    let x = features::features(&sorted, &units, &vocab);
    units
        .into_iter()
        .enumerate()
        .map(|(i, u)| (u.key, x.row(i).to_vec()))
        .collect()
}

/// Cluster the units and say how k was chosen.
fn segment(x: &features::Features, cfg: &PersonaConfig) -> (Clustering, KSelection, Vec<String>) {
    let n = x.rows;
    let mut notes = Vec::new();
    let dist = Distances::new(x, cfg.seed);
    let single = |detail: String| {
        (
            cluster::kmeans(x, 1, cfg.seed, 1),
            KSelection {
                rule: "single".into(),
                detail,
                candidates: Vec::new(),
            },
        )
    };
    let cand = |t: &Trial, chosen: bool| KCandidate {
        k: t.clustering.k,
        silhouette: t.silhouette.map(r4),
        inertia: r4(t.clustering.inertia),
        smallest: t.smallest,
        eligible: t.eligible,
        chosen,
    };
    if let Some(count) = cfg.count {
        let k = count.min(n);
        if k < count {
            notes.push(format!(
                "--count {count} asked for more personas than there are units ({n}); made {k}."
            ));
        }
        let t = cluster::trial(x, &dist, k, cfg.seed, cfg.restarts, cfg.min_authors);
        if t.smallest < cfg.min_authors {
            notes.push(format!(
                "With k fixed at {k}, the smallest persona has {} unit(s), fewer than min_authors = {}: its claims are all weak.",
                t.smallest, cfg.min_authors
            ));
        }
        let sel = KSelection {
            rule: "fixed".into(),
            detail: format!("k fixed at {k} by the user (--count)."),
            candidates: vec![cand(&t, true)],
        };
        return (t.clustering, sel, notes);
    }
    let kmax = cfg.max_count.min(n.saturating_sub(1));
    if kmax < 2 {
        let (c, s) = single(format!(
            "One persona: {n} unit(s) and max_count {} leave no k ≥ 2 to compare.",
            cfg.max_count
        ));
        return (c, s, notes);
    }
    let trials: Vec<Trial> = (2..=kmax)
        .map(|k| cluster::trial(x, &dist, k, cfg.seed, cfg.restarts, cfg.min_authors))
        .collect();
    let rule_detail = format!(
        "k in 2..={kmax} with the highest mean silhouette, among the ks whose smallest persona has at least min_authors = {} units; ties go to the smaller k.",
        cfg.min_authors
    );
    match cluster::choose(&trials) {
        Some(best) => {
            let candidates = trials
                .iter()
                .enumerate()
                .map(|(i, t)| cand(t, i == best))
                .collect();
            if let Some(s) = trials[best].silhouette
                && s < 0.25
            {
                notes.push(format!(
                    "The best mean silhouette is {s:.2} (below 0.25): the segments overlap, so read the personas as tendencies rather than types."
                ));
            }
            if dist.idx.len() < n {
                notes.push(format!(
                    "Silhouette computed on a seeded sample of {} of {n} units.",
                    dist.idx.len()
                ));
            }
            let sel = KSelection {
                rule: "silhouette".into(),
                detail: rule_detail,
                candidates,
            };
            (trials[best].clustering.clone(), sel, notes)
        }
        None => {
            let candidates = trials.iter().map(|t| cand(t, false)).collect();
            let (c, mut s) = single(format!(
                "One persona: no k in 2..={kmax} gave every persona at least min_authors = {} units.",
                cfg.min_authors
            ));
            s.candidates = candidates;
            (c, s, notes)
        }
    }
}

/// Profile one cluster.
#[allow(clippy::too_many_arguments)]
fn profile(
    pctx: &Ctx<'_>,
    c: usize,
    name: &str,
    units: &[Unit],
    member_units: &[usize],
    seg: &[usize],
    vocab: &Vocab,
    theme_docs: &BTreeMap<&str, Vec<usize>>,
    cue_pop: &BTreeMap<(String, String), usize>,
    theme_index: &ThemeIndex<'_>,
    info: &dyn Fn(&str) -> (String, Polarity),
    pop_theme_sentiment: &dyn Fn(&str) -> Option<f64>,
    total_docs: usize,
) -> Persona {
    let cfg = pctx.cfg;
    let facts = pctx.facts;
    let docs = pctx.docs;
    let n_seg = seg.len().max(1) as f64;
    let n_all = total_docs.max(1) as f64;
    let seg_set: BTreeSet<usize> = seg.iter().copied().collect();

    // Theme figures in this persona.
    struct T {
        id: String,
        label: String,
        polarity: Polarity,
        docs: Vec<usize>,
        share: f64,
        pop_share: f64,
        lift: f64,
        sentiment: Option<f64>,
    }
    let ts: Vec<T> = vocab
        .themes
        .iter()
        .filter_map(|t| {
            let d: Vec<usize> = theme_docs[t.as_str()]
                .iter()
                .copied()
                .filter(|i| seg_set.contains(i))
                .collect();
            if d.is_empty() {
                return None;
            }
            let share = d.len() as f64 / n_seg;
            let pop_share = theme_docs[t.as_str()].len() as f64 / n_all;
            let sentiment = mean(
                d.iter()
                    .filter_map(|&i| facts[i].themes.get(t).and_then(|x| x.0)),
            );
            let (label, polarity) = info(t);
            Some(T {
                id: t.clone(),
                label,
                polarity,
                share,
                pop_share,
                lift: share / pop_share,
                sentiment,
                docs: d,
            })
        })
        .collect();
    let theme_spans = |t: &str| {
        let t = t.to_string();
        move |i: usize| {
            facts[i]
                .themes
                .get(&t)
                .map(|x| x.1.clone())
                .unwrap_or_default()
        }
    };
    let claim = |t: &T, support: &[usize]| ThemeClaim {
        theme: t.id.clone(),
        label: t.label.clone(),
        polarity: t.polarity,
        share: r4(t.share),
        population_share: r4(t.pop_share),
        lift: r4(t.lift),
        sentiment: t.sentiment.map(r4),
        evidence: pctx.evidence(support, theme_spans(&t.id)),
    };

    let mut distinguishing: Vec<&T> = ts
        .iter()
        .filter(|t| t.lift >= cfg.min_lift && t.share >= cfg.min_share)
        .collect();
    distinguishing.sort_by(|a, b| {
        b.lift
            .total_cmp(&a.lift)
            .then(b.share.total_cmp(&a.share))
            .then(a.id.cmp(&b.id))
    });
    let distinguishing_themes: Vec<ThemeClaim> = distinguishing
        .iter()
        .map(|t| claim(t, &t.docs))
        .filter(|c| pctx.keep(&c.evidence))
        .take(MAX_THEME_CLAIMS)
        .collect();

    let polar = |want: Polarity| -> Vec<ThemeClaim> {
        let mut v: Vec<(&T, Vec<usize>)> = ts
            .iter()
            .filter(|t| t.share >= cfg.min_share)
            .filter_map(|t| match (t.polarity, want) {
                (p, w) if p == w => Some((t, t.docs.clone())),
                (Polarity::Mixed, Polarity::Barrier) if t.sentiment.is_some_and(|s| s <= -0.05) => {
                    let d = t
                        .docs
                        .iter()
                        .copied()
                        .filter(|&i| facts[i].themes[&t.id].0.is_some_and(|s| s <= -0.05))
                        .collect();
                    Some((t, d))
                }
                (Polarity::Mixed, Polarity::Motivator)
                    if t.sentiment.is_some_and(|s| s >= 0.05) =>
                {
                    let d = t
                        .docs
                        .iter()
                        .copied()
                        .filter(|&i| facts[i].themes[&t.id].0.is_some_and(|s| s >= 0.05))
                        .collect();
                    Some((t, d))
                }
                _ => None,
            })
            .filter(|(_, d)| !d.is_empty())
            .collect();
        v.sort_by(|a, b| {
            b.0.share
                .total_cmp(&a.0.share)
                .then(b.0.lift.total_cmp(&a.0.lift))
                .then(a.0.id.cmp(&b.0.id))
        });
        v.iter()
            .map(|(t, d)| claim(t, d))
            .filter(|c| pctx.keep(&c.evidence))
            .take(MAX_THEME_CLAIMS)
            .collect()
    };
    let barriers = polar(Polarity::Barrier);
    let motivators = polar(Polarity::Motivator);

    let mut theme_sentiment: Vec<ThemeSentiment> = ts
        .iter()
        .filter_map(|t| {
            Some(ThemeSentiment {
                theme: t.id.clone(),
                label: t.label.clone(),
                documents: t.docs.len(),
                sentiment: r4(t.sentiment?),
                population: pop_theme_sentiment(&t.id).map(r4),
            })
        })
        .collect();
    theme_sentiment.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.theme.cmp(&b.theme)));
    theme_sentiment.truncate(MAX_THEME_SENTIMENT);

    // Sentiment and stages.
    let sentiment = summary(docs, facts, seg);
    let stages = stage_stats(facts, seg, &vocab.stages);
    let scored = (sentiment.negative + sentiment.neutral + sentiment.positive).max(1) as f64;
    let seg_neg = sentiment.negative as f64 / scored;
    let mut struggles: Vec<StageClaim> = stages
        .iter()
        .filter(|s| s.documents > 0)
        .filter_map(|s| {
            let at: Vec<usize> = seg
                .iter()
                .copied()
                .filter(|&i| facts[i].stage.as_ref().is_some_and(|(x, _)| *x == s.stage))
                .collect();
            let scored_here = at
                .iter()
                .filter(|&&i| facts[i].label != SentimentLabel::Unscored)
                .count();
            let neg: Vec<usize> = at
                .iter()
                .copied()
                .filter(|&i| facts[i].label == SentimentLabel::Negative)
                .collect();
            if scored_here == 0 {
                return None;
            }
            let share = neg.len() as f64 / scored_here as f64;
            if share < 0.5 || share < seg_neg {
                return None;
            }
            let ev = pctx.evidence(&neg, |i| {
                facts[i]
                    .stage
                    .as_ref()
                    .map(|x| x.1.clone())
                    .unwrap_or_default()
            });
            Some(StageClaim {
                stage: s.stage.clone(),
                documents: s.documents,
                negative_share: r4(share),
                evidence: ev,
            })
        })
        .filter(|c| pctx.keep(&c.evidence))
        .collect();
    struggles.sort_by(|a, b| {
        a.evidence
            .weak
            .cmp(&b.evidence.weak)
            .then(b.negative_share.total_cmp(&a.negative_share))
            .then(stage_key(&a.stage).cmp(&stage_key(&b.stage)))
    });

    // Cues.
    let cue_claims = |kinds: &[&str], lenient: bool| -> Vec<CueClaim> {
        let mut v: Vec<CueClaim> = vocab
            .cues
            .iter()
            .filter(|(k, _)| kinds.contains(&k.as_str()))
            .filter_map(|key| {
                let d: Vec<usize> = seg
                    .iter()
                    .copied()
                    .filter(|&i| facts[i].cues.contains_key(key))
                    .collect();
                if d.is_empty() {
                    return None;
                }
                let share = d.len() as f64 / n_seg;
                let pop = cue_pop.get(key).copied().unwrap_or(0).max(1) as f64 / n_all;
                let ev = pctx.evidence(&d, |i| facts[i].cues.get(key).cloned().unwrap_or_default());
                let lift = share / pop;
                let enough = share >= cfg.min_share
                    || (!ev.weak && lift >= cfg.min_lift)
                    || (lenient && (!ev.weak || share >= cfg.min_share / 2.0));
                if !enough || !pctx.keep(&ev) {
                    return None;
                }
                Some(CueClaim {
                    kind: key.0.clone(),
                    value: key.1.clone(),
                    label: humanize(&key.1),
                    share: r4(share),
                    lift: r4(lift),
                    evidence: ev,
                })
            })
            .collect();
        v.sort_by(|a, b| {
            b.evidence
                .documents
                .cmp(&a.evidence.documents)
                .then(a.kind.cmp(&b.kind))
                .then(a.value.cmp(&b.value))
        });
        v.truncate(MAX_CUE_CLAIMS);
        v
    };
    let who = cue_claims(&["role", "life_stage", "age_band"], false);
    let channels = cue_claims(&["channel"], true);
    let accessibility = cue_claims(&["accessibility"], true);

    // Tactics from the codebook, for barriers: strong ones first.
    let mut tactic_map: Vec<Tactic> = Vec::new();
    for weak_pass in [false, true] {
        for b in barriers.iter().filter(|b| b.evidence.weak == weak_pass) {
            let Some(info) = theme_index.get(b.theme.as_str()) else {
                continue;
            };
            for tac in &info.tactics {
                match tactic_map.iter_mut().find(|t| &t.tactic == tac) {
                    Some(t) => {
                        if !t.for_barriers.contains(&b.theme) {
                            t.for_barriers.push(b.theme.clone());
                        }
                        t.weak &= weak_pass;
                    }
                    None => tactic_map.push(Tactic {
                        tactic: tac.clone(),
                        for_barriers: vec![b.theme.clone()],
                        weak: weak_pass,
                    }),
                }
            }
        }
    }

    // Representative quotes: round-robin over the persona's strongest
    // themes, most typical authors first, one quote per author.
    let mut priority: Vec<(&str, bool)> = Vec::new();
    for cl in distinguishing_themes
        .iter()
        .chain(barriers.iter())
        .chain(motivators.iter())
    {
        if !priority.iter().any(|(t, _)| *t == cl.theme) {
            priority.push((cl.theme.as_str(), cl.evidence.weak));
        }
    }
    priority.sort_by_key(|&(_, weak)| weak);
    let mut order: Vec<usize> = seg.to_vec();
    order.sort_by_key(|&i| (pctx.rank[i], i));
    let mut quotes = Vec::new();
    let mut used_units = BTreeSet::new();
    let mut used_docs = BTreeSet::new();
    loop {
        let before = quotes.len();
        for &(t, _) in &priority {
            if quotes.len() >= cfg.quotes_per_persona {
                break;
            }
            let spans = theme_spans(t);
            let pick = order.iter().copied().find_map(|i| {
                if used_units.contains(&facts[i].unit)
                    || used_docs.contains(&i)
                    || !facts[i].themes.contains_key(t)
                {
                    return None;
                }
                let sp = spans(i);
                sp.iter()
                    .find_map(|&(s, e)| quote_for(docs[i], s, e, &sp))
                    .filter(|q| quotes.iter().all(|o: &crate::Quote| o.text != q.text))
                    .map(|q| (i, q))
            });
            if let Some((i, q)) = pick {
                used_units.insert(facts[i].unit);
                used_docs.insert(i);
                quotes.push(q);
            }
        }
        if quotes.len() >= cfg.quotes_per_persona || quotes.len() == before {
            break;
        }
    }
    // Still short (a persona with no distinctive themes): the most typical
    // authors' most strongly felt sentences.
    for &i in &order {
        if quotes.len() >= cfg.quotes_per_persona {
            break;
        }
        if used_units.contains(&facts[i].unit) || used_docs.contains(&i) {
            continue;
        }
        if let Some(q) = pctx
            .fallback_quote(i)
            .filter(|q| quotes.iter().all(|o: &crate::Quote| o.text != q.text))
        {
            used_units.insert(facts[i].unit);
            used_docs.insert(i);
            quotes.push(q);
        }
    }

    let archetype = archetype(
        &who,
        &barriers,
        &motivators,
        &channels,
        &distinguishing_themes,
    );

    let mut authors_list: Vec<String> = Vec::new();
    let mut standalone: Vec<String> = Vec::new();
    for &u in member_units {
        if units[u].is_author {
            authors_list.push(units[u].key.clone());
        } else {
            for &d in &units[u].docs {
                standalone.push(docs[d].id.clone());
            }
        }
    }
    authors_list.sort();
    standalone.sort();
    let color = avatar::color(c).to_string();
    Persona {
        id: format!("persona-{}", c + 1),
        name: name.to_string(),
        avatar_svg: avatar::svg(c, name, &color),
        color,
        archetype,
        authors: member_units.len(),
        documents: seg.len(),
        author_share: r4(member_units.len() as f64 / units.len().max(1) as f64),
        document_share: r4(seg.len() as f64 / n_all),
        members: Members {
            authors: authors_list,
            standalone_documents: standalone,
        },
        who,
        themes: ts
            .iter()
            .map(|t| ThemeShare {
                theme: t.id.clone(),
                documents: t.docs.len(),
                share: r4(t.share),
                lift: r4(t.lift),
            })
            .collect(),
        distinguishing_themes,
        barriers,
        motivators,
        sentiment,
        theme_sentiment,
        stages,
        struggles,
        channels,
        accessibility,
        tactics: tactic_map,
        quotes,
    }
}

/// One line from the strongest claims: who, what holds them back, what
/// draws them in, how to reach them.
fn archetype(
    who: &[CueClaim],
    barriers: &[ThemeClaim],
    motivators: &[ThemeClaim],
    channels: &[CueClaim],
    distinguishing: &[ThemeClaim],
) -> String {
    let strong_cue = |kind: &str| {
        who.iter()
            .filter(|c| c.kind == kind && !c.evidence.weak)
            .max_by(|a, b| {
                a.lift
                    .total_cmp(&b.lift)
                    .then(a.share.total_cmp(&b.share))
                    .then(b.value.cmp(&a.value))
            })
    };
    let role = strong_cue("role").filter(|c| c.value != "patient" && c.lift >= 1.2);
    let life = strong_cue("life_stage");
    let noun = match (role, life) {
        (Some(r), Some(l)) if l.lift >= 1.2 => format!("{} {}", l.label, r.label),
        (Some(r), _) => r.label.clone(),
        (None, Some(l)) => l.label.clone(),
        (None, None) => strong_cue("role")
            .map(|r| r.label.clone())
            .unwrap_or_else(|| "patient".into()),
    };
    // Prefer themes the codebook files under that polarity over `mixed`
    // ones (a caregiver "held back by caregiving" says nothing).
    let top = |v: &[ThemeClaim]| {
        v.iter()
            .filter(|c| !c.evidence.weak)
            .max_by(|a, b| {
                (a.polarity != Polarity::Mixed)
                    .cmp(&(b.polarity != Polarity::Mixed))
                    .then((a.lift * a.share).total_cmp(&(b.lift * b.share)))
                    .then(b.theme.cmp(&a.theme))
            })
            .map(|c| lower_first(&c.label))
    };
    let barrier = top(barriers);
    let motivator = top(motivators);
    let channel = channels
        .iter()
        .find(|c| !c.evidence.weak)
        .map(|c| c.label.clone());
    let mut line = format!("The {noun}");
    match (&barrier, &motivator) {
        (Some(b), Some(m)) => line.push_str(&format!(" held back by {b}, drawn by {m}")),
        (Some(b), None) => line.push_str(&format!(" held back by {b}")),
        (None, Some(m)) => line.push_str(&format!(" drawn by {m}")),
        (None, None) => match top(distinguishing) {
            Some(d) => line.push_str(&format!(" who talks most about {d}")),
            None => line.push_str(" with no single strong signal"),
        },
    }
    if let Some(ch) = channel {
        line.push_str(&format!("; best reached by {ch}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_stable_and_has_no_negative_zero() {
        assert_eq!(r4(0.123_456), 0.1235);
        assert_eq!(r4(-0.000_01).to_bits(), 0.0f64.to_bits());
        assert_eq!(r4(f64::NAN), 0.0);
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0).as_deref(), Some("1970-01-01"));
        assert_eq!(date(1_700_000_000).as_deref(), Some("2023-11-14"));
    }

    #[test]
    fn labels_lower_case_except_acronyms() {
        assert_eq!(lower_first("Travel burden"), "travel burden");
        assert_eq!(lower_first("HIV stigma"), "HIV stigma");
        assert_eq!(humanize("working_parent"), "working parent");
    }
}
