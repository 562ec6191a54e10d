//! `fetch` for transcripts: granted files → one record per speaker turn,
//! resumable from the cursor.
//!
//! # Cursor
//!
//! The cursor remembers, per file, a fingerprint of what produced its
//! records: the file's bytes and the configuration that shapes them (the
//! file's entry, the role map, the default role and date). A file whose
//! fingerprint is unchanged is skipped, so a second run over the same files
//! yields no records. A changed file (a corrected transcript, a new role
//! mapping) is read again from its first turn: turn ids are stable (they are
//! the turn's start time), so the host's upsert replaces the old records
//! rather than duplicating them.
//!
//! Turns are returned in pages of `page_size`, filled from as many files as
//! it takes; a large file spans pages, and the cursor then also holds the
//! file being paged and the next turn. Within a run the cursor also holds
//! the file the last call stopped at, so each file is read once per run,
//! not once per call. Each call re-reads and
//! re-parses the file (a call runs in a fresh instance, with nothing kept),
//! and checks the fingerprint again, starting the file over if it changed
//! between calls.
//!
//! # Records
//!
//! - `id`: `FILE#t=HH:MM:SS.mmm` (the turn's start), or `FILE#turn-N` for
//!   untimed formats; a second turn at the same instant gets `~2`.
//! - `url`: `file:FILE#t=HH:MM:SS.mmm`, a Media Fragments time offset; the
//!   file name is percent-encoded.
//! - `author`: the speaker's name as the transcript writes it. The host turns
//!   it into a keyed pseudonym; it never becomes an identity in clear.
//! - `speaker-role`: from the configured role map.
//! - `published`: the meeting date (from the file's config entry, the
//!   config, or the file's own metadata, in that order). A date alone is
//!   midnight UTC for every turn; a start time is advanced by each turn's
//!   offset, so turns sort in the order they were spoken.

use std::collections::{BTreeMap, HashSet};

use hearken_plugin_sdk::cursor::{self, CursorState};
use hearken_plugin_sdk::host::InputError;
use hearken_plugin_sdk::{Batch, Record, RecordKind, SourceError, date};
use serde::{Deserialize, Serialize};

use crate::config::{Config, FileSpec, Speakers};
use crate::transcript::{self, Transcript};
use crate::webvtt::format_timestamp;

/// Where input files come from: the host's `read-input` in the component, a
/// map in tests.
pub trait Inputs {
    /// Reads the granted file `name`.
    fn read(&self, name: &str) -> Result<Vec<u8>, InputError>;
}

/// The host's `read-input`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostInputs;

impl Inputs for HostInputs {
    fn read(&self, name: &str) -> Result<Vec<u8>, InputError> {
        hearken_plugin_sdk::host::read_input(name)
    }
}

impl<S: std::hash::BuildHasher> Inputs for std::collections::HashMap<String, Vec<u8>, S> {
    fn read(&self, name: &str) -> Result<Vec<u8>, InputError> {
        self.get(name)
            .cloned()
            .ok_or_else(|| InputError::NotGranted(name.to_string()))
    }
}

/// What the cursor holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Files fully emitted: name → what they were emitted from.
    #[serde(default)]
    pub files: BTreeMap<String, Emitted>,
    /// The file being paged, if a previous call stopped inside one.
    #[serde(default)]
    pub active: Option<Active>,
    /// The file where the run in progress stopped: the next call resumes
    /// its scan there instead of at the first file. Without it every call
    /// read and fingerprinted every file before the first changed one, so
    /// a first run over thousands of transcripts made a number of reads
    /// that grew with the square of the files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

impl CursorState for State {
    const VERSION: u32 = 1;
}

/// A file whose turns have all been returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emitted {
    /// Fingerprint of the bytes and configuration the turns came from.
    pub fingerprint: String,
    /// How many turns were returned.
    pub turns: usize,
}

/// A file part-way through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Active {
    /// The file name.
    pub file: String,
    /// Its fingerprint when paging started.
    pub fingerprint: String,
    /// The index of the next turn to return.
    pub next: usize,
}

