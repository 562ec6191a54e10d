//! The tantivy schema for analysed documents, and how one document becomes
//! one tantivy document.
//!
//! # The fields and why each is indexed the way it is
//!
//! The stored copy of the document is the source of truth; every other
//! field exists only to find, filter, sort or count documents. So nothing
//! but `doc` is `STORED`: keeping the body once (inside the JSON) instead
//! of twice halves the doc store, and snippets are cut from the body of
//! the decoded document anyway.
//!
//! | field | options | why |
//! | --- | --- | --- |
//! | `doc` | `STORED` | the whole [`AnalysedDocument`] as JSON: `get`, `documents`, hits and `hearken reindex` all read it, so a schema change never loses data |
//! | `id` | raw, indexed | the stable id: the term `upsert` and `delete` act on, and the `id:` filter; no fieldnorms (never scored) |
//! | `title`, `body` | `TEXT` with the `hearken_en` analyser, positions | free text with English stemming; positions for phrases, proximity and snippets; fieldnorms for BM25 |
//! | `source`, `sentiment`, `stage`, `theme`, `cue` | raw, indexed | the facet filters (`theme:`, `--source`, …); `theme` and `cue` multi-valued (a cue is `kind:value`); `source` also for `hearken forget` |
//! | `author`, `lang`, `kind`, `plugin`, `thread`, `run` | raw, indexed | the other filters (`author:`, `lang:`, …; `author` also for `hearken forget`) |
//! | `facet` | raw, `FAST` only, multi-valued | every facet value of the document in one dictionary-encoded column, tagged by facet (`t:travel_burden`, `s:negative`, `o:forum`, `g:screening`, `c:role:caregiver`): counting reads one column per hit instead of five, by term ordinal, without touching the doc store (see [`crate::facets`]) |
//! | `published` | `i64`, `FAST` | seconds since the epoch: date sort, date ranges (tantivy answers a range on a fast field by scanning the column, which beats a term range for the wide ranges researchers use) and the histogram; absent when the record has no date |
//! | `compound` | `f64`, `FAST` | document sentiment score, for sorting and score-range features without decoding documents |
//! | `hash` | `u64`, `FAST` | content hash (see [`encode`]): lets `upsert` tell an unchanged document from a changed one by reading one column value |
//!
//! Raw fields are indexed with `IndexRecordOption::Basic` and without
//! fieldnorms: they are filters, and every filter is wrapped in a
//! constant-score query, so neither frequencies nor lengths are ever read.
//!
//! Per-theme sentiment, sentence sentiment, evidence spans and redaction
//! counts live only in the stored JSON: they are read per document (by
//! `hearken show` and personas), never searched.
//!
//! # The analyser
//!
//! `hearken_en` is tantivy's `en_stem` recipe — simple tokenizer (split on
//! anything not alphanumeric), drop tokens over 40 bytes, lower-case,
//! Snowball English stemmer — registered under our own name so that a
//! change of tantivy's default cannot silently change our index; a change
//! here is a schema change and bumps [`SCHEMA_VERSION`]. No stop words:
//! patients' phrases ("side effects", "on and off") keep their small words.
//!
//! # Schema version
//!
//! [`SCHEMA_VERSION`] is written to `hearken-index.json` beside tantivy's
//! files. Any change to the fields, their options or the analyser must bump
//! it: opening an index of another version fails with
//! [`IndexError::SchemaVersion`](crate::IndexError::SchemaVersion), and
//! `hearken reindex` rebuilds it from the stored documents.

use std::path::Path;

use hearken_document::AnalysedDocument;
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

use crate::IndexError;
use crate::error::io_error;

/// The version of the schema this build writes. Bump it on any change to
/// the fields, their options or the analyser.
pub const SCHEMA_VERSION: u32 = 1;

/// Name of the file that records the schema version in an index directory.
pub const VERSION_FILE: &str = "hearken-index.json";

/// Name under which the English analyser is registered.
pub const TEXT_ANALYZER: &str = "hearken_en";

