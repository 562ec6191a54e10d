//! Patient advisory board transcripts: WebVTT and plain speaker-turn text.
//!
//! Advisory boards are recorded on video-call tools, which export WebVTT
//! captions, or transcribed by a person into a plain "speaker: words" file.
//! Both are written here, alternating by meeting, with the quirks of the
//! real exports:
//!
//! * **WebVTT**: a `WEBVTT` header with a title, `NOTE` blocks (participants,
//!   a break), `<v Speaker Name>` voice spans, cue ids in some files (numeric,
//!   or Teams-style `uuid/n-0` with closing `</v>` tags) and none in others,
//!   `hh:mm:ss.ttt` timings, a `mm:ss.ttt` short form in some files, and a
//!   loose `0:0:0.210` form on the first cue of some (tools write it,
//!   lenient players accept it). A long turn is split over consecutive cues
//!   at sentence boundaries, so an identifier never straddles two cues.
//! * **Text**: a header, then `[hh:mm:ss] Name: words`, one turn per line,
//!   with the moderator labelled `MODERATOR`.
//!
//! Two consecutive turns never have the same speaker, so a reader that
//! merges consecutive cues of one voice recovers the turns exactly. Speakers
//! address each other by first name ("Thanks, Maria"), so names occur in
//! other speakers' turns, as they do in real meetings.

use std::fmt::Write as _;
use std::path::Path;

use crate::compose::{self, Ctx, Piece, Sentence};
use crate::lexicon::{self, THEME_LEX};
use crate::markup::{long_date, rfc3339_z, ymd};
use crate::people::{self, Author, Channel, SEGMENTS};
use crate::rng::Rand;
use crate::truth::{DocTruth, PlantedIdentifier, TruthWriter};
use crate::{SampleConfig, SampleError, write_file};

/// The first meeting: 2025-01-15 14:00 UTC.
const FIRST_MEETING: i64 = 1_736_949_600;

/// Who speaks, and in what capacity.
#[derive(Clone)]
struct Speaker {
    /// The name as the file shows it (`MODERATOR` in text files).
    label: String,
    /// First name, as others address them (`Dr. Okafor` for clinicians).
    first: String,
    /// Surname, for clinicians addressed as "Dr. X".
    last: String,
    role: &'static str,
    /// Index into the author pool for patients and caregivers.
    author: Option<usize>,
    /// Index into the meeting's fact records (see `write`).
    facts: usize,
}

struct Turn {
    speaker: usize,
    sentences: Vec<Sentence>,
}

/// The site-relative paths the transcripts will have, in order.
pub(crate) fn paths(cfg: &SampleConfig) -> Vec<String> {
    (0..cfg.transcripts)
        .map(|i| {
            let ext = if i % 2 == 0 { "vtt" } else { "txt" };
            format!(
                "transcripts/board-{:03}-{}.{ext}",
                i + 1,
                ymd(meeting_time(cfg, i))
            )
        })
        .collect()
}

fn meeting_time(cfg: &SampleConfig, i: usize) -> i64 {
    // Spread over two years; at least a day apart.
    let gap = (2 * 365 * 86_400 / cfg.transcripts.max(1) as i64).max(86_400);
    FIRST_MEETING + gap * i as i64
}

/// Participants per meeting (besides the three staff).
const PER_MEETING: usize = 4;

/// `(participants, everyone)`: the size of the participant pool and of the
/// whole pool including three staff per meeting. With up to three meetings
/// every participant attends one; beyond that each attends about two, so
/// that every speaker has several turns and the same voices recur.
pub(crate) fn pool_sizes(cfg: &SampleConfig) -> (usize, usize) {
    let n = cfg.transcripts;
    let participants = if n <= 3 {
        n * PER_MEETING
    } else {
        n * PER_MEETING / 2
    };
    (participants, participants + 3 * n)
}

