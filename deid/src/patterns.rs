//! Identifiers with a shape: e-mails, URLs, handles, phone and record numbers, dates, ages, IPs.
//!
//! Why one regex: every alternative is compiled into a single `regex::Regex`, so the text is scanned
//! once by one lazy DFA whatever the number of patterns; a named capture group per alternative tells
//! which one matched, and captures are resolved only over the (rare) matched spans. The regex is
//! leftmost-first, so where two alternatives can start at the same place the one listed first wins;
//! the order below is deliberate (a keyword-led record number before the bare number it contains, a
//! date before a phone number).
//!
//! Word boundaries are ASCII (`(?-u:\b)`): a Unicode `\b` makes the lazy DFA give up on non-ASCII text
//! and fall back to a far slower engine. Between digits and ASCII punctuation the two agree.
//!
//! What a match *is* is decided after matching, in plain code that is easy to test: a digit run is a
//! social security number, a payment card (Luhn check), a phone or fax number, or some other id by its
//! shape and the word before it; a run that is none of these (a year range, a decimal, an amount) is
//! dropped.

use regex::{Captures, Regex};

use crate::IdentifierKind as K;

/// A span to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Detection {
    /// Byte offset of the first removed byte.
    pub start: usize,
    /// Byte offset one past the last removed byte.
    pub end: usize,
    /// What it is.
    pub kind: K,
    /// For dates: the byte range of a four-digit year inside the span, which is kept.
    pub year: Option<(usize, usize)>,
}

impl Detection {
    pub(crate) fn new(start: usize, end: usize, kind: K) -> Self {
        Detection {
            start,
            end,
            kind,
            year: None,
        }
    }
}

const MONTH_WORD: &str = "(?:(?i:january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)|May|MAY)";
const DAY: &str = "(?:[12][0-9]|3[01]|0?[1-9])";
const ORD: &str = "(?i:st|nd|rd|th)";
const YEAR: &str = "(?:1[89][0-9]{2}|20[0-9]{2})";
const B: &str = "(?-u:\\b)";

/// A keyword-led identifier: the keyword is kept, the value after it removed.
fn keyed(group: &str, keywords: &str) -> String {
    format!(
        "(?i:{B}(?:{keywords})(?:\\s*(?:number|num|no\\.?|#|id|code))?(?:\\s*(?:is|was|=|:|#|-))*\\s*)(?P<{group}>[A-Za-z0-9][A-Za-z-]{{0,12}}[0-9][A-Za-z0-9-]{{0,22}}){B}"
    )
}

