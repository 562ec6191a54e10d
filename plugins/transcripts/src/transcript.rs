//! One transcript file, whatever its format, to speaker turns.
//!
//! The format comes from the configuration if the operator named it, else
//! from the content (a `WEBVTT` signature; an SRT timing line near the top;
//! a JSON document), else from the file extension, else plain text. Content
//! wins over the extension because exports are often misnamed (`.txt` files
//! that are SRT are common).

use std::collections::HashSet;

use crate::decode::{Encoding, decode};
use crate::turns::{Segment, Turn, join, split_speaker_label};
use crate::{cuetext, jsonturns, plain, srt, webvtt};

/// The transcript formats the plugin reads.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    hearken_plugin_sdk::schemars::JsonSchema,
)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// WebVTT (`.vtt`).
    Webvtt,
    /// SubRip (`.srt`).
    Srt,
    /// Plain speaker-turn text.
    Text,
    /// A JSON speaker-turn list.
    Json,
}

impl Format {
    /// The format's name as configs and `extra` spell it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Webvtt => "webvtt",
            Format::Srt => "srt",
            Format::Text => "text",
            Format::Json => "json",
        }
    }
}

/// Why a file could not be read as a transcript. Says where, never what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptError {
    /// The operator said WebVTT, but the signature is missing.
    #[error("{file}: {source}")]
    WebVtt {
        /// The file name.
        file: String,
        /// What is wrong.
        source: webvtt::NotWebVtt,
    },
    /// A JSON transcript that is not a turn list.
    #[error("{file}: {source}")]
    Json {
        /// The file name.
        file: String,
        /// What is wrong.
        source: jsonturns::JsonTurnsError,
    },
}

/// A transcript read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// The format it was read as.
    pub format: Format,
    /// The encoding it was decoded from.
    pub encoding: Encoding,
    /// The speaker turns, in order.
    pub turns: Vec<Turn>,
    /// The meeting date as the file states it (not yet normalised), if any.
    pub date: Option<String>,
    /// A title the file states (WebVTT header, `Title:`/`Meeting:` line).
    pub title: Option<String>,
}

/// Detects a file's format from its name and decoded content.
pub fn detect(name: &str, text: &str) -> Format {
    let head = text.trim_start_matches('\u{FEFF}').trim_start();
    if head.starts_with("WEBVTT") {
        return Format::Webvtt;
    }
    if (head.starts_with('{') || head.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(head).is_ok()
    {
        return Format::Json;
    }
    let first_lines: Vec<&str> = head.lines().take(3).collect();
    if first_lines
        .iter()
        .any(|l| l.contains("-->") && !l.trim_start().starts_with(char::is_alphabetic))
    {
        return Format::Srt;
    }
    let lower = name.to_ascii_lowercase();
    match lower.rsplit_once('.').map(|(_, e)| e) {
        Some("vtt") => Format::Webvtt,
        Some("srt") => Format::Srt,
        Some("json") => Format::Json,
        _ => Format::Text,
    }
}

/// Reads a transcript from its bytes. `format` overrides detection;
/// `known_speakers` are the names the configuration maps to roles.
pub fn read(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    known_speakers: &HashSet<String>,
) -> Result<Transcript, TranscriptError> {
    let decoded = decode(bytes);
    let text = decoded.text;
    let format = format.unwrap_or_else(|| detect(name, &text));
    let mut date = None;
    let mut title = None;
    let segments: Vec<Segment> = match format {
        Format::Webvtt => {
            let vtt = webvtt::parse(&text, webvtt::Mode::Lenient).map_err(|source| {
                TranscriptError::WebVtt {
                    file: name.to_string(),
                    source,
                }
            })?;
            let note_lines = vtt.notes.iter().flat_map(|n| n.lines());
            for line in vtt.header.iter().map(String::as_str).chain(note_lines) {
                metadata_line(line, &mut date, &mut title);
            }
            if title.is_none()
                && let Some(first) = vtt.header.first()
                && !first.contains(':')
            {
                let t = first.trim_start_matches(['-', ' ']).trim();
                if !t.is_empty() {
                    title = Some(t.to_string());
                }
            }
            vtt_segments(&vtt)
        }
        Format::Srt => srt::segments(&srt::parse(&text)),
        Format::Text => {
            let p = plain::parse(&text, known_speakers);
            for (k, v) in &p.metadata {
                metadata_pair(k, v, &mut date, &mut title);
            }
            p.segments
        }
        Format::Json => {
            let j = jsonturns::parse(&text).map_err(|source| TranscriptError::Json {
                file: name.to_string(),
                source,
            })?;
            date = j.date;
            title = j.title;
            j.segments
        }
    };
    if date.is_none() {
        date = date_in_name(name);
    }
    Ok(Transcript {
        format,
        encoding: decoded.encoding,
        turns: join(segments),
        date,
        title,
    })
}

/// A `YYYY-MM-DD` date in a file name (`board-001-2025-01-15.vtt`), the
/// last resort for the meeting date: exports are commonly named by date.
fn date_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(j, c)| match j {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let bounded = i.checked_sub(1).is_none_or(|p| !b[p].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        (shape && bounded).then(|| name[i..i + 10].to_string())
    })
}

