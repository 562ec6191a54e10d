//! Which language a text is in — or the honest answer that we cannot tell.
//!
//! VADER and the codebook are English. A Spanish post scored by VADER gets a
//! number that means nothing, and a researcher quoting "38% negative" cannot
//! see that some of the 38% were never read. So every document gets a
//! language, and the rule is **never a confident wrong guess**: short or
//! unclear text gets the fallback (`und` unless configured), not the
//! detector's best try.
//!
//! # How
//!
//! 1. Strip what is not language: URLs, `@handles`, `#hashtags`,
//!    de-identification placeholders (`[NAME]`), emoji and emoticons.
//! 2. If fewer than `min_chars` letters remain, answer the fallback.
//! 3. Run [whatlang](whatlang) on the first 300 bytes of what is left,
//!    restricted to an allowlist. A deployment
//!    names the languages it expects (`expected`, ISO 639-1, default
//!    `["en"]`), but **the allowlist is the expected languages plus a fixed
//!    contrast set** of widely written languages (Spanish, French,
//!    Portuguese, German, Chinese, Arabic, …). With an allowlist of English
//!    alone, whatlang has one candidate and reports it with confidence 1.0
//!    for any Latin-script text: exactly the confident wrong guess this
//!    module exists to prevent. The contrast languages give it something to
//!    weigh English against.
//!    One shortcut comes first: a sample written in ASCII letters in
//!    which English function words are a large share of the words is
//!    English, and whatlang is not asked (see [`english_by_function_words`];
//!    whatlang's cost is a fixed three hundred look-ups per allowed Latin
//!    language, the shortcut one pass over the words).
//! 4. The reported `code` is always an expected language or the fallback:
//!    an expected language when whatlang picks it and calls the result
//!    reliable (its confidence above 0.9), the fallback otherwise. When
//!    whatlang reliably picks a language that is *not* expected, the code is
//!    the fallback and [`LanguageGuess::unexpected`] says which language it
//!    was, so a caller can leave that text unscored rather than treat it as
//!    merely unknown.

use serde::{Deserialize, Serialize};
use whatlang::{Detector, Lang};

use crate::AnalysisError;

/// ISO 639-1 codes of the languages whatlang knows.
const ISO1: &[(&str, Lang)] = &[
    ("eo", Lang::Epo),
    ("en", Lang::Eng),
    ("ru", Lang::Rus),
    ("zh", Lang::Cmn),
    ("es", Lang::Spa),
    ("pt", Lang::Por),
    ("it", Lang::Ita),
    ("bn", Lang::Ben),
    ("fr", Lang::Fra),
    ("de", Lang::Deu),
    ("uk", Lang::Ukr),
    ("ka", Lang::Kat),
    ("ar", Lang::Ara),
    ("hi", Lang::Hin),
    ("ja", Lang::Jpn),
    ("he", Lang::Heb),
    ("yi", Lang::Yid),
    ("pl", Lang::Pol),
    ("am", Lang::Amh),
    ("jv", Lang::Jav),
    ("ko", Lang::Kor),
    ("nb", Lang::Nob),
    ("da", Lang::Dan),
    ("sv", Lang::Swe),
    ("fi", Lang::Fin),
    ("tr", Lang::Tur),
    ("nl", Lang::Nld),
    ("hu", Lang::Hun),
    ("cs", Lang::Ces),
    ("el", Lang::Ell),
    ("bg", Lang::Bul),
    ("be", Lang::Bel),
    ("mr", Lang::Mar),
    ("kn", Lang::Kan),
    ("ro", Lang::Ron),
    ("sl", Lang::Slv),
    ("hr", Lang::Hrv),
    ("sr", Lang::Srp),
    ("mk", Lang::Mkd),
    ("lt", Lang::Lit),
    ("lv", Lang::Lav),
    ("et", Lang::Est),
    ("ta", Lang::Tam),
    ("vi", Lang::Vie),
    ("ur", Lang::Urd),
    ("th", Lang::Tha),
    ("gu", Lang::Guj),
    ("uz", Lang::Uzb),
    ("pa", Lang::Pan),
    ("az", Lang::Aze),
    ("id", Lang::Ind),
    ("te", Lang::Tel),
    ("fa", Lang::Pes),
    ("ml", Lang::Mal),
    ("or", Lang::Ori),
    ("my", Lang::Mya),
    ("ne", Lang::Nep),
    ("si", Lang::Sin),
    ("km", Lang::Khm),
    ("tk", Lang::Tuk),
    ("ak", Lang::Aka),
    ("zu", Lang::Zul),
    ("sn", Lang::Sna),
    ("af", Lang::Afr),
    ("la", Lang::Lat),
    ("sk", Lang::Slk),
    ("ca", Lang::Cat),
    ("tl", Lang::Tgl),
    ("hy", Lang::Hye),
    ("cy", Lang::Cym),
];