/// Field names, shared by the schema, the query language and the collectors.
pub(crate) mod names {
    pub const DOC: &str = "doc";
    pub const ID: &str = "id";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const SOURCE: &str = "source";
    pub const SENTIMENT: &str = "sentiment";
    pub const STAGE: &str = "stage";
    pub const THEME: &str = "theme";
    pub const CUE: &str = "cue";
    pub const FACET: &str = "facet";
    pub const AUTHOR: &str = "author";
    pub const LANG: &str = "lang";
    pub const KIND: &str = "kind";
    pub const PLUGIN: &str = "plugin";
    pub const THREAD: &str = "thread";
    pub const RUN: &str = "run";
    pub const PUBLISHED: &str = "published";
    pub const COMPOUND: &str = "compound";
    pub const HASH: &str = "hash";
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub doc: Field,
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub source: Field,
    pub sentiment: Field,
    pub stage: Field,
    pub theme: Field,
    pub cue: Field,
    pub facet: Field,
    pub author: Field,
    pub lang: Field,
    pub kind: Field,
    pub plugin: Field,
    pub thread: Field,
    pub run: Field,
    pub published: Field,
    pub compound: Field,
    pub hash: Field,
}

/// A raw (untokenised) keyword field: one term per value, no frequencies,
/// no fieldnorms.
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    )
}

/// A free-text field analysed with [`TEXT_ANALYZER`], positions indexed.
fn text() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// Builds the schema and the handles to its fields.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        doc: b.add_text_field(names::DOC, STORED),
        id: b.add_text_field(names::ID, keyword()),
        title: b.add_text_field(names::TITLE, text()),
        body: b.add_text_field(names::BODY, text()),
        source: b.add_text_field(names::SOURCE, keyword()),
        sentiment: b.add_text_field(names::SENTIMENT, keyword()),
        stage: b.add_text_field(names::STAGE, keyword()),
        theme: b.add_text_field(names::THEME, keyword()),
        cue: b.add_text_field(names::CUE, keyword()),
        facet: b.add_text_field(names::FACET, TextOptions::default().set_fast("raw")),
        author: b.add_text_field(names::AUTHOR, keyword()),
        lang: b.add_text_field(names::LANG, keyword()),
        kind: b.add_text_field(names::KIND, keyword()),
        plugin: b.add_text_field(names::PLUGIN, keyword()),
        thread: b.add_text_field(names::THREAD, keyword()),
        run: b.add_text_field(names::RUN, keyword()),
        published: b.add_i64_field(names::PUBLISHED, NumericOptions::from(FAST)),
        compound: b.add_f64_field(names::COMPOUND, NumericOptions::from(FAST)),
        hash: b.add_u64_field(names::HASH, NumericOptions::from(FAST)),
    };
    (b.build(), fields)
}

/// The analyser behind `title` and `body`.
pub(crate) fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers our analysers on a tantivy index (tokenizers are not
/// persisted, so this runs on every open).
pub(crate) fn register_analyzers(index: &tantivy::Index) {
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
}

/// Encodes a document for storage and computes its content hash, with
/// one serialisation.
///
/// The hash is BLAKE3 (first 64 bits) of the document's JSON *without*
/// `run_id`: `run_id` says which run last wrote the document, so it must
/// not make an otherwise identical document look changed — that is what
/// lets a re-run leave unchanged documents alone. Everything else counts:
/// a new sentiment score after a model upgrade is a change worth
/// rewriting. The stored JSON is that same text with `"run_id"` spliced in
/// before the closing brace (serde does not care about field order), so
/// hashing costs no second serialisation.
///
/// The view below destructures [`AnalysedDocument`] exhaustively, so a new
/// field in the document type is a compile error here until someone
/// decides whether it belongs in the hash.
pub(crate) fn encode(doc: &AnalysedDocument) -> Result<(String, u64), IndexError> {
    let AnalysedDocument {
        id,
        source,
        plugin,
        plugin_version,
        kind,
        url,
        thread_id,
        parent_id,
        author,
        speaker_role,
        published,
        language,
        title,
        body,
        sentiment,
        sentences,
        themes,
        stage,
        cues,
        redactions,
        run_id: _,
        extra,
    } = doc;
    #[derive(Serialize)]
    struct View<'a> {
        id: &'a str,
        source: &'a str,
        plugin: &'a str,
        plugin_version: &'a str,
        kind: &'a str,
        url: &'a str,
        thread_id: &'a Option<String>,
        parent_id: &'a Option<String>,
        author: &'a Option<String>,
        speaker_role: &'a Option<String>,
        published: &'a Option<i64>,
        language: &'a str,
        title: &'a Option<String>,
        body: &'a str,
        sentiment: &'a hearken_document::Sentiment,
        sentences: &'a [hearken_document::SentenceSentiment],
        themes: &'a [hearken_document::ThemeTag],
        stage: &'a Option<hearken_document::StageTag>,
        cues: &'a [hearken_document::CueTag],
        redactions: &'a std::collections::BTreeMap<String, u32>,
        extra: &'a std::collections::BTreeMap<String, String>,
    }
    let view = View {
        id,
        source,
        plugin,
        plugin_version,
        kind,
        url,
        thread_id,
        parent_id,
        author,
        speaker_role,
        published,
        language,
        title,
        body,
        sentiment,
        sentences,
        themes,
        stage,
        cues,
        redactions,
        extra,
    };
    let encode_error = |source| IndexError::Encode {
        id: doc.id.clone(),
        source,
    };
    let mut json = serde_json::to_string(&view).map_err(encode_error)?;
    let digest = blake3::hash(json.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_bytes()[..8]);
    // `json` is a non-empty object: `{…}`.
    json.pop();
    json.push_str(",\"run_id\":");
    json.push_str(&serde_json::to_string(&doc.run_id).map_err(encode_error)?);
    json.push('}');
    Ok((json, u64::from_le_bytes(first)))
}

