//! A single pass that cuts text into word and number tokens and looks each up in the gazetteer.
//!
//! Why our own tokenizer: the name rules need exactly three things a general-purpose segmenter does
//! not give together — byte offsets into the original (to replace in place), possessives split off
//! (`Maria's` → `Maria` + `'s`, so the name matches and the `'s` survives), and a note of what lies
//! between two tokens (a newline, a full stop, a comma), which decides sentence starts and whether two
//! capitalised words can be one name. Hyphens and apostrophes inside a word are kept (`Mayo-Walters`,
//! `O'Brien`, `don't`); dots and commas between digits are kept (`3.5`, `1,000`).

use crate::gazetteer::{self, COMMON, FUNC, Gazetteer, RARE, WORD};

/// The shape of a token's letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `Maria`: an upper-case letter then at least one lower-case one.
    Cap,
    /// `ESPOO`: two or more letters, all upper case.
    Upper,
    /// `maria`: all lower case.
    Lower,
    /// `K`: a single upper-case letter.
    Initial,
    /// `2024`, `3.5`, `53-320`: digits with inner separators.
    Number,
    /// `covid19`, `F1628`: letters and digits.
    Mixed,
    /// Anything else (`iPhone`).
    Other,
}

/// One token.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Letter shape.
    pub shape: Shape,
    /// Gazetteer flags of the lower-cased token (see [`crate::gazetteer`]).
    pub flags: u32,
    /// First token of a sentence (after `.`, `!`, `?`, `:`, a newline, a quote, or at the start).
    pub sent_start: bool,
    /// First token on its line.
    pub line_start: bool,
    /// Followed directly by a possessive `'s`.
    pub possessive: bool,
    /// Inside a span that an earlier stage already claimed (an e-mail, a URL, an allowed phrase).
    pub masked: bool,
    /// Byte range of the lower-cased token in [`Tokens::lower`].
    pub lower: (usize, usize),
    /// What separates this token from the one before: [`GAP_SPACE`], [`GAP_DOT_SPACE`] …
    pub gap: u8,
    /// Fingerprint of the lower-cased token ([`gazetteer::key`]), for comparing tokens cheaply.
    pub key: u64,
}

/// Only spaces or tabs (at least one) before the token.
pub(crate) const GAP_SPACE: u8 = 1;
/// A dot, then only spaces (at least one): "Dr. Okafor".
pub(crate) const GAP_DOT_SPACE: u8 = 2;
/// A newline somewhere in the gap.
pub(crate) const GAP_NEWLINE: u8 = 4;

fn gap_kind(gap: &str) -> u8 {
    let b = gap.as_bytes();
    let spaces = |s: &[u8]| !s.is_empty() && s.iter().all(|&c| c == b' ' || c == b'\t');
    let mut k = 0;
    if spaces(b) || (gap == "\u{a0}") {
        k |= GAP_SPACE;
    } else if b.first() == Some(&b'.') && spaces(&b[1..]) {
        k |= GAP_DOT_SPACE;
    }
    if b.contains(&b'\n') {
        k |= GAP_NEWLINE;
    }
    k
}

/// The tokens of one text, with every token lower-cased once into one buffer.
pub(crate) struct Tokens {
    /// The tokens, in order.
    pub toks: Vec<Token>,
    /// The lower-cased tokens, back to back (see [`Token::lower`]).
    pub lower: String,
}

impl Tokens {
    /// The lower-cased text of token `i`.
    pub fn lower(&self, i: usize) -> &str {
        let (a, b) = self.toks[i].lower;
        &self.lower[a..b]
    }
}

impl Token {
    /// The token's text.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// Whether the token has any of `flags`.
    pub fn has(&self, flags: u32) -> bool {
        self.flags & flags != 0
    }

    /// A word written with a capital (or all capitals).
    pub fn is_capitalised(&self) -> bool {
        matches!(self.shape, Shape::Cap | Shape::Upper)
    }