/// The contrast set always in the allowlist (see the module docs). For
/// Latin-script text whatlang's cost grows with the number of allowed Latin
/// languages, so the Latin part is the twelve most likely to turn up in
/// English-language patient forums; other scripts cost nothing on Latin
/// text.
const CONTRAST: &[Lang] = &[
    Lang::Eng,
    Lang::Spa,
    Lang::Fra,
    Lang::Por,
    Lang::Deu,
    Lang::Ita,
    Lang::Nld,
    Lang::Pol,
    Lang::Tur,
    Lang::Vie,
    Lang::Ind,
    Lang::Tgl,
    Lang::Rus,
    Lang::Ukr,
    Lang::Ara,
    Lang::Hin,
    Lang::Cmn,
    Lang::Jpn,
    Lang::Kor,
    Lang::Heb,
    Lang::Ell,
    Lang::Pes,
    Lang::Urd,
    Lang::Ben,
    Lang::Tha,
];

/// How much cleaned text whatlang sees, in bytes (cut back to a word
/// boundary). whatlang's cost is mostly linear in its input, and 300 bytes
/// (some fifty words) is far past the length at which it is reliable; a
/// post that changes language after its first fifty words is rare, and
/// then the first language is the post's.
const SAMPLE_BYTES: usize = 300;

/// Language detection settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// ISO 639-1 codes of the languages this deployment expects, e.g.
    /// `["en"]` or `["en", "es"]`. Only these are ever reported.
    #[serde(default = "default_expected")]
    pub expected: Vec<String>,
    /// The code reported when detection is not reliable or finds a language
    /// that is not expected (default `und`; a source whose language is known
    /// can set its own).
    #[serde(default = "default_fallback")]
    pub fallback: String,
    /// Texts with fewer letters than this (after URLs, handles, hashtags,
    /// placeholders and emoji are stripped) get the fallback without asking
    /// the detector.
    #[serde(default = "default_min_chars")]
    pub min_chars: usize,
}

fn default_expected() -> Vec<String> {
    vec!["en".to_string()]
}

fn default_fallback() -> String {
    "und".to_string()
}

const fn default_min_chars() -> usize {
    20
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            expected: default_expected(),
            fallback: default_fallback(),
            min_chars: default_min_chars(),
        }
    }
}

/// The outcome of detection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageGuess {
    /// An expected ISO 639-1 code, or the fallback.
    pub code: String,
    /// whatlang's confidence in its pick, in [0, 1] (0 when the detector was
    /// not asked).
    pub confidence: f64,
    /// Whether `code` is a detected expected language (false for the
    /// fallback).
    pub reliable: bool,
    /// A language outside `expected` that whatlang picked reliably (ISO
    /// 639-1), in which case `code` is the fallback.
    pub unexpected: Option<String>,
}

impl LanguageGuess {
    /// Whether English-only analysis (VADER) applies: the text is English,
    /// or of unknown language with no other language reliably detected
    /// (short English posts such as "Thanks all!" land there).
    pub fn english_or_unknown(&self) -> bool {
        self.unexpected.is_none() && (self.code == "en" || !self.reliable)
    }
}

/// A compiled detector for one [`LanguageConfig`].
#[derive(Debug, Clone)]
pub struct LanguageDetector {
    detector: Detector,
    expected: Vec<Lang>,
    fallback: String,
    min_chars: usize,
}