/// FNV-1a, 64 bits: a change detector, not a security boundary.
fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xFF;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn fingerprint(bytes: &[u8], shaping: &Shaping, spec: &FileSpec) -> String {
    // The bytes hashed are those of the JSON array `[spec, roles,
    // default_role, date]`, as they always were, so cursors written before
    // the configuration part was prepared once per call stay valid.
    let spec = serde_json::to_string(spec).unwrap_or_default();
    let shaping = format!("[{spec},{}", shaping.rest);
    format!("{:016x}", fnv64(&[bytes, shaping.as_bytes()]))
}

/// What, besides its own bytes and entry, shapes every file's records —
/// the speaker roles, the default role and the default date — serialised
/// once per call: a series can map thousands of speakers.
struct Shaping {
    /// `roles,default_role,date]`: the JSON array without its `[`.
    rest: String,
}

fn shaping(config: &Config) -> Shaping {
    let json = serde_json::to_string(&(&config.roles, &config.default_role, &config.date))
        .unwrap_or_default();
    Shaping {
        rest: json.strip_prefix('[').unwrap_or(&json).to_string(),
    }
}

fn input_error(name: &str, e: InputError) -> SourceError {
    match e {
        InputError::NotGranted(_) => SourceError::Input(format!(
            "{name}: not granted to this source (name it in the source's inputs)"
        )),
        InputError::Unreadable(reason) => {
            SourceError::Input(format!("{name}: unreadable: {reason}"))
        }
    }
}

/// One page of records: the next turns of the files that changed since the
/// cursor — up to `page_size` turns, from as many files as it takes — or an
/// exhausted batch when none did. A run's calls walk the files once, in
/// the configured order, each call resuming where the last one stopped.
pub fn fetch(
    config: &Config,
    cursor: Option<&str>,
    inputs: &impl Inputs,
) -> Result<Batch, SourceError> {
    let mut state: State =
        cursor::decode_or_default(cursor).map_err(|e| SourceError::Other(e.to_string()))?;
    let names: HashSet<&str> = config.files.iter().map(FileSpec::name).collect();
    state.files.retain(|k, _| names.contains(k.as_str()));
    let speakers = config.speakers();
    // The part of the configuration that shapes a file's records, hashed
    // once per call rather than once per file.
    let shaping = shaping(config);
    let page_size = config.page_size.max(1);
    // A file no longer configured (the operator edited the list mid-run)
    // restarts the scan from the top, which costs reads, never records.
    let first = state
        .resume
        .as_deref()
        .and_then(|r| config.files.iter().position(|s| s.name() == r))
        .unwrap_or(0);
    let mut page: Vec<Record> = Vec::new();
    for spec in &config.files[first..] {
        let name = spec.name();
        let bytes = inputs.read(name).map_err(|e| input_error(name, e))?;
        let fp = fingerprint(&bytes, &shaping, spec);
        let start = match &state.active {
            Some(a) if a.file == name && a.fingerprint == fp => a.next,
            _ if state.files.get(name).is_some_and(|f| f.fingerprint == fp) => continue,
            _ => 0,
        };
        let format = spec.details().and_then(|d| d.format);
        let transcript = transcript::read(name, &bytes, format, speakers.known())
            .map_err(|e| SourceError::Parse(e.to_string()))?;
        let records = turn_records(name, spec, config, &speakers, &transcript);
        let total = records.len();
        let start = start.min(total);
        let end = total.min(start + (page_size - page.len()));
        page.extend(records.into_iter().skip(start).take(end - start));
        hearken_plugin_sdk::debug!(
            "{name}: {} as {}, turns {start}..{end} of {total}",
            transcript.format.name(),
            transcript.encoding.label()
        );
        state.resume = Some(name.to_string());
        if end < total {
            state.active = Some(Active {
                file: name.to_string(),
                fingerprint: fp,
                next: end,
            });
            return Ok(Batch::more(page, cursor::encode(&state)));
        }
        state.active = None;
        state.files.insert(
            name.to_string(),
            Emitted {
                fingerprint: fp,
                turns: total,
            },
        );
        if page.len() >= page_size {
            return Ok(Batch::more(page, cursor::encode(&state)));
        }
    }
    state.active = None;
    state.resume = None;
    Ok(Batch::done(page, Some(cursor::encode(&state))))
}

