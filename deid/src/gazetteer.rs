//! Word lists compiled into the binary: given names, surnames, places, English words, and the small
//! closed classes the context rules need (titles, kinship words, greetings, street suffixes …).
//!
//! Why one map of flags rather than one set per list: every word token of every document is looked
//! up, and one hash of the lower-cased token answering "which lists is this in?" costs one probe
//! instead of a dozen. The map is built once per process (about 300,000 entries, a few tens of
//! milliseconds) behind a `OnceLock` and shared by every [`crate::Deidentifier`].
//!
//! Multi-word places ("Salt Lake City", "New Mexico") live in a second map keyed by the words joined
//! with single spaces; the first word of each carries [`MULTI_START`] so the tokenizer only tries a
//! phrase lookup where one can begin.
//!
//! The data files and their licences are described in `data/README.md`. None of them is the list the
//! Presidio evaluation set was generated from (Faker's locale lists): using those would measure the
//! generator, not the detector.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// A given name (US Census 1990 or the hand-written world list).
pub(crate) const FIRST: u32 = 1 << 0;
/// A surname (US Census 1990).
pub(crate) const SURNAME: u32 = 1 << 1;
/// A place smaller than a state (GeoNames cities, US cities and counties).
pub(crate) const PLACE: u32 = 1 << 2;
/// A US state or a country: kept, per Safe Harbor.
pub(crate) const KEPT: u32 = 1 << 3;
/// A common English word (SCOWL size 35).
pub(crate) const COMMON: u32 = 1 << 4;
/// A rarer English word (SCOWL size 50 beyond 35).
pub(crate) const RARE: u32 = 1 << 5;
/// A capitalised word known not to be a person or a place (drugs, demonyms, apps …).
pub(crate) const PROPER: u32 = 1 << 6;
/// A function word: never part of a name.
pub(crate) const FUNC: u32 = 1 << 7;
/// A title before a name: Dr, Nurse, Mrs …
pub(crate) const TITLE: u32 = 1 << 8;
/// A kinship or care-relationship word: husband, daughter, oncologist …
pub(crate) const KIN: u32 = 1 << 9;
/// A greeting or sign-off: hi, dear, thanks, cheers …
pub(crate) const GREET: u32 = 1 << 10;
/// A preposition or verb that introduces a place: in, from, to, near, visiting …
pub(crate) const PLACE_PREP: u32 = 1 << 11;
/// A month name.
pub(crate) const MONTH: u32 = 1 << 12;
/// A weekday name.
pub(crate) const WEEKDAY: u32 = 1 << 13;
/// A street type: street, avenue, katu, gasse, vej …
pub(crate) const STREET: u32 = 1 << 14;
/// A unit word: apt, suite, unit, box …
pub(crate) const UNIT: u32 = 1 << 15;
/// A name particle: van, de, da, bin …
pub(crate) const PARTICLE: u32 = 1 << 16;
/// A two-letter US state or territory abbreviation (as written in addresses).
pub(crate) const STATE_ABBR: u32 = 1 << 17;
/// A verb that follows a person as subject: said, says, told …
pub(crate) const SPEECH: u32 = 1 << 18;
/// A form label after which a name follows: name, patient, user …
pub(crate) const LABEL_NAME: u32 = 1 << 19;
/// A form label after which an address follows.
pub(crate) const LABEL_ADDR: u32 = 1 << 20;
/// The first word of a multi-word place.
pub(crate) const MULTI_START: u32 = 1 << 21;
/// A word that follows a place name: county, city, township …
pub(crate) const PLACE_AFTER: u32 = 1 << 22;
/// A word that ends the name of a clinic or group: clinic, hospital, practice, support group …
pub(crate) const ORG_SUFFIX: u32 = 1 << 23;
/// A verb that introduces a name: named, called, nicknamed.
pub(crate) const NAMING: u32 = 1 << 24;
/// A given name that is also a common noun or adjective used capitalised (Hope, Grace, Summer):
/// needs context even mid-sentence.
pub(crate) const AMBIGUOUS: u32 = 1 << 25;
/// A form label after which a place follows (city, town, location, where).
pub(crate) const LABEL_PLACE: u32 = 1 << 26;

/// Any English word.
pub(crate) const WORD: u32 = COMMON | RARE;
/// Any name list.
pub(crate) const NAMEISH: u32 = FIRST | SURNAME;

