//! From cues to speaker turns.
//!
//! Every format parser produces [`Segment`]s: a piece of text, perhaps a
//! speaker, perhaps a time span. A record is a *turn*: consecutive segments
//! of one speaker joined ([`join`]). Subtitle-style formats split one
//! person's sentence over several cues; an analyst wants the whole thing,
//! and a persona's evidence quote should not stop mid-sentence.
//!
//! Segments with no speaker are joined with each other like any speaker's,
//! but a turn is closed once it passes [`MAX_UNATTRIBUTED_CHARS`]: a caption
//! file without speaker labels would otherwise become one record holding the
//! whole meeting.
//!
//! Speaker labels written into the text (`Dana Whitfield: Thank you`, as
//! Zoom writes its WebVTT, and as plain-text minutes do) are recognised by
//! [`split_speaker_label`], which is deliberately conservative: a label is
//! at most five words, starts with a capital letter, and contains no
//! sentence punctuation other than the full stop of a title (`Dr.`).

/// A piece of a transcript as a format parser found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The speaker's name, if the format says who spoke.
    pub speaker: Option<String>,
    /// Start offset in milliseconds from the start of the recording.
    pub start_ms: Option<u64>,
    /// End offset in milliseconds.
    pub end_ms: Option<u64>,
    /// The plain text.
    pub text: String,
}

/// One speaker's turn: consecutive segments of one speaker, joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The speaker, if known.
    pub speaker: Option<String>,
    /// Start of the first segment, if timed.
    pub start_ms: Option<u64>,
    /// End of the last timed segment, if any.
    pub end_ms: Option<u64>,
    /// The segments' text, joined with single spaces (or newlines where a
    /// segment already held paragraphs).
    pub text: String,
    /// How many segments were joined.
    pub segments: usize,
}

/// Unattributed text is cut into turns of about this many characters.
pub const MAX_UNATTRIBUTED_CHARS: usize = 2000;

/// Joins consecutive segments of one speaker into turns. Empty segments are
/// skipped (they do not break a turn).
pub fn join(segments: impl IntoIterator<Item = Segment>) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for seg in segments {
        let text = seg.text.trim();
        if text.is_empty() {
            continue;
        }
        let same = turns.last().is_some_and(|t| {
            speaker_key(t.speaker.as_deref()) == speaker_key(seg.speaker.as_deref())
                && (t.speaker.is_some() || t.text.len() < MAX_UNATTRIBUTED_CHARS)
        });
        match turns.last_mut() {
            Some(t) if same => {
                t.text.push(' ');
                t.text.push_str(text);
                t.end_ms = seg.end_ms.or(t.end_ms);
                t.segments += 1;
                if t.start_ms.is_none() {
                    t.start_ms = seg.start_ms;
                }
            }
            _ => turns.push(Turn {
                speaker: seg.speaker,
                start_ms: seg.start_ms,
                end_ms: seg.end_ms,
                text: text.to_string(),
                segments: 1,
            }),
        }
    }
    turns
}

/// Speakers compare without regard to case or surrounding spaces, so that
/// `DANA` in one line and `Dana` in the next are one turn.
fn speaker_key(s: Option<&str>) -> Option<String> {
    s.map(|s| s.trim().to_lowercase())
}

/// Honorifics and titles that may end in a full stop inside a label.
const TITLES: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "sr", "jr", "st", "hon", "sen", "rep", "gov",
];

/// Splits `Name: text` into the speaker label and the rest, if the part
/// before the first colon looks like a name (see the module docs). Handles a
/// leading `>>` or `-` (caption conventions for a change of speaker).
pub fn split_speaker_label(line: &str) -> Option<(&str, &str)> {
    let line = line
        .trim_start()
        .trim_start_matches(">>")
        .trim_start_matches("- ")
        .trim_start();
    let (label, rest) = line.split_once(':')?;
    let label = label.trim();
    if !looks_like_name(label) {
        return None;
    }
    // `10:30` is a time, not a speaker; a label needs a space or the end
    // after its colon.
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((label, rest.trim()))
}

/// Whether a string could be a speaker's name or label.
pub fn looks_like_name(label: &str) -> bool {
    if label.is_empty() || label.chars().count() > 48 {
        return false;
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 {
        return false;
    }
    if !label.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    for w in &words {
        let bare = w.trim_end_matches('.');
        if w.ends_with('.')
            && bare.chars().count() > 1
            && !TITLES.contains(&bare.to_lowercase().as_str())
        {
            return false;
        }
        if !bare
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '(' | ')'))
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(speaker: Option<&str>, start: u64, text: &str) -> Segment {
        Segment {
            speaker: speaker.map(str::to_string),
            start_ms: Some(start),
            end_ms: Some(start + 1000),
            text: text.to_string(),
        }
    }

    #[test]
    fn consecutive_cues_of_one_speaker_join() {
        let turns = join([
            seg(Some("Dana"), 0, "Welcome back,"),
            seg(Some("DANA"), 1000, "everyone."),
            seg(Some("Sam"), 2000, "Thanks."),
            seg(Some("Sam"), 3000, "  "),
            seg(Some("Dana"), 4000, "Right."),
        ]);
        assert_eq!(turns.len(), 3);
        assert_eq!(turns[0].text, "Welcome back, everyone.");
        assert_eq!((turns[0].start_ms, turns[0].end_ms), (Some(0), Some(2000)));
        assert_eq!(turns[0].segments, 2);
        assert_eq!(turns[1].speaker.as_deref(), Some("Sam"));
        assert_eq!(turns[2].start_ms, Some(4000));
    }

    #[test]
    fn unattributed_text_is_cut() {
        let long = "word ".repeat(300);
        let turns = join([seg(None, 0, &long), seg(None, 1, &long), seg(None, 2, "x")]);
        assert_eq!(turns.len(), 2);
    }

    #[test]
    fn speaker_labels() {
        assert_eq!(
            split_speaker_label("Dana Whitfield: Thank you"),
            Some(("Dana Whitfield", "Thank you"))
        );
        assert_eq!(
            split_speaker_label(">> DR. OKAFOR: Yes."),
            Some(("DR. OKAFOR", "Yes."))
        );
        assert_eq!(split_speaker_label("Dr. Okafor:"), Some(("Dr. Okafor", "")));
        assert_eq!(split_speaker_label("We met at 10:30 today"), None);
        assert_eq!(split_speaker_label("The thing is, honestly: no"), None);
        assert_eq!(split_speaker_label("I said this. Then: that"), None);
        assert_eq!(split_speaker_label("lowercase name: hi"), None);
    }
}
