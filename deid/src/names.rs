//! Names, places, street addresses and postcodes: the identifiers that have no fixed shape.
//!
//! The approach is rules over tokens, in passes, each a small function:
//!
//! 1. **Phrases**: multi-word places and kept places ("Salt Lake City", "North Carolina").
//! 2. **Context**: a title (`Dr.`, `Nurse`), a kinship or care word (`my husband`, `her oncologist`),
//!    a greeting or sign-off (`Hi Jenny,`, `Thanks, Priya`, `— Tom`), a naming phrase (`my name is`,
//!    `call me`, `named`), a form label (`Name:`), a speech verb after (`Mark said`) or a possessive:
//!    these beat the gazetteers in both directions. They make "my son Will" a name although *will* is
//!    a word, and they are what finds a name that is in no list at all.
//! 3. **Gazetteers**: a capitalised word in a given-name, surname or place list is a name or place —
//!    unless it is also a common English word (Will, May, Hope, Brown), a drug or other known proper
//!    noun (Humira, Lilly), or a state or country (kept by Safe Harbor). Such words need context.
//! 4. **Unknown capitalised words**, as Philter does: a capitalised word in no English word list and
//!    no list of known non-names is taken as a name (or a place, after `in`/`from`/`to` …). Real
//!    patient text is full of names no list has; this is what reaches high recall. The cost is that
//!    a rare brand name is removed too — a loss of a word, not of privacy, and the `allow` list and
//!    `data/proper_nouns.txt` exist for exactly that.
//! 5. **Adjacency**: a word that is ambiguous on its own is a name when it stands next to one
//!    ("Grace Okafor", "Will Smith"), as are initials between names ("Karin M. Beike").
//! 6. **Addresses and postcodes**: a house number and street words ending in a street type or a
//!    number (US "1234 Oak Street", European "Koskikatu 25", "Via Tasso 129"), what follows it on the
//!    line and on the next few lines of an address block (town → place, postcode → ZIP; a state or
//!    country is kept), and postcodes after a place.
//!
//! Text written all in lower case (common in forum posts) has no capitals to go on; it is detected
//! as such and lower-case words are then judged by the lists and the context rules, and an unknown
//! word is only a name if it is not a misspelling or a compound of common words ("questionaire",
//! "bloodwork"). A word found to be a name once is a name wherever else it occurs in the document.

use crate::IdentifierKind as K;
use crate::gazetteer::{
    self, AMBIGUOUS, COMMON, FIRST, FUNC, GREET, KEPT, KIN, LABEL_ADDR, LABEL_NAME, LABEL_PLACE,
    MONTH, MULTI_START, NAMEISH, NAMING, ORG_SUFFIX, PARTICLE, PLACE, PLACE_AFTER, PLACE_PREP,
    PROPER, RARE, SPEECH, STATE_ABBR, STREET, SURNAME, TITLE, UNIT, WEEKDAY, WORD,
};
use crate::patterns::Detection;
use crate::tokens::{GAP_DOT_SPACE, GAP_SPACE, Shape, Token, Tokens};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    None,
    Name,
    Loc,
    Addr,
    Zip,
    Org,
    /// A state or country, or a word a rule decided to keep: no later rule may take it.
    Keep,
}

struct Ctx<'a> {
    text: &'a str,
    toks: &'a [Token],
    all: &'a Tokens,
    labels: Vec<Label>,
    lower_mode: bool,
}

/// Endings that mark a word in no list as a surname even when written in lower case.
const NAME_ENDINGS: &[&str] = &[
    "ova", "ová", "ovic", "ović", "ovich", "evich", "enko", "sson", "poulos", "idis", "escu",
    "wicz", "ski", "shvili", "dze", "oglu", "zadeh", "ovna", "evna",
];

/// Well-known institutions whose name is no clue to where a patient lives.
const LARGE_INSTITUTIONS: &[&str] = &[
    "mayo",
    "cleveland",
    "johns",
    "hopkins",
    "anderson",
    "sloan",
    "kettering",
    "dana",
    "mass",
    "massachusetts",
    "st",
    "saint",
];

/// Finds names, places, addresses, postcodes and small organisations among `toks`.
///
/// `address_seeds` are byte spans the shaped patterns already found to be address parts (a unit,
/// a post-office box): they anchor address blocks, and are not reported again.
pub(crate) fn detect(
    text: &str,
    all: &Tokens,
    address_seeds: &[(usize, usize)],
    out: &mut Vec<Detection>,
) {
    let toks = &all.toks[..];
    let mut cx = Ctx {
        text,
        toks,
        all,
        labels: vec![Label::None; toks.len()],
        lower_mode: lower_mode(toks),
    };
    for (i, t) in toks.iter().enumerate() {
        if t.masked
            && address_seeds
                .iter()
                .any(|&(a, b)| t.start >= a && t.end <= b)
        {
            cx.labels[i] = Label::Addr;
        }
    }
    cx.phrases();
    cx.address_labels();
    cx.addresses();
    cx.address_blocks();
    cx.context();
    cx.gazetteer_and_unknown();
    cx.pairs_and_adjacency();
    cx.propagate();
    cx.organisations();
    cx.zips_after_places();
    cx.emit(out);
}

/// Whether the text is written (nearly) without capitals, so capitalisation says nothing.
fn lower_mode(toks: &[Token]) -> bool {
    let mut starts = 0usize;
    let mut capped = 0usize;
    for t in toks.iter().filter(|t| t.sent_start && t.is_alpha()) {
        starts += 1;
        if !matches!(t.shape, Shape::Lower) {
            capped += 1;
        }
    }
    let any_cap = toks
        .iter()
        .any(|t| matches!(t.shape, Shape::Cap | Shape::Upper | Shape::Initial));
    (starts > 0 && capped == 0 && !any_cap) || (starts >= 3 && capped * 3 < starts)
}

