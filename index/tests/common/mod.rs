//! A small, hand-written corpus whose every hit set is worked out by hand
//! in the tests (see the table on [`corpus`]).

#![allow(dead_code)]
// Test helpers: a failure here is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use hearken_document::{
    AnalysedDocument, CueTag, Sentiment, SentimentLabel, Span, StageTag, ThemeTag,
};
use hearken_index::{Index, SearchRequest};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Seconds since the epoch of an RFC 3339 time.
pub fn ts(rfc3339: &str) -> i64 {
    OffsetDateTime::parse(rfc3339, &Rfc3339)
        .unwrap()
        .unix_timestamp()
}

pub struct D {
    pub id: &'static str,
    pub source: &'static str,
    pub kind: &'static str,
    pub author: Option<&'static str>,
    pub published: Option<&'static str>,
    pub lang: &'static str,
    pub title: Option<&'static str>,
    pub body: &'static str,
    pub compound: Option<f64>,
    pub themes: &'static [&'static str],
    pub stage: Option<&'static str>,
    pub cues: &'static [&'static str],
}

pub fn build(d: &D) -> AnalysedDocument {
    let sentiment = match d.compound {
        Some(c) => Sentiment {
            compound: c,
            neg: if c < 0.0 { -c } else { 0.0 },
            neu: 0.5,
            pos: if c > 0.0 { c } else { 0.0 },
            label: SentimentLabel::from_compound(c),
        },
        None => Sentiment::UNSCORED,
    };
    let first_word = d.body.split_whitespace().next().unwrap_or("");
    let span = Span {
        term: first_word.to_lowercase(),
        start: 0,
        end: first_word.len() as u32,
    };
    AnalysedDocument {
        id: d.id.into(),
        source: d.source.into(),
        plugin: format!("{}-plugin", d.source),
        plugin_version: "0.1.0".into(),
        kind: d.kind.into(),
        url: format!("http://127.0.0.1:8080/{}", d.id.replace(':', "/")),
        thread_id: Some(format!("{}:thread-1", d.source)),
        parent_id: None,
        author: d.author.map(Into::into),
        speaker_role: None,
        published: d.published.map(ts),
        language: d.lang.into(),
        title: d.title.map(Into::into),
        body: d.body.into(),
        sentences: vec![hearken_document::SentenceSentiment {
            start: 0,
            end: d.body.len() as u32,
            compound: d.compound.unwrap_or(0.0),
        }],
        sentiment,
        themes: d
            .themes
            .iter()
            .map(|t| ThemeTag {
                id: (*t).into(),
                sentiment: d.compound,
                evidence: vec![span.clone()],
            })
            .collect(),
        stage: d.stage.map(|s| StageTag {
            stage: s.into(),
            evidence: vec![span.clone()],
        }),
        cues: d
            .cues
            .iter()
            .map(|c| {
                let (kind, value) = c.split_once(':').unwrap();
                CueTag {
                    kind: kind.into(),
                    value: value.into(),
                    evidence: vec![span.clone()],
                }
            })
            .collect(),
        redactions: BTreeMap::from([("NAME".to_string(), 1)]),
        run_id: "run-1".into(),
        extra: BTreeMap::new(),
    }
}