    /// Letters only.
    pub fn is_alpha(&self) -> bool {
        matches!(
            self.shape,
            Shape::Cap | Shape::Upper | Shape::Lower | Shape::Initial
        )
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Cuts `text` into tokens and looks each up.
pub(crate) fn tokenize(text: &str) -> Tokens {
    let g = gazetteer::get();
    let mut out: Vec<Token> = Vec::with_capacity(text.len() / 5);
    let mut all_lower = String::with_capacity(text.len() + 8);
    let mut lower = String::with_capacity(32);
    let mut iter = text.char_indices().peekable();
    let mut prev_end = 0usize;
    while let Some((start, c)) = iter.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        let (mut letters, mut digits, mut upper, mut lower_n) = (0usize, 0usize, 0usize, 0usize);
        let mut count = |c: char| {
            if c.is_numeric() {
                digits += 1;
            } else if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    upper += 1;
                } else if c.is_lowercase() {
                    lower_n += 1;
                }
            }
        };
        count(c);
        let first_upper = c.is_uppercase();
        let mut last = c;
        let mut possessive = false;
        while let Some(&(i, d)) = iter.peek() {
            if d.is_alphanumeric() {
                count(d);
                end = i + d.len_utf8();
                last = d;
                iter.next();
                continue;
            }
            // A joiner continues the token only when a letter or digit follows it.
            let joins =
                d == '-' || is_apostrophe(d) || ((d == '.' || d == ',') && last.is_numeric());
            if !joins {
                break;
            }
            let rest = &text[i + d.len_utf8()..];
            let mut after = rest.chars();
            let Some(next) = after.next() else { break };
            if !next.is_alphanumeric() {
                break;
            }
            if (d == '.' || d == ',') && !next.is_numeric() {
                break;
            }
            if is_apostrophe(d) {
                // Possessive 's (or a bare ' after s): split it off.
                let after_s = after.next();
                if (next == 's' || next == 'S') && after_s.is_none_or(|a| !a.is_alphanumeric()) {
                    possessive = true;
                    // Step over the apostrophe and the s: they are not a token.
                    iter.next();
                    iter.next();
                    break;
                }
            }
            iter.next();
            last = d;
        }
        if !possessive {
            // "James' book": a bare apostrophe after a final s.
            let rest = &text[end..];
            if (last == 's' || last == 'S')
                && rest.starts_with(is_apostrophe)
                && rest[rest.chars().next().map_or(1, char::len_utf8)..]
                    .chars()
                    .next()
                    .is_none_or(|a| !a.is_alphanumeric())
            {
                possessive = true;
            }
        }
        let shape = if digits > 0 && letters == 0 {
            Shape::Number
        } else if digits > 0 {
            Shape::Mixed
        } else if letters == 1 && upper == 1 {
            Shape::Initial
        } else if upper == letters || (letters >= 3 && upper == letters - 1 && last == 's') {
            // "ESPOO"; "CEOs" and "MRIs" are plural acronyms.
            Shape::Upper
        } else if first_upper && upper == 1 {
            Shape::Cap
        } else if lower_n == letters {
            Shape::Lower
        } else if first_upper {
            // "McDowell", "DeAngelo", "MacKenzie": a capital then mixed case reads as a name.
            Shape::Cap
        } else {
            Shape::Other
        };
        let gap = &text[prev_end..start];
        let prev = out.last();
        let line_start = prev.is_none() || gap.contains('\n');
        let sent_start = line_start || sentence_break(gap, prev);
        let word = &text[start..end];
        let mut flags = if matches!(shape, Shape::Number) {
            lower.clear();
            lower.push_str(word);
            0
        } else {
            lookup(g, word, &mut lower)
        };
        if flags & (gazetteer::STREET | WORD) == 0 && is_street_compound(&lower) {
            flags |= gazetteer::STREET;
        }
        let lo = all_lower.len();
        all_lower.push_str(&lower);
        out.push(Token {
            start,
            end,
            shape,
            flags,
            sent_start,
            line_start,
            possessive,
            masked: false,
            lower: (lo, all_lower.len()),
            gap: gap_kind(gap),
            key: gazetteer::key(&lower),
        });
        prev_end = end;
    }
    Tokens {
        toks: out,
        lower: all_lower,
    }
}

