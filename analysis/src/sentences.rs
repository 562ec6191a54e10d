//! Sentence splitting for forum text.
//!
//! VADER scores a sentence at a time (its "but" rule, its `!` emphasis and
//! its compound normalisation are all sentence-level), and per-theme
//! sentiment is the mean over the sentences a theme is mentioned in, so the
//! splitter decides what a "sentence" is for every number Hearken reports.
//! Patient forum text is not edited prose, and a splitter built for news
//! (capital letter after a full stop) gets it wrong in both directions. The
//! rules here, each with a test below:
//!
//! * **Line breaks are boundaries.** Posts are written as lines: list items,
//!   a greeting, a sign-off. A line never runs on into the next. (Phrase
//!   *matching* is not affected: themes match on the token stream, across
//!   line breaks; see [`crate::text`].)
//! * **`.`, `!`, `?` and runs of them (`!!!`, `?!`, `?!?`) end a sentence**
//!   when whitespace or the end of the line follows, **whatever the case of
//!   the next word**: "it was awful. the nurse was kind" is two sentences.
//! * **Ellipses** (`...`, `..`, `…`) end a sentence only when the next word
//!   starts with a capital. Forum writers use them as a pause inside a
//!   sentence ("so... yeah") far more often than as an end.
//! * **Abbreviations do not split**: titles (`Dr.`, `Mrs.`, `Prof.`),
//!   `e.g.`, `i.e.`, `vs.`, `approx.`, `a.m.`/`p.m.`, single initials
//!   (`J.`), `No.` before a number. `etc.` and `et al.` split only before
//!   a capital. A `.` not followed by
//!   whitespace (`2.5 mg`, `U.S.`, `file.pdf`) never splits.
//! * **URLs** are skipped whole: their dots and `?` never split.
//! * **Emoticons and emoji** belong to the sentence they close: in
//!   "Great news! :) Next week…" the `:)` ends the first sentence (VADER
//!   scores it there), and an emoticon or emoji followed by a capital ends a
//!   sentence even with no full stop ("best nurse ever :) She…").
//! * Placeholders such as `[NAME]` are ordinary words: "Dr. [NAME] said…"
//!   stays one sentence.
//!
//! Ranges are byte ranges into the text, trimmed of surrounding whitespace,
//! in order, non-overlapping and never empty.

use std::ops::Range;

use crate::text::url_end;

/// Abbreviations after which a `.` never ends a sentence (lower case,
/// without the final dot).
const ABBREVIATIONS: &[&str] = &[
    "dr", "drs", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "e.g", "eg", "i.e", "ie", "vs",
    "approx", "dept", "fig", "cf", "a.m", "p.m", "u.s", "u.k", "ph.d", "m.d", "r.n",
];

/// Abbreviations after which a `.` ends a sentence only before a capital
/// (`et al.` is seen as `al`).
const SOFT_ABBREVIATIONS: &[&str] = &["etc", "al", "appt", "appts"];

/// Text emoticons, longest first where one is a prefix of another.
const EMOTICONS: &[&str] = &[
    ":-)", ":-(", ":-D", ":-P", ":-p", ":-/", ":-|", ":')", ":'(", ";-)", "</3", "^_^", "-_-",
    "T_T", ":)", ":(", ":D", ":P", ":p", ":/", ":|", ";)", "=)", "=(", ":]", ":[", "xD", "XD",
    "<3", ":o", ":O", "D:",
];

/// Split `text` into sentences. See the module docs for the rules.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        split_line(text, line_start, line_start + line.len(), &mut out);
        line_start += line.len() + 1;
    }
    out
}