/// Writes every transcript; returns the number of turns.
pub(crate) fn write(
    cfg: &SampleConfig,
    root: &Path,
    truth: &mut TruthWriter,
) -> Result<usize, SampleError> {
    let seed = cfg.seed;
    let n = cfg.transcripts;
    if n == 0 {
        return Ok(0);
    }
    let (pool_size, everyone) = pool_sizes(cfg);
    // One pool for everybody, so that names are unique across roles:
    // participants first, then three staff per meeting.
    let pool = people::authors(seed, Channel::Board, everyone);
    let paths = paths(cfg);
    let mut turns_total = 0;
    for (i, path) in paths.iter().enumerate() {
        let mut rng = Rand::derive(seed, "board/meeting", i as u64);
        let mut speakers: Vec<Speaker> = Vec::new();
        let first_author = (i * PER_MEETING) % pool_size;
        let staff_name = |k: usize| pool[pool_size + 3 * i + k].handle.clone();
        let split = |name: &str| -> (String, String) {
            let mut parts = name.split(' ');
            let first = parts.next().unwrap_or(name).to_string();
            let last = parts.next_back().unwrap_or(name).to_string();
            (first, last)
        };
        let txt = path.ends_with(".txt");
        let mod_name = staff_name(0);
        let (mf, ml) = split(&mod_name);
        speakers.push(Speaker {
            label: if txt {
                "MODERATOR".into()
            } else {
                mod_name.clone()
            },
            first: mf,
            last: ml,
            role: "moderator",
            author: None,
            facts: first_author,
        });
        let doc = staff_name(1);
        let (df, dl) = split(&doc);
        speakers.push(Speaker {
            label: format!("Dr. {doc}"),
            first: df,
            last: dl,
            role: "clinician",
            author: None,
            facts: first_author,
        });
        let rep = staff_name(2);
        let (rf, rl) = split(&rep);
        speakers.push(Speaker {
            label: rep.clone(),
            first: rf,
            last: rl,
            role: "sponsor",
            author: None,
            facts: first_author,
        });
        for k in 0..PER_MEETING {
            let a = (first_author + k) % pool_size;
            let name = pool[a].handle.clone();
            let (f, l) = split(&name);
            speakers.push(Speaker {
                label: name,
                first: f,
                last: l,
                role: SEGMENTS[pool[a].segment].role,
                author: Some(a),
                facts: a,
            });
        }
        // An advisory board is about one programme: every speaker's fact
        // slots (condition, trial, drug, site) take the first participant's,
        // and staff borrow the rest of that participant's record too.
        let programme = &pool[first_author];
        let local: Vec<Author> = speakers
            .iter()
            .map(|sp| {
                let mut a = pool[sp.author.unwrap_or(first_author)].clone();
                a.condition = programme.condition;
                a.trial = programme.trial.clone();
                a.drug = programme.drug.clone();
                a.site = programme.site;
                a
            })
            .collect();
        for (k, sp) in speakers.iter_mut().enumerate() {
            sp.facts = k;
        }
        let (lo, hi) = cfg.turns_per_transcript;
        let target = rng.between(lo.max(8), hi.max(lo.max(8)));
        let turns = meeting(&speakers, &local, &mod_name, target, &mut rng);
        let start = meeting_time(cfg, i);
        let file = path.rsplit('/').next().unwrap_or(path).to_string();
        let stem = file
            .rsplit_once('.')
            .map_or(file.as_str(), |(s, _)| s)
            .to_string();
        let times = timings(&turns, &mut rng);
        let body = if txt {
            render_txt(&speakers, &local, &turns, &times, start)
        } else {
            render_vtt(&speakers, &local, &turns, &times, start, &mut rng)
        };
        write_file(root, path, body.as_bytes())?;
        for (k, turn) in turns.iter().enumerate() {
            let sp = &speakers[turn.speaker];
            let fragment = if txt {
                clock(times[k].0, false)
            } else {
                clock(times[k].0, true)
            };
            let url = format!("{path}#t={fragment}");
            truth.document(&DocTruth {
                url: url.clone(),
                id: format!("{stem}#{}", k + 1),
                kind: "transcript-turn".to_string(),
                author: sp.label.clone(),
                role: Some(sp.role.to_string()),
                segment: sp.author.map(|a| SEGMENTS[pool[a].segment].id.to_string()),
                thread: Some(stem.clone()),
                published: rfc3339_z(start + (times[k].0 / 1000) as i64),
            })?;
            let mut seen: Vec<(&str, &str)> = Vec::new();
            for s in &turn.sentences {
                for (kind, value) in s.identifiers() {
                    if !seen.contains(&(kind, value)) {
                        seen.push((kind, value));
                        truth.identifier(&PlantedIdentifier {
                            kind: kind.to_string(),
                            value: value.to_string(),
                            doc: url.clone(),
                        })?;
                    }
                }
            }
        }
        turns_total += turns.len();
    }
    Ok(turns_total)
}

