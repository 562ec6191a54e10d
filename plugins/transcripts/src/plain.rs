//! Plain speaker-turn text: minutes, exported meeting notes, court-style
//! transcripts.
//!
//! Recognised line shapes:
//!
//! - `Name: text` and `NAME: text`, and a label alone on its line
//!   (`DR. OKAFOR:`) with the text on the lines that follow;
//! - a time before the label: `[00:01:02] Name: text`, `(1:02) Name: text`,
//!   `00:01:02 Name: text`;
//! - Otter-style headings: `Dana Whitfield  0:05` alone on a line, text below;
//! - any other line continues the current turn.
//!
//! A colon is a weak signal in free text (`The problem: …`), so a label is
//! taken for a speaker only when one of these holds: a time precedes it, it
//! is written in capitals, the operator's configuration names it, or it
//! labels at least two lines of the file. Lines before the first turn are
//! the file's header, not speech: `Key: value` lines (`Date: …`,
//! `Participants: …`) are metadata, and a line without a key is the title.
//! The plugin uses the date as the meeting date.

use std::collections::{HashMap, HashSet};

use crate::config::speaker_key;
use crate::turns::{Segment, looks_like_name, split_speaker_label};
use crate::webvtt::{Mode, parse_timestamp};

/// Metadata keys that may head a transcript (compared in lower case).
const METADATA_KEYS: &[&str] = &[
    "date",
    "meeting date",
    "recorded",
    "recording date",
    "title",
    "meeting",
    "subject",
    "location",
    "time",
    "duration",
    "attendees",
    "present",
    "participants",
];

/// A parsed plain-text transcript.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainTranscript {
    /// `key: value` metadata from the head of the file, keys in lower case.
    pub metadata: Vec<(String, String)>,
    /// The segments, one per labelled line plus its continuation lines.
    pub segments: Vec<Segment>,
}

/// A line split into its parts.
struct Line<'a> {
    time: Option<u64>,
    label: Option<&'a str>,
    rest: &'a str,
}

/// Splits a leading time: `[00:01:02]`, `(1:02)` or `00:01:02 `.
fn leading_time(line: &str) -> (Option<u64>, &str) {
    let t = line.trim_start();
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = t.strip_prefix(open)
            && let Some((ts, rest)) = inner.split_once(close)
            && let Some(ms) = parse_timestamp(ts.trim(), Mode::Lenient)
        {
            return (Some(ms), rest.trim_start());
        }
    }
    if let Some((ts, rest)) = t.split_once(char::is_whitespace)
        && ts.contains(':')
        && let Some(ms) = parse_timestamp(ts, Mode::Lenient)
    {
        return (Some(ms), rest.trim_start());
    }
    (None, t)
}

/// `Name  0:05` (a heading with a trailing time, nothing else).
fn otter_heading(line: &str) -> Option<(&str, u64)> {
    let t = line.trim();
    let (name, ts) = t.rsplit_once(char::is_whitespace)?;
    let ms = parse_timestamp(ts, Mode::Lenient)?;
    let name = name.trim();
    looks_like_name(name).then_some((name, ms))
}

fn split_line(line: &str) -> Line<'_> {
    let (time, rest) = leading_time(line);
    match split_speaker_label(rest) {
        Some((label, text)) => Line {
            time,
            label: Some(label),
            rest: text,
        },
        None => Line {
            time,
            label: None,
            rest,
        },
    }
}

fn is_capitals(label: &str) -> bool {
    label.chars().any(char::is_alphabetic) && !label.chars().any(char::is_lowercase)
}

