//! The pipeline: what happens to a record between a plugin and the index.
//!
//! ```text
//! record ─▶ normalize ─▶ language ─▶ de-identify ─▶ sentiment ─▶ themes ─▶ journey ─▶ cues ─▶ AnalysedDocument
//!           (raw text in memory only ───────────┘ └── de-identified text from here on ──────────────────────────▶
//! ```
//!
//! The order is deliberate. Normalizing first means every later stage sees
//! the same clean text. Language runs before de-identification because
//! placeholders like `[NAME]` distort detection on short texts, and it only
//! reads. De-identification comes before any stage whose output is kept:
//! sentence ranges, evidence spans and quotes all point into the
//! de-identified body, so a report can quote them verbatim without ever
//! having seen the raw text. The raw record is dropped when [`Pipeline::process`]
//! returns.
//!
//! Each stage is a module with a pure function at its heart and its own
//! tests; [`Pipeline`] holds what they need built once (the de-identifier,
//! the pseudonym key, the VADER lexicon, the codebook matchers) and is
//! shared by every worker thread.

pub mod clock;
pub mod cues;
pub mod deidentify;
pub mod journey;
pub mod language;
pub mod normalize;
pub mod sentiment;
pub mod themes;

use std::collections::BTreeMap;

use hearken_analysis::Analyzer;
use hearken_analysis::sentences;
use hearken_deid::KnownNames;
use hearken_document::AnalysedDocument;

use crate::plugin::bindings::{BodyFormat, Record, RecordKind};
use clock::{Stage, StageClock};
use deidentify::{DeidStage, RawFields};

/// Where a record came from, for the document it becomes.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Configured source name.
    pub source: String,
    /// Plugin name.
    pub plugin: String,
    /// Plugin version.
    pub plugin_version: String,
    /// The ingestion run.
    pub run_id: String,
}

/// All stages, built once.
#[derive(Debug)]
pub struct Pipeline {
    deid: DeidStage,
    analyzer: Analyzer,
    clock: StageClock,
}

impl Pipeline {
    /// A pipeline from its parts.
    pub fn new(deid: DeidStage, analyzer: Analyzer) -> Self {
        Self {
            deid,
            analyzer,
            clock: StageClock::default(),
        }
    }

    /// Time spent per stage since the pipeline was built (the ingest loop
    /// adds the plugin and index stages).
    pub fn clock(&self) -> &StageClock {
        &self.clock
    }

    /// The analysis (codebook, matchers) in use.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The de-identification stage, for scrubbing plugin messages.
    pub fn deid(&self) -> &DeidStage {
        &self.deid
    }

    /// Scrub a log line or message that may quote parsed text.
    pub fn scrub(&self, text: &str) -> String {
        self.deid.deid.redact(text, &[]).text
    }

    /// Turn one raw record into an analysed, de-identified document.
    /// `known_names` are people's names known from the record's context
    /// (every author in its batch, and every author its source returned
    /// before, as remembered fingerprints).
    pub fn process(
        &self,
        record: Record,
        known_names: &KnownNames,
        from: &Provenance,
    ) -> AnalysedDocument {
        // 1. normalize
        let format = match record.body_format {
            BodyFormat::Html => normalize::Format::Html,
            BodyFormat::Text => normalize::Format::Text,
        };
        let clock = &self.clock;
        let (body, title) = clock.time(Stage::Normalize, || {
            let body = normalize::normalize(&record.body, format);
            let title = record
                .title
                .as_deref()
                .map(|t| normalize::normalize(t, normalize::Format::Text));
            (body, title)
        });
        clock.add_text_bytes(body.len() + title.as_ref().map_or(0, String::len));
        // 2. language (reads raw text; keeps only the code)
        let lang = clock.time(Stage::Language, || {
            language::detect(self.analyzer.language_detector(), &body)
        });
        // 3. de-identify — the privacy boundary
        let deid_started = std::time::Instant::now();
        let clean = deidentify::deidentify(
            &self.deid,
            &from.source,
            &RawFields {
                body: &body,
                title: title.as_deref(),
                extra: &record.extra,
                author: record.author.as_deref(),
            },
            known_names,
        );
        drop(body);
        drop(title);
        // Link fields: the author's handle and DIDs out, the links stable.
        let mut redactions = clean.redactions;
        let author = record.author.as_deref().filter(|a| !a.trim().is_empty());
        let mut link = |s: &str| {
            let (out, n) = deidentify::scrub_link(&self.deid, &from.source, s, author);
            if n > 0 {
                *redactions
                    .entry(hearken_deid::IdentifierKind::Handle.as_str().to_string())
                    .or_default() += n;
            }
            out
        };
        let record_id = link(&record.id);
        let url = link(&record.url);
        let thread_id = record.thread_id.as_deref().map(&mut link);
        let parent_id = record.parent_id.as_deref().map(&mut link);
        clock.add(Stage::Deidentify, deid_started.elapsed());
        let text = clean.body.as_str();
        // 4. sentiment
        let (sents, scores) = clock.time(Stage::Sentiment, || {
            let sents = sentences::split(text);
            let scores = sentiment::score(self.analyzer.scorer(), &lang, text, &sents);
            (sents, scores)
        });
        // 5. themes. The text is tokenised and stemmed once, here, and the
        // tokens serve themes, journey and cues: the three matchers come from
        // one codebook and read its hashtag words alike.
        let (tokens, themes) = clock.time(Stage::Themes, || {
            let matcher = self.analyzer.theme_matcher();
            let tokens = matcher.tokens(text);
            let themes = themes::themes(matcher, &tokens, &sents, scores.as_ref());
            (tokens, themes)
        });
        // 6. journey, 7. cues
        let (stage, cues) = clock.time(Stage::JourneyCues, || {
            (
                journey::stage(self.analyzer.journey_matcher(), &tokens, &sents),
                cues::cues(self.analyzer.cue_matcher(), text, &tokens, &sents),
            )
        });
        drop(tokens);

        AnalysedDocument {
            id: document_id(&from.source, &record_id),
            source: from.source.clone(),
            plugin: from.plugin.clone(),
            plugin_version: from.plugin_version.clone(),
            kind: kind_name(record.kind).to_string(),
            url,
            thread_id,
            parent_id,
            author: clean.author,
            speaker_role: record.speaker_role,
            published: record.published.as_deref().and_then(parse_rfc3339),
            language: lang.code,
            title: clean.title,
            sentiment: sentiment::document_sentiment(scores.as_ref()),
            sentences: sentiment::sentence_sentiments(scores.as_ref()),
            themes,
            stage,
            cues,
            redactions,
            run_id: from.run_id.clone(),
            extra: clean.extra.into_iter().collect::<BTreeMap<_, _>>(),
            body: clean.body,
        }
    }
}