fn build() -> Vec<String> {
    let month = format!("{MONTH_WORD}{B}\\.?");
    let time = "(?:[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?";
    let h = "[0-9A-Fa-f]{1,4}";
    // A separator and a further group of digits, perhaps with an area code in brackets.
    let sepg = "(?:(?:[ .\\-/]|\\s?-\\s?)(?:\\(0?[0-9]{1,5}\\)\\s?)?[0-9]{1,6})";
    let alts: Vec<String> = vec![
        // Links, addresses and handles.
        "(?P<url>(?i:https?://|www\\.)[^\\s<>\"'()\\[\\]{}|\\\\^`]+)".into(),
        "(?P<profile>(?i:(?:facebook|fb|instagram|twitter|x|tiktok|linkedin|reddit|bsky|threads|youtube|patientslikeme)\\.(?:com|app|net)/)[^\\s<>\"']+)".into(),
        "(?P<mastodon>@[A-Za-z0-9_]{1,30}@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)".into(),
        "(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})".into(),
        "(?P<did>did:[a-z]{2,10}:[A-Za-z0-9._:%-]*[A-Za-z0-9])".into(),
        "(?P<bsky>@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.bsky\\.social)".into(),
        "(?P<at>@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)".into(),
        format!("(?P<reddit>/?{B}u/[A-Za-z0-9_-]{{3,20}}){B}"),
        format!("(?P<domain>{B}[A-Za-z0-9][A-Za-z0-9-]{{1,62}}(?:\\.[A-Za-z0-9-]{{1,63}})*\\.(?i:com|org|net|edu|gov|io|co|uk|us|ca|au|nz|ie|de|fr|nl|in|info|me|ly|app|dev|health|care|blog|site|online|social|xyz|biz)(?:/[^\\s<>\"']*)?){B}"),
        // Keyword-led record numbers: the keyword stays, the value goes.
        keyed("mrn", "mrn|medical\\s+record|med\\s+rec|chart|patient\\s+id|hospital\\s+(?:number|no|id)|record"),
        keyed("ssnkw", "ssn|ss#|social\\s+security(?:\\s+number)?|social"),
        keyed("plan", "member|membership|policy|subscriber|insurance(?:\\s+id)?|health\\s+plan|plan|group|medicaid|medicare|beneficiary|hicn|mbi"),
        keyed("acct", "account|acct|a/c|iban|routing|sort\\s+code|bank\\s+account"),
        keyed("vehicle", "vin|licen[cs]e\\s+plate|number\\s+plate|registration\\s+plate|plate"),
        keyed("licence", "(?:driver'?s?\\s+)?licen[cs]e|dl|certificate|permit|npi|dea|passport"),
        keyed("device", "serial|s/n|sn|device(?:\\s+id)?|imei|udi|lot|pacemaker(?:\\s+id)?|implant(?:\\s+id)?"),
        format!("(?i:{B}(?:zip(?:\\s*code)?|postal\\s*code|post\\s*code|postcode)(?:\\s*(?:is|was|:|#))*\\s*)(?P<zipkw>[0-9]{{2,6}}(?:[ -][0-9]{{2,4}})?(?:\\s?[A-Z]{{2}}{B})?|[A-Z]{{1,2}}[0-9][A-Z0-9]?\\s?[0-9][A-Z]{{2}}){B}"),
        // Dates: every element more specific than the year.
        format!("(?P<iso>{B}{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]){time}|{B}{YEAR}/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])){B}"),
        format!("(?P<dmy>{B}(?:0?[1-9]|[12][0-9]|3[01])(?P<dmysep>[/.-])(?:0?[1-9]|[12][0-9]|3[01])[/.-](?:{YEAR}|[0-9]{{2}}){time}){B}"),
        format!("(?i:{B}(?:on|since|until|till|by|from|before|after|dated|due|thru|through)\\s+)(?P<md>(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])(?:/(?:{YEAR}|[0-9]{{2}}))?){B}"),
        format!("(?P<weekday>(?i:{B}(?:mon|tues|wednes|thurs|fri|satur|sun)day){B}(?:,?\\s+(?:the\\s+)?{DAY}{ORD}{B}(?:\\s+of\\s+{month})?(?:,?\\s+{YEAR}{B})?|,?\\s+{month}\\s+{DAY}{ORD}?{B}(?:,?\\s+{YEAR}{B})?|,?\\s+{DAY}{ORD}?\\s+{month}(?:,?\\s+{YEAR}{B})?)?)"),
        format!("(?P<mdy>{B}{month}\\s*{DAY}{ORD}?{B}(?:,?\\s+{YEAR}{B})?)"),
        format!("(?P<dmytext>{B}{DAY}{ORD}?\\s+(?:of\\s+)?{month}(?:,?\\s+{YEAR}{B})?)"),
        format!("(?P<monthyear>{B}{month},?\\s+(?:of\\s+)?{YEAR}){B}"),
        format!("(?i:{B}(?:on|by|since|until|till|from|before|after)\\s+the\\s+)(?P<ordinal>{DAY}{ORD}){B}"),
        format!("(?i:{B}(?:in|since|until|till|during|by|early|late|mid|last|next|this|before|after|from|of|through|throughout|end\\s+of|start\\s+of)[\\s-]+)(?P<monthctx>(?:(?i:january|february|march|april|june|july|august|september|october|november|december)|May){B}(?:\\s*{DAY}{ORD}?{B})?(?:,?\\s+(?:of\\s+)?{YEAR}{B})?)"),
        // A birth year on its own: removed only when it shows an age over 89 (checked in code).
        format!("(?i:{B}born\\s+(?:in\\s+)?)(?P<birthyear>{YEAR}){B}"),
        // Ages over 89: only the number is removed (and written "90+").
        format!("(?P<age>{B}(?:9[0-9]|1[01][0-9]))(?:\\s*-?\\s*(?i:years?|yrs?)(?:\\s*-?\\s*(?i:olds?))?|\\s*(?i:yo|y/o|y\\.o\\.)){B}"),
        format!("(?i:{B}(?:aged|age|turned|turning|turns|age\\s+of)\\s+)(?P<age2>9[0-9]|1[01][0-9]){B}"),
        // "my dad is 95", "she's 92", "grandma just turned 101": a person, a verb of being, a number.
        format!("(?i:{B}(?:i'?m|i\\s+am|(?:he|she)(?:'s|\\s+is|\\s+was)|(?:my|his|her|our|their)\\s+(?:[a-z]+\\s+)?(?:dad|father|mom|mum|mother|grandma|grandmother|grandpa|grandfather|gran|granny|nana|nan|papa|husband|wife|aunt|uncle|neighbou?r|patient|friend|partner|brother|sister)(?:'s|\\s+is|\\s+was|\\s+will\\s+be))\\s+(?:now\\s+|nearly\\s+|almost\\s+|over\\s+)?)(?P<age3>9[0-9]|1[01][0-9]){B}"),
        // Internet addresses.
        format!("(?P<ipv4>{B}(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){{3}}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){B}"),
        format!("(?P<ipv6>{B}{h}(?::{{1,2}}{h}){{2,7}}(?:::|{B})|::{h}(?::{h}){{0,6}}{B})"),
        // Postal forms that need no context.
        format!("(?P<pobox>(?i:{B}p\\.?\\s?o\\.?\\s*box)\\s+[0-9]+{B})"),
        format!("(?P<military>{B}(?:PSC|CMR|Unit)\\s+[0-9]+,?\\s+Box\\s+[0-9]+{B}|{B}(?:APO|FPO|DPO)\\s+(?:AA|AE|AP)\\s+[0-9]{{5}}{B})"),
        format!("(?P<unit>(?i:{B}(?:apt|apartment|suite|ste|unit|rm|room|bldg|building|floor|postbox|pobox))\\.?\\s*#?\\s*[0-9]+[A-Za-z]?{B})"),
        // A bare ZIP where the words say it is a place: "anyone near 48044?", "we're in 10025".
        format!("(?i:{B}(?:near|around|outside|in|from|by|zip|area|live\\s+in|lives\\s+in|based\\s+in)\\s+)(?P<zipctx>[0-9]{{5}}(?:-[0-9]{{4}})?){B}"),
        format!("(?P<ukpost>{B}[A-Z]{{1,2}}[0-9][A-Z0-9]?\\s[0-9][A-Z]{{2}}{B}|{B}[A-Z][0-9][A-Z]\\s?[0-9][A-Z][0-9]{B})"),
        // Digit runs: phone, fax, SSN, card, other ids (classified in code).
        // At least seven digits in one run, or two or more groups: a lone "3" or "2024" never matches.
        format!("(?P<number>(?:(?:\\+\\s?[0-9]{{1,15}}|\\(0?[0-9]{{1,5}}\\)\\s?[0-9]{{1,6}}|{B}[0-9]{{7,19}}){sepg}{{0,7}}|{B}[0-9]{{1,6}}{sepg}{{1,7}})(?:\\s?(?i:x|ext\\.?|extension)\\s?[0-9]{{1,6}})?){B}"),
        // Codes mixing letters and digits.
        format!("(?P<alnum>{B}[A-Za-z0-9]*(?:[0-9][A-Za-z]|[A-Za-z][0-9])[A-Za-z0-9-]*){B}"),
    ];
    alts
}