/// Parses a plain-text transcript. `known_speakers` are names the operator's
/// configuration maps to roles, as [`speaker_key`] gives them (trimmed,
/// lowercase); they are always taken as labels.
pub fn parse(text: &str, known_speakers: &HashSet<String>) -> PlainTranscript {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut label_counts: HashMap<String, usize> = HashMap::new();
    for l in &lines {
        if let Some(label) = split_line(l).label {
            *label_counts.entry(label.to_lowercase()).or_default() += 1;
        }
    }
    let accept = |line: &Line<'_>, label: &str| {
        let key = label.to_lowercase();
        line.time.is_some()
            || is_capitals(label)
            || known_speakers.contains(&speaker_key(label))
            || label_counts.get(&key).copied().unwrap_or(0) >= 2
    };

    let is_turn = |raw: &str| {
        let line = split_line(raw);
        line.label.is_some_and(|label| {
            accept(&line, label)
                && !(line.time.is_none() && METADATA_KEYS.contains(&label.to_lowercase().as_str()))
        }) || otter_heading(raw).is_some()
    };
    // Lines before the first turn are the file's header when the file has
    // turns at all: a title line, then `Key: value` metadata.
    let first_turn = lines.iter().position(|l| is_turn(l));

    let mut out = PlainTranscript::default();
    let mut current: Option<Segment> = None;
    for (n, raw) in lines.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = split_line(raw);
        if first_turn.is_some_and(|f| n < f) {
            match line.label {
                Some(label) if line.time.is_none() => {
                    out.metadata
                        .push((label.to_lowercase(), line.rest.to_string()));
                }
                _ if !out.metadata.iter().any(|(k, _)| k == "title") => {
                    out.metadata
                        .push(("title".to_string(), raw.trim().to_string()));
                }
                _ => {}
            }
            continue;
        }
        if current.is_none()
            && out.segments.is_empty()
            && line.time.is_none()
            && let Some(label) = line.label
            && METADATA_KEYS.contains(&label.to_lowercase().as_str())
            && !known_speakers.contains(&speaker_key(label))
        {
            out.metadata
                .push((label.to_lowercase(), line.rest.to_string()));
            continue;
        }
        let speaker = match line.label {
            Some(label) if accept(&line, label) => Some((label, line.rest, line.time)),
            _ => otter_heading(raw).map(|(name, ms)| (name, "", Some(ms))),
        };
        match speaker {
            Some((name, rest, time)) => {
                out.segments.extend(current.take());
                current = Some(Segment {
                    speaker: Some(name.to_string()),
                    start_ms: time,
                    end_ms: None,
                    text: rest.to_string(),
                });
            }
            None => {
                let body = if line.time.is_some() {
                    line.rest
                } else {
                    raw.trim()
                };
                match &mut current {
                    Some(seg) => {
                        if !seg.text.is_empty() {
                            seg.text.push(' ');
                        }
                        seg.text.push_str(body);
                    }
                    None => {
                        current = Some(Segment {
                            speaker: None,
                            start_ms: line.time,
                            end_ms: None,
                            text: body.to_string(),
                        })
                    }
                }
            }
        }
    }
    out.segments.extend(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(t: &PlainTranscript) -> Vec<Option<&str>> {
        t.segments.iter().map(|s| s.speaker.as_deref()).collect()
    }

    #[test]
    fn name_colon_with_metadata_and_continuations() {
        let t = parse(
            "Date: 2025-03-04\nMeeting: Patient advisory board\n\nDana Whitfield: Welcome, everyone.\nThanks for dialing in.\nJo: Happy to be here. The thing is: travel.\nDana Whitfield: Go on.\nJo: Ok.\n",
            &HashSet::new(),
        );
        assert_eq!(
            t.metadata,
            [
                ("date".to_string(), "2025-03-04".to_string()),
                ("meeting".to_string(), "Patient advisory board".to_string())
            ]
        );
        assert_eq!(
            speakers(&t),
            [
                Some("Dana Whitfield"),
                Some("Jo"),
                Some("Dana Whitfield"),
                Some("Jo")
            ]
        );
        assert_eq!(
            t.segments[0].text,
            "Welcome, everyone. Thanks for dialing in."
        );
        assert_eq!(
            t.segments[1].text,
            "Happy to be here. The thing is: travel."
        );
    }

    #[test]
    fn timed_lines_and_capitals() {
        let t = parse(
            "[00:01:02] Dana: Shall we start?\n(1:05) Sam: Yes.\nMODERATOR:\nNext question please.\nA single label: not a speaker\n",
            &HashSet::new(),
        );
        assert_eq!(speakers(&t), [Some("Dana"), Some("Sam"), Some("MODERATOR")]);
        assert_eq!(t.segments[0].start_ms, Some(62_000));
        assert_eq!(t.segments[1].start_ms, Some(65_000));
        assert_eq!(
            t.segments[2].text,
            "Next question please. A single label: not a speaker"
        );
    }

    #[test]
    fn configured_names_are_labels_even_once() {
        let known: HashSet<String> = [speaker_key("Dr. Okafor")].into();
        let t = parse("Dr. Okafor: Only once.\n", &known);
        assert_eq!(speakers(&t), [Some("Dr. Okafor")]);
        let t = parse("Dr. Okafor: Only once.\n", &HashSet::new());
        assert_eq!(speakers(&t), [None]);
    }

    #[test]
    fn otter_headings() {
        let t = parse(
            "Dana Whitfield  0:05\nWelcome.\n\nSam Lee  0:12\nHi.\n",
            &HashSet::new(),
        );
        assert_eq!(speakers(&t), [Some("Dana Whitfield"), Some("Sam Lee")]);
        assert_eq!(t.segments[1].start_ms, Some(12_000));
        assert_eq!(t.segments[1].text, "Hi.");
    }
}