fn say(
    template: &str,
    author: &Author,
    addressee: Option<&str>,
    moderator: Option<&str>,
    rng: &mut Rand,
) -> Sentence {
    let ctx = Ctx {
        author,
        addressee,
        moderator,
        others: &[],
    };
    compose::sentence(template, &ctx, rng)
}

/// A patient's spoken answer on a theme: one to three sentences.
fn answer(author: &Author, theme: usize, rng: &mut Rand) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut used = Vec::new();
    let mut s = say(
        compose::fresh(THEME_LEX[theme].spoken, &mut used, rng),
        author,
        None,
        None,
        rng,
    );
    if rng.chance(0.4) {
        compose::add_filler(&mut s, rng);
    }
    out.push(s);
    for _ in 0..rng.between(0, 2) {
        // Written sentences read aloud are a fair stand-in for longer
        // spoken elaboration; fillers make them sound spoken.
        let t = if rng.chance(0.75) {
            theme
        } else {
            compose::pick_theme(author, rng, Some(theme))
        };
        let mut s = say(
            compose::fresh(THEME_LEX[t].said, &mut used, rng),
            author,
            None,
            None,
            rng,
        );
        if rng.chance(0.3) {
            compose::add_filler(&mut s, rng);
        }
        out.push(s);
    }
    out
}