/// The lists, built once.
///
/// Keys are 64-bit hashes of the lower-cased words, not the words: a probe then touches one table
/// slot and never a second heap string, which matters when every token of every document is looked
/// up in a table of several megabytes. A test checks that no two entries share a hash.
pub(crate) struct Gazetteer {
    /// The closed classes (function words, titles, kinship words …): a few hundred entries that make
    /// up about half the tokens of any English text, in a table small enough to stay in cache.
    hot: FxHashMap<u64, u32>,
    words: FxHashMap<u64, u32>,
    phrases: FxHashMap<u64, u32>,
}

/// FNV-1a over the bytes with a final mix: a good enough 64-bit fingerprint of a short word.
pub(crate) fn key(s: &str) -> u64 {
    mix(fnv(FNV_START, s.as_bytes()))
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();

/// The shared gazetteer, built on first use.
pub(crate) fn get() -> &'static Gazetteer {
    GAZETTEER.get_or_init(Gazetteer::build)
}

const FIRST_US: &str = include_str!("../data/first_names_us.txt");
const FIRST_WORLD: &str = include_str!("../data/first_names_world.txt");
const SURNAMES: &str = include_str!("../data/surnames_us.txt");
const PLACES_WORLD: &str = include_str!("../data/places_world.txt");
const PLACES_US: &str = include_str!("../data/places_us.txt");
const KEPT_PLACES: &str = include_str!("../data/kept_places.txt");
const REGIONS: &str = include_str!("../data/regions.txt");
const COMMON_WORDS: &str = include_str!("../data/common_words.txt");
const RARE_WORDS: &str = include_str!("../data/rare_words.txt");
const PROPER_NOUNS: &str = include_str!("../data/proper_nouns.txt");

