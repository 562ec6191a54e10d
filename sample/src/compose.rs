//! Turning templates into sentences: slot filling, identifier planting and
//! the author's writing style.
//!
//! A sentence is a list of [`Piece`]s rather than a string, so that the
//! three things that must not mix stay apart until rendering:
//!
//! * **Identifiers** are their own pieces. Style (typos, lowercase) never
//!   touches them unless it records the changed value, so every value in
//!   the truth file is exactly what the page shows.
//! * **Moods** become a phpBB smiley image on the forum, an emoji in the
//!   feed, and nothing in a transcript.
//! * **Text** is everything else; style is applied to it per sentence.
//!
//! Each sentence is rendered once per channel and kept as a string, so that
//! a reply quoting it reproduces the earlier post's words byte for byte.

use crate::lexicon::{self, THEME_LEX};
use crate::people::{Author, Locale};
use crate::rng::Rand;

/// One part of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Piece {
    /// Plain words.
    Text(String),
    /// A planted identifier: `(kind, value)`.
    Ident(&'static str, String),
    /// A mood: index into [`lexicon::MOODS`].
    Mood(usize),
    /// An emoji (feed only).
    Emoji(&'static str),
    /// A hashtag, without `#`.
    Tag(String),
}

/// A sentence: its pieces.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Sentence {
    pub(crate) pieces: Vec<Piece>,
}

impl Sentence {
    /// The planted identifiers in this sentence.
    pub(crate) fn identifiers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Ident(k, v) => Some((*k, v.as_str())),
            _ => None,
        })
    }

    /// The sentence as plain text, moods as emoji when `emoji` is set.
    pub(crate) fn plain(&self, emoji: bool) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) | Piece::Ident(_, t) => out.push_str(t),
                Piece::Mood(m) if emoji => {
                    push_spaced(&mut out, lexicon::MOODS[*m].3);
                }
                Piece::Mood(_) => {}
                Piece::Emoji(e) if emoji => push_spaced(&mut out, e),
                Piece::Emoji(_) => {}
                Piece::Tag(t) => {
                    push_spaced(&mut out, "#");
                    out.push_str(t);
                }
            }
        }
        out.trim().to_string()
    }
}

fn push_spaced(out: &mut String, s: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(s);
}

/// Everything template expansion needs to know about the moment.
pub(crate) struct Ctx<'a> {
    pub(crate) author: &'a Author,
    /// The name a transcript speaker addresses (first name), if any.
    pub(crate) addressee: Option<&'a str>,
    /// The moderator's full name, in transcripts.
    pub(crate) moderator: Option<&'a str>,
    /// Handles of other people in the same conversation, for mentions.
    pub(crate) others: &'a [String],
}

/// Expands `template` into a sentence for the context.
pub(crate) fn sentence(template: &str, ctx: &Ctx<'_>, rng: &mut Rand) -> Sentence {
    let mut s = Sentence::default();
    expand(template, ctx, rng, &mut s.pieces, 0);
    merge_text(&mut s.pieces);
    s
}