fn is_roman(s: &str) -> bool {
    s.len() <= 6
        && s.chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

fn year_like(s: &str) -> bool {
    s.len() == 4 && (s.starts_with("19") || s.starts_with("20"))
}

impl<'a> Ctx<'a> {
    fn t(&self, i: usize) -> &Token {
        &self.toks[i]
    }

    fn word(&self, i: usize) -> &str {
        self.toks[i].text(self.text)
    }

    fn lower(&self, i: usize) -> &'a str {
        self.all.lower(i)
    }

    /// The text between token `i - 1` and token `i`.
    fn gap(&self, i: usize) -> &str {
        if i == 0 || i >= self.toks.len() {
            return "";
        }
        &self.text[self.toks[i - 1].end..self.toks[i].start]
    }

    /// Tokens `i - 1` and `i` are separated by spaces only (or a dot after an abbreviation).
    fn tight(&self, i: usize) -> bool {
        if i == 0 || i >= self.toks.len() {
            return false;
        }
        let t = &self.toks[i];
        if t.gap & GAP_SPACE != 0 {
            return true;
        }
        if t.gap & GAP_DOT_SPACE != 0 {
            let prev = &self.toks[i - 1];
            return prev.shape == Shape::Initial || prev.has(TITLE | STREET | UNIT);
        }
        false
    }

    /// Tokens `i - 1` and `i` are on one line, separated by spaces, commas or dots.
    fn same_line(&self, i: usize) -> bool {
        i > 0
            && i < self.toks.len()
            && self
                .gap(i)
                .chars()
                .all(|c| matches!(c, ' ' | '\t' | ',' | '.' | '\u{a0}'))
    }

    fn free(&self, i: usize) -> bool {
        i < self.toks.len() && self.labels[i] == Label::None && !self.t(i).masked
    }

    /// Capitalised, or in lower-case text any lower-case word.
    fn cap(&self, i: usize) -> bool {
        let t = self.t(i);
        t.is_capitalised() || (self.lower_mode && t.shape == Shape::Lower)
    }

    /// A word in no list that tells it is not a name (unknown to every list).
    fn unknown(&self, i: usize) -> bool {
        let t = self.t(i);
        t.is_alpha() && t.flags & (WORD | PROPER | FUNC | NAMEISH | PLACE | KEPT | TITLE) == 0
    }

    /// A place preposition or place label right before token `i`, or a place word right after.
    fn place_context(&self, i: usize) -> bool {
        if i > 0 && self.tight(i) && self.t(i - 1).has(PLACE_PREP) {
            return true;
        }
        // "home city KIIKOINEN", "the University of PORVOO", "outskirts of Kissousa".
        if i > 0
            && self.tight(i)
            && self.t(i - 1).has(LABEL_PLACE)
            && self.t(i - 1).shape == Shape::Lower
        {
            return true;
        }
        if i > 1
            && self.tight(i)
            && self.lower(i - 1) == "of"
            && matches!(
                self.lower(i - 2),
                "university"
                    | "college"
                    | "city"
                    | "town"
                    | "village"
                    | "county"
                    | "province"
                    | "district"
                    | "region"
                    | "outskirts"
                    | "suburbs"
                    | "centre"
                    | "center"
                    | "hospital"
                    | "mayor"
            )
        {
            return true;
        }
        // A short line right above a line that starts with a country or state: the town of an address.
        if self.t(i).line_start && self.line_above_country(i) {
            return true;
        }
        if i > 0 && self.t(i - 1).has(LABEL_PLACE) && self.gap(i).contains(':') {
            return true;
        }
        if i + 1 < self.toks.len() && self.tight(i + 1) && self.t(i + 1).has(PLACE_AFTER) {
            return true;
        }
        // "Springfield, Ohio": a place before a state.
        i + 1 < self.toks.len()
            && self.same_line(i + 1)
            && self.gap(i + 1).contains(',')
            && self.t(i + 1).has(KEPT)
    }

    /// Token `i` is one edit (a letter missing, extra, changed or two swapped) from a common word:
    /// "questionaire", "recieved". Only asked of unknown lower-case words in lower-case text.
    fn typo_of_word(&self, i: usize) -> bool {
        let w = self.lower(i);
        if !w.is_ascii() || w.len() < 4 || w.len() > 20 {
            return false;
        }
        let g = gazetteer::get();
        let b = w.as_bytes();
        let mut buf: Vec<u8> = Vec::with_capacity(b.len() + 1);
        let is_word = |buf: &[u8]| std::str::from_utf8(buf).is_ok_and(|s| g.word(s) & COMMON != 0);
        for k in 0..b.len() {
            // deletion
            buf.clear();
            buf.extend_from_slice(&b[..k]);
            buf.extend_from_slice(&b[k + 1..]);
            if is_word(&buf) {
                return true;
            }
            // transposition
            if k + 1 < b.len() {
                buf.clear();
                buf.extend_from_slice(b);
                buf.swap(k, k + 1);
                if is_word(&buf) {
                    return true;
                }
            }
        }
        for k in 0..=b.len() {
            for c in b'a'..=b'z' {
                // insertion
                buf.clear();
                buf.extend_from_slice(&b[..k]);
                buf.push(c);
                buf.extend_from_slice(&b[k..]);
                if is_word(&buf) {
                    return true;
                }
                // substitution
                if k < b.len() && b[k] != c {
                    buf.clear();
                    buf.extend_from_slice(b);
                    buf[k] = c;
                    if is_word(&buf) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Token `i` starts a line of at most three words, and the next line starts with a kept place.
    fn line_above_country(&self, i: usize) -> bool {
        let n = self.toks.len();
        let mut e = i + 1;
        while e < n && !self.gap(e).contains('\n') {
            if e - i >= 3 {
                return false;
            }
            e += 1;
        }
        e < n && (self.t(e).has(KEPT) || self.labels[e] == Label::Keep) && !self.t(e).masked
    }

    /// Tokens `i..` that continue a name started before them: returns the index one past the run.
    fn extend_name(&self, mut j: usize, max: usize) -> usize {
        let mut n = 0;
        while j < self.toks.len() && n < max && self.tight(j) && self.free(j) {
            let t = self.t(j);
            let ok = match t.shape {
                Shape::Initial => true,
                Shape::Cap | Shape::Upper => {
                    !t.has(FUNC | KEPT | MONTH | WEEKDAY | SPEECH | STREET | ORG_SUFFIX | UNIT)
                        && (t.has(NAMEISH) || t.flags & WORD == 0)
                        && !(t.shape == Shape::Upper && t.end - t.start <= 3 && !t.has(NAMEISH))
                }
                Shape::Lower => {
                    (t.has(PARTICLE)
                        && j + 1 < self.toks.len()
                        && self.tight(j + 1)
                        && self.t(j + 1).is_capitalised())
                        || (self.lower_mode && t.has(NAMEISH) && !t.has(WORD | FUNC))
                }
                _ => false,
            };
            if !ok {
                break;
            }
            j += 1;
            n += 1;
        }
        // Never end on a particle or initial that starts the next thing.
        j
    }

    fn mark(&mut self, from: usize, to: usize, label: Label) {
        for l in &mut self.labels[from..to] {
            if *l == Label::None {
                *l = label;
            }
        }
    }

    // ---- pass 1: multi-word places -------------------------------------------------------------

    fn phrases(&mut self) {
        let g = gazetteer::get();
        let mut i = 0;
        while i < self.toks.len() {
            if !self.t(i).has(MULTI_START) || self.t(i).masked || !self.cap(i) {
                i += 1;
                continue;
            }
            let mut matched = 0;
            for len in (2..=4).rev() {
                if i + len > self.toks.len() || !(i + 1..i + len).all(|k| self.tight(k)) {
                    continue;
                }
                let f = g.phrase_of((i..i + len).map(|k| self.lower(k)));
                let capped = true;
                let all_common = (i..i + len).all(|k| self.t(k).has(COMMON));
                if f != 0 && capped && (!all_common || f & KEPT != 0 || self.place_context(i)) {
                    let label = if f & KEPT != 0 {
                        Label::Keep
                    } else {
                        Label::Loc
                    };
                    // A place phrase of common words ("Long Beach", "Grand Rapids") still needs to be
                    // capitalised as a name would be.
                    self.mark(i, i + len, label);
                    matched = len;
                    break;
                }
            }
            i += matched.max(1);
        }
    }

    // ---- pass 2: addresses ----------------------------------------------------------------------

    /// "Address: …" — the rest of the line.
    fn address_labels(&mut self) {
        for i in 1..self.toks.len() {
            if self.t(i - 1).has(LABEL_ADDR)
                && self.gap(i).contains(':')
                && !self.gap(i).contains('\n')
            {
                let mut j = i;
                while j < self.toks.len() && (j == i || !self.gap(j).contains('\n')) {
                    j += 1;
                }
                for k in i..j {
                    if self.free(k) && !self.t(k).has(KEPT) {
                        self.labels[k] = Label::Addr;
                    }
                }
            }
        }
    }

    fn is_house_number(&self, i: usize) -> bool {
        let t = self.t(i);
        let w = self.word(i);
        (t.shape == Shape::Number && w.len() <= 6 && w.bytes().all(|b| b.is_ascii_digit()))
            || (t.shape == Shape::Mixed
                && w.len() <= 6
                && w.bytes().next().is_some_and(|b| b.is_ascii_digit())
                && w.bytes().filter(u8::is_ascii_alphabetic).count() == 1)
    }

    /// A unit of measure at token `i`: "Keytruda 200 mg" is a dose, not an address.
    fn unit_of_measure(&self, i: usize) -> bool {
        i < self.toks.len()
            && self.tight(i)
            && matches!(
                self.lower(i),
                "mg" | "mcg"
                    | "ml"
                    | "g"
                    | "kg"
                    | "lb"
                    | "lbs"
                    | "units"
                    | "iu"
                    | "mmol"
                    | "mm"
                    | "cm"
                    | "times"
                    // "a 90 min drive", "a 2 hour drive", "a 30 mile drive": a journey, not
                    // an address on Drive.
                    | "min"
                    | "mins"
                    | "minute"
                    | "minutes"
                    | "hr"
                    | "hrs"
                    | "hour"
                    | "hours"
                    | "mile"
                    | "miles"
                    | "mi"
                    | "km"
                    | "kms"
                    | "day"
                    | "days"
                    | "week"
                    | "weeks"
                    | "month"
                    | "months"
                    | "year"
                    | "years"
                    | "percent"
            )
    }

    fn street_word(&self, i: usize) -> bool {
        self.t(i).has(STREET)
    }

    /// A word that can be part of a street's name.
    fn street_name_word(&self, i: usize, lenient: bool) -> bool {
        let t = self.t(i);
        if t.masked {
            return false;
        }
        if t.shape == Shape::Mixed {
            // "10th Ave", "1st Street".
            let l = self.lower(i);
            return l.len() <= 6
                && ["st", "nd", "rd", "th"].iter().any(|s| l.ends_with(s))
                && l[..l.len() - 2].bytes().all(|b| b.is_ascii_digit());
        }
        if !t.is_alpha() {
            return false;
        }
        if self.street_word(i) || t.has(PARTICLE) || t.shape == Shape::Initial {
            return true;
        }
        if t.has(FUNC | PROPER | MONTH | WEEKDAY | TITLE | UNIT) && !t.has(NAMEISH | PLACE) {
            return false;
        }
        if t.has(KEPT) || (t.has(STATE_ABBR) && t.shape == Shape::Upper && !lenient) {
            return false; // "Springfield, IL 62704": a state and a ZIP, not a street
        }
        if lenient {
            // Ended by a street type: "22 Pollen Crescent", "fourth avenue".
            return true;
        }
        self.cap(i) && (t.flags & COMMON == 0)
    }

    fn addresses(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            let t = self.t(i);
            let may_start = matches!(t.shape, Shape::Number | Shape::Mixed)
                || (t.is_alpha() && (t.is_capitalised() || t.has(STREET)))
                || (self.lower_mode && t.shape == Shape::Lower && !t.has(FUNC));
            if !self.free(i) || !may_start {
                i += 1;
                continue;
            }
            // A house number right before an address part found by shape: "45818 P.O. Box 242".
            if self.is_house_number(i)
                && i + 1 < n
                && self.tight(i + 1)
                && self.labels[i + 1] == Label::Addr
            {
                self.labels[i] = Label::Addr;
                i += 1;
                continue;
            }
            // A. House number first: "6750 Koskikatu 25", "1987 74 Diakou Street", "22 Pollen Crescent".
            // A number with a unit is a quantity: "a 90 min drive", "200 mg".
            if self.is_house_number(i) && !self.unit_of_measure(i + 1) {
                let mut s = i + 1;
                if s < n && self.tight(s) && self.is_house_number(s) && self.free(s) {
                    s += 1;
                }
                let mut end = None;
                let mut j = s;
                while j < n && j < s + 6 && self.tight(j) && self.free(j) {
                    if self.street_word(j) && j > s {
                        end = Some(j + 1);
                    } else if self.street_word(j) && j == s {
                        // "137 Avenue Teboulbi St." or "12 rue de la Paix": a leading street type.
                        if j + 1 < n && self.tight(j + 1) && self.street_name_word(j + 1, true) {
                            end = Some(j + 1);
                        }
                    } else if self.is_house_number(j) && j > s {
                        let names_ok = (s..j).all(|k| self.street_name_word(k, false))
                            && (s..j).any(|k| !self.t(k).has(PARTICLE));
                        if names_ok || end.is_some() {
                            end = Some(j + 1);
                        }
                        break;
                    } else if !self.street_name_word(j, true) {
                        break;
                    }
                    j += 1;
                }
                // A leading street type followed by names and no closing type: "12 rue de la Paix".
                if end == Some(s + 1) {
                    let mut k = s + 1;
                    while k < n && k < s + 6 && self.tight(k) && self.street_name_word(k, false) {
                        k += 1;
                    }
                    end = Some(k);
                }
                // Two numbers then capitalised street words to the end of the line: "9816 214 Pavlou Drandaki".
                if end.is_none() && s == i + 2 && self.word(i).len() >= 3 {
                    let mut k = s;
                    while k < n
                        && k < s + 5
                        && self.tight(k)
                        && self.free(k)
                        && self.street_name_word(k, false)
                    {
                        k += 1;
                    }
                    let line_ends = k >= n
                        || self.gap(k).contains('\n')
                        || self.gap(k).trim_start().starts_with(['.', ',', '!', '?']);
                    if k > s && line_ends {
                        end = Some(k);
                    }
                }
                if let Some(e) = end
                    && e > s
                {
                    self.mark(i, e, Label::Addr);
                    i = e;
                    continue;
                }
            }
            // B. Street words then a number: "Via Tasso 129", "Koskikatu 25", "Pod Floriánem 1677".
            // Not from an acronym: "ECOG 1", "HER2".
            if self.t(i).is_alpha()
                && (self.cap(i) || self.street_word(i))
                && (self.t(i).shape != Shape::Upper || self.street_word(i))
            {
                let mut j = i;
                let mut streety = false;
                let mut all_unknown = true;
                while j < n && j < i + 5 && (j == i || self.tight(j)) && self.free(j) {
                    if !self.street_name_word(j, false) && !self.street_word(j) {
                        break;
                    }
                    streety |= self.street_word(j);
                    let t = self.t(j);
                    if !(self.unknown(j) || t.has(PARTICLE) || t.has(PLACE) && !t.has(COMMON)) {
                        all_unknown = false;
                    }
                    j += 1;
                }
                if j > i && j < n && self.tight(j) && self.is_house_number(j) && self.free(j) {
                    let num = self.word(j);
                    // A street type, or unknown words and a number that is not a year.
                    let ok = (streety
                        || (all_unknown && !self.t(i).has(PARTICLE) && !year_like(num)))
                        && !self.unit_of_measure(j + 1);
                    if ok {
                        self.mark(i, j + 1, Label::Addr);
                        i = j + 1;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }

    // ---- pass 3: context rules ------------------------------------------------------------------

    fn context(&mut self) {
        let n = self.toks.len();
        for i in 0..n {
            let t = self.t(i);
            // Most tokens are lower-case words that no trigger could make a name: skip them cheaply.
            if !self.free(i)
                || !t.is_alpha()
                || t.has(FUNC)
                || (t.shape == Shape::Lower && t.has(WORD | PROPER) && !t.has(NAMEISH))
            {
                continue;
            }
            let strength = self.trigger(i);
            if strength == Trigger::None || !self.accepts(i, strength) {
                continue;
            }
            let max_extra = if strength == Trigger::Label { 4 } else { 3 };
            let end = self.extend_name(i + 1, max_extra);
            self.mark(i, end, Label::Name);
        }
    }

    /// What, if anything, right before or after token `i` says it is a name.
    fn trigger(&self, i: usize) -> Trigger {
        let t = self.t(i);
        if i > 0 {
            let p = self.t(i - 1);
            let gap = self.gap(i);
            let p_low = self.lower(i - 1);
            let spaced = self.tight(i);
            if p.has(TITLE) && spaced && !p.masked {
                // "the doctor Said" is rare; "Dr. Okafor" is the point.
                return Trigger::Strong;
            }
            if p.has(KIN) && (spaced || gap == ", ") {
                return Trigger::Strong;
            }
            if p.has(NAMING) && spaced {
                return Trigger::Strong;
            }
            if p.has(LABEL_NAME) && gap.contains(':') && !gap.contains('\n') {
                return Trigger::Label;
            }
            if spaced && i >= 2 {
                let pp = self.lower(i - 2);
                if matches!(p_low, "is" | "are" | "was" | "'s")
                    && matches!(pp, "name" | "names" | "surname" | "nickname")
                {
                    return Trigger::Strong;
                }
                if p_low == "me" && matches!(pp, "call" | "calls" | "called") {
                    return Trigger::Strong;
                }
                // "named him Frank", "called her Nana".
                if matches!(p_low, "him" | "her" | "them" | "it" | "me" | "us")
                    && self.t(i - 2).has(NAMING)
                {
                    return Trigger::Strong;
                }
                if p_low == "am" && pp == "i" || p_low == "is" && pp == "this" {
                    return Trigger::Weak;
                }
            }
            if spaced && matches!(p_low, "i'm" | "i’m" | "im" | "it's" | "its") {
                return Trigger::Weak;
            }
            if p.has(GREET)
                && (p.sent_start || p.line_start)
                && (spaced || gap == ", " || gap == ",")
            {
                return Trigger::Weak;
            }
            if i >= 2 && p_low == "you" && self.lower(i - 2) == "thank" && (spaced || gap == ", ") {
                return Trigger::Weak;
            }
            // "happy birthday to pat", "shout out to Jo", "prayers for kit": a dedication names a
            // person, whatever the case it is written in.
            if spaced && i >= 2 && matches!(p_low, "to" | "for") {
                let pp = self.lower(i - 2);
                if matches!(
                    pp,
                    "birthday"
                        | "bday"
                        | "out"
                        | "shoutout"
                        | "congrats"
                        | "congratulations"
                        | "prayers"
                        | "hugs"
                        | "condolences"
                        | "welcome"
                ) {
                    return Trigger::Dedication;
                }
            }
            if t.line_start {
                let lead = gap.rsplit('\n').next().unwrap_or("");
                if lead
                    .trim_start()
                    .starts_with(['-', '\u{2014}', '\u{2013}', '~'])
                {
                    return Trigger::Weak;
                }
            }
        } else if t.line_start {
            let lead = &self.text[..t.start];
            if lead
                .trim_start()
                .starts_with(['-', '\u{2014}', '\u{2013}', '~'])
            {
                return Trigger::Weak;
            }
        }
        // A speaker's label at the start of a line: "Destiny: Remember me?"
        if t.line_start
            && t.is_capitalised()
            && i + 1 < self.toks.len()
            && self
                .gap(i + 1)
                .trim_start_matches([' ', '\t'])
                .starts_with(':')
            && (t.has(NAMEISH) || self.unknown(i))
            && !t.has(
                FUNC | MONTH
                    | WEEKDAY
                    | LABEL_NAME
                    | LABEL_ADDR
                    | LABEL_PLACE
                    | UNIT
                    | STREET
                    | TITLE,
            )
        {
            return Trigger::Speaker;
        }
        // After: "Mark said", "Grace's".
        if self.cap(i) && !t.has(MONTH | WEEKDAY | KEPT | FUNC) {
            // Not for a drug or an eponym: "Parkinson's", "Crohn's".
            if t.possessive && t.has(NAMEISH) && !t.has(PROPER) {
                return Trigger::Weak;
            }
            if i + 1 < self.toks.len()
                && self.tight(i + 1)
                && self.t(i + 1).has(SPEECH)
                && t.has(NAMEISH)
            {
                // A given name that is also a word ("Grace", "Rose", "Will") is a person when it
                // tells or gives someone something: "Grace gave me her number". A word that is a
                // name only by accident of the list ("Hope", "Faith") still needs more than that.
                let verb = self.lower(i + 1);
                let object = i + 2 < self.toks.len()
                    && self.tight(i + 2)
                    && matches!(
                        self.lower(i + 2),
                        "me" | "us" | "him" | "her" | "them" | "my" | "our"
                    );
                let telling = !matches!(
                    verb,
                    "gave"
                        | "gives"
                        | "sent"
                        | "sends"
                        | "showed"
                        | "shows"
                        | "helped"
                        | "helps"
                        | "promised"
                        | "promises"
                );
                if t.is_capitalised()
                    && t.has(FIRST)
                    && !t.has(AMBIGUOUS | PROPER)
                    && (telling || object)
                {
                    return Trigger::Strong;
                }
                return Trigger::Weak;
            }
        }
        Trigger::None
    }

    fn accepts(&self, i: usize, strength: Trigger) -> bool {
        let t = self.t(i);
        if t.masked || t.has(FUNC) || (t.has(TITLE) && !t.has(NAMEISH)) {
            return false;
        }
        let capped = t.is_capitalised();
        let followed_by_break = t.possessive
            || self.toks.get(i + 1).is_none_or(|_| {
                let g = self.gap(i + 1);
                g.starts_with([',', '!', '.', '?', '\n', ')', ':', ';']) || g.contains('\n')
            });
        match strength {
            Trigger::None => false,
            Trigger::Speaker => true,
            Trigger::Dedication => {
                (capped || t.shape == Shape::Lower)
                    && !t.has(KEPT | MONTH | WEEKDAY | TITLE | KIN)
                    && (t.has(FIRST) || self.unknown(i))
                    && t.end - t.start >= 2
            }
            Trigger::Strong | Trigger::Label => {
                if capped {
                    !t.has(KEPT | MONTH | WEEKDAY) || t.has(NAMEISH)
                } else if t.shape == Shape::Lower {
                    (!t.has(WORD | PROPER) && t.end - t.start >= 2)
                        || (t.has(NAMEISH) && followed_by_break)
                } else {
                    false
                }
            }
            Trigger::Weak => {
                if !(capped || t.shape == Shape::Lower) {
                    return false;
                }
                if t.has(KEPT | MONTH | WEEKDAY | TITLE) && !t.has(NAMEISH) {
                    return false;
                }
                if t.has(PROPER) && !t.has(NAMEISH) {
                    return false;
                }
                let listed_or_unknown = t.has(NAMEISH) || self.unknown(i);
                if !listed_or_unknown {
                    return false;
                }
                if t.has(COMMON) || (!capped && t.has(RARE)) {
                    // "Hi Grace," yes; "Hi everyone" no; "thanks so much" no.
                    return t.has(FIRST) && followed_by_break && (capped || self.lower_mode);
                }
                capped || self.lower_mode || t.has(NAMEISH)
            }
        }
    }

    // ---- pass 4: gazetteers and unknown capitalised words ---------------------------------------

    fn gazetteer_and_unknown(&mut self) {
        for i in 0..self.toks.len() {
            if !self.free(i) {
                continue;
            }
            if let Some(label) = self.standalone(i) {
                self.labels[i] = label;
            }
        }
    }

    fn standalone(&self, i: usize) -> Option<Label> {
        let t = self.t(i);
        if !t.is_alpha() || t.shape == Shape::Initial {
            return None;
        }
        if !self.cap(i) {
            // In capitalised text, a lower-case word in no list with the ending of a surname
            // ("samoylova", "petrović") is still a name.
            let l = self.lower(i);
            let surname_shape = self.unknown(i)
                && l.chars().count() >= 6
                && NAME_ENDINGS.iter().any(|e| l.ends_with(e));
            return surname_shape.then_some(Label::Name);
        }
        if t.has(KEPT) {
            // "Victoria", "Georgia": a state or country that is also a given name is kept where it reads
            // as a place and left to the context rules otherwise.
            if t.has(NAMEISH) && !self.place_context(i) {
                return None;
            }
            return Some(Label::Keep);
        }
        if t.has(FUNC | MONTH | WEEKDAY | TITLE | UNIT | STREET) && !t.has(NAMEISH) {
            return None;
        }
        let w = self.word(i);
        let len = w.chars().count();
        let upper = t.shape == Shape::Upper;
        let lower = t.shape == Shape::Lower;
        let named = t.has(NAMEISH | PLACE);
        if upper {
            // All capitals is how acronyms are written (FOLFOX, ECOG, HIPAA): only a place context
            // ("flew to LEPPEN") makes one a place. Names in capitals are found by pairs, titles,
            // labels and address blocks.
            let _ = (len, w);
            return (self.place_context(i) && !is_roman(w) && len >= 4 && t.flags & WORD == 0)
                .then_some(Label::Loc);
        }
        if !named {
            if t.flags & (WORD | PROPER) != 0 {
                return None;
            }
            // A hashtag is a topic ("#spoonie", "#chemobrain") far more often than a person: an
            // unknown word after `#` is left alone (a listed name after `#` is still a name).
            if self.gap(i).ends_with('#') {
                return None;
            }
            if lower && (len < 4 || self.typo_of_word(i)) {
                return None; // lower-case text: a short word or a misspelling, not a name
            }
            return Some(if self.place_context(i) {
                Label::Loc
            } else {
                Label::Name
            });
        }
        if t.has(PROPER | AMBIGUOUS) {
            return None; // needs context (Lilly, Christian, Hope, Brown)
        }
        let place_only = t.has(PLACE) && !t.has(NAMEISH);
        if t.has(COMMON) {
            if lower {
                return None;
            }
            if t.has(FIRST) && !t.sent_start && !self.in_title_run(i) {
                return Some(Label::Name); // "I told Will", "with Mike"
            }
            if t.has(PLACE) && self.place_context(i) && !self.in_title_run(i) {
                return Some(Label::Loc); // "moved to Mobile"
            }
            return None;
        }
        if lower && t.has(RARE) {
            return None;
        }
        if lower && !t.has(FIRST) && !self.place_context(i) {
            // Lower-case text: a bare surname-list or place-list word is too often something else.
            return None;
        }
        if place_only || (t.has(PLACE) && self.place_context(i)) {
            Some(Label::Loc)
        } else {
            Some(Label::Name)
        }
    }

    /// Part of a run of three or more capitalised words, most of them common words: a heading.
    fn in_title_run(&self, i: usize) -> bool {
        let n = self.toks.len();
        let mut a = i;
        while a > 0 && self.tight(a) && self.t(a - 1).is_capitalised() {
            a -= 1;
        }
        let mut b = i + 1;
        while b < n && self.tight(b) && self.t(b).is_capitalised() {
            b += 1;
        }
        let common = (a..b)
            .filter(|&k| self.t(k).has(COMMON) && !self.t(k).has(FIRST | SURNAME))
            .count();
        b - a >= 3 && common >= 2
    }

    // ---- pass 5: pairs and neighbours -----------------------------------------------------------

    fn pairs_and_adjacency(&mut self) {
        let n = self.toks.len();
        // "Will Smith", "Grace Brown": a given name then a surname, both capitalised.
        for i in 0..n.saturating_sub(1) {
            let (a, b) = (self.t(i), self.t(i + 1));
            let determiner = i > 0
                && self.tight(i)
                && matches!(
                    self.lower(i - 1),
                    "the" | "a" | "an" | "this" | "that" | "these" | "those"
                );
            let pair = self.cap(i)
                && self.cap(i + 1)
                && a.has(FIRST)
                && b.has(SURNAME)
                && !a.has(FUNC)
                && !b.has(FUNC)
                && !(self.lower_mode && (a.has(COMMON) || b.has(COMMON)))
                && self.tight(i + 1)
                && !determiner
                && !(a.has(MONTH | WEEKDAY) && b.has(COMMON))
                && !self.in_title_run(i);
            if pair
                && (self.free(i) || self.labels[i] == Label::Name)
                && (self.free(i + 1) || self.labels[i + 1] == Label::Name)
            {
                self.labels[i] = Label::Name;
                self.labels[i + 1] = Label::Name;
            }
        }
        for _ in 0..3 {
            if !self
                .labels
                .iter()
                .any(|l| matches!(l, Label::Name | Label::Loc))
            {
                break;
            }
            let mut changed = false;
            for i in 0..n {
                if !self.free(i) {
                    continue;
                }
                let left = i > 0 && self.tight(i) && self.labels[i - 1] == Label::Name;
                let right = i + 1 < n && self.tight(i + 1) && self.labels[i + 1] == Label::Name;
                if !(left || right) {
                    continue;
                }
                let t = self.t(i);
                let joins = match t.shape {
                    Shape::Initial => true,
                    // "Later Okafor called": a common word opening a sentence is not part of the name.
                    Shape::Cap | Shape::Upper if t.sent_start && t.has(COMMON) && !t.has(FIRST) => {
                        false
                    }
                    Shape::Cap | Shape::Upper => {
                        let blocked = t.has(
                            FUNC | MONTH | WEEKDAY | TITLE | SPEECH | STREET | UNIT | ORG_SUFFIX,
                        );
                        // A listed name joins (a state name only if it is also a given name); an
                        // unknown word joins unless it is in capitals (an acronym).
                        !blocked
                            && (t.has(NAMEISH)
                                || (self.unknown(i) && !t.has(KEPT) && t.shape != Shape::Upper))
                    }
                    Shape::Lower => {
                        (t.has(PARTICLE)
                            && left
                            && i + 1 < n
                            && self.tight(i + 1)
                            && self.cap(i + 1)
                            && (self.free(i + 1) || self.labels[i + 1] == Label::Name))
                            || (self.lower_mode
                                && !t.has(FUNC | COMMON)
                                && (t.has(NAMEISH) || self.unknown(i) || t.end - t.start == 1))
                    }
                    _ => false,
                };
                if joins {
                    self.labels[i] = Label::Name;
                    changed = true;
                }
            }
            // Coordination: "Monjeau, Graves and Reed", "Park and Mann".
            for i in 0..n {
                if !self.free(i) || !self.cap(i) || !self.t(i).is_alpha() {
                    continue;
                }
                let t = self.t(i);
                if t.has(FUNC | MONTH | WEEKDAY | TITLE) || !(t.has(NAMEISH) || self.unknown(i)) {
                    continue;
                }
                if t.shape == Shape::Upper && t.end - t.start <= 4 && !t.has(NAMEISH) {
                    continue; // an acronym: "Dr. Patel, MRN …"
                }
                if t.has(COMMON) && !t.is_capitalised() {
                    continue;
                }
                if self.coordinated_with_name(i) {
                    self.labels[i] = Label::Name;
                    changed = true;
                }
            }
            // Places: "Villafranca del Cid", "Ostrov nad Ohrí".
            for i in 1..n.saturating_sub(1) {
                if self.free(i)
                    && self.t(i).has(PARTICLE)
                    && self.t(i).shape == Shape::Lower
                    && self.tight(i)
                    && self.tight(i + 1)
                    && self.labels[i - 1] == Label::Loc
                    && self.t(i + 1).is_capitalised()
                    && (self.free(i + 1) || self.labels[i + 1] == Label::Loc)
                {
                    self.labels[i] = Label::Loc;
                    if self.free(i + 1) {
                        self.labels[i + 1] = Label::Loc;
                    }
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Token `i` is joined to a name by a comma, "and", "or" or "&".
    fn coordinated_with_name(&self, i: usize) -> bool {
        let n = self.toks.len();
        let is_conj = |k: usize| matches!(self.lower(k), "and" | "or" | "&" | "nor");
        let comma = |k: usize| {
            let g = self.gap(k);
            !g.contains('\n') && g.trim() == ","
        };
        // Left: "X, Y" or "X and Y".
        if i > 0 && comma(i) && self.labels[i - 1] == Label::Name {
            return true;
        }
        if i > 1
            && self.tight(i)
            && is_conj(i - 1)
            && self.labels[i - 2] == Label::Name
            && (self.tight(i - 1) || comma(i - 1))
        {
            return true;
        }
        // Right: "Y, X" or "Y and X".
        if i + 1 < n && comma(i + 1) && self.labels[i + 1] == Label::Name {
            return true;
        }
        i + 2 < n
            && self.tight(i + 1)
            && is_conj(i + 1)
            && self.tight(i + 2)
            && self.labels[i + 2] == Label::Name
    }

    // ---- pass 5b: the same word elsewhere in the document ----------------------------------------

    /// A word found to be a name (or place) once is one everywhere in the document: "directed by Brad
    /// L Key and starring Key". A word that is also common is only taken where capitalised mid-sentence.
    fn propagate(&mut self) {
        let mut names: Vec<(u64, Label)> = Vec::new();
        for i in 0..self.toks.len() {
            let t = self.t(i);
            if matches!(self.labels[i], Label::Name | Label::Loc)
                && t.is_alpha()
                && t.shape != Shape::Initial
                && !t.has(FUNC | PARTICLE)
                && !t.masked
            {
                let k = t.key;
                if !names.iter().any(|(w, _)| *w == k) {
                    names.push((k, self.labels[i]));
                }
            }
        }
        if names.is_empty() {
            return;
        }
        for i in 0..self.toks.len() {
            if !self.free(i) || !self.t(i).is_alpha() {
                continue;
            }
            let t = self.t(i);
            let k = t.key;
            let Some((_, label)) = names.iter().find(|(w, _)| *w == k) else {
                continue;
            };
            let ok = if t.has(WORD | PROPER) {
                // At the start of a sentence only when no pronoun or article follows: "Grace from
                // the group told me" yes, "Will it be worth it?" no.
                t.is_capitalised()
                    && (!t.sent_start
                        || (i + 1 < self.toks.len()
                            && self.tight(i + 1)
                            && self.t(i + 1).shape == Shape::Lower
                            && !matches!(
                                self.lower(i + 1),
                                "it" | "you"
                                    | "i"
                                    | "we"
                                    | "they"
                                    | "he"
                                    | "she"
                                    | "the"
                                    | "a"
                                    | "an"
                                    | "this"
                                    | "that"
                                    | "there"
                                    | "be"
                                    | "not"
                                    | "is"
                                    | "was"
                                    | "are"
                                    | "do"
                                    | "does"
                                    | "did"
                                    | "have"
                                    | "has"
                                    | "your"
                                    | "my"
                                    | "our"
                                    | "his"
                                    | "her"
                                    | "their"
                                    | "me"
                                    | "us"
                                    | "them"
                                    | "all"
                                    | "so"
                            )))
            } else {
                true
            };
            if ok {
                self.labels[i] = *label;
            }
        }
    }

    // ---- pass 6: small organisations ------------------------------------------------------------

    fn organisations(&mut self) {
        let n = self.toks.len();
        for e in 1..n {
            if !self.t(e).has(ORG_SUFFIX) {
                continue;
            }
            // "Riverside Family Clinic"; "the Lupus Warriors support group in Dayton".
            let mut head = e;
            if !self.t(e).is_capitalised() {
                if self.lower(e).starts_with("group")
                    && e > 0
                    && self.tight(e)
                    && self.lower(e - 1) == "support"
                {
                    head = e - 1;
                } else {
                    continue;
                }
            }
            let mut s = head;
            while s > 0
                && head - s < 5
                && self.tight(s)
                && self.t(s - 1).is_capitalised()
                && !self.t(s - 1).has(FUNC)
            {
                s -= 1;
            }
            if s == head {
                continue;
            }
            let first = self.lower(s);
            if LARGE_INSTITUTIONS.contains(&first) {
                continue;
            }
            let distinctive = (s..head).any(|k| {
                let t = self.t(k);
                t.flags & COMMON == 0 || matches!(self.labels[k], Label::Name | Label::Loc)
            });
            // Paired with a place: "… in Dayton".
            let with_place = e + 2 < n
                && self.tight(e + 1)
                && matches!(self.lower(e + 1), "in" | "at" | "of" | "near" | "from")
                && self.tight(e + 2)
                && matches!(self.labels[e + 2], Label::Loc | Label::Name);
            if (distinctive || with_place) && (s..=e).all(|k| !self.t(k).masked) {
                for k in s..=e {
                    if matches!(self.labels[k], Label::None | Label::Name | Label::Loc) {
                        self.labels[k] = Label::Org;
                    }
                }
            }
        }
    }

    // ---- pass 7: what follows an address ---------------------------------------------------------

    fn address_blocks(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            if self.labels[i] != Label::Addr {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < n && self.labels[j + 1] == Label::Addr {
                j += 1;
            }
            // Same line: ", Springfield, IL 62704".
            let mut k = j + 1;
            let mut taken = 0;
            while k < n
                && taken < 6
                && self.same_line(k)
                && self.address_part(k)
                && !self.gap(k).contains(':')
                && (!self.gap(k).contains('.')
                    || self.t(k - 1).has(STREET | UNIT)
                    || self.t(k - 1).shape == Shape::Initial)
            {
                self.label_address_part(k);
                k += 1;
                taken += 1;
            }
            // Following lines of a block.
            let mut lines = 0;
            while k < n && lines < 4 && self.gap(k).contains('\n') {
                let gap = self.gap(k);
                if gap.matches('\n').count() > 2 {
                    break;
                }
                let mut e = k + 1;
                while e < n && !self.gap(e).contains('\n') {
                    e += 1;
                }
                let line_ok = e - k <= 6
                    && (k..e).all(|m| self.address_part(m) || self.labels[m] == Label::Addr)
                    && (k + 1..e).all(|m| !self.gap(m).contains(':'))
                    && !self.text[self.toks[e - 1].end
                        ..self.toks.get(e).map_or(self.text.len(), |t| t.start)]
                        .trim_start()
                        .starts_with(':');
                if !line_ok {
                    break;
                }
                for m in k..e {
                    self.label_address_part(m);
                }
                k = e;
                lines += 1;
            }
            i = k.max(i + 1);
        }
    }

    fn address_part(&self, k: usize) -> bool {
        let t = self.t(k);
        if t.masked {
            // Already claimed (a unit, a phone number): it neither breaks the block nor joins it.
            return true;
        }
        match self.labels[k] {
            Label::Addr | Label::Loc | Label::Keep | Label::Zip => return true,
            Label::Name => return t.is_capitalised(),
            Label::Org => return false,
            Label::None => {}
        }
        match t.shape {
            Shape::Number => self.word(k).len() <= 10,
            Shape::Mixed => self.word(k).len() <= 8,
            Shape::Upper | Shape::Initial => true,
            Shape::Cap => !t.has(FUNC) || t.has(KEPT),
            Shape::Lower => {
                t.has(PARTICLE)
                    || self.street_word(k)
                    || self.lower(k) == "nan"
                    || (self.lower_mode && !t.has(FUNC | COMMON))
            }
            Shape::Other => false,
        }
    }

    fn label_address_part(&mut self, k: usize) {
        if self.labels[k] != Label::None || self.t(k).masked {
            return;
        }
        let t = self.t(k);
        self.labels[k] = match t.shape {
            _ if t.has(KEPT) => Label::Keep,
            Shape::Upper | Shape::Initial if t.has(STATE_ABBR) && self.word(k).len() == 2 => {
                Label::Keep
            }
            Shape::Number | Shape::Mixed => Label::Zip,
            _ if self.street_word(k) => Label::Addr,
            _ => Label::Loc,
        };
    }

    // ---- pass 8: postcodes after places ---------------------------------------------------------

    fn zips_after_places(&mut self) {
        let n = self.toks.len();
        for i in 1..n {
            if !self.free(i) || self.t(i).shape != Shape::Number || !self.same_line(i) {
                continue;
            }
            let w = self.word(i);
            let digits = w.bytes().filter(u8::is_ascii_digit).count();
            if !(3..=9).contains(&digits) || w.contains(['.', ',']) {
                continue;
            }
            let mut p = i - 1;
            if self.t(p).shape == Shape::Initial && p > 0 && self.same_line(p) {
                p -= 1;
            }
            let prev_label = self.labels[p];
            let t = self.t(p);
            let after_place = matches!(prev_label, Label::Loc | Label::Keep)
                || t.has(KEPT)
                || (t.shape == Shape::Upper && t.has(STATE_ABBR) && self.word(p).len() == 2);
            if !after_place
                || (year_like(w) && !self.gap(i).contains(',')) && digits == 4 && !self.zip_block(i)
            {
                continue;
            }
            if year_like(w) && !self.zip_block(i) {
                continue;
            }
            let mut e = i + 1;
            // "394 13", "7412 SL".
            if e < n && self.tight(e) && self.free(e) {
                let nw = self.word(e);
                let second = (self.t(e).shape == Shape::Number
                    && (2..=3).contains(&nw.len())
                    && digits == 3)
                    || (self.t(e).shape == Shape::Upper
                        && nw.len() == 2
                        && digits == 4
                        && !self.t(e).has(STATE_ABBR));
                if second {
                    e += 1;
                }
            }
            self.mark(i, e, Label::Zip);
        }
    }

    /// The number ends its line or text (as a postcode at the end of an address does).
    fn zip_block(&self, i: usize) -> bool {
        i + 1 >= self.toks.len() || self.gap(i + 1).contains('\n')
    }

    // ---- output ---------------------------------------------------------------------------------

    fn emit(&self, out: &mut Vec<Detection>) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            if self.toks[i].masked {
                // Claimed by an earlier stage, which reports it.
                i += 1;
                continue;
            }
            let kind = match self.labels[i] {
                Label::Name => K::Name,
                Label::Loc => K::Location,
                Label::Addr => K::Address,
                Label::Zip => K::Zip,
                Label::Org => K::Organisation,
                Label::None | Label::Keep => {
                    i += 1;
                    continue;
                }
            };
            let mut j = i;
            while j + 1 < n
                && !self.toks[j + 1].masked
                && self.labels[j + 1] == self.labels[i]
                && self.joinable(j + 1, kind)
            {
                j += 1;
            }
            out.push(Detection::new(self.toks[i].start, self.toks[j].end, kind));
            i = j + 1;
        }
    }

    fn joinable(&self, i: usize, kind: K) -> bool {
        match kind {
            K::Address => self.same_line(i) || self.gap(i).trim().is_empty(),
            K::Name | K::Organisation => self.tight(i),
            _ => self.same_line(i) && !self.gap(i).contains(','),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    None,
    /// A weak hint: takes a listed or unknown word, a common word only if it is a given name followed
    /// by punctuation ("Hi Grace,").
    Weak,
    /// A title, kinship word or naming phrase: takes any capitalised word.
    Strong,
    /// A form label ("Name:"): like strong, and the name may run longer.
    Label,
    /// The token itself is a speaker's label at the start of a line ("Destiny: …").
    Speaker,
    /// A dedication ("happy birthday to", "shout out to"): takes a given name in any case, or an
    /// unknown word.
    Dedication,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::tokenize;

    fn found(text: &str) -> Vec<(K, String)> {
        let toks = tokenize(text);
        let mut out = Vec::new();
        detect(text, &toks, &[], &mut out);
        out.iter()
            .map(|d| (d.kind, text[d.start..d.end].to_string()))
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        found(text)
            .into_iter()
            .filter(|(k, _)| *k == K::Name)
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn titles_kinship_greetings() {
        assert_eq!(names("I saw Dr. Okafor today."), vec!["Okafor"]);
        assert_eq!(names("my husband Mark drove me"), vec!["Mark"]);
        assert_eq!(names("then nurse Jenny came"), vec!["Jenny"]);
        assert_eq!(names("Hi Jenny, thanks"), vec!["Jenny"]);
        assert_eq!(names("That helps.\n\nThanks, Priya"), vec!["Priya"]);
        assert_eq!(names("See you soon.\n— Tom"), vec!["Tom"]);
        assert_eq!(names("my name is Adaeze Nwosu and"), vec!["Adaeze Nwosu"]);
    }

    #[test]
    fn words_that_are_names_need_context() {
        assert_eq!(names("Will you call me?"), Vec::<String>::new());
        assert_eq!(names("my son Will is 12"), vec!["Will"]);
        assert_eq!(names("I hope it helps"), Vec::<String>::new());
        assert_eq!(names("Hope is what keeps me going."), Vec::<String>::new());
        assert_eq!(names("Hi everyone, thanks"), Vec::<String>::new());
        assert_eq!(names("I told Will about it"), vec!["Will"]);
    }

    #[test]
    fn drugs_are_not_names() {
        assert_eq!(
            names("Humira and Keytruda worked, metformin did not."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn full_names_with_initials_and_particles() {
        assert_eq!(
            names("signed by Karin M. Beike yesterday"),
            vec!["Karin M. Beike"]
        );
        assert_eq!(
            names("we met Ludwig van Beethoven there"),
            vec!["Ludwig van Beethoven"]
        );
    }

    #[test]
    fn places_and_kept_places() {
        let f = found("We moved from Boston to North Carolina last year.");
        assert_eq!(f, vec![(K::Location, "Boston".to_string())]);
    }

    #[test]
    fn addresses() {
        for (t, want) in [
            ("I live at 1234 Oak Street now", "1234 Oak Street"),
            ("meet me at Via Tasso 129 please", "Via Tasso 129"),
            ("it is 6750 Koskikatu 25 now", "6750 Koskikatu 25"),
            (
                "at 3747 3911 fourth avenue today",
                "3747 3911 fourth avenue",
            ),
            ("go to hersnapvej 18 now", "hersnapvej 18"),
        ] {
            let f = found(t);
            assert!(f.contains(&(K::Address, want.to_string())), "{t}: {f:?}");
        }
        assert!(found("I take Keytruda 200 every three weeks").is_empty());
        assert!(found("Stage 4 and Type 2").is_empty());
    }

    #[test]
    fn address_block_lines() {
        let t = "6185 Pfarrgasse 91\n MITTERLOBMING\n Austria 26759";
        let f = found(t);
        assert!(
            f.contains(&(K::Address, "6185 Pfarrgasse 91".into())),
            "{f:?}"
        );
        assert!(f.contains(&(K::Location, "MITTERLOBMING".into())), "{f:?}");
        assert!(f.contains(&(K::Zip, "26759".into())), "{f:?}");
        assert!(!f.iter().any(|(_, s)| s.contains("Austria")), "{f:?}");
    }

    #[test]
    fn lower_case_text() {
        assert_eq!(names("my husband mark and i went"), Vec::<String>::new());
        assert_eq!(names("hi priya, thanks so much. i went too"), vec!["priya"]);
    }

    #[test]
    fn small_clinics() {
        let f = found("I go to the Riverside Okafor Clinic on weekdays");
        assert!(f.iter().any(|(k, _)| *k == K::Organisation), "{f:?}");
        let f = found("I was treated at Mayo Clinic");
        assert!(!f.iter().any(|(k, _)| *k == K::Organisation), "{f:?}");
    }
}