/// The compiled pattern set: one multi-pattern regex that scans the text, and each pattern on its own
/// for reading the groups of a match (resolving forty capture groups on every match of one big regex
/// costs more than the scan itself).
pub(crate) struct Patterns {
    all: regex_automata::meta::Regex,
    each: Vec<Regex>,
}

static SHARED: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();

impl Patterns {
    /// The built-in patterns, compiled once per process and shared by every `Deidentifier`.
    pub(crate) fn shared() -> &'static Patterns {
        SHARED.get_or_init(Patterns::new)
    }

    fn new() -> Self {
        let alts = build();
        // The patterns are constants of this crate; failing to compile them is a bug that every test
        // catches, not a condition of input.
        #[allow(clippy::expect_used)]
        // The lazy DFA's cache: at the default 2 MiB this many alternatives fill it within a few
        // hundred posts, and every clear means building the same states again (a profile of the
        // ingest showed the DFA construction beside the search itself). 16 MiB a searching thread
        // holds the working set; it is allocated only as states are built.
        let all = regex_automata::meta::Regex::builder()
            .configure(regex_automata::meta::Regex::config().hybrid_cache_capacity(16 << 20))
            .build_many(&alts)
            .expect("built-in patterns compile");
        #[allow(clippy::expect_used)]
        let each = alts
            .iter()
            .map(|a| Regex::new(a).expect("built-in pattern compiles"))
            .collect();
        Patterns { all, each }
    }

    /// Every shaped identifier in `text`, in order, non-overlapping. Years up to `old_year` show an
    /// age over 89 and are removed too (Safe Harbor: "all elements of dates, including year,
    /// indicative of such age").
    pub(crate) fn find(&self, text: &str, old_year: u32, out: &mut Vec<Detection>) {
        for m in self.all.find_iter(text) {
            let re = &self.each[m.pattern().as_usize()];
            // The same pattern, from the same place, finds the same match; now with its groups.
            let Some(caps) = re.captures_at(text, m.start()) else {
                continue;
            };
            if caps.get(0).is_some_and(|c| c.start() == m.start())
                && let Some(mut d) = classify(text, &caps)
            {
                if let Some((a, b)) = d.year
                    && text[a..b].parse::<u32>().is_ok_and(|y| y <= old_year)
                {
                    d.year = None;
                }
                if d.kind == K::Date
                    && d.year.is_none()
                    && caps.name("birthyear").is_some()
                    && !text[d.start..d.end]
                        .parse::<u32>()
                        .is_ok_and(|y| y <= old_year)
                {
                    continue;
                }
                out.push(d);
            }
        }
    }
}