/// Turns an analysed document into the tantivy document that indexes it.
/// `json` and `hash` come from [`encode`].
pub(crate) fn to_tantivy(
    fields: &Fields,
    doc: &AnalysedDocument,
    json: String,
    hash: u64,
) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_text(fields.doc, json);
    t.add_text(fields.id, &doc.id);
    if let Some(title) = &doc.title {
        t.add_text(fields.title, title);
    }
    t.add_text(fields.body, &doc.body);
    // A theme or cue listed twice must count once in facets.
    let mut themes: Vec<&str> = doc.themes.iter().map(|t| t.id.as_str()).collect();
    themes.sort_unstable();
    themes.dedup();
    let mut cues: Vec<String> = doc.cues.iter().map(|c| c.facet()).collect();
    cues.sort_unstable();
    cues.dedup();
    let mut facet = |tag: FacetTag, value: &str| {
        t.add_text(fields.facet, format!("{}:{value}", tag.prefix()));
    };
    facet(FacetTag::Source, &doc.source);
    facet(FacetTag::Sentiment, doc.sentiment.label.as_str());
    if let Some(stage) = &doc.stage {
        facet(FacetTag::Stage, &stage.stage);
    }
    for theme in &themes {
        facet(FacetTag::Theme, theme);
    }
    for cue in &cues {
        facet(FacetTag::Cue, cue);
    }
    t.add_text(fields.source, &doc.source);
    t.add_text(fields.sentiment, doc.sentiment.label.as_str());
    if let Some(stage) = &doc.stage {
        t.add_text(fields.stage, &stage.stage);
    }
    for theme in themes {
        t.add_text(fields.theme, theme);
    }
    for cue in cues {
        t.add_text(fields.cue, cue);
    }
    if let Some(author) = &doc.author {
        t.add_text(fields.author, author);
    }
    t.add_text(fields.lang, &doc.language);
    t.add_text(fields.kind, &doc.kind);
    t.add_text(fields.plugin, &doc.plugin);
    if let Some(thread) = &doc.thread_id {
        t.add_text(fields.thread, thread);
    }
    t.add_text(fields.run, &doc.run_id);
    if let Some(published) = doc.published {
        t.add_i64(fields.published, published);
    }
    t.add_f64(fields.compound, doc.sentiment.compound);
    t.add_u64(fields.hash, hash);
    t
}

/// Which facet a value of the combined `facet` column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FacetTag {
    Theme,
    Sentiment,
    Source,
    Stage,
    Cue,
}

impl FacetTag {
    /// The prefix before the first `:` of a `facet` value.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            FacetTag::Theme => "t",
            FacetTag::Sentiment => "s",
            FacetTag::Source => "o",
            FacetTag::Stage => "g",
            FacetTag::Cue => "c",
        }
    }

    /// Splits a `facet` value into its tag and the facet's value.
    pub(crate) fn split(tagged: &str) -> Option<(FacetTag, &str)> {
        let (prefix, value) = tagged.split_once(':')?;
        let tag = match prefix {
            "t" => FacetTag::Theme,
            "s" => FacetTag::Sentiment,
            "o" => FacetTag::Source,
            "g" => FacetTag::Stage,
            "c" => FacetTag::Cue,
            _ => return None,
        };
        Some((tag, value))
    }
}

/// Decodes the stored JSON of a document. `location` names the document in
/// an error (an id or a segment/doc address), never its content.
pub(crate) fn decode_stored(
    fields: &Fields,
    stored: &TantivyDocument,
    location: impl Fn() -> String,
) -> Result<AnalysedDocument, IndexError> {
    use tantivy::schema::Value;
    let json = stored
        .get_first(fields.doc)
        .and_then(|v| v.as_str())
        .ok_or_else(|| IndexError::CorruptDocument {
            location: location(),
            message: "the stored document has no `doc` field".into(),
        })?;
    decode_json(json, location)
}