/// The stable document id: `{source}:{record id}`.
pub fn document_id(source: &str, record_id: &str) -> String {
    format!("{source}:{record_id}")
}

/// The kind's name in documents and queries.
pub fn kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Post => "post",
        RecordKind::Reply => "reply",
        RecordKind::Comment => "comment",
        RecordKind::TranscriptTurn => "transcript-turn",
    }
}

/// Seconds since the epoch from an RFC 3339 time.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.timestamp())
}

/// A pipeline with the default policy and codebook and a fixed key, for
/// tests.
#[cfg(test)]
pub(crate) fn test_pipeline() -> Pipeline {
    use hearken_analysis::codebook::Codebook;
    use hearken_deid::{Deidentifier, Policy, PseudonymKey};
    Pipeline::new(
        DeidStage {
            deid: Deidentifier::new(&Policy::default()).expect("the default policy builds"),
            key: PseudonymKey::from_bytes([1; 32]),
        },
        Analyzer::new(Codebook::default_trial()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        test_pipeline()
    }

    fn record(body: &str) -> Record {
        Record {
            id: "p17".into(),
            url: "http://127.0.0.1:8080/forum/topic-3/page-1.html#p17".into(),
            kind: RecordKind::Reply,
            thread_id: Some("t3".into()),
            parent_id: Some("p16".into()),
            author: Some("margo_w".into()),
            speaker_role: None,
            published: Some("2025-03-04T10:15:00Z".into()),
            title: Some("Re: visits".into()),
            body: body.into(),
            body_format: BodyFormat::Html,
            extra: vec![],
        }
    }

    #[test]
    fn handles_and_dids_in_link_fields_become_pseudonyms() {
        let p = pipeline();
        let from = Provenance {
            source: "bluesky".into(),
            plugin: "posts".into(),
            plugin_version: "0.1.0".into(),
            run_id: "r1".into(),
        };
        let mut r = record("<p>Week 3 of the trial and the nausea is easing.</p>");
        r.id = "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kabc".into();
        r.url = "https://bsky.app/profile/margo-w.bsky.social/post/3kabc".into();
        r.thread_id =
            Some("at://did:plc:aaaabbbbccccddddeeeeffff/app.bsky.feed.post/3kroot".into());
        r.parent_id = r.thread_id.clone();
        r.author = Some("margo-w.bsky.social".into());
        let doc = p.process(r.clone(), &KnownNames::new(&["margo-w.bsky.social"]), &from);
        let stored = serde_json::to_string(&doc).unwrap();
        for raw in [
            "margo-w",
            "ewvi7nxzyoun6zhxrhs64oiz",
            "aaaabbbbccccddddeeeeffff",
        ] {
            assert!(!stored.contains(raw), "{raw} stored in {stored}");
        }
        let author = doc.author.clone().unwrap();
        assert_eq!(
            doc.url,
            format!("https://bsky.app/profile/{author}/post/3kabc")
        );
        assert!(
            doc.id.starts_with("bluesky:at://p-") && doc.id.ends_with("/app.bsky.feed.post/3kabc"),
            "{}",
            doc.id
        );
        assert_eq!(
            doc.redactions.get("handle"),
            Some(&4),
            "{:?}",
            doc.redactions
        );
        // Stable: the same record gets the same id on the next run.
        assert_eq!(p.process(r, &KnownNames::default(), &from).id, doc.id);
    }

    #[test]
    fn a_record_becomes_a_deidentified_analysed_document() {
        let p = pipeline();
        let from = Provenance {
            source: "forum".into(),
            plugin: "forum".into(),
            plugin_version: "0.1.0".into(),
            run_id: "r1".into(),
        };
        let doc = p.process(
            record("<p>My husband Mark drives me 3 hours to every visit and I'm scared of the side effects. Call me at 555-301-2288.</p>"),
            &KnownNames::new(&["margo_w"]),
            &from,
        );
        assert_eq!(doc.id, "forum:p17");
        assert_eq!(doc.published, Some(1_741_083_300));
        assert!(
            !doc.body.contains("Mark") && !doc.body.contains("555-301-2288"),
            "{}",
            doc.body
        );
        assert!(doc.author.as_deref().is_some_and(|a| a != "margo_w"));
        assert_eq!(doc.language, "en");
        assert!(!doc.themes.is_empty());
        for t in &doc.themes {
            for e in &t.evidence {
                assert!(
                    doc.quote(e).is_some(),
                    "evidence {e:?} does not slice the body"
                );
            }
        }
        assert!(
            doc.redactions.values().sum::<u32>() >= 2,
            "{:?}",
            doc.redactions
        );
    }
}