impl LanguageDetector {
    /// Build a detector; fails if an expected code is not an ISO 639-1 code
    /// whatlang supports.
    pub fn new(cfg: &LanguageConfig) -> Result<Self, AnalysisError> {
        let mut expected = Vec::new();
        for code in &cfg.expected {
            match from_iso1(code) {
                Some(l) => expected.push(l),
                None => return Err(AnalysisError::UnknownLanguage { code: code.clone() }),
            }
        }
        Ok(Self::from_langs(expected, cfg))
    }

    fn from_langs(expected: Vec<Lang>, cfg: &LanguageConfig) -> Self {
        let mut allow: Vec<Lang> = CONTRAST.to_vec();
        for l in &expected {
            if !allow.contains(l) {
                allow.push(*l);
            }
        }
        LanguageDetector {
            detector: Detector::with_allowlist(allow),
            expected,
            fallback: cfg.fallback.clone(),
            min_chars: cfg.min_chars,
        }
    }

    /// Detect the language of `text`.
    pub fn detect(&self, text: &str) -> LanguageGuess {
        self.detect_with(text, true)
    }

    /// Detection by whatlang alone, without the English shortcut: what
    /// [`detect`](Self::detect) answered before the shortcut existed, kept
    /// so that the shortcut can be checked against it on real text.
    pub fn detect_by_trigrams(&self, text: &str) -> LanguageGuess {
        self.detect_with(text, false)
    }

    fn detect_with(&self, text: &str, shortcut: bool) -> LanguageGuess {
        let fallback = |confidence: f64, unexpected: Option<String>| LanguageGuess {
            code: self.fallback.clone(),
            confidence,
            reliable: false,
            unexpected,
        };
        let clean = strip_noise(text);
        if clean.chars().filter(|c| c.is_alphabetic()).count() < self.min_chars {
            return fallback(0.0, None);
        }
        let sample = if clean.len() <= SAMPLE_BYTES {
            clean.as_str()
        } else {
            let mut cut = SAMPLE_BYTES;
            while !clean.is_char_boundary(cut) {
                cut -= 1;
            }
            let head = &clean[..cut];
            head.rfind(' ').map_or(head, |sp| &head[..sp])
        };
        let (lang, conf) = if shortcut && english_by_function_words(sample) {
            (Lang::Eng, 1.0)
        } else {
            let Some(info) = self.detector.detect(sample) else {
                return fallback(0.0, None);
            };
            if !info.is_reliable() {
                return fallback(info.confidence(), None);
            }
            (info.lang(), info.confidence())
        };
        if self.expected.contains(&lang) {
            LanguageGuess {
                code: to_iso1(lang).to_string(),
                confidence: conf,
                reliable: true,
                unexpected: None,
            }
        } else {
            fallback(conf, Some(to_iso1(lang).to_string()))
        }
    }
}

/// Fewest words a sample needs before [`english_by_function_words`] may
/// answer for it.
const SHORTCUT_MIN_WORDS: u32 = 12;
/// Least share of a sample's words, in percent, that must be English
/// function words of either kind (see [`function_word`]).
const SHORTCUT_MIN_PERCENT: u32 = 30;
/// Least share, in percent, that must be *distinctive* English function
/// words, words no other language writes.
const SHORTCUT_MIN_DISTINCTIVE_PERCENT: u32 = 10;
/// Fewest different distinctive function words among them.
const SHORTCUT_MIN_DISTINCT: u32 = 4;