/// Merges adjacent text pieces so that style sees whole phrases.
fn merge_text(pieces: &mut Vec<Piece>) {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces.drain(..) {
        match (out.last_mut(), p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    *pieces = out;
}

fn push_text(out: &mut Vec<Piece>, s: &str) {
    if !s.is_empty() {
        out.push(Piece::Text(s.to_string()));
    }
}

/// The template engine: `{slot}` and `[a|b|c]`, nestable.
fn expand(t: &str, ctx: &Ctx<'_>, rng: &mut Rand, out: &mut Vec<Piece>, depth: usize) {
    let bytes = t.as_bytes();
    let mut i = 0;
    let mut start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                push_text(out, &t[start..i]);
                let end = t[i..].find('}').map_or(t.len(), |e| i + e);
                let key = &t[i + 1..end.min(t.len())];
                slot(key, ctx, rng, out, depth);
                i = end + 1;
                start = i;
            }
            b'[' => {
                push_text(out, &t[start..i]);
                // Find the matching bracket and the top-level `|`s.
                let mut level = 0;
                let mut bars = vec![i + 1];
                let mut j = i;
                while j < bytes.len() {
                    match bytes[j] {
                        b'[' => level += 1,
                        b']' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        b'|' if level == 1 => bars.push(j + 1),
                        _ => {}
                    }
                    j += 1;
                }
                let k = rng.below(bars.len());
                let from = bars[k];
                let to = if k + 1 < bars.len() {
                    bars[k + 1] - 1
                } else {
                    j
                };
                if depth < 8 {
                    expand(&t[from..to.min(t.len())], ctx, rng, out, depth + 1);
                }
                i = j + 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < t.len() {
        push_text(out, &t[start..]);
    }
}

fn ident(out: &mut Vec<Piece>, kind: &'static str, value: String) {
    out.push(Piece::Ident(kind, value));
}

fn digits(rng: &mut Rand, n: usize) -> String {
    (0..n)
        .map(|_| (b'0' + rng.below(10) as u8) as char)
        .collect()
}

fn letters(rng: &mut Rand, n: usize) -> String {
    (0..n)
        .map(|_| (b'A' + rng.below(26) as u8) as char)
        .collect()
}

/// A phone number in one of the formats people actually type. US numbers
/// use the 555-01xx range reserved for fiction; UK numbers use Ofcom's
/// drama ranges.
pub(crate) fn phone(locale: Locale, rng: &mut Rand) -> String {
    match locale {
        Locale::Us => {
            let area = rng.pick(&["212", "312", "406", "515", "614", "702", "918", "208"]);
            let line = format!("01{}", digits(rng, 2));
            match rng.below(5) {
                0 => format!("({area}) 555-{line}"),
                1 => format!("{area}-555-{line}"),
                2 => format!("{area}.555.{line}"),
                3 => format!("+1 {area} 555 {line}"),
                _ => format!("555-{line}"),
            }
        }
        Locale::Uk => {
            let tail = digits(rng, 3);
            match rng.below(5) {
                0 => format!("07700 900{tail}"),
                1 => format!("07700900{tail}"),
                2 => format!("+44 7700 900{tail}"),
                3 => format!("0113 496 0{tail}"),
                _ => format!("0161 496 0{tail}"),
            }
        }
    }
}

fn email(first: &str, rng: &mut Rand) -> String {
    let first = first.to_lowercase();
    let last = rng.pick(lexicon::SURNAMES).to_lowercase();
    let domain = rng.pick(&[
        "example.com",
        "example.org",
        "example.net",
        "mail.example.com",
        "inbox.example.org",
    ]);
    match rng.below(4) {
        0 => format!("{first}.{last}@{domain}"),
        1 => format!("{first}{}@{domain}", rng.between(10, 99)),
        2 => format!("{}{last}@{domain}", &first[..1]),
        _ => format!("{first}_{last}{}@{domain}", rng.between(1, 9)),
    }
}

fn street(rng: &mut Rand) -> String {
    let (names, suffixes) = lexicon::STREETS;
    format!("{} {}", rng.pick(names), rng.pick(suffixes))
}

fn address(locale: Locale, rng: &mut Rand) -> String {
    let num = rng.between(2, 2400);
    match (locale, rng.below(3)) {
        (Locale::Us, 0) => format!("{num} W {}, Apt {}", street(rng), rng.between(1, 30)),
        (Locale::Us, _) => format!("{num} {}", street(rng)),
        (Locale::Uk, 0) => format!(
            "Flat {}, {} {}",
            rng.between(1, 12),
            num % 200 + 1,
            street(rng)
        ),
        (Locale::Uk, _) => format!("{} {}", num % 200 + 1, street(rng)),
    }
}

fn zip(locale: Locale, rng: &mut Rand) -> String {
    match locale {
        Locale::Us => format!("{}", rng.between(10_000, 99_899)),
        Locale::Uk => format!(
            "{}{} {}{}",
            letters(rng, 2),
            rng.between(1, 19),
            rng.below(10),
            letters(rng, 2)
        ),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ordinal(d: usize) -> String {
    let suffix = match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{d}{suffix}")
}

/// A full date as people write it.
fn date(locale: Locale, rng: &mut Rand) -> String {
    let y = rng.between(2024, 2025);
    let m = rng.between(1, 12);
    let d = rng.between(1, 28);
    let name = MONTHS[m - 1];
    match (locale, rng.below(6)) {
        (_, 0) => format!("{y}-{m:02}-{d:02}"),
        (Locale::Us, 1) => format!("{m}/{d}/{y}"),
        (Locale::Uk, 1) => format!("{d:02}/{m:02}/{y}"),
        (Locale::Us, 2) => format!("{name} {d}, {y}"),
        (Locale::Uk, 2) => format!("{d} {name} {y}"),
        (_, 3) => format!("{name} {}", ordinal(d)),
        (Locale::Us, 4) => format!("{m}/{d}/{}", y % 100),
        (_, 4) => format!("the {} of {name}", ordinal(d)),
        _ => format!("{} {name} {y}", ordinal(d)),
    }
}

fn url(author: &Author, rng: &mut Rand) -> String {
    let trial = author.trial.to_lowercase();
    match rng.below(5) {
        0 => format!("https://www.example.org/trials/{trial}"),
        1 => format!(
            "https://patients.example.com/stories/{}-{}",
            rng.pick(&["my", "our", "a"]),
            rng.pick(&["trial-diary", "first-visit", "journey", "update"])
        ),
        2 => format!("www.example.net/{trial}-study"),
        3 => format!(
            "https://{}.example.com/blog/{}",
            rng.pick(&["sunnyside", "ourjourney", "spoonlife", "carerdiaries"]),
            rng.between(2019, 2025)
        ),
        _ => format!(
            "https://forum.example.org/viewtopic.php?t={}",
            rng.between(1000, 99999)
        ),
    }
}

fn other_handle(rng: &mut Rand) -> String {
    let word = rng.pick(&[
        "jen", "sam", "mo", "kat", "leo", "ria", "dee", "tomo", "bex", "nico",
    ]);
    let tail = rng.pick(&[
        "writes", "_h", "runs", "x", "_uk", "88", "23", "_t2d", "_ms", "lives",
    ]);
    if rng.chance(0.3) {
        format!("u/{word}{tail}{}", rng.between(1, 99))
    } else {
        format!("@{word}{tail}")
    }
}

/// Fills one slot.
fn slot(key: &str, ctx: &Ctx<'_>, rng: &mut Rand, out: &mut Vec<Piece>, depth: usize) {
    let a = ctx.author;
    let (cond, cond_short, _) = lexicon::CONDITIONS[a.condition];
    let dr = if a.locale == Locale::Us {
        "Dr. "
    } else {
        "Dr "
    };
    match key {
        // Facts (not identifiers).
        "cond" => push_text(out, cond),
        "cond_short" => push_text(out, cond_short),
        "trial" => push_text(out, &a.trial),
        "drug" => push_text(out, &a.drug),
        "site" => push_text(out, a.site),
        "miles" => push_text(out, &format!("{}", 10 * rng.between(2, 14))),
        "money" => {
            let sym = if a.locale == Locale::Us { "$" } else { "£" };
            push_text(out, &format!("{sym}{}", 5 * rng.between(3, 24)));
        }
        "mom" => push_text(out, if a.locale == Locale::Us { "mom" } else { "mum" }),
        "dad" => push_text(out, "dad"),
        "kid_short" => ident(out, "name", a.kid.name.to_string()),
        "caree_short" => ident(out, "name", a.caree.name.to_string()),
        "caree_sig" => push_text(out, &format!("my {}", a.caree.relation)),
        // People, with names planted.
        "partner" => {
            push_text(out, &format!("my {} ", a.partner.relation));
            ident(out, "name", a.partner.name.to_string());
        }
        "kid" => {
            if rng.chance(0.5) {
                push_text(out, &format!("my {} ", a.kid.relation));
                ident(out, "name", a.kid.name.to_string());
            } else {
                push_text(
                    out,
                    rng.pick(&["my kids", "the kids", "my little one", "my two"]),
                );
            }
        }
        "caree" => {
            push_text(out, &format!("my {}", a.caree.relation));
            if rng.chance(0.5) {
                push_text(out, " ");
                ident(out, "name", a.caree.name.to_string());
            }
        }
        "doctor" => {
            push_text(out, dr);
            ident(out, "name", a.doctor.to_string());
        }
        "nurse" => match rng.below(4) {
            0 => push_text(out, "the research nurse"),
            1 => {
                push_text(out, "our nurse ");
                ident(out, "name", a.nurse.to_string());
            }
            2 => {
                ident(out, "name", a.nurse.to_string());
                push_text(out, " (the research nurse)");
            }
            _ => {
                push_text(out, "nurse ");
                ident(out, "name", a.nurse.to_string());
            }
        },
        "nurse_name" => ident(out, "name", a.nurse.to_string()),
        "partner_name" => ident(out, "name", a.partner.name.to_string()),
        "addressee" => match ctx.addressee {
            Some(n) => ident(out, "name", n.to_string()),
            None => push_text(out, "everyone"),
        },
        "moderator_name" => match ctx.moderator {
            Some(n) => ident(out, "name", n.to_string()),
            None => push_text(out, "the moderator"),
        },
        "mention" => match ctx.others.len() {
            0 => ident(out, "handle", other_handle(rng)),
            n => ident(out, "handle", format!("@{}", ctx.others[rng.below(n)])),
        },
        // Identifiers.
        "phone" => ident(out, "phone", phone(a.locale, rng)),
        "email" => ident(out, "email", email(a.partner.name, rng)),
        "email_other" => {
            let n = lexicon::any_name(rng);
            ident(out, "email", email(n, rng));
        }
        "address" => ident(out, "address", address(a.locale, rng)),
        "zip" => ident(out, "zip", zip(a.locale, rng)),
        "city" => ident(out, "city", a.town.to_string()),
        "date" => ident(out, "date", date(a.locale, rng)),
        "url" => ident(out, "url", url(a, rng)),
        "handle" => ident(out, "handle", other_handle(rng)),
        "mrn" => ident(
            out,
            "mrn",
            format!("{}{}", rng.pick(&["", "H", "MRN-", "RX"]), digits(rng, 7)),
        ),
        "member_id" => ident(
            out,
            "member_id",
            format!("{}-{}-{}", letters(rng, 3), digits(rng, 3), digits(rng, 4)),
        ),
        "ssn" => match a.locale {
            // Area numbers 900–999 are never issued.
            Locale::Us => ident(
                out,
                "ssn",
                format!("9{}-{}-{}", digits(rng, 2), digits(rng, 2), digits(rng, 4)),
            ),
            Locale::Uk => ident(
                out,
                "nhs_number",
                format!("{} {} {}", digits(rng, 3), digits(rng, 3), digits(rng, 4)),
            ),
        },
        "ssn_phrase" => match a.locale {
            Locale::Us => {
                push_text(out, "social security number ");
                ident(
                    out,
                    "ssn",
                    format!("9{}-{}-{}", digits(rng, 2), digits(rng, 2), digits(rng, 4)),
                );
            }
            Locale::Uk => {
                push_text(out, "NHS number ");
                ident(
                    out,
                    "nhs_number",
                    format!("{} {} {}", digits(rng, 3), digits(rng, 3), digits(rng, 4)),
                );
            }
        },
        "age_old" => ident(out, "age", format!("{}", rng.between(90, 97))),
        _ => match lexicon::list(key) {
            Some(items) => {
                let choice = rng.pick(items);
                expand(choice, ctx, rng, out, depth + 1);
            }
            // An unknown slot is a bug in the tables; the unit tests expand
            // every template and look for braces, so it cannot ship.
            None => push_text(out, &format!("{{{key}}}")),
        },
    }
}

/// Common misspellings people really make.
const MISSPELLINGS: &[(&str, &str)] = &[
    ("definitely", "definately"),
    ("receive", "recieve"),
    ("appointment", "appointmnet"),
    ("separate", "seperate"),
    ("because", "becuase"),
    ("really", "realy"),
    ("which", "wich"),
    ("worried", "woried"),
    ("medication", "medicaiton"),
    ("until", "untill"),
    ("tomorrow", "tommorow"),
    ("nausea", "nausia"),
    ("their", "there"),
    ("you're", "your"),
    ("it's", "its"),
];

/// Casual replacements for the `slang` style.
const SLANG: &[(&str, &str)] = &[
    ("to be honest", "tbh"),
    ("To be honest", "Tbh"),
    ("I don't know", "idk"),
    ("in my opinion", "imo"),
    ("Honestly", "Honestly tbh"),
    ("because", "cos"),
    ("you know", "ya know"),
    ("though", "tho"),
    ("going to", "gonna"),
    ("a lot", "alot"),
    ("people", "ppl"),
    ("please", "pls"),
];

/// Applies the author's style to a sentence, in place: lowercase, slang,
/// typos, exclamation marks, and a trailing mood.
pub(crate) fn stylise(
    s: &mut Sentence,
    author: &Author,
    rng: &mut Rand,
    allow_lowercase_names: bool,
) {
    let st = &author.style;
    let n = s.pieces.len();
    for (idx, p) in s.pieces.iter_mut().enumerate() {
        match p {
            Piece::Text(t) => {
                if st.slang > 0.0 {
                    for (from, to) in SLANG {
                        if t.contains(from) && rng.chance(st.slang * 2.0) {
                            *t = t.replacen(from, to, 1);
                        }
                    }
                }
                if st.typo_rate > 0.0 {
                    *t = typos(t, st.typo_rate, rng);
                }
                if st.lowercase {
                    *t = t.to_lowercase();
                }
                if idx + 1 == n && st.exclaim > 0.0 && t.ends_with('.') && rng.chance(st.exclaim) {
                    t.pop();
                    t.push_str(rng.pick(&["!!!", "!!", "!", "!!!!"]));
                }
                if idx + 1 == n
                    && st.lowercase
                    && t.ends_with('.')
                    && !t.ends_with("..")
                    && rng.chance(0.5)
                {
                    t.pop();
                }
            }
            // People who type everything in lowercase often lowercase names
            // too; the truth records the value as written.
            Piece::Ident("name", v) if allow_lowercase_names && st.lowercase && rng.chance(0.5) => {
                *v = v.to_lowercase();
            }
            _ => {}
        }
    }
    // A smiley ends a sentence with something in it, not "Update:".
    if rng.chance(st.mood) && s.plain(false).len() > 30 {
        s.pieces.push(Piece::Mood(rng.below(lexicon::MOODS.len())));
    }
}

/// Introduces typos word by word at `rate`.
fn typos(t: &str, rate: f64, rng: &mut Rand) -> String {
    let mut out = String::with_capacity(t.len() + 4);
    for (i, word) in t.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if !rng.chance(rate) {
            out.push_str(word);
            continue;
        }
        if let Some((_, to)) = MISSPELLINGS.iter().find(|(from, _)| *from == word) {
            out.push_str(to);
            continue;
        }
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 4 || !chars.iter().all(|c| c.is_ascii_alphabetic()) {
            out.push_str(word);
            continue;
        }
        let k = rng.between(1, chars.len() - 2);
        let mut c = chars.clone();
        match rng.below(3) {
            0 => c.swap(k, k + 1),
            1 => {
                c.remove(k);
            }
            _ => c.insert(k, chars[k]),
        }
        out.extend(c);
    }
    out
}

/// Picks a theme index in proportion to the author's weights, avoiding
/// `not` when given.
pub(crate) fn pick_theme(author: &Author, rng: &mut Rand, not: Option<usize>) -> usize {
    let mut w = author.themes;
    if let Some(n) = not {
        w[n] = 0.0;
    }
    rng.weighted(&w)
}

/// Picks a template not yet in `used` (a few tries, then any), and notes
/// it, so that one document does not say the same thing twice.
pub(crate) fn fresh(
    items: &[&'static str],
    used: &mut Vec<&'static str>,
    rng: &mut Rand,
) -> &'static str {
    let mut t = rng.pick(items);
    for _ in 0..6 {
        if !used.contains(&t) {
            break;
        }
        t = rng.pick(items);
    }
    used.push(t);
    t
}

/// A written sentence on a theme, not repeating a template in `used`.
pub(crate) fn theme_sentence(
    theme: usize,
    ctx: &Ctx<'_>,
    used: &mut Vec<&'static str>,
    rng: &mut Rand,
) -> Sentence {
    // Carers of a partner or parent talk about caring differently from
    // parents juggling childcare.
    let list = if theme == lexicon::CAREGIVING
        && crate::people::SEGMENTS[ctx.author.segment].role == "caregiver"
    {
        lexicon::CARER_SAID
    } else {
        THEME_LEX[theme].said
    };
    let t = fresh(list, used, rng);
    sentence(t, ctx, rng)
}

/// Splits a plain-text sentence stream into spoken fillers: prepends a
/// filler to a text piece now and then.
pub(crate) fn add_filler(s: &mut Sentence, rng: &mut Rand) {
    if let Some(Piece::Text(t)) = s.pieces.first_mut() {
        let filler = rng.pick(lexicon::FILLERS);
        let mut chars = t.chars();
        if let Some(first) = chars.next() {
            let rest = chars.as_str();
            // Keep "I", "I'm" and acronyms ("GLUCO-7", "MS") capitalised.
            let keep = rest.starts_with(|c: char| c.is_uppercase())
                || (first == 'I' && (rest.is_empty() || rest.starts_with([' ', '\''])));
            let first = if keep {
                first.to_string()
            } else {
                first.to_lowercase().collect::<String>()
            };
            *t = format!("{} {first}{rest}", crate::people::capitalise(filler));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::{self, Channel};

    fn all_templates() -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        for (i, t) in THEME_LEX.iter().enumerate() {
            let id = lexicon::THEME_IDS[i];
            for list in [t.said, t.asks, t.titles, t.spoken, t.prompts, t.staff] {
                out.extend(list.iter().map(|s| (id, *s)));
            }
        }
        for list in [
            lexicon::OPENERS,
            lexicon::BACKGROUND,
            lexicon::CLOSERS,
            lexicon::REACTIONS,
            lexicon::ADVICE,
            lexicon::OFF_TOPIC,
            lexicon::IDENT_ASIDES,
            lexicon::SIGNATURES,
            lexicon::GENERAL,
            lexicon::FEED_OPENERS,
            lexicon::OP_THANKS,
            lexicon::CARER_SAID,
            lexicon::MEETING_OPEN,
            lexicon::MEETING_RULES,
            lexicon::MEETING_CLOSE,
            lexicon::SPOKEN_ACKS,
            lexicon::SPOKEN_CHIME,
        ] {
            out.extend(list.iter().map(|s| ("general", *s)));
        }
        out
    }

    #[test]
    fn every_template_expands_fully() {
        let authors = people::authors(5, Channel::Forum, 30);
        let others = vec!["someone_else".to_string()];
        let mut rng = Rand::derive(5, "test", 0);
        for (theme, t) in all_templates() {
            for a in &authors {
                let ctx = Ctx {
                    author: a,
                    addressee: Some("Maria"),
                    moderator: Some("Jenna Park"),
                    others: &others,
                };
                let s = sentence(t, &ctx, &mut rng);
                let text = s.plain(true);
                assert!(
                    !text.contains(['{', '}', '[', ']']),
                    "{theme}: {t:?} -> {text:?}"
                );
                assert!(!text.trim().is_empty(), "{t:?}");
            }
        }
    }

    #[test]
    fn identifiers_never_hold_markup_characters() {
        // Values must appear verbatim in HTML and XML without escaping.
        let authors = people::authors(8, Channel::Feed, 40);
        let mut rng = Rand::derive(8, "test", 1);
        let mut kinds = std::collections::BTreeSet::new();
        for (_, t) in all_templates() {
            for a in &authors {
                let ctx = Ctx {
                    author: a,
                    addressee: None,
                    moderator: None,
                    others: &[],
                };
                for (k, v) in sentence(t, &ctx, &mut rng).identifiers() {
                    kinds.insert(k);
                    assert!(!v.contains(['&', '<', '>', '"', '\'']), "{k} {v:?}");
                    assert!(!v.is_empty() && v.trim() == v, "{k} {v:?}");
                }
            }
        }
        for k in [
            "name",
            "phone",
            "email",
            "address",
            "date",
            "city",
            "zip",
            "url",
            "handle",
            "mrn",
            "member_id",
            "age",
            "ssn",
            "nhs_number",
        ] {
            assert!(kinds.contains(k), "templates never plant a {k}");
        }
    }

    #[test]
    fn titles_and_signatures_plant_nothing() {
        // Titles are a record field and signatures are not body text: an
        // identifier there would be missing from the truth's meaning.
        let authors = people::authors(3, Channel::Forum, 30);
        let mut rng = Rand::derive(3, "test", 2);
        let lists: Vec<&[&str]> = THEME_LEX
            .iter()
            .map(|t| t.titles)
            .chain([lexicon::SIGNATURES])
            .collect();
        for list in lists {
            for t in list {
                for a in &authors {
                    let ctx = Ctx {
                        author: a,
                        addressee: None,
                        moderator: None,
                        others: &[],
                    };
                    let s = sentence(t, &ctx, &mut rng);
                    assert_eq!(s.identifiers().count(), 0, "{t}");
                }
            }
        }
    }

    #[test]
    fn style_leaves_identifiers_alone_and_typos_stay_rare() {
        let mut authors = people::authors(4, Channel::Forum, 1);
        let a = &mut authors[0];
        a.style.typo_rate = 0.04;
        a.style.lowercase = false;
        let mut rng = Rand::derive(4, "test", 3);
        let ctx = Ctx {
            author: a,
            addressee: None,
            moderator: None,
            others: &[],
        };
        let mut changed = 0;
        let mut words = 0;
        for _ in 0..300 {
            let s0 = sentence(
                "The study coordinator's number is {phone} and my email is {email} for anyone who needs it today.",
                &ctx,
                &mut rng,
            );
            let mut s = s0.clone();
            stylise(&mut s, a, &mut rng, true);
            let before: Vec<_> = s0.identifiers().map(|(k, v)| (k, v.to_string())).collect();
            let after: Vec<_> = s.identifiers().map(|(k, v)| (k, v.to_string())).collect();
            assert_eq!(before, after);
            let (p0, p1) = (s0.plain(false), s.plain(false));
            for (w0, w1) in p0.split(' ').zip(p1.split(' ')) {
                words += 1;
                if w0 != w1 {
                    changed += 1;
                }
            }
        }
        let rate = changed as f64 / words as f64;
        assert!(rate > 0.005 && rate < 0.12, "typo rate {rate}");
    }

    #[test]
    fn nested_alternatives_and_slots() {
        let authors = people::authors(6, Channel::Forum, 1);
        let ctx = Ctx {
            author: &authors[0],
            addressee: None,
            moderator: None,
            others: &[],
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut rng = Rand::derive(6, "test", 4);
        for _ in 0..200 {
            seen.insert(sentence("a [b|c [d|e]|] f", &ctx, &mut rng).plain(false));
        }
        let expect: std::collections::BTreeSet<String> = ["a b f", "a c d f", "a c e f", "a  f"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(seen, expect);
    }
}