fn split_line(text: &str, lo: usize, hi: usize, out: &mut Vec<Range<usize>>) {
    let line = &text[lo..hi];
    let mut start = 0;
    let mut i = 0;
    while i < line.len() {
        let Some(c) = line[i..].chars().next() else {
            break;
        };
        let at_word_start = i == 0 || line[..i].ends_with(|p: char| p.is_whitespace() || p == '(');
        if at_word_start
            && c.is_ascii_alphabetic()
            && let Some(end) = url_end(line, i)
        {
            i = end.max(i + 1);
            continue;
        }
        if is_terminator(c) {
            let run_end = i + line[i..]
                .find(|c: char| !is_terminator(c))
                .unwrap_or(line.len() - i);
            let mut p = absorb_closers(line, run_end);
            if p < line.len() && !line[p..].starts_with(char::is_whitespace) {
                i = run_end;
                continue;
            }
            p = absorb_trailing_smileys(line, p);
            let next = next_char(line, p);
            if ends_sentence(&line[..i], &line[i..run_end], next) {
                push_trimmed(text, lo + start, lo + p, out);
                start = p;
                i = p;
            } else {
                i = run_end;
            }
            continue;
        }
        if at_word_start && let Some(len) = emoticon_at(line, i) {
            let end = i + len;
            if end == line.len() || line[end..].starts_with(char::is_whitespace) {
                let p = absorb_trailing_smileys(line, end);
                if next_char(line, p).is_some_and(char::is_uppercase) {
                    push_trimmed(text, lo + start, lo + p, out);
                    start = p;
                    i = p;
                    continue;
                }
            }
            i = end;
            continue;
        }
        if is_emoji(c) {
            let end = emoji_run_end(line, i);
            if end == line.len() || line[end..].starts_with(char::is_whitespace) {
                let p = absorb_trailing_smileys(line, end);
                if next_char(line, p).is_some_and(char::is_uppercase) {
                    push_trimmed(text, lo + start, lo + p, out);
                    start = p;
                    i = p;
                    continue;
                }
            }
            i = end;
            continue;
        }
        i += c.len_utf8();
    }
    push_trimmed(text, lo + start, hi, out);
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Decide whether a terminator run ends a sentence, given the line before it
/// and the first non-space character after it.
fn ends_sentence(before: &str, run: &str, next: Option<char>) -> bool {
    if run.contains(['!', '?']) {
        return true;
    }
    let next_upper = next.is_none_or(char::is_uppercase);
    if run != "." {
        // An ellipsis: a pause unless a capital follows.
        return next_upper;
    }
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(first), None) = (chars.next(), chars.next())
        && first.is_uppercase()
    {
        return false; // an initial: "J. Smith"
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    if SOFT_ABBREVIATIONS.contains(&lower.as_str()) {
        return next_upper;
    }
    if lower == "no" || lower == "nos" {
        // "No. 5" is a number; "I said no." is an answer.
        return !next.is_some_and(|c| c.is_ascii_digit());
    }
    true
}

fn absorb_closers(line: &str, mut p: usize) -> usize {
    while let Some(c) = line[p..].chars().next() {
        if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
            p += c.len_utf8();
        } else {
            break;
        }
    }
    p
}

/// After a sentence end, take any emoticons or emoji that follow (separated
/// by spaces) into the sentence.
fn absorb_trailing_smileys(line: &str, mut p: usize) -> usize {
    loop {
        let w = p + line[p..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(line.len() - p);
        if w >= line.len() {
            return p;
        }
        let end = if let Some(len) = emoticon_at(line, w) {
            w + len
        } else if line[w..].starts_with(is_emoji) {
            emoji_run_end(line, w)
        } else {
            return p;
        };
        if end < line.len() && !line[end..].starts_with(char::is_whitespace) {
            return p;
        }
        p = end;
    }
}

fn next_char(line: &str, p: usize) -> Option<char> {
    line[p..].chars().find(|c| !c.is_whitespace())
}

/// Whether `word` is exactly one of the text emoticons.
pub(crate) fn is_emoticon(word: &str) -> bool {
    EMOTICONS.contains(&word)
}

fn emoticon_at(line: &str, i: usize) -> Option<usize> {
    let rest = &line[i..];
    EMOTICONS
        .iter()
        .find(|e| rest.starts_with(**e))
        .map(|e| e.len())
}

/// Pictographic emoji and the symbols commonly used as emoji.
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Emoji modifiers that continue an emoji sequence.
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c as u32,
        0xFE0E | 0xFE0F | 0x200D | 0x1F3FB..=0x1F3FF | 0x20E3
    )
}