/// Scripts one meeting of about `target` turns.
fn meeting(
    speakers: &[Speaker],
    pool: &[Author],
    moderator: &str,
    target: usize,
    rng: &mut Rand,
) -> Vec<Turn> {
    let facts = |sp: &Speaker| &pool[sp.facts];
    let m = &speakers[0];
    let mut turns: Vec<Turn> = Vec::new();
    let push = |turns: &mut Vec<Turn>, speaker: usize, sentences: Vec<Sentence>| {
        if let Some(last) = turns.last_mut()
            && last.speaker == speaker
        {
            last.sentences.extend(sentences);
            return;
        }
        turns.push(Turn { speaker, sentences });
    };
    // Opening.
    let open = vec![
        say(
            rng.pick(lexicon::MEETING_OPEN),
            facts(m),
            None,
            Some(moderator),
            rng,
        ),
        say(rng.pick(lexicon::MEETING_RULES), facts(m), None, None, rng),
        {
            // Introduce the staff by name.
            let mut s = Sentence::default();
            s.pieces.push(Piece::Text("With us today are ".into()));
            s.pieces.push(Piece::Text("Dr. ".into()));
            s.pieces
                .push(Piece::Ident("name", speakers[1].last.clone()));
            s.pieces.push(Piece::Text(format!(
                ", the principal investigator at {}, and ",
                facts(m).site
            )));
            s.pieces
                .push(Piece::Ident("name", speakers[2].first.clone()));
            s.pieces.push(Piece::Text(
                " from the sponsor's patient engagement team.".into(),
            ));
            s
        },
        say(
            "Could everyone say a quick hello and a little about yourselves?",
            facts(m),
            None,
            None,
            rng,
        ),
    ];
    push(&mut turns, 0, open);
    // Introductions.
    for (k, sp) in speakers.iter().enumerate().skip(3) {
        let a = facts(sp);
        let mut s = Sentence::default();
        s.pieces.push(Piece::Text(format!(
            "{} I'm ",
            rng.pick(&["Hi everyone,", "Hello,", "Hi,", "Yeah, hi."])
        )));
        s.pieces.push(Piece::Ident("name", sp.first.clone()));
        s.pieces.push(Piece::Text(".".into()));
        let mut intro = vec![s];
        let bg = if sp.role == "caregiver" {
            "I care for {caree}, who has {cond}, and I come to all the visits with them."
        } else {
            rng.pick(&[
                "I've had {cond} since {year}, and I'm in the {trial} study.",
                "I was diagnosed with {cond} in {year}. This is my first trial.",
                "I've been in {trial} for about {n} months now.",
            ])
        };
        intro.push(say(bg, a, None, None, rng));
        push(&mut turns, k, intro);
    }
    // Rounds: the moderator asks a participant about one of their concerns.
    let participants: Vec<usize> = (3..speakers.len()).collect();
    let mut last_addressed: Option<usize> = None;
    while turns.len() + 3 <= target {
        let mut p = participants[rng.below(participants.len())];
        if Some(p) == last_addressed {
            p = participants
                [(participants.iter().position(|x| *x == p).unwrap_or(0) + 1) % participants.len()];
        }
        last_addressed = Some(p);
        let pa = facts(&speakers[p]);
        let theme = compose::pick_theme(pa, rng, None);
        let mut prompt = Vec::new();
        if let Some(prev) = turns.last().map(|t| t.speaker)
            && prev >= 3
            && rng.chance(0.6)
        {
            prompt.push(say(
                rng.pick(lexicon::SPOKEN_ACKS),
                facts(m),
                Some(&speakers[prev].first),
                None,
                rng,
            ));
        }
        prompt.push(say(
            rng.pick(THEME_LEX[theme].prompts),
            pa,
            Some(&speakers[p].first),
            None,
            rng,
        ));
        push(&mut turns, 0, prompt);
        push(&mut turns, p, answer(pa, theme, rng));
        // Another participant chimes in with their own concern.
        if rng.chance(0.4) && turns.len() + 2 < target {
            let q = participants[rng.below(participants.len())];
            if q != p {
                let qa = facts(&speakers[q]);
                let mut ss = vec![say(
                    rng.pick(lexicon::SPOKEN_CHIME),
                    qa,
                    Some(&speakers[p].first),
                    None,
                    rng,
                )];
                let qt = compose::pick_theme(qa, rng, None);
                ss.extend(answer(qa, qt, rng));
                push(&mut turns, q, ss);
            }
        }
        // Staff respond to the concern.
        if rng.chance(0.35) && turns.len() + 2 < target {
            let who = if theme == 7 || theme == 5 { 2 } else { 1 };
            let mut ss = Vec::new();
            if rng.chance(0.6) {
                let mut s = Sentence::default();
                s.pieces
                    .push(Piece::Ident("name", speakers[p].first.clone()));
                s.pieces.push(Piece::Text(", ".into()));
                s.pieces.push(Piece::Text(
                    rng.pick(&[
                        "that's fair.",
                        "thank you for saying that.",
                        "I hear you.",
                        "that's really important.",
                    ])
                    .to_string(),
                ));
                ss.push(s);
            }
            ss.push(say(
                rng.pick(THEME_LEX[theme].staff),
                facts(&speakers[who]),
                None,
                None,
                rng,
            ));
            push(&mut turns, who, ss);
            // The patient sometimes answers the clinician by name.
            if who == 1 && rng.chance(0.4) {
                let mut s = Sentence::default();
                s.pieces.push(Piece::Text(
                    rng.pick(&[
                        "Thank you, Dr. ",
                        "That would help, Dr. ",
                        "Okay. Thanks Dr. ",
                    ])
                    .to_string(),
                ));
                s.pieces
                    .push(Piece::Ident("name", speakers[1].last.clone()));
                s.pieces.push(Piece::Text(".".into()));
                push(&mut turns, p, vec![s]);
            }
        }
    }
    let close = vec![say(
        rng.pick(lexicon::MEETING_CLOSE),
        facts(m),
        None,
        None,
        rng,
    )];
    push(&mut turns, 0, close);
    turns
}

/// Start and end of each turn's sentences in milliseconds: per sentence
/// `(start, end)`, and per turn the first start.
fn timings(turns: &[Turn], rng: &mut Rand) -> Vec<(u64, Vec<(u64, u64)>)> {
    let mut t: u64 = 210 + rng.below(800) as u64;
    let mut out = Vec::with_capacity(turns.len());
    for turn in turns {
        let start = t;
        let mut spans = Vec::new();
        for s in &turn.sentences {
            let words = s.plain(false).split_whitespace().count() as u64;
            let dur = 600 + words * (340 + rng.below(120) as u64);
            spans.push((t, t + dur));
            t += dur + rng.below(400) as u64;
        }
        out.push((start, spans));
        t += 300 + rng.below(1_500) as u64;
    }
    out
}

/// `hh:mm:ss.ttt` (`with_ms`) or `hh:mm:ss`.
fn clock(ms: u64, with_ms: bool) -> String {
    let s = ms / 1000;
    if with_ms {
        format!(
            "{:02}:{:02}:{:02}.{:03}",
            s / 3600,
            (s / 60) % 60,
            s % 60,
            ms % 1000
        )
    } else {
        format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    }
}

/// The WebVTT short form `mm:ss.ttt` (valid when hours are zero).
fn short_clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}.{:03}", s / 60, s % 60, ms % 1000)
}