/// Whether `sample` is plainly English, so that whatlang need not be asked.
///
/// It is when its letters are all ASCII, it has at least
/// [`SHORTCUT_MIN_WORDS`] words, at least [`SHORTCUT_MIN_PERCENT`] % of
/// them are English function words, and at least
/// [`SHORTCUT_MIN_DISTINCTIVE_PERCENT`] % ([`SHORTCUT_MIN_DISTINCT`]
/// different ones) are function words that only English writes (`the`,
/// `and`, `that`, `with`, `you`, …; see [`function_word`]).
///
/// Ordinary English prose is a third to a half function words, and a tenth
/// of a text made of `the`, `and` and `that` is English by any reading: no
/// other language writes them as words, so only a text that is English, or
/// mostly English, gets there. The shared words (`i`, `a`, `to`, `is`, …,
/// each a common word of some contrast language too) count towards the
/// first share only. On the patient posts of the stage benchmark the
/// shortcut answers for nineteen posts in twenty; it is checked against
/// whatlang on the VADER and Presidio evaluation texts, and on the
/// non-English items of the feed-rs fixtures, by `tests/language_shortcut.rs`.
/// Anything short, mixed or written with other letters goes to whatlang as
/// before.
pub fn english_by_function_words(sample: &str) -> bool {
    if sample.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        return false;
    }
    let mut words = 0u32;
    let mut shared = 0u32;
    let mut distinctive = 0u32;
    let mut seen = 0u64;
    let apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    for word in sample.split(|c: char| !(c.is_ascii_alphabetic() || apostrophe(c))) {
        let word = word.trim_matches(apostrophe);
        if word.is_empty() {
            continue;
        }
        words += 1;
        match function_word(word) {
            Some(FunctionWord::Distinctive(i)) => {
                distinctive += 1;
                seen |= 1 << i;
            }
            Some(FunctionWord::Shared) => shared += 1,
            None => {}
        }
    }
    words >= SHORTCUT_MIN_WORDS
        && (distinctive + shared) * 100 >= words * SHORTCUT_MIN_PERCENT
        && distinctive * 100 >= words * SHORTCUT_MIN_DISTINCTIVE_PERCENT
        && seen.count_ones() >= SHORTCUT_MIN_DISTINCT
}

/// What kind of English function word a word is.
enum FunctionWord {
    /// Written as a word by no other language likely here; the number
    /// tells them apart.
    Distinctive(u32),
    /// Common in English and also a common word of a contrast language or
    /// a close neighbour: `i`, `my`, `to`, `do` (Polish), `a`, `no`, `me`
    /// (Spanish, Portuguese, Italian), `in`, `is`, `was`, `of`, `an`, `am`,
    /// `so`, `will` (Dutch, German), `on` (French), `at`, `for`, `her`
    /// (Danish, Norwegian, Tagalog), `just` (Swedish), `are` (Romanian).
    Shared,
}

/// Which kind of English function word `word` (any case) is, if any. A
/// curly apostrophe counts as a straight one.
fn function_word(word: &str) -> Option<FunctionWord> {
    let mut lower = [0u8; 8];
    let mut n = 0;
    for c in word.chars() {
        let b = match c {
            '\u{2019}' => b'\'',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return None,
        };
        *lower.get_mut(n)? = b;
        n += 1;
    }
    let w = std::str::from_utf8(&lower[..n]).ok()?;
    let i = match w {
        "i" | "my" | "to" | "do" | "a" | "no" | "me" | "in" | "is" | "was" | "of" | "an" | "am"
        | "so" | "will" | "on" | "at" | "for" | "her" | "just" | "are" => {
            return Some(FunctionWord::Shared);
        }
        "the" => 0,
        "and" => 1,
        "that" => 2,
        "with" => 3,
        "this" => 4,
        "have" => 5,
        "has" => 6,
        "had" => 7,
        "you" => 8,
        "your" => 9,
        "they" => 10,
        "them" => 11,
        "their" => 12,
        "what" => 13,
        "been" => 14,
        "would" => 15,
        "about" => 16,
        "from" => 17,
        "were" => 18,
        "there" => 19,
        "when" => 20,
        "which" => 21,
        "because" => 22,
        "she" => 23,
        "his" => 24,
        "him" => 25,
        "it" => 26,
        "its" => 27,
        "it's" => 28,
        "i'm" => 29,
        "i've" => 30,
        "don't" => 31,
        "didn't" => 32,
        "can't" => 33,
        "not" => 34,
        "but" => 35,
        "be" => 36,
        "we" => 37,
        "our" => 38,
        "if" => 39,
        "how" => 40,
        "who" => 41,
        "very" => 42,
        "really" => 43,
        "after" => 44,
        "could" => 45,
        "should" => 46,
        "into" => 47,
        "than" => 48,
        "then" => 49,
        _ => return None,
    };
    Some(FunctionWord::Distinctive(i))
}