const SOCIAL_HOSTS: &[&str] = &[
    "facebook.com",
    "fb.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "tiktok.com",
    "linkedin.com",
    "reddit.com",
    "bsky.app",
    "threads.net",
    "youtube.com",
    "patientslikeme.com",
    "mastodon.social",
];

fn trim_url_end(text: &str, start: usize, mut end: usize) -> usize {
    while end > start {
        let c = text[..end].chars().next_back().unwrap_or(' ');
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\'' | '"') {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    end
}

fn classify(text: &str, caps: &Captures<'_>) -> Option<Detection> {
    let group = |name: &str| caps.name(name);
    if let Some(m) = group("url") {
        let end = trim_url_end(text, m.start(), m.end());
        let lower = text[m.start()..end].to_ascii_lowercase();
        let host_path = lower
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.");
        let kind = if SOCIAL_HOSTS
            .iter()
            .any(|h| host_path.starts_with(h) && host_path.len() > h.len() + 1)
        {
            K::ProfileLink
        } else {
            K::Url
        };
        return Some(Detection::new(m.start(), end, kind));
    }
    if let Some(m) = group("profile") {
        if preceded_by_word(text, m.start()) {
            return None;
        }
        let end = trim_url_end(text, m.start(), m.end());
        return Some(Detection::new(m.start(), end, K::ProfileLink));
    }
    if let Some(m) = group("mastodon").or_else(|| group("bsky")) {
        return Some(Detection::new(m.start(), m.end(), K::Handle));
    }
    if let Some(m) = group("email") {
        return Some(Detection::new(m.start(), m.end(), K::Email));
    }
    if let Some(m) = group("did") {
        return (m.len() >= 12).then(|| Detection::new(m.start(), m.end(), K::Handle));
    }
    if let Some(m) = group("at") {
        if preceded_by_word(text, m.start()) || m.len() < 3 {
            return None;
        }
        let end = trim_url_end(text, m.start(), m.end());
        return Some(Detection::new(m.start(), end, K::Handle));
    }
    if let Some(m) = group("reddit") {
        if preceded_by_word(text, m.start()) || text[..m.start()].ends_with('/') {
            return None;
        }
        return Some(Detection::new(m.start(), m.end(), K::Handle));
    }
    if let Some(m) = group("domain") {
        // "e.g.", "Node.js" never reach here (no such TLD); a domain needs a letter in its first label.
        if preceded_by_word(text, m.start()) || text[..m.start()].ends_with(['.', '@']) {
            return None;
        }
        let end = trim_url_end(text, m.start(), m.end());
        let s = &text[m.start()..end];
        let first = s.split('.').next().unwrap_or("");
        if !first.chars().any(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let lower = s.to_ascii_lowercase();
        let kind = if SOCIAL_HOSTS
            .iter()
            .any(|h| lower.starts_with(h) && lower.len() > h.len() + 1)
        {
            K::ProfileLink
        } else {
            K::Url
        };
        return Some(Detection::new(m.start(), end, kind));
    }
    for (name, kind) in [
        ("mrn", K::MedicalRecord),
        ("ssnkw", K::Ssn),
        ("plan", K::HealthPlan),
        ("acct", K::Account),
        ("vehicle", K::Vehicle),
        ("licence", K::Licence),
        ("device", K::Device),
    ] {
        if let Some(m) = group(name) {
            let v = m.as_str();
            let digits = v.bytes().filter(u8::is_ascii_digit).count();
            // A value needs digits ("plan is to rest" is not a plan number); short all-digit values
            // after a weak keyword ("group 2") are not ids either.
            if digits < 3 || (digits == v.len() && digits < 4) {
                return None;
            }
            let kind = if kind == K::Ssn && digits != 9 {
                K::Id
            } else {
                kind
            };
            return Some(Detection::new(m.start(), m.end(), kind));
        }
    }
    if let Some(m) = group("zipkw") {
        return Some(Detection::new(m.start(), m.end(), K::Zip));
    }
    if let Some(m) = group("birthyear") {
        return Some(Detection::new(m.start(), m.end(), K::Date));
    }
    for name in [
        "iso",
        "dmy",
        "md",
        "weekday",
        "mdy",
        "dmytext",
        "monthyear",
        "ordinal",
        "monthctx",
    ] {
        if let Some(m) = group(name) {
            if name == "dmy" {
                let sep = group("dmysep").map_or("", |s| s.as_str());
                let s = m.as_str();
                // "1.2.10" is a version, not a date: dotted dates need a four-digit year.
                let four =
                    s.len() >= 4 && s.as_bytes()[s.len() - 4..].iter().all(u8::is_ascii_digit);
                if sep == "." && !four {
                    return None;
                }
                if numeric_neighbour(text, m.start(), m.end()) {
                    return None;
                }
            }
            let mut d = Detection::new(m.start(), m.end(), K::Date);
            d.year = find_year(text, m.start(), m.end());
            return Some(d);
        }
    }
    if let Some(m) = group("age")
        .or_else(|| group("age2"))
        .or_else(|| group("age3"))
    {
        if numeric_neighbour(text, m.start(), m.end()) || quantity_follows(text, m.end()) {
            return None;
        }
        return Some(Detection::new(m.start(), m.end(), K::Age));
    }
    if let Some(m) = group("ipv4") {
        if numeric_neighbour(text, m.start(), m.end()) {
            return None;
        }
        return Some(Detection::new(m.start(), m.end(), K::Ip));
    }
    if let Some(m) = group("ipv6") {
        let s = m.as_str();
        let ok = s.parse::<std::net::Ipv6Addr>().is_ok()
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.split(':').filter(|p| !p.is_empty()).count() >= 2;
        return ok.then(|| Detection::new(m.start(), m.end(), K::Ip));
    }
    if let Some(m) = group("pobox")
        .or_else(|| group("military"))
        .or_else(|| group("unit"))
    {
        return Some(Detection::new(m.start(), m.end(), K::Address));
    }
    if let Some(m) = group("zipctx") {
        // Only where the number ends the phrase: "near 48044?" yes, "in 10000 steps" no.
        if numeric_neighbour(text, m.start(), m.end()) || !zip_ends_phrase(text, m.end()) {
            return None;
        }
        return Some(Detection::new(m.start(), m.end(), K::Zip));
    }
    if let Some(m) = group("ukpost") {
        return Some(Detection::new(m.start(), m.end(), K::Zip));
    }
    if let Some(m) = group("number") {
        return classify_number(text, m.start(), m.end());
    }
    if let Some(m) = group("alnum") {
        return classify_code(m.as_str()).map(|k| Detection::new(m.start(), m.end(), k));
    }
    None
}

/// A unit or percentage right after a number: "she's 95% sure", "he is 92 kg".
fn quantity_follows(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches(' ');
    if rest.starts_with('%')
        || (rest.starts_with(['.', ',']) && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        return true;
    }
    const UNITS: &[&str] = &[
        "percent", "per", "kg", "kgs", "lb", "lbs", "pounds", "mg", "ml", "cm", "mm", "minutes",
        "mins", "min", "hours", "days", "weeks", "months", "times", "points",
    ];
    UNITS.contains(&next_word(rest).as_str())
}

/// What follows a bare five-digit number reads as the end of a place phrase: the end of the text,
/// punctuation, a line break, or a word like "area".
fn zip_ends_phrase(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with(['?', '!', '.', ',', ';', ':', ')', '\n', '\r']) {
        return true;
    }
    const PLACE_END: &[&str] = &[
        "area", "region", "zip", "zipcode", "postcode", "and", "or", "if", "anyone",
    ];
    PLACE_END.contains(&next_word(rest).as_str())
}

/// The lower-cased run of letters at the start of `rest`.
fn next_word(rest: &str) -> String {
    rest.chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A word character (ASCII or not) right before `pos`.
fn preceded_by_word(text: &str, pos: usize) -> bool {
    text[..pos]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// A digit, or a dot or comma followed by a digit, touching the span: the span is part of a longer
/// number (an amount, a version), not a value of its own.
fn numeric_neighbour(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after: Vec<char> = text[end..].chars().take(2).collect();
    before.is_some_and(|c| c.is_ascii_digit())
        || matches!(after.as_slice(), [c, ..] if c.is_ascii_digit())
        || matches!(after.as_slice(), ['.' | ',', d, ..] if d.is_ascii_digit())
}

/// The byte range of a four-digit year inside a date span, if there is one.
fn find_year(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = &text.as_bytes()[start..end];
    let mut i = 0;
    while i + 4 <= s.len() {
        let run = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 4 && (s[i] == b'1' || s[i] == b'2') {
            return Some((start + i, start + i + 4));
        }
        i += run.max(1);
    }
    None
}

/// Luhn checksum over the digits of `s`.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// `y-m-d` reads as a calendar date of the last or this century.
fn is_iso_date(y: &str, m: &str, d: &str) -> bool {
    let in_range = |s: &str, len: usize, lo: u32, hi: u32| {
        s.len() == len && s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
    };
    in_range(y, 4, 1900, 2099) && in_range(m, 2, 1, 12) && in_range(d, 2, 1, 31)
}

fn classify_number(text: &str, start: usize, mut end: usize) -> Option<Detection> {
    let s = &text[start..end];
    let mut back = text[..start].chars().rev();
    let before = back.next();
    let before2 = back.next();
    // "$1234567", "#1234567", or the tail of "1,234,567" / "3.1415926".
    if matches!(before, Some('$' | '£' | '€' | '#'))
        || (matches!(before, Some('.' | ',')) && before2.is_some_and(|c| c.is_ascii_digit()))
    {
        return None;
    }
    // A trailing ")" the pattern took without its "(".
    if s.ends_with(')') && !s.contains('(') {
        end -= 1;
    }
    let s = &text[start..end];
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    let n = digits.len();
    if n < 7 {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let main = lower.split(['x', 'e']).next().unwrap_or(&lower).trim_end();
    let groups: Vec<&str> = main
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let seps: String = main
        .chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .collect();
    let only_spaces = seps.is_empty();
    // Percentages, amounts and measurements are not identifiers.
    let after = text[end..].trim_start();
    if after.starts_with(['%', '$']) {
        return None;
    }
    // A year range ("2019-2020") or a list of years.
    if groups.len() >= 2
        && groups
            .iter()
            .all(|g| g.len() == 4 && (g.starts_with("19") || g.starts_with("20")))
    {
        return None;
    }
    // A decimal number.
    if seps == "." && groups.len() == 2 {
        return None;
    }
    // A short number, then an ISO date: a numbered file or item
    // ("board-001-2025-01-15.vtt"), not a phone. The date is still a date.
    if let [lead @ .., y, m, d] = groups.as_slice()
        && lead.iter().map(|g| g.len()).sum::<usize>() <= 3
        && is_iso_date(y, m, d)
        && let Some(at) = s.rfind(&format!("{y}-{m}-{d}"))
    {
        let from = start + at;
        let mut date = Detection::new(from, from + 10, K::Date);
        date.year = Some((from, from + 4));
        return Some(date);
    }
    // Small numbers in a row ("12 15 18 22"); with dashes or dots they are a phone ("71-33-52-22").
    if only_spaces
        && groups.len() >= 3
        && groups.iter().all(|g| g.len() <= 2)
        && !s.starts_with('+')
    {
        return None;
    }
    // Two numbers separated by a space, then a capitalised word or a street: house numbers
    // ("73111 31 Seneca Place", "3747 3911 fourth avenue").
    if only_spaces && groups.len() == 2 && !s.starts_with('+') && street_follows(text, end) {
        return None;
    }
    let shape: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if shape == [3, 2, 4] && !s.starts_with('+') && !s.starts_with('(') {
        return Some(Detection::new(start, end, K::Ssn));
    }
    let card_shape = groups.len() == 1
        || shape.iter().all(|&l| l == 4)
        || shape == [4, 6, 5]
        || shape == [4, 6, 4];
    if (13..=19).contains(&n) && card_shape && luhn(&digits) {
        return Some(Detection::new(start, end, K::CreditCard));
    }
    if n > 15 {
        return Some(Detection::new(start, end, K::Id));
    }
    if is_fax(text, start, end) {
        return Some(Detection::new(start, end, K::Fax));
    }
    Some(Detection::new(start, end, K::Phone))
}

/// The words after a number read as a street: the first is capitalised, or a street type comes
/// within four words on the same line.
fn street_follows(text: &str, end: usize) -> bool {
    let line = text[end..].split('\n').next().unwrap_or("");
    let mut words = line
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .filter(|w| !w.is_empty())
        .take(4);
    let Some(first) = words.next() else {
        return false;
    };
    if !line.starts_with([' ', '\t']) {
        return false;
    }
    let g = crate::gazetteer::get();
    let is_street =
        |w: &str| g.word(&w.trim_end_matches('.').to_lowercase()) & crate::gazetteer::STREET != 0;
    if first.starts_with(|c: char| c.is_uppercase()) && !first.eq_ignore_ascii_case("fax") {
        return true;
    }
    is_street(first) || words.any(is_street)
}

/// "fax" within a few words before the number, or right after it ("-fax", " (fax)").
fn is_fax(text: &str, start: usize, end: usize) -> bool {
    let mut from = start.saturating_sub(24);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..start].to_ascii_lowercase();
    let before = before.rsplit('\n').next().unwrap_or("");
    let mut to = (end + 8).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let after = text[end..to].to_ascii_lowercase();
    before.contains("fax") || after.trim_start_matches([' ', '-', '(']).starts_with("fax")
}

/// Codes of letters and digits: IBANs, VINs, other ids; `None` for the harmless ones (B12, 500mg,
/// covid19, 2nd, NCT01234567).
fn classify_code(s: &str) -> Option<K> {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
    let upper = s.to_ascii_uppercase();
    let b = upper.as_bytes();
    if b.len() >= 15
        && b.len() <= 34
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
    {
        return Some(K::Account);
    }
    // Trial registry numbers identify a study, not a person.
    if upper.starts_with("NCT") && digits == 8 && s.len() == 11 {
        return None;
    }
    if b.len() == 17
        && digits >= 3
        && letters >= 3
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() && !matches!(c, b'I' | b'O' | b'Q'))
    {
        return Some(K::Vehicle);
    }
    if digits >= 5 && s.len() >= 6 {
        return Some(K::Id);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<(K, &str)> {
        let mut out = Vec::new();
        Patterns::shared().find(text, 1935, &mut out);
        out.iter()
            .map(|d| (d.kind, &text[d.start..d.end]))
            .collect()
    }

    #[test]
    fn luhn_check() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
    }

    #[test]
    fn phones_in_many_formats() {
        for p in [
            "(602)272-9781",
            "+41 (0)85 806 98 67",
            "0688 843 79 56",
            "+447700677662",
            "001-253-366-9781",
            "201-948-1927",
            "+1-604-696-5272x565",
            "(898)666-3621x0135",
            "07700 063 966",
            "202.555.0143",
            "5403926876",
            "+33 1 42 68 53 00",
        ] {
            let text = format!("call me on {p} tomorrow");
            let found = find(&text);
            assert_eq!(found, vec![(K::Phone, p)], "{p}");
        }
    }

    #[test]
    fn fax_is_told_apart() {
        assert_eq!(
            find("Fax: 001-253-366-9781"),
            vec![(K::Fax, "001-253-366-9781")]
        );
        assert_eq!(
            find("085 175 7641-Office, 3660170548-Fax"),
            vec![(K::Phone, "085 175 7641"), (K::Fax, "3660170548")]
        );
    }

    #[test]
    fn numbers_that_are_not_identifiers() {
        for t in [
            "from 2019-2020 we saw",
            "it costs $1234567 now",
            "1,000,000 people",
            "took 3.14159 units",
            "scores 12 15 18 22 in",
            "nct NCT01234567 trial",
            "b12 and 500mg and covid19",
            "version 1.2.10 shipped",
        ] {
            assert_eq!(find(t), vec![], "{t}");
        }
        // A numbered item or file with a date: the date, not a phone.
        assert_eq!(
            find("see board-001-2025-01-15.vtt"),
            vec![(K::Date, "2025-01-15")]
        );
        assert_eq!(
            find("visit 3-2024-11-02 notes"),
            vec![(K::Date, "2024-11-02")]
        );
    }

    #[test]
    fn ssn_card_and_ids() {
        assert_eq!(find("ssn 832-13-6314"), vec![(K::Ssn, "832-13-6314")]);
        assert_eq!(find("my ssn is 832136314"), vec![(K::Ssn, "832136314")]);
        assert_eq!(
            find("card 4111 1111 1111 1111 lost"),
            vec![(K::CreditCard, "4111 1111 1111 1111")]
        );
        assert_eq!(
            find("iban GB97LOWW46888763196059 ok"),
            vec![(K::Account, "GB97LOWW46888763196059")]
        );
        assert_eq!(
            find("VIN 1HGCM82633A004352"),
            vec![(K::Vehicle, "1HGCM82633A004352")]
        );
        assert_eq!(
            find("MRN: A12345678"),
            vec![(K::MedicalRecord, "A12345678")]
        );
        assert_eq!(
            find("member id is XJH-2231-09"),
            vec![(K::HealthPlan, "XJH-2231-09")]
        );
        assert_eq!(
            find("my driver's license number is F162823540116"),
            vec![(K::Licence, "F162823540116")]
        );
        assert_eq!(
            find("serial number SN-88812-Z"),
            vec![(K::Device, "SN-88812-Z")]
        );
        assert_eq!(find("the plan is to rest"), vec![]);
    }

    #[test]
    fn dates_keep_their_year() {
        for (t, want) in [
            ("on 03/04/2024 we", "03/04/2024"),
            ("on 2024-03-04 we", "2024-03-04"),
            ("at 2024-06-20 14:11:22 we", "2024-06-20 14:11:22"),
            ("on 4 March 2024 we", "4 March 2024"),
            ("on March 4th, 2024 we", "March 4th, 2024"),
            ("in March 2024 we", "March 2024"),
            ("the 4th of March we", "4th of March"),
            ("last Tuesday the 4th we", "Tuesday the 4th"),
        ] {
            let mut out = Vec::new();
            Patterns::shared().find(t, 1935, &mut out);
            assert_eq!(out.len(), 1, "{t}: {out:?}");
            assert_eq!(&t[out[0].start..out[0].end], want);
            assert_eq!(out[0].kind, K::Date);
            if want.contains("2024") {
                let (a, b) = out[0].year.unwrap();
                assert_eq!(&t[a..b], "2024");
            } else {
                assert_eq!(out[0].year, None);
            }
        }
        assert_eq!(find("founded in 1977 and"), vec![]);
        // A birth year is kept unless it shows an age over 89 (the tests fix the cut-off at 1935).
        assert_eq!(find("born in 1961 in"), vec![]);
        assert_eq!(find("born in 1931 in"), vec![(K::Date, "1931")]);
        let mut out = Vec::new();
        Patterns::shared().find("born 02/14/1931 in", 1935, &mut out);
        assert_eq!(out[0].year, None);
        assert_eq!(find("since 3/4 of us"), vec![(K::Date, "3/4")]);
        assert_eq!(find("about 3/4 of us"), vec![]);
        assert_eq!(find("in March we"), vec![(K::Date, "March")]);
        assert_eq!(find("you may go"), vec![]);
        assert_eq!(find("on Mondays we"), vec![]);
    }

    #[test]
    fn ages_over_89_only() {
        assert_eq!(find("she is 94 years old"), vec![(K::Age, "94")]);
        assert_eq!(find("a 102-year-old man"), vec![(K::Age, "102")]);
        assert_eq!(find("aged 91, she"), vec![(K::Age, "91")]);
        assert_eq!(find("she is 54 years old"), vec![]);
        assert_eq!(find("took 95 mg"), vec![]);
    }

    #[test]
    fn internet_identifiers() {
        assert_eq!(
            find("see https://example.org/a?b=1."),
            vec![(K::Url, "https://example.org/a?b=1")]
        );
        assert_eq!(
            find("at www.facebook.com/jane.doe.77 now"),
            vec![(K::ProfileLink, "www.facebook.com/jane.doe.77")]
        );
        assert_eq!(
            find("mail jane.doe@example.com now"),
            vec![(K::Email, "jane.doe@example.com")]
        );
        assert_eq!(find("ping @jenny_k99!"), vec![(K::Handle, "@jenny_k99")]);
        assert_eq!(
            find("by @maria@mastodon.social"),
            vec![(K::Handle, "@maria@mastodon.social")]
        );
        assert_eq!(
            find("follow maria.bsky.social"),
            vec![(K::Handle, "maria.bsky.social")]
        );
        assert_eq!(
            find("did:plc:ewvi7nxzyoun6zhxrhs64oiz posted"),
            vec![(K::Handle, "did:plc:ewvi7nxzyoun6zhxrhs64oiz")]
        );
        assert_eq!(
            find("thanks u/spoonie_life"),
            vec![(K::Handle, "u/spoonie_life")]
        );
        assert_eq!(
            find("host 192.168.10.4 down"),
            vec![(K::Ip, "192.168.10.4")]
        );
        assert_eq!(
            find("addr 6e40:4041:c617:e898:c11:40d2:c669:2eb4 ok"),
            vec![(K::Ip, "6e40:4041:c617:e898:c11:40d2:c669:2eb4")]
        );
        assert_eq!(
            find("addr fe80::1ff:fe23:4567:890a ok"),
            vec![(K::Ip, "fe80::1ff:fe23:4567:890a")]
        );
        assert_eq!(find("at 14:11:22 ok"), vec![]);
        assert_eq!(
            find("see mychartportal.org"),
            vec![(K::Url, "mychartportal.org")]
        );
        assert_eq!(find("e.g. this"), vec![]);
    }

    #[test]
    fn postal_forms() {
        assert_eq!(find("zip: 53-320"), vec![(K::Zip, "53-320")]);
        assert_eq!(find("Zip code is 7412 SL"), vec![(K::Zip, "7412 SL")]);
        assert_eq!(find("London SW1A 1AA"), vec![(K::Zip, "SW1A 1AA")]);
        assert_eq!(
            find("PSC 7589, Box 0572\nAPO AE 20040"),
            vec![
                (K::Address, "PSC 7589, Box 0572"),
                (K::Address, "APO AE 20040")
            ]
        );
        assert_eq!(find("Apt. 591"), vec![(K::Address, "Apt. 591")]);
        assert_eq!(find("P.O. Box 211"), vec![(K::Address, "P.O. Box 211")]);
    }
}