/// Percent-encodes a file name for a `file:` URL (everything but RFC 3986
/// unreserved characters).
fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The meeting's time base: the instant, and whether it carries a time of
/// day (a date alone does not advance with each turn).
fn meeting_base(raw: &str) -> Option<(time::OffsetDateTime, bool)> {
    let t = date::parse(raw).ok()?;
    let has_time = raw.contains(':');
    Some((t, has_time))
}

/// Builds the records for every turn of a transcript.
pub fn turn_records(
    name: &str,
    spec: &FileSpec,
    config: &Config,
    speakers: &Speakers,
    t: &Transcript,
) -> Vec<Record> {
    let details = spec.details();
    let raw_date = details
        .and_then(|d| d.date.clone())
        .or_else(|| config.date.clone())
        .or_else(|| t.date.clone());
    let base = raw_date.as_deref().and_then(meeting_base);
    if raw_date.is_some() && base.is_none() {
        hearken_plugin_sdk::warn!(
            "{name}: the meeting date is not a date this plugin can read; records carry none"
        );
    }
    let title = details
        .and_then(|d| d.title.clone())
        .or_else(|| t.title.clone());
    let encoded = encode_name(name);
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(t.turns.len());
    for (i, turn) in t.turns.iter().enumerate() {
        let fragment = match turn.start_ms {
            Some(ms) => format!("t={}", format_timestamp(ms)),
            None => format!("turn-{}", i + 1),
        };
        let mut id = format!("{name}#{fragment}");
        let mut k = 1;
        while used.contains(&id) {
            k += 1;
            id = format!("{name}#{fragment}~{k}");
        }
        used.insert(id.clone());
        let published = base.map(|(t0, has_time)| {
            let t = match (has_time, turn.start_ms) {
                (true, Some(ms)) => {
                    t0 + time::Duration::milliseconds(i64::try_from(ms).unwrap_or(0))
                }
                _ => t0,
            };
            date::format_rfc3339(t)
        });
        let mut record = Record {
            thread_id: Some(name.to_string()),
            author: turn.speaker.clone(),
            speaker_role: turn
                .speaker
                .as_deref()
                .and_then(|s| speakers.role_of(s))
                .map(|r| r.as_str().to_string()),
            published,
            title: title.clone(),
            ..Record::new(
                id,
                format!("file:{encoded}#{fragment}"),
                RecordKind::TranscriptTurn,
                turn.text.clone(),
            )
        }
        .with_extra("format", t.format.name())
        .with_extra("turn", (i + 1).to_string())
        .with_extra("segments", turn.segments.to_string());
        if let Some(ms) = turn.start_ms {
            record = record.with_extra("start", format_timestamp(ms));
        }
        if let Some(ms) = turn.end_ms {
            record = record.with_extra("end", format_timestamp(ms));
        }
        if t.encoding != crate::decode::Encoding::Utf8 {
            record = record.with_extra("encoding", t.encoding.label());
        }
        out.push(record);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cursors store fingerprints: preparing the configuration's part once
    /// per call must not change them, or every file would be read again
    /// after an upgrade.
    #[test]
    fn fingerprints_are_those_cursors_already_hold() {
        let config: Config = hearken_plugin_sdk::config::parse(
            r#"{"files": ["board-03.vtt", {"name": "notes.txt", "date": "2025-03-04"}],
                "roles": {"Dana Whitfield": "moderator", "Dr. Okafor": "clinician"},
                "default_role": "patient", "date": "2025-03-01"}"#,
        )
        .unwrap();
        let shaping = shaping(&config);
        for spec in &config.files {
            let bytes = b"WEBVTT\n\n00:00.000 --> 00:01.000\n<v Dana Whitfield>Welcome.\n";
            let as_before =
                serde_json::to_string(&(spec, &config.roles, &config.default_role, &config.date))
                    .unwrap();
            assert_eq!(
                fingerprint(bytes, &shaping, spec),
                format!("{:016x}", fnv64(&[bytes, as_before.as_bytes()])),
                "{}",
                spec.name()
            );
        }
    }
}
