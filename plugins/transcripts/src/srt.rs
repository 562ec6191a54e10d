//! SubRip (`.srt`) files.
//!
//! SRT has no specification, only a habit: blocks separated by blank lines,
//! each an index line, a timing line `00:00:01,000 --> 00:00:04,000` and text.
//! Real files break each part of that habit, so this parser keys on the
//! timing line alone:
//!
//! - the index may be missing, wrong or repeated — it is ignored;
//! - timestamps take a comma or a full stop, with or without zero padding
//!   (the lenient WebVTT timestamp rules); coordinates after the end time
//!   (`X1:… Y1:…`) are ignored;
//! - a blank line inside a cue's text (it happens) does not end the cue: text
//!   that follows without a timing line is appended to the previous cue;
//! - `<i>`, `<b>`, `<font …>` tags and `{\an8}`-style override codes are
//!   removed;
//! - speakers are taken from labels at the start of a line (`Dana: …`,
//!   `>> DANA: …`, `- Dana: …`), and a line starting with `-` without a
//!   label starts an unattributed segment (a change of speaker).
//!
//! Encodings (BOMs, UTF-16/32, Windows-1252) are [`crate::decode`]'s job.

use crate::turns::{Segment, split_speaker_label};
use crate::webvtt::{Mode, parse_timestamp};

/// A cue of an SRT file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrtCue {
    /// Start in milliseconds.
    pub start_ms: u64,
    /// End in milliseconds.
    pub end_ms: u64,
    /// The text lines, tags removed.
    pub lines: Vec<String>,
}

/// Parses the cue timing line `start --> end [coordinates]`.
fn timing_line(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = parse_timestamp(a.trim(), Mode::Lenient)?;
    let end = b.split_whitespace().next()?;
    let end = parse_timestamp(end, Mode::Lenient)?;
    Some((start, end))
}

/// Parses an SRT document into cues. Never fails: text that is not part of
/// any cue is dropped.
pub fn parse(text: &str) -> Vec<SrtCue> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut cues: Vec<SrtCue> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some((start_ms, end_ms)) = timing_line(line) {
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                // A following cue without the blank line before it.
                if timing_line(lines[i].trim()).is_some() {
                    break;
                }
                body.push(strip_tags(lines[i].trim()));
                i += 1;
            }
            // A trailing index line belongs to the next cue.
            if i < lines.len()
                && timing_line(lines[i].trim()).is_some()
                && body.last().is_some_and(|l| is_index(l))
            {
                body.pop();
            }
            cues.push(SrtCue {
                start_ms,
                end_ms,
                lines: body,
            });
            continue;
        }
        if !line.is_empty() && !is_index(line) {
            // Text after a blank line inside a cue, or before the next index.
            let next_is_timing = lines
                .get(i + 1)
                .is_some_and(|l| timing_line(l.trim()).is_some());
            if !next_is_timing && let Some(last) = cues.last_mut() {
                last.lines.push(strip_tags(line));
            }
        }
        i += 1;
    }
    for c in &mut cues {
        c.lines.retain(|l| !l.is_empty());
    }
    cues
}

fn is_index(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

/// Removes `<…>` tags and `{\…}` override codes.
fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') =>
            {
                for n in chars.by_ref() {
                    if n == '>' {
                        break;
                    }
                }
            }
            '{' if chars.peek() == Some(&'\\') => {
                for n in chars.by_ref() {
                    if n == '}' {
                        break;
                    }
                }
            }
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Turns SRT cues into segments, splitting lines at speaker labels.
pub fn segments(cues: &[SrtCue]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for cue in cues {
        let mut current: Option<Segment> = None;
        for line in &cue.lines {
            let dash = line.starts_with('-');
            match split_speaker_label(line) {
                Some((speaker, rest)) => {
                    out.extend(current.take());
                    current = Some(Segment {
                        speaker: Some(speaker.to_string()),
                        start_ms: Some(cue.start_ms),
                        end_ms: Some(cue.end_ms),
                        text: rest.to_string(),
                    });
                }
                None if dash => {
                    out.extend(current.take());
                    current = Some(Segment {
                        speaker: None,
                        start_ms: Some(cue.start_ms),
                        end_ms: Some(cue.end_ms),
                        text: line.trim_start_matches('-').trim().to_string(),
                    });
                }
                None => match &mut current {
                    Some(seg) => {
                        if !seg.text.is_empty() {
                            seg.text.push(' ');
                        }
                        seg.text.push_str(line);
                    }
                    None => {
                        current = Some(Segment {
                            // A cue that continues without a label: the
                            // speaker of the previous cue, when it had one.
                            speaker: out.last().and_then(|s| s.speaker.clone()),
                            start_ms: Some(cue.start_ms),
                            end_ms: Some(cue.end_ms),
                            text: line.clone(),
                        })
                    }
                },
            }
        }
        out.extend(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_file() {
        let cues = parse(
            "1\r\n00:00:01,000 --> 00:00:04,000\r\nDana Whitfield: Welcome.\r\n\r\n2\r\n00:00:04,500 --> 00:00:06,000 X1:10 X2:20\r\n<i>Thanks</i> for having me.\r\n",
        );
        assert_eq!(cues.len(), 2);
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 4000));
        assert_eq!(cues[1].lines, ["Thanks for having me."]);
        assert_eq!(cues[1].end_ms, 6000);
    }

    #[test]
    fn missing_indexes_and_blank_lines_inside_text() {
        let cues = parse(
            "00:00:01,000 --> 00:00:02,000\nfirst\n\nstill first\n\n00:00:03,000 --> 00:00:04,000\nsecond\n7\n00:00:05,000 --> 00:00:06,000\nthird\n",
        );
        assert_eq!(cues.len(), 3);
        assert_eq!(cues[0].lines, ["first", "still first"]);
        assert_eq!(cues[1].lines, ["second"]);
        assert_eq!(cues[2].lines, ["third"]);
    }

    #[test]
    fn loose_timestamps() {
        let cues = parse("1\n0:0:1.5 --> 0:0:2,25\n{\\an8}hi\n");
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1500, 2250));
        assert_eq!(cues[0].lines, ["hi"]);
    }

    #[test]
    fn speakers_from_labels_and_dashes() {
        let cues = parse(
            "1\n00:00:01,000 --> 00:00:02,000\nDANA: How was the trip?\n- It was long.\n\n2\n00:00:02,000 --> 00:00:03,000\nreally long\n",
        );
        let segs = segments(&cues);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].speaker.as_deref(), Some("DANA"));
        assert_eq!(segs[1].speaker, None);
        assert_eq!(segs[1].text, "It was long.");
        assert_eq!(segs[2].text, "really long");
        assert_eq!(segs[2].speaker, None);
    }
}