/// Decodes one stored JSON document (see [`decode_stored`]).
pub(crate) fn decode_json(
    json: &str,
    location: impl FnOnce() -> String,
) -> Result<AnalysedDocument, IndexError> {
    serde_json::from_str(json).map_err(|e| IndexError::CorruptDocument {
        location: location(),
        // serde_json's message names a line, column and expected type; it
        // does not quote the input.
        message: e.to_string(),
    })
}

/// What `hearken-index.json` holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionFile {
    /// The schema version the index was written with.
    schema_version: u32,
    /// The crate that wrote it, for whoever reads the file by hand.
    written_by: String,
}

/// Reads the schema version recorded in `dir`; `Ok(None)` if the file does
/// not exist.
pub(crate) fn read_version(dir: &Path) -> Result<Option<u32>, IndexError> {
    let path = dir.join(VERSION_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("cannot read", &path)(e)),
    };
    let file: VersionFile = serde_json::from_str(&text).map_err(|e| IndexError::VersionFile {
        path: path.clone(),
        message: e.to_string(),
    })?;
    Ok(Some(file.schema_version))
}

/// Records [`SCHEMA_VERSION`] in `dir`, atomically (write then rename), so a
/// crash never leaves a half-written version file behind.
pub(crate) fn write_version(dir: &Path) -> Result<(), IndexError> {
    let path = dir.join(VERSION_FILE);
    let tmp = dir.join(format!("{VERSION_FILE}.tmp"));
    let file = VersionFile {
        schema_version: SCHEMA_VERSION,
        written_by: format!("hearken-index {}", env!("CARGO_PKG_VERSION")),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|source| IndexError::Encode {
        id: VERSION_FILE.into(),
        source,
    })?;
    text.push('\n');
    std::fs::write(&tmp, text).map_err(io_error("cannot write", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_error("cannot rename into place", &path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    fn tokens(text: &str) -> Vec<String> {
        let mut analyzer = text_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn analyser_lowercases_and_stems() {
        assert_eq!(
            tokens("Travelling to the Clinic, e-diaries!"),
            vec!["travel", "to", "the", "clinic", "e", "diari"]
        );
    }

    #[test]
    fn encoding_round_trips_and_the_hash_ignores_only_run_id() {
        let doc: AnalysedDocument = serde_json::from_value(serde_json::json!({
            "id": "s:1", "source": "s", "plugin": "p", "plugin_version": "0.1.0",
            "kind": "post", "url": "http://127.0.0.1/1", "thread_id": null,
            "parent_id": null, "author": "p-1", "speaker_role": null,
            "published": 1, "language": "en", "title": "T", "body": "b \"q\"",
            "sentiment": {"compound": 0.5, "neg": 0.0, "neu": 0.5, "pos": 0.5,
                          "label": "positive"},
            "sentences": [], "themes": [], "stage": null, "cues": [],
            "redactions": {}, "run_id": "r\"1", "extra": {}
        }))
        .unwrap();
        let (json, hash) = encode(&doc).unwrap();
        let back: AnalysedDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
        let mut other_run = doc.clone();
        other_run.run_id = "r2".into();
        assert_eq!(encode(&other_run).unwrap().1, hash);
        let mut other_body = doc.clone();
        other_body.body.push('!');
        assert_ne!(encode(&other_body).unwrap().1, hash);
        let mut other_label = doc;
        other_label.sentiment.compound = 0.51;
        assert_ne!(encode(&other_label).unwrap().1, hash);
    }

    #[test]
    fn facet_tags_round_trip() {
        for tag in [
            FacetTag::Theme,
            FacetTag::Sentiment,
            FacetTag::Source,
            FacetTag::Stage,
            FacetTag::Cue,
        ] {
            let tagged = format!("{}:role:caregiver", tag.prefix());
            assert_eq!(FacetTag::split(&tagged), Some((tag, "role:caregiver")));
        }
        assert_eq!(FacetTag::split("x:1"), None);
    }

    #[test]
    fn version_file_round_trips_and_rejects_junk() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_version(dir.path()).unwrap(), None);
        write_version(dir.path()).unwrap();
        assert_eq!(read_version(dir.path()).unwrap(), Some(SCHEMA_VERSION));
        std::fs::write(dir.path().join(VERSION_FILE), "{\"schema\": 1}").unwrap();
        let err = read_version(dir.path()).unwrap_err();
        assert!(matches!(err, IndexError::VersionFile { .. }), "{err}");
    }
}