/// Small closed classes, written here because they are part of the rules rather than data.
const CLOSED: &[(u32, &str)] = &[
    (
        FUNC,
        "a an the and or but nor so yet if then than that this these those there here of in on at to for from by \
         with without about as into onto upon over under after before since until till during through between \
         among against i me my mine we us our you your he him his she her it its they them their who whom whose \
         what which when where why how all any both each every some no not is am are was were be been being do \
         does did have has had having would shall should can could might must also just only very too \
         again once ever never always still even please thanks thank yes yeah hi hello hey ok okay one two three \
         four five six seven eight nine ten first last next new old other another such same own more most much \
         many few less least lot lots via per re vs etc",
    ),
    (
        TITLE,
        "dr doctor doc nurse mr mrs ms miss mx mister missus madam prof professor rev reverend pastor father fr \
         sister brother rabbi imam sheikh sir dame lady lord uncle aunt auntie aunty grandma grandpa granny nana \
         nan gran cousin coach captain capt officer judge senator dean surgeon therapist counselor counsellor \
         midwife pharmacist physio np pa rn md",
    ),
    (
        KIN,
        "husband wife partner spouse fiance fiancee fiancé fiancée boyfriend girlfriend son daughter kid kids \
         child children boy girl baby mom mum mother mommy mummy mama dad daddy father papa brother sister \
         sibling twin grandson granddaughter grandchild grandmother grandfather grandma grandpa granny gran \
         nana aunt auntie uncle niece nephew cousin stepson stepdaughter stepmom stepmum stepdad stepfather \
         stepmother friend bestie buddy pal mate roommate flatmate neighbor neighbour colleague coworker \
         boss carer caregiver caretaker doctor oncologist neurologist cardiologist surgeon gp physician \
         rheumatologist dermatologist endocrinologist gastroenterologist psychiatrist psychologist therapist \
         nurse counselor counsellor pharmacist coordinator specialist consultant dentist physio \
         physiotherapist pcp hematologist haematologist urologist gynecologist gynaecologist pediatrician \
         paediatrician radiologist midwife doula chaplain priest pastor teacher classmate",
    ),
    (
        GREET,
        "hi hello hey hiya heya dear morning evening thanks thank thx ty cheers regards best love sincerely \
         yours warmly congrats congratulations welcome bye goodbye sorry hugs xoxo xx blessings",
    ),
    (
        PLACE_PREP,
        "in from to at near around outside inside visiting visit visited moved move moving live lives living \
         lived based born raised grew near towards toward via between across",
    ),
    (
        MONTH,
        "january february march april may june july august september october november december jan feb mar \
         apr jun jul aug sep sept oct nov dec",
    ),
    (
        WEEKDAY,
        "monday tuesday wednesday thursday friday saturday sunday",
    ),
    (
        STREET,
        "street st avenue ave av road rd boulevard blvd lane ln drive dr court ct way place pl terrace ter \
         circle cir highway hwy parkway pkwy square sq trail trl crescent cres close grove gardens row walk \
         alley loop pike route rte plaza point ridge run path pass summit crossing crossroad junction heights \
         hills park port view village mews wharf quay causeway esplanade promenade parade rise vale green \
         common commons track expressway freeway turnpike estates manor meadow meadows orchard harbor harbour \
         islands island lodge radial spur stravenue union unions ville canyon cape cove creek dale fork \
         forks glen hollow knoll lake lakes landing mill mills mount mountain oval ranch shoal shores springs \
         station stream fort falls ferry field fields flat flats ford gateway motorway \
         u avda tee útja utja rue via viale vicolo piazza corso strada calle avenida av rua travessa praça praca paseo carrer \
         rambla chemin allée allee quai impasse straße strasse str gasse weg platz allee ring damm ufer \
         gatan gata vägen vagen väg vag vej gade stræde straede veien vegen veg gate katu tie kuja polku \
         laan straat plein gracht kade dijk steeg ulica ul aleja náměstí namesti třída trida ulice cesta \
         trg utca út ut tér ter körút korut tänav põik poik iela gatvė gatve odos οδός braut vegur \
         sokak sokağı caddesi bulvarı",
    ),
    (
        UNIT,
        "apt apartment suite ste unit room rm box postbox floor fl bldg building lot flat po psc cmr",
    ),
    (
        PARTICLE,
        "van von der den de del della dei delle di da das dos do du la le les lo ter ten bin ibn bint al el \
         y e zu mac st",
    ),
    (
        STATE_ABBR,
        "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc \
         nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr gu vi as mp aa ae ap",
    ),
    (
        SPEECH,
        "said says say told tells asked asks wrote writes texted texts called calls replied replies explained \
         explains added adds mentioned mentions suggested suggests thinks thought feels felt knows knew wants \
         wanted gave gives sent sends showed shows helped helps promised promises emailed emails messaged \
         rang rings insisted insists warned warns admitted admits",
    ),
    (
        LABEL_NAME,
        "name names patient author user from signed contact attn speaker respondent participant moderator \
         interviewer caller client member host guest surname firstname lastname",
    ),
    (LABEL_ADDR, "address addr residence"),
    (
        LABEL_PLACE,
        "city town location hometown where village county",
    ),
    (
        PLACE_AFTER,
        "county city township parish borough village town district province prefecture municipality \
         oblast canton",
    ),
    (
        ORG_SUFFIX,
        "clinic clinics hospital hospitals practice surgery pharmacy infirmary hospice centre center \
         group groups associates partners",
    ),
    (NAMING, "named called nicknamed name's"),
    (
        AMBIGUOUS,
        "hope faith love patience charity mercy honor honour summer autumn winter spring dawn art may june \
         april august sunny rich sky rain storm river chase hunter cash price king young white black brown \
         green gray grey long short bell wood woods hall hill ford page lane banks frank earnest major \
         general sterling chance christian trinity star unique royal \
         justice liberty victory baby sugar honey candy ginger pepper cherry apple crystal amber pearl jade \
         golden gold silver sterling north south east west",
    ),
];

impl Gazetteer {
    fn build() -> Self {
        let mut g = Gazetteer {
            hot: FxHashMap::default(),
            words: FxHashMap::default(),
            phrases: FxHashMap::default(),
        };
        g.add_list(FIRST_US, FIRST);
        g.add_list(FIRST_WORLD, FIRST);
        g.add_list(SURNAMES, SURNAME);
        g.add_list(PLACES_WORLD, PLACE);
        g.add_list(PLACES_US, PLACE);
        g.add_list(KEPT_PLACES, KEPT);
        g.add_list(REGIONS, KEPT);
        g.add_list(COMMON_WORDS, COMMON);
        g.add_list(RARE_WORDS, RARE);
        g.add_list(PROPER_NOUNS, PROPER);
        for (flag, words) in CLOSED {
            for w in words.split_whitespace() {
                g.add_word(w, *flag);
            }
        }
        for (_, words) in CLOSED {
            for w in words.split_whitespace() {
                let k = key(&w.to_lowercase());
                if let Some(&f) = g.words.get(&k) {
                    g.hot.insert(k, f);
                }
            }
        }
        g
    }