/// The loose form some tools emit: `0:0:0.210`.
fn loose_clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{}:{}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms % 1000)
}

fn participants_line(speakers: &[Speaker], pool: &[Author], txt: bool) -> String {
    let mut parts = Vec::new();
    for sp in speakers {
        let role = match sp.role {
            "moderator" => "moderator".to_string(),
            "clinician" => format!("principal investigator, {}", pool[sp.facts].site),
            "sponsor" => "sponsor, patient engagement".to_string(),
            other => other.to_string(),
        };
        if txt && sp.role == "moderator" {
            parts.push(format!("MODERATOR ({} {})", sp.first, sp.last));
        } else {
            parts.push(format!("{} ({role})", sp.label));
        }
    }
    parts.join(", ")
}

fn render_vtt(
    speakers: &[Speaker],
    pool: &[Author],
    turns: &[Turn],
    times: &[(u64, Vec<(u64, u64)>)],
    start: i64,
    rng: &mut Rand,
) -> String {
    let trial = &pool[speakers[0].facts].trial;
    // File-level style: cue ids, timing form, first-cue quirk.
    let ids = rng.below(3); // 0 none, 1 numeric, 2 Teams-style
    let short = rng.chance(0.3);
    let loose_first = rng.chance(0.5);
    let uuid = format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        rng.next() as u32,
        rng.next() as u16,
        rng.next() & 0xfff,
        rng.next() & 0xfff,
        rng.next() & 0xffff_ffff_ffff
    );
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "WEBVTT - {trial} patient advisory board\n\nNOTE\nPatient advisory board, {trial} programme, {}, video call.\nParticipants: {}.\nCaptions generated automatically and corrected by hand.\n\n",
        long_date(start),
        participants_line(speakers, pool, false)
    );
    let break_at = turns.len() / 2;
    let mut cue_no = 0;
    for (k, turn) in turns.iter().enumerate() {
        if k == break_at && k > 0 {
            out.push_str("NOTE\nShort comfort break here; recording paused for five minutes.\n\n");
        }
        let label = &speakers[turn.speaker].label;
        let spans = &times[k].1;
        // One or two sentences per cue.
        let mut j = 0;
        while j < turn.sentences.len() {
            let take = if rng.chance(0.5) { 2 } else { 1 }.min(turn.sentences.len() - j);
            let text: Vec<String> = turn.sentences[j..j + take]
                .iter()
                .map(|s| s.plain(false))
                .collect();
            let (from, _) = spans[j];
            let (_, to) = spans[j + take - 1];
            cue_no += 1;
            match ids {
                1 => {
                    let _ = writeln!(out, "{cue_no}");
                }
                2 => {
                    let _ = writeln!(out, "{uuid}/{}-0", cue_no + 10);
                }
                _ => {}
            }
            let timing = if cue_no == 1 && loose_first {
                format!("{} --> {}", loose_clock(from), loose_clock(to))
            } else if short && to < 3_600_000 {
                format!("{} --> {}", short_clock(from), short_clock(to))
            } else {
                format!("{} --> {}", clock(from, true), clock(to, true))
            };
            let close = if ids == 2 { "</v>" } else { "" };
            let _ = write!(out, "{timing}\n<v {label}>{}{close}\n\n", text.join(" "));
            j += take;
        }
    }
    out
}

fn render_txt(
    speakers: &[Speaker],
    pool: &[Author],
    turns: &[Turn],
    times: &[(u64, Vec<(u64, u64)>)],
    start: i64,
) -> String {
    let trial = &pool[speakers[0].facts].trial;
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "{trial} Patient Advisory Board — transcript\nDate: {}\nParticipants: {}\n\n",
        long_date(start),
        participants_line(speakers, pool, true)
    );
    for (k, turn) in turns.iter().enumerate() {
        let text: Vec<String> = turn.sentences.iter().map(|s| s.plain(false)).collect();
        let _ = writeln!(
            out,
            "[{}] {}: {}",
            clock(times[k].0, false),
            speakers[turn.speaker].label,
            text.join(" ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(62_500, true), "00:01:02.500");
        assert_eq!(clock(3_723_000, false), "01:02:03");
        assert_eq!(short_clock(62_500), "01:02.500");
        assert_eq!(loose_clock(210), "0:0:0.210");
    }
}
