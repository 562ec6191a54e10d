//! JSON speaker-turn lists.
//!
//! Transcription services and research data sets agree that a transcript is
//! a list of turns, and on nothing else. Rather than one schema, this reader
//! accepts the common spellings:
//!
//! - the list is the document itself, or sits under `turns`, `segments`,
//!   `utterances`, `transcript`, `meeting_transcripts` (QMSum), `entries`,
//!   `items` or `results`;
//! - a turn's speaker is `speaker`, `speaker_name`, `speakerName`, `name`,
//!   `participant` or `author`, as a string, a number, or an object with a
//!   `name`;
//! - its text is `text`, `content`, `utterance`, `transcript` or `sentence`;
//! - its start and end are `start`/`end`, `start_time`/`end_time`,
//!   `startTime`/`endTime`, `begin`, `offset`, or the same with an `_ms` /
//!   `Ms` suffix. Numbers are seconds unless the key says milliseconds;
//!   strings are timestamps (`00:01:02.500`);
//! - a meeting date may sit beside the list as `date`, `meeting_date`,
//!   `recorded_at` or `created_at`, and a `title`.
//!
//! Each entry is a segment: consecutive entries of one speaker become one
//! turn, as for every other format.

use serde_json::Value;

use crate::turns::Segment;
use crate::webvtt::{Mode, parse_timestamp};

const LIST_KEYS: &[&str] = &[
    "turns",
    "segments",
    "utterances",
    "transcript",
    "meeting_transcripts",
    "entries",
    "items",
    "results",
];
const SPEAKER_KEYS: &[&str] = &[
    "speaker",
    "speaker_name",
    "speakerName",
    "name",
    "participant",
    "author",
];
const TEXT_KEYS: &[&str] = &["text", "content", "utterance", "transcript", "sentence"];
const START_KEYS: &[&str] = &["start", "start_time", "startTime", "begin", "offset"];
const END_KEYS: &[&str] = &["end", "end_time", "endTime"];
const DATE_KEYS: &[&str] = &["date", "meeting_date", "recorded_at", "created_at"];

/// Why a JSON document is not a speaker-turn list. Messages name the place,
/// never the content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonTurnsError {
    /// Not JSON at all.
    #[error("not valid JSON at line {line}, column {column}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but no list of turns where one was expected.
    #[error("no list of turns: expected an array, or an object with one of {LIST_KEYS:?}")]
    NoList,
    /// An entry without any text field.
    #[error("turn {index} has no text field (one of {TEXT_KEYS:?})")]
    NoText {
        /// 0-based index of the entry.
        index: usize,
    },
}

/// A JSON transcript: its segments and the meeting date, if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonTranscript {
    /// One segment per entry.
    pub segments: Vec<Segment>,
    /// The meeting date as written in the document.
    pub date: Option<String>,
    /// The document's `title`, if any.
    pub title: Option<String>,
}

/// Parses a JSON speaker-turn list.
pub fn parse(text: &str) -> Result<JsonTranscript, JsonTurnsError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let doc: Value = serde_json::from_str(text).map_err(|e| JsonTurnsError::Syntax {
        line: e.line(),
        column: e.column(),
    })?;
    let (list, date, title) = match &doc {
        Value::Array(a) => (a, None, None),
        Value::Object(o) => {
            let list = LIST_KEYS
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_array))
                .ok_or(JsonTurnsError::NoList)?;
            let date = DATE_KEYS
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .map(str::to_string);
            let title = o.get("title").and_then(Value::as_str).map(str::to_string);
            (list, date, title)
        }
        _ => return Err(JsonTurnsError::NoList),
    };
    let mut segments = Vec::with_capacity(list.len());
    for (index, entry) in list.iter().enumerate() {
        let Some(obj) = entry.as_object() else {
            return Err(JsonTurnsError::NoText { index });
        };
        let text = TEXT_KEYS
            .iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_str))
            .ok_or(JsonTurnsError::NoText { index })?;
        let speaker = SPEAKER_KEYS.iter().find_map(|k| match obj.get(*k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(format!("Speaker {n}")),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_string),
            _ => None,
        });
        segments.push(Segment {
            speaker,
            start_ms: time_field(obj, START_KEYS),
            end_ms: time_field(obj, END_KEYS),
            text: text.to_string(),
        });
    }
    Ok(JsonTranscript {
        segments,
        date,
        title,
    })
}

fn time_field(obj: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<u64> {
    for k in keys {
        for (key, millis) in [
            (format!("{k}_ms"), true),
            (format!("{k}Ms"), true),
            ((*k).to_string(), false),
        ] {
            match obj.get(&key) {
                Some(Value::Number(n)) => {
                    let v = n.as_f64()?;
                    if !(v.is_finite() && v >= 0.0) {
                        return None;
                    }
                    let ms = if millis { v } else { v * 1000.0 };
                    // Whole milliseconds; transcripts do not need more.
                    return Some(ms.round() as u64);
                }
                Some(Value::String(s)) => return parse_timestamp(s.trim(), Mode::Lenient),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qmsum_shape() {
        let t = parse(r#"{"topic_list": [], "meeting_transcripts": [{"speaker": "Chair", "content": "Welcome."}, {"speaker": "Witness", "content": "Thank you."}]}"#).unwrap();
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[1].speaker.as_deref(), Some("Witness"));
        assert_eq!(t.segments[1].start_ms, None);
    }

    #[test]
    fn service_shapes() {
        let t = parse(r#"{"date": "2025-03-04", "utterances": [{"speaker": "A", "start_ms": 250, "end_ms": 1800, "text": "hi"}, {"speaker": {"name": "Dana"}, "start": "00:00:02.5", "text": "hello"}, {"speaker": 2, "start": 3.25, "end": 4, "text": "hey"}]}"#).unwrap();
        assert_eq!(t.date.as_deref(), Some("2025-03-04"));
        let s = &t.segments;
        assert_eq!((s[0].start_ms, s[0].end_ms), (Some(250), Some(1800)));
        assert_eq!(s[1].speaker.as_deref(), Some("Dana"));
        assert_eq!(s[1].start_ms, Some(2500));
        assert_eq!(s[2].speaker.as_deref(), Some("Speaker 2"));
        assert_eq!((s[2].start_ms, s[2].end_ms), (Some(3250), Some(4000)));
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(parse("{\"x\": 1}"), Err(JsonTurnsError::NoList));
        assert_eq!(
            parse("[{\"speaker\": \"A\"}]"),
            Err(JsonTurnsError::NoText { index: 0 })
        );
        assert!(matches!(
            parse("[{"),
            Err(JsonTurnsError::Syntax { line: 1, .. })
        ));
    }
}