/// The corpus. Facts the tests rely on:
///
/// | id | source | kind | author | published (UTC) | lang | sentiment | themes | stage | cues |
/// |---|---|---|---|---|---|---|---|---|---|
/// | forum:1 | forum | post | p-aaaa1111 | 2025-01-15 | en | negative | travel_burden, time_and_work, caregiving | participation | role:patient, channel:phone |
/// | forum:2 | forum | reply | p-bbbb2222 | 2025-02-03 | en | negative | side_effects, travel_burden | participation | role:caregiver |
/// | forum:3 | forum | reply | p-aaaa1111 | 2025-03-20 | en | positive | information_clarity, side_effects | consideration | role:patient |
/// | posts:10 | posts | post | p-cccc3333 | 2025-06-30 23:59:59 | en | positive | travel_burden, cost_compensation, site_staff | screening | channel:text_message |
/// | posts:11 | posts | post | p-cccc3333 | 2025-07-01 00:00:00 | en | negative | digital_barriers, eligibility_screening | screening | channel:app |
/// | transcripts:pab-1#4 | transcripts | transcript-turn | p-dddd4444 | 2024-12-31 | en | neutral | caregiving, digital_barriers, placebo_worry | enrolment | role:caregiver, life_stage:adult_child |
/// | posts:12 | posts | post | — | — | es | unscored | — | — | — |
/// | forum:4 | forum | reply | p-bbbb2222 | 2025-02-10 | en | neutral | travel_burden | participation | — |
pub const CORPUS: &[D] = &[
    D {
        id: "forum:1",
        source: "forum",
        kind: "post",
        author: Some("p-aaaa1111"),
        published: Some("2025-01-15T10:00:00Z"),
        lang: "en",
        title: Some("Travel to the trial site"),
        body: "The travel to the clinic takes three hours each way. My daughter drives me \
               and she has to take time off work.",
        compound: Some(-0.4),
        themes: &["travel_burden", "time_and_work", "caregiving"],
        stage: Some("participation"),
        cues: &["role:patient", "channel:phone"],
    },
    D {
        id: "forum:2",
        source: "forum",
        kind: "reply",
        author: Some("p-bbbb2222"),
        published: Some("2025-02-03T08:30:00Z"),
        lang: "en",
        title: None,
        body: "I worry about side effects more than the travelling. The nausea was awful \
               for my husband.",
        compound: Some(-0.6),
        themes: &["side_effects", "travel_burden"],
        stage: Some("participation"),
        cues: &["role:caregiver"],
    },
    D {
        id: "forum:3",
        source: "forum",
        kind: "reply",
        author: Some("p-aaaa1111"),
        published: Some("2025-03-20T19:45:00Z"),
        lang: "en",
        title: None,
        body: "The study nurse was clear about every side and all the effects we might \
               see, and I felt safe.",
        compound: Some(0.6),
        themes: &["information_clarity", "side_effects"],
        stage: Some("consideration"),
        cues: &["role:patient"],
    },
    D {
        id: "posts:10",
        source: "posts",
        kind: "post",
        author: Some("p-cccc3333"),
        published: Some("2025-06-30T23:59:59Z"),
        lang: "en",
        title: None,
        body: "Free parking and a taxi voucher made the screening visit easy. Thanks to \
               the site staff!",
        compound: Some(0.8),
        themes: &["travel_burden", "cost_compensation", "site_staff"],
        stage: Some("screening"),
        cues: &["channel:text_message"],
    },
    D {
        id: "posts:11",
        source: "posts",
        kind: "post",
        author: Some("p-cccc3333"),
        published: Some("2025-07-01T00:00:00Z"),
        lang: "en",
        title: None,
        body: "Screening took four hours and the e-diary app kept crashing.",
        compound: Some(-0.3),
        themes: &["digital_barriers", "eligibility_screening"],
        stage: Some("screening"),
        cues: &["channel:app"],
    },
    D {
        id: "transcripts:pab-1#4",
        source: "transcripts",
        kind: "transcript-turn",
        author: Some("p-dddd4444"),
        published: Some("2024-12-31T12:00:00Z"),
        lang: "en",
        title: None,
        body: "As a caregiver I keep the e-diary for my mother; the placebo question \
               worried us both.",
        compound: Some(0.0),
        themes: &["caregiving", "digital_barriers", "placebo_worry"],
        stage: Some("enrolment"),
        cues: &["role:caregiver", "life_stage:adult_child"],
    },
    D {
        id: "posts:12",
        source: "posts",
        kind: "post",
        author: None,
        published: None,
        lang: "es",
        title: None,
        body: "El viaje al hospital es muy largo.",
        compound: None,
        themes: &[],
        stage: None,
        cues: &[],
    },
    D {
        id: "forum:4",
        source: "forum",
        kind: "reply",
        author: Some("p-bbbb2222"),
        published: Some("2025-02-10T07:00:00Z"),
        lang: "en",
        title: Some("Re: <script> travel tips & tricks"),
        body: "Travel tips: book the 7am bus <b>early</b> & bring snacks.",
        compound: Some(0.02),
        themes: &["travel_burden"],
        stage: Some("participation"),
        cues: &[],
    },
];

pub fn corpus() -> Vec<AnalysedDocument> {
    CORPUS.iter().map(build).collect()
}

/// Writes the corpus in two commits, so searches span two segments.
pub fn fill(index: &Index) {
    let docs = corpus();
    let mut writer = index.writer().unwrap();
    for doc in &docs[..4] {
        writer.upsert(doc).unwrap();
    }
    writer.commit().unwrap();
    for doc in &docs[4..] {
        writer.upsert(doc).unwrap();
    }
    writer.commit().unwrap();
}

pub fn indexed() -> Index {
    let index = Index::create_in_ram().unwrap();
    fill(&index);
    index
}

/// One filled index shared by the read-only tests of a test binary.
pub fn shared() -> &'static Index {
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    INDEX.get_or_init(indexed)
}

/// The ids of every hit of `query`, sorted (for set comparisons).
pub fn ids(index: &Index, query: &str) -> Vec<String> {
    let results = index
        .search(&SearchRequest {
            query: query.into(),
            limit: 100,
            ..SearchRequest::default()
        })
        .unwrap_or_else(|e| panic!("{query:?}: {e}"));
    let mut ids: Vec<String> = results.hits.into_iter().map(|h| h.id).collect();
    assert_eq!(ids.len() as u64, results.total, "{query:?}");
    ids.sort();
    ids
}

pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}