fn metadata_line(line: &str, date: &mut Option<String>, title: &mut Option<String>) {
    if let Some((k, v)) = line.split_once(':') {
        metadata_pair(&k.trim().to_lowercase(), v.trim(), date, title);
    }
}

fn metadata_pair(key: &str, value: &str, date: &mut Option<String>, title: &mut Option<String>) {
    match key {
        "date" | "meeting date" | "recorded" | "recording date" if date.is_none() => {
            *date = Some(value.to_string());
        }
        "title" | "meeting" | "subject" if title.is_none() => *title = Some(value.to_string()),
        _ => {}
    }
}

/// WebVTT cues to segments: voice spans name the speaker; cues without one
/// may carry a `Name: ` label in their text (Zoom's export does).
fn vtt_segments(vtt: &webvtt::WebVtt) -> Vec<Segment> {
    let mut out = Vec::new();
    for cue in &vtt.cues {
        for u in cuetext::utterances(&cuetext::parse(&cue.text)) {
            let (speaker, text) = match u.speaker {
                Some(s) => (Some(s), u.text),
                None => match split_speaker_label(&u.text) {
                    Some((label, rest)) => (Some(label.to_string()), rest.to_string()),
                    None => (None, u.text),
                },
            };
            out.push(Segment {
                speaker,
                start_ms: Some(cue.start_ms),
                end_ms: Some(cue.end_ms),
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> HashSet<String> {
        HashSet::new()
    }

    #[test]
    fn detection_prefers_content() {
        assert_eq!(detect("a.txt", "WEBVTT\n\n"), Format::Webvtt);
        assert_eq!(
            detect("a.txt", "1\n00:00:01,000 --> 00:00:02,000\nhi"),
            Format::Srt
        );
        assert_eq!(
            detect("a.txt", "00:00:01,000 --> 00:00:02,000\nhi"),
            Format::Srt
        );
        assert_eq!(
            detect("a.txt", "[{\"speaker\":\"A\",\"text\":\"b\"}]"),
            Format::Json
        );
        assert_eq!(detect("a.txt", "[00:01:02] Dana: hi"), Format::Text);
        assert_eq!(detect("a.txt", "Dana: hi --> there"), Format::Text);
        assert_eq!(detect("a.json", "Dana: hi"), Format::Json);
    }

    #[test]
    fn teams_style_vtt_joins_consecutive_cues() {
        let t = read(
            "board.vtt",
            b"WEBVTT\n\nNOTE\nDate: 2025-03-04\n\n1\n00:00:00.000 --> 00:00:02.000\n<v Dana Whitfield>Welcome back, everyone.</v>\n\n2\n00:00:02.000 --> 00:00:04.000\n<v Dana Whitfield>Let's start.</v>\n\n3\n00:00:04.500 --> 00:00:06.000\n<v Dr. Okafor>Thanks, Dana.</v>\n",
            None,
            &none(),
        )
        .unwrap();
        assert_eq!(t.format, Format::Webvtt);
        assert_eq!(t.date.as_deref(), Some("2025-03-04"));
        assert_eq!(t.turns.len(), 2);
        assert_eq!(t.turns[0].text, "Welcome back, everyone. Let's start.");
        assert_eq!(
            (t.turns[0].start_ms, t.turns[0].end_ms),
            (Some(0), Some(4000))
        );
        assert_eq!(t.turns[1].speaker.as_deref(), Some("Dr. Okafor"));
    }

    #[test]
    fn zoom_style_vtt_labels_in_text() {
        let t = read(
            "zoom.vtt",
            b"WEBVTT\n\n1\n0:0:0.210 --> 0:0:3.5\nDana Whitfield: Can everyone hear me?\n\n2\n0:0:4.0 --> 0:0:6.0\nSam Reyes: Yes.\n",
            None,
            &none(),
        )
        .unwrap();
        assert_eq!(t.turns.len(), 2);
        assert_eq!(t.turns[0].speaker.as_deref(), Some("Dana Whitfield"));
        assert_eq!(t.turns[0].start_ms, Some(210));
        assert_eq!(t.turns[0].text, "Can everyone hear me?");
    }

    #[test]
    fn date_from_the_file_name() {
        assert_eq!(
            date_in_name("board-001-2025-01-15.vtt").as_deref(),
            Some("2025-01-15")
        );
        assert_eq!(
            date_in_name("2025-01-15.txt").as_deref(),
            Some("2025-01-15")
        );
        assert_eq!(date_in_name("board-12025-01-155.vtt"), None);
        assert_eq!(date_in_name("x.vtt"), None);
    }

    #[test]
    fn json_errors_name_the_file() {
        let e = read("x.json", b"{\"a\": 1}", None, &none()).unwrap_err();
        assert!(e.to_string().starts_with("x.json: no list of turns"));
        let e = read("x.vtt", b"hello", Some(Format::Webvtt), &none()).unwrap_err();
        assert!(e.to_string().contains("x.vtt"));
    }
}