    /// Adds every entry of a list file: one entry a line (or several separated by whitespace where the
    /// line has no multi-word entry), `#` comments skipped.
    fn add_list(&mut self, text: &str, flag: u32) {
        let multi_word_lines = flag & (PLACE | KEPT) != 0;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if multi_word_lines {
                self.add_entry(line, flag);
            } else {
                for w in line.split_whitespace() {
                    self.add_word(w, flag);
                }
            }
        }
    }

    fn add_entry(&mut self, entry: &str, flag: u32) {
        let words: Vec<String> = crate::tokens::words_of(entry);
        match words.len() {
            0 => {}
            1 => self.add_word(&words[0], flag),
            _ => {
                *self.phrases.entry(key(&words.join(" "))).or_insert(0) |= flag;
                self.add_word(&words[0], MULTI_START);
            }
        }
    }

    fn add_word(&mut self, w: &str, flag: u32) {
        let lower = w.to_lowercase();
        let folded = crate::tokens::fold(&lower);
        if folded != lower {
            *self.words.entry(key(&folded)).or_insert(0) |= flag;
        }
        *self.words.entry(key(&lower)).or_insert(0) |= flag;
    }

    /// The flags of a lower-case word (0 when in no list).
    pub(crate) fn word(&self, lower: &str) -> u32 {
        let k = key(lower);
        match self.hot.get(&k) {
            Some(&f) => f,
            None => self.words.get(&k).copied().unwrap_or(0),
        }
    }

    /// The flags of a lower-case phrase of several words joined by single spaces.
    pub(crate) fn phrase(&self, lower: &str) -> u32 {
        self.phrases.get(&key(lower)).copied().unwrap_or(0)
    }

    /// The flags of the phrase made of `words` joined by single spaces, without building the string.
    pub(crate) fn phrase_of<'w>(&self, words: impl Iterator<Item = &'w str>) -> u32 {
        let mut h = FNV_START;
        for (n, w) in words.enumerate() {
            if n > 0 {
                h = fnv(h, b" ");
            }
            h = fnv(h, w.as_bytes());
        }
        self.phrases.get(&mix(h)).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_loaded_and_flagged() {
        let g = get();
        assert_ne!(g.word("maria") & FIRST, 0);
        assert_ne!(g.word("priya") & FIRST, 0);
        assert_ne!(g.word("okafor") & SURNAME, 0);
        assert_ne!(g.word("garcia") & SURNAME, 0);
        assert_ne!(g.word("boston") & PLACE, 0);
        assert_ne!(g.word("texas") & KEPT, 0);
        assert_ne!(g.word("france") & KEPT, 0);
        assert_ne!(g.word("will") & COMMON, 0);
        assert_ne!(g.word("will") & FIRST, 0);
        assert_ne!(g.word("humira") & PROPER, 0);
        assert_ne!(g.word("metformin") & PROPER, 0);
        assert_ne!(g.word("husband") & KIN, 0);
        assert_ne!(g.phrase("new mexico") & KEPT, 0);
        assert_ne!(g.phrase_of(["new", "mexico"].into_iter()) & KEPT, 0);
        assert_ne!(g.phrase("salt lake city") & PLACE, 0);
        assert_ne!(g.word("salt") & MULTI_START, 0);
        assert_eq!(g.word("zzqx"), 0);
    }

    #[test]
    fn no_two_entries_share_a_key() {
        let mut words = std::collections::HashSet::new();
        for text in [
            FIRST_US,
            FIRST_WORLD,
            SURNAMES,
            PLACES_WORLD,
            PLACES_US,
            KEPT_PLACES,
            REGIONS,
            COMMON_WORDS,
            RARE_WORDS,
            PROPER_NOUNS,
        ] {
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                for w in crate::tokens::words_of(line) {
                    words.insert(crate::tokens::fold(&w));
                    words.insert(w);
                }
                words.insert(crate::tokens::words_of(line).join(" "));
            }
        }
        let keys: std::collections::HashSet<u64> = words.iter().map(|w| key(w)).collect();
        assert_eq!(keys.len(), words.len());
    }

    #[test]
    fn accented_entries_match_unaccented_spellings() {
        let g = get();
        assert_ne!(g.word("jonkoping") & PLACE, 0);
        assert_ne!(g.word("jönköping") & PLACE, 0);
    }
}