/// One-off detection. Expected codes whatlang does not know are ignored
/// (use [`LanguageDetector::new`] to have them rejected); for many texts
/// build a [`LanguageDetector`] once.
pub fn detect(text: &str, cfg: &LanguageConfig) -> LanguageGuess {
    let expected = cfg.expected.iter().filter_map(|c| from_iso1(c)).collect();
    LanguageDetector::from_langs(expected, cfg).detect(text)
}

fn from_iso1(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    ISO1.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

fn to_iso1(lang: Lang) -> &'static str {
    ISO1.iter()
        .find(|(_, l)| *l == lang)
        .map_or(lang.code(), |(c, _)| c)
}

/// The text without URLs, handles, hashtags, placeholders, emoji and
/// emoticons, words separated by single spaces.
pub(crate) fn strip_noise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let w = word.trim_start_matches(['(', '"', '\'', '“']);
        let lower_starts = |p: &str| {
            w.len() >= p.len() && w.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        if lower_starts("http://") || lower_starts("https://") || lower_starts("www.") {
            continue;
        }
        if w.starts_with('@') || w.starts_with('#') {
            continue;
        }
        if crate::sentences::is_emoticon(w.trim_end_matches(['.', ',', '!', '?'])) {
            continue;
        }
        let mut rest = word;
        while !rest.is_empty() {
            if rest.starts_with('[')
                && let Some(close) = rest.find(']')
            {
                let inner = &rest[1..close];
                if !inner.is_empty()
                    && inner
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
                {
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            let Some(c) = rest.chars().next() else {
                break;
            };
            if !crate::sentences::is_emoji(c) && !matches!(c as u32, 0xFE0F | 0x200D) {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "I was really nervous about the screening visit but the nurse explained everything and the drive was not as bad as I thought.";
    const ES: &str = "Estaba muy nerviosa por la visita de selección, pero la enfermera me explicó todo y el viaje no fue tan malo como pensaba.";

    fn en_only() -> LanguageDetector {
        LanguageDetector::new(&LanguageConfig::default()).unwrap()
    }

    #[test]
    fn the_english_shortcut_takes_english_prose_and_nothing_else() {
        // English posts, curly apostrophes and all.
        for t in [
            EN,
            "Had my screening visit today and honestly it went better than I thought, the nurse was lovely and they paid for the taxi.",
            "I don’t know if I can keep doing the weekly visits, it’s a two hour drive and my husband has to take the day off with me.",
        ] {
            assert!(english_by_function_words(t), "{t}");
        }
        // Other languages, written in ASCII letters where the language
        // allows (diacritics alone would send a text to whatlang).
        for t in [
            "Hoy fue mi visita de seleccion y la enfermera me explico todo con calma, pero el viaje en coche fue muy largo para mi madre.",
            "Ik had vandaag mijn eerste bezoek in het ziekenhuis en de verpleegster was heel aardig, maar de reis was lang en ik was moe.",
            "Hari ini saya datang ke rumah sakit untuk pemeriksaan awal dan perawatnya sangat baik, tapi perjalanan dengan mobil sangat jauh.",
            "Pumunta ako sa ospital kanina para sa screening at mabait ang nurse, pero ang layo ng biyahe at pagod na pagod ako pag-uwi.",
            "Idag var jag pa sjukhuset for mitt forsta besok och sjukskoterskan var snall, men resan tog tva timmar och jag var trott.",
            "Jeg var pa hospitalet i dag for mit forste besog, og sygeplejersken var sod, men turen tog to timer, og jeg var traet bagefter.",
            "Dzisiaj byla moja pierwsza wizyta w szpitalu i pielegniarka byla bardzo mila, ale to byla dluga droga i jestem zmeczona.",
            "Oggi ho fatto la prima visita in ospedale e l infermiera era molto gentile, ma il viaggio in macchina era lungo e sono stanca.",
            "Heute war mein erster Termin im Krankenhaus und die Schwester war sehr nett, aber die Fahrt hat zwei Stunden gedauert.",
            "Hoje fui ao hospital para a primeira consulta e a enfermeira foi muito simpatica, mas a viagem de carro foi longa e cansativa.",
            "Aujourd hui j ai eu ma premiere visite a l hopital et l infirmiere etait tres gentille, mais le trajet en voiture etait long.",
            // Spanish quoting a few English words is still Spanish.
            "La enfermera dijo que el estudio es \"double blind\" y que nadie sabe quien recibe el placebo, pero yo tengo mucho miedo.",
        ] {
            assert!(!english_by_function_words(t), "{t}");
        }
        // Too short to say.
        assert!(!english_by_function_words(
            "the nurse and the doctor were with us"
        ));
    }

    #[test]
    fn english_post_is_english() {
        let g = en_only().detect(EN);
        assert_eq!((g.code.as_str(), g.reliable), ("en", true), "{g:?}");
        assert!(g.english_or_unknown());
    }

    #[test]
    fn an_unexpected_language_is_not_forced_into_english() {
        let g = en_only().detect(ES);
        assert_eq!(g.code, "und", "{g:?}");
        assert!(!g.reliable);
        assert_eq!(g.unexpected.as_deref(), Some("es"));
        assert!(!g.english_or_unknown());
    }

    #[test]
    fn expected_languages_are_reported() {
        let cfg = LanguageConfig {
            expected: vec!["en".into(), "es".into()],
            ..LanguageConfig::default()
        };
        let d = LanguageDetector::new(&cfg).unwrap();
        assert_eq!(d.detect(ES).code, "es");
        assert_eq!(d.detect(EN).code, "en");
    }

    #[test]
    fn short_text_gets_the_fallback() {
        for t in [
            "ok thx",
            "Same here!!",
            "lol yes",
            "Thanks all :)",
            "Gracias!",
        ] {
            let g = en_only().detect(t);
            assert_eq!(g.code, "und", "{t}: {g:?}");
            assert!(!g.reliable);
        }
        let cfg = LanguageConfig {
            fallback: "en".into(),
            ..LanguageConfig::default()
        };
        assert_eq!(detect("ok thx", &cfg).code, "en");
    }

    #[test]
    fn noise_is_stripped_before_detection() {
        let noisy = "@[NAME] #clinicaltrials https://example.org/estudio?id=1 www.ejemplo.es 😊🎉 :) [NAME] [PHONE]";
        assert_eq!(strip_noise(noisy).trim(), "");
        let g = en_only().detect(noisy);
        assert_eq!((g.code.as_str(), g.confidence), ("und", 0.0));
        let g = en_only().detect(&format!("{noisy} {EN} {noisy}"));
        assert_eq!(g.code, "en");
    }

    #[test]
    fn mixed_text_is_never_confidently_the_minority_language() {
        let mostly_en = format!(
            "{EN} The coordinator said gracias and adiós at the end of every visit, which was sweet."
        );
        assert_eq!(en_only().detect(&mostly_en).code, "en");
        let mostly_es = format!("{ES} My doctor said the trial is ok.");
        assert_eq!(en_only().detect(&mostly_es).code, "und");
    }

    #[test]
    fn unknown_expected_codes_are_rejected() {
        let cfg = LanguageConfig {
            expected: vec!["xx".into()],
            ..LanguageConfig::default()
        };
        let err = LanguageDetector::new(&cfg).unwrap_err();
        assert!(err.to_string().contains("`xx`"), "{err}");
        assert_eq!(detect(EN, &cfg).code, "und");
    }

    #[test]
    fn config_rejects_unknown_fields() {
        let err =
            toml::from_str::<LanguageConfig>("expected = [\"en\"]\nfalback = \"en\"").unwrap_err();
        assert!(err.to_string().contains("falback"), "{err}");
        let cfg: LanguageConfig = toml::from_str("").unwrap();
        assert_eq!(cfg, LanguageConfig::default());
    }
}