/// Street types that end compound street names ("Koskikatu", "Pfarrgasse", "Sludevej").
const STREET_SUFFIXES: &[&str] = &[
    "katu", "kuja", "polku", "tie", "vej", "gade", "gatan", "gata", "vägen", "vagen", "veien",
    "vegen", "gasse", "straße", "strasse", "weg", "platz", "allee", "laan", "straat", "plein",
    "gracht", "dijk", "utca", "tänav", "iela", "gatvė", "braut", "vegur", "sokak", "ring", "damm",
    "ufer", "stræde",
];

/// A word in no English list that ends in a street type.
fn is_street_compound(lower: &str) -> bool {
    lower.len() > 5
        && STREET_SUFFIXES
            .iter()
            .any(|s| lower.len() > s.len() + 2 && lower.ends_with(s))
}

/// Whether the gap between two tokens ends a sentence.
fn sentence_break(gap: &str, prev: Option<&Token>) -> bool {
    let mut brk = false;
    for c in gap.chars() {
        match c {
            '!' | '?' | ':' | ';' | '"' | '\u{201c}' | '\u{201d}' | '(' | ')' | '>' | '*'
            | '\u{2022}' => brk = true,
            '.' => {
                // "Dr. Okafor", "K. Beike", "St. John": an abbreviation's dot does not end a sentence.
                let abbrev = prev.is_some_and(|p| {
                    p.end - p.start == 1
                        || p.flags & (gazetteer::TITLE | gazetteer::STREET | gazetteer::UNIT) != 0
                        || p.shape == Shape::Initial
                });
                if !abbrev {
                    brk = true
                }
            }
            _ => {}
        }
    }
    brk
}

/// Gazetteer flags for one word, with fall-backs for contractions, hyphenated compounds and simple
/// inflections of English words.
fn lookup(g: &Gazetteer, word: &str, buf: &mut String) -> u32 {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    let mut flags = g.word(buf);
    if flags == 0 && !buf.is_ascii() {
        flags = g.word(&fold(buf));
    }
    if flags != 0 {
        return flags;
    }
    let lower = buf.as_str();
    if let Some(pos) = lower.find(['\'', '\u{2019}']) {
        let (head, tail) = lower.split_at(pos);
        let tail = tail.trim_start_matches(['\'', '\u{2019}']);
        if matches!(tail, "m" | "re" | "ve" | "ll" | "d" | "t" | "s") {
            let h = g.word(head);
            if h & (WORD | FUNC) != 0 || matches!(head, "don" | "won" | "can" | "isn" | "ain" | "y")
            {
                return COMMON | FUNC;
            }
            // "hasn't", "couldn't", "weren't": a word with its negating n.
            if tail == "t"
                && let Some(stem) = head.strip_suffix('n')
                && g.word(stem) & (WORD | FUNC) != 0
            {
                return COMMON | FUNC;
            }
        }
        return 0;
    }
    if lower.contains('-') {
        let mut all_words = true;
        let mut names = 0u32;
        for part in lower.split('-').filter(|p| !p.is_empty()) {
            let f = g.word(part);
            if f & WORD == 0 {
                all_words = false;
            }
            names |= f & (gazetteer::NAMEISH | gazetteer::PLACE | gazetteer::PROPER);
        }
        return if all_words { RARE } else { names };
    }
    // Contractions written without the apostrophe: "didnt", "couldnt", "ive", "youre", "theyll".
    if lower.is_ascii() && !word.starts_with(|c: char| c.is_uppercase()) {
        if let Some(stem) = lower.strip_suffix("nt")
            && (g.word(stem) & (WORD | FUNC) != 0
                || matches!(
                    stem,
                    "do" | "wo" | "ca" | "is" | "ai" | "does" | "did" | "was" | "has"
                ))
        {
            return COMMON | FUNC;
        }
        for tail in ["ve", "re", "ll", "m", "d"] {
            if let Some(stem) = lower.strip_suffix(tail)
                && matches!(
                    stem,
                    "i" | "you" | "we" | "they" | "he" | "she" | "it" | "that" | "there" | "who"
                )
            {
                return COMMON | FUNC;
            }
        }
    }
    // Compounds written in lower case: "bloodwork". (Capitalised compounds are often places:
    // "Greenville", "Riverside".)
    if lower.is_ascii() && lower.len() >= 7 && !word.starts_with(|c: char| c.is_uppercase()) {
        for cut in 3..=lower.len() - 3 {
            let (a, b) = lower.split_at(cut);
            if g.word(a) & COMMON != 0 && g.word(b) & COMMON != 0 {
                return RARE;
            }
        }
    }
    // Inflections: "hobbits", "worried", "Thinking".
    for suffix in ["s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ies"] {
        if let Some(stem) = lower.strip_suffix(suffix)
            && stem.len() >= 3
        {
            let f = g.word(stem);
            if f & WORD != 0 {
                return RARE;
            }
            if suffix == "ies" && g.word(&format!("{stem}y")) & WORD != 0 {
                return RARE;
            }
        }
    }
    0
}