fn emoji_run_end(line: &str, i: usize) -> usize {
    i + line[i..]
        .find(|c: char| !(is_emoji(c) || is_emoji_modifier(c)))
        .unwrap_or(line.len() - i)
}

fn push_trimmed(text: &str, lo: usize, hi: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[lo..hi];
    let trimmed_start = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if !trimmed.is_empty() {
        out.push(lo + trimmed_start..lo + trimmed_start + trimmed.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn plain_sentences_split() {
        assert_eq!(
            sents("It went well. I'm glad!"),
            ["It went well.", "I'm glad!"]
        );
    }

    #[test]
    fn missing_capitals_still_split() {
        assert_eq!(
            sents("the drive was awful. the nurse was kind though"),
            ["the drive was awful.", "the nurse was kind though"]
        );
    }

    #[test]
    fn line_breaks_are_boundaries() {
        assert_eq!(
            sents("Hi all\r\nwent to screening today\n\n- they said i was eligible\n"),
            [
                "Hi all",
                "went to screening today",
                "- they said i was eligible"
            ]
        );
    }

    #[test]
    fn exclamation_and_question_runs_are_one_boundary() {
        assert_eq!(
            sents("I got in!!! Can you believe it?! Me neither?!?"),
            ["I got in!!!", "Can you believe it?!", "Me neither?!?"]
        );
    }

    #[test]
    fn ellipsis_pauses_unless_a_capital_follows() {
        assert_eq!(sents("so... yeah it was fine"), ["so... yeah it was fine"]);
        assert_eq!(
            sents("I was nervous… The nurse helped"),
            ["I was nervous…", "The nurse helped"]
        );
        assert_eq!(
            sents("I waited.... Then nothing"),
            ["I waited....", "Then nothing"]
        );
    }

    #[test]
    fn abbreviations_and_decimals_do_not_split() {
        assert_eq!(
            sents("Dr. [NAME] said e.g. 2.5 mg at 9 a.m. daily. OK then"),
            ["Dr. [NAME] said e.g. 2.5 mg at 9 a.m. daily.", "OK then"]
        );
        assert_eq!(
            sents("Saw J. Smith vs. the rest"),
            ["Saw J. Smith vs. the rest"]
        );
        assert_eq!(
            sents("pills, shots etc. and more"),
            ["pills, shots etc. and more"]
        );
        assert_eq!(
            sents("pills, shots etc. Then more"),
            ["pills, shots etc.", "Then more"]
        );
    }

    #[test]
    fn urls_do_not_split() {
        assert_eq!(
            sents("Read https://trials.example.org/a.b?x=1. it helped"),
            ["Read https://trials.example.org/a.b?x=1.", "it helped"]
        );
        assert_eq!(
            sents("see www.example.com for more"),
            ["see www.example.com for more"]
        );
    }

    #[test]
    fn emoticons_stay_with_their_sentence() {
        assert_eq!(
            sents("Great news! :) Next week is dose one :-( ugh"),
            ["Great news! :)", "Next week is dose one :-( ugh"]
        );
        assert_eq!(
            sents("best nurse ever :) She is great"),
            ["best nurse ever :)", "She is great"]
        );
        assert_eq!(
            sents("Got in! 🎉🎉 Start Monday"),
            ["Got in! 🎉🎉", "Start Monday"]
        );
        assert_eq!(sents("love it 😊 So glad"), ["love it 😊", "So glad"]);
    }

    #[test]
    fn closing_quotes_belong_to_the_sentence() {
        assert_eq!(
            sents("She said \"you're in!\" Then she left."),
            ["She said \"you're in!\"", "Then she left."]
        );
    }

    #[test]
    fn ranges_are_trimmed_and_never_empty() {
        assert!(split("  \n\n \t ").is_empty());
        assert_eq!(split(" Hi. "), vec![1..4]);
        assert_eq!(sents("..."), ["..."]);
    }
}