/// Lower-case words of a gazetteer entry, split as the tokenizer would split them.
pub(crate) fn words_of(entry: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = entry.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if (c == '-' || is_apostrophe(c))
            && !cur.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            cur.push(c);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Folds common Latin accented letters to ASCII ("Jönköping" → "jonkoping"), so an unaccented
/// spelling in text matches an accented list entry and the other way round.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let r: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
            'æ' => "ae",
            'Æ' => "AE",
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
            'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
            'ď' | 'đ' | 'ð' => "d",
            'Ď' | 'Đ' | 'Ð' => "D",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
            'œ' => "oe",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
            'ß' => "ss",
            'ţ' | 'ť' | 'ț' => "t",
            'Ţ' | 'Ť' | 'Ț' => "T",
            'þ' => "th",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
            'ý' | 'ÿ' => "y",
            'Ý' | 'Ÿ' => "Y",
            'ź' | 'ż' | 'ž' => "z",
            'Ź' | 'Ż' | 'Ž' => "Z",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).toks.iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn possessives_are_split_and_inner_joiners_kept() {
        let text = "Maria's O'Brien don't Mayo-Walters 3.5 1,000 James' end.";
        assert_eq!(
            words(text),
            vec![
                "Maria",
                "O'Brien",
                "don't",
                "Mayo-Walters",
                "3.5",
                "1,000",
                "James",
                "end"
            ]
        );
        let toks = tokenize(text).toks;
        assert!(toks[0].possessive);
        assert!(!toks[1].possessive);
        assert!(toks[6].possessive);
    }

    #[test]
    fn shapes() {
        let text = "Maria ESPOO maria K 2024 covid19 iPhone McDowell";
        let shapes: Vec<Shape> = tokenize(text).toks.iter().map(|t| t.shape).collect();
        assert_eq!(
            shapes,
            vec![
                Shape::Cap,
                Shape::Upper,
                Shape::Lower,
                Shape::Initial,
                Shape::Number,
                Shape::Mixed,
                Shape::Other,
                Shape::Cap
            ]
        );
    }

    #[test]
    fn sentence_starts_skip_abbreviations() {
        let text = "I saw Dr. Okafor. Then Karin M. Beike came.\nBye";
        let toks = tokenize(text).toks;
        let starts: Vec<&str> = toks
            .iter()
            .filter(|t| t.sent_start)
            .map(|t| t.text(text))
            .collect();
        assert_eq!(starts, vec!["I", "Then", "Bye"]);
        assert!(toks.last().unwrap().line_start);
    }

    #[test]
    fn contractions_and_inflections_are_words() {
        let text = "I'm worried hobbits";
        for t in tokenize(text).toks {
            assert_ne!(t.flags & WORD, 0, "{}", t.text(text));
        }
    }

    #[test]
    fn fold_strips_accents() {
        assert_eq!(fold("jönköping"), "jonkoping");
        assert_eq!(fold("Łódź"), "Lodz");
        assert_eq!(fold("straße"), "strasse");
    }
}
